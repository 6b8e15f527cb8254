import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { CairnClient } from "@cairn/client";
import { parseAgents } from "@cairn/planner";
import { readRunLog } from "@cairn/bus";
import { buildModelRequest, buildSummaryRequest, promptHash, reduceRun, summaryHeader } from "@cairn/runtime";
import { checkRun, loadRunLog } from "@cairn/replay";
import { jetstreamManager } from "@nats-io/jetstream";
import { createLogger } from "@cairn/telemetry";
import { readLedger, uniquePrefix, waitFor } from "@cairn/testing";
import { makeFixture, runLog, serviceEnv, waitRun, type Fixture, type ScriptTurn, useEmbedded } from "../helpers.js";

const h = useEmbedded();

interface Setup {
  f: Fixture;
  prefix: string;
  c: CairnClient;
  logFile: string;
  /** Stops every service and starts them again (same server, same store): a full restart. */
  restart(): Promise<void>;
}

async function setup(
  script: ScriptTurn[],
  agent: Record<string, unknown>,
  extra: Record<string, string> = {},
): Promise<Setup> {
  const f = makeFixture({ work: script });
  const prefix = uniquePrefix();
  const logFile = join(f.dir, "services.log");
  const agents = parseAgents(
    JSON.stringify({
      agents: { work: { provider: "scripted", model: "work", tools: ["ledger"], maxTurns: 5, ...agent } },
    }),
  );
  const env = serviceEnv(h.server.url, prefix, f, extra);
  const start = async () => {
    await h.start({ prefix, env, agents, log: createLogger({ service: "test", level: "info", destination: logFile }) });
  };
  await start();
  const s: Setup = {
    f,
    prefix,
    get c() {
      return h.client;
    },
    logFile,
    async restart() {
      await h.stop();
      await start();
    },
  };
  return s;
}

const LEDGER_THEN_ANSWER: ScriptTurn[] = [
  { content: "I need to record this.", toolCalls: [{ name: "ledger", arguments: { item: "payment" } }] },
  { content: "{{toolResults}}" },
];

describe("human in the loop", () => {
  it("pauses a call that requires approval, survives a restart of every service, and resumes on approve", async () => {
    const t = await setup(LEDGER_THEN_ANSWER, { approve: ["ledger"] });
    const { runId } = await t.c.submit({ task: "pay" });
    const paused = await waitFor("the run to await approval", async () => {
      const s = await t.c.status(runId);
      return s.status === "awaiting_approval" ? s : undefined;
    });
    expect(paused.approvals).toEqual([
      {
        turn: 1,
        index: 0,
        callId: "call_1_0",
        tool: "ledger",
        arguments: '{"item":"payment"}',
        reason: "I need to record this.",
      },
    ]);
    expect((await t.c.list({ status: "awaiting_approval" })).map((r) => r.runId)).toContain(runId);
    await t.restart();
    expect((await t.c.status(runId)).status).toBe("awaiting_approval");
    expect(readLedger(t.f.ledgerFile)).toHaveLength(0);
    await expect(t.c.approve(runId, "call_9_9")).rejects.toMatchObject({ kind: "not_awaiting" });
    await t.c.approve(runId, "call_1_0");
    const s = await waitRun(t.c, runId);
    expect(s.status).toBe("completed");
    expect(s.answer).toBe("recorded payment");
    expect(readLedger(t.f.ledgerFile)).toHaveLength(1);
    const log = await runLog(t.c.nc, t.prefix, runId);
    expect(log.find((e) => e.entry.kind === "approval")?.entry).toMatchObject({
      message: { decision: "approve", by: "operator", callId: "call_1_0" },
    });
  });

  it("a denial goes back to the model as the tool's result; the tool never runs", async () => {
    const t = await setup(LEDGER_THEN_ANSWER, { approve: ["ledger"] });
    const { runId } = await t.c.submit({ task: "pay" });
    await waitFor("awaiting approval", async () => (await t.c.status(runId)).status === "awaiting_approval");
    await t.c.deny(runId, "call_1_0", { reason: "too risky" });
    const s = await waitRun(t.c, runId);
    expect(s.answer).toBe("Error (denied): a human denied this call: too risky");
    expect(readLedger(t.f.ledgerFile)).toHaveLength(0);
  });
});

