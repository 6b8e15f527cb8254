// The consume loop (startConsumer) against a real nats-server, read off the wire: the reply it
// sends for each message ($JS.ACK.<stream>.<consumer>.…: +ACK, -NAK with its delay, +TERM, +WPI),
// how many messages each pull request asks for ($JS.API.CONSUMER.MSG.NEXT), the order messages
// reach the handler, what a keyed consumer vouches for, what it logs, and what stop() does to work
// in flight. Each test has its own stream; nothing here measures how long anything took.
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { connect, type NatsConnection, type Subscription } from "@nats-io/transport-node";
import {
  AckPolicy,
  DiscardPolicy,
  jetstream,
  jetstreamManager,
  RetentionPolicy,
  StorageType,
  type ConsumerInfo,
  type JetStreamClient,
  type JetStreamManager,
  type JsMsg,
} from "@nats-io/jetstream";
import { pino } from "pino";
import { startNatsServer, uniquePrefix, waitFor, type RunningNatsServer } from "@cairn/testing";
import {
  startConsumer,
  type ConsumeOptions,
  type Disposition,
  type RunningConsumer,
  type WorkContext,
} from "./consume.js";
import { ensureConsumer } from "./provision.js";

let server: RunningNatsServer;
let nc: NatsConnection;
let js: JetStreamClient;
let jsm: JetStreamManager;
const running: RunningConsumer[] = [];
const subs: Subscription[] = [];

beforeAll(async () => {
  server = await startNatsServer();
  nc = await connect({ servers: server.url });
  js = jetstream(nc);
  jsm = await jetstreamManager(nc);
});
afterEach(async () => {
  await Promise.all(running.splice(0).map((c) => c.stop()));
  for (const s of subs.splice(0)) s.unsubscribe();
});
afterAll(async () => {
  await nc?.close();
  await server?.stop({ clean: true });
});

const bytes = (s: string): Uint8Array => new TextEncoder().encode(s);
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
/** A command's name: the last token of its subject. */
const nameOf = (m: JsMsg): string => m.subject.split(".").pop()!;

/** A promise the test resolves when it chooses. */
function gate(): { wait: Promise<void>; open: () => void } {
  let open!: () => void;
  const wait = new Promise<void>((r) => (open = r));
  return { wait, open };
}
/** Resolves when `signal` aborts. */
const aborted = (signal: AbortSignal): Promise<void> =>
  new Promise((r) => (signal.aborted ? r() : signal.addEventListener("abort", () => r(), { once: true })));

/** A reply the consumer sent for one of its messages, as the server saw it. */
interface Reply {
  name: string;
  deliveries: number;
  body: string;
  /** Sent as a request (the server confirms it): `ackAck`. */
  confirmed: boolean;
}

/** A log line without pino's own fields (time, pid, hostname). */
type Line = Record<string, unknown> & { level: number; msg: string };

/**
 * A write-once stream (`<p>.>`) with a durable consumer (on `<p>.cmd.>` unless `filters` says
 * otherwise), the consumer's replies and pull requests as the server sees them, a logger that keeps
 * every line, and `start` for a consumer on it.
 */
