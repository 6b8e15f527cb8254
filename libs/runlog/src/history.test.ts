import { describe, it, expect } from "vitest";
import type { JetStreamManager, JsMsg, StoredMsg } from "@nats-io/jetstream";
import { encode, Subjects, type LlmResult, type RunSubmitted, type ToolResult } from "@cairn/protocol";
import { reduceRun } from "@cairn/runtime";
import { DeliveryCoverage } from "@cairn/bus/internal";
import type { DeliveryInHand } from "@cairn/bus";
import { headers } from "@nats-io/transport-node";
import { DEFAULT_RUN_CACHE, EVENTS_HEADER, RunHistory, SEQS_HEADER, SINCE_HEADER } from "./history.js";
import { republishedEntry } from "@cairn/bus";

const S = new Subjects("t");
const RUN = "r1";
const T0 = Date.UTC(2025, 0, 1);

/** An in-memory stream answering Direct Gets (`seq` + `next_by_subj`), counting them. */
function fakeStream() {
  const msgs: { seq: number; subject: string; data: Uint8Array; nanos: bigint }[] = [];
  let gets = 0;
  let scans = 0;
  let multis = 0;
  const jsm = {
    direct: {
      getMessage: async (_stream: string, q: { seq: number; next_by_subj?: string }): Promise<StoredMsg | null> => {
        gets++;
        if (q.next_by_subj === undefined) scans--;
        scans++;
        const prefix = q.next_by_subj?.slice(0, -1);
        const m =
          prefix === undefined
            ? msgs.find((x) => x.seq === q.seq)
            : msgs.find((x) => x.seq >= q.seq && x.subject.startsWith(prefix));
        if (!m) return null;
        // A Direct Get's time comes from an RFC 3339 string with nanoseconds, parsed to ms.
        return {
          seq: m.seq,
          subject: m.subject,
          data: m.data,
          time: new Date(Date.parse(new Date(Number(m.nanos / 1_000_000n)).toISOString())),
        } as unknown as StoredMsg;
      },
      // multi_last: the last message of each subject under the filter (here: every one, one per subject).
      getLastMessagesFor: async (_stream: string, q: { multi_last: string[] }): Promise<AsyncIterable<StoredMsg>> => {
        multis++;
        const prefix = q.multi_last[0]!.slice(0, -1);
        const found = msgs.filter((x) => x.subject.startsWith(prefix));
        return (async function* () {
          for (const [i, m] of found.entries()) {
            yield {
              seq: m.seq,
              subject: m.subject,
              data: m.data,
              pending: found.length - 1 - i,
              time: new Date(Date.parse(new Date(Number(m.nanos / 1_000_000n)).toISOString())),
            } as unknown as StoredMsg;
          }
        })();
      },
    },
  } as unknown as JetStreamManager;
  return {
    jsm,
    gets: () => gets,
    /** Direct Gets that had to scan by subject filter (next_by_subj), not fetch one sequence. */
    scans: () => scans,
    /** multi_last reads (one per run read by subject). */
    multis: () => multis,
    append(subject: string, message: unknown): number {
      const seq = msgs.length + 1;
      // Nanosecond timestamps that are not whole milliseconds, like the server's.
      msgs.push({ seq, subject, data: encode(message), nanos: BigInt(T0 + seq * 1000) * 1_000_000n + 987_654n });
      return seq;
    },
    msg(seq: number, deliverySequence: number, deliveryCount = 1): JsMsg {
      const m = msgs[seq - 1]!;
      return {
        seq,
        subject: m.subject,
        data: m.data,
        timestampNanos: m.nanos,
        info: { streamSequence: seq, deliverySequence, deliveryCount },
      } as unknown as JsMsg;
    },
    log: () =>
      msgs.map((m) => ({
        seq: m.seq,
        subject: m.subject,
        data: m.data,
        time: new Date(Number(m.nanos / 1_000_000n)).toISOString(),
      })),
  };
}

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
    tools: [{ name: "noop", description: "d", inputSchema: { type: "object" } }],
    maxTurns: 5,
  },
  submittedAt: "2025-01-01T00:00:00.000Z",
};
const llm = (turn: number): LlmResult => ({
  v: 1,
  type: "llm.result",
  runId: RUN,
  turn,
  ok: true,
  attempts: 1,
  content: null,
  toolCalls: [{ id: `c${turn}`, name: "noop", arguments: "{}" }],
});
const tool = (turn: number): ToolResult => ({
  v: 1,
  type: "tool.result",
  runId: RUN,
  turn,
  index: 0,
  callId: `c${turn}`,
  tool: "noop",
  ok: true,
  attempts: 1,
  output: "ok",
});

