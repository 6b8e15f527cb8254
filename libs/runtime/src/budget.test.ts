import { describe, expect, it } from "vitest";
import { encode, Subjects, type AgentSpec, type LlmResult, type RunApproval, type ToolResult } from "@cairn/protocol";
import { applyEntry, budgetPause, emptyRun, runStatus, type Applied, type RunState } from "./state.js";
import { decide } from "./decide.js";

const S = new Subjects("t");
const RUN = "r1";

function run(agent: Partial<AgentSpec>) {
  const state: RunState = emptyRun(RUN);
  let seq = 0;
  let last!: Applied;
  const add = (subject: string, m: unknown) =>
    (last = applyEntry(
      state,
      { seq: ++seq, subject, data: encode(m), time: new Date(Date.UTC(2025, 0, 1, 0, 0, seq)).toISOString() },
      S,
    ));
  add(S.submitted(RUN), {
    v: 1,
    type: "run.submitted",
    runId: RUN,
    task: "t",
    submittedAt: "2025-01-01T00:00:00.000Z",
    agent: {
      name: "a",
      provider: "scripted",
      model: "m",
      systemPrompt: "",
      tools: [{ name: "f", description: "d", inputSchema: { type: "object" } }],
      maxTurns: 10,
      ...agent,
    },
  });
  const turn = (t: number, tokens: number) => {
    const llm: LlmResult = {
      v: 1,
      type: "llm.result",
      runId: RUN,
      turn: t,
      ok: true,
      attempts: 1,
      content: null,
      toolCalls: [{ id: `c${t}`, name: "f", arguments: "{}" }],
      usage: { inputTokens: tokens, outputTokens: 0 },
    };
    add(S.llmResult(RUN, t), llm);
    const r: ToolResult = {
      v: 1,
      type: "tool.result",
      runId: RUN,
      turn: t,
      index: 0,
      callId: `c${t}`,
      tool: "f",
      ok: true,
      attempts: 1,
      output: "ok",
    };
    add(S.toolResult(RUN, t, 0, "f"), r);
  };
  const decision = (t: number, d: "approve" | "deny", reason?: string) => {
    const m: RunApproval = {
      v: 1,
      type: "run.approval",
      runId: RUN,
      turn: t,
      index: 0,
      callId: "budget",
      decision: d,
      at: "2025-01-01T01:00:00.000Z",
      ...(reason ? { reason } : {}),
    };
    add(S.budgetApproval(RUN, t), m);
  };
  return { state, turn, decision, add, decided: () => decide(state, last, S) };
}

describe("budgets with onBudgetExceeded: approve (a human lets the run go on)", () => {
  it("pauses before the model call the budget no longer allows; status says why and how to go on", () => {
    const r = run({ maxTokens: 100, onBudgetExceeded: "approve" });
    r.turn(1, 120);
    expect(r.decided()).toEqual([]);
    const s = runStatus(r.state);
    expect(s.status).toBe("awaiting_approval");
    expect(s.budgetPause).toEqual({ turn: 2, kind: "token_budget_exceeded", message: "120 tokens used, budget 100" });
  });

  it("an approval starts another budget of the same size: the next model calls go out, and the run pauses again past it", () => {
    const r = run({ maxTokens: 100, onBudgetExceeded: "approve" });
    r.turn(1, 500); // far past the budget: the approval still counts from here
    r.decision(2, "approve");
    expect(r.decided().map((o) => o.subject)).toEqual([S.llmCommand(RUN, 2, "scripted")]);
    expect(budgetPause(r.state)).toBeUndefined();
    expect(runStatus(r.state).status).toBe("running");
    r.turn(2, 60); // 60 since the approval
    expect(r.decided().map((o) => o.subject)).toEqual([S.llmCommand(RUN, 3, "scripted")]);
    r.turn(3, 40); // 100 since the approval
    expect(r.decided()).toEqual([]);
    expect(budgetPause(r.state)).toEqual({
      turn: 4,
      kind: "token_budget_exceeded",
      message: "100 tokens used since the last approval, budget 100",
    });
  });

  it("status agrees with the decision: an error record after the turn was decided does not make a pause", () => {
    const r = run({ deadlineMs: 2500, onBudgetExceeded: "approve" });
    r.add(S.llmResult(RUN, 1), {
      v: 1,
      type: "llm.result",
      runId: RUN,
      turn: 1,
      ok: true,
      attempts: 1,
      content: null,
      toolCalls: [{ id: "c1", name: "f", arguments: "{}" }],
    }); // at 2 s
    expect(r.decided().map((o) => o.subject)).toEqual([S.toolCommand(RUN, 1, 0, "f")]);
    // An error record lands at 3 s, past the deadline; nothing was decided on it.
    r.add(S.error(RUN, "s9"), {
      v: 1,
      type: "run.error",
      runId: RUN,
      service: "planner",
      subject: "x",
      error: { kind: "k", message: "m" },
      at: "2025-01-01T00:00:03.000Z",
    });
    expect(budgetPause(r.state)).toBeUndefined();
    expect(runStatus(r.state).status).toBe("running");
  });

  it("a denial ends the run failed with the budget's reason, saying a human declined", () => {
    const r = run({ maxTokens: 100, onBudgetExceeded: "approve" });
    r.turn(1, 120);
    r.decision(2, "deny", "too expensive");
    const [end] = r.decided();
    expect(end).toMatchObject({
      type: "RunEnded",
      message: {
        status: "failed",
        reason: "token_budget_exceeded",
        error: {
          kind: "token_budget_exceeded",
          message: "120 tokens used, budget 100; a human declined to go on: too expensive",
        },
      },
    });
  });

  it("without it (the default) the run fails at once; a cancel while paused ends it cancelled", () => {
    const plain = run({ maxTokens: 100 });
    plain.turn(1, 120);
    expect(plain.decided()).toMatchObject([
      { type: "RunEnded", message: { status: "failed", reason: "token_budget_exceeded" } },
    ]);
    expect(budgetPause(plain.state)).toBeUndefined();
    const paused = run({ maxTokens: 100, onBudgetExceeded: "approve" });
    paused.turn(1, 120);
    paused.add(S.signal(RUN, "cancel"), {
      v: 1,
      type: "run.signal",
      runId: RUN,
      signal: "cancel",
      at: "2025-01-01T02:00:00.000Z",
    });
    expect(paused.decided()).toMatchObject([{ type: "RunEnded", message: { status: "cancelled" } }]);
    expect(budgetPause(paused.state)).toBeUndefined();
  });

  it("a deadline pause uses the log's time; an approval gives another deadline from the approval, however long the human took", () => {
    const r = run({ deadlineMs: 2500, onBudgetExceeded: "approve" });
    r.turn(1, 1); // its events land 2 s and 3 s after submission
    expect(budgetPause(r.state)).toMatchObject({
      turn: 2,
      kind: "deadline_exceeded",
      message: "3000 ms since submission, deadline 2500 ms",
    });
    r.decision(2, "approve"); // at 4 s
    expect(r.decided().map((o) => o.subject)).toEqual([S.llmCommand(RUN, 2, "scripted")]);
    r.turn(2, 1); // at 5 s and 6 s: 2 s since the approval
    expect(r.decided().map((o) => o.subject)).toEqual([S.llmCommand(RUN, 3, "scripted")]);
    r.turn(3, 1); // at 7 s and 8 s: 4 s since the approval
    expect(budgetPause(r.state)).toMatchObject({
      turn: 4,
      message: "4000 ms since the last approval, deadline 2500 ms",
    });
  });
});