async function setup(opts: { ackWaitMs?: number; filters?: string[] } = {}) {
  const p = uniquePrefix("l");
  const stream = p.toUpperCase();
  const durable = "worker";
  const ackWaitMs = opts.ackWaitMs ?? 30_000;
  const filters = (opts.filters ?? ["cmd.>"]).map((f) => `${p}.${f}`);
  await jsm.streams.add({
    name: stream,
    subjects: [`${p}.>`],
    retention: RetentionPolicy.Limits,
    storage: StorageType.File,
    max_msgs_per_subject: 1,
    discard: DiscardPolicy.New,
    discard_new_per_subject: true,
  });
  const provision = () =>
    ensureConsumer(jsm, stream, { durable, filterSubjects: filters, ackWaitMs, maxDeliver: 20, replicas: 1 });
  await provision();

  const names = new Map<number, string>();
  const wire: { seq: number; deliveries: number; body: string; confirmed: boolean }[] = [];
  const pulls: number[] = [];
  subs.push(
    nc.subscribe("$JS.ACK.>", {
      callback: (err, m) => {
        if (err) return;
        // $JS.ACK.<stream>.<consumer>.<deliveries>.<stream seq>.… (with <domain>.<account hash> first in the long form)
        const t = m.subject.split(".");
        const o = t.length >= 12 ? 4 : 2;
        if (t[o] !== stream || t[o + 1] !== durable) return;
        wire.push({ seq: Number(t[o + 3]), deliveries: Number(t[o + 2]), body: m.string(), confirmed: !!m.reply });
      },
    }),
    nc.subscribe(`$JS.API.CONSUMER.MSG.NEXT.${stream}.${durable}`, {
      callback: (err, m) => {
        if (!err) pulls.push(m.json<{ batch: number }>().batch);
      },
    }),
  );
  await nc.flush();

  const lines: Line[] = [];
  const log = pino(
    { level: "debug" },
    {
      write: (s: string) => {
        const { time: _t, pid: _p, hostname: _h, ...line } = JSON.parse(s) as Line;
        lines.push(line);
      },
    },
  );

  const replies = (): Reply[] => wire.map(({ seq, ...r }) => ({ name: names.get(seq) ?? `#${seq}`, ...r }));
  return {
    p,
    stream,
    durable,
    filters,
    provision,
    /** Publishes `<p>.cmd.<name>`; returns its stream sequence. */
    async command(name: string): Promise<number> {
      const seq = (await js.publish(`${p}.cmd.${name}`, bytes(name))).seq;
      names.set(seq, name);
      return seq;
    },
    subject: (name: string) => `${p}.cmd.${name}`,
    info: (): Promise<ConsumerInfo> => jsm.consumers.info(stream, durable),
    replies,
    /** The bodies of the replies sent for one message. */
    repliesTo: (name: string): string[] =>
      replies()
        .filter((r) => r.name === name)
        .map((r) => r.body),
    /** The `batch` of every pull request so far. */
    pulls: (): number[] => [...pulls],
    /** The log lines with this message text, without it. */
    logged: (msg: string): Record<string, unknown>[] =>
      lines.filter((l) => l.msg === msg).map(({ msg: _m, ...rest }) => rest),
    async start(o: Partial<ConsumeOptions> & Pick<ConsumeOptions, "handle">): Promise<RunningConsumer> {
      const c = await startConsumer({ js, stream, durable, concurrency: 4, ackWaitMs, log, ...o });
      running.push(c);
      return c;
    },
  };
}

/** Waits until the server has seen `n` replies for `name`. */
const repliedTo = (s: Awaited<ReturnType<typeof setup>>, name: string, n = 1, ms = 10_000) =>
  waitFor(`${n} replies for ${name} (seen: ${JSON.stringify(s.replies())})`, () => s.repliesTo(name).length >= n, ms);

const DEBUG = 20;
const INFO = 30;
const WARN = 40;
const ERROR = 50;