describe("durable timers", () => {
  it("a long sleep holds no process: it survives a restart of every service, wakes no earlier than due, and the run goes on from the wake", async () => {
    const t = await setup(
      [{ toolCalls: [{ name: "sleep", arguments: { ms: 3000 } }] }, { content: "{{toolResults}}" }],
      { tools: ["sleep"] },
    );
    const { runId } = await t.c.submit({ task: "nap" });
    await waitFor(
      "the sleep to be deferred",
      () => {
        try {
          return readFileSync(t.logFile, "utf8").includes("tool call deferred");
        } catch {
          return false;
        }
      },
      10_000,
    );
    await t.restart();
    const s = await waitRun(t.c, runId);
    expect(s.answer).toBe("slept 3000 ms");
    // Order and cause, by the log's own timestamps (one server's clock), not by how fast it was:
    // the call is due at its command's stored time + 3000 ms (the sleep tool's wake time), and its
    // result was stored no earlier than that; after the wake the run only finished its turn 2.
    const log = await readRunLog(await jetstreamManager(t.c.nc), t.c.subjects, runId);
    const kinds = log.map((e) => t.c.subjects.parse(e.subject)?.what.kind);
    const cmd = log[kinds.indexOf("tool-command")]!;
    const woke = kinds.indexOf("tool-result");
    expect(woke).toBeGreaterThan(kinds.indexOf("tool-command"));
    expect(Date.parse(log[woke]!.time)).toBeGreaterThanOrEqual(Date.parse(cmd.time) + 3000);
    expect(kinds.slice(woke)).toEqual(["tool-result", "llm-command", "llm-result", "ended"]);
  });
});

describe("cancel", () => {
  it("a tool in flight gets its AbortSignal; nothing is commanded after the cancel", async () => {
    const t = await setup(
      [{ toolCalls: [{ name: "ledger", arguments: { item: "slow", delayMs: 5000 } }] }, { content: "never" }],
      {},
    );
    const { runId } = await t.c.submit({ task: "slow" });
    await waitFor(
      "the tool call to be issued",
      async () => (await runLog(t.c.nc, t.prefix, runId)).some((e) => e.entry.kind === "tool-command"),
      10_000,
    );
    await new Promise((r) => setTimeout(r, 500));
    await t.c.cancel(runId, "changed my mind");
    const s = await waitRun(t.c, runId);
    expect(s.status).toBe("cancelled");
    const result = await waitFor(
      "the aborted call's result",
      async () => (await runLog(t.c.nc, t.prefix, runId)).find((e) => e.entry.kind === "tool-result"),
      5_000,
    );
    expect(result.entry.kind === "tool-result" && result.entry.message.error?.kind).toBe("cancelled");
    expect(readLedger(t.f.ledgerFile)).toHaveLength(0);
  });
});

describe("per-tool retry policy", () => {
  it("a call over the time limit is retried, then its timeout goes to the model; a non-retryable kind runs once", async () => {
    const script: ScriptTurn[] = [
      {
        toolCalls: [
          { name: "ledger", arguments: { item: "slow", delayMs: 3000 } },
          { name: "quota_exceeded", arguments: {} },
        ],
      },
      { content: "{{toolResults}}" },
    ];
    const t = await setup(
      script,
      { tools: ["ledger", "quota_exceeded"] },
      { CAIRN_TOOL_TIMEOUT_MS: "300", CAIRN_TOOL_MAX_ATTEMPTS: "2" },
    );
    const { runId } = await t.c.submit({ task: "limits" });
    const s = await waitRun(t.c, runId);
    expect(s.status).toBe("completed");
    const [slow, quota] = (s.answer ?? "").split("\n");
    expect(slow).toBe("Error (timeout): tool timed out after 300 ms");
    expect(quota).toBe("Error (quota): monthly quota used up");
    const log = await runLog(t.c.nc, t.prefix, runId);
    const results = log.flatMap((e) => (e.entry.kind === "tool-result" ? [e.entry.message] : []));
    expect(results.find((r) => r.index === 0)?.attempts).toBe(2);
    expect(results.find((r) => r.index === 1)?.attempts).toBe(1);
    expect(readLedger(t.f.ledgerFile).filter((l) => l.item === "quota_exceeded")).toHaveLength(1);
  });
});