/** A run's log as the planner sees it: events, with the commands between them. */
function runLog() {
  const s = fakeStream();
  const seqs = {
    submitted: s.append(S.submitted(RUN), submitted),
    cmd1: s.append(S.llmCommand(RUN, 1, "scripted"), { v: 1 }),
    llm1: s.append(S.llmResult(RUN, 1), llm(1)),
    cmdTool1: s.append(S.toolCommand(RUN, 1, 0, "noop"), { v: 1 }),
    tool1: s.append(S.toolResult(RUN, 1, 0, "noop"), tool(1)),
    cmd2: s.append(S.llmCommand(RUN, 2, "scripted"), { v: 1 }),
    llm2: s.append(S.llmResult(RUN, 2), llm(2)),
  };
  return { s, seqs };
}

/** The log entry at `seq`, as a Direct Get gives it. */
const entryOf = (s: ReturnType<typeof fakeStream>, seq: number) => s.log()[seq - 1]!;

/** A model response asking for two calls, "a" and "b". */
const twoCalls = (): LlmResult => ({
  ...llm(1),
  toolCalls: [
    { id: "a", name: "noop", arguments: "{}" },
    { id: "b", name: "noop", arguments: "{}" },
  ],
});

/** A run folded up to its submission, then the llm-caller's own response (noted, not read back). */
async function afterOwn(response: LlmResult = llm(1)) {
  const s = fakeStream();
  const sub = s.append(S.submitted(RUN), submitted);
  const h = new RunHistory(s.jsm, S);
  await h.foldTo(RUN, sub, { hint: { events: 1 } });
  const own = s.append(S.llmResult(RUN, 1), response);
  h.noteOwn(RUN, entryOf(s, own));
  return { s, h, own };
}

/** Folds `seq` as the planner's handler does: synchronously inside the consumer's handler call. */
function foldInHand(
  h: RunHistory,
  coverage: DeliveryCoverage,
  msg: JsMsg,
): { hand: DeliveryInHand; done: ReturnType<RunHistory["foldTo"]> } {
  coverage.delivered(msg);
  const hand: DeliveryInHand = { msg, key: RUN, coverage, folded: false };
  return { hand, done: h.foldTo(RUN, msg.seq, { delivery: hand }) };
}

describe("RunHistory's wire names and defaults", () => {
  it("the LLM command's hint headers are named as the planner writes them, and the cache's default bounds are the documented ones", () => {
    expect([EVENTS_HEADER, SINCE_HEADER, SEQS_HEADER]).toEqual(["Cairn-Events", "Cairn-Since", "Cairn-Seqs"]);
    expect(DEFAULT_RUN_CACHE).toEqual({ runs: 100_000, bytes: 256 * 1024 * 1024 });
  });

  it("counts what a folded entry costs: its data, twice its subject, and 200 bytes around them", async () => {
    const { s, seqs } = runLog();
    const h = new RunHistory(s.jsm, S);
    await h.foldTo(RUN, seqs.llm1);
    const events = [seqs.submitted, seqs.llm1].map((q) => entryOf(s, q));
    expect(h.bytes()).toBe(events.reduce((n, e) => n + e.data.length + 2 * e.subject.length + 200, 0));
  });
});