describe("startConsumer: the reply each disposition sends", () => {
  it("{ack} is one +ACK sent after the handler resolved, not a request; the message is logged when received and when settled", async () => {
    const s = await setup();
    const settled: { d: Disposition; subject: string }[] = [];
    const contexts: { delivery: unknown; aborted: boolean }[] = [];
    await s.start({
      handle: async (_m, ctx) => {
        contexts.push({ delivery: ctx.delivery, aborted: ctx.signal.aborted });
        return { ack: true };
      },
      afterSettle: (d, subject) => settled.push({ d, subject }),
    });
    const seq = await s.command("one");
    await repliedTo(s, "one");
    expect(s.replies()).toEqual([{ name: "one", deliveries: 1, body: "+ACK", confirmed: false }]);
    expect(settled).toEqual([{ d: { ack: true }, subject: s.subject("one") }]);
    // Not keyed: no delivery in hand; the signal is not aborted while the consumer runs.
    expect(contexts).toEqual([{ delivery: undefined, aborted: false }]);
    expect(s.logged("message received")).toEqual([{ level: DEBUG, subject: s.subject("one"), seq, deliveries: 1 }]);
    expect(s.logged("message settled")).toEqual([{ level: DEBUG, subject: s.subject("one"), seq, disposition: "ack" }]);
    expect(s.logged("redelivered message taken up")).toEqual([]);
    const i = await waitFor("the ack floor", async () => {
      const i = await s.info();
      return i.ack_floor.stream_seq === seq && i;
    });
    expect(i.num_ack_pending).toBe(0);
  });

  it("doubleAck: the ack is a request the server confirms before afterSettle runs", async () => {
    const s = await setup();
    let afterAck: Promise<ConsumerInfo> | undefined;
    await s.start({
      doubleAck: true,
      handle: async () => ({ ack: true }),
      // The server confirmed the ack: the consumer's ack floor is already past the message.
      afterSettle: () => {
        afterAck = s.info();
      },
    });
    const seq = await s.command("one");
    await repliedTo(s, "one");
    expect(s.replies()).toEqual([{ name: "one", deliveries: 1, body: "+ACK", confirmed: true }]);
    const i = await waitFor("afterSettle", () => afterAck);
    expect(i.ack_floor.stream_seq).toBe(seq);
    expect(i.num_ack_pending).toBe(0);
  });

  it("{nak: ms} is -NAK with that delay, {nak: 0} a plain -NAK (redelivered at once, logged at info), {term: reason} +TERM with the reason", async () => {
    const s = await setup();
    const settled: { d: Disposition; subject: string }[] = [];
    await s.start({
      handle: async (m) => {
        const name = nameOf(m);
        if (name === "later") return { nak: 60_000 };
        if (name === "poison") return { term: "poison pill" };
        return m.info.deliveryCount === 1 ? { nak: 0 } : { ack: true };
      },
      afterSettle: (d, subject) => settled.push({ d, subject }),
    });
    const later = await s.command("later");
    const again = await s.command("again");
    const poison = await s.command("poison");
    await repliedTo(s, "later");
    await repliedTo(s, "again", 2);
    await repliedTo(s, "poison");
    expect(s.repliesTo("later")).toEqual([`-NAK {"delay":60000000000}`]);
    expect(s.repliesTo("poison")).toEqual(["+TERM poison pill"]);
    expect(s.replies().filter((r) => r.name === "again")).toEqual([
      { name: "again", deliveries: 1, body: "-NAK", confirmed: false },
      { name: "again", deliveries: 2, body: "+ACK", confirmed: false },
    ]);
    const dispositions = (subject: string) => settled.filter((x) => x.subject === subject).map((x) => x.d);
    expect(dispositions(s.subject("later"))).toEqual([{ nak: 60_000 }]);
    expect(dispositions(s.subject("poison"))).toEqual([{ term: "poison pill" }]);
    expect(dispositions(s.subject("again"))).toEqual([{ nak: 0 }, { ack: true }]);
    const settledLines = (seq: number) => s.logged("message settled").filter((l) => l["seq"] === seq);
    expect(settledLines(later)).toEqual([
      { level: DEBUG, subject: s.subject("later"), seq: later, disposition: "nak" },
    ]);
    expect(settledLines(poison)).toEqual([
      { level: DEBUG, subject: s.subject("poison"), seq: poison, disposition: "term" },
    ]);
    expect(settledLines(again).map((l) => l["disposition"])).toEqual(["nak", "ack"]);
    // A first delivery is logged at debug, a redelivery at info with its count.
    expect(s.logged("redelivered message taken up")).toEqual([
      { level: INFO, subject: s.subject("again"), seq: again, deliveries: 2 },
    ]);
    expect(
      s
        .logged("message received")
        .map((l) => [l["seq"], l["deliveries"], l["level"]])
        .sort(),
    ).toEqual(
      [
        [later, 1, DEBUG],
        [again, 1, DEBUG],
        [poison, 1, DEBUG],
      ].sort(),
    );
  });

  it("a handler that throws is nak'd with a delay that doubles with each delivery (250 ms, 500 ms), each failure logged as an error", async () => {
    const s = await setup();
    await s.start({
      handle: async (m) => {
        if (m.info.deliveryCount < 3) throw new Error(`append failed (attempt ${m.info.deliveryCount})`);
        return { ack: true };
      },
    });
    const seq = await s.command("flaky");
    await repliedTo(s, "flaky", 3);
    expect(s.replies()).toEqual([
      { name: "flaky", deliveries: 1, body: `-NAK {"delay":250000000}`, confirmed: false },
      { name: "flaky", deliveries: 2, body: `-NAK {"delay":500000000}`, confirmed: false },
      { name: "flaky", deliveries: 3, body: "+ACK", confirmed: false },
    ]);
    const failures = s.logged("handler failed; message will be redelivered");
    expect(failures.map(({ err, ...l }) => ({ ...l, err: (err as { message: string }).message }))).toEqual([
      { level: ERROR, subject: s.subject("flaky"), seq, deliveries: 1, err: "append failed (attempt 1)" },
      { level: ERROR, subject: s.subject("flaky"), seq, deliveries: 2, err: "append failed (attempt 2)" },
    ]);
  });
});

