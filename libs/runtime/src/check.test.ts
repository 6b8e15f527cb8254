import { describe, expect, it } from "vitest";
import { Subjects, type AgentSpec, type CheckResult, type LlmResult, type RunGuard } from "@cairn/protocol";
import { foldingRun } from "./fold.harness.js";
import { buildCheckRequest, checkTarget } from "./check.js";
import { CHECK_CONTRACT, evaluateGuards, judgeProviders, parseVerdict } from "./guard.js";
import { guardPause, runStatus } from "./state.js";
import { defineAgent } from "./define.js";

// Model-judged guardrails (a guardrail with `model`): the planner asks for a check (cmd.check.<n>),
// the llm-caller records the judging model's verdict (evt.check.<n>), and the point's verdict
// (evt.guard) follows from it — each a journaled step, so replay reads them instead of asking again.

const S = new Subjects("t");
const R = "r1";
const judge = (over: Record<string, unknown> = {}) => ({
  name: "judge",
  onTrip: "pause" as const,
  model: { instructions: "Trip on anything about card numbers." },
  ...over,
});
const agent = (over: Partial<AgentSpec> = {}): AgentSpec => ({
  name: "a",
  provider: "openai",
  model: "gpt-main",
  systemPrompt: "",
  tools: [],
  maxTurns: 5,
  ...over,
});

function start(a: AgentSpec, task = "task") {
  const r = foldingRun(R, S);
  const first = r.add(S.submitted(R), {
    v: 1,
    type: "run.submitted",
    runId: R,
    task,
    submittedAt: "2025-01-01T00:00:00.000Z",
    agent: a,
  });
  const llm = (turn: number, content: string) =>
    r.add(S.llmResult(R, turn), {
      v: 1,
      type: "llm.result",
      runId: R,
      turn,
      ok: true,
      attempts: 1,
      content,
      toolCalls: [],
      usage: { inputTokens: 10, outputTokens: 5 },
    } satisfies LlmResult);
  const check = (n: number, c: Partial<CheckResult>) =>
    r.add(S.checkResult(R, n), {
      v: 1,
      type: "check.result",
      runId: R,
      n,
      turn: 1,
      point: "output",
      guardrail: "judge",
      ok: true,
      tripped: false,
      attempts: 1,
      usage: { inputTokens: 7, outputTokens: 3 },
      ...c,
    } satisfies CheckResult);
  const verdictOf = (o: { out: { type: string; message: unknown }[] }) => o.out[0]!.message as RunGuard;
  return { ...r, first, llm, check, verdictOf };
}