describe("RunHistory's cache bounds", () => {
  it("reads a run that is not cached with one read by subject, and then walks only a short gap", async () => {
    const s = fakeStream();
    // Other runs' messages first: the run's events lie far apart in the stream.
    for (let i = 0; i < 300; i++) s.append(S.submitted(`other${i}`), { ...submitted, runId: `other${i}` });
    const sub = s.append(S.submitted(RUN), submitted);
    for (let i = 0; i < 300; i++) s.append(S.llmCommand(`other${i}`, 1, "scripted"), { v: 1 });
    const llm1 = s.append(S.llmResult(RUN, 1), llm(1));
    const h = new RunHistory(s.jsm, S);
    const first = await h.foldTo(RUN, llm1);
    expect(first.state).toEqual(
      reduceRun(
        RUN,
        [sub, llm1].map((q) => entryOf(s, q)),
        S,
      ),
    );
    expect([s.multis(), s.scans()]).toEqual([1, 0]);
    // The next event is within the walk window: the run is not read again.
    const tool1 = s.append(S.toolResult(RUN, 1, 0, "noop"), tool(1));
    const next = await h.foldTo(RUN, tool1);
    expect(next.state).toEqual(
      reduceRun(
        RUN,
        [sub, llm1, tool1].map((q) => entryOf(s, q)),
        S,
      ),
    );
    expect(s.multis()).toBe(1);
    expect(s.scans()).toBe(1);
  });

  it("keeps about its byte bound: the least recently folded runs go first, and are read again when needed", async () => {
    const s = fakeStream();
    const runs = ["ra", "rb", "rc"];
    const seqs = runs.map((r) => s.append(S.submitted(r), { ...submitted, runId: r, task: "x".repeat(3_000) }));
    const h = new RunHistory(s.jsm, S, { runs: 100, bytes: 7_000 });
    for (const [i, r] of runs.entries()) await h.foldTo(r, seqs[i]!);
    expect(h.size()).toBe(2);
    expect(h.bytes()).toBeLessThanOrEqual(7_000);
    expect(h.bytes()).toBeGreaterThan(6_000);
    const reads = (): number => s.multis() + s.gets();
    const before = reads();
    await h.foldTo("rc", seqs[2]!);
    expect(reads()).toBe(before); // cached
    const again = await h.foldTo("ra", seqs[0]!); // evicted: read again, the same state
    expect(reads()).toBeGreaterThan(before);
    expect(again.state).toEqual(reduceRun("ra", [s.log()[0]!], S));
    expect(h.size()).toBe(2);
  });

  it("does not keep a run that alone exceeds the byte bound, and forgets ended runs", async () => {
    const s = fakeStream();
    const big = s.append(S.submitted("rbig"), { ...submitted, runId: "rbig", task: "x".repeat(10_000) });
    const h = new RunHistory(s.jsm, S, { runs: 100, bytes: 5_000 });
    await h.foldTo("rbig", big);
    expect([h.size(), h.bytes()]).toEqual([0, 0]);
    const small = s.append(S.submitted(RUN), submitted);
    await h.foldTo(RUN, small);
    expect(h.size()).toBe(1);
    h.forget(RUN);
    expect([h.size(), h.bytes()]).toEqual([0, 0]);
  });
});

