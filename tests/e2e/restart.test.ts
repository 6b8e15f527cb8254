import { writeFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { CairnClient } from "@cairn/client";
import { childRunId } from "@cairn/runtime";
import { buildTimeline, checkRun, loadRunLog } from "@cairn/replay";
import {
  readLedger,
  spawnService,
  startHttpServer,
  startNatsServer,
  uniquePrefix,
  waitFor,
  type RunningNatsServer,
  type ServiceName,
  type ServiceProcess,
  type TestHttpServer,
} from "@cairn/testing";
import { clientFor, makeFixture, runLog, serviceEnv, waitRun, type ScriptTurn } from "../helpers.js";

// Every service runs as its own OS process. Four runs are parked in the four ways a run can wait
// — paused for a human's approval, asleep on a durable timer, waiting on a sub-agent, and waiting
// out a model provider's Retry-After — then every service process is SIGKILLed and new ones are
// started. Each run must then finish as if nothing had happened, with no step done twice.

let server: RunningNatsServer;
let http: TestHttpServer;
const procs: ServiceProcess[] = [];
let client: CairnClient | undefined;
const RETRY_AFTER_S = 6;
const SLEEP_MS = 8000;

beforeAll(async () => {
  server = await startNatsServer();
  // A local server speaking the OpenAI Chat Completions wire protocol: the first call is told to
  // come back after RETRY_AFTER_S seconds (429), the next one is answered.
  http = await startHttpServer((_req, res) => {
    if (http.received.length === 1) {
      res.writeHead(429, { "content-type": "application/json", "retry-after": String(RETRY_AFTER_S) });
      res.end(JSON.stringify({ error: { message: "rate limited" } }));
      return;
    }
    res.writeHead(200, { "content-type": "application/json" });
    res.end(
      JSON.stringify({
        model: "test-model",
        choices: [{ message: { role: "assistant", content: "answered after the wait" }, finish_reason: "stop" }],
        usage: { prompt_tokens: 5, completion_tokens: 4 },
      }),
    );
  });
});
afterAll(async () => {
  await client?.close();
  await Promise.all(procs.splice(0).map((p) => p.kill("SIGKILL")));
  await http.close();
  await server?.stop();
});

const SERVICES: ServiceName[] = ["tool-runner", "llm-caller", "planner"];

async function startAll(env: Record<string, string>): Promise<ServiceProcess[]> {
  const started = await Promise.all(SERVICES.map((n) => spawnService(n, env)));
  procs.push(...started);
  return started;
}

describe("a restart of every service process while runs wait", () => {
  it("a run paused for approval, one asleep, one waiting on a child and one waiting out a Retry-After all finish, each step once", async () => {
    const LEDGER_THEN_ANSWER: ScriptTurn[] = [
      { content: "Needs a human.", toolCalls: [{ name: "ledger", arguments: { item: "approved" } }] },
      { content: "{{toolResults}}" },
    ];
    const f = makeFixture({
      approver: LEDGER_THEN_ANSWER,
      sleeper: [{ toolCalls: [{ name: "sleep", arguments: { ms: SLEEP_MS } }] }, { content: "{{toolResults}}" }],
      parent: [
        { toolCalls: [{ name: "run_agent", arguments: { agent: "child", task: "record child" } }] },
        { content: "child said: {{toolResults}}" },
      ],
      child: [{ toolCalls: [{ name: "ledger", arguments: { item: "child" } }] }, { content: "{{toolResults}}" }],
    });
    const agents = {
      approver: { provider: "scripted", model: "approver", tools: ["ledger"], approve: ["ledger"] },
      sleeper: { provider: "scripted", model: "sleeper", tools: ["sleep"] },
      parent: { provider: "scripted", model: "parent", tools: ["run_agent"] },
      child: { provider: "scripted", model: "child", tools: ["ledger"], approve: ["ledger"] },
      remote: { provider: "openai", model: "test-model", tools: [] },
    };
    writeFileSync(f.agentsFile, JSON.stringify({ default: "approver", agents }));
    const prefix = uniquePrefix();
    const env = serviceEnv(server.url, prefix, f, {
      OPENAI_BASE_URL: `${http.origin}/v1`,
      OPENAI_API_KEY: "test",
      CAIRN_LLM_RETRY_DELAY_MS: "50",
    });
    const first = await startAll(env);
    client = await clientFor(server.url, prefix);
    const c = client;

    const submittedAt = Date.now();
    const approver = (await c.submit({ task: "pay", agent: "approver" })).runId;
    const sleeper = (await c.submit({ task: "nap", agent: "sleeper" })).runId;
    const parent = (await c.submit({ task: "delegate", agent: "parent" })).runId;
    const remote = (await c.submit({ task: "ask the remote model", agent: "remote" })).runId;
    const child = childRunId(parent, 1, 0);

    // Park all four.
    await waitFor(
      "the run to await approval",
      async () => (await c.status(approver)).status === "awaiting_approval",
      20_000,
    );
    await waitFor(
      "the child to await approval (so the parent waits on it)",
      async () => (await c.status(child).catch(() => undefined))?.status === "awaiting_approval",
      20_000,
    );
    const toolRunner = first[0]!;
    const llmCaller = first[1]!;
    await toolRunner.waitForLog((l) => l["runId"] === sleeper && /^tool call deferred/.test(String(l["msg"])), 20_000);
    await llmCaller.waitForLog((l) => l["runId"] === remote && /retrying after backoff/.test(String(l["msg"])), 20_000);
    expect(http.received).toHaveLength(1);
    // The naks those lines announce are sent right after them: give them a moment to leave.
    await new Promise((r) => setTimeout(r, 300));

    // Every service process dies at once, with nothing flushed.
    await Promise.all(first.map((p) => p.kill("SIGKILL")));
    for (const p of first) expect((await p.exited).signal).toBe("SIGKILL");
    // They were killed while the waits were still running (else this would prove nothing).
    expect(http.received).toHaveLength(1);
    expect((await runLog(c.nc, prefix, sleeper)).some((e) => e.entry.kind === "tool-result")).toBe(false);
    await startAll(env);

    // Nothing was lost: the paused runs still wait where they were.
    expect((await c.status(approver)).status).toBe("awaiting_approval");
    expect((await c.status(child)).status).toBe("awaiting_approval");
    expect((await c.status(parent)).status).toBe("running");

    // The model retry waited out Retry-After across the restart, and was made once more only.
    const r = await waitRun(c, remote, 30_000);
    expect(r.status).toBe("completed");
    expect(r.answer).toBe("answered after the wait");
    expect(http.received).toHaveLength(2);
    expect(http.received[1]!.at - http.received[0]!.at).toBeGreaterThanOrEqual(RETRY_AFTER_S * 1000 - 50);
    const remoteLlm = (await runLog(c.nc, prefix, remote)).flatMap((e) =>
      e.entry.kind === "llm-result" ? [e.entry.message] : [],
    );
    expect(remoteLlm.map((m) => [m.ok, m.attempts])).toEqual([[true, 2]]);

    // The sleeper wakes on time — not early, and not a whole sleep late (a wait restarted from zero
    // after the restart would end about SLEEP_MS after the new processes started).
    const s = await waitRun(c, sleeper, 30_000);
    expect(s.answer).toBe(`slept ${SLEEP_MS} ms`);
    const nap = buildTimeline(await loadRunLog(c.nc, c.subjects, sleeper)).items.find((i) => i.kind === "tool-result");
    expect(nap?.kind === "tool-result" && nap.waitMs).toBeGreaterThanOrEqual(SLEEP_MS - 50);
    expect(nap?.kind === "tool-result" && nap.waitMs).toBeLessThan(SLEEP_MS + 3000);
    expect(Date.now() - submittedAt).toBeGreaterThanOrEqual(SLEEP_MS);

    // Approvals given after the restart resume the runs durably.
    await c.approve(approver, "call_1_0", {});
    const a = await waitRun(c, approver, 30_000);
    expect(a.status).toBe("completed");
    expect(a.answer).toBe("recorded approved");
    await c.approve(child, "call_1_0", {});
    const p = await waitRun(c, parent, 30_000);
    expect(p.status).toBe("completed");
    expect(p.answer).toBe("child said: recorded child");

    // Each tool call with a side effect ran exactly once, by its idempotency key.
    const keys = readLedger(f.ledgerFile)
      .map((l) => l.key)
      .sort();
    expect(keys).toEqual([`${approver}:1:0`, `${child}:1:0`].sort());
    // Every run's log is whole and consistent: every message decodes, every command has its one
    // result, and re-driving the planner over it decides exactly what was recorded. Only the remote
    // model call (429, then answered) and the deferred sleep (handed back once) took a second delivery.
    for (const runId of [approver, sleeper, parent, child, remote]) {
      const log = await runLog(c.nc, prefix, runId);
      expect(log.filter((e) => e.entry.kind === "invalid")).toEqual([]);
      const timeline = buildTimeline(await loadRunLog(c.nc, c.subjects, runId));
      const commands = timeline.items.filter((i) => i.kind === "llm-command" || i.kind === "tool-command").length;
      const results = timeline.items.filter(
        (i): i is Extract<typeof i, { kind: "llm-result" | "tool-result" }> =>
          i.kind === "llm-result" || i.kind === "tool-result",
      );
      expect(results, runId).toHaveLength(commands);
      const redone = results.filter((r) => r.attempts > 1).map((r) => r.kind);
      expect(redone, runId).toEqual(runId === remote ? ["llm-result"] : runId === sleeper ? ["tool-result"] : []);
      expect(checkRun(await loadRunLog(c.nc, c.subjects, runId)).divergences, runId).toEqual([]);
    }
  });
});