describe("startConsumer: pulling", () => {
  it("holds no more messages than its slots: the first pull asks for `concurrency`, none is made while all are busy, handlers run in parallel up to it", async () => {
    const s = await setup();
    const names = ["m1", "m2", "m3", "m4", "m5"];
    for (const n of names) await s.command(n);
    const release = gate();
    const started: string[] = [];
    let runningNow = 0;
    let most = 0;
    const c = await s.start({
      concurrency: 3,
      handle: async (m) => {
        started.push(nameOf(m));
        most = Math.max(most, ++runningNow);
        await release.wait;
        runningNow--;
        return { ack: true };
      },
    });
    await waitFor("three handlers running", () => started.length === 3, 10_000);
    // Time for a loop that pulled past its slots to show it.
    await sleep(300);
    const busy = await s.info();
    expect(started).toEqual(["m1", "m2", "m3"]);
    expect(c.inFlight()).toBe(3);
    expect(s.pulls()).toEqual([3]);
    expect(busy.num_ack_pending).toBe(3);
    expect(busy.num_pending).toBe(2);
    release.open();
    await waitFor("all five acked", () => names.every((n) => s.repliesTo(n).length === 1), 10_000);
    expect(started.sort()).toEqual(names);
    expect(most).toBe(3);
    expect(s.pulls().every((b) => b >= 1 && b <= 3)).toBe(true);
    await waitFor("nothing in flight", () => c.inFlight() === 0);
  });

  it("with one slot free and the rest busy, it pulls for that one (waiting for more slots only a moment)", async () => {
    const s = await setup();
    // 8 slots: under load it waits for 2 free slots, but only briefly.
    const holds = ["h1", "h2", "h3", "h4", "h5", "h6", "h7"];
    for (const n of [...holds, "quick"]) await s.command(n);
    const release = gate();
    const handled: string[] = [];
    await s.start({
      concurrency: 8,
      handle: async (m) => {
        if (holds.includes(nameOf(m))) await release.wait;
        handled.push(nameOf(m));
        return { ack: true };
      },
    });
    await repliedTo(s, "quick");
    await s.command("late");
    await repliedTo(s, "late");
    expect(handled).toEqual(["quick", "late"]);
    expect(s.pulls()[0]).toBe(8);
    release.open();
    await waitFor("the held ones acked", () => holds.every((n) => s.repliesTo(n).length === 1), 10_000);
  });

  it("under load, slots that free up together go into one pull (8 slots: two finishing in one turn of the event loop make one pull for 2)", async () => {
    const s = await setup();
    const names = ["h0", "h1", "h2", "h3", "h4", "h5", "h6", "h7"];
    for (const n of names) await s.command(n);
    const gates = new Map(names.map((n) => [n, gate()]));
    const started: string[] = [];
    await s.start({
      concurrency: 8,
      handle: async (m) => {
        started.push(nameOf(m));
        await gates.get(nameOf(m))!.wait;
        return { ack: true };
      },
    });
    await waitFor("eight handlers running", () => started.length === 8, 10_000);
    expect(s.pulls()).toEqual([8]);
    gates.get("h0")!.open();
    // The second one finishes after the first freed its slot, before any timer can fire.
    setImmediate(() => gates.get("h1")!.open());
    await waitFor(`a second pull (pulls: ${JSON.stringify(s.pulls())})`, () => s.pulls().length === 2, 10_000);
    expect(s.pulls()).toEqual([8, 2]);
    for (const g of gates.values()) g.open();
    await waitFor("all acked", () => names.every((n) => s.repliesTo(n).length === 1), 10_000);
  });

  it("with enough slots free it pulls at once (4 slots: the first to finish makes a pull for 1, before the next finishes)", async () => {
    const s = await setup();
    const names = ["h0", "h1", "h2", "h3"];
    for (const n of names) await s.command(n);
    const gates = new Map(names.map((n) => [n, gate()]));
    const started: string[] = [];
    await s.start({
      concurrency: 4,
      handle: async (m) => {
        started.push(nameOf(m));
        await gates.get(nameOf(m))!.wait;
        return { ack: true };
      },
    });
    await waitFor("four handlers running", () => started.length === 4, 10_000);
    expect(s.pulls()).toEqual([4]);
    gates.get("h0")!.open();
    setImmediate(() => gates.get("h1")!.open());
    await waitFor(`a second pull (pulls: ${JSON.stringify(s.pulls())})`, () => s.pulls().length === 2, 10_000);
    expect(s.pulls()).toEqual([4, 1]);
    for (const g of gates.values()) g.open();
    await waitFor("all acked", () => names.every((n) => s.repliesTo(n).length === 1), 10_000);
  });
});

