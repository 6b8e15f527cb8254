import { createHash } from "node:crypto";
import { describe, it, expect } from "vitest";
import {
  encode,
  validate,
  Subjects,
  type AgentSpec,
  type LlmResult,
  type RunEnded,
  type RunError,
  type RunSignal,
  type RunSubmitted,
  type ToolResult,
  messageSha256,
  type HistoryEntry,
} from "@cairn/protocol";
import { applyEntry, emptyRun, reduceRun, runStatus, type Applied, type RunState } from "./state.js";
import { decide, due, safeToolToken, toolIdempotencyKey, type Output } from "./decide.js";
import { buildModelRequest, canonicalJson, promptHash, toolResultText } from "./prompt.js";
import type { ModelRequest } from "./model.js";

const S = new Subjects("t");
const RUN = "r1";

/** Server time of stream sequence `seq`: one second apart, so times are distinguishable. */
function at(seq: number): string {
  return new Date(Date.UTC(2025, 0, 1, 0, 0, seq)).toISOString();
}

function entry(seq: number, subject: string, message: unknown, time = at(seq)): HistoryEntry {
  return { seq, subject, data: encode(message), time };
}

function rawEntry(seq: number, subject: string, bytes: number[]): HistoryEntry {
  return { seq, subject, data: Uint8Array.from(bytes), time: at(seq) };
}

const readFileSpec = {
  name: "read_file",
  description: "Reads a file.",
  inputSchema: { type: "object", properties: { path: { type: "string" } }, required: ["path"] },
};
const writeFileSpec = {
  name: "write_file",
  description: "Writes a file.",
  inputSchema: {
    type: "object",
    properties: { path: { type: "string" }, content: { type: "string" } },
    required: ["path", "content"],
  },
};

function agent(over: Partial<AgentSpec> = {}): AgentSpec {
  return {
    name: "default",
    provider: "scripted",
    model: "demo",
    systemPrompt: "Be careful.",
    tools: [writeFileSpec, readFileSpec],
    maxTurns: 5,
    ...over,
  };
}

function submitted(over: Partial<RunSubmitted> = {}): RunSubmitted {
  return {
    v: 1,
    type: "run.submitted",
    runId: RUN,
    task: "Write a.txt then read it",
    agent: agent(),
    submittedAt: "2024-12-31T23:59:59.000Z",
    ...over,
  };
}

function llm(turn: number, over: Partial<LlmResult> = {}): LlmResult {
  return { v: 1, type: "llm.result", runId: RUN, turn, ok: true, attempts: 1, ...over };
}

const CALLS_1 = [
  { id: "c1", name: "write_file", arguments: '{"path":"a.txt","content":"hi"}' },
  { id: "c2", name: "read_file", arguments: '{"path":"a.txt"}' },
];

function tool(turn: number, index: number, callId: string, name: string, over: Partial<ToolResult> = {}): ToolResult {
  return {
    v: 1,
    type: "tool.result",
    runId: RUN,
    turn,
    index,
    callId,
    tool: name,
    ok: true,
    output: "",
    attempts: 1,
    ...over,
  };
}

function signal(over: Partial<RunSignal> = {}): RunSignal {
  return { v: 1, type: "run.signal", runId: RUN, signal: "cancel", at: "2025-01-01T00:10:00.000Z", ...over };
}

/** The happy path: submit, one turn with two tool calls, final answer. (The ended event is what the planner decided.) */
function happyHistory(): HistoryEntry[] {
  return [
    entry(1, S.submitted(RUN), submitted()),
    entry(
      2,
      S.llmResult(RUN, 1),
      llm(1, {
        content: null,
        toolCalls: CALLS_1,
        finishReason: "tool_calls",
        usage: { inputTokens: 100, outputTokens: 20 },
      }),
    ),
    entry(3, S.toolResult(RUN, 1, 0, "write_file"), tool(1, 0, "c1", "write_file", { output: "wrote 2 bytes" })),
    entry(4, S.toolResult(RUN, 1, 1, "read_file"), tool(1, 1, "c2", "read_file", { output: "hi" })),
    entry(
      5,
      S.llmResult(RUN, 2),
      llm(2, { content: "Done: hi", finishReason: "stop", usage: { inputTokens: 150, outputTokens: 5 } }),
    ),
  ];
}

/** Folds entries one at a time as the planner does, deciding after each. */
function play(
  entries: HistoryEntry[],
  state: RunState = emptyRun(RUN),
): { state: RunState; applied: Applied[]; outputs: Output[][] } {
  const applied: Applied[] = [];
  const outputs: Output[][] = [];
  for (const e of entries) {
    const a = applyEntry(state, e, S);
    applied.push(a);
    outputs.push(decide(state, a, S));
  }
  return { state, applied, outputs };
}

function llmCommand(turn: number, historySeq: number): Output {
  return {
    type: "LlmCommand",
    subject: S.llmCommand(RUN, turn, "scripted"),
    message: { v: 1, type: "llm.command", runId: RUN, turn, historySeq },
  };
}

function ended(message: Omit<RunEnded, "v" | "type" | "runId">): Output {
  return { type: "RunEnded", subject: S.ended(RUN), message: { v: 1, type: "run.ended", runId: RUN, ...message } };
}

