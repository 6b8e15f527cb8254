import { describe, expect, it } from "vitest";
import { Subjects, type AgentSpec, type LlmResult, type RunApproval, type ToolResult } from "@cairn/protocol";
import { pendingApprovals, reduceRun, runStatus } from "./state.js";
import { type Output } from "./decide.js";
import { foldingRun } from "./fold.harness.js";
import { buildModelRequest, buildSummaryRequest, promptHash } from "./prompt.js";
import { checkOutput, compileJsonSchema, outputCorrection } from "./output.js";

const S = new Subjects("t");
const RUN = "r1";
const SCHEMA = {
  type: "object",
  required: ["city", "temperature"],
  additionalProperties: false,
  properties: { city: { type: "string" }, temperature: { type: "number" } },
};

/** A run folded entry by entry, as the planner does, with what each entry decided. */
function run(agent: Partial<AgentSpec>) {
  const { state, log, add } = foldingRun(RUN, S);
  add(S.submitted(RUN), {
    v: 1,
    type: "run.submitted",
    runId: RUN,
    task: "weather in Oslo",
    submittedAt: "2025-01-01T00:00:00.000Z",
    agent: {
      name: "a",
      provider: "scripted",
      model: "m",
      systemPrompt: "sys",
      tools: [
        { name: "f", description: "d", inputSchema: { type: "object" } },
        { name: "pay", description: "d", inputSchema: { type: "object" }, requiresApproval: true, argsEditable: true },
        { name: "wire", description: "d", inputSchema: { type: "object" }, requiresApproval: true },
      ],
      maxTurns: 20,
      ...agent,
    },
  });
  const answer = (t: number, content: string) =>
    add(S.llmResult(RUN, t), {
      v: 1,
      type: "llm.result",
      runId: RUN,
      turn: t,
      ok: true,
      attempts: 1,
      content,
      toolCalls: [],
    } satisfies LlmResult);
  const calls = (t: number, list: { name: string; args: string }[]) =>
    add(S.llmResult(RUN, t), {
      v: 1,
      type: "llm.result",
      runId: RUN,
      turn: t,
      ok: true,
      attempts: 1,
      content: null,
      toolCalls: list.map((c, i) => ({ id: `c${t}.${i}`, name: c.name, arguments: c.args })),
    } satisfies LlmResult);
  const result = (t: number, i: number, tool: string, output: string) =>
    add(S.toolResult(RUN, t, i, tool), {
      v: 1,
      type: "tool.result",
      runId: RUN,
      turn: t,
      index: i,
      callId: `c${t}.${i}`,
      tool,
      attempts: 1,
      ok: true,
      output,
    } satisfies ToolResult);
  const approval = (t: number, i: number, m: Partial<RunApproval>) =>
    add(S.approval(RUN, t, i), {
      v: 1,
      type: "run.approval",
      runId: RUN,
      turn: t,
      index: i,
      callId: `c${t}.${i}`,
      decision: "approve",
      at: "2025-01-01T01:00:00.000Z",
      ...m,
    } satisfies RunApproval);
  return { state, log, answer, calls, result, approval, add };
}

const types = (out: Output[]): string[] => out.map((o) => `${o.type} ${o.subject.split(".").slice(3).join(".")}`);
const ended = (out: Output[]) => out.find((o) => o.type === "RunEnded")?.message;

