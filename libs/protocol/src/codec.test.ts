import { describe, it, expect } from "vitest";
import { decode, encode, validate, PROTOCOL_VERSION } from "./codec.js";
import type { LlmResult, RunSignal, RunSubmitted, ToolCommand } from "./generated/types.js";

const signal: RunSignal = {
  v: 1,
  type: "run.signal",
  runId: "r1",
  signal: "cancel",
  reason: "user asked",
  at: "2025-01-01T00:00:00.000Z",
};

const llm: LlmResult = {
  v: 1,
  type: "llm.result",
  runId: "r1",
  turn: 2,
  ok: true,
  content: null,
  toolCalls: [{ id: "call_2_0", name: "read_file", arguments: '{"path":"a.txt"' }],
  finishReason: "tool_calls",
  usage: { inputTokens: 120, outputTokens: 7 },
  latencyMs: 12.5,
  historySeq: 9,
  attempts: 1,
};

const submitted: RunSubmitted = {
  v: 1,
  type: "run.submitted",
  runId: "r1",
  task: "Do it",
  agent: {
    name: "default",
    provider: "scripted",
    model: "demo",
    systemPrompt: "",
    tools: [
      {
        name: "read_file",
        description: "Reads.",
        inputSchema: { type: "object", properties: { path: { type: "string" } }, required: ["path"] },
      },
    ],
    maxTurns: 3,
    temperature: 0.2,
  },
  submittedAt: "2025-01-01T00:00:00.000Z",
  metadata: { team: "a" },
};

