// Horizontal tool workers: throughput of an I/O-bound tool (waits 50 ms) with 1, 2 and 4
// tool-runner processes sharing the tool's consumer. Run: `npm run bench:tools [-- --runs 60]`.
// The planner and llm-caller run as their own processes; each tool-runner handles 4 calls at once
// (CAIRN_TOOL_CONCURRENCY=4), so one runner is the bottleneck and more runners should scale until
// the planner or the broker is the limit.
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { CairnClient } from "@cairn/client";
import { startNatsServer } from "@cairn/natsd";
import { spawnNode, type Proc } from "./procs.js";

const root = resolve(import.meta.dirname, "..", "..");
const arg = (name: string, def: number): number => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : def;
};
const RUNS = arg("runs", 60);
const TURNS = arg("turns", 3);
const CALLS = arg("calls", 4);
const TOOL_MS = 50;

async function measure(
  runners: number,
): Promise<{ runners: number; toolCalls: number; seconds: number; callsPerSec: number }> {
  const dir = mkdtempSync(join(tmpdir(), "cairn-bench-tools-"));
  mkdirSync(join(dir, "scripts"));
  const turns = [
    ...Array.from({ length: TURNS }, () => ({
      toolCalls: Array.from({ length: CALLS }, () => ({ name: "sleep", arguments: { ms: TOOL_MS } })),
    })),
    { content: "done" },
  ];
  writeFileSync(join(dir, "scripts", "io.json"), JSON.stringify({ turns }));
  writeFileSync(
    join(dir, "agents.json"),
    JSON.stringify({ agents: { io: { provider: "scripted", model: "io", tools: ["sleep"], maxTurns: TURNS + 1 } } }),
  );
  const server = await startNatsServer();
  const env = {
    NATS_URL: server.url,
    CAIRN_PREFIX: "benchtools",
    CAIRN_SCRIPTS_DIR: join(dir, "scripts"),
    CAIRN_AGENTS_FILE: join(dir, "agents.json"),
    CAIRN_WORKSPACE_ROOT: join(dir, "ws"),
    CAIRN_TOOL_CONCURRENCY: "4",
    CAIRN_STREAM_TOKENS: "false",
    LOG_LEVEL: "warn",
  };
  const procs: Proc[] = [];
  const start = (name: string) =>
    procs.push(
      spawnNode(name, join(root, "services", name, "dist", "main.js"), env, join(dir, `${name}-${procs.length}.log`)),
    );
  for (let i = 0; i < runners; i++) start("tool-runner");
  start("llm-caller");
  start("planner");
  const c = await CairnClient.connect({ connect: { servers: server.url }, prefix: "benchtools" });
  // Wait for the tool to be registered (the first tool-runner is up).
  for (;;) {
    try {
      await c.submit({ task: "warm-up", agent: "io" }).then((r) => c.wait(r.runId));
      break;
    } catch {
      await new Promise((r) => setTimeout(r, 200));
    }
  }
  const t0 = performance.now();
  const ids = await Promise.all(
    Array.from({ length: RUNS }, (_, i) => c.submit({ task: `run ${i}`, agent: "io" }).then((r) => r.runId)),
  );
  await Promise.all(ids.map((id) => c.wait(id)));
  const seconds = (performance.now() - t0) / 1000;
  await c.close();
  await Promise.all(procs.map((p) => p.stop()));
  await server.stop();
  const toolCalls = RUNS * TURNS * CALLS;
  return { runners, toolCalls, seconds: Math.round(seconds * 100) / 100, callsPerSec: Math.round(toolCalls / seconds) };
}

const results = [];
for (const n of [1, 2, 4]) {
  const r = await measure(n);
  results.push(r);
  console.log(JSON.stringify({ bench: "tool-runners", toolMs: TOOL_MS, perRunnerConcurrency: 4, ...r }));
}
const base = results[0]!.callsPerSec;
console.log("\ntool-runners  tool calls/s  speed-up   (tool waits 50 ms; 4 calls at a time per runner)");
for (const r of results)
  console.log(
    `${String(r.runners).padStart(12)}  ${String(r.callsPerSec).padStart(12)}  ${(r.callsPerSec / base).toFixed(2).padStart(8)}x`,
  );
