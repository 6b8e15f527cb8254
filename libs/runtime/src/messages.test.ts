import { describe, expect, it } from "vitest";
import { Subjects, type AgentSpec, type LlmResult, type RunMessage, type ToolResult } from "@cairn/protocol";
import { reduceRun, runStatus, type RunState } from "./state.js";
import { type Output } from "./decide.js";
import { foldingRun } from "./fold.harness.js";
import { buildModelRequest } from "./prompt.js";

const S = new Subjects("t");
const RUN = "r1";

/** A run folded entry by entry, as the planner does; `llm` records a turn's response with the historySeq of its command. */
function run(agent: Partial<AgentSpec>) {
  const { state, log, add } = foldingRun(RUN, S);
  add(S.submitted(RUN), {
    v: 1,
    type: "run.submitted",
    runId: RUN,
    task: "plan a trip",
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
  const llm = (turn: number, historySeq: number, r: { content?: string; calls?: number }) =>
    add(S.llmResult(RUN, turn), {
      v: 1,
      type: "llm.result",
      runId: RUN,
      turn,
      ok: true,
      attempts: 1,
      historySeq,
      content: r.content ?? null,
      toolCalls: Array.from({ length: r.calls ?? 0 }, (_, i) => ({ id: `c${turn}.${i}`, name: "f", arguments: "{}" })),
    } satisfies LlmResult);
  const result = (turn: number, index: number) =>
    add(S.toolResult(RUN, turn, index, "f"), {
      v: 1,
      type: "tool.result",
      runId: RUN,
      turn,
      index,
      callId: `c${turn}.${index}`,
      tool: "f",
      attempts: 1,
      ok: true,
      output: `out ${turn}.${index}`,
    } satisfies ToolResult);
  const send = (n: number, m: Partial<RunMessage>) =>
    add(S.message(RUN, n), {
      v: 1,
      type: "run.message",
      runId: RUN,
      n,
      at: "2025-01-01T01:00:00.000Z",
      by: "acme/bob",
      ...m,
    });
  return { state, log, llm, result, send, add };
}

const types = (out: Output[]): string[] => out.map((o) => `${o.type} ${o.subject.split(".").slice(3).join(".")}`);
const userTexts = (state: RunState, turn: number) =>
  buildModelRequest(state, turn)
    .messages.filter((m) => m.role === "user")
    .map((m) => m.content);

describe("steering: a message while the run works", () => {
  it("decides nothing by itself; the next model call reads it after the turn's results, and replay rebuilds the same prompts", () => {
    const r = run({});
    r.llm(1, 1, { calls: 1 });
    const { out, applied } = r.send(1, { text: "use the train, not planes" });
    expect(applied).toMatchObject({ kind: "message", n: 1 });
    expect(out).toEqual([]);
    expect(types(r.result(1, 0).out)).toEqual(["LlmCommand cmd.llm.2.scripted"]);
    // the prompt of turn 2 ends with the message, after the tool result
    const req = buildModelRequest(r.state, 2);
    expect(req.messages.slice(-2)).toEqual([
      { role: "tool", toolCallId: "c1.0", name: "f", content: "out 1.0" },
      { role: "user", content: "use the train, not planes" },
    ]);
    const hs = r.log.length; // the command of turn 2 was decided after the last result
    r.llm(2, hs, { calls: 1 });
    expect(r.state.turns[1]!.messagesBefore?.map((m) => m.n)).toEqual([1]);
    expect(r.state.pendingMessages).toEqual([]);
    // the prompt of turn 3 keeps the message where turn 2 read it, once
    r.result(2, 0);
    expect(userTexts(r.state, 3)).toEqual(["plan a trip", "use the train, not planes"]);
    expect(runStatus(r.state)).toMatchObject({ messages: 1, answeredMessages: 0 });
    // folded from scratch (replay), the state is the same
    const again = reduceRun(RUN, r.log, S);
    expect(buildModelRequest(again, 3)).toEqual(buildModelRequest(r.state, 3));
  });

  it("a message recorded after a turn's command waits for the next turn (the prompt of a turn is the log up to its command)", () => {
    const r = run({});
    r.llm(1, 1, { calls: 1 });
    r.result(1, 0); // seq 3: the command of turn 2 is decided here (historySeq 3)
    r.send(1, { text: "late" }); // seq 4, after that command
    // the llm-caller folds to historySeq 3: its prompt has no message
    const atCommand = reduceRun(RUN, r.log.slice(0, 3), S);
    expect(userTexts(atCommand, 2)).toEqual(["plan a trip"]);
    r.llm(2, 3, { calls: 1 });
    expect(r.state.turns[1]!.messagesBefore).toBeUndefined();
    expect(r.state.pendingMessages.map((m) => m.message.n)).toEqual([1]);
    r.result(2, 0);
    expect(userTexts(r.state, 3)).toEqual(["plan a trip", "late"]);
  });

  it("a run that is not a conversation ends with its answer, which answers the messages its prompt read", () => {
    const r = run({});
    r.send(1, { text: "hurry" });
    const { out } = r.llm(1, 2, { content: "done" });
    expect(types(out)).toEqual(["RunEnded evt.ended"]);
    expect(r.state.answeredMessages).toBe(1);
  });

  it("rejects a message with neither text nor end, or whose number differs from its subject", () => {
    const r = run({});
    expect(r.send(1, {}).applied).toMatchObject({ kind: "rejected", reason: "a message with neither text nor end" });
    const wrong = r.add(S.message(RUN, 2), { v: 1, type: "run.message", runId: RUN, n: 3, text: "x", at: "t" });
    expect(wrong.applied).toMatchObject({
      kind: "rejected",
      reason: "message whose run or number differs from its subject",
    });
    expect(r.state.messages).toEqual([]);
  });
});

describe("conversations (agent conversation: true)", () => {
  it("an answer does not end the run: it waits for the next message, which starts the next turn; end ends it after the next answer", () => {
    const r = run({ conversation: true });
    expect(r.llm(1, 1, { content: "Where to?" }).out).toEqual([]);
    expect(runStatus(r.state)).toMatchObject({
      status: "running",
      awaitingMessage: true,
      answer: "Where to?",
      waitingFor: ["a message (cairn send)"],
    });
    const m1 = r.send(1, { text: "Lisbon" });
    expect(types(m1.out)).toEqual(["LlmCommand cmd.llm.2.scripted"]);
    expect(runStatus(r.state)).toMatchObject({ messages: 1, answeredMessages: 0, waitingFor: ["llm turn 2"] });
    expect(runStatus(r.state).awaitingMessage).toBeUndefined();
    // a second message while turn 2 is being answered: no second command; turn 3 reads it
    expect(r.send(2, { text: "in May" }).out).toEqual([]);
    const t2 = r.llm(2, 3, { content: "Lisbon it is." });
    expect(types(t2.out)).toEqual(["LlmCommand cmd.llm.3.scripted"]);
    expect(userTexts(r.state, 3)).toEqual(["plan a trip", "Lisbon", "in May"]);
    expect(runStatus(r.state)).toMatchObject({ messages: 2, answeredMessages: 1 });
    expect(r.llm(3, 5, { content: "Lisbon in May." }).out).toEqual([]);
    expect(runStatus(r.state)).toMatchObject({ messages: 2, answeredMessages: 2, awaitingMessage: true });
    // end with a last question: answered, then ended with that answer
    expect(types(r.send(3, { text: "thanks, book it", end: true }).out)).toEqual(["LlmCommand cmd.llm.4.scripted"]);
    const last = r.llm(4, 7, { content: "Booked." });
    expect(types(last.out)).toEqual(["RunEnded evt.ended"]);
    expect(last.out[0]!.message).toMatchObject({ status: "completed", answer: "Booked.", turns: 4 });
  });

  it("end alone ends a waiting conversation at once with its last answer; tool turns go on as before", () => {
    const r = run({ conversation: true });
    r.llm(1, 1, { calls: 1 });
    expect(types(r.result(1, 0).out)).toEqual(["LlmCommand cmd.llm.2.scripted"]);
    r.llm(2, 3, { content: "Here it is." });
    const { out } = r.send(1, { end: true });
    expect(types(out)).toEqual(["RunEnded evt.ended"]);
    expect(out[0]!.message).toMatchObject({ status: "completed", answer: "Here it is." });
  });

  it("maxTurns bounds a conversation: a message past it ends the run failed, saying so", () => {
    const r = run({ conversation: true, maxTurns: 1 });
    r.llm(1, 1, { content: "hi" });
    const { out } = r.send(1, { text: "more" });
    expect(out[0]!.message).toMatchObject({
      status: "failed",
      reason: "max_turns_exceeded",
      error: { message: expect.stringContaining("maxTurns=1") },
    });
  });

  it("with structured output, an invalid answer is corrected before the conversation waits", () => {
    const r = run({ conversation: true, output: { schema: { type: "object" } } });
    expect(types(r.llm(1, 1, { content: "prose" }).out)).toEqual(["LlmCommand cmd.llm.2.scripted"]);
    expect(runStatus(r.state).awaitingMessage).toBeUndefined();
    expect(r.llm(2, 2, { content: '{"a":1}' }).out).toEqual([]);
    expect(runStatus(r.state)).toMatchObject({ awaitingMessage: true, output: { a: 1 } });
  });
});
