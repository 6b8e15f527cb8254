// A tool's effect contract in the tool-runner's handler: a reconcile/irreversible tool's start
// marker is its claim, written before it runs; a delivery that finds it taken and no result waits
// until the run that took it is past its time limit, then reconciles or records the ambiguity
// (never runs it blindly); a timeout or a result that cannot be recorded is handed back, never a
// failure; an irreversible tool's thrown error is not retried; a rerun runs only with a human's
// "run it again" in the log.
import { describe, expect, it } from "vitest";
import { encode, Subjects, type RunApproval, type RunSubmitted, type ToolCommand } from "@cairn/protocol";
import { Deferred, RetryableError, toolIdempotencyKey } from "@cairn/runtime";
import type { AppendResult, WorkContext } from "@cairn/bus";
import { ToolRegistry, type ToolDefinition } from "@cairn/tools";
import { silentLogger } from "@cairn/telemetry";
import { createToolHandler, STARTED_GRACE_MS } from "./handler.js";

const S = new Subjects("t");
const RUN = "r1";

const submission = (tool: string): RunSubmitted => ({
  v: 1,
  type: "run.submitted",
  runId: RUN,
  task: "t",
  agent: {
    name: "a",
    provider: "scripted",
    model: "m",
    systemPrompt: "",
    tools: [{ name: tool, description: "d", inputSchema: { type: "object" } }],
    maxTurns: 5,
  },
  submittedAt: new Date(0).toISOString(),
});

const command = (tool: string): ToolCommand => ({
  v: 1,
  type: "tool.command",
  runId: RUN,
  turn: 1,
  index: 0,
  callId: "c1",
  tool,
  arguments: "{}",
  idempotencyKey: toolIdempotencyKey(RUN, 1, 0),
  historySeq: 3,
});

/** The handler over an in-memory log (subject → message, stream time) with one tool and a clock; `decisions` by round. */
function setup(tool: ToolDefinition, decisions: Map<number, RunApproval> = new Map(), timeoutMs = 10_000) {
  const log = new Map<string, Uint8Array>();
  const times = new Map<string, number>();
  const clock = { now: 1_000_000 };
  let failResults = false;
  const handle = createToolHandler({
    subjects: S,
    registry: new ToolRegistry([tool]),
    exists: async (subject) => log.has(subject),
    submission: async () => submission(tool.name),
    approval: async (_r, _t, _i, round) => (round === undefined ? undefined : decisions.get(round)),
    append: async (subject, data): Promise<AppendResult> => {
      if (failResults && subject.includes(".evt.tool.")) throw new Error("nats: timeout publishing");
      const duplicate = log.has(subject);
      if (!duplicate) {
        log.set(subject, data);
        times.set(subject, clock.now);
      }
      return { seq: duplicate ? 0 : log.size, duplicate };
    },
    stored: async (subject) => (log.has(subject) ? { data: log.get(subject)!, time: times.get(subject)! } : undefined),
    crash: { hit: () => undefined },
    retry: { maxAttempts: 3, initialDelayMs: 50, maxDelayMs: 1_000, multiplier: 2 },
    timeoutMs,
    maxMessageBytes: 1024 * 1024,
    workspaceRoot: "/tmp/cairn-tool-effects-test",
    largePayloadBytes: 512 * 1024,
    watchCancel: () => () => undefined,
    log: silentLogger(),
    now: () => clock.now,
  });
  const ctx = (): WorkContext => ({ signal: new AbortController().signal, heartbeat: () => undefined });
  const deliver = (deliveries: number, round = 0) =>
    handle(
      {
        subject: round ? S.toolRerun(RUN, 1, 0, round, tool.name) : S.toolCommand(RUN, 1, 0, tool.name),
        seq: 5,
        deliveries,
        data: encode(command(tool.name)),
        issuedAt: 0,
      },
      ctx(),
    );
  const subjects = () => [...log.keys()].map((s) => s.slice(`t.run.${RUN}.`.length));
  /** An earlier delivery took the start marker `ago` ms before now (and left no result). */
  const startedAgo = (ago: number, round = 0): void => {
    log.set(S.toolStarted(RUN, 1, 0, round, tool.name), new Uint8Array([1]));
    times.set(S.toolStarted(RUN, 1, 0, round, tool.name), clock.now - ago);
  };
  const failRecording = (on: boolean): void => void (failResults = on);
  return { log, deliver, subjects, clock, startedAgo, failRecording, past: timeoutMs + STARTED_GRACE_MS + 1 };
}