describe("checkOutput: a final answer against the agent's output schema", () => {
  const spec = { schema: SCHEMA };
  it("accepts JSON that validates (bare, or the one fenced block an answer is made of) and returns the value", () => {
    expect(checkOutput(spec, '{"city":"Oslo","temperature":-3}', false)).toEqual({
      ok: true,
      value: { city: "Oslo", temperature: -3 },
    });
    expect(checkOutput(spec, '```json\n{"city":"Oslo","temperature":1.5}\n```', false)).toEqual({
      ok: true,
      value: { city: "Oslo", temperature: 1.5 },
    });
    expect(checkOutput({ schema: { type: "array" } }, "  [1, 2]\n", false)).toEqual({ ok: true, value: [1, 2] });
  });
  it("refuses text that is not JSON, JSON that fails the schema (every error named), and an answer stored by reference", () => {
    const notJson = checkOutput(spec, "It is cold in Oslo.", false);
    expect(notJson).toMatchObject({ ok: false, error: expect.stringMatching(/^the answer is not JSON \(/) });
    const bad = checkOutput(spec, '{"city":7,"wind":3}', false);
    expect(bad.ok).toBe(false);
    expect(!bad.ok && bad.error).toMatch(/^the answer does not validate against the output schema: /);
    expect(!bad.ok && bad.error).toContain("(root) must have required property 'temperature'");
    expect(!bad.ok && bad.error).toContain("/city must be string");
    expect(!bad.ok && bad.error).toContain("(root) must NOT have additional properties");
    // text around a fenced block is not the block alone
    expect(checkOutput(spec, 'Here: ```json\n{"city":"Oslo","temperature":1}\n```', false).ok).toBe(false);
    expect(checkOutput(spec, '{"city":"Oslo","temperature":1}', true)).toMatchObject({
      ok: false,
      error: expect.stringContaining("stored by reference"),
    });
    expect(checkOutput(spec, null, false).ok).toBe(false);
  });
  it("bounds the validation message", () => {
    const many = {
      type: "object",
      properties: Object.fromEntries([...Array(300)].map((_, i) => [`k${i}`, { type: "string" }])),
    };
    const value = JSON.stringify(Object.fromEntries([...Array(300)].map((_, i) => [`k${i}`, i])));
    const r = checkOutput({ schema: many }, value, false);
    expect(!r.ok && r.error.length).toBe(2001);
    expect(!r.ok && r.error.endsWith("…")).toBe(true);
  });
  it("compileJsonSchema names a schema that does not compile, and compiles the same $id twice", () => {
    expect(compileJsonSchema({ type: "no-such-type" })).toEqual(
      expect.stringMatching(/^the schema does not compile: /),
    );
    const withId = { $id: "https://x/s.json", type: "string" };
    expect(typeof compileJsonSchema(withId)).toBe("function");
    expect(typeof compileJsonSchema(withId)).toBe("function");
  });
});

describe("structured output: the planner's decisions and the prompt", () => {
  it("a valid answer ends the run completed with the parsed value in its end and status", () => {
    const r = run({ output: { schema: SCHEMA } });
    const { out } = r.answer(1, '{"city":"Oslo","temperature":-3}');
    expect(ended(out)).toMatchObject({
      status: "completed",
      answer: '{"city":"Oslo","temperature":-3}',
      output: { city: "Oslo", temperature: -3 },
    });
    r.add(S.ended(RUN), ended(out));
    expect(runStatus(r.state)).toMatchObject({ status: "completed", output: { city: "Oslo", temperature: -3 } });
  });

  it("an invalid answer goes back to the model as the next turn, with the validation error as a user message, until it validates", () => {
    const r = run({ output: { schema: SCHEMA } });
    const first = r.answer(1, "It is -3 degrees in Oslo.");
    expect(types(first.out)).toEqual(["LlmCommand cmd.llm.2.scripted"]);
    expect(runStatus(r.state)).toMatchObject({ status: "running", waitingFor: ["llm turn 2"] });
    const req = buildModelRequest(r.state, 2);
    expect(req.output).toEqual({ name: "output", schema: SCHEMA });
    expect(req.messages.slice(-2)).toEqual([
      { role: "assistant", content: "It is -3 degrees in Oslo." },
      { role: "user", content: outputCorrection(r.state.turns[0]!.output!.ok ? "" : r.state.turns[0]!.output!.error) },
    ]);
    expect(req.messages.at(-1)!.content).toMatch(/^\[Cairn: your answer was not accepted: the answer is not JSON/);
    const second = r.answer(2, '{"city":"Oslo","temperature":-3}');
    expect(ended(second.out)).toMatchObject({
      status: "completed",
      output: { city: "Oslo", temperature: -3 },
      turns: 2,
    });
  });

  it("after maxAttempts invalid answers the run ends failed (invalid_output) with the last error", () => {
    const r = run({ output: { schema: SCHEMA, maxAttempts: 2 } });
    expect(types(r.answer(1, "nope").out)).toEqual(["LlmCommand cmd.llm.2.scripted"]);
    const last = r.answer(2, '{"city":"Oslo"}');
    expect(ended(last.out)).toMatchObject({
      status: "failed",
      reason: "invalid_output",
      error: {
        kind: "invalid_output",
        message: expect.stringMatching(
          /^2 answers failed the output schema; the last: .*must have required property 'temperature'/,
        ),
      },
    });
  });

  it("maxTurns bounds the corrections too; a model that asks for tools first is unaffected by the schema", () => {
    const r = run({ output: { schema: SCHEMA }, maxTurns: 2 });
    expect(types(r.calls(1, [{ name: "f", args: "{}" }]).out)).toEqual(["ToolCommand cmd.tool.1.0.f"]);
    expect(types(r.result(1, 0, "f", "-3").out)).toEqual(["LlmCommand cmd.llm.2.scripted"]);
    expect(ended(r.answer(2, "cold").out)).toMatchObject({ status: "failed", reason: "invalid_output" });
  });

  it("an agent without a schema keeps today's decisions and prompts (recorded logs replay the same)", () => {
    const r = run({});
    const { out } = r.answer(1, "not json at all");
    expect(ended(out)).toMatchObject({ status: "completed", answer: "not json at all" });
    expect(ended(out)).not.toHaveProperty("output");
    expect(r.state.turns[0]!.output).toBeUndefined();
    // the request of a run without output has no `output` key, so its hash is the one recorded before
    const r2 = run({});
    r2.calls(1, [{ name: "f", args: "{}" }]);
    r2.result(1, 0, "f", "x");
    expect(buildModelRequest(r2.state, 2)).not.toHaveProperty("output");
    expect(promptHash(buildModelRequest(r2.state, 2))).toBe(promptHash(buildModelRequest(r2.state, 2)));
  });

  it("a submission whose output schema does not compile fails the run as an invalid submission", () => {
    const r = run({ output: { schema: { type: 12 } } });
    expect(r.state.submitted).toBeUndefined();
    expect(r.state.invalidSubmission).toMatch(/^the schema does not compile/);
    const folded = reduceRun(RUN, r.log, S);
    expect(folded.invalidSubmission).toBe(r.state.invalidSubmission);
  });

  it("a summary's transcript carries the correction", () => {
    const r = run({ output: { schema: SCHEMA } });
    r.answer(1, "nope");
    const sum = buildSummaryRequest(r.state, 3, 1);
    expect(sum.messages[1]!.content).toContain("assistant: nope");
    expect(sum.messages[1]!.content).toContain("user: [Cairn: your answer was not accepted");
  });
});

describe("approval with edited arguments", () => {
  it("the call is commanded with the approver's arguments and the model reads the edit with the result", () => {
    const r = run({});
    expect(r.calls(1, [{ name: "pay", args: '{"amount":500}' }]).out).toEqual([]);
    expect(pendingApprovals(r.state)).toEqual([
      { turn: 1, index: 0, callId: "c1.0", tool: "pay", arguments: '{"amount":500}', argsEditable: true },
    ]);
    const { out } = r.approval(1, 0, { arguments: '{"amount":50}', by: "acme/alice" });
    expect(out).toHaveLength(1);
    expect(out[0]).toMatchObject({
      type: "ToolCommand",
      message: { arguments: '{"amount":50}', idempotencyKey: "r1:1:0", callId: "c1.0" },
    });
    r.result(1, 0, "pay", "paid 50");
    const req = buildModelRequest(r.state, 2);
    expect(req.messages.at(-1)).toEqual({
      role: "tool",
      toolCallId: "c1.0",
      name: "pay",
      content: `[Cairn: the approver acme/alice edited this call's arguments before it ran; it ran with {"amount":50}]\npaid 50`,
    });
    // the model's own call stays as it asked for it
    expect(req.messages.at(-2)).toMatchObject({ toolCalls: [{ arguments: '{"amount":500}' }] });
  });

  it("edited arguments are refused for a tool that does not allow them, with a denial, or when not a JSON object", () => {
    const r = run({});
    r.calls(1, [
      { name: "wire", args: "{}" },
      { name: "pay", args: "{}" },
      { name: "pay", args: "{}" },
    ]);
    expect(pendingApprovals(r.state).map((a) => a.argsEditable ?? false)).toEqual([false, true, true]);
    const notEditable = r.approval(1, 0, { arguments: '{"to":"me"}' });
    expect(notEditable.applied).toMatchObject({ kind: "rejected", reason: expect.stringContaining("argsEditable") });
    const denied = r.approval(1, 1, { decision: "deny", arguments: "{}" });
    expect(denied.applied).toMatchObject({ kind: "rejected", reason: "a denial with edited arguments" });
    const notObject = r.approval(1, 2, { arguments: "[1]" });
    expect(notObject.applied).toMatchObject({ kind: "rejected", reason: expect.stringContaining("not a JSON object") });
    expect(r.state.approvals.size).toBe(0);
  });

  it("an approval without arguments runs the model's arguments, as before", () => {
    const r = run({});
    r.calls(1, [{ name: "pay", args: '{"amount":500}' }]);
    const { out } = r.approval(1, 0, {});
    expect(out[0]).toMatchObject({ type: "ToolCommand", message: { arguments: '{"amount":500}' } });
  });
});

describe("the request: the task's images and the agent's maxOutputTokens", () => {
  it("puts the submission's images on the task message and the agent's token limit on every request", () => {
    const r = foldingRun(RUN, S);
    r.add(S.submitted(RUN), {
      v: 1,
      type: "run.submitted",
      runId: RUN,
      task: "what is this?",
      images: [{ url: "https://img.invalid/cat.png", mediaType: "image/png" }],
      submittedAt: "2025-01-01T00:00:00.000Z",
      agent: {
        name: "a",
        provider: "scripted",
        model: "m",
        systemPrompt: "",
        tools: [],
        maxTurns: 3,
        maxOutputTokens: 64,
      },
    });
    const req = buildModelRequest(r.state, 1);
    expect(req.messages).toEqual([
      {
        role: "user",
        content: "what is this?",
        images: [{ url: "https://img.invalid/cat.png", mediaType: "image/png" }],
      },
    ]);
    expect(req.maxOutputTokens).toBe(64);
    // a run without either asks as before (its recorded prompt hashes still check out)
    const plain = run({});
    const before = buildModelRequest(plain.state, 1);
    expect(before.messages[1]).toEqual({ role: "user", content: "weather in Oslo" });
    expect(before).not.toHaveProperty("maxOutputTokens");
  });
});
