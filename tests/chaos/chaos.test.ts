import { afterEach, describe, expect, it } from "vitest";
import type { ServiceName } from "@cairn/testing";
import { waitRun, withTimeout } from "../helpers.js";
import { ChaosCluster, percentile, rng, TEN_TURN_ANSWER, TOOL_CALLS_PER_RUN, tenTurnScript } from "./harness.js";

// Sizes: CI by default (~2 min for the service chaos); CAIRN_CHAOS_SIZE=long for a longer soak.
const LONG = process.env["CAIRN_CHAOS_SIZE"] === "long";
const SERVICE_CHAOS = LONG ? { runs: 200, killEveryMs: 2000 } : { runs: 50, killEveryMs: 2000 };
const ACK_WAIT_MS = 3000;

let cluster: ChaosCluster | undefined;
afterEach(async () => {
  await cluster?.stop();
  cluster = undefined;
});

function figures(name: string, f: Record<string, unknown>): void {
  // Printed for the README; one JSON line per scenario.
  console.log(`CHAOS ${name} ${JSON.stringify(f)}`);
}

async function submitAll(c: ChaosCluster, n: number, tag: string): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < n; i++) ids.push((await c.client.submit({ task: `${tag} run ${i}`, idempotencyKey: `${tag}-${i}` })).runId);
  return ids;
}

