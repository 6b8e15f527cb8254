import { describe, expect, it } from "vitest";
import {
  encode,
  Subjects,
  type AgentSpec,
  type LlmResult,
  type RunSubmitted,
  type SummaryResult,
  type ToolResult,
  type HistoryEntry,
} from "@cairn/protocol";
import { applyEntry, emptyRun, type RunState } from "./state.js";
import { decide } from "./decide.js";
import {
  buildModelRequest,
  buildSummaryRequest,
  payloadRefs,
  promptHash,
  summarisedTurns,
  summaryDue,
  summaryHeader,
  summaryPayloadRefs,
} from "./prompt.js";

const S = new Subjects("t");
const RUN = "r1";
const spec = { name: "fetch", description: "Fetches.", inputSchema: { type: "object" } };

function agent(over: Partial<AgentSpec> = {}): AgentSpec {
  return {
    name: "a",
    provider: "scripted",
    model: "m",
    systemPrompt: "sys",
    tools: [spec],
    maxTurns: 20,
    contextBudgetTokens: 1000,
    summarize: { keepRecentTurns: 1 },
    ...over,
  };
}

/** A run with `turns` complete turns, each one tool call returning `size` characters. */
function history(turns: number, size: number, a = agent()) {
  const entries: HistoryEntry[] = [];
  let seq = 0;
  const push = (subject: string, message: unknown) =>
    entries.push({
      seq: ++seq,
      subject,
      data: encode(message),
      time: new Date(Date.UTC(2025, 0, 1, 0, 0, seq)).toISOString(),
    });
  const sub: RunSubmitted = {
    v: 1,
    type: "run.submitted",
    runId: RUN,
    task: "task",
    agent: a,
    submittedAt: "2025-01-01T00:00:00.000Z",
  };
  push(S.submitted(RUN), sub);
  for (let t = 1; t <= turns; t++) {
    const llm: LlmResult = {
      v: 1,
      type: "llm.result",
      runId: RUN,
      turn: t,
      ok: true,
      attempts: 1,
      content: null,
      toolCalls: [{ id: `c${t}`, name: "fetch", arguments: "{}" }],
    };
    push(S.llmResult(RUN, t), llm);
    const r: ToolResult = {
      v: 1,
      type: "tool.result",
      runId: RUN,
      turn: t,
      index: 0,
      callId: `c${t}`,
      tool: "fetch",
      ok: true,
      attempts: 1,
      output: String(t % 10).repeat(size),
    };
    push(S.toolResult(RUN, t, 0, "fetch"), r);
  }
  return { entries, push, next: () => seq + 1 };
}

function fold(entries: HistoryEntry[]): { state: RunState; last: ReturnType<typeof applyEntry> } {
  const state = emptyRun(RUN);
  let last!: ReturnType<typeof applyEntry>;
  for (const e of entries) last = applyEntry(state, e, S);
  return { state, last };
}

function summary(turn: number, throughTurn: number, over: Partial<SummaryResult> = {}): SummaryResult {
  return {
    v: 1,
    type: "summary.result",
    runId: RUN,
    turn,
    throughTurn,
    ok: true,
    attempts: 1,
    content: `sum(1-${throughTurn})`,
    usage: { inputTokens: 10, outputTokens: 5 },
    ...over,
  };
}