describe("startConsumer: keyed dispatch", () => {
  it("one key's messages are handled one at a time in delivery order, other keys' in parallel, each with its delivery in hand", async () => {
    const s = await setup();
    for (const n of ["a1", "a2", "b1", "a3"]) await s.command(n);
    const gates = new Map(["a1", "a2"].map((n) => [n, gate()]));
    const events: string[] = [];
    const hands: Record<string, unknown>[] = [];
    await s.start({
      keyOf: (m) => nameOf(m).slice(0, 1),
      handle: async (m, ctx) => {
        const name = nameOf(m);
        events.push(`start ${name}`);
        const d = ctx.delivery;
        hands.push({
          name,
          key: d?.key,
          same: d?.msg === m,
          folded: d?.folded,
          stream: d?.coverage.stream,
          filters: d?.coverage.filters,
        });
        await gates.get(name)?.wait;
        events.push(`end ${name}`);
        return { ack: true };
      },
    });
    // b1 goes through while a1 holds its key; a2 and a3 wait behind a1.
    await repliedTo(s, "b1");
    expect(events).toEqual(["start a1", "start b1", "end b1"]);
    gates.get("a1")!.open();
    await waitFor("a2 started", () => events.includes("start a2"));
    // a4 comes after the first message of its key was done: it still waits behind a2 and a3.
    await s.command("a4");
    await s.command("b2");
    await repliedTo(s, "b2");
    expect(events).toEqual(["start a1", "start b1", "end b1", "end a1", "start a2", "start b2", "end b2"]);
    gates.get("a2")!.open();
    await waitFor("a4 acked", () => s.repliesTo("a4").length === 1);
    expect(events.filter((e) => e.endsWith("a1") || e.endsWith("a2") || e.endsWith("a3") || e.endsWith("a4"))).toEqual([
      "start a1",
      "end a1",
      "start a2",
      "end a2",
      "start a3",
      "end a3",
      "start a4",
      "end a4",
    ]);
    const hand = (name: string, key: string) => ({
      name,
      key,
      same: true,
      folded: false,
      stream: s.stream,
      filters: s.filters,
    });
    expect(hands.sort((x, y) => String(x["name"]).localeCompare(String(y["name"])))).toEqual([
      hand("a1", "a"),
      hand("a2", "a"),
      hand("a3", "a"),
      hand("a4", "a"),
      hand("b1", "b"),
      hand("b2", "b"),
    ]);
  });

  it("a keyed consumer vouches for what it handled and folded; an ack without folding, or a nak, raises the floor to the frontier", async () => {
    const s = await setup({ filters: ["cmd.>", "other.>"] });
    const seen: { name: string; deliveries: number; floor: number; frontier: number; filters: string[] }[] = [];
    await s.start({
      concurrency: 1,
      keyOf: () => "k",
      handle: async (m, ctx) => {
        const d = ctx.delivery!;
        const { floor, frontier, filters } = d.coverage;
        const name = nameOf(m);
        seen.push({ name, deliveries: m.info.deliveryCount, floor, frontier, filters });
        if (name === "c2") return { ack: true }; // acked, not folded
        d.folded = true;
        if (name === "c3" && m.info.deliveryCount === 1) return { nak: 0 }; // folded, not acked
        return { ack: true };
      },
    });
    const seq: Record<string, number> = {};
    for (const n of ["c1", "c2", "c3", "c4"]) {
      seq[n] = await s.command(n);
      await waitFor(`${n} acked`, () => s.repliesTo(n).includes("+ACK"));
    }
    const { c1, c2, c3, c4 } = seq as Record<"c1" | "c2" | "c3" | "c4", number>;
    expect(seen.map(({ filters: _f, ...x }) => x)).toEqual([
      { name: "c1", deliveries: 1, floor: c1 - 1, frontier: c1 },
      { name: "c2", deliveries: 1, floor: c1 - 1, frontier: c2 },
      { name: "c3", deliveries: 1, floor: c2, frontier: c3 },
      { name: "c3", deliveries: 2, floor: c3, frontier: c3 },
      { name: "c4", deliveries: 1, floor: c3, frontier: c4 },
    ]);
    expect(seen[0]!.filters).toEqual(s.filters);
  });

  it("a keyed consumer without filter subjects vouches for the stream under no filter", async () => {
    const s = await setup();
    await jsm.consumers.add(s.stream, { durable_name: "all", ack_policy: AckPolicy.Explicit });
    const filters: string[][] = [];
    const c = await startConsumer({
      js,
      stream: s.stream,
      durable: "all",
      concurrency: 1,
      ackWaitMs: 30_000,
      keyOf: () => "k",
      handle: async (_m, ctx) => {
        filters.push(ctx.delivery!.coverage.filters);
        return { ack: true };
      },
      log: pino({ level: "silent" }),
    });
    running.push(c);
    await s.command("x");
    await waitFor("the message handled", () => filters.length === 1);
    expect(filters).toEqual([[]]);
  });
});

