import { describe, expect, it } from "vitest";
import { encode, Subjects, type AgentSpec, type LlmResult } from "@cairn/protocol";
import { evaluateGuards, type CodeGuards } from "./guard.js";
import { agentFileEntry, codeGuards, defineAgent, isAgentDefinition } from "./define.js";
import { applyEntry, emptyRun, runStatus, type RunState } from "./state.js";
import { decide, type Output } from "./decide.js";
import { buildModelRequest, promptHash } from "./prompt.js";
import { PromptCache } from "./prompt-cache.js";

const ctx = { runId: "r1", agent: "a", point: "output" as const, turn: 2 };

describe("evaluateGuards", () => {
  it("stops at the first guardrail that trips, in order, with its message and onTrip", () => {
    const list = [
      { name: "short", onTrip: "fail" as const, maxChars: 100 },
      { name: "secret", onTrip: "pause" as const, pattern: "s3cr3t", ignoreCase: true, message: "a secret" },
      { name: "never", onTrip: "fail" as const, pattern: "x" },
    ];
    expect(evaluateGuards(list, "fine", ctx, undefined)).toEqual({
      tripped: false,
      checked: ["short", "secret", "never"],
    });
    expect(evaluateGuards(list, "the S3CR3T is x", ctx, undefined)).toEqual({
      tripped: true,
      guardrail: "secret",
      message: "a secret",
      onTrip: "pause",
      checked: ["short", "secret"],
    });
    expect(evaluateGuards(list, "y".repeat(101), ctx, undefined)).toMatchObject({
      guardrail: "short",
      message: "guardrail short: 101 characters, more than 100",
      onTrip: "fail",
    });
  });

  it("runs code by agent and name; missing code or a check that throws pauses for a human, never passes", () => {
    const code: CodeGuards = {
      check: (agent, name) =>
        agent !== "a"
          ? undefined
          : name === "yes"
            ? (text, c) => ({ tripped: text.includes("bad") && c.point === "output", message: `bad at turn ${c.turn}` })
            : name === "bool"
              ? (text) => text === "b"
              : name === "boom"
                ? () => {
                    throw new Error("kaput");
                  }
                : undefined,
    };
    const g = (name: string) => [{ name, onTrip: "fail" as const, code: true as const }];
    expect(evaluateGuards(g("yes"), "bad", ctx, code)).toMatchObject({
      tripped: true,
      message: "bad at turn 2",
      onTrip: "fail",
    });
    expect(evaluateGuards(g("yes"), "good", ctx, code).tripped).toBe(false);
    expect(evaluateGuards(g("bool"), "b", ctx, code)).toMatchObject({
      tripped: true,
      message: "guardrail bool tripped",
    });
    expect(evaluateGuards(g("boom"), "x", ctx, code)).toMatchObject({
      tripped: true,
      onTrip: "pause",
      message: "guardrail boom threw: kaput",
    });
    expect(evaluateGuards(g("gone"), "x", ctx, code)).toMatchObject({
      tripped: true,
      onTrip: "pause",
      message: expect.stringContaining("has not loaded (CAIRN_AGENTS_MODULE)"),
    });
    expect(evaluateGuards(g("yes"), "bad", ctx, undefined)).toMatchObject({ onTrip: "pause" });
  });
});

describe("defineAgent", () => {
  it("brands the agent, and turns it into an agents-file entry with its checks in code by name", () => {
    const check = (t: string) => t.includes("x");
    const a = defineAgent({
      name: "a",
      provider: "openai",
      model: "m",
      instructions: "be brief",
      guardrails: { input: [{ name: "len", maxChars: 10 }], output: [{ name: "nox", check, onTrip: "pause" }] },
    });
    expect(isAgentDefinition(a)).toBe(true);
    expect(isAgentDefinition({ ...a, kind: "other" })).toBe(false);
    const { entry, checks } = agentFileEntry(a);
    expect(entry).toEqual({
      provider: "openai",
      model: "m",
      systemPrompt: "be brief",
      guardrails: {
        input: [{ name: "len", maxChars: 10, onTrip: "fail" }],
        output: [{ name: "nox", onTrip: "pause", code: true }],
      },
    });
    expect(codeGuards(new Map([["a", checks]])).check("a", "nox")).toBe(check);
  });
  it("refuses names that are not tokens and a guardrail that checks nothing", () => {
    expect(() => defineAgent({ name: "a b", provider: "p", model: "m" })).toThrow(/name "a b" must be/);
    expect(() =>
      defineAgent({ name: "a", provider: "p", model: "m", guardrails: { output: [{ name: "empty" }] } }),
    ).toThrow(/guardrail empty needs check, pattern, maxChars or model/);
  });
});

