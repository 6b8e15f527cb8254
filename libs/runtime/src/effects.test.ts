import { describe, expect, it } from "vitest";
import { Subjects, type AgentSpec, type RunApproval, type ToolAmbiguous } from "@cairn/protocol";
import { foldingRun } from "./fold.harness.js";
import { runStatus } from "./state.js";

// A call whose outcome is ambiguous (a reconcile/irreversible tool started and left no result):
// the tool-runner records it; the run waits for a human; approve → a rerun command (round + 1),
// approve with a result → that result by the planner, deny → a failure the model reads.

const S = new Subjects("t");
const R = "r1";
const agent: AgentSpec = {
  name: "ops",
  provider: "scripted",
  model: "m",
  systemPrompt: "",
  tools: [
    { name: "pay", description: "d", inputSchema: { type: "object" } },
    { name: "log", description: "d", inputSchema: { type: "object" } },
  ],
  maxTurns: 5,
};

function started(a: AgentSpec = agent) {
  const r = foldingRun(R, S);
  r.add(S.submitted(R), {
    v: 1,
    type: "run.submitted",
    runId: R,
    task: "pay the bill",
    submittedAt: "2025-01-01T00:00:00.000Z",
    agent: a,
  });
  const turn1 = r.add(S.llmResult(R, 1), {
    v: 1,
    type: "llm.result",
    runId: R,
    turn: 1,
    ok: true,
    attempts: 1,
    content: null,
    toolCalls: [
      { id: "c0", name: "pay", arguments: '{"amount":5}' },
      { id: "c1", name: "log", arguments: "{}" },
    ],
  });
  return { r, turn1 };
}

const ambiguity = (round: number, over: Partial<ToolAmbiguous> = {}): ToolAmbiguous => ({
  v: 1,
  type: "tool.ambiguous",
  runId: R,
  turn: 1,
  index: 0,
  round,
  callId: "c0",
  tool: "pay",
  effect: "irreversible",
  reason: "started, no result",
  at: "2025-01-01T00:00:10.000Z",
  ...over,
});
const decision = (round: number, over: Partial<RunApproval> = {}): RunApproval => ({
  v: 1,
  type: "run.approval",
  runId: R,
  turn: 1,
  index: 0,
  callId: "c0",
  decision: "approve",
  round,
  at: "2025-01-01T00:00:20.000Z",
  by: "ops/alice",
  ...over,
});

