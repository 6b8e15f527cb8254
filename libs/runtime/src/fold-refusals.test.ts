import { describe, it, expect } from "vitest";
import {
  encode,
  Subjects,
  type AgentSpec,
  type LlmResult,
  type RunApproval,
  type RunSubmitted,
  type SummaryResult,
  type ToolResult,
  type HistoryEntry,
} from "@cairn/protocol";
import { applyEntry, emptyRun, type Applied, type RunState } from "./state.js";

// What the fold does with approvals, budget approvals and summaries that do not fit the run: each
// is refused (recorded as rejected, never folded) or ignored as a duplicate, with its reason.
const S = new Subjects("t");
const RUN = "r1";
const at = (seq: number): string => new Date(Date.UTC(2025, 0, 1, 0, 0, seq)).toISOString();
const entry = (seq: number, subject: string, message: unknown): HistoryEntry => ({
  seq,
  subject,
  data: encode(message),
  time: at(seq),
});
const garbage = (seq: number, subject: string): HistoryEntry => ({
  seq,
  subject,
  data: new Uint8Array([0xc1]),
  time: at(seq),
});

const agent: AgentSpec = {
  name: "a",
  provider: "scripted",
  model: "m",
  systemPrompt: "",
  tools: [
    { name: "pay", description: "Pays.", inputSchema: { type: "object" }, requiresApproval: true },
    { name: "look", description: "Looks.", inputSchema: { type: "object" } },
  ],
  maxTurns: 5,
};
const submitted: RunSubmitted = { v: 1, type: "run.submitted", runId: RUN, task: "t", agent, submittedAt: at(0) };
const turn1: LlmResult = {
  v: 1,
  type: "llm.result",
  runId: RUN,
  turn: 1,
  ok: true,
  attempts: 1,
  content: null,
  finishReason: "tool_calls",
  toolCalls: [
    { id: "c0", name: "pay", arguments: "{}" },
    { id: "c1", name: "look", arguments: "{}" },
  ],
};
const approval = (
  turn: number,
  index: number,
  callId: string,
  decision: "approve" | "deny" = "approve",
): RunApproval => ({ v: 1, type: "run.approval", runId: RUN, turn, index, callId, decision, by: "alice", at: at(9) });
const result = (index: number, callId: string, tool: string, over: Partial<ToolResult> = {}): ToolResult => ({
  v: 1,
  type: "tool.result",
  runId: RUN,
  turn: 1,
  index,
  callId,
  tool,
  ok: true,
  output: "ok",
  attempts: 1,
  ...over,
});
const summary = (over: Partial<SummaryResult> = {}): SummaryResult => ({
  v: 1,
  type: "summary.result",
  runId: RUN,
  turn: 2,
  throughTurn: 1,
  ok: true,
  content: "so far",
  attempts: 1,
  ...over,
});

/** A run at turn 1 waiting on a gated call (index 0) and a plain one (index 1). */
function started(): { state: RunState; apply: (e: HistoryEntry) => Applied } {
  const state = emptyRun(RUN);
  const apply = (e: HistoryEntry): Applied => applyEntry(state, e, S);
  apply(entry(1, S.submitted(RUN), submitted));
  apply(entry(2, S.llmResult(RUN, 1), turn1));
  return { state, apply };
}
const shape = (a: Applied) => ({ kind: a.kind, ...("reason" in a ? { reason: a.reason } : {}) });

