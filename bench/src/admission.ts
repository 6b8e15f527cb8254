// Token-aware admission: does a provider get its configured tokens per minute, and no more, when
// 4 llm-caller processes share its budget? Run: `npm run bench:admission [-- --tpm 30000 --runs 220]`
// (`--delay-ms 5000`: the server answers each call 5 s after receiving it, like a long generation).
// A local OpenAI-wire server counts the tokens of every request it receives (prompt at 4
// characters a token, plus a fixed completion) at the moment it receives it; the runs (one model
// call each) are all submitted at once, so demand exceeds the budget for the whole measurement.
// Printed: the tokens the server received in the minute from 30 s to 90 s after the first call
// (steady state, the first minute's burst past), the most in any 60 s span, against the budget.
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { CairnClient } from "@cairn/client";
import { startNatsServer } from "@cairn/natsd";
import { spawnNode, type Proc } from "./procs.js";

const root = resolve(import.meta.dirname, "..", "..");
const arg = (name: string, def: number): number => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : def;
};
const TPM = arg("tpm", 30_000);
const RUNS = arg("runs", 220);
const CALLERS = arg("callers", 4);
const DELAY_MS = arg("delay-ms", 0);
const COMPLETION = 50;
const MINUTE = 60_000;
/** About 250 prompt tokens a call (+ the system prompt), + 50 completion: ~300 a call, ~100 calls a minute at 30,000 TPM. */
const TASK = "Summarise the admission control design in one paragraph. ".repeat(18);

const received: { at: number; tokens: number }[] = [];
const http = createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on("data", (c: Buffer) => chunks.push(c));
  req.on("end", () => {
    const at = Date.now();
    const body = JSON.parse(Buffer.concat(chunks).toString("utf8")) as { messages?: { content?: unknown }[] };
    let chars = 0;
    for (const m of body.messages ?? []) if (typeof m.content === "string") chars += m.content.length;
    const prompt = Math.ceil(chars / 4);
    received.push({ at, tokens: prompt + COMPLETION });
    setTimeout(() => {
      res.writeHead(200, { "content-type": "application/json" });
      res.end(
        JSON.stringify({
          id: "chatcmpl-1",
          object: "chat.completion",
          created: 1,
          model: "bench-model",
          choices: [{ index: 0, message: { role: "assistant", content: "done" }, finish_reason: "stop" }],
          usage: { prompt_tokens: prompt, completion_tokens: COMPLETION },
        }),
      );
    }, DELAY_MS);
  });
});
await new Promise<void>((r) => http.listen(0, "127.0.0.1", r));
const origin = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;

const dir = mkdtempSync(join(tmpdir(), "cairn-bench-admission-"));
mkdirSync(join(dir, "scripts"));
writeFileSync(
  join(dir, "agents.json"),
  JSON.stringify({
    agents: { a: { provider: "openai", model: "bench-model", systemPrompt: "s", tools: [], maxTurns: 2 } },
  }),
);
writeFileSync(
  join(dir, "providers.json"),
  JSON.stringify({
    providers: {
      openai: { type: "openai-compatible", baseUrl: `${origin}/v1`, limits: { tpm: TPM, outputTokens: COMPLETION } },
    },
  }),
);
const server = await startNatsServer();
const env = {
  NATS_URL: server.url,
  CAIRN_PREFIX: "benchadm",
  CAIRN_SCRIPTS_DIR: join(dir, "scripts"),
  CAIRN_AGENTS_FILE: join(dir, "agents.json"),
  CAIRN_PROVIDERS_FILE: join(dir, "providers.json"),
  CAIRN_WORKSPACE_ROOT: join(dir, "ws"),
  CAIRN_STREAM_TOKENS: "false",
  LOG_LEVEL: "warn",
};
await promisify(execFile)(process.execPath, [join(root, "services", "cli", "bin", "cairn.js"), "provision"], {
  env: { PATH: process.env["PATH"] ?? "", ...env },
});
const procs: Proc[] = [];
const start = (name: string) =>
  procs.push(
    spawnNode(name, join(root, "services", name, "dist", "main.js"), env, join(dir, `${name}-${procs.length}.log`)),
  );
for (let i = 0; i < CALLERS; i++) start("llm-caller");
start("planner");
const c = await CairnClient.connect({ connect: { servers: server.url }, prefix: "benchadm" });
for (;;) {
  try {
    await c.status("none");
    break;
  } catch (err) {
    if (!/no responders|timeout/i.test((err as Error).message)) break;
    await new Promise((r) => setTimeout(r, 200));
  }
}
const t0 = performance.now();
const ids = await Promise.all(
  Array.from({ length: RUNS }, (_, i) => c.submit({ task: `${i}: ${TASK}`, agent: "a" }).then((r) => r.runId)),
);
const ends = await Promise.all(ids.map((id) => c.wait(id)));
const seconds = (performance.now() - t0) / 1000;
await c.close();
await Promise.all(procs.map((p) => p.stop()));
await server.stop();
http.close();

received.sort((a, b) => a.at - b.at);
const first = received[0]!.at;
const inSpan = (from: number) =>
  received.filter((r) => r.at >= from && r.at < from + MINUTE).reduce((n, r) => n + r.tokens, 0);
const steady = inSpan(first + 30_000);
let most = 0;
for (const r of received) most = Math.max(most, inSpan(r.at));
const call = Math.max(...received.map((r) => r.tokens));
const failed = ends.filter((e) => e.status !== "completed").length;
const result = {
  bench: "admission",
  llmCallers: CALLERS,
  answerDelayMs: DELAY_MS,
  configuredTpm: TPM,
  runs: RUNS,
  failedRuns: failed,
  calls: received.length,
  tokensPerCall: call,
  seconds: Math.round(seconds * 10) / 10,
  steadyMinuteTokens: steady,
  steadyVsConfigured: Math.round((steady / TPM) * 1000) / 10,
  maxAny60sTokens: most,
  maxVsConfigured: Math.round((most / TPM) * 1000) / 10,
};
console.log(JSON.stringify(result));
console.log(
  `\nadmission: ${CALLERS} llm-callers, configured ${TPM} TPM, answers after ${DELAY_MS} ms, ${RUNS} runs (${received.length} calls of ~${call} tokens) in ${result.seconds} s, ${failed} failed`,
);
console.log(
  `  tokens received in the minute 30-90 s after the first call: ${steady} (${result.steadyVsConfigured}% of configured) ${
    Math.abs(steady - TPM) <= 0.05 * TPM ? "PASS" : "MISS"
  } (target: within 5%)`,
);
console.log(
  `  most tokens in any 60 s span:                             ${most} (${result.maxVsConfigured}% of configured) ${
    most <= TPM * 1.05 ? "PASS" : "MISS"
  }`,
);