describe("RunHistory with the planner's delivery coverage", () => {
  it("folds a delivered event without reading the stream when this process was handed every earlier event of the run", async () => {
    const { s, seqs } = runLog();
    const h = new RunHistory(s.jsm, S);
    const cov = new DeliveryCoverage(S.stream, [S.allEvents()]);
    const first = foldInHand(h, cov, s.msg(seqs.submitted, 1));
    await first.done;
    expect(first.hand.folded).toBe(true);
    const readsAfterFirst = s.gets();
    let d = 2;
    for (const seq of [seqs.llm1, seqs.tool1, seqs.llm2]) {
      const f = foldInHand(h, cov, s.msg(seq, d++));
      const { applied } = await f.done;
      expect(applied?.seq).toBe(seq);
      expect(f.hand.folded).toBe(true);
    }
    expect(s.gets()).toBe(readsAfterFirst);
    // Same state as folding the log read back from the stream, times included.
    const { state } = await h.foldTo(RUN, seqs.llm2);
    const expected = reduceRun(
      RUN,
      s.log().filter((e) => e.subject.includes(".evt.")),
      S,
    );
    expect(state).toEqual(expected);
  });

  it("reads the stream when a delivery sequence is missing (another instance took a message)", async () => {
    const { s, seqs } = runLog();
    const h = new RunHistory(s.jsm, S);
    const cov = new DeliveryCoverage(S.stream, [S.allEvents()]);
    await foldInHand(h, cov, s.msg(seqs.submitted, 1)).done;
    const before = s.gets();
    // Delivery 2 (the llm result) went to another planner; this one gets delivery 3.
    const { state } = await foldInHand(h, cov, s.msg(seqs.tool1, 3)).done;
    expect(s.gets()).toBeGreaterThan(before);
    expect(state.turns[0]?.llm.turn).toBe(1);
    expect(state.turns[0]?.resultCount).toBe(1);
  });

  it("reads the stream after a handed event was not acked, so the event it missed is folded", async () => {
    const { s, seqs } = runLog();
    const h = new RunHistory(s.jsm, S);
    const cov = new DeliveryCoverage(S.stream, [S.allEvents()]);
    await foldInHand(h, cov, s.msg(seqs.submitted, 1)).done;
    // The llm result is delivered but its handler fails before folding: the consumer lapses.
    cov.delivered(s.msg(seqs.llm1, 2));
    cov.lapsed();
    const before = s.gets();
    const { state } = await foldInHand(h, cov, s.msg(seqs.tool1, 3)).done;
    expect(s.gets()).toBeGreaterThan(before);
    expect(state.turns).toHaveLength(1);
    expect(state.turns[0]?.resultCount).toBe(1);
  });

  it("does not trust a state first read while handling a redelivery", async () => {
    const { s, seqs } = runLog();
    const h = new RunHistory(s.jsm, S);
    const cov = new DeliveryCoverage(S.stream, [S.allEvents()]);
    await foldInHand(h, cov, s.msg(seqs.llm1, 1, 2)).done;
    cov.delivered(s.msg(seqs.submitted, 2, 2));
    const before = s.gets();
    await foldInHand(h, cov, s.msg(seqs.tool1, 3)).done;
    expect(s.gets()).toBeGreaterThan(before);
  });

  it("vouches only for the RunHistory the consumer's handlers fold into, and only inside the handler call", async () => {
    const { s, seqs } = runLog();
    const h = new RunHistory(s.jsm, S);
    const other = new RunHistory(s.jsm, S);
    const cov = new DeliveryCoverage(S.stream, [S.allEvents()]);
    await foldInHand(h, cov, s.msg(seqs.submitted, 1)).done;
    await other.foldTo(RUN, seqs.submitted);
    const before = s.gets();
    const f = foldInHand(other, cov, s.msg(seqs.llm1, 2));
    await f.done;
    expect(f.hand.folded).toBe(false);
    expect(s.gets()).toBeGreaterThan(before);
    // Outside a handler call nothing is in hand: the bound history reads the stream.
    const readsBefore = s.gets();
    await h.foldTo(RUN, seqs.tool1);
    expect(s.gets()).toBeGreaterThan(readsBefore);
  });

  it("does not use a consumer whose filter does not cover every run event", async () => {
    const { s, seqs } = runLog();
    const h = new RunHistory(s.jsm, S);
    const cov = new DeliveryCoverage(S.stream, [`${S.prefix}.run.*.evt.llm.*`]);
    await foldInHand(h, cov, s.msg(seqs.submitted, 1)).done;
    const before = s.gets();
    await foldInHand(h, cov, s.msg(seqs.llm1, 2)).done;
    expect(s.gets()).toBeGreaterThan(before);
  });
});

