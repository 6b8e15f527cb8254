import { describe, expect, it } from "vitest";
import { Subjects, type AgentSpec } from "@cairn/protocol";
import { agentFileEntry, codeGuards, defineAgent, isAgentDefinition } from "./define.js";
import { evaluateGuards } from "./guard.js";
import { checkOutput, compileJsonSchema, outputInstructions } from "./output.js";
import { agentNamed, handoffTarget, handoffTool } from "./team.js";
import { foldingRun } from "./fold.harness.js";

describe("defineAgent and agentFileEntry", () => {
  it("an agent with string instructions: its system prompt; no instructions in code, no guardrails key", () => {
    const a = defineAgent({ name: "a".repeat(64), provider: "p", model: "m", instructions: "hi", tools: ["t"] });
    const { entry, checks, instructions } = agentFileEntry(a);
    expect(entry).toEqual({ provider: "p", model: "m", systemPrompt: "hi", tools: ["t"] });
    expect(checks.size).toBe(0);
    expect(instructions).toBeUndefined();
    expect(agentFileEntry(defineAgent({ name: "b", provider: "p", model: "m" })).entry.systemPrompt).toBe("");
  });

  it("an agent with instructions in code: flagged, with an empty system prompt, and the function returned", () => {
    const fn = () => "dynamic";
    const { entry, instructions } = agentFileEntry(
      defineAgent({ name: "a", provider: "p", model: "m", instructions: fn }),
    );
    expect(entry).toEqual({ provider: "p", model: "m", systemPrompt: "", instructionsInCode: true });
    expect(instructions).toBe(fn);
  });

  it("keeps only the guardrail lists given; a code guardrail keeps its message and defaults to fail", () => {
    const check = () => false;
    const only = agentFileEntry(
      defineAgent({
        name: "a",
        provider: "p",
        model: "m",
        guardrails: { output: [{ name: "g", check, message: "m1" }] },
      }),
    );
    expect(only.entry["guardrails"]).toEqual({ output: [{ name: "g", onTrip: "fail", code: true, message: "m1" }] });
    const input = agentFileEntry(
      defineAgent({
        name: "a",
        provider: "p",
        model: "m",
        guardrails: { input: [{ name: "p", pattern: "x", onTrip: "pause" }], output: [] },
      }),
    );
    expect(input.entry["guardrails"]).toEqual({ input: [{ name: "p", pattern: "x", onTrip: "pause" }] });
    expect(input.checks.size).toBe(0);
  });

  it("refuses agent and guardrail names that are not 1-64 token characters", () => {
    expect(() => defineAgent({ name: "a".repeat(65), provider: "p", model: "m" })).toThrow(/must be 1-64/);
    expect(() => defineAgent({ name: "", provider: "p", model: "m" })).toThrow(/must be 1-64/);
    for (const bad of ["a b", "x".repeat(65), "", "ok!", " ok"])
      expect(() =>
        defineAgent({ name: "a", provider: "p", model: "m", guardrails: { input: [{ name: bad, maxChars: 3 }] } }),
      ).toThrow(/is not a token/);
    expect(() =>
      defineAgent({ name: "a", provider: "p", model: "m", guardrails: { output: [{ name: "ok", pattern: "x" }] } }),
    ).not.toThrow();
  });

  it("isAgentDefinition: only what defineAgent made", () => {
    expect(isAgentDefinition(defineAgent({ name: "a", provider: "p", model: "m" }))).toBe(true);
    for (const v of [null, undefined, "cairn.agent/v1", 7, {}, { kind: "other" }, { kind: "" }])
      expect(isAgentDefinition(v)).toBe(false);
    expect(isAgentDefinition({ kind: "cairn.agent/v1" })).toBe(true);
  });

  it("codeGuards: checks and instructions by agent; unknown agents and names have none", () => {
    const check = () => true;
    const code = codeGuards(new Map([["a", new Map([["g", check]])]]), new Map([["a", (ctx) => `turn ${ctx.turn}`]]));
    expect(code.check("a", "g")).toBe(check);
    expect(code.check("a", "h")).toBeUndefined();
    expect(code.check("b", "g")).toBeUndefined();
    const ctx = {
      runId: "r",
      agent: "a",
      turn: 3,
      task: "t",
      metadata: {},
      toolCalls: 0,
      messages: [],
      handedFrom: [],
    };
    expect(code.instructions!("a", ctx)).toBe("turn 3");
    expect(code.instructions!("b", ctx)).toBeUndefined();
    expect(codeGuards(new Map()).instructions!("a", ctx)).toBeUndefined();
  });
});