describe("startConsumer: heartbeats", () => {
  it("ctx.heartbeat() sends +WPI for the message at once; none is sent by itself before a quarter of ack_wait", async () => {
    const s = await setup({ ackWaitMs: 60_000 });
    await s.start({
      handle: async (_m, ctx: WorkContext) => {
        ctx.heartbeat();
        await sleep(500);
        return { ack: true };
      },
    });
    await s.command("one");
    await repliedTo(s, "one", 2);
    expect(s.repliesTo("one")).toEqual(["+WPI", "+ACK"]);
  });

  it("a handler running past ack_wait is kept alive by +WPI (at most ack_wait/2 apart): delivered once, acked once", async () => {
    const s = await setup({ ackWaitMs: 800 });
    const deliveries: number[] = [];
    await s.start({
      handle: async (m) => {
        deliveries.push(m.info.deliveryCount);
        // Runs until the server has seen three heartbeats for it (well past ack_wait).
        await waitFor("three heartbeats", () => s.repliesTo("slow").filter((b) => b === "+WPI").length >= 3, 10_000);
        return { ack: true };
      },
    });
    const seq = await s.command("slow");
    await waitFor("the ack", () => s.repliesTo("slow").includes("+ACK"), 15_000);
    const bodies = s.repliesTo("slow");
    expect(bodies.slice(-1)).toEqual(["+ACK"]);
    expect(new Set(bodies.slice(0, -1))).toEqual(new Set(["+WPI"]));
    expect(deliveries).toEqual([1]);
    const i = await s.info();
    expect(i.ack_floor.stream_seq).toBe(seq);
    expect(i.num_redelivered).toBe(0);
    expect(i.delivered.consumer_seq).toBe(1);
  });
});