describe("RunHistory: which deliveries it may fold as they are", () => {
  /** A run whose first event was folded in hand (trusted), and the next event's delivery. */
  async function trustedThen(
    make: (next: JsMsg, cov: DeliveryCoverage, first: JsMsg) => { hand: DeliveryInHand; cov: DeliveryCoverage },
  ) {
    const { s, seqs } = runLog();
    const h = new RunHistory(s.jsm, S);
    const cov = new DeliveryCoverage(S.stream, [S.allEvents()]);
    await foldInHand(h, cov, s.msg(seqs.submitted, 1)).done;
    const next = s.msg(seqs.llm1, 2);
    const { hand, cov: used } = make(next, cov, s.msg(seqs.submitted, 1));
    used.delivered(next);
    const before = s.gets() + s.multis();
    const r = await h.foldTo(RUN, seqs.llm1, { delivery: hand });
    return { read: s.gets() + s.multis() - before, folded: hand.folded, applied: r.applied, seqs };
  }

  it("folds the very delivery of the asked event (the control case: no read)", async () => {
    const r = await trustedThen((next, cov) => ({ hand: { msg: next, key: RUN, coverage: cov, folded: false }, cov }));
    expect([r.read, r.folded, r.applied?.seq]).toEqual([0, true, r.seqs.llm1]);
  });

  it("reads the stream for a delivery of another key, another event, another stream, or a consumer not over every event", async () => {
    /** Another consumer's coverage that saw the run's first event too (so only the checked difference remains). */
    const seen = (c: DeliveryCoverage, first: JsMsg): DeliveryCoverage => (c.delivered(first), c);
    const cases: [
      string,
      (next: JsMsg, cov: DeliveryCoverage, first: JsMsg) => { hand: DeliveryInHand; cov: DeliveryCoverage },
    ][] = [
      ["another key", (next, cov) => ({ hand: { msg: next, key: "r2", coverage: cov, folded: false }, cov })],
      [
        "another event",
        (next, cov) => ({
          hand: { msg: { ...next, seq: next.seq + 1 }, key: RUN, coverage: cov, folded: false },
          cov,
        }),
      ],
      [
        "another stream",
        (next, _cov, first) => {
          const other = seen(new DeliveryCoverage("OTHER", [S.allEvents()]), first);
          return { hand: { msg: next, key: RUN, coverage: other, folded: false }, cov: other };
        },
      ],
      [
        "not a run event's subject",
        (next, cov) => ({
          hand: {
            msg: { ...next, subject: S.llmCommand(RUN, 1, "scripted") },
            key: RUN,
            coverage: cov,
            folded: false,
          },
          cov,
        }),
      ],
      [
        "a consumer over some events only",
        (next, _cov, first) => {
          const some = seen(new DeliveryCoverage(S.stream, [`${S.prefix}.run.*.evt.llm.*`]), first);
          return { hand: { msg: next, key: RUN, coverage: some, folded: false }, cov: some };
        },
      ],
    ];
    for (const [what, make] of cases) {
      const r = await trustedThen(make);
      expect({ what, read: r.read > 0, folded: r.folded }).toEqual({ what, read: true, folded: false });
      expect(r.applied?.seq).toBe(r.seqs.llm1);
    }
  });
});

describe("RunHistory.noteOwn keeps only what can be folded", () => {
  it("ignores an entry for a run it does not hold, one already folded, and one older than the noted one", async () => {
    const { s, h, own } = await afterOwn();
    h.noteOwn("not-cached", entryOf(s, own)); // nothing to note it on
    h.noteOwn(RUN, { ...entryOf(s, own), seq: 1 }); // already folded (the submission's sequence)
    h.noteOwn(RUN, { ...entryOf(s, own), seq: own - 1 }); // older than the noted one
    const before = s.gets() + s.multis();
    const r = await h.foldTo(RUN, own, { hint: { events: 2 } });
    expect(s.gets() + s.multis()).toBe(before);
    expect(r.applied).toMatchObject({ kind: "llm-result", seq: own });
    // A run it does not hold reads the stream even with a noted entry and a count.
    const other = new RunHistory(s.jsm, S);
    other.noteOwn(RUN, entryOf(s, own));
    const b2 = s.gets() + s.multis();
    await other.foldTo(RUN, own, { hint: { events: 2 } });
    expect(s.gets() + s.multis()).toBeGreaterThan(b2);
  });
});