describe("approvals the fold refuses", () => {
  it("an approval for a call that does not wait for one: an ungated call, a turn with no model response, a call the model did not make", () => {
    const { state, apply } = started();
    expect(shape(apply(entry(3, S.approval(RUN, 1, 1), approval(1, 1, "c1"))))).toEqual({
      kind: "rejected",
      reason: "approval for call 1 of turn 1, which is no call waiting for approval",
    });
    expect(shape(apply(entry(4, S.approval(RUN, 2, 0), approval(2, 0, "c0"))))).toEqual({
      kind: "rejected",
      reason: "approval for call 0 of turn 2, which is no call waiting for approval",
    });
    expect(shape(apply(entry(5, S.approval(RUN, 1, 5), approval(1, 5, "c5"))))).toEqual({
      kind: "rejected",
      reason: "approval for call 5 of turn 1, which is no call waiting for approval",
    });
    expect(state.approvals.size).toBe(0);
    expect(state.rejected.map((r) => r.seq)).toEqual([3, 4, 5]);
  });

  it("an unreadable approval, or one whose call id, turn or index differs from its subject's call", () => {
    const { state, apply } = started();
    expect(apply(garbage(3, S.approval(RUN, 1, 0)))).toMatchObject({
      kind: "rejected",
      reason: expect.stringMatching(/^unreadable approval \(/),
    });
    for (const [seq, body] of [
      [4, approval(1, 0, "other")],
      [5, approval(2, 0, "c0")],
      [6, approval(1, 1, "c0")],
    ] as const) {
      expect(shape(apply(entry(seq, S.approval(RUN, 1, 0), body))), JSON.stringify(body)).toEqual({
        kind: "rejected",
        reason: "approval whose call differs from the call it is recorded for",
      });
    }
    expect(state.approvals.size).toBe(0);
  });

  it("the first fitting decision counts; a second is a duplicate, and a result other than the denial is refused after a deny", () => {
    const { state, apply } = started();
    expect(shape(apply(entry(3, S.approval(RUN, 1, 0), approval(1, 0, "c0", "deny"))))).toEqual({ kind: "approval" });
    expect(shape(apply(entry(4, S.approval(RUN, 1, 0), approval(1, 0, "c0", "approve"))))).toEqual({
      kind: "ignored",
      reason: "duplicate approval",
    });
    expect(state.approvals.get("1.0")?.decision).toBe("deny");
    expect(shape(apply(entry(5, S.toolResult(RUN, 1, 0, "pay"), result(0, "c0", "pay"))))).toEqual({
      kind: "rejected",
      reason: "a result other than the denial for a call a human denied",
    });
    expect(
      shape(
        apply(
          entry(
            6,
            S.toolResult(RUN, 1, 0, "pay"),
            result(0, "c0", "pay", { ok: false, output: undefined, error: { kind: "denied", message: "no" } }),
          ),
        ),
      ),
    ).toEqual({ kind: "tool-result" });
  });

  it("a gated call's result before its approval is refused", () => {
    const { apply } = started();
    expect(shape(apply(entry(3, S.toolResult(RUN, 1, 0, "pay"), result(0, "c0", "pay"))))).toEqual({
      kind: "rejected",
      reason: "tool result for a call that waits for a human's approval",
    });
  });
});

describe("budget approvals and summaries the fold refuses", () => {
  it("a budget approval counts only for the next model turn, once", () => {
    const { state, apply } = started();
    expect(shape(apply(entry(3, S.budgetApproval(RUN, 3), approval(3, 0, "")))).kind).toBe("rejected");
    expect(state.rejected.at(-1)?.reason).toBe("budget approval for turn 3, which is not the next model turn");
    expect(apply(garbage(4, S.budgetApproval(RUN, 2)))).toMatchObject({
      kind: "rejected",
      reason: expect.stringMatching(/^unreadable budget approval \(/),
    });
    expect(shape(apply(entry(5, S.budgetApproval(RUN, 2), approval(2, 0, ""))))).toEqual({ kind: "budget-approval" });
    expect(state.budgetBase).toEqual({ tokens: 0, costUsd: 0, time: at(5) });
    expect(shape(apply(entry(6, S.budgetApproval(RUN, 2), approval(2, 0, ""))))).toEqual({
      kind: "ignored",
      reason: "duplicate budget approval",
    });
  });

  it("a denied budget approval starts no new budget", () => {
    const { state, apply } = started();
    expect(shape(apply(entry(3, S.budgetApproval(RUN, 2), approval(2, 0, "", "deny"))))).toEqual({
      kind: "budget-approval",
    });
    expect(state.budgetBase).toBeUndefined();
  });

  it("a summary only for the next model turn once every result is in, readable, of this run and turn, covering earlier turns; then once", () => {
    const { state, apply } = started();
    expect(shape(apply(entry(3, S.summaryResult(RUN, 2), summary())))).toEqual({
      kind: "rejected",
      reason: "summary for turn 2, which the run has not asked for",
    });
    apply(entry(4, S.approval(RUN, 1, 0), approval(1, 0, "c0")));
    apply(entry(5, S.toolResult(RUN, 1, 0, "pay"), result(0, "c0", "pay")));
    apply(entry(6, S.toolResult(RUN, 1, 1, "look"), result(1, "c1", "look")));
    expect(shape(apply(entry(7, S.summaryResult(RUN, 3), summary({ turn: 3 }))))).toEqual({
      kind: "rejected",
      reason: "summary for turn 3, which the run has not asked for",
    });
    expect(apply(garbage(8, S.summaryResult(RUN, 2)))).toMatchObject({
      kind: "rejected",
      reason: expect.stringMatching(/^unreadable summary \(/),
    });
    for (const [seq, body] of [
      [9, summary({ runId: "r2" })],
      [10, summary({ turn: 3 })],
      [11, summary({ throughTurn: 2 })],
    ] as const) {
      expect(shape(apply(entry(seq, S.summaryResult(RUN, 2), body))), JSON.stringify(body)).toEqual({
        kind: "rejected",
        reason: "summary whose run, turn or range does not fit its subject",
      });
    }
    expect(
      shape(apply(entry(12, S.summaryResult(RUN, 2), summary({ usage: { inputTokens: 7, outputTokens: 3 } })))),
    ).toEqual({ kind: "summary" });
    expect(state.usage).toEqual({ inputTokens: 7, outputTokens: 3 });
    expect(shape(apply(entry(13, S.summaryResult(RUN, 2), summary())))).toEqual({
      kind: "ignored",
      reason: "duplicate summary",
    });
    expect(state.summaries).toHaveLength(1);
  });
});