const tool = (over: Partial<ToolDefinition>): ToolDefinition & { runs: number } => {
  const t = {
    name: "pay",
    description: "d",
    input: { type: "object" },
    runs: 0,
    run() {
      t.runs++;
      return "paid";
    },
    ...over,
  };
  return t;
};

describe("tool effects in the tool-runner", () => {
  it("idempotent (the default): no start marker; a redelivery without a result runs the tool again", async () => {
    const t = tool({});
    const { deliver, subjects } = setup(t);
    // a first delivery that "died" before recording: nothing but the marker would say it started
    expect(subjects()).toEqual([]);
    await deliver(2);
    expect(t.runs).toBe(1);
    expect(subjects()).toEqual(["evt.tool.1.0.pay"]);
  });

  it("irreversible: the marker before the run; a redelivery that finds it records the ambiguity and runs nothing", async () => {
    const t = tool({ effect: "irreversible" });
    const first = setup(t);
    // the marker is written before the tool runs
    let markedBefore = false;
    t.run = () => {
      markedBefore = first.log.has(S.toolStarted(RUN, 1, 0, 0, "pay"));
      t.runs++;
      return "paid";
    };
    expect(await first.deliver(1)).toEqual({ ack: true });
    expect(markedBefore).toBe(true);
    expect(first.subjects()).toEqual(["evt.started.1.0.0.pay", "evt.tool.1.0.pay"]);

    const t2 = tool({ effect: "irreversible" });
    const crashed = setup(t2);
    crashed.startedAgo(crashed.past); // an earlier delivery started it, longer ago than its time limit
    expect(await crashed.deliver(2)).toEqual({ ack: true });
    expect(t2.runs).toBe(0);
    expect(crashed.subjects()).toEqual(["evt.started.1.0.0.pay", "evt.ambiguous.1.0.0.pay"]);

    // The run that took the marker may still be going (a shutdown's hand-back, an ack wait that
    // passed): a delivery — a first one too — waits until its time limit and the grace have passed.
    const t3 = tool({ effect: "irreversible" });
    const young = setup(t3);
    young.startedAgo(1_000);
    expect(await young.deliver(1)).toEqual({ nak: young.past - 1 - 1_000 });
    expect(await young.deliver(2)).toEqual({ nak: young.past - 1 - 1_000 });
    expect(young.subjects()).toEqual(["evt.started.1.0.0.pay"]);
    young.clock.now += young.past;
    expect(await young.deliver(3)).toEqual({ ack: true });
    expect(t3.runs).toBe(0);
    expect(young.subjects()).toEqual(["evt.started.1.0.0.pay", "evt.ambiguous.1.0.0.pay"]);
  });

  it("irreversible: a timeout is handed back (then ambiguous, once past the grace); a thrown retryable error is the call's result, not retried; a result that cannot be recorded is handed back", async () => {
    const slow = tool({ effect: "irreversible", run: () => new Promise(() => undefined) });
    const a = setup(slow, new Map(), 50);
    expect(await a.deliver(1)).toEqual({ nak: STARTED_GRACE_MS });
    expect(a.subjects()).toEqual(["evt.started.1.0.0.pay"]);
    a.clock.now += a.past;
    expect(await a.deliver(2)).toEqual({ ack: true });
    expect(a.subjects()).toEqual(["evt.started.1.0.0.pay", "evt.ambiguous.1.0.0.pay"]);

    const failing = tool({
      effect: "irreversible",
      run: () => {
        throw new RetryableError("bank unreachable");
      },
    });
    const b = setup(failing);
    expect(await b.deliver(1)).toEqual({ ack: true });
    expect(b.subjects()).toEqual(["evt.started.1.0.0.pay", "evt.tool.1.0.pay"]);

    // the effect happened; its record could not be written: not a failure the model reads
    const paid = tool({ effect: "irreversible" });
    const c = setup(paid);
    c.failRecording(true);
    expect(await c.deliver(1)).toEqual({ nak: 0 });
    expect(paid.runs).toBe(1);
    expect(c.subjects()).toEqual(["evt.started.1.0.0.pay"]);
    c.failRecording(false);
    c.clock.now += c.past;
    expect(await c.deliver(2)).toEqual({ ack: true });
    expect(paid.runs).toBe(1);
    expect(c.subjects()).toEqual(["evt.started.1.0.0.pay", "evt.ambiguous.1.0.0.pay"]);
  });

  it("a reconcile or irreversible tool may not defer (sleep) its call: a wake-up could not tell it from a run cut short", async () => {
    const t = tool({
      effect: "reconcile",
      reconcile: () => ({ landed: false }),
      run: () => {
        throw new Deferred(Date.now() + 60_000);
      },
    });
    const d = setup(t);
    expect(await d.deliver(1)).toEqual({ ack: true });
    expect(d.subjects()).toEqual(["evt.started.1.0.0.pay", "evt.tool.1.0.pay"]);
  });

  it("reconcile: landed → its answer recorded (reconciled), not run; not landed → run again; failing → retried, then ambiguous", async () => {
    const landed = tool({ effect: "reconcile", reconcile: () => ({ landed: true, output: { receipt: 7 } }) });
    const a = setup(landed);
    a.startedAgo(a.past);
    expect(await a.deliver(2)).toEqual({ ack: true });
    expect(landed.runs).toBe(0);
    expect(a.subjects()).toEqual(["evt.started.1.0.0.pay", "evt.tool.1.0.pay"]);

    const notLanded = tool({ effect: "reconcile", reconcile: () => ({ landed: false }) });
    const b = setup(notLanded);
    b.startedAgo(b.past);
    expect(await b.deliver(2)).toEqual({ ack: true });
    expect(notLanded.runs).toBe(1);
    // (its rerun is noted, and a later delivery waits for it as for the first run)
    expect(b.subjects()).toContain("evt.error.s5-2");

    const unsure = tool({
      effect: "reconcile",
      reconcile: () => {
        throw new RetryableError("lookup API down");
      },
    });
    const c = setup(unsure);
    c.startedAgo(c.past);
    expect(await c.deliver(2)).toEqual({ nak: expect.any(Number) });
    expect(await c.deliver(3)).toEqual({ ack: true }); // attempts used up: a human decides
    expect(unsure.runs).toBe(0);
    expect(c.subjects()).toContain("evt.ambiguous.1.0.0.pay");

    const nonsense = tool({ effect: "reconcile", reconcile: () => "yes" as never });
    const d = setup(nonsense);
    d.startedAgo(d.past);
    await d.deliver(2);
    await d.deliver(3);
    expect(nonsense.runs).toBe(0);
  });

  it("a rerun runs only with a human's approval of the round before it, and marks its own round", async () => {
    const t = tool({ effect: "irreversible" });
    const none = setup(t);
    expect(await none.deliver(1, 1)).toEqual({ term: expect.stringContaining("no human's decision to run it again") });
    expect(t.runs).toBe(0);
    const approve: RunApproval = {
      v: 1,
      type: "run.approval",
      runId: RUN,
      turn: 1,
      index: 0,
      callId: "c1",
      decision: "approve",
      round: 0,
      at: new Date(0).toISOString(),
    };
    for (const wrong of [{ decision: "deny" as const }, { result: "by hand" }, { callId: "c9" }]) {
      const w = setup(t, new Map([[0, { ...approve, ...wrong }]]));
      expect(await w.deliver(1, 1)).toHaveProperty("term");
    }
    expect(t.runs).toBe(0);
    const ok = setup(t, new Map([[0, approve]]));
    expect(await ok.deliver(1, 1)).toEqual({ ack: true });
    expect(t.runs).toBe(1);
    expect(ok.subjects()).toEqual(["evt.started.1.0.1.pay", "evt.tool.1.0.pay"]);
  });

  it("a tool's effect is checked when it is registered", () => {
    const base = { name: "x", description: "d", input: { type: "object" }, run: () => "" };
    expect(() => new ToolRegistry([{ ...base, effect: "maybe" as never }])).toThrow(/effect "maybe": use one of/);
    expect(() => new ToolRegistry([{ ...base, effect: "reconcile" }])).toThrow(/no reconcile function/);
    expect(() => new ToolRegistry([{ ...base, reconcile: () => ({ landed: false }) }])).toThrow(
      /set effect "reconcile"/,
    );
  });
});