describe("startConsumer: stop", () => {
  it("stop() aborts the handlers' signal, sends a {nak: delay} given back after it as an immediate -NAK, and resolves once every message is settled", async () => {
    const s = await setup();
    let settled = false;
    let started = false;
    const c = await s.start({
      handle: async (_m, ctx) => {
        started = true;
        await aborted(ctx.signal);
        // Some clean-up after the abort, before giving the work back.
        await sleep(200);
        return { nak: 30_000 };
      },
      afterSettle: () => (settled = true),
    });
    await s.command("one");
    await waitFor("the handler", () => started);
    expect(c.inFlight()).toBe(1);
    await c.stop();
    expect(settled).toBe(true);
    expect(c.inFlight()).toBe(0);
    await repliedTo(s, "one");
    expect(s.repliesTo("one")).toEqual(["-NAK"]);
    expect(s.logged("message settled").map((l) => l["disposition"])).toEqual(["nak"]);
    await c.stop(); // a second stop is harmless
  });

  it("stop(): work finished after the abort is kept ({ack} sends +ACK, {term} +TERM), a handler that throws then is handed back at once", async () => {
    const s = await setup();
    const started: string[] = [];
    const c = await s.start({
      handle: async (m, ctx) => {
        started.push(nameOf(m));
        await aborted(ctx.signal);
        if (nameOf(m) === "done") return { ack: true };
        if (nameOf(m) === "bad") return { term: "bad input" };
        throw new Error("interrupted");
      },
    });
    for (const n of ["done", "bad", "crash"]) await s.command(n);
    await waitFor("three handlers", () => started.length === 3);
    await c.stop();
    await repliedTo(s, "done");
    await repliedTo(s, "bad");
    await repliedTo(s, "crash");
    expect(s.repliesTo("done")).toEqual(["+ACK"]);
    expect(s.repliesTo("bad")).toEqual(["+TERM bad input"]);
    expect(s.repliesTo("crash")).toEqual(["-NAK"]);
    expect(s.logged("handler failed; message will be redelivered").map((l) => l["subject"])).toEqual([
      s.subject("crash"),
    ]);
  });

  it("stop(): a message waiting behind its key is handed back without reaching the handler", async () => {
    const s = await setup();
    for (const n of ["k1", "k2"]) await s.command(n);
    const handled: string[] = [];
    const c = await s.start({
      keyOf: () => "k",
      handle: async (m, ctx) => {
        handled.push(nameOf(m));
        await aborted(ctx.signal);
        return { ack: true };
      },
    });
    await waitFor("k1 handled", () => handled.length === 1);
    await c.stop();
    await repliedTo(s, "k1");
    await repliedTo(s, "k2");
    expect(handled).toEqual(["k1"]);
    expect(s.repliesTo("k1")).toEqual(["+ACK"]);
    expect(s.repliesTo("k2")).toEqual(["-NAK"]);
  });

  it("stop(): a message delivered while handlers are still finishing is handed back at once, not handled", async () => {
    const s = await setup();
    const release = gate();
    const handled: string[] = [];
    const c = await s.start({
      concurrency: 2,
      handle: async (m) => {
        handled.push(nameOf(m));
        await release.wait; // ignores the abort: stop() waits for it
        return { ack: true };
      },
    });
    await s.command("first");
    await waitFor("first handled", () => handled.length === 1);
    const stopping = c.stop();
    await s.command("second");
    await repliedTo(s, "second");
    expect(s.repliesTo("second")).toEqual(["-NAK"]);
    release.open();
    await stopping;
    await repliedTo(s, "first");
    expect(handled).toEqual(["first"]);
    expect(s.repliesTo("first")).toEqual(["+ACK"]);
  });

  it("stop() while every slot is busy makes no further pull", async () => {
    const s = await setup();
    let started = false;
    const c = await s.start({
      concurrency: 1,
      handle: async (_m, ctx) => {
        started = true;
        await aborted(ctx.signal);
        return { ack: true };
      },
    });
    await s.command("one");
    await waitFor("the handler", () => started);
    expect(s.pulls()).toEqual([1]);
    await c.stop();
    await nc.flush();
    expect(s.pulls()).toEqual([1]);
    expect(s.repliesTo("one")).toEqual(["+ACK"]);
  });
});