describe("RunHistory.noteOwn (the llm-caller's own responses)", () => {
  it("folds its own appended event without reading it back when the command's event count proves nothing came before it", async () => {
    const s = fakeStream();
    const sub = s.append(S.submitted(RUN), submitted);
    s.append(S.llmCommand(RUN, 1, "scripted"), { v: 1, type: "llm.command", runId: RUN, turn: 1, historySeq: sub });
    const h = new RunHistory(s.jsm, S);
    await h.foldTo(RUN, sub, { hint: { events: 1 } });
    const own = s.append(S.llmResult(RUN, 1), llm(1));
    h.noteOwn(RUN, entryOf(s, own));
    s.append(S.toolCommand(RUN, 1, 0, "noop"), {});
    const t1 = s.append(S.toolResult(RUN, 1, 0, "noop"), tool(1));
    const before = s.gets();
    const { state } = await h.foldTo(RUN, t1, { hint: { events: 3 } });
    // One Direct Get: the tool result (found from after our own response); ours was not read.
    expect(s.gets() - before).toBe(1);
    expect(state).toEqual(
      reduceRun(
        RUN,
        s.log().filter((e) => e.subject.includes(".evt.")),
        S,
      ),
    );
    expect(state.events).toBe(3);
  });

  it("folds the run again from the stream when another event came before its own one", async () => {
    const s = fakeStream();
    const sub = s.append(S.submitted(RUN), submitted);
    const h = new RunHistory(s.jsm, S);
    await h.foldTo(RUN, sub, { hint: { events: 1 } });
    // A cancel signal lands between the cached state and our own response.
    s.append(S.signal(RUN, "cancel"), {
      v: 1,
      type: "run.signal",
      runId: RUN,
      signal: "cancel",
      at: "2025-01-01T00:00:05.000Z",
    });
    const own = s.append(S.llmResult(RUN, 1), llm(1));
    h.noteOwn(RUN, entryOf(s, own));
    const t1 = s.append(S.toolResult(RUN, 1, 0, "noop"), tool(1));
    const { state } = await h.foldTo(RUN, t1, { hint: { events: 4 } });
    expect(state.cancel).toBeDefined();
    expect(state.events).toBe(4);
    expect(state).toEqual(
      reduceRun(
        RUN,
        s.log().filter((e) => e.subject.includes(".evt.")),
        S,
      ),
    );
  });

  it("without an event count, reads the run's events from the stream", async () => {
    const s = fakeStream();
    const sub = s.append(S.submitted(RUN), submitted);
    const h = new RunHistory(s.jsm, S);
    await h.foldTo(RUN, sub);
    const own = s.append(S.llmResult(RUN, 1), llm(1));
    h.noteOwn(RUN, entryOf(s, own));
    const t1 = s.append(S.toolResult(RUN, 1, 0, "noop"), tool(1));
    const before = s.gets();
    const { state } = await h.foldTo(RUN, t1);
    expect(s.gets() - before).toBe(2);
    expect(state.turns[0]?.resultCount).toBe(1);
  });

  it("fetches the events after its own response by sequence when the command lists them (no filtered scan)", async () => {
    const { s, h, own } = await afterOwn(twoCalls());
    const t0 = s.append(S.toolResult(RUN, 1, 0, "noop"), { ...tool(1), callId: "a" });
    s.append(S.llmResult("other", 1), llm(1)); // another run's message in between
    const t1 = s.append(S.toolResult(RUN, 1, 1, "noop"), { ...tool(1), index: 1, callId: "b" });
    const gets = s.gets();
    const scans = s.scans();
    const { state } = await h.foldTo(RUN, t1, { hint: { events: 4, since: own, seqs: [t0, t1] } });
    expect(s.gets() - gets).toBe(2);
    expect(s.scans() - scans).toBe(0);
    expect(state.turns[0]!.resultCount).toBe(2);
    expect(state).toEqual(
      reduceRun(
        RUN,
        s.log().filter((e) => e.subject.startsWith(`${S.prefix}.run.${RUN}.evt.`)),
        S,
      ),
    );
  });

  it("a list that misses an event is caught by the count: the run is folded again", async () => {
    const { s, h, own } = await afterOwn();
    s.append(S.signal(RUN, "cancel"), {
      v: 1,
      type: "run.signal",
      runId: RUN,
      signal: "cancel",
      at: "2025-01-01T00:00:05.000Z",
    });
    const t1 = s.append(S.toolResult(RUN, 1, 0, "noop"), tool(1));
    const { state } = await h.foldTo(RUN, t1, { hint: { events: 4, since: own, seqs: [t1] } });
    // (No check that the signal comes before t1: the fake assigns sequences in append order, so it could not fail.)
    // The signal the list left out is folded, at its place: the state is the whole log's.
    expect(state.cancel).toMatchObject({ at: "2025-01-01T00:00:05.000Z" });
    expect(state.events).toBe(4);
    expect(state).toEqual(
      reduceRun(
        RUN,
        s.log().filter((e) => e.subject.includes(".evt.")),
        S,
      ),
    );
  });
});