describe("model-judged guardrails", () => {
  it("an output guardrail asks for a check first (on the judge's provider), then records the verdict the model gave", () => {
    const r = start(
      agent({ guardrails: { output: [judge({ model: { instructions: "x", provider: "anthropic" } })] } }),
    );
    const answered = r.llm(1, "the card is 4111");
    expect(answered.out).toEqual([
      {
        type: "CheckCommand",
        subject: "t.run.r1.cmd.check.1.anthropic",
        message: {
          v: 1,
          type: "check.command",
          runId: R,
          n: 1,
          turn: 1,
          point: "output",
          guardrail: "judge",
          historySeq: 2,
        },
      },
    ]);
    // status says what the run waits on: the judge's provider (a missing llm-caller shows)
    expect(runStatus(r.state)).toMatchObject({
      status: "running",
      waitingFor: ["guardrail check judge (output of turn 1)"],
      waitingOn: [{ kind: "llm", name: "anthropic" }],
    });
    const judged = r.check(1, { tripped: true, reason: "it names a card number" });
    expect(judged.applied).toMatchObject({ kind: "check", n: 1 });
    // the check's tokens count in the run's usage (and its budgets)
    expect(r.state.usage).toEqual({ inputTokens: 17, outputTokens: 8 });
    expect(judged.out[0]!.type).toBe("RunGuard");
    expect(r.verdictOf(judged)).toMatchObject({
      turn: 1,
      point: "output",
      tripped: true,
      guardrail: "judge",
      message: "it names a card number",
      onTrip: "pause",
      checked: ["judge"],
    });
    const paused = r.add(S.guard(R, 1, "output"), r.verdictOf(judged));
    expect(paused.out).toEqual([]);
    expect(guardPause(r.state)).toMatchObject({ turn: 1, guardrail: "judge" });
  });

  it("a verdict of not tripped lets the answer through; pure guardrails before it are checked first, and a trip there asks no model", () => {
    const list = [{ name: "short", onTrip: "fail" as const, maxChars: 20 }, judge()];
    const r = start(agent({ guardrails: { output: list } }));
    const asked = r.llm(1, "fine answer");
    expect(asked.out[0]!.subject).toBe("t.run.r1.cmd.check.1.openai");
    const judged = r.check(1, { tripped: false });
    expect(r.verdictOf(judged)).toMatchObject({ tripped: false, checked: ["short", "judge"] });
    const done = r.add(S.guard(R, 1, "output"), r.verdictOf(judged));
    expect(done.out[0]).toMatchObject({ type: "RunEnded", message: { status: "completed", answer: "fine answer" } });

    const r2 = start(agent({ guardrails: { output: list } }));
    const tripped = r2.llm(1, "an answer far longer than twenty characters");
    expect(tripped.out[0]).toMatchObject({ type: "RunGuard", message: { tripped: true, guardrail: "short" } });
  });

  it("a failed check (no verdict) trips the guardrail with a pause, whatever its onTrip: a model outage never passes an answer", () => {
    const r = start(agent({ guardrails: { output: [judge({ onTrip: "fail" })] } }));
    r.llm(1, "x");
    const judged = r.check(1, {
      ok: false,
      tripped: undefined,
      error: { kind: "invalid_verdict", message: "not JSON" },
    });
    expect(r.verdictOf(judged)).toMatchObject({
      tripped: true,
      onTrip: "pause",
      message: expect.stringContaining("model check gave no verdict (invalid_verdict: not JSON)"),
    });
  });

  it("an input guardrail's check comes before the first model call; two model guardrails are checked one after the other", () => {
    const r = start(
      agent({ guardrails: { input: [judge({ name: "first" }), judge({ name: "second", onTrip: "fail" })] } }),
      "hello",
    );
    expect(r.first.out).toMatchObject([
      { type: "CheckCommand", message: { n: 1, turn: 1, point: "input", guardrail: "first" } },
    ]);
    expect(runStatus(r.state).waitingFor).toEqual(["guardrail check first (input of turn 1)"]);
    const one = r.check(1, { point: "input", guardrail: "first", tripped: false });
    expect(runStatus(r.state).waitingFor).toEqual(["guardrail check second (input of turn 1)"]);
    expect(one.out).toMatchObject([
      { type: "CheckCommand", subject: "t.run.r1.cmd.check.2.openai", message: { n: 2, guardrail: "second" } },
    ]);
    const two = r.check(2, { point: "input", guardrail: "second", tripped: true, reason: "rude" });
    expect(r.verdictOf(two)).toMatchObject({ point: "input", tripped: true, guardrail: "second", onTrip: "fail" });
    const ended = r.add(S.guard(R, 1, "input"), r.verdictOf(two));
    expect(ended.out[0]).toMatchObject({
      type: "RunEnded",
      message: {
        status: "failed",
        reason: "guardrail_tripped",
        error: { message: "input guardrail second tripped: rude" },
      },
    });
  });

  it("the fold refuses checks nobody asked for: out of order, for another point or guardrail, a second one, or unreadable", () => {
    const r = start(agent({ guardrails: { output: [judge()] } }));
    // before any answer: no output is judged now
    expect(r.check(1, {}).applied).toMatchObject({
      kind: "rejected",
      reason: expect.stringMatching(/which is not judged now/),
    });
    r.llm(1, "x");
    expect(r.check(2, {}).applied).toMatchObject({
      kind: "rejected",
      reason: "check 2, which the run has not asked for (next: 1)",
    });
    expect(r.check(1, { guardrail: "other" }).applied.kind).toBe("rejected");
    expect(r.add(S.checkResult(R, 1), { v: 1, type: "check.result" }).applied).toMatchObject({
      kind: "rejected",
      reason: expect.stringMatching(/^unreadable check/),
    });
    expect(r.check(1, { n: 1, runId: "other" }).applied).toMatchObject({
      reason: "check whose run or number differs from its subject",
    });
    expect(r.state.checks).toEqual([]);
  });

  it("a forged message that took the pending check's subject fails the run (result_slot_taken) rather than wedging it", () => {
    const r = start(agent({ guardrails: { output: [judge()] } }));
    r.llm(1, "x");
    const forged = r.check(1, { guardrail: "not-this-one" });
    expect(forged.applied.kind).toBe("rejected");
    expect(forged.out[0]).toMatchObject({
      type: "RunEnded",
      message: {
        status: "failed",
        reason: "result_slot_taken",
        error: { message: expect.stringContaining("guardrail check 1") },
      },
    });
  });
});