describe("encode/decode", () => {
  it("PROTOCOL_VERSION is 1", () => {
    expect(PROTOCOL_VERSION).toBe(1);
  });

  it("round-trips messages exactly (null content, nested objects, floats, invalid JSON text in arguments)", () => {
    expect(decode("RunSignal", encode(signal))).toEqual({ ok: true, value: signal });
    expect(decode("LlmResult", encode(llm))).toEqual({ ok: true, value: llm });
    expect(decode("RunSubmitted", encode(submitted))).toEqual({ ok: true, value: submitted });
  });

  it("encodes to plain msgpack (a map, not a record extension)", () => {
    const bytes = encode({ v: 1 });
    // map16 of 1 entry: 0xde 0x00 0x01, fixstr "v": 0xa1 0x76, positive fixint 1 (no record extension)
    expect([...bytes]).toEqual([0xde, 0x00, 0x01, 0xa1, 0x76, 0x01]);
  });

  it("accepts a message of exactly maxBytes", () => {
    const bytes = encode(signal);
    expect(decode("RunSignal", bytes, bytes.length)).toEqual({ ok: true, value: signal });
  });

  it("rejects a message over maxBytes as oversized, before decoding it", () => {
    const bytes = encode(signal);
    expect(decode("RunSignal", bytes, bytes.length - 1)).toEqual({
      ok: false,
      kind: "oversized",
      message: `message of ${bytes.length} bytes exceeds the limit of ${bytes.length - 1} bytes`,
    });
    // size is checked first: garbage that is too big is "oversized", not "malformed"
    expect(decode("RunSignal", Uint8Array.from([0x92, 0x01, 0x02, 0x03]), 2)).toMatchObject({
      ok: false,
      kind: "oversized",
    });
  });

  it("reports bytes that are not msgpack as malformed", () => {
    expect(decode("RunSignal", Uint8Array.from([0x92, 0x01]))).toEqual({
      ok: false,
      kind: "malformed",
      message: "not msgpack: Unexpected end of MessagePack data",
    });
    const json = new TextEncoder().encode(JSON.stringify(signal));
    const d = decode("RunSignal", json);
    expect(d.ok).toBe(false);
    if (!d.ok) {
      expect(d.kind).toBe("malformed");
      expect(d.message).toMatch(/^not msgpack: /);
    }
    expect(decode("RunSignal", new Uint8Array(0))).toMatchObject({ ok: false, kind: "malformed" });
  });

  it("reports a wrong shape as schema_invalid with a readable message", () => {
    expect(decode("RunSignal", encode({ v: 1, type: "run.signal", runId: "r1", signal: "stop" }))).toEqual({
      ok: false,
      kind: "schema_invalid",
      message:
        "not a valid RunSignal: / must have required property 'at'; /signal must be equal to one of the allowed values",
    });
    expect(decode("RunSignal", encode({ ...signal, runId: "a.b" }))).toEqual({
      ok: false,
      kind: "schema_invalid",
      message: 'not a valid RunSignal: /runId must match pattern "^[A-Za-z0-9_-]{1,64}$"',
    });
    expect(decode("LlmResult", encode({ ...llm, turn: 0 }))).toEqual({
      ok: false,
      kind: "schema_invalid",
      message: "not a valid LlmResult: /turn must be >= 1",
    });
    expect(decode("LlmResult", encode("just a string"))).toEqual({
      ok: false,
      kind: "schema_invalid",
      message: "not a valid LlmResult: / must be object",
    });
  });

  it("lists at most five problems", () => {
    const d = decode("RunSignal", encode({}));
    expect(d).toEqual({
      ok: false,
      kind: "schema_invalid",
      message:
        "not a valid RunSignal: / must have required property 'v'; / must have required property 'type'; / must have required property 'runId'; / must have required property 'signal'; / must have required property 'at'",
    });
    const cmd = decode("ToolCommand", encode({}));
    expect(cmd.ok).toBe(false);
    if (!cmd.ok) expect(cmd.message.split("; ")).toHaveLength(5);
  });

  it("rejects additional properties, at the top level and nested", () => {
    expect(decode("RunSignal", encode({ ...signal, extra: 1 }))).toEqual({
      ok: false,
      kind: "schema_invalid",
      message: "not a valid RunSignal: / must NOT have additional properties",
    });
    expect(decode("LlmResult", encode({ ...llm, usage: { inputTokens: 1, outputTokens: 2, cost: 3 } }))).toEqual({
      ok: false,
      kind: "schema_invalid",
      message: "not a valid LlmResult: /usage must NOT have additional properties",
    });
    expect(decode("RunSubmitted", encode({ ...submitted, agent: { ...submitted.agent, secret: "x" } }))).toMatchObject({
      ok: false,
      kind: "schema_invalid",
    });
  });

  it("requires v to be 1", () => {
    expect(decode("RunSignal", encode({ ...signal, v: 2 }))).toEqual({
      ok: false,
      kind: "schema_invalid",
      message: "not a valid RunSignal: /v must be equal to constant",
    });
    expect(decode("RunSignal", encode({ ...signal, v: "1" }))).toMatchObject({ ok: false, kind: "schema_invalid" });
    const { v: _v, ...noV } = signal;
    expect(decode("RunSignal", encode(noV))).toEqual({
      ok: false,
      kind: "schema_invalid",
      message: "not a valid RunSignal: / must have required property 'v'",
    });
  });

  it("does not coerce types", () => {
    const cmd: ToolCommand = {
      v: 1,
      type: "tool.command",
      runId: "r1",
      turn: 1,
      index: 0,
      callId: "c",
      tool: "x",
      arguments: "{}",
      idempotencyKey: "r1:1:0",
      historySeq: 3,
    };
    expect(decode("ToolCommand", encode(cmd))).toEqual({ ok: true, value: cmd });
    expect(decode("ToolCommand", encode({ ...cmd, turn: "1" }))).toEqual({
      ok: false,
      kind: "schema_invalid",
      message: "not a valid ToolCommand: /turn must be integer",
    });
    expect(decode("ToolCommand", encode({ ...cmd, index: 1.5 }))).toEqual({
      ok: false,
      kind: "schema_invalid",
      message: "not a valid ToolCommand: /index must be integer",
    });
  });
});

describe("validate", () => {
  it("validates plain values without msgpack", () => {
    expect(validate("SubmitRequest", { v: 1, task: "hi" })).toEqual({ ok: true, value: { v: 1, task: "hi" } });
    expect(validate("SubmitRequest", { v: 1, task: "" })).toEqual({
      ok: false,
      kind: "schema_invalid",
      message: "not a valid SubmitRequest: /task must NOT have fewer than 1 characters",
    });
  });

  it("reports an unknown schema name", () => {
    expect(validate("Nope" as never, {})).toEqual({
      ok: false,
      kind: "schema_invalid",
      message: "no schema named Nope",
    });
  });
});