describe("context compaction", () => {
  it("old large tool results are truncated to the budget, deterministically: the recorded prompt hash is rebuilt from the log", async () => {
    const script: ScriptTurn[] = [
      { toolCalls: [{ name: "big_output", arguments: { bytes: 20_000 } }] },
      { toolCalls: [{ name: "ledger", arguments: { item: "after" } }] },
      { content: "{{toolResults}}" },
    ];
    const t = await setup(script, { tools: ["big_output", "ledger"], contextBudgetTokens: 1000 });
    const { runId } = await t.c.submit({ task: "compact" });
    const s = await waitRun(t.c, runId);
    expect(s.answer).toBe("recorded after");
    const log = await runLog(t.c.nc, t.prefix, runId);
    const llm = log.flatMap((e) => (e.entry.kind === "llm-result" ? [e.entry.message] : []));
    // Turn 2 still sees the 20 000 characters (they are the last results); turn 3 sees them cut.
    expect(llm[1]!.usage!.inputTokens).toBeGreaterThan(5000);
    expect(llm[2]!.usage!.inputTokens).toBeLessThan(1000);
    const state = reduceRun(
      runId,
      await readRunLog(await jetstreamManager(t.c.nc), t.c.subjects, runId, { eventsOnly: true }),
      t.c.subjects,
    );
    const req = buildModelRequest(state, 3);
    expect(JSON.stringify(req.messages)).toContain(
      "[truncated by Cairn to fit the context budget: 19800 characters removed]",
    );
    expect(promptHash(req)).toBe(llm[2]!.promptHash);
  });

  it("with summarize configured, older turns are summarised by a journaled model call that replay reproduces exactly", async () => {
    const script: ScriptTurn[] = [
      { toolCalls: [{ name: "big_output", arguments: { bytes: 6000 } }] },
      { toolCalls: [{ name: "big_output", arguments: { bytes: 6000 } }] },
      { toolCalls: [{ name: "big_output", arguments: { bytes: 6000 } }] },
      { toolCalls: [{ name: "ledger", arguments: { item: "after" } }] },
      { content: "{{toolResults}}" },
    ];
    const t = await setup(script, {
      tools: ["big_output", "ledger"],
      maxTurns: 6,
      contextBudgetTokens: 2000,
      summarize: { keepRecentTurns: 1 },
    });
    const { runId } = await t.c.submit({ task: "summarise" });
    const s = await waitRun(t.c, runId);
    expect(s.status).toBe("completed");
    expect(s.answer).toBe("recorded after");
    const log = await runLog(t.c.nc, t.prefix, runId);
    const rel = log.map((e) => e.subject.slice(`${t.prefix}.run.${runId}.`.length));
    // Before turn 3 (turns 1-2 are ~3000 tokens > 2000): turn 1 is summarised; before turn 4, turns 1-2.
    // Each summary's command and record come between the last result and the turn's model command.
    const order = (x: string) => rel.indexOf(x);
    for (const turn of [3, 4]) {
      expect(order(`cmd.summary.${turn}.scripted`)).toBeGreaterThan(order(`evt.tool.${turn - 1}.0`));
      expect(order(`evt.summary.${turn}`)).toBeGreaterThan(order(`cmd.summary.${turn}.scripted`));
      expect(order(`cmd.llm.${turn}.scripted`)).toBeGreaterThan(order(`evt.summary.${turn}`));
    }
    expect(rel.filter((r) => r.startsWith("evt.summary."))).toEqual(["evt.summary.3", "evt.summary.4"]);
    const summaries = log.flatMap((e) => (e.entry.kind === "summary-result" ? [e.entry.message] : []));
    expect(summaries.map((x) => [x.turn, x.throughTurn, x.ok])).toEqual([
      [3, 1, true],
      [4, 2, true],
    ]);
    expect(summaries[0]!.content).toMatch(/^Scripted summary: big_output -> x{40}/);
    // The second summary builds on the first (its transcript adds turn 2 only).
    const state = reduceRun(
      runId,
      await readRunLog(await jetstreamManager(t.c.nc), t.c.subjects, runId, { eventsOnly: true }),
      t.c.subjects,
    );
    const sreq = buildSummaryRequest(state, 4, 2);
    const transcript = sreq.messages[1]!.content ?? "";
    expect(transcript.includes(`${summaryHeader(1)}\n${summaries[0]!.content}`)).toBe(true);
    expect(transcript.includes("Transcript of turns 2-2:")).toBe(true);
    expect(promptHash(sreq)).toBe(summaries[1]!.promptHash);
    // The model turns after a summary were asked with it, and replay rebuilds those prompts exactly.
    const llm = log.flatMap((e) => (e.entry.kind === "llm-result" ? [e.entry.message] : []));
    for (const turn of [3, 4, 5]) {
      const req = buildModelRequest(state, turn);
      expect(promptHash(req)).toBe(llm[turn - 1]!.promptHash);
      expect(req.messages.find((m) => m.role === "user")!.content).toContain(summaryHeader(turn === 3 ? 1 : 2));
    }
    // Without the summaries turn 4 would read 3 × 6000 characters (~4500 tokens).
    expect(llm[3]!.usage!.inputTokens).toBeLessThan(2500);
    // Summary tokens count in the run's usage (and so in its budgets).
    const all = [...llm, ...summaries].reduce((n, x) => n + x.usage!.inputTokens + x.usage!.outputTokens, 0);
    expect(s.usage.inputTokens + s.usage.outputTokens).toBe(all);
    // The planner's decisions re-driven over the recorded log issue the same summary commands.
    const report = checkRun(await loadRunLog(t.c.nc, t.c.subjects, runId));
    expect(report.divergences).toEqual([]);
    expect(report.ok).toBe(true);
  });
});

