import { describe, expect, it } from "vitest";
import {
  encode,
  Subjects,
  type HistoryEntry,
  type LlmResult,
  type RunApproval,
  type RunSubmitted,
  type ToolCommand,
  type ToolResult,
} from "@cairn/protocol";
import { buildTimeline, type RunLog } from "@cairn/replay";
import { childRunId } from "@cairn/runtime";
import { runFacts } from "./facts.js";
import { budgetLine, countsBar, duration, leftRunPage } from "./pages.js";

const S = new Subjects("t");
const RUN = "rparent";
const T0 = Date.parse("2026-01-01T00:00:00.000Z");

function logOf(messages: [string, object][]): RunLog {
  const entries: HistoryEntry[] = messages.map(([subject, m], i) => ({
    seq: i + 1,
    subject,
    time: new Date(T0 + i * 1000).toISOString(),
    data: encode(m),
  }));
  return { prefix: S.prefix, runId: RUN, entries };
}

function submitted(extra: Partial<RunSubmitted> = {}, agent: Partial<RunSubmitted["agent"]> = {}): RunSubmitted {
  return {
    v: 1,
    type: "run.submitted",
    runId: RUN,
    task: "delegate",
    agent: {
      name: "boss",
      provider: "scripted",
      model: "m",
      systemPrompt: "",
      tools: [{ name: "run_agent", description: "Starts a sub-agent.", inputSchema: { type: "object" } }],
      maxTurns: 5,
      ...agent,
    },
    submittedAt: new Date(T0).toISOString(),
    ...extra,
  };
}

const llm = (turn: number, usage: { inputTokens: number; outputTokens: number }, calls = 0): LlmResult => ({
  v: 1,
  type: "llm.result",
  runId: RUN,
  turn,
  ok: true,
  attempts: 1,
  usage,
  content: calls ? null : "done",
  ...(calls
    ? {
        toolCalls: Array.from({ length: calls }, (_, i) => ({
          id: `call_${turn}_${i}`,
          name: "run_agent",
          arguments: JSON.stringify({ task: `child task ${i}`, agent: "kid" }),
        })),
      }
    : {}),
});
const command = (turn: number, index: number): ToolCommand => ({
  v: 1,
  type: "tool.command",
  runId: RUN,
  turn,
  index,
  callId: `call_${turn}_${index}`,
  tool: "run_agent",
  arguments: JSON.stringify({ task: `child task ${index}`, agent: "kid" }),
  idempotencyKey: `${RUN}:${turn}:${index}`,
  historySeq: 2,
});
const result = (turn: number, index: number, child: string): ToolResult => ({
  v: 1,
  type: "tool.result",
  runId: RUN,
  turn,
  index,
  callId: `call_${turn}_${index}`,
  tool: "run_agent",
  ok: true,
  attempts: 1,
  output: "ok",
  childRunId: child,
});