describe("reducer: happy path", () => {
  it("folds turns, usage and tool calls, and decides each step", () => {
    const { state, applied, outputs } = play(happyHistory());
    expect(applied.map((a) => a.kind)).toEqual(["submitted", "llm-result", "tool-result", "tool-result", "llm-result"]);
    expect(applied[2]).toEqual({ kind: "tool-result", seq: 3, time: at(3), turn: 1, index: 0 });
    expect(outputs).toEqual([
      [llmCommand(1, 1)],
      [
        {
          type: "ToolCommand",
          subject: "t.run.r1.cmd.tool.1.0.write_file",
          message: {
            v: 1,
            type: "tool.command",
            runId: RUN,
            turn: 1,
            index: 0,
            callId: "c1",
            tool: "write_file",
            arguments: CALLS_1[0]!.arguments,
            idempotencyKey: "r1:1:0",
            historySeq: 2,
          },
        },
        {
          type: "ToolCommand",
          subject: "t.run.r1.cmd.tool.1.1.read_file",
          message: {
            v: 1,
            type: "tool.command",
            runId: RUN,
            turn: 1,
            index: 1,
            callId: "c2",
            tool: "read_file",
            arguments: CALLS_1[1]!.arguments,
            idempotencyKey: "r1:1:1",
            historySeq: 2,
          },
        },
      ],
      [],
      [llmCommand(2, 4)],
      [
        ended({
          status: "completed",
          answer: "Done: hi",
          turns: 2,
          usage: { inputTokens: 250, outputTokens: 25 },
          endedAt: at(5),
        }),
      ],
    ]);
    // every decided message is valid on the wire
    for (const o of outputs.flat()) expect(validate(o.type, o.message)).toMatchObject({ ok: true });

    expect(
      state.turns.map((t) => ({
        turn: t.turn,
        llmSeq: t.llmSeq,
        resultCount: t.resultCount,
        results: t.results.map((r) => r?.output),
      })),
    ).toEqual([
      { turn: 1, llmSeq: 2, resultCount: 2, results: ["wrote 2 bytes", "hi"] },
      { turn: 2, llmSeq: 5, resultCount: 0, results: [] },
    ]);
    expect(state.usage).toEqual({ inputTokens: 250, outputTokens: 25 });
    expect(state.toolCalls).toBe(2);
    expect(state.lastSeq).toBe(5);
    expect(state.errors).toEqual([]);
    expect(state.ended).toBeUndefined();
  });

  it("runStatus follows the run: waiting for the model, then the tools, then ended", () => {
    const h = happyHistory();
    const st = emptyRun(RUN);
    applyEntry(st, h[0]!, S);
    expect(runStatus(st)).toEqual({
      v: 1,
      runId: RUN,
      status: "running",
      task: "Write a.txt then read it",
      agent: "default",
      turn: 0,
      toolCalls: 0,
      waitingFor: ["llm turn 1"],
      waitingOn: [{ kind: "llm", name: st.submitted!.agent.provider }],
      usage: { inputTokens: 0, outputTokens: 0 },
      errors: 0,
      submittedAt: "2024-12-31T23:59:59.000Z",
      lastSeq: 1,
    });
    applyEntry(st, h[1]!, S);
    expect(runStatus(st).waitingFor).toEqual(["tool write_file (turn 1, call 0)", "tool read_file (turn 1, call 1)"]);
    expect(runStatus(st).waitingOn).toEqual([
      { kind: "tool", name: "write_file" },
      { kind: "tool", name: "read_file" },
    ]);
    applyEntry(st, h[2]!, S);
    expect(runStatus(st).waitingFor).toEqual(["tool read_file (turn 1, call 1)"]);
    expect(runStatus(st).waitingOn).toEqual([{ kind: "tool", name: "read_file" }]);
    applyEntry(st, h[3]!, S);
    expect(runStatus(st).waitingFor).toEqual(["llm turn 2"]);
    applyEntry(st, h[4]!, S);
    // final answer recorded, end not yet: nothing named to wait for
    expect(runStatus(st)).not.toHaveProperty("waitingFor");
    expect(runStatus(st)).not.toHaveProperty("waitingOn");
    expect(runStatus(st).status).toBe("running");

    const end = decide(st, { kind: "llm-result", seq: 5, time: at(5), turn: 2 }, S)[0]!;
    applyEntry(st, entry(6, end.subject, end.message), S);
    expect(runStatus(st)).toEqual({
      v: 1,
      runId: RUN,
      status: "completed",
      task: "Write a.txt then read it",
      agent: "default",
      turn: 2,
      toolCalls: 2,
      answer: "Done: hi",
      usage: { inputTokens: 250, outputTokens: 25 },
      errors: 0,
      submittedAt: "2024-12-31T23:59:59.000Z",
      endedAt: at(5),
      lastSeq: 6,
    });
  });

  it("reduceRun folds a whole history, commands in the log included (ignored)", () => {
    const h = happyHistory();
    const withCommands = [
      h[0]!,
      entry(2, S.llmCommand(RUN, 1, "scripted"), { v: 1, type: "llm.command", runId: RUN, turn: 1, historySeq: 1 }),
      ...h.slice(1).map((e) => ({ ...e, seq: e.seq + 1 })),
    ];
    const st = reduceRun(RUN, withCommands, S);
    expect(st.turns).toHaveLength(2);
    expect(st.lastSeq).toBe(6);
    expect(st.usage).toEqual({ inputTokens: 250, outputTokens: 25 });
    const ignored = applyEntry(emptyRun(RUN), withCommands[1]!, S);
    expect(ignored).toEqual({
      kind: "ignored",
      seq: 2,
      time: at(2),
      reason: "not an event subject: t.run.r1.cmd.llm.1.scripted",
    });
  });
});