describe("budgets", () => {
  const loop: ScriptTurn[] = Array.from({ length: 5 }, (_, i) => ({
    toolCalls: [{ name: "ledger", arguments: { item: `x${i}` } }],
  }));

  it("a token budget stops the run before the model call that would exceed it", async () => {
    const t = await setup(loop, { maxTokens: 150 });
    const { runId } = await t.c.submit({ task: "loop" });
    const s = await waitRun(t.c, runId);
    expect(s.status).toBe("failed");
    expect(s.reason).toBe("token_budget_exceeded");
    expect(s.usage.inputTokens + s.usage.outputTokens).toBeGreaterThanOrEqual(150);
  });

  it("with onBudgetExceeded: approve the run pauses at the budget, survives a restart, and goes on when a human approves", async () => {
    const script: ScriptTurn[] = [...loop.slice(0, 3), { content: "done: {{toolResults}}" }];
    const t = await setup(script, { maxTokens: 150, onBudgetExceeded: "approve" });
    const { runId } = await t.c.submit({ task: "loop" });
    const paused = await waitFor(
      "the run to pause at its budget",
      async () => {
        const s = await t.c.status(runId);
        return s.budgetPause ? s : undefined;
      },
      20_000,
    );
    expect(paused.status).toBe("awaiting_approval");
    expect(paused.budgetPause).toMatchObject({ kind: "token_budget_exceeded" });
    expect((await t.c.list({ status: "awaiting_approval" })).map((r) => r.runId)).toContain(runId);
    await t.restart();
    expect((await t.c.status(runId)).budgetPause).toEqual(paused.budgetPause);
    // Approving grants another budget of the same size: the run goes on (and pauses again if it needs more).
    let approvals = 0;
    const s = await waitFor(
      "the run to end",
      async () => {
        const st = await t.c.status(runId);
        if (st.budgetPause) {
          await t.c.approve(runId, "budget");
          approvals++;
          return undefined;
        }
        return st.status === "running" || st.status === "awaiting_approval" ? undefined : st;
      },
      30_000,
    );
    expect(s.status).toBe("completed");
    expect(s.answer).toBe("done: recorded x2");
    expect(approvals).toBeGreaterThanOrEqual(1);
    const log = await runLog(t.c.nc, t.prefix, runId);
    const decisions = log.filter((e) => e.entry.kind === "budget-approval");
    expect(decisions).toHaveLength(approvals);
    expect(decisions[0]?.entry.kind === "budget-approval" && decisions[0].entry.message).toMatchObject({
      callId: "budget",
      decision: "approve",
      by: "operator",
    });
    // A run that is not paused at a budget says so.
    await expect(t.c.approve(runId, "budget")).rejects.toThrow(/not paused at a budget|already/);
  });

  it("denying a budget pause ends the run failed, saying a human declined", async () => {
    const t = await setup(loop, { maxTokens: 150, onBudgetExceeded: "approve" });
    const { runId } = await t.c.submit({ task: "loop" });
    await waitFor(
      "the run to pause at its budget",
      async () => (await t.c.status(runId)).budgetPause !== undefined,
      20_000,
    );
    await t.c.deny(runId, "budget", { reason: "enough" });
    const s = await waitRun(t.c, runId);
    expect(s.status).toBe("failed");
    expect(s.reason).toBe("token_budget_exceeded");
    const ended = (await runLog(t.c.nc, t.prefix, runId)).find((e) => e.entry.kind === "ended");
    expect(ended?.entry.kind === "ended" && ended.entry.message.error?.message).toMatch(
      /a human declined to go on: enough$/,
    );
  });

  it("a cost budget uses the price table and status shows the cost", async () => {
    const f = makeFixture({ unused: [] });
    const prices = join(f.dir, "prices.json");
    writeFileSync(prices, JSON.stringify({ work: { inputPerMTokUsd: 10_000, outputPerMTokUsd: 20_000 } }));
    const t = await setup(loop, { maxCostUsd: 1.5 }, { CAIRN_PRICES_FILE: prices });
    const { runId } = await t.c.submit({ task: "loop" });
    const s = await waitRun(t.c, runId);
    expect(s.reason).toBe("cost_budget_exceeded");
    expect(s.costUsd).toBeGreaterThanOrEqual(1.5);
    expect(s.costUsd).toBeCloseTo((s.usage.inputTokens * 10_000 + s.usage.outputTokens * 20_000) / 1e6, 9);
  });

  it("a deadline stops the run at the next step after it passes", async () => {
    const slow: ScriptTurn[] = Array.from({ length: 5 }, (_, i) => ({
      toolCalls: [{ name: "ledger", arguments: { item: `x${i}`, delayMs: 700 } }],
    }));
    const t = await setup(slow, { deadlineMs: 1000 });
    const { runId } = await t.c.submit({ task: "slow loop" });
    const s = await waitRun(t.c, runId);
    expect(s.reason).toBe("deadline_exceeded");
    expect(s.turn).toBe(2);
  });
});
