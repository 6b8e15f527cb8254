// The planner's event handler acks an event only after every message it decided is confirmed in
// the log: an append that is pending holds the ack back, an append that fails fails the handler
// (the consume loop naks it: the event comes back), and only the once-only refusal counts as done.
// The handler's dependencies are plain functions: the log here is a list of entries.
import { describe, expect, it } from "vitest";
import { encode, Subjects, type LlmResult, type RunSubmitted, type HistoryEntry } from "@cairn/protocol";
import { applyEntry, emptyRun } from "@cairn/runtime";
import type { AppendResult, Disposition } from "@cairn/bus";
import { silentLogger } from "@cairn/telemetry";
import { createPlannerHandler, type EventMessage } from "./handler.js";

const S = new Subjects("t");
const RUN = "r1";

const submitted: RunSubmitted = {
  v: 1,
  type: "run.submitted",
  runId: RUN,
  task: "t",
  agent: {
    name: "a",
    provider: "scripted",
    model: "m",
    systemPrompt: "",
    tools: [
      { name: "alpha", description: "d", inputSchema: { type: "object" } },
      { name: "beta", description: "d", inputSchema: { type: "object" } },
    ],
    maxTurns: 5,
  },
  submittedAt: "2025-01-01T00:00:00.000Z",
};
/** A model response asking for two tool calls: the planner decides two tool commands. */
const llm1: LlmResult = {
  v: 1,
  type: "llm.result",
  runId: RUN,
  turn: 1,
  ok: true,
  attempts: 1,
  content: null,
  toolCalls: [
    { id: "c1", name: "alpha", arguments: "{}" },
    { id: "c2", name: "beta", arguments: "{}" },
  ],
};

/** A run's log: submitted (1), the LLM command (2), the model's response (3). */
function runLog(): HistoryEntry[] {
  const at = (seq: number) => new Date(Date.UTC(2025, 0, 1) + seq * 1000).toISOString();
  return [
    { seq: 1, subject: S.submitted(RUN), data: encode(submitted), time: at(1) },
    { seq: 2, subject: S.llmCommand(RUN, 1, "scripted"), data: encode({ v: 1 }), time: at(2) },
    { seq: 3, subject: S.llmResult(RUN, 1), data: encode(llm1), time: at(3) },
  ];
}

/** The fold the handler asks for, over an in-memory log. */
function history(log: HistoryEntry[]) {
  return {
    foldTo: async (runId: string, seq: number) => {
      const state = emptyRun(runId);
      let applied;
      for (const e of log) {
        if (e.seq > seq) break;
        const a = applyEntry(state, e, S);
        if (e.seq === seq) applied = a;
      }
      return { state, applied };
    },
    forget: () => undefined,
  };
}

const msg = (e: HistoryEntry, deliveries = 1): EventMessage => ({
  subject: e.subject,
  seq: e.seq,
  deliveries,
  data: e.data,
});

