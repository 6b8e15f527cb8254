import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { CairnClient } from "@cairn/client";
import {
  readLedger,
  spawnService,
  startNatsServer,
  uniquePrefix,
  type RunningNatsServer,
  type ServiceName,
  type ServiceProcess,
} from "@cairn/testing";
import {
  clientFor,
  LEDGER_ANSWER,
  LEDGER_SCRIPT,
  makeFixture,
  runLog,
  serviceEnv,
  waitRun,
  withTimeout,
  type Fixture,
  type ScriptTurn,
} from "../helpers.js";
import { checkRunLog } from "../chaos/invariants.js";
import { Subjects } from "@cairn/protocol";

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

async function setup(
  script: ScriptTurn[],
  crash?: { service: ServiceName; at: string },
): Promise<{ f: Fixture; prefix: string; env: Record<string, string>; byName: Map<ServiceName, ServiceProcess> }> {
  const f = makeFixture({ work: script });
  const prefix = uniquePrefix();
  // With a crash point, one message at a time per process: the only crash window exercised is the
  // crash point's own (a parallel call mid-effect would be a different, after-effect, window).
  const serial: Record<string, string> = crash
    ? { CAIRN_TOOL_CONCURRENCY: "1", CAIRN_LLM_CONCURRENCY: "1", CAIRN_PLANNER_CONCURRENCY: "1" }
    : {};
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
  const keys = readLedger(f.ledgerFile)
    .map((l) => l.key)
    .sort();
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
  // executed exactly once. Then, past ack_wait, the message the victim held unacked is redelivered
  // to the replacement, which must see that its work is recorded and append nothing new.
  type Line = Record<string, unknown>;
  const cases: {
    service: ServiceName;
    at: string;
    why: string;
    redone: (l: Line, seq: number) => boolean;
    notRedone: (l: Line, seq: number) => boolean;
  }[] = [
    {
      service: "tool-runner",
      at: "after-publish",
      why: "after a tool's side effect and its recorded result, before the ack",
      redone: (l) =>
        l["msg"] === "redelivered command already has its recorded result: acked without executing the tool",
      notRedone: (l) => l["msg"] === "tool call completed",
    },
    {
      service: "llm-caller",
      at: "after-publish",
      why: "after an LLM response is recorded, before the ack",
      redone: (l) =>
        l["msg"] === "redelivered command already has its recorded response: acked without calling the model",
      notRedone: (l) => l["msg"] === "model answered",
    },
    // The planner's redelivered event decides the same commands again: each append is refused as already recorded.
    {
      service: "planner",
      at: "after-publish:2",
      why: "between publishing its commands and acking the event",
      redone: (l, seq) => l["msg"] === "output already recorded" && l["duplicate"] === true && l["seq"] === seq,
      notRedone: (l, seq) => l["msg"] === "output recorded" && l["seq"] === seq,
    },
  ];
  for (const c of cases) {
    it(`resumes the run when the ${c.service} is SIGKILLed ${c.why}`, async () => {
      const { f, env, byName, prefix } = await setup(LEDGER_SCRIPT, { service: c.service, at: c.at });
      const victim = byName.get(c.service)!;
      const { runId } = await client!.submit({ task: "record a, b, c, then d" });
      const exit = await withTimeout(victim.exited, 30_000, `${c.service} to crash at ${c.at}`);
      expect(exit.signal).toBe("SIGKILL");
      // The message the victim held when it died (it logs the subject at its crash point).
      const held = String(victim.logs.find((l) => l["crashPoint"] === "after-publish")?.["subject"]);
      expect(held).toContain(`.${runId}.`);
      const replacement = await spawn(c.service, { ...env, LOG_LEVEL: "debug" });
      const s = await waitRun(client!, runId);
      expect(s.status).toBe("completed");
      expect(s.answer).toBe(LEDGER_ANSWER);
      // Past ack_wait (2 s here), the replacement takes up the message the victim never acked...
      const taken = await replacement.waitForLog(
        (l) => l["msg"] === "redelivered message taken up" && l["subject"] === held,
        15_000,
      );
      expect(Number(taken["deliveries"])).toBeGreaterThanOrEqual(2);
      const seq = Number(taken["seq"]);
      await replacement.waitForLog(
        (l) => l["msg"] === "message settled" && l["subject"] === held && l["seq"] === seq,
        15_000,
      );
      // ...finds its work recorded, and does not do it again.
      // (The planner's lines carry the event's seq; the workers' lines the step and the attempt.)
      const what = new Subjects(prefix).parse(held)?.what;
      const step =
        what?.kind === "tool-command"
          ? `tool.${what.turn}.${what.index}`
          : what?.kind === "llm-command"
            ? `llm.${what.turn}`
            : undefined;
      const handled = replacement.logs.filter(
        (l) =>
          l["runId"] === runId &&
          (c.service === "planner" ? l["seq"] === seq : l["step"] === step && l["attempt"] === taken["deliveries"]),
      );
      expect(
        handled.some((l) => c.redone(l, seq)),
        `${c.service} logged that the redelivered work was already recorded`,
      ).toBe(true);
      expect(handled.filter((l) => c.notRedone(l, seq))).toEqual([]);
      expectExactlyOnce(f, runId);
      // Nothing new in the log: every subject once, every command answered once, no duplicate command.
      const log = await runLog(client!.nc, prefix, runId);
      expect(checkRunLog(runId, log)).toEqual([]);
      expect(log.filter((e) => e.entry.kind === "llm-command")).toHaveLength(3);
      expect(log.filter((e) => e.entry.kind === "tool-command")).toHaveLength(4);
      expect(log.filter((e) => e.entry.kind === "llm-result")).toHaveLength(3);
      expect(log.filter((e) => e.entry.kind === "tool-result")).toHaveLength(4);
    });
  }

  it("resumes a run after the tool-runner is SIGKILLed from outside in the middle of a tool call", async () => {
    const script: ScriptTurn[] = [
      {
        toolCalls: [
          { name: "ledger", arguments: { item: "a" } },
          { name: "ledger", arguments: { item: "b", delayMs: 4000 } },
          { name: "ledger", arguments: { item: "c" } },
        ],
      },
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
    const { f, env, byName } = await setup(
      LEDGER_SCRIPT.map((t, i) =>
        i === 0
          ? {
              ...t,
              toolCalls: t.toolCalls!.map((c) => ({ ...c, arguments: { ...(c.arguments as object), delayMs: 1500 } })),
            }
          : t,
      ),
    );
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
