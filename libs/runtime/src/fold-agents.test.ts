import { describe, expect, it } from "vitest";
import { Subjects, type AgentSpec, type LlmResult, type RunGuard, type ToolResult } from "@cairn/protocol";
import { foldingRun } from "./fold.harness.js";
import { guardPause, runStatus } from "./state.js";
import type { CodeGuards } from "./guard.js";

// The fold's and the decisions' handling of the newer log entries, case by case: guardrail
// verdicts and their approvals, messages, handoff results, instructions in code.

const S = new Subjects("t");
const R = "r1";
const agent = (over: Partial<AgentSpec> = {}): AgentSpec => ({
  name: "a",
  provider: "scripted",
  model: "m",
  systemPrompt: "",
  tools: [{ name: "f", description: "d", inputSchema: { type: "object" } }],
  maxTurns: 5,
  ...over,
});

function start(a: AgentSpec, opts: { team?: AgentSpec[]; code?: CodeGuards; task?: string } = {}) {
  const r = foldingRun(R, S, opts.code);
  const first = r.add(S.submitted(R), {
    v: 1,
    type: "run.submitted",
    runId: R,
    task: opts.task ?? "task",
    submittedAt: "2025-01-01T00:00:00.000Z",
    agent: a,
    ...(opts.team ? { team: opts.team } : {}),
  });
  const llm = (turn: number, r2: { content?: string; calls?: { name: string; args: string }[]; historySeq?: number }) =>
    r.add(S.llmResult(R, turn), {
      v: 1,
      type: "llm.result",
      runId: R,
      turn,
      ok: true,
      attempts: 1,
      content: r2.content ?? null,
      toolCalls: (r2.calls ?? []).map((c, i) => ({ id: `c${turn}.${i}`, name: c.name, arguments: c.args })),
      ...(r2.historySeq !== undefined ? { historySeq: r2.historySeq } : {}),
    } satisfies LlmResult);
  const result = (turn: number, index: number, tool: string, ok = true) =>
    r.add(S.toolResult(R, turn, index, tool), {
      v: 1,
      type: "tool.result",
      runId: R,
      turn,
      index,
      callId: `c${turn}.${index}`,
      tool,
      attempts: 1,
      ...(ok ? { ok: true, output: "done" } : { ok: false, error: { kind: "x", message: "y" } }),
    } satisfies ToolResult);
  const verdict = (turn: number, point: "input" | "output", v: Partial<RunGuard>) =>
    r.add(S.guard(R, turn, point), {
      v: 1,
      type: "run.guard",
      runId: R,
      turn,
      point,
      tripped: false,
      at: "t",
      ...v,
    } satisfies RunGuard);
  const approval = (turn: number, decision: "approve" | "deny", reason?: string) =>
    r.add(S.guardApproval(R, turn), {
      v: 1,
      type: "run.approval",
      runId: R,
      turn,
      index: 0,
      callId: "guard",
      decision,
      at: "t",
      ...(reason ? { reason } : {}),
    });
  const send = (n: number, m: Record<string, unknown>) =>
    r.add(S.message(R, n), { v: 1, type: "run.message", runId: R, n, at: "t", ...m });
  return { ...r, first, llm, result, verdict, approval, send };
}

const inputGuard = { input: [{ name: "g", onTrip: "pause" as const, pattern: "bad" }] };