function deferred<T>() {
  let resolve!: (v: T) => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

function handlerWith(append: (subject: string) => Promise<AppendResult>, log = runLog()) {
  return createPlannerHandler({
    subjects: S,
    history: history(log),
    append: (subject) => append(subject),
    index: { submitted: async () => true, changed: async () => undefined, progress: () => undefined },
    crash: { hit: () => undefined },
    log: silentLogger(),
    maxMessageBytes: 1024 * 1024,
  });
}

/** Lets every settled promise's callbacks run. */
const settle = () => new Promise((r) => setTimeout(r, 20));

describe("planner handler: the ack comes only after the decided appends are confirmed", () => {
  it("does not return {ack} while any decided append is still pending", async () => {
    const pending = new Map<string, ReturnType<typeof deferred<AppendResult>>>();
    const handle = handlerWith((subject) => {
      const d = deferred<AppendResult>();
      pending.set(subject, d);
      return d.promise;
    });
    let outcome: Disposition | undefined;
    const done = handle(msg(runLog()[2]!)).then((d) => (outcome = d));
    await settle();
    // Both tool commands were decided and handed to append.
    expect([...pending.keys()].sort()).toEqual(
      [S.toolCommand(RUN, 1, 0, "alpha"), S.toolCommand(RUN, 1, 1, "beta")].sort(),
    );
    expect(outcome, "acked before any append was confirmed").toBeUndefined();
    pending.get(S.toolCommand(RUN, 1, 0, "alpha"))!.resolve({ seq: 10, duplicate: false });
    await settle();
    expect(outcome, "acked with one decided append still unconfirmed").toBeUndefined();
    pending.get(S.toolCommand(RUN, 1, 1, "beta"))!.resolve({ seq: 11, duplicate: false });
    await done;
    expect(outcome).toEqual({ ack: true });
  });

  it("the submission's LLM command is confirmed before the event is acked", async () => {
    const order: string[] = [];
    const handle = handlerWith(async (subject) => {
      order.push(`append ${subject}`);
      await settle();
      order.push(`confirmed ${subject}`);
      return { seq: 2, duplicate: false };
    });
    const d = await handle(msg(runLog()[0]!));
    order.push("handler returned");
    expect(d).toEqual({ ack: true });
    expect(order).toEqual([
      `append ${S.llmCommand(RUN, 1, "scripted")}`,
      `confirmed ${S.llmCommand(RUN, 1, "scripted")}`,
      "handler returned",
    ]);
  });

  it("a failed append makes the handler fail (never {ack}): the event is redelivered", async () => {
    const handle = handlerWith(async (subject) => {
      if (subject.endsWith(".beta")) throw new Error("publish timed out");
      return { seq: 10, duplicate: false };
    });
    await expect(handle(msg(runLog()[2]!))).rejects.toThrow(/publish timed out/);
  });

  it("a failed append of the submission's LLM command makes the handler fail", async () => {
    const handle = handlerWith(async () => {
      throw Object.assign(new Error("maximum bytes exceeded"), { code: 10077 });
    });
    await expect(handle(msg(runLog()[0]!))).rejects.toThrow(/maximum bytes exceeded/);
  });

  it("a redelivered event whose outputs are already recorded (once-only refusal) is acked", async () => {
    const appended: string[] = [];
    const handle = handlerWith(async (subject) => {
      appended.push(subject);
      return { seq: 0, duplicate: true };
    });
    expect(await handle(msg(runLog()[2]!, 2))).toEqual({ ack: true });
    expect(appended.length).toBe(2);
  });
});

describe("planner handler: the runs index", () => {
  function withIndex(log: HistoryEntry[]) {
    const writes: string[] = [];
    const handle = createPlannerHandler({
      subjects: S,
      history: history(log),
      append: async () => ({ seq: 99, duplicate: false }),
      index: {
        submitted: async (s) => (writes.push(`submitted ${s.status} ${s.lastSeq}`), true),
        changed: async (s) => void writes.push(`changed ${s.status} ${s.lastSeq}`),
        progress: (s) => void writes.push(`progress ${s.status} ${s.lastSeq} turn ${s.turn}`),
      },
      crash: { hit: () => undefined },
      log: silentLogger(),
      maxMessageBytes: 1024 * 1024,
    });
    return { handle, writes };
  }
  const at = (seq: number) => new Date(Date.UTC(2025, 0, 1) + seq * 1000).toISOString();

  it("writes the submission at once, a running run's progress later, and nothing for an event that ends the run (its end writes the final record)", async () => {
    const { handle, writes } = withIndex(runLog());
    await handle(msg(runLog()[0]!));
    await handle(msg(runLog()[2]!));
    expect(writes).toEqual(["submitted running 1", "progress running 3 turn 1"]);

    const answer: LlmResult = { ...llm1, toolCalls: undefined, content: "done" };
    delete (answer as { toolCalls?: unknown }).toolCalls;
    const log = [...runLog().slice(0, 2), { seq: 3, subject: S.llmResult(RUN, 1), data: encode(answer), time: at(3) }];
    const ending = withIndex(log);
    await ending.handle(msg(log[2]!));
    expect(ending.writes).toEqual([]);
    const ended = [
      ...log,
      {
        seq: 4,
        subject: S.ended(RUN),
        data: encode({
          v: 1,
          type: "run.ended",
          runId: RUN,
          status: "completed",
          answer: "done",
          turns: 1,
          usage: { inputTokens: 0, outputTokens: 0 },
          endedAt: at(4),
        }),
        time: at(4),
      },
    ];
    const end = withIndex(ended);
    await end.handle(msg(ended[3]!));
    expect(end.writes).toEqual(["changed completed 4"]);
  });
});