describe("guardrails in the planner's decisions", () => {
  const S = new Subjects("t");
  function run(agent: Partial<AgentSpec>, task = "hello", code?: CodeGuards) {
    const state: RunState = emptyRun("r1");
    let seq = 0;
    const add = (subject: string, m: unknown): Output[] =>
      decide(
        state,
        applyEntry(state, { seq: ++seq, subject, data: encode(m), time: "2025-01-01T00:00:00.000Z" }, S),
        S,
        code,
      );
    const first = add(S.submitted("r1"), {
      v: 1,
      type: "run.submitted",
      runId: "r1",
      task,
      submittedAt: "2025-01-01T00:00:00.000Z",
      agent: { name: "a", provider: "scripted", model: "m", systemPrompt: "", tools: [], maxTurns: 5, ...agent },
    });
    const answer = (turn: number, content: string) =>
      add(S.llmResult("r1", turn), {
        v: 1,
        type: "llm.result",
        runId: "r1",
        turn,
        ok: true,
        attempts: 1,
        content,
        toolCalls: [],
      } satisfies LlmResult);
    return { state, first, add, answer };
  }
  const kinds = (out: Output[]) => out.map((o) => o.type);

  it("records the input verdict before the first model call; a passed one lets the run start", () => {
    const r = run({ guardrails: { input: [{ name: "inj", onTrip: "fail", pattern: "ignore" }] } });
    expect(kinds(r.first)).toEqual(["RunGuard"]);
    expect(r.first[0]!.subject).toBe("t.run.r1.evt.guard.1.input");
    expect(r.first[0]!.message).toMatchObject({ tripped: false, checked: ["inj"], point: "input", turn: 1 });
    expect(kinds(r.add(r.first[0]!.subject, r.first[0]!.message))).toEqual(["LlmCommand"]);
  });

  it("a tripped fail ends the run failed; a tripped pause waits for a human, who may let it go on or end it", () => {
    const failing = run({ guardrails: { input: [{ name: "inj", onTrip: "fail", pattern: "ignore" }] } }, "ignore it");
    const ended = failing.add(failing.first[0]!.subject, failing.first[0]!.message);
    expect(ended[0]!.message).toMatchObject({
      status: "failed",
      reason: "guardrail_tripped",
      error: { kind: "guardrail_tripped" },
    });

    const code: CodeGuards = { check: () => (t) => t.includes("card") };
    const r = run({ guardrails: { output: [{ name: "card", onTrip: "pause", code: true }] } }, "t", code);
    const verdict = r.answer(1, "my card is 1");
    expect(kinds(verdict)).toEqual(["RunGuard"]);
    expect(r.add(verdict[0]!.subject, verdict[0]!.message)).toEqual([]);
    expect(runStatus(r.state)).toMatchObject({
      status: "awaiting_approval",
      guardPause: { turn: 1, point: "output", guardrail: "card", message: "guardrail card tripped" },
    });
    const approve = {
      v: 1,
      type: "run.approval",
      runId: "r1",
      turn: 1,
      index: 0,
      callId: "guard",
      decision: "approve",
      at: "t",
    };
    const out = r.add(S.guardApproval("r1", 1), approve);
    expect(out[0]!.message).toMatchObject({ status: "completed", answer: "my card is 1" });
    expect(runStatus(r.state).guardPause).toBeUndefined();
  });

  it("an approval where no tripped guardrail waits is rejected", () => {
    const r = run({});
    const approve = {
      v: 1,
      type: "run.approval",
      runId: "r1",
      turn: 1,
      index: 0,
      callId: "guard",
      decision: "approve",
      at: "t",
    };
    r.add(S.guardApproval("r1", 1), approve);
    expect(r.state.rejected[0]?.reason).toMatch(/no tripped guardrail waits/);
  });
});

describe("instructions in code (agent instructionsInCode)", () => {
  const S = new Subjects("t");
  const start = (code?: CodeGuards) => {
    const state: RunState = emptyRun("r1");
    const out = decide(
      state,
      applyEntry(
        state,
        {
          seq: 1,
          subject: S.submitted("r1"),
          data: encode({
            v: 1,
            type: "run.submitted",
            runId: "r1",
            task: "t",
            metadata: { tier: "gold" },
            submittedAt: "2025-01-01T00:00:00.000Z",
            agent: {
              name: "a",
              provider: "scripted",
              model: "m",
              systemPrompt: "",
              tools: [],
              maxTurns: 5,
              instructionsInCode: true,
            },
          }),
          time: "2025-01-01T00:00:00.000Z",
        },
        S,
      ),
      S,
      code,
    );
    return { state, out };
  };

  it("the planner computes the turn's system prompt from the run and records it with the command", () => {
    const seen: unknown[] = [];
    const { state, out } = start({
      check: () => undefined,
      instructions: (agent, ctx) => {
        seen.push({ agent, turn: ctx.turn, tier: ctx.metadata["tier"], task: ctx.task });
        return `be ${ctx.metadata["tier"]}`;
      },
    });
    expect(out[0]).toMatchObject({ type: "LlmCommand", message: { turn: 1, instructions: "be gold" } });
    expect(seen).toEqual([{ agent: "a", turn: 1, tier: "gold", task: "t" }]);
    const req = buildModelRequest(state, 1, undefined, { instructions: "be gold" });
    expect(req.messages[0]).toEqual({ role: "system", content: "be gold" });
    const planned = new PromptCache().plan(state, 1, { instructions: "be gold" }).build();
    expect(planned.req).toEqual(req);
    expect(planned.hash).toBe(promptHash(req));
  });

  it("a planner without the code, or code that throws, ends the run failed, saying why", () => {
    expect(start(undefined).out[0]!.message).toMatchObject({
      status: "failed",
      reason: "instructions_unavailable",
      error: { message: expect.stringContaining("has not loaded (CAIRN_AGENTS_MODULE)") },
    });
    const boom = start({
      check: () => undefined,
      instructions: () => {
        throw new Error("nope");
      },
    });
    expect(boom.out[0]!.message).toMatchObject({ error: { message: "agent a's instructions threw: nope" } });
  });
});