describe("evaluateGuards: edges", () => {
  const ctx = { runId: "r1", agent: "a", point: "input" as const, turn: 1 };
  it("maxChars trips only above the limit; a long message is clipped; a pattern that does not compile pauses", () => {
    expect(evaluateGuards([{ name: "n", onTrip: "fail", maxChars: 3 }], "abc", ctx, undefined).tripped).toBe(false);
    expect(evaluateGuards([{ name: "n", onTrip: "fail", maxChars: 3 }], "abcd", ctx, undefined).tripped).toBe(true);
    const long = evaluateGuards(
      [{ name: "n", onTrip: "fail", maxChars: 1, message: "x".repeat(5000) }],
      "ab",
      ctx,
      undefined,
    );
    expect(long.message).toHaveLength(4096);
    expect(evaluateGuards([{ name: "re", onTrip: "fail", pattern: "(" }], "x", ctx, undefined)).toMatchObject({
      tripped: true,
      onTrip: "pause",
      message: expect.stringMatching(/^guardrail re's pattern is not a regular expression: /),
    });
    const matched = evaluateGuards(
      [{ name: "m", onTrip: "fail", pattern: "a+" }],
      `x${"a".repeat(100)}`,
      ctx,
      undefined,
    );
    expect(matched.message).toBe(`guardrail m matched ${JSON.stringify("a".repeat(80))}`);
    expect(
      evaluateGuards([{ name: "m", onTrip: "fail", pattern: "A", ignoreCase: true }], "a", ctx, undefined).tripped,
    ).toBe(true);
    expect(evaluateGuards([{ name: "m", onTrip: "fail", pattern: "A" }], "a", ctx, undefined).tripped).toBe(false);
  });
  it("a code check that passes goes on to the next; a trip without a message uses the guardrail's", () => {
    const code = { check: (_a: string, n: string) => (n === "pass" ? () => ({ tripped: false }) : () => true) };
    const r = evaluateGuards(
      [
        { name: "pass", onTrip: "fail", code: true },
        { name: "trip", onTrip: "fail", code: true, message: "its own words" },
      ],
      "x",
      ctx,
      code,
    );
    expect(r).toEqual({
      tripped: true,
      guardrail: "trip",
      message: "its own words",
      onTrip: "fail",
      checked: ["pass", "trip"],
    });
  });
});

describe("checkOutput and outputInstructions: edges", () => {
  it("a schema that does not compile fails the check, saying so", () => {
    expect(checkOutput({ schema: { type: 12 } }, "{}", false)).toEqual({
      ok: false,
      error: expect.stringMatching(/^the schema does not compile: /),
    });
  });
  it("formats are not checked and unknown keywords are allowed (any draft 2020-12 schema a provider takes)", () => {
    expect(checkOutput({ schema: { type: "string", format: "email" } }, '"not an email"', false).ok).toBe(true);
    expect(typeof compileJsonSchema({ type: "object", "x-ui": { widget: "text" } })).toBe("function");
  });
  it("surrounding whitespace is ignored; a fence must close the answer; an empty answer is not JSON", () => {
    expect(checkOutput({ schema: { type: "number" } }, "  \n 5 \n", false)).toEqual({ ok: true, value: 5 });
    expect(checkOutput({ schema: { type: "number" } }, "```\n5\n```", false)).toEqual({ ok: true, value: 5 });
    expect(checkOutput({ schema: { type: "number" } }, "```json\n5\n``` and more", false).ok).toBe(false);
    expect(checkOutput({ schema: { type: "object" } }, '```json\n{"a":\n"b c"}\n```', false)).toEqual({
      ok: true,
      value: { a: "b c" },
    });
    expect(checkOutput({ schema: {} }, "", false)).toMatchObject({
      ok: false,
      error: expect.stringMatching(/not JSON/),
    });
  });
  it("a short validation message is kept whole, without an ellipsis", () => {
    const r = checkOutput({ schema: { type: "string", maxLength: 0 } }, '"x"', false);
    expect(!r.ok && r.error.endsWith("…")).toBe(false);
  });
  it("outputInstructions carries the schema", () => {
    expect(outputInstructions({ schema: { type: "object" } })).toBe(
      'Your final answer (when you call no tool) must be only a JSON value, with no other text, that validates against this JSON Schema:\n{"type":"object"}',
    );
  });
});

describe("team: agents by name, the handoff tool, handoff targets", () => {
  const S = new Subjects("t");
  const agent = (name: string, over: Partial<AgentSpec> = {}): AgentSpec => ({
    name,
    provider: "p",
    model: "m",
    systemPrompt: `${name} line one${"!".repeat(250)}\nline two`,
    tools: [],
    maxTurns: 3,
    ...over,
  });
  const submitted = (team?: AgentSpec[]) => {
    const r = foldingRun("r1", S);
    r.add(S.submitted("r1"), {
      v: 1,
      type: "run.submitted",
      runId: "r1",
      task: "t",
      submittedAt: "2025-01-01T00:00:00.000Z",
      agent: agent("a", { handoffs: ["b", "ghost"] }),
      ...(team ? { team } : {}),
    });
    return r.state;
  };
  it("agentNamed: the submitted agent by its name or none, a team member, nothing else", () => {
    const state = submitted([agent("b")]);
    expect(agentNamed(state, undefined)?.name).toBe("a");
    expect(agentNamed(state, "a")?.name).toBe("a");
    expect(agentNamed(state, "b")?.name).toBe("b");
    expect(agentNamed(state, "c")).toBeUndefined();
    expect(agentNamed(submitted(), "b")).toBeUndefined();
  });
  it("the handoff tool: exactly its schema, each target with its prompt's first line (at most 200 characters)", () => {
    const state = submitted([agent("b")]);
    const tool = handoffTool(state, state.submitted!.agent)!;
    expect(tool.inputSchema).toEqual({
      type: "object",
      additionalProperties: false,
      required: ["agent"],
      properties: {
        agent: { enum: ["b", "ghost"], description: "the agent to hand the conversation to" },
        reason: { type: "string", description: "why, for the next agent" },
      },
    });
    expect(tool.description).toBe(
      `Hand the conversation to another agent, who continues it with its own instructions and tools (you stop here). Agents:\n- b: ${`b line one${"!".repeat(250)}`.slice(0, 200)}\n- ghost`,
    );
    expect(handoffTool(state, agent("x"))).toBeUndefined();
    expect(handoffTool(state, state.submitted!.agent)).toBe(tool); // built once per agent
  });
  it("handoffTarget: the agent of a JSON object, nothing else", () => {
    expect(handoffTarget('{"agent":"b","reason":"r"}')).toBe("b");
    for (const bad of ["", "{", "null", "[1]", '"b"', '{"agent":5}', "{}", "7"])
      expect(handoffTarget(bad)).toBeUndefined();
  });
});