describe("reducer: repeats, order and corruption", () => {
  it("ignores a duplicate llm result for a turn already folded", () => {
    const h = happyHistory();
    const { state } = play(h.slice(0, 2));
    const a = applyEntry(
      state,
      entry(3, S.llmResult(RUN, 1), llm(1, { content: "other", usage: { inputTokens: 9, outputTokens: 9 } })),
      S,
    );
    expect(a).toEqual({ kind: "ignored", seq: 3, time: at(3), reason: "duplicate llm result" });
    expect(decide(state, a, S)).toEqual([]);
    expect(state.turns).toHaveLength(1);
    expect(state.turns[0]!.llm.toolCalls).toEqual(CALLS_1);
    expect(state.usage).toEqual({ inputTokens: 100, outputTokens: 20 });
    expect(state.toolCalls).toBe(2);
  });

  it("rejects a model response the run has not asked for: a later turn, or the next turn while calls are pending", () => {
    const { state } = play(happyHistory().slice(0, 2));
    const a = applyEntry(
      state,
      entry(3, S.llmResult(RUN, 3), llm(3, { content: "skip", usage: { inputTokens: 1, outputTokens: 1 } })),
      S,
    );
    expect(a).toEqual({
      kind: "rejected",
      seq: 3,
      time: at(3),
      reason: "model response for turn 3, which the run has not asked for",
    });
    // turn 2 while turn 1's calls have no results: the forged answer would end the run
    expect(
      applyEntry(state, entry(4, S.llmResult(RUN, 2), llm(2, { content: "FORGED: invoice paid" })), S),
    ).toMatchObject({ kind: "rejected", reason: "model response for turn 2, which the run has not asked for" });
    expect(state.turns).toHaveLength(1);
    expect(state.usage).toEqual({ inputTokens: 100, outputTokens: 20 });
    const fresh = play([entry(1, S.submitted(RUN), submitted())]).state;
    expect(applyEntry(fresh, entry(2, S.llmResult(RUN, 2), llm(2, { content: "x" })), S)).toMatchObject({
      kind: "rejected",
    });
    expect(fresh.turns).toEqual([]);
  });

  it("rejects a second result for a call (the legacy subject form) and one for a call the model did not make", () => {
    const { state } = play(happyHistory().slice(0, 3));
    expect(
      applyEntry(state, entry(4, "t.run.r1.evt.tool.1.0", tool(1, 0, "c1", "write_file", { output: "again" })), S),
    ).toEqual({
      kind: "rejected",
      seq: 4,
      time: at(4),
      reason: "a result for this call is already recorded",
    });
    expect(applyEntry(state, entry(5, S.toolResult(RUN, 1, 2, "read_file"), tool(1, 2, "c3", "read_file")), S)).toEqual(
      {
        kind: "rejected",
        seq: 5,
        time: at(5),
        reason: "tool result for call 2 of turn 1, which the model did not ask for",
      },
    );
    expect(state.turns[0]!.results.map((r) => r?.output)).toEqual(["wrote 2 bytes", undefined]);
    expect(state.turns[0]!.resultCount).toBe(1);
  });

  it("rejects an unreadable or schema-invalid model response (never folded as a turn); the run then fails: turn 1's subject is taken", () => {
    const { state, applied, outputs } = play([
      entry(1, S.submitted(RUN), submitted()),
      rawEntry(2, S.llmResult(RUN, 1), [0x92, 0x01]),
    ]);
    expect(applied[1]).toMatchObject({
      kind: "rejected",
      reason: expect.stringMatching(/^unreadable model response \(malformed: not msgpack/) as string,
    });
    expect(state.turns).toEqual([]);
    expect(outputs[1]![0]).toMatchObject({
      type: "RunEnded",
      message: { status: "failed", reason: "result_slot_taken" },
    });
    const bad = { ...llm(1, { toolCalls: CALLS_1, usage: { inputTokens: 5, outputTokens: 5 } }), unexpected: true };
    const b = play([entry(1, S.submitted(RUN), submitted()), entry(2, S.llmResult(RUN, 1), bad)]);
    expect(b.applied[1]).toMatchObject({ kind: "rejected", reason: expect.stringMatching(/schema_invalid/) as string });
    expect(b.state.toolCalls).toBe(0);
    expect(b.state.usage).toEqual({ inputTokens: 0, outputTokens: 0 });
  });

  it("rejects an unreadable tool result: never folded as the call's result (a reflected or corrupt message is not the tool's answer)", () => {
    const h = happyHistory();
    const { state, applied, outputs } = play([
      h[0]!,
      h[1]!,
      h[2]!,
      entry(4, S.toolResult(RUN, 1, 1, "read_file"), { v: 1, type: "tool.result", runId: RUN }),
    ]);
    expect(applied[3]).toMatchObject({ kind: "rejected", seq: 4, time: at(4), invalid: { kind: "schema_invalid" } });
    expect(state.turns[0]!.results[1]).toBeUndefined();
    expect(outputs[3]![0]).toMatchObject({ type: "RunEnded", message: { reason: "result_slot_taken" } });
    const m = play([h[0]!, h[1]!, rawEntry(3, S.toolResult(RUN, 1, 0, "write_file"), [0xd9])]);
    expect(m.applied[2]).toMatchObject({
      kind: "rejected",
      reason: expect.stringMatching(/^unreadable tool result \(malformed/) as string,
    });
  });

  it("rejects a message that carries JetStream's own headers: a response reflected onto the subject, whatever its bytes", () => {
    const h = happyHistory();
    const reflected = {
      ...entry(3, S.toolResult(RUN, 1, 0, "write_file"), tool(1, 0, "c1", "write_file", { output: "reflected" })),
      reflected: true,
    };
    const { state, applied } = play([h[0]!, h[1]!, reflected]);
    expect(applied[2]).toMatchObject({
      kind: "rejected",
      reason: "a JetStream response reflected onto this subject, not a writer's message",
    });
    expect(state.turns[0]!.results[0]).toBeUndefined();
  });

  it("rejects a tool result written before the model asked for it; the call's result subject is then taken, and the run fails saying so", () => {
    const forged = tool(1, 0, "c1", "write_file", { output: "forged output" });
    const { state, applied, outputs } = play([
      entry(1, S.submitted(RUN), submitted()),
      entry(2, S.toolResult(RUN, 1, 0, "write_file"), forged),
      entry(3, S.llmResult(RUN, 1), llm(1, { toolCalls: CALLS_1 })),
    ]);
    expect(applied[1]).toEqual({
      kind: "rejected",
      seq: 2,
      time: at(2),
      reason: "tool result for turn 1, which no model response has asked for",
    });
    expect(outputs[1]).toEqual([]);
    expect(state.rejected).toEqual([
      {
        seq: 2,
        subject: S.toolResult(RUN, 1, 0, "write_file"),
        reason: "tool result for turn 1, which no model response has asked for",
      },
    ]);
    // never folded: the call has no result, and its result can never be recorded on that subject
    expect(state.turns[0]!.results[0]).toBeUndefined();
    expect(outputs[2]).toHaveLength(1);
    expect(outputs[2]![0]).toMatchObject({
      type: "RunEnded",
      message: { status: "failed", reason: "result_slot_taken" },
    });
    expect((outputs[2]![0]!.message as { error: { message: string } }).error.message).toMatch(
      /call 0 \(write_file\) of turn 1 .* no model response has asked for/,
    );
  });

  it("a forged early result on another tool's subject takes no call's subject: the run goes on", () => {
    const { state, applied, outputs } = play([
      entry(1, S.submitted(RUN), submitted()),
      entry(2, S.toolResult(RUN, 1, 0, "evil"), tool(1, 0, "c1", "evil")),
      entry(3, S.llmResult(RUN, 1), llm(1, { toolCalls: CALLS_1 })),
    ]);
    expect(applied[1]!.kind).toBe("rejected");
    expect(state.turns[0]!.resultCount).toBe(0);
    expect(outputs[2]!.map((o) => o.subject)).toEqual([
      "t.run.r1.cmd.tool.1.0.write_file",
      "t.run.r1.cmd.tool.1.1.read_file",
    ]);
  });

  it.each([
    [
      "another call id",
      S.toolResult(RUN, 1, 0, "write_file"),
      tool(1, 0, "c9", "write_file"),
      "tool result whose call id differs from the call it is recorded for",
    ],
    [
      "another tool in the body",
      S.toolResult(RUN, 1, 0, "write_file"),
      tool(1, 0, "c1", "read_file"),
      "tool result whose tool differs from the call it is recorded for",
    ],
    [
      "another tool in the subject",
      S.toolResult(RUN, 1, 0, "read_file"),
      tool(1, 0, "c1", "write_file"),
      `tool result of "read_file" for a call to "write_file"`,
    ],
    [
      "another turn in the body",
      S.toolResult(RUN, 1, 0, "write_file"),
      tool(2, 0, "c1", "write_file"),
      "tool result whose turn/index differs from the call it is recorded for",
    ],
    [
      "another run in the body",
      S.toolResult(RUN, 1, 0, "write_file"),
      { ...tool(1, 0, "c1", "write_file"), runId: "r2" },
      "tool result whose run differs from the call it is recorded for",
    ],
    [
      "a call the model did not make",
      S.toolResult(RUN, 1, 5, "write_file"),
      tool(1, 5, "c1", "write_file"),
      "tool result for call 5 of turn 1, which the model did not ask for",
    ],
  ])("rejects a result with %s, never folded", (_what, subject, message, reason) => {
    const h = happyHistory();
    const { state, applied, outputs } = play([h[0]!, h[1]!, entry(3, subject, message)]);
    expect(applied[2]).toEqual({ kind: "rejected", seq: 3, time: at(3), reason });
    expect(state.turns[0]!.resultCount).toBe(0);
    // the honest result, on the call's own subject, is still folded
    if (subject !== S.toolResult(RUN, 1, 0, "write_file")) {
      expect(
        applyEntry(
          state,
          entry(4, S.toolResult(RUN, 1, 0, "write_file"), tool(1, 0, "c1", "write_file", { output: "ok" })),
          S,
        ),
      ).toMatchObject({ kind: "tool-result", turn: 1, index: 0 });
    } else {
      expect(outputs[2]![0]).toMatchObject({ type: "RunEnded", message: { reason: "result_slot_taken" } });
    }
  });

  it("folds a runner's invalid_command failure, which names no call id, for the call on its subject", () => {
    const h = happyHistory();
    const unread = tool(1, 0, "", "write_file", {
      ok: false,
      output: undefined,
      error: { kind: "invalid_command", message: "schema_invalid: /turn must be integer" },
    });
    const { state, applied } = play([h[0]!, h[1]!, entry(3, S.toolResult(RUN, 1, 0, "write_file"), unread)]);
    expect(applied[2]).toMatchObject({ kind: "tool-result", turn: 1, index: 0 });
    expect(state.turns[0]!.results[0]).toMatchObject({ ok: false, error: { kind: "invalid_command" } });
    // not a success with no call id
    const { applied: a2 } = play([
      h[0]!,
      h[1]!,
      entry(3, S.toolResult(RUN, 1, 0, "write_file"), { ...unread, ok: true, output: "x", error: undefined }),
    ]);
    expect(a2[2]).toMatchObject({
      kind: "rejected",
      reason: "tool result whose call id differs from the call it is recorded for",
    });
  });

  it("holds results written before the submission and rejects them at it (a run id can be known before it is submitted)", () => {
    const { state, applied, outputs } = play([
      entry(
        1,
        S.llmResult(RUN, 1),
        llm(1, { toolCalls: [{ id: "x", name: "write_file", arguments: '{"path":"pwn","content":"x"}' }] }),
      ),
      entry(2, S.submitted(RUN), submitted()),
    ]);
    expect(applied[0]).toMatchObject({
      kind: "ignored",
      reason: expect.stringMatching(/^before the run's submission: held/) as string,
    });
    expect(state.turns).toEqual([]);
    expect(state.rejected.map((r) => r.seq)).toEqual([1]);
    // it took model turn 1's subject: the run ends saying so (the model's real answer could never be recorded)
    expect(outputs[1]).toHaveLength(1);
    expect(outputs[1]![0]).toMatchObject({
      type: "RunEnded",
      message: { status: "failed", reason: "result_slot_taken" },
    });
    expect((outputs[1]![0]!.message as { error: { message: string } }).error.message).toMatch(
      /^the result subject of model turn 1 holds a message the run rejected \(written before the run's submission\)/,
    );
    // one on a turn the run has not reached takes nothing yet
    const later = play([entry(1, S.llmResult(RUN, 3), llm(3)), entry(2, S.submitted(RUN), submitted())]);
    expect(later.outputs[1]).toEqual([llmCommand(1, 2)]);
  });

  it("folds a fork's copied prefix written before its submission only when the submission declares it (subject and hash)", () => {
    const copied = entry(1, S.llmResult(RUN, 1), llm(1, { content: "copied", toolCalls: CALLS_1 }));
    const smuggled = entry(
      2,
      S.toolResult(RUN, 1, 0, "write_file"),
      tool(1, 0, "c1", "write_file", { output: "smuggled" }),
    );
    const forkedFrom = {
      runId: "r0",
      step: 1,
      seq: 9,
      prefix: [{ subject: copied.subject, sha256: messageSha256(copied.data) }],
    };
    const { state, outputs } = play([copied, smuggled, entry(3, S.submitted(RUN), submitted({ forkedFrom }))]);
    expect(state.turns[0]!.llm.content).toBe("copied");
    expect(state.rejected.map((r) => r.seq)).toEqual([2]);
    // the smuggled result took call 0's subject: the fork fails saying so instead of waiting forever
    expect(outputs[2]![0]).toMatchObject({ type: "RunEnded", message: { reason: "result_slot_taken" } });
    // a prefix message whose bytes differ from the declared hash is rejected too
    const tampered = { ...copied, data: encode(llm(1, { content: "tampered", toolCalls: CALLS_1 })) };
    const t = play([tampered, entry(3, S.submitted(RUN), submitted({ forkedFrom }))]);
    expect(t.state.turns).toEqual([]);
    expect(t.state.rejected.map((r) => r.seq)).toEqual([1]);
  });

  it("a fork recorded before forks declared their prefix takes everything written before its submission", () => {
    const copied = entry(1, S.llmResult(RUN, 1), llm(1, { content: "copied", toolCalls: CALLS_1 }));
    const { state } = play([
      copied,
      entry(2, S.submitted(RUN), submitted({ forkedFrom: { runId: "r0", step: 1, seq: 9 } })),
    ]);
    expect(state.turns[0]!.llm.content).toBe("copied");
    expect(state.rejected).toEqual([]);
  });

  it("ignores everything but error records after the run ended", () => {
    const h = happyHistory();
    const { state } = play(h);
    applyEntry(
      state,
      entry(6, S.ended(RUN), {
        v: 1,
        type: "run.ended",
        runId: RUN,
        status: "completed",
        answer: "Done: hi",
        turns: 2,
        usage: { inputTokens: 250, outputTokens: 25 },
        endedAt: at(5),
      }),
      S,
    );
    const after = [
      entry(7, S.llmResult(RUN, 3), llm(3, { content: "late", usage: { inputTokens: 1, outputTokens: 1 } })),
      entry(8, S.toolResult(RUN, 2, 0, "read_file"), tool(2, 0, "x", "read_file")),
      entry(9, S.signal(RUN, "cancel"), signal()),
      entry(10, S.submitted(RUN), submitted({ task: "again" })),
    ];
    for (const e of after) {
      const a = applyEntry(state, e, S);
      expect(a).toEqual({ kind: "ignored", seq: e.seq, time: e.time, reason: "run already ended" });
      expect(decide(state, a, S)).toEqual([]);
    }
    const err: RunError = {
      v: 1,
      type: "run.error",
      runId: RUN,
      service: "planner",
      subject: "t.run.r1.evt.llm.3",
      seq: 7,
      error: { kind: "schema_invalid", message: "x" },
      at: at(11),
    };
    const a = applyEntry(state, entry(11, S.error(RUN, "s7"), err), S);
    expect(a).toEqual({ kind: "error", seq: 11, time: at(11) });
    expect(decide(state, a, S)).toEqual([]);
    expect(state.errors).toEqual([err]);
    expect(state.turns).toHaveLength(2);
    expect(state.usage).toEqual({ inputTokens: 250, outputTokens: 25 });
    expect(state.cancel).toBeUndefined();
    expect(state.submitted?.task).toBe("Write a.txt then read it");
    expect(state.lastSeq).toBe(11);
    expect(runStatus(state)).toMatchObject({ status: "completed", errors: 1, lastSeq: 11 });
    expect(runStatus(state).retries).toBeUndefined();
    // a retry notice (an error record with retryAt) decides nothing and counts as a retry, not a problem
    const notice: RunError = { ...err, subject: "t.run.r1.cmd.llm.3.p", attempt: 1, retryAt: at(13) };
    const r = applyEntry(state, entry(12, S.error(RUN, "s7-1"), notice), S);
    expect(r).toEqual({ kind: "error", seq: 12, time: at(12) });
    expect(decide(state, r, S)).toEqual([]);
    expect(state.errors).toEqual([err]);
    expect(runStatus(state)).toMatchObject({ errors: 1, retries: 1, lastSeq: 12 });
    // nothing is due once ended
    expect(due(state, 12, at(12), S)).toEqual([]);
  });

  it("ignores entries at or below lastSeq", () => {
    const h = happyHistory();
    const { state } = play(h.slice(0, 3));
    const before = structuredClone({ turns: state.turns, usage: state.usage, toolCalls: state.toolCalls });
    // the same entry again, and a new-looking entry with an old sequence
    expect(applyEntry(state, h[2]!, S)).toEqual({ kind: "ignored", seq: 3, time: at(3), reason: "already folded" });
    expect(
      applyEntry(
        state,
        entry(2, S.toolResult(RUN, 1, 1, "read_file"), tool(1, 1, "c2", "read_file", { output: "sneaky" })),
        S,
      ),
    ).toEqual({
      kind: "ignored",
      seq: 2,
      time: at(2),
      reason: "already folded",
    });
    expect(state.lastSeq).toBe(3);
    expect({ turns: state.turns, usage: state.usage, toolCalls: state.toolCalls }).toEqual(before);
    expect(state.turns[0]!.results[1]).toBeUndefined();
  });

  it("ignores another run's entries", () => {
    const st = emptyRun(RUN);
    expect(applyEntry(st, entry(1, S.submitted("r2"), submitted({ runId: "r2" })), S)).toEqual({
      kind: "ignored",
      seq: 1,
      time: at(1),
      reason: "not this run",
    });
    expect(applyEntry(st, entry(2, "elsewhere.run.r1.evt.submitted", submitted()), S)).toEqual({
      kind: "ignored",
      seq: 2,
      time: at(2),
      reason: "not this run",
    });
    expect(st.submitted).toBeUndefined();
  });

  it("rejects a corrupt signal; folds a corrupt end as a failed end", () => {
    const { state, applied } = play([
      entry(1, S.submitted(RUN), submitted()),
      rawEntry(2, S.signal(RUN, "cancel"), [0x92, 0x01]),
    ]);
    expect(applied[1]).toMatchObject({
      kind: "rejected",
      seq: 2,
      time: at(2),
      invalid: { kind: "malformed", message: "not msgpack: Unexpected end of MessagePack data" },
    });
    expect(state.cancel).toBeUndefined();
    applyEntry(state, rawEntry(3, S.ended(RUN), [0xc1]), S);
    expect(state.ended).toEqual({
      v: 1,
      type: "run.ended",
      runId: RUN,
      status: "failed",
      reason: "corrupt end event",
      turns: 0,
      usage: { inputTokens: 0, outputTokens: 0 },
      endedAt: at(3),
    });
    expect(runStatus(state)).toMatchObject({ status: "failed", reason: "corrupt end event", endedAt: at(3) });
  });
});

describe("decide", () => {
  it("submitted → the llm command for turn 1, with historySeq = the submission's seq", () => {
    const st = emptyRun(RUN);
    const a = applyEntry(st, entry(7, S.submitted(RUN), submitted()), S);
    expect(a).toEqual({ kind: "submitted", seq: 7, time: at(7) });
    expect(decide(st, a, S)).toEqual([llmCommand(1, 7)]);
  });

  it("a duplicate submission decides nothing", () => {
    const { outputs } = play([
      entry(1, S.submitted(RUN), submitted()),
      entry(2, S.submitted(RUN), submitted({ task: "other" })),
    ]);
    expect(outputs[1]).toEqual([]);
  });

  it("an llm result with tool calls → one tool command per call; a tool the agent lacks is answered by the planner with an error", () => {
    const calls = [
      { id: "a", name: "read_file", arguments: "{}" },
      { id: "b", name: "rm -rf /", arguments: "not json" },
    ];
    const { outputs } = play([
      entry(1, S.submitted(RUN), submitted()),
      entry(2, S.llmResult(RUN, 1), llm(1, { toolCalls: calls })),
    ]);
    expect(outputs[1]).toEqual([
      {
        type: "ToolCommand",
        subject: "t.run.r1.cmd.tool.1.0.read_file",
        message: {
          v: 1,
          type: "tool.command",
          runId: RUN,
          turn: 1,
          index: 0,
          callId: "a",
          tool: "read_file",
          arguments: "{}",
          idempotencyKey: "r1:1:0",
          historySeq: 2,
        },
      },
      {
        type: "ToolResult",
        subject: "t.run.r1.evt.tool.1.1._invalid",
        message: {
          v: 1,
          type: "tool.result",
          runId: RUN,
          turn: 1,
          index: 1,
          callId: "b",
          tool: "rm -rf /",
          ok: false,
          attempts: 1,
          idempotencyKey: "r1:1:1",
          error: { kind: "unknown_tool", message: 'no tool named "rm -rf /"; available: write_file, read_file' },
        },
      },
    ]);
  });

  it("idempotency keys are <runId>:<turn>:<index>", () => {
    expect(toolIdempotencyKey("run-x", 12, 3)).toBe("run-x:12:3");
  });

  it("safeToolToken keeps safe names of up to 64 characters", () => {
    expect(safeToolToken("read_file")).toBe("read_file");
    expect(safeToolToken("a".repeat(64))).toBe("a".repeat(64));
    expect(safeToolToken("a".repeat(65))).toBe("_invalid");
    expect(safeToolToken("")).toBe("_invalid");
    expect(safeToolToken("a.b")).toBe("_invalid");
    expect(safeToolToken("*")).toBe("_invalid");
    expect(safeToolToken(">")).toBe("_invalid");
  });

  it("partial fan-in decides nothing; the last result brings the next model turn", () => {
    const h = happyHistory();
    // results arrive in reverse call order
    const { outputs } = play([
      h[0]!,
      h[1]!,
      entry(3, S.toolResult(RUN, 1, 1, "read_file"), tool(1, 1, "c2", "read_file", { output: "hi" })),
      entry(4, S.toolResult(RUN, 1, 0, "write_file"), tool(1, 0, "c1", "write_file", { output: "ok" })),
    ]);
    expect(outputs[2]).toEqual([]);
    expect(outputs[3]).toEqual([llmCommand(2, 4)]);
  });

  it("a final answer ends the run completed, with the answer and endedAt = the entry's time", () => {
    const { outputs } = play([
      entry(1, S.submitted(RUN), submitted()),
      entry(
        2,
        S.llmResult(RUN, 1),
        llm(1, { content: "42", usage: { inputTokens: 3, outputTokens: 4 } }),
        "2030-05-06T07:08:09.123Z",
      ),
    ]);
    expect(outputs[1]).toEqual([
      ended({
        status: "completed",
        answer: "42",
        turns: 1,
        usage: { inputTokens: 3, outputTokens: 4 },
        endedAt: "2030-05-06T07:08:09.123Z",
      }),
    ]);
  });

  it("a final answer with null content ends with an empty answer", () => {
    const { outputs } = play([
      entry(1, S.submitted(RUN), submitted()),
      entry(2, S.llmResult(RUN, 1), llm(1, { content: null, toolCalls: [] })),
    ]);
    expect(outputs[1]).toEqual([
      ended({ status: "completed", answer: "", turns: 1, usage: { inputTokens: 0, outputTokens: 0 }, endedAt: at(2) }),
    ]);
  });

  it("a failed llm result ends the run failed with llm_failed and the recorded error", () => {
    const error = { kind: "rate_limited", message: "429 Too Many Requests", retryable: true };
    const { outputs } = play([
      entry(1, S.submitted(RUN), submitted()),
      entry(2, S.llmResult(RUN, 1), llm(1, { ok: false, attempts: 3, error })),
    ]);
    expect(outputs[1]).toEqual([
      ended({
        status: "failed",
        reason: "llm_failed",
        error,
        turns: 1,
        usage: { inputTokens: 0, outputTokens: 0 },
        endedAt: at(2),
      }),
    ]);
    // without an error recorded, a generic one
    const bare = play([entry(1, S.submitted(RUN), submitted()), entry(2, S.llmResult(RUN, 1), llm(1, { ok: false }))]);
    expect(bare.outputs[1]).toEqual([
      ended({
        status: "failed",
        reason: "llm_failed",
        error: { kind: "llm_failed", message: "the model call failed" },
        turns: 1,
        usage: { inputTokens: 0, outputTokens: 0 },
        endedAt: at(2),
      }),
    ]);
  });

  it("a model still asking for tools at maxTurns ends the run failed with max_turns_exceeded", () => {
    const calls = [{ id: "x", name: "read_file", arguments: "{}" }];
    const { outputs } = play([
      entry(1, S.submitted(RUN), submitted({ agent: agent({ maxTurns: 2 }) })),
      entry(2, S.llmResult(RUN, 1), llm(1, { toolCalls: calls, usage: { inputTokens: 10, outputTokens: 1 } })),
      entry(3, S.toolResult(RUN, 1, 0, "read_file"), tool(1, 0, "x", "read_file")),
      entry(4, S.llmResult(RUN, 2), llm(2, { toolCalls: calls, usage: { inputTokens: 20, outputTokens: 2 } })),
    ]);
    expect(outputs[3]).toEqual([
      ended({
        status: "failed",
        reason: "max_turns_exceeded",
        error: { kind: "max_turns_exceeded", message: "the model still asked for tools after maxTurns=2 turns" },
        turns: 2,
        usage: { inputTokens: 30, outputTokens: 3 },
        endedAt: at(4),
      }),
    ]);
  });

  it("maxTurns allows a final answer on the last turn", () => {
    const calls = [{ id: "x", name: "read_file", arguments: "{}" }];
    const { outputs } = play([
      entry(1, S.submitted(RUN), submitted({ agent: agent({ maxTurns: 2 }) })),
      entry(2, S.llmResult(RUN, 1), llm(1, { toolCalls: calls })),
      entry(3, S.toolResult(RUN, 1, 0, "read_file"), tool(1, 0, "x", "read_file")),
      entry(4, S.llmResult(RUN, 2), llm(2, { content: "fine" })),
    ]);
    expect(outputs[3]).toEqual([
      ended({
        status: "completed",
        answer: "fine",
        turns: 2,
        usage: { inputTokens: 0, outputTokens: 0 },
        endedAt: at(4),
      }),
    ]);
  });

  it("cancel ends the run cancelled, with the signal's reason or 'cancelled'", () => {
    const h = happyHistory();
    const withReason = play([h[0]!, h[1]!, entry(3, S.signal(RUN, "cancel"), signal({ reason: "user changed mind" }))]);
    expect(withReason.applied[2]).toEqual({ kind: "cancel", seq: 3, time: at(3) });
    expect(withReason.outputs[2]).toEqual([
      ended({
        status: "cancelled",
        reason: "user changed mind",
        turns: 1,
        usage: { inputTokens: 100, outputTokens: 20 },
        endedAt: at(3),
      }),
    ]);
    const noReason = play([h[0]!, entry(2, S.signal(RUN, "cancel"), signal())]);
    expect(noReason.outputs[1]).toEqual([
      ended({
        status: "cancelled",
        reason: "cancelled",
        turns: 0,
        usage: { inputTokens: 0, outputTokens: 0 },
        endedAt: at(2),
      }),
    ]);
    // a second cancel signal is ignored
    expect(applyEntry(noReason.state, entry(3, S.signal(RUN, "cancel2"), signal({ reason: "again" })), S)).toEqual({
      kind: "ignored",
      seq: 3,
      time: at(3),
      reason: "signal already seen",
    });
    expect(noReason.state.cancel?.reason).toBeUndefined();
  });

  it("a pending cancel wins over a tool result completing the fan-in", () => {
    const h = happyHistory();
    const { outputs } = play([
      h[0]!,
      h[1]!,
      h[2]!,
      entry(4, S.signal(RUN, "cancel"), signal({ reason: "stop" })),
      entry(5, S.toolResult(RUN, 1, 1, "read_file"), tool(1, 1, "c2", "read_file")),
    ]);
    expect(outputs[3]).toEqual([
      ended({
        status: "cancelled",
        reason: "stop",
        turns: 1,
        usage: { inputTokens: 100, outputTokens: 20 },
        endedAt: at(4),
      }),
    ]);
    expect(outputs[4]).toEqual([
      ended({
        status: "cancelled",
        reason: "stop",
        turns: 1,
        usage: { inputTokens: 100, outputTokens: 20 },
        endedAt: at(5),
      }),
    ]);
  });

  it("an invalid submission ends the run failed with invalid_submission", () => {
    const { state, outputs } = play([entry(1, S.submitted(RUN), { ...submitted(), task: "" })]);
    const message = "schema_invalid: not a valid RunSubmitted: /task must NOT have fewer than 1 characters";
    expect(state.invalidSubmission).toBe(message);
    expect(state.submitted).toBeUndefined();
    expect(state.submittedAt).toBe(at(1));
    expect(outputs[0]).toEqual([
      ended({
        status: "failed",
        reason: "invalid_submission",
        error: { kind: "invalid_submission", message },
        turns: 0,
        usage: { inputTokens: 0, outputTokens: 0 },
        endedAt: at(1),
      }),
    ]);
    expect(runStatus(state)).toMatchObject({ status: "running", task: "", agent: "", submittedAt: at(1) });
  });

  it("a submission naming another run is invalid", () => {
    const { state, outputs } = play([entry(1, S.submitted(RUN), submitted({ runId: "r2" }))]);
    expect(state.invalidSubmission).toBe("runId in the message does not match its subject");
    expect(outputs[0]![0]!.message).toMatchObject({ status: "failed", reason: "invalid_submission" });
  });

  it("events before a submission decide nothing", () => {
    const st = emptyRun(RUN);
    const a = applyEntry(st, entry(1, S.toolResult(RUN, 1, 0, "read_file"), tool(1, 0, "c", "read_file")), S);
    expect(decide(st, a, S)).toEqual([]);
    expect(due(st, 1, at(1), S)).toEqual([]);
  });

  it("is deterministic: the same history folds and decides to deep-equal outputs", () => {
    const h = happyHistory();
    const messy: HistoryEntry[] = [
      h[0]!,
      // (a forged early result on the legacy subject: rejected, and it takes no call's subject)
      entry(2, "t.run.r1.evt.tool.1.1", tool(1, 1, "c2", "read_file", { output: "early" })),
      entry(3, S.llmResult(RUN, 1), llm(1, { toolCalls: CALLS_1, usage: { inputTokens: 7, outputTokens: 8 } })),
      entry(4, S.llmResult(RUN, 1), llm(1, { content: "dup" })),
      rawEntry(5, S.toolResult(RUN, 1, 0, "write_file"), [0x92]),
      rawEntry(6, S.error(RUN, "s5"), [0xc1]),
      entry(7, S.llmResult(RUN, 2), llm(2, { toolCalls: [{ id: "z", name: "bad name", arguments: "{" }] })),
      entry(8, S.signal(RUN, "cancel"), signal({ reason: "r" })),
    ];
    const a = play(messy.map((e) => ({ ...e, data: e.data.slice() })));
    const b = play(messy.map((e) => ({ ...e, data: e.data.slice() })));
    expect(b.outputs).toEqual(a.outputs);
    expect(b.applied).toEqual(a.applied);
    expect(b.state).toEqual(a.state);
    expect(reduceRun(RUN, messy, S)).toEqual(a.state);
    expect(runStatus(reduceRun(RUN, messy, S))).toEqual(runStatus(a.state));
    // and the outputs are what this history calls for
    expect(a.outputs.map((o) => o.map((x) => x.subject))).toEqual([
      ["t.run.r1.cmd.llm.1.scripted"],
      [],
      ["t.run.r1.cmd.tool.1.0.write_file", "t.run.r1.cmd.tool.1.1.read_file"],
      [],
      // the corrupt result took call 0's subject: the run ends (its result can never be recorded)
      ["t.run.r1.evt.ended"],
      [],
      ["t.run.r1.evt.ended"],
      ["t.run.r1.evt.ended"],
    ]);
    expect(promptHash(buildModelRequest(b.state, 3))).toBe(promptHash(buildModelRequest(a.state, 3)));
  });
});

describe("buildModelRequest", () => {
  it("rebuilds system, user, assistant with tool calls, then tool messages in call order", () => {
    const h = happyHistory();
    // results recorded in reverse order; one failed
    const { state } = play([
      h[0]!,
      h[1]!,
      entry(
        3,
        S.toolResult(RUN, 1, 1, "read_file"),
        tool(1, 1, "c2", "read_file", {
          ok: false,
          output: undefined,
          error: { kind: "not_found", message: "no such file: a.txt" },
        }),
      ),
      entry(4, S.toolResult(RUN, 1, 0, "write_file"), tool(1, 0, "c1", "write_file", { output: "wrote 2 bytes" })),
    ]);
    const req = buildModelRequest(state, 2);
    expect(req).toEqual({
      model: "demo",
      messages: [
        { role: "system", content: "Be careful." },
        { role: "user", content: "Write a.txt then read it" },
        { role: "assistant", content: null, toolCalls: CALLS_1 },
        { role: "tool", toolCallId: "c1", name: "write_file", content: "wrote 2 bytes" },
        { role: "tool", toolCallId: "c2", name: "read_file", content: "Error (not_found): no such file: a.txt" },
      ],
      tools: [writeFileSpec, readFileSpec],
    });
    expect(req).not.toHaveProperty("temperature");
  });

  it("the request for turn N includes only turns before N", () => {
    const { state } = play(happyHistory());
    expect(buildModelRequest(state, 1).messages).toEqual([
      { role: "system", content: "Be careful." },
      { role: "user", content: "Write a.txt then read it" },
    ]);
    const m3 = buildModelRequest(state, 3).messages;
    expect(m3).toHaveLength(6);
    expect(m3[5]).toEqual({ role: "assistant", content: "Done: hi" });
    expect(m3[5]).not.toHaveProperty("toolCalls");
  });

  it("names a missing result, omits an empty system prompt and keeps temperature 0", () => {
    const { state } = play([
      entry(1, S.submitted(RUN), submitted({ agent: agent({ systemPrompt: "", temperature: 0, tools: [] }) })),
      entry(2, S.llmResult(RUN, 1), llm(1, { content: "thinking", toolCalls: [CALLS_1[1]!] })),
    ]);
    expect(buildModelRequest(state, 2)).toEqual({
      model: "demo",
      messages: [
        { role: "user", content: "Write a.txt then read it" },
        { role: "assistant", content: "thinking", toolCalls: [CALLS_1[1]] },
        { role: "tool", toolCallId: "c2", name: "read_file", content: "Error (missing): no result recorded" },
      ],
      tools: [],
      temperature: 0,
    });
  });

  it("throws for a run without a valid submission", () => {
    expect(() => buildModelRequest(emptyRun("r9"), 1)).toThrow("run r9 has no valid submission");
  });

  it("toolResultText", () => {
    expect(toolResultText({ ok: true, output: "x" })).toBe("x");
    expect(toolResultText({ ok: true })).toBe("");
    expect(toolResultText({ ok: false, error: { kind: "timeout", message: "took too long" } })).toBe(
      "Error (timeout): took too long",
    );
    expect(toolResultText({ ok: false })).toBe("Error (error): the tool failed");
  });
});

describe("canonicalJson and promptHash", () => {
  it("canonicalJson sorts object keys at every depth and keeps array order", () => {
    expect(canonicalJson({ b: 1, a: { d: [{ y: 1, x: 2 }, 3], c: null } })).toBe(
      '{"a":{"c":null,"d":[{"x":2,"y":1},3]},"b":1}',
    );
    expect(canonicalJson([2, 1])).toBe("[2,1]");
    expect(canonicalJson("s")).toBe('"s"');
  });

  it("canonicalJson writes exactly what the sorting replacer wrote (so recorded prompt hashes still match)", () => {
    // The earlier form: every object rebuilt with its entries sorted, inside JSON.stringify.
    const reference = (value: unknown): string =>
      JSON.stringify(value, (_k, v: unknown) =>
        v && typeof v === "object" && !Array.isArray(v)
          ? Object.fromEntries(
              Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)),
            )
          : v,
      );
    let seed = 42;
    const rnd = (n: number): number => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed % n;
    };
    const keys = [
      "a",
      "b",
      "Z",
      "é",
      "content",
      "role",
      "0",
      "1",
      "10",
      "9",
      "07",
      "-1",
      "1.5",
      "4294967294",
      "4294967295",
      "",
      "a b",
      "\u2028",
      "😀",
      "__proto__x",
    ];
    const leaf = (): unknown =>
      [
        null,
        true,
        false,
        0,
        -0,
        1.5,
        1e21,
        -3,
        Number.NaN,
        Number.POSITIVE_INFINITY,
        "",
        "x",
        'q"uote\\',
        "\n\u0001",
        "😀",
        undefined,
        new Date(1_700_000_000_123),
      ][rnd(17)];
    const gen = (depth: number): unknown => {
      const r = rnd(depth > 3 ? 1 : 4);
      if (r === 0) return leaf();
      if (r === 1) return Array.from({ length: rnd(4) }, () => gen(depth + 1));
      const o: Record<string, unknown> = {};
      for (let i = rnd(6); i > 0; i--) o[keys[rnd(keys.length)]!] = gen(depth + 1);
      return o;
    };
    for (let i = 0; i < 2000; i++) {
      const v = gen(0);
      expect(canonicalJson(v)).toBe(reference(v));
    }
    expect(canonicalJson({ 10: 1, 9: 2, b: 3, a: 4, "07": 5 })).toBe(reference({ 10: 1, 9: 2, b: 3, a: 4, "07": 5 }));
    expect(canonicalJson({ 10: 1, 9: 2, b: 3, a: 4, "07": 5 })).toBe('{"9":2,"10":1,"07":5,"a":4,"b":3}');
    expect(canonicalJson([undefined, () => 1, { f: () => 1, u: undefined, d: new Date(0) }])).toBe(
      '[null,null,{"d":"1970-01-01T00:00:00.000Z"}]',
    );
  });

  it("promptHash is sha256 of the canonical JSON, the same whatever the key order", () => {
    const a: ModelRequest = {
      model: "m",
      messages: [{ role: "user", content: "hi" }],
      tools: [{ name: "t", description: "d", inputSchema: { type: "object", properties: { p: { type: "string" } } } }],
    };
    const b = {
      tools: [{ inputSchema: { properties: { p: { type: "string" } }, type: "object" }, description: "d", name: "t" }],
      messages: [{ content: "hi", role: "user" }],
      model: "m",
    } as ModelRequest;
    const canonical =
      '{"messages":[{"content":"hi","role":"user"}],"model":"m","tools":[{"description":"d","inputSchema":{"properties":{"p":{"type":"string"}},"type":"object"},"name":"t"}]}';
    expect(canonicalJson(a)).toBe(canonical);
    expect(canonicalJson(b)).toBe(canonical);
    const expected = createHash("sha256").update(canonical).digest("hex");
    expect(promptHash(a)).toBe(expected);
    expect(promptHash(b)).toBe(expected);
    expect(promptHash(a)).toMatch(/^[0-9a-f]{64}$/);
    expect(promptHash({ ...a, messages: [{ role: "user", content: "hi!" }] })).not.toBe(expected);
    expect(promptHash({ ...a, temperature: 0 })).not.toBe(expected);
  });
});