describe("RunHistory.foldTo: what folding the asked event did, on every path", () => {
  it("a read from the stream, a repeat from the cache (no read), the own event and listed sequences each give the asked event's fold", async () => {
    const { s, seqs } = runLog();
    const h = new RunHistory(s.jsm, S);
    const first = await h.foldTo(RUN, seqs.llm1);
    expect(first.applied).toMatchObject({ kind: "llm-result", seq: seqs.llm1, turn: 1 });
    // Asked again for the same event (a redelivery): the cached fold, nothing read.
    const reads = [s.gets(), s.multis()];
    const again = await h.foldTo(RUN, seqs.llm1);
    expect([s.gets(), s.multis()]).toEqual(reads);
    expect(again.applied).toBe(first.applied);
    // An older point of a cached run: folded from the start, and the asked event's fold given.
    const older = await h.foldTo(RUN, seqs.submitted);
    expect(older.applied).toMatchObject({ kind: "submitted", seq: seqs.submitted });
    expect(older.state.lastSeq).toBe(seqs.submitted);
    // A sequence that is not one of the run's events: no fold of it.
    const gap = await h.foldTo(RUN, seqs.tool1);
    expect(gap.applied).toMatchObject({ kind: "tool-result", seq: seqs.tool1 });
  });

  it("the own event and each listed sequence give the asked event's fold, not another's", async () => {
    const own1 = await afterOwn(twoCalls());
    const before = [own1.s.gets(), own1.s.multis()];
    const mine = await own1.h.foldTo(RUN, own1.own, { hint: { events: 2 } });
    expect([own1.s.gets(), own1.s.multis()]).toEqual(before);
    expect(mine.applied).toMatchObject({ kind: "llm-result", seq: own1.own });
    const { s, h, own } = await afterOwn(twoCalls());
    const t0 = s.append(S.toolResult(RUN, 1, 0, "noop"), { ...tool(1), callId: "a" });
    const t1 = s.append(S.toolResult(RUN, 1, 1, "noop"), { ...tool(1), index: 1, callId: "b" });
    const r = await h.foldTo(RUN, t1, { hint: { events: 4, since: own, seqs: [t0, t1] } });
    expect(r.applied).toMatchObject({ kind: "tool-result", seq: t1, index: 1 });
    // A listed sequence outside (own, seq] is not fetched.
    const { s: s2, h: h2, own: own2 } = await afterOwn(twoCalls());
    const u0 = s2.append(S.toolResult(RUN, 1, 0, "noop"), { ...tool(1), callId: "a" });
    const gets = s2.gets();
    const r2 = await h2.foldTo(RUN, u0, { hint: { events: 3, since: own2, seqs: [own2 - 1, u0, u0 + 5] } });
    expect(s2.gets() - gets).toBe(1);
    expect(r2.applied).toMatchObject({ kind: "tool-result", seq: u0 });
  });
});