describe("guardrail verdicts in the fold", () => {
  it("folds a verdict once (a second is ignored), and returns it as the applied kind", () => {
    const r = start(agent({ guardrails: inputGuard }));
    expect(r.verdict(1, "input", {}).applied).toMatchObject({ kind: "guard", turn: 1 });
    expect(r.verdict(1, "input", { tripped: true }).applied).toMatchObject({
      kind: "ignored",
      reason: "duplicate guardrail verdict",
    });
    expect(r.state.guards.get("1.input")?.tripped).toBe(false);
  });

  it("rejects an unreadable verdict, one whose body differs from its subject, and one for a point not checked now", () => {
    const r = start(agent());
    expect(r.add(S.guard(R, 1, "input"), { v: 1, type: "run.guard" }).applied).toMatchObject({
      kind: "rejected",
      reason: expect.stringMatching(/^unreadable guardrail verdict/),
    });
    const r2 = start(agent());
    expect(
      r2.add(S.guard(R, 1, "input"), {
        v: 1,
        type: "run.guard",
        runId: R,
        turn: 1,
        point: "output",
        tripped: false,
        at: "t",
      }).applied,
    ).toMatchObject({
      kind: "rejected",
      reason: "guardrail verdict whose run, turn or point differs from its subject",
    });
    const r3 = start(agent());
    r3.llm(1, { calls: [{ name: "f", args: "{}" }] });
    expect(r3.verdict(1, "output", {}).applied).toMatchObject({
      kind: "rejected",
      reason: "guardrail verdict for output of turn 1, which is not checked now",
    });
    expect(r3.verdict(1, "input", {}).applied).toMatchObject({ kind: "rejected" });
  });

  it("an input pause: reported, decided by a human (once); a fail verdict is no pause", () => {
    const r = start(agent({ guardrails: inputGuard }), { task: "bad" });
    expect(r.first.out[0]!.message).toMatchObject({ tripped: true, guardrail: "g", onTrip: "pause" });
    expect(r.verdict(1, "input", { tripped: true, guardrail: "g", onTrip: "pause", message: "why" }).out).toEqual([]);
    expect(guardPause(r.state)).toEqual({ turn: 1, point: "input", guardrail: "g", message: "why" });
    expect(runStatus(r.state).status).toBe("awaiting_approval");
    const denied = r.approval(1, "deny", "no");
    expect(denied.applied).toMatchObject({ kind: "guard-approval", turn: 1 });
    expect(denied.out[0]!.message).toMatchObject({
      status: "failed",
      reason: "guardrail_tripped",
      error: { kind: "guardrail_tripped", message: "input guardrail g tripped: why; a human declined to go on: no" },
    });
    expect(r.approval(1, "approve").applied).toMatchObject({ kind: "ignored" });

    const f = start(agent({ guardrails: { input: [{ name: "g", onTrip: "fail", pattern: "bad" }] } }), { task: "bad" });
    const ended = f.verdict(1, "input", { tripped: true, guardrail: "g", onTrip: "fail" }).out;
    expect(ended[0]!.message).toMatchObject({ error: { message: "input guardrail g tripped: " } });
    expect(guardPause(f.state)).toBeUndefined();
  });

  it("an approval where nothing paused is rejected; one of a paused run lets it start", () => {
    const r = start(agent({ guardrails: inputGuard }), { task: "bad" });
    expect(r.approval(1, "approve").applied).toMatchObject({ kind: "rejected" });
    r.verdict(1, "input", { tripped: true, guardrail: "g", onTrip: "pause" });
    const out = r.approval(1, "approve").out;
    expect(out.map((o) => o.type)).toEqual(["LlmCommand"]);
    expect(guardPause(r.state)).toBeUndefined();
    expect(
      r.add(S.guardApproval(R, 1), {
        v: 1,
        type: "run.approval",
        runId: "other",
        turn: 1,
        index: 0,
        callId: "guard",
        decision: "approve",
        at: "t",
      }).applied.kind,
    ).toBe("ignored");
  });
});