describe("chaos: the promise that a run survives any crash", () => {
  it(`service chaos: ${SERVICE_CHAOS.runs} concurrent 10-turn runs, a random service process SIGKILLed every ${SERVICE_CHAOS.killEveryMs / 1000} s`, async () => {
    const seed = Number(process.env["CAIRN_CHAOS_SEED"] ?? Date.now() % 1_000_000);
    const random = rng(seed);
    // Tool calls take 2.5 s, so the runs are in flight for the whole nemesis schedule (~1–2 min).
    // Enough tool slots that a redelivered call never queues behind busy ones: recovery measures Cairn, not saturation.
    cluster = await ChaosCluster.start({ instances: 2, script: tenTurnScript(2500), ackWaitMs: ACK_WAIT_MS, env: { CAIRN_TOOL_CONCURRENCY: process.env["CHAOS_TOOL_CONCURRENCY"] ?? "128" } });
    const c = cluster;
    const started = Date.now();
    const ids = await submitAll(c, SERVICE_CHAOS.runs, "svc");
    let done = false;
    const nemesis = (async () => {
      const killed: string[] = [];
      while (!done) {
        await new Promise((r) => setTimeout(r, SERVICE_CHAOS.killEveryMs));
        if (!done) killed.push(await c.killRandom(random));
      }
      return killed;
    })();
    const statuses = await withTimeout(Promise.all(ids.map((id) => waitRun(c.client, id, 600_000))), 600_000, "all chaos runs");
    done = true;
    const killed = await nemesis;
    const v = await c.verify(ids);
    const completed = statuses.filter((s) => s.status === "completed" && s.answer === TEN_TURN_ANSWER).length;
    const rec = c.recoveryTimes();
    figures("service", {
      seed,
      runs: ids.length,
      completed,
      lost: ids.length - completed,
      kills: killed.length,
      toolCalls: v.toolKeys,
      duplicateCommits: v.violations.filter((x) => x.includes("duplicate")).length,
      reExecutedToolCalls: v.reExecutedTools,
      reExecutedLlmCalls: v.reExecutedLlm,
      lateResultsDiscarded: c.allProcesses().reduce((n, p) => n + p.logs.filter((l) => String(l["msg"]).startsWith("late ")).length, 0),
      invariantViolations: v.violations.length,
      recoveryMs: { n: rec.length, p50: percentile(rec, 50), p99: percentile(rec, 99) },
      seconds: Math.round((Date.now() - started) / 1000),
    });
    expect(v.violations).toEqual([]);
    expect(completed).toBe(ids.length);
    expect(v.toolKeys).toBe(ids.length * TOOL_CALLS_PER_RUN);
    expect(killed.length).toBeGreaterThanOrEqual(10);
    expect(rec.length).toBeGreaterThan(0);
    expect(percentile(rec, 99)).toBeLessThanOrEqual(ACK_WAIT_MS + 2000);
  });

  const points: { point: string; crashAt: Partial<Record<ServiceName, string>>; reExecutes: "tools" | "llm" | "none" }[] = [
    { point: "after-receive", crashAt: { planner: "after-receive:7", "llm-caller": "after-receive:5", "tool-runner": "after-receive:6" }, reExecutes: "none" },
    { point: "after-llm", crashAt: { "llm-caller": "after-llm:5" }, reExecutes: "llm" },
    { point: "after-effect", crashAt: { "tool-runner": "after-effect:6" }, reExecutes: "tools" },
    { point: "after-publish", crashAt: { planner: "after-publish:7", "llm-caller": "after-publish:5", "tool-runner": "after-publish:6" }, reExecutes: "none" },
    { point: "after-ack", crashAt: { planner: "after-ack:7", "llm-caller": "after-ack:5", "tool-runner": "after-ack:6" }, reExecutes: "none" },
  ];
  for (const p of points) {
    it(`crash point ${p.point}: 10 runs complete with 0 duplicate commits`, async () => {
      // One message at a time per process, so the only crash window exercised is the crash point's own.
      const serial = { CAIRN_TOOL_CONCURRENCY: "1", CAIRN_LLM_CONCURRENCY: "1", CAIRN_PLANNER_CONCURRENCY: "1" };
      cluster = await ChaosCluster.start({ instances: 1, script: tenTurnScript(), ackWaitMs: 2000, crashAt: p.crashAt, env: serial });
      const c = cluster;
      const ids = await submitAll(c, 10, p.point);
      const statuses = await withTimeout(Promise.all(ids.map((id) => waitRun(c.client, id, 180_000))), 180_000, "crash point runs");
      const v = await c.verify(ids);
      const crashed = c.allProcesses().flatMap((proc) => proc.logs.filter((l) => l["crashPoint"] === p.point).map(() => proc.name));
      figures(`crash-point ${p.point}`, { runs: ids.length, completed: statuses.filter((s) => s.status === "completed").length, crashes: crashed, reExecutedToolCalls: v.reExecutedTools, reExecutedLlmCalls: v.reExecutedLlm, invariantViolations: v.violations.length });
      expect(v.violations).toEqual([]);
      expect(statuses.every((s) => s.status === "completed" && s.answer === TEN_TURN_ANSWER)).toBe(true);
      expect(crashed.sort()).toEqual(Object.keys(p.crashAt).sort());
      // Only the crash between the effect and its recording may re-execute a tool; only the crash
      // between the model's answer and its recording may re-buy a model call.
      if (p.reExecutes === "tools") expect(v.reExecutedTools).toBeGreaterThanOrEqual(1);
      else expect(v.reExecutedTools).toBe(0);
      if (p.reExecutes === "llm") expect(v.reExecutedLlm).toBeGreaterThanOrEqual(1);
      else expect(v.reExecutedLlm).toBe(0);
    });
  }

  it("broker restart: nats-server SIGKILLed mid-run 3 times, services reconnect by themselves, all runs complete", async () => {
    cluster = await ChaosCluster.start({ instances: 1, script: tenTurnScript(150), ackWaitMs: 2000 });
    const c = cluster;
    const ids = await submitAll(c, 10, "broker");
    const pending = Promise.all(ids.map((id) => waitRun(c.client, id, 240_000).catch(() => undefined)));
    for (let i = 0; i < 3; i++) {
      await new Promise((r) => setTimeout(r, 1500));
      await c.server.kill();
      await new Promise((r) => setTimeout(r, 700));
      await c.server.restart();
    }
    await pending;
    // The watchers may have lost their subscriptions with the server; read the outcome afresh.
    const statuses = await Promise.all(ids.map((id) => waitRun(c.client, id, 240_000)));
    const v = await c.verify(ids);
    const restarted = c.dead.length;
    figures("broker-restart", { runs: ids.length, completed: statuses.filter((s) => s.status === "completed").length, brokerKills: 3, serviceRestarts: restarted, reExecutedToolCalls: v.reExecutedTools, invariantViolations: v.violations.length });
    expect(v.violations).toEqual([]);
    expect(statuses.every((s) => s.status === "completed" && s.answer === TEN_TURN_ANSWER)).toBe(true);
    expect(restarted).toBe(0); // no service process died: they reconnected by themselves
  });
});