describe("model-judged guardrails: what the fold refuses and what a human decides", () => {
  it("a judge outage on the task and again on turn 1's answer asks a human twice (two decisions, two subjects)", () => {
    const g = judge({ onTrip: "fail" });
    const r = start(agent({ guardrails: { input: [g], output: [g] } }));
    const outage = { ok: false, tripped: undefined, error: { kind: "provider_down", message: "503" } };
    const v1 = r.check(1, { point: "input", ...outage });
    r.add(S.guard(R, 1, "input"), r.verdictOf(v1));
    expect(guardPause(r.state)).toMatchObject({ turn: 1, point: "input" });
    const decision = (point: "input" | "output") =>
      r.add(S.guardApproval(R, 1, point), {
        v: 1,
        type: "run.approval",
        runId: R,
        turn: 1,
        index: 0,
        callId: "guard",
        decision: "approve",
        at: "t",
      });
    expect(S.guardApproval(R, 1, "input")).toBe("t.run.r1.evt.approval.1.guard-input");
    expect(decision("input").out.map((o) => o.type)).toEqual(["LlmCommand"]);
    r.llm(1, "answer");
    const v2 = r.check(2, { point: "output", ...outage });
    const paused = r.add(S.guard(R, 1, "output"), r.verdictOf(v2));
    // the task's approval does not stand for the answer's: the run waits for a human again
    expect(paused.out).toEqual([]);
    expect(guardPause(r.state)).toMatchObject({ turn: 1, point: "output" });
    expect(runStatus(r.state).status).toBe("awaiting_approval");
    expect(decision("output").out[0]).toMatchObject({ type: "RunEnded", message: { status: "completed" } });
  });

  it("refuses a check for a later guardrail than the one awaited, a verdict-less ok check, and a model response while the task's check runs", () => {
    const r = start(agent({ guardrails: { input: [judge({ name: "first" }), judge({ name: "second" })] } }));
    expect(r.check(1, { point: "input", guardrail: "second" }).applied.kind).toBe("rejected");
    const r2 = start(agent({ guardrails: { input: [judge({ name: "first" })] } }));
    expect(r2.check(1, { point: "input", guardrail: "first", tripped: undefined }).applied).toMatchObject({
      kind: "rejected",
      reason: "a check with no verdict (tripped)",
    });
    const r3 = start(agent({ guardrails: { input: [judge({ name: "first" })] } }));
    const early = r3.llm(1, "an answer nobody asked for yet");
    expect(early.applied).toMatchObject({
      kind: "rejected",
      reason: "model response for turn 1, which the run has not asked for",
    });
    expect(early.out[0]).toMatchObject({ type: "RunEnded", message: { reason: "result_slot_taken" } });
  });

  it("a late check result does not end a run that waits for a human (only the awaited check's subject counts)", () => {
    const r = start(agent({ guardrails: { input: [{ name: "p", onTrip: "pause", pattern: "task" }, judge()] } }));
    const paused = r.add(S.guard(R, 1, "input"), r.verdictOf(r.first));
    expect(paused.out).toEqual([]);
    const late = r.check(1, { point: "input" });
    expect(late.applied.kind).toBe("rejected");
    expect(late.out).toEqual([]);
    expect(guardPause(r.state)).toMatchObject({ guardrail: "p" });
  });

  it("guardrail names must not repeat within a point (a check names its guardrail)", () => {
    expect(() =>
      defineAgent({
        name: "a",
        provider: "p",
        model: "m",
        guardrails: { input: [judge(), judge({ model: { instructions: "y" } })] },
      }),
    ).toThrow(/guardrail names must not repeat/);
  });
});