describe("runFacts", () => {
  it("measures usage against the agent's budgets, and links each run_agent call to its child run", () => {
    const log = logOf([
      [
        S.submitted(RUN),
        submitted(
          {},
          {
            maxTokens: 1000,
            maxCostUsd: 0.5,
            deadlineMs: 60_000,
            pricing: { inputPerMTokUsd: 1000, outputPerMTokUsd: 2000 },
          },
        ),
      ],
      [S.llmResult(RUN, 1), llm(1, { inputTokens: 100, outputTokens: 50 }, 2)],
      [S.toolCommand(RUN, 1, 0, "run_agent"), command(1, 0)],
      [S.toolCommand(RUN, 1, 1, "run_agent"), command(1, 1)],
      [S.toolResult(RUN, 1, 0, "run_agent"), result(1, 0, "rchild-recorded")],
    ]);
    const f = runFacts(log, buildTimeline(log), T0 + 30_000);
    expect(f.budgets).toEqual([
      { budget: "tokens", used: 150, limit: 1000 },
      { budget: "cost", used: 0.2, limit: 0.5 },
      // running: measured to `now`
      { budget: "deadline", used: 30_000, limit: 60_000 },
    ]);
    expect(f.parent).toBeUndefined();
    expect(f.subAgents).toEqual([
      { turn: 1, index: 0, callId: "call_1_0", runId: "rchild-recorded", task: "child task 0", agent: "kid", ok: true },
      // no result yet: the id the planner derives for the child
      { turn: 1, index: 1, callId: "call_1_1", runId: childRunId(RUN, 1, 1), task: "child task 1", agent: "kid" },
    ]);
    expect(f.budgets.map((b) => budgetLine(b).value.replace(/\s+/g, " ").trim())).toEqual([
      "<li> tokens: 150 of 1000 (15%) </li>",
      "<li> cost: $0.200000 of $0.5 (40%) </li>",
      "<li> time: 30 s of 1 min (50%) </li>",
    ]);
  });

  it("counts every budget again from a human's approval to go past one, and knows its parent", () => {
    const parent = { runId: "rp", turn: 2, index: 1, callId: "call_2_1" };
    const approval: RunApproval = {
      v: 1,
      type: "run.approval",
      runId: RUN,
      turn: 2,
      index: 0,
      callId: "budget",
      decision: "approve",
      at: new Date(T0 + 2000).toISOString(),
    };
    const log = logOf([
      [S.submitted(RUN), submitted({ parent }, { maxTokens: 100, onBudgetExceeded: "approve" })],
      [S.llmResult(RUN, 1), llm(1, { inputTokens: 90, outputTokens: 30 }, 1)],
      [S.toolCommand(RUN, 1, 0, "run_agent"), command(1, 0)],
      [S.toolResult(RUN, 1, 0, "run_agent"), result(1, 0, "rc")],
      [S.budgetApproval(RUN, 2), approval],
    ]);
    const f = runFacts(log, buildTimeline(log), T0 + 10_000);
    expect(f.parent).toEqual(parent);
    expect(f.budgets).toHaveLength(1);
    const [tokens] = f.budgets;
    expect(tokens).toMatchObject({ budget: "tokens", limit: 100, used: 0 });
    expect(tokens?.since).toBeDefined();
    expect(budgetLine({ budget: "tokens", used: 120, limit: 100 }).value).toContain("exhausted");
    expect(budgetLine({ budget: "cost", used: undefined, limit: 1 }).value).toContain(
      "unknown (no price for the model)",
    );
  });
});

describe("pages", () => {
  it("says durations for reading", () => {
    expect([850, 1000, 61_000, 3_600_000, 90_061_000].map(duration)).toEqual([
      "850 ms",
      "1 s",
      "1 min 1 s",
      "1 h",
      "1 d 1 h 1 min 1 s",
    ]);
  });

  it("counts link to the list of each status (the other filters kept, the cursor and status dropped); awaiting approval first", () => {
    const counts = { awaiting_approval: 2, running: 1, completed: 5, failed: 0, cancelled: 0 };
    const h = countsBar(counts, { status: "running", agent: "a b" }).value;
    const links = [...h.matchAll(/href="([^"]+)"/g)].map((m) => m[1]);
    expect(links).toEqual([
      "/?status=awaiting_approval&amp;agent=a+b",
      "/?status=running&amp;agent=a+b",
      "/?status=completed&amp;agent=a+b",
      "/?status=failed&amp;agent=a+b",
      "/?status=cancelled&amp;agent=a+b",
      "/?agent=a+b",
    ]);
    expect(h).toMatch(/<li class="attention">/);
    expect(h.match(/aria-current/g)).toHaveLength(1);
    expect(h.replace(/<[^>]+>/g, "").replace(/\s+/g, " ")).toContain("all 8");
    expect(countsBar(undefined, {}).value).toContain("not ready yet");
  });

  it("a run that left the stream: why, and its record, escaped", () => {
    const h = leftRunPage(
      {
        v: 1,
        runId: "r1",
        status: "completed",
        task: "<b>task</b>",
        agent: "a",
        turn: 1,
        toolCalls: 0,
        usage: { inputTokens: 1, outputTokens: 2 },
        errors: 0,
        submittedAt: "2026-01-01T00:00:00.000Z",
        purgedAt: "2026-01-02T00:00:00.000Z",
      },
      "Run r1 was purged <now>",
    ).value;
    expect(h).toContain('role="alert">Run r1 was purged &lt;now&gt;');
    expect(h).toContain("&lt;b&gt;task&lt;/b&gt;");
    expect(h).toContain("<dt>Purged</dt>");
  });
});