describe("RunHistory.prefetch (tool results the stream republished)", () => {
  it("takes the events a command lists from the prefetched ones: no Direct Get, the same state", async () => {
    const { s, h, own } = await afterOwn(twoCalls());
    const t0 = s.append(S.toolResult(RUN, 1, 0, "noop"), { ...tool(1), callId: "a" });
    const t1 = s.append(S.toolResult(RUN, 1, 1, "noop"), { ...tool(1), index: 1, callId: "b" });
    h.prefetch(entryOf(s, t1));
    h.prefetch(entryOf(s, t0));
    expect(h.prefetchedCount()).toBe(2);
    const gets = s.gets();
    const { state } = await h.foldTo(RUN, t1, { hint: { events: 4, since: own, seqs: [t0, t1] } });
    expect(s.gets() - gets).toBe(0);
    expect(h.prefetchedCount()).toBe(0); // taken, not kept twice
    expect(state).toEqual(
      reduceRun(
        RUN,
        s.log().filter((e) => e.subject.includes(".evt.")),
        S,
      ),
    );
  });

  it("reads what was not prefetched, and the count check still catches an event the list missed", async () => {
    const { s, h, own } = await afterOwn(twoCalls());
    const t0 = s.append(S.toolResult(RUN, 1, 0, "noop"), { ...tool(1), callId: "a" });
    s.append(S.signal(RUN, "cancel"), {
      v: 1,
      type: "run.signal",
      runId: RUN,
      signal: "cancel",
      at: "2025-01-01T00:00:05.000Z",
    });
    const t1 = s.append(S.toolResult(RUN, 1, 1, "noop"), { ...tool(1), index: 1, callId: "b" });
    h.prefetch(entryOf(s, t0));
    const gets = s.gets();
    // t1 was not prefetched (read by sequence); the signal is not listed (the count catches it).
    const { state } = await h.foldTo(RUN, t1, { hint: { events: 5, since: own, seqs: [t0, t1] } });
    expect(s.gets() - gets).toBeGreaterThan(0);
    // (No check that the signal's sequence precedes t1: the fake assigns them in append order.)
    expect(state.cancel).toMatchObject({ at: "2025-01-01T00:00:05.000Z" });
    expect(state.events).toBe(5);
    expect(state).toEqual(
      reduceRun(
        RUN,
        s.log().filter((e) => e.subject.includes(".evt.")),
        S,
      ),
    );
  });

  it("does not fold a prefetched entry of another run under the listed sequence", async () => {
    const { s, h, own } = await afterOwn();
    const t1 = s.append(S.toolResult(RUN, 1, 0, "noop"), tool(1));
    h.prefetch({ ...entryOf(s, t1), subject: S.toolResult("other", 1, 0, "noop") });
    const { state } = await h.foldTo(RUN, t1, { hint: { events: 3, since: own, seqs: [t1] } });
    expect(state).toEqual(
      reduceRun(
        RUN,
        s.log().filter((e) => e.subject.includes(".evt.")),
        S,
      ),
    );
  });

  it("keeps at most its bounds: the oldest entries go first", () => {
    const s = fakeStream();
    const h = new RunHistory(s.jsm, S, { runs: 10, bytes: 1024 * 1024 }, { entries: 3, bytes: 2_000 });
    for (let i = 1; i <= 5; i++)
      h.prefetch({
        seq: i,
        subject: S.toolResult(RUN, i, 0, "noop"),
        data: new Uint8Array(10),
        time: "2025-01-01T00:00:00.000Z",
      });
    expect(h.prefetchedCount()).toBe(3);
    h.prefetch({
      seq: 6,
      subject: S.toolResult(RUN, 6, 0, "noop"),
      data: new Uint8Array(1_700),
      time: "2025-01-01T00:00:00.000Z",
    });
    expect(h.prefetchedCount()).toBe(1);
    h.prefetch({
      seq: 7,
      subject: S.toolResult(RUN, 7, 0, "noop"),
      data: new Uint8Array(3_000),
      time: "2025-01-01T00:00:00.000Z",
    });
    expect(h.prefetchedCount()).toBe(1); // larger than the whole bound: not kept
  });
});

describe("republishedEntry", () => {
  const server = (extra: [string, string][] = []) => {
    const h = headers();
    for (const [k, v] of extra) h.append(k, v); // the stored message's own headers come first
    h.append("Nats-Stream", "T_RUNS");
    h.append("Nats-Subject", S.toolResult(RUN, 1, 0, "noop"));
    h.append("Nats-Sequence", "7");
    h.append("Nats-Time-Stamp", "2025-01-01T00:00:01.123456789Z");
    return h;
  };

  it("is the stored message as a Direct Get gives it, with its own copy of the data", () => {
    const chunk = new Uint8Array([9, 9, 1, 2, 3, 9]);
    const e = republishedEntry("T_RUNS", { data: chunk.subarray(2, 5), headers: server() });
    expect(e).toEqual({
      seq: 7,
      subject: S.toolResult(RUN, 1, 0, "noop"),
      data: new Uint8Array([1, 2, 3]),
      time: "2025-01-01T00:00:01.123Z",
    });
    expect(e!.data.buffer.byteLength).toBe(3); // not a view into the socket read
  });

  it("refuses a message whose stored headers claim a sequence, subject or stream (a forgery), or of another stream", () => {
    expect(
      republishedEntry("T_RUNS", { data: new Uint8Array(1), headers: server([["Nats-Sequence", "3"]]) }),
    ).toBeUndefined();
    expect(
      republishedEntry("T_RUNS", {
        data: new Uint8Array(1),
        headers: server([["Nats-Subject", S.signal(RUN, "cancel")]]),
      }),
    ).toBeUndefined();
    expect(
      republishedEntry("T_RUNS", { data: new Uint8Array(1), headers: server([["Nats-Stream", "T_RUNS"]]) }),
    ).toBeUndefined();
    expect(republishedEntry("OTHER", { data: new Uint8Array(1), headers: server() })).toBeUndefined();
    expect(republishedEntry("T_RUNS", { data: new Uint8Array(1) })).toBeUndefined();
  });
});