describe("evaluateGuards with a model-judged guardrail", () => {
  const ctx = { runId: R, agent: "a", point: "output" as const, turn: 1 };
  it("waits for its check (pending), and joins the guardrail's message with the model's reason", () => {
    const list = [judge({ message: "card data" })];
    expect(evaluateGuards(list, "t", ctx, undefined)).toEqual({ tripped: false, pending: "judge", checked: ["judge"] });
    const r = (c: Partial<CheckResult>) => () => ({ ok: true, tripped: true, ...c }) as CheckResult;
    expect(evaluateGuards(list, "t", ctx, undefined, r({ reason: "a PAN" })).message).toBe("card data: a PAN");
    expect(evaluateGuards([judge()], "t", ctx, undefined, r({ model: "m1" })).message).toBe(
      "guardrail judge tripped (judged by m1)",
    );
  });
});

describe("judgeProviders", () => {
  it("lists the providers an agent's judges run on, once each, other than the agent's own", () => {
    const a = agent({
      guardrails: {
        input: [judge({ name: "a", model: { instructions: "x", provider: "anthropic" } }), judge({ name: "b" })],
        output: [
          judge({ name: "c", model: { instructions: "x", provider: "anthropic" } }),
          judge({ name: "d", model: { instructions: "x", provider: "openai" } }),
          { name: "e", onTrip: "fail", pattern: "x" },
        ],
      },
    });
    expect(judgeProviders(a)).toEqual(["anthropic"]);
    expect(judgeProviders(agent())).toEqual([]);
  });
});

describe("the judging model's request and answer", () => {
  it("is the guardrail's instructions with the contract, the text alone as the user's, and a JSON verdict schema", () => {
    const r = start(
      agent({ guardrails: { output: [judge({ model: { instructions: "No cards.", model: "small" } })] } }),
    );
    r.llm(1, "answer text");
    const t = checkTarget(r.state, {
      v: 1,
      type: "check.command",
      runId: R,
      n: 1,
      turn: 1,
      point: "output",
      guardrail: "judge",
      historySeq: 2,
    });
    if (typeof t === "string") throw new Error(t);
    expect(t).toMatchObject({ provider: "openai", model: "small", text: "answer text" });
    const req = buildCheckRequest(t, t.text);
    expect(req).toMatchObject({
      model: "small",
      tools: [],
      temperature: 0,
      maxOutputTokens: 512,
      purpose: "check",
      output: { name: "guardrail_verdict" },
      messages: [
        { role: "system", content: `No cards.\n\n${CHECK_CONTRACT}` },
        { role: "user", content: 'Text to judge (a JSON string):\n"answer text"' },
      ],
    });
    const bad = checkTarget(r.state, {
      v: 1,
      type: "check.command",
      runId: R,
      n: 1,
      turn: 1,
      point: "output",
      guardrail: "nope",
      historySeq: 2,
    });
    expect(bad).toBe('agent a has no model-judged output guardrail "nope"');
    expect(
      checkTarget(r.state, {
        v: 1,
        type: "check.command",
        runId: R,
        n: 1,
        turn: 2,
        point: "input",
        guardrail: "judge",
        historySeq: 2,
      }),
    ).toBe("an input check is made before model turn 1, not 2");
  });

  it("reads a verdict from JSON (fenced or not); anything else is no verdict", () => {
    expect(parseVerdict('{"tripped": true, "reason": "card"}')).toEqual({ tripped: true, reason: "card" });
    expect(parseVerdict('```json\n{"tripped": false}\n```')).toEqual({ tripped: false });
    expect(parseVerdict('{"tripped": "yes"}')).toBeUndefined();
    expect(parseVerdict("TRIPPED")).toBeUndefined();
    expect(parseVerdict("")).toBeUndefined();
    expect(parseVerdict(null)).toBeUndefined();
  });
});