describe("startConsumer: when the server fails it", () => {
  it("doubleAck: an ack the server never confirms (the consumer was deleted meanwhile) is logged as a warning, and the message still counts as settled", async () => {
    const s = await setup();
    const settled: Disposition[] = [];
    await s.start({
      // The confirmation is awaited for the client's request timeout.
      js: jetstream(nc, { timeout: 500 }),
      doubleAck: true,
      handle: async () => {
        await jsm.consumers.delete(s.stream, s.durable);
        return { ack: true };
      },
      afterSettle: (d) => settled.push(d),
    });
    await s.command("one");
    await waitFor("the handler settled", () => settled.length === 1);
    expect(settled).toEqual([{ ack: true }]);
    expect(s.logged("ack failed; the message will be redelivered and its recorded result reused")).toEqual([
      expect.objectContaining({ level: WARN, subject: s.subject("one"), err: expect.anything() }),
    ]);
    expect(s.logged("message settled").map((l) => l["disposition"])).toEqual(["ack"]);
  });

  it("a consumer deleted under a running loop: failed pulls are logged as warnings, and messages are taken up again once it is recreated", async () => {
    const s = await setup();
    const handled: string[] = [];
    await s.start({
      handle: async (m) => {
        handled.push(nameOf(m));
        return { ack: true };
      },
    });
    await s.command("m1");
    await repliedTo(s, "m1");
    await jsm.consumers.delete(s.stream, s.durable);
    const failed = () => s.logged("pulling messages failed; retrying");
    await waitFor("a failed pull logged", () => failed().length > 0, 15_000);
    expect(failed()[0]).toEqual(expect.objectContaining({ level: WARN, durable: s.durable, err: expect.anything() }));
    // Recreated, the consumer starts from the stream's first message again.
    await s.provision();
    await s.command("m2");
    await waitFor(`m2 handled (handled: ${JSON.stringify(handled)})`, () => handled.includes("m2"), 15_000);
    expect(handled).toEqual(["m1", "m1", "m2"]);
  });
});