describe("context compaction by summary (a journaled model call)", () => {
  it("is due before a turn whose prompt exceeds the budget, covering all but the last keepRecentTurns", () => {
    const { entries } = history(3, 2000); // ~1500 tokens of tool output
    const { state, last } = fold(entries);
    expect(summaryDue(state, 4)).toBe(2);
    const out = decide(state, last, S);
    expect(out).toEqual([
      {
        type: "SummaryCommand",
        subject: S.summaryCommand(RUN, 4, "scripted"),
        message: { v: 1, type: "summary.command", runId: RUN, turn: 4, throughTurn: 2, historySeq: last.seq },
      },
    ]);
  });

  it("is not due under budget, without summarize, or with nothing old enough to summarise", () => {
    expect(summaryDue(fold(history(3, 100).entries).state, 4)).toBeUndefined();
    const noSummarize = agent();
    delete noSummarize.summarize;
    expect(summaryDue(fold(history(3, 2000, noSummarize).entries).state, 4)).toBeUndefined();
    expect(summaryDue(fold(history(1, 9000).entries).state, 2)).toBeUndefined(); // only the kept turn
  });

  it("once recorded, the next model call goes out and its prompt has the summary instead of the covered turns", () => {
    const h = history(3, 2000);
    h.push(S.summaryResult(RUN, 4), summary(4, 2));
    const { state, last } = fold(h.entries);
    expect(last.kind).toBe("summary");
    expect(state.usage).toEqual({ inputTokens: 10, outputTokens: 5 });
    const out = decide(state, last, S);
    expect(out.map((o) => o.type)).toEqual(["LlmCommand"]);
    const req = buildModelRequest(state, 4);
    expect(req.messages[0]).toEqual({ role: "system", content: "sys" });
    expect(req.messages[1]).toEqual({ role: "user", content: `task\n\n${summaryHeader(2)}\nsum(1-2)` });
    // Only turn 3 is kept verbatim.
    expect(req.messages.slice(2).map((m) => m.role)).toEqual(["assistant", "tool"]);
    expect(req.messages[2]).toMatchObject({ toolCalls: [{ id: "c3" }] });
    expect(summarisedTurns(req.messages)).toBe(2);
    // The same history gives the same prompt (what replay's hash check relies on).
    expect(promptHash(buildModelRequest(fold(h.entries).state, 4))).toBe(promptHash(req));
  });

  it("the summary request carries the task, the earlier summary and the transcript of the turns it adds", () => {
    const h = history(5, 2000);
    h.push(S.summaryResult(RUN, 4), summary(4, 2)); // recorded out of order: ignored (made for the next turn only)
    const { state } = fold(h.entries);
    expect(state.summaries).toEqual([]);
    const h2 = history(3, 2000);
    h2.push(S.summaryResult(RUN, 4), summary(4, 2));
    h2.push(S.llmResult(RUN, 4), {
      v: 1,
      type: "llm.result",
      runId: RUN,
      turn: 4,
      ok: true,
      attempts: 1,
      content: null,
      toolCalls: [{ id: "c4", name: "fetch", arguments: "{}" }],
    });
    h2.push(S.toolResult(RUN, 4, 0, "fetch"), {
      v: 1,
      type: "tool.result",
      runId: RUN,
      turn: 4,
      index: 0,
      callId: "c4",
      tool: "fetch",
      ok: true,
      attempts: 1,
      output: "4".repeat(3000),
    });
    const { state: s2 } = fold(h2.entries);
    expect(summaryDue(s2, 5)).toBe(3);
    const req = buildSummaryRequest(s2, 5, 3);
    expect(req.purpose).toBe("summary");
    expect(req.tools).toEqual([]);
    const text = req.messages[1]!.content!;
    expect(text).toContain("Task: task");
    expect(text).toContain(`${summaryHeader(2)}\nsum(1-2)`);
    expect(text).toContain("Transcript of turns 3-3:");
    expect(text).toContain(`tool fetch [c3] returned: ${"3".repeat(2000)}`);
    expect(text).not.toContain("[c2]");
  });

  it("a failed summary is not retried for that turn: the model call goes out with truncation only", () => {
    const h = history(3, 2000);
    h.push(
      S.summaryResult(RUN, 4),
      summary(4, 2, { ok: false, content: undefined, error: { kind: "rate_limited", message: "429" } }),
    );
    const { state, last } = fold(h.entries);
    expect(summaryDue(state, 4)).toBeUndefined();
    expect(decide(state, last, S).map((o) => o.type)).toEqual(["LlmCommand"]);
    const req = buildModelRequest(state, 4);
    expect(req.messages[1]!.content).toBe("task");
    expect(summarisedTurns(req.messages)).toBe(0);
  });

  it("a later summary builds on the earlier one, and payload references follow what each prompt uses", () => {
    const h = history(3, 2000);
    const ref = { bucket: "B", name: `${RUN}/summary/4`, bytes: 10, sha256: "x" };
    h.push(S.summaryResult(RUN, 4), summary(4, 2, { content: "preview", contentRef: ref }));
    const { state } = fold(h.entries);
    expect(payloadRefs(state, 4)).toEqual([ref]);
    expect(() => buildModelRequest(state, 4)).toThrow(/load it first/);
    expect(buildModelRequest(state, 4, new Map([[ref.name, "FULL"]])).messages[1]!.content).toContain("FULL");
    expect(summaryPayloadRefs(state, 5, 3)).toEqual([ref]); // a later summary builds on this one
    expect(summaryPayloadRefs(state, 4, 2)).toEqual([]); // this summary's own request did not
  });

  it("an unusable summary record (throughTurn not before its turn) is rejected, never folded", () => {
    const h = history(2, 10);
    h.push(S.summaryResult(RUN, 3), summary(3, 3));
    const { state } = fold(h.entries);
    expect(state.summaries).toHaveLength(0);
    expect(state.rejected.map((r) => r.reason)).toEqual(["summary whose run, turn or range does not fit its subject"]);
  });
});