describe("ambiguous calls (tool effect reconcile/irreversible)", () => {
  it("an ambiguity pauses the call: status awaiting_approval says what and why, nothing is commanded", () => {
    const { r, turn1 } = started();
    expect(turn1.out.map((o) => o.subject)).toEqual([S.toolCommand(R, 1, 0, "pay"), S.toolCommand(R, 1, 1, "log")]);
    // the start marker is the runner's own: folded as nothing
    expect(r.add(S.toolStarted(R, 1, 0, 0, "pay"), {}).applied.kind).toBe("ignored");
    const a = r.add(S.toolAmbiguous(R, 1, 0, 0, "pay"), ambiguity(0));
    expect(a.applied.kind).toBe("ambiguity");
    // (the other call's command is due again, a no-op: its subject is taken)
    expect(a.out.map((o) => o.subject)).toEqual([S.toolCommand(R, 1, 1, "log")]);
    const s = runStatus(r.state);
    expect(s.status).toBe("awaiting_approval");
    expect(s.approvals).toEqual([
      {
        turn: 1,
        index: 0,
        callId: "c0",
        tool: "pay",
        arguments: '{"amount":5}',
        ambiguous: { round: 0, effect: "irreversible", reason: "started, no result" },
      },
    ]);
    expect(s.waitingFor?.[0]).toContain("its outcome is ambiguous — started, no result");
  });

  it("approve: a rerun command of round 1 with the call's id, arguments and key; its ambiguity pauses again", () => {
    const { r } = started();
    r.add(S.toolAmbiguous(R, 1, 0, 0, "pay"), ambiguity(0));
    const d = r.add(S.ambiguityApproval(R, 1, 0, 0), decision(0));
    const rerun = d.out.find((o) => o.subject === S.toolRerun(R, 1, 0, 1, "pay"));
    expect(rerun?.type === "ToolCommand" && rerun.message).toMatchObject({
      callId: "c0",
      tool: "pay",
      arguments: '{"amount":5}',
      idempotencyKey: `${R}:1:0`,
    });
    expect(runStatus(r.state).status).toBe("running");
    // round 1's ambiguity (the rerun's runner died too): a human decides again
    expect(r.add(S.toolAmbiguous(R, 1, 0, 1, "pay"), ambiguity(1)).applied.kind).toBe("ambiguity");
    expect(runStatus(r.state).approvals?.[0]?.ambiguous?.round).toBe(1);
    const rec = r.add(S.ambiguityApproval(R, 1, 0, 1), decision(1, { result: "paid, receipt 77" }));
    const result = rec.out.find((o) => o.subject === S.toolResult(R, 1, 0, "pay"));
    expect(result?.type === "ToolResult" && result.message).toMatchObject({
      ok: true,
      output: "paid, receipt 77",
      recordedBy: "ops/alice",
      callId: "c0",
    });
  });

  it("deny: the call's failed result (ambiguous_denied) with the reason, which the model reads", () => {
    const { r } = started();
    r.add(S.toolAmbiguous(R, 1, 0, 0, "pay"), ambiguity(0));
    const d = r.add(S.ambiguityApproval(R, 1, 0, 0), decision(0, { decision: "deny", reason: "bank says no" }));
    const result = d.out.find((o) => o.subject === S.toolResult(R, 1, 0, "pay"));
    expect(result?.type === "ToolResult" && result.message.error).toEqual({
      kind: "ambiguous_denied",
      message:
        "the call's outcome was ambiguous (started, no result) and a human declined to run it again: bank says no",
    });
    expect(result?.type === "ToolResult" && result.message.recordedBy).toBeUndefined();
  });

  it("refuses what the log does not call for", () => {
    const { r } = started();
    // a decision before any ambiguity; an ambiguity of round 1 first; for another call's id; of another tool
    expect(r.add(S.ambiguityApproval(R, 1, 0, 0), decision(0)).applied.kind).toBe("rejected");
    expect(r.add(S.toolAmbiguous(R, 1, 0, 1, "pay"), ambiguity(1)).applied.kind).toBe("rejected");
    expect(r.add(S.toolAmbiguous(R, 1, 1, 0, "log"), ambiguity(0, { index: 1 })).applied.kind).toBe("rejected");
    expect(r.add(S.toolAmbiguous(R, 1, 0, 0, "log"), ambiguity(0)).applied.kind).toBe("rejected");
    // the real one, then a second decision round 0 is ignored, edited arguments and a denial with a result refused
    expect(r.add(S.toolAmbiguous(R, 1, 0, 0, "pay"), ambiguity(0)).applied.kind).toBe("ambiguity");
    const r2 = started().r;
    r2.add(S.toolAmbiguous(R, 1, 0, 0, "pay"), ambiguity(0));
    expect(r2.add(S.ambiguityApproval(R, 1, 0, 0), decision(0, { arguments: "{}" })).applied.kind).toBe("rejected");
    const r3 = started().r;
    r3.add(S.toolAmbiguous(R, 1, 0, 0, "pay"), ambiguity(0));
    expect(r3.add(S.ambiguityApproval(R, 1, 0, 0), decision(0, { decision: "deny", result: "x" })).applied.kind).toBe(
      "rejected",
    );
    // a denied round is not run again: no ambiguity of round 1 after it
    const r4 = started().r;
    r4.add(S.toolAmbiguous(R, 1, 0, 0, "pay"), ambiguity(0));
    r4.add(S.ambiguityApproval(R, 1, 0, 0), decision(0, { decision: "deny" }));
    expect(r4.add(S.toolAmbiguous(R, 1, 0, 1, "pay"), ambiguity(1)).applied.kind).toBe("rejected");
  });

  it("an ambiguity of a call still waiting for a human's approval is refused (it was never commanded)", () => {
    const { r } = started({ ...agent, tools: [{ ...agent.tools[0]!, requiresApproval: true }, agent.tools[1]!] });
    expect(r.add(S.toolAmbiguous(R, 1, 0, 0, "pay"), ambiguity(0)).applied).toMatchObject({
      kind: "rejected",
      reason: "ambiguity of a call that no human approved to run",
    });
  });

  it("a late result of the ambiguous round (a runner that had stalled) is the call's result: the run goes on", () => {
    const { r } = started();
    r.add(S.toolAmbiguous(R, 1, 0, 0, "pay"), ambiguity(0));
    const res = r.add(S.toolResult(R, 1, 0, "pay"), {
      v: 1,
      type: "tool.result",
      runId: R,
      turn: 1,
      index: 0,
      callId: "c0",
      tool: "pay",
      ok: true,
      output: "paid",
      attempts: 1,
    });
    expect(res.applied.kind).toBe("tool-result");
    expect(runStatus(r.state).approvals).toBeUndefined();
    // and a decision after it is refused (the call has its result)
    expect(r.add(S.ambiguityApproval(R, 1, 0, 0), decision(0)).applied.kind).toBe("rejected");
  });
});