describe("messages and handoffs in the fold", () => {
  it("rejects an unreadable message; holds one written before the submission and rejects it there", () => {
    const r = start(agent());
    expect(r.add(S.message(R, 1), { v: 1 }).applied).toMatchObject({
      kind: "rejected",
      reason: expect.stringMatching(/^unreadable message/),
    });
    const early = foldingRun(R, S);
    expect(
      early.add(S.message(R, 1), { v: 1, type: "run.message", runId: R, n: 1, text: "x", at: "t" }).applied.kind,
    ).toBe("ignored");
    early.add(S.submitted(R), { v: 1, type: "run.submitted", runId: R, task: "t", submittedAt: "t", agent: agent() });
    expect(early.state.rejected.map((x) => x.reason)).toEqual(["written before the run's submission"]);
    expect(early.state.messages).toEqual([]);
  });

  it("a message while a correction is commanded, or to a run that is not a conversation, decides nothing", () => {
    const r = start(agent({ conversation: true, output: { schema: { type: "object" } } }));
    r.llm(1, { content: "not json" });
    expect(r.send(1, { text: "hurry" }).out).toEqual([]);
    const plain = start(agent());
    plain.llm(1, { calls: [{ name: "f", args: "{}" }] });
    plain.result(1, 0, "f");
    plain.llm(2, { content: "answer" });
    expect(plain.send(1, { text: "more" }).out).toEqual([]);
  });

  it("a conversation cancelled, or whose answer failed its schema, does not wait for a message", () => {
    const r = start(agent({ conversation: true }));
    r.llm(1, { content: "hi" });
    expect(runStatus(r.state).awaitingMessage).toBe(true);
    r.add(S.signal(R, "cancel"), { v: 1, type: "run.signal", runId: R, signal: "cancel", at: "t" });
    expect(runStatus(r.state).awaitingMessage).toBeUndefined();
    const bad = start(agent({ conversation: true, output: { schema: { type: "object" }, maxAttempts: 1 } }));
    bad.llm(1, { content: "prose" });
    expect(runStatus(bad.state).awaitingMessage).toBeUndefined();
  });

  it("a handoff result switches the agent only when it is the planner's accepted one: ok, to an agent the maker names and the team has", () => {
    const b = agent({ name: "b", provider: "other" });
    const cases: [string, boolean, Partial<AgentSpec>, string | undefined][] = [
      ['{"agent":"b"}', true, { handoffs: ["b"] }, "b"],
      ['{"agent":"b"}', false, { handoffs: ["b"] }, undefined],
      ['{"agent":"c"}', true, { handoffs: ["b", "c"] }, undefined],
      ['{"agent":"b"}', true, { handoffs: ["c"] }, undefined],
      ['{"agent":"b"}', true, {}, undefined],
      ["nope", true, { handoffs: ["b"] }, undefined],
    ];
    for (const [args, ok, over, to] of cases) {
      const r = start(agent(over), { team: [b] });
      r.llm(1, { calls: [{ name: "handoff", args }] });
      r.result(1, 0, "handoff", ok);
      expect(r.state.activeAgent, `${args} ${ok} ${JSON.stringify(over)}`).toBe(to);
      expect(runStatus(r.state).activeAgent).toBe(to);
    }
  });

  it("the turns of the new agent are marked with it; handed back, the status names no other agent", () => {
    const r = start(agent({ handoffs: ["b"] }), { team: [agent({ name: "b", handoffs: ["a"] })] });
    r.llm(1, { calls: [{ name: "handoff", args: '{"agent":"b"}' }] });
    r.result(1, 0, "handoff");
    r.llm(2, { calls: [{ name: "handoff", args: '{"agent":"a"}' }] });
    expect(r.state.turns.map((t) => t.agent)).toEqual([undefined, "b"]);
    r.result(2, 0, "handoff");
    expect(r.state.activeAgent).toBe("a");
    expect(runStatus(r.state).activeAgent).toBeUndefined();
    expect(r.state.handoffs.map((h) => `${h.from}>${h.to}`)).toEqual(["a>b", "b>a"]);
  });

  it("instructions in code see the run's messages with text and the agents it was handed from", () => {
    const seen: unknown[] = [];
    const code: CodeGuards = {
      check: () => undefined,
      instructions: (_a, ctx) => {
        seen.push({ messages: [...ctx.messages], from: [...ctx.handedFrom], calls: ctx.toolCalls });
        return "x";
      },
    };
    const r = start(agent({ handoffs: ["b"] }), { team: [agent({ name: "b", instructionsInCode: true })], code });
    r.send(1, { text: "one" });
    r.send(2, { end: true, text: undefined });
    r.llm(1, { calls: [{ name: "handoff", args: '{"agent":"b"}' }] });
    expect(r.result(1, 0, "handoff").out[0]!.message).toMatchObject({ instructions: "x" });
    expect(seen).toEqual([{ messages: ["one"], from: ["a"], calls: 1 }]);
  });
});

describe("structured output: the end's words", () => {
  it("one failed answer is 'answer', more are 'answers'", () => {
    const r = start(agent({ output: { schema: { type: "object" }, maxAttempts: 1 } }));
    expect(r.llm(1, { content: "x" }).out[0]!.message).toMatchObject({
      error: { message: expect.stringMatching(/^1 answer failed the output schema; the last: the answer is not JSON/) },
    });
  });
});
