import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { CairnClient } from "@cairn/client";
import { readLedger, spawnService, startNatsServer, uniquePrefix, type RunningNatsServer, type ServiceName, type ServiceProcess } from "@cairn/testing";
import { clientFor, LEDGER_ANSWER, LEDGER_SCRIPT, makeFixture, runLog, serviceEnv, waitRun, withTimeout, type Fixture, type ScriptTurn } from "../helpers.js";

let server: RunningNatsServer;
const procs: ServiceProcess[] = [];
let client: CairnClient | undefined;

beforeAll(async () => {
  server = await startNatsServer();
});
afterEach(async () => {
  await client?.close();
  client = undefined;
  await Promise.all(procs.splice(0).map((p) => p.kill("SIGKILL")));
});
afterAll(async () => {
  await server?.stop();
});

const ALL: ServiceName[] = ["tool-runner", "llm-caller", "planner"];

async function spawn(name: ServiceName, env: Record<string, string>): Promise<ServiceProcess> {
  const p = await spawnService(name, env);
  procs.push(p);
  return p;
}

async function setup(script: ScriptTurn[], crash?: { service: ServiceName; at: string }): Promise<{ f: Fixture; prefix: string; env: Record<string, string>; byName: Map<ServiceName, ServiceProcess> }> {
  const f = makeFixture({ work: script });
  const prefix = uniquePrefix();
  // With a crash point, one message at a time per process: the only crash window exercised is the
  // crash point's own (a parallel call mid-effect would be a different, after-effect, window).
  const serial: Record<string, string> = crash ? { CAIRN_TOOL_CONCURRENCY: "1", CAIRN_LLM_CONCURRENCY: "1", CAIRN_PLANNER_CONCURRENCY: "1" } : {};
  const env = serviceEnv(server.url, prefix, f, serial);
  const byName = new Map<ServiceName, ServiceProcess>();
  for (const name of ALL) {
    byName.set(name, await spawn(name, crash?.service === name ? { ...env, CAIRN_CRASH_AT: crash.at } : env));
  }
  client = await clientFor(server.url, prefix);
  return { f, prefix, env, byName };
}

/** Every ledger key exactly once: each tool call executed exactly once by its idempotency key. */
function expectExactlyOnce(f: Fixture, runId: string): void {
  const keys = readLedger(f.ledgerFile).map((l) => l.key).sort();
  expect(keys).toEqual([`${runId}:1:0`, `${runId}:1:1`, `${runId}:1:2`, `${runId}:2:0`]);
}

describe("three services as separate OS processes", () => {
  it("complete a multi-turn run with parallel tool calls", async () => {
    const { f } = await setup(LEDGER_SCRIPT);
    const { runId } = await client!.submit({ task: "record a, b, c, then d" });
    const s = await waitRun(client!, runId);
    expect(s.status).toBe("completed");
    expect(s.answer).toBe(LEDGER_ANSWER);
    expectExactlyOnce(f, runId);
  });

  // Each case: the service SIGKILLs itself at the named point (CAIRN_CRASH_AT, test-only), a
  // replacement process is started, and the run must still complete with every tool call
  // executed exactly once.
  const cases: { service: ServiceName; at: string; why: string; redelivered: RegExp }[] = [
    { service: "tool-runner", at: "after-publish", why: "after a tool's side effect and its recorded result, before the ack", redelivered: /already has its recorded result/ },
    { service: "llm-caller", at: "after-publish", why: "after an LLM response is recorded, before the ack", redelivered: /already has its recorded response/ },
    { service: "planner", at: "after-publish:2", why: "between publishing its commands and acking the event", redelivered: /output already recorded|run (started|ended)/ },
  ];
  for (const c of cases) {
    it(`resumes the run when the ${c.service} is SIGKILLed ${c.why}`, async () => {
      const { f, env, byName, prefix } = await setup(LEDGER_SCRIPT, { service: c.service, at: c.at });
      const victim = byName.get(c.service)!;
      const { runId } = await client!.submit({ task: "record a, b, c, then d" });
      const exit = await withTimeout(victim.exited, 30_000, `${c.service} to crash at ${c.at}`);
      expect(exit.signal).toBe("SIGKILL");
      const replacement = await spawn(c.service, { ...env, LOG_LEVEL: "debug" });
      const s = await waitRun(client!, runId);
      expect(s.status).toBe("completed");
      expect(s.answer).toBe(LEDGER_ANSWER);
      expectExactlyOnce(f, runId);
      // The replacement took over the unacked message and did not redo its work.
      await replacement.waitForLog((l) => typeof l["msg"] === "string" && c.redelivered.test(l["msg"]) && l["runId"] === runId, 10_000);
      const log = await runLog(client!.nc, prefix, runId);
      expect(log.filter((e) => e.entry.kind === "llm-result")).toHaveLength(3);
      expect(log.filter((e) => e.entry.kind === "tool-result")).toHaveLength(4);
    });
  }

  it("resumes a run after the tool-runner is SIGKILLed from outside in the middle of a tool call", async () => {
    const script: ScriptTurn[] = [
      { toolCalls: [{ name: "ledger", arguments: { item: "a" } }, { name: "ledger", arguments: { item: "b", delayMs: 4000 } }, { name: "ledger", arguments: { item: "c" } }] },
      { toolCalls: [{ name: "ledger", arguments: { item: "d" } }] },
      { content: "Recorded: {{toolResults}}" },
    ];
    const { f, env, byName, prefix } = await setup(script);
    const { runId } = await client!.submit({ task: "slow b" });
    // Wait until a and c are recorded: b is then in the middle of its 4 s call.
    await withTimeout(
      (async () => {
        for (;;) {
          if (readLedger(f.ledgerFile).length >= 2) return;
          await new Promise((r) => setTimeout(r, 50));
        }
      })(),
      20_000,
      "a and c to be recorded",
    );
    await byName.get("tool-runner")!.kill("SIGKILL");
    await spawn("tool-runner", env);
    const s = await waitRun(client!, runId);
    expect(s.status).toBe("completed");
    expectExactlyOnce(f, runId);
    const log = await runLog(client!.nc, prefix, runId);
    const b = log.find((e) => e.entry.kind === "tool-result" && e.entry.message.index === 1);
    expect(b?.entry.kind === "tool-result" && b.entry.message.attempts).toBe(2);
  });

  it("resumes when the planner and the llm-caller are SIGKILLed and restarted at once", async () => {
    const { f, env, byName } = await setup(LEDGER_SCRIPT.map((t, i) => (i === 0 ? { ...t, toolCalls: t.toolCalls!.map((c) => ({ ...c, arguments: { ...(c.arguments as object), delayMs: 1500 } })) } : t)));
    const { runId } = await client!.submit({ task: "kill two" });
    await new Promise((r) => setTimeout(r, 500));
    await Promise.all([byName.get("planner")!.kill("SIGKILL"), byName.get("llm-caller")!.kill("SIGKILL")]);
    await spawn("planner", env);
    await spawn("llm-caller", env);
    const s = await waitRun(client!, runId);
    expect(s.status).toBe("completed");
    expectExactlyOnce(f, runId);
  });
});
