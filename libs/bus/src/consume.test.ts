// The consume loop against a real nats-server: a message is acked only after its handler resolved
// (so only after the handler's appends were confirmed); a handler that throws — an append that
// failed — is never acked and comes back; {nak} and {term} do what they say.
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { connect, type NatsConnection } from "@nats-io/transport-node";
import {
  DiscardPolicy,
  jetstream,
  jetstreamManager,
  RetentionPolicy,
  StorageType,
  type ConsumerInfo,
  type JetStreamClient,
  type JetStreamManager,
} from "@nats-io/jetstream";
import { silentLogger, withSpan } from "@cairn/telemetry";
import { startNatsServer, uniquePrefix, waitFor, type RunningNatsServer } from "@cairn/testing";
import { startConsumer, type Disposition, type RunningConsumer } from "./consume.js";
import { ensureConsumer } from "./provision.js";
import { appendOnce } from "./publish.js";
import { startTracing } from "@cairn/tracing";

let server: RunningNatsServer;
let nc: NatsConnection;
let js: JetStreamClient;
let jsm: JetStreamManager;
const running: RunningConsumer[] = [];

beforeAll(async () => {
  server = await startNatsServer();
  nc = await connect({ servers: server.url });
  js = jetstream(nc);
  jsm = await jetstreamManager(nc);
});
afterEach(async () => {
  await Promise.all(running.splice(0).map((c) => c.stop()));
});
afterAll(async () => {
  await nc?.close();
  await server?.stop({ clean: true });
});

const bytes = (s: string): Uint8Array => new TextEncoder().encode(s);

/** A write-once stream (`<p>.>`) with a durable consumer on `<p>.cmd.>`, as `cairn provision` makes them. */
async function setup(ackWaitMs: number) {
  const p = uniquePrefix("c");
  const stream = p.toUpperCase();
  await jsm.streams.add({
    name: stream,
    subjects: [`${p}.>`],
    retention: RetentionPolicy.Limits,
    storage: StorageType.File,
    max_msgs_per_subject: 1,
    discard: DiscardPolicy.New,
    discard_new_per_subject: true,
    allow_direct: true,
  });
  const durable = "worker";
  const filters = [`${p}.cmd.>`];
  await ensureConsumer(jsm, stream, { durable, filterSubjects: filters, ackWaitMs, maxDeliver: 20, replicas: 1 });
  const info = (): Promise<ConsumerInfo> => jsm.consumers.info(stream, durable);
  /** Publishes a command; returns its stream sequence. */
  const command = async (name: string): Promise<number> => (await js.publish(`${p}.cmd.${name}`, bytes(name))).seq;
  return { p, stream, durable, filters, info, command };
}

type Setup = Awaited<ReturnType<typeof setup>>;

/** A delivered message as these tests look at it. */
interface Delivered {
  subject: string;
  seq: number;
  deliveries: number;
  data: Uint8Array;
}

async function consume(
  s: Setup,
  ackWaitMs: number,
  handle: (m: Delivered) => Promise<Disposition>,
): Promise<RunningConsumer> {
  const c = await startConsumer({
    js,
    stream: s.stream,
    durable: s.durable,
    concurrency: 4,
    ackWaitMs,
    handle: (m) => handle({ subject: m.subject, seq: m.seq, deliveries: m.info.deliveryCount, data: m.data }),
    log: silentLogger(),
  });
  running.push(c);
  return c;
}

/** Acked: the consumer's ack floor is at or past `seq` and nothing is pending. */
const acked = async (s: Setup, seq: number): Promise<ConsumerInfo | false> => {
  const i = await s.info();
  return i.ack_floor.stream_seq >= seq && i.num_ack_pending === 0 ? i : false;
};
const figures = (i: ConsumerInfo) =>
  JSON.stringify({
    ack_floor: i.ack_floor,
    delivered: i.delivered,
    num_ack_pending: i.num_ack_pending,
    num_redelivered: i.num_redelivered,
  });

describe("consume loop: ack only after the handler's appends are confirmed", () => {
  it("a handler whose append throws is not acked: the message is redelivered, and its result recorded once", async () => {
    const s = await setup(30_000);
    const deliveries: number[] = [];
    const result = `${s.p}.evt.result`;
    await consume(s, 30_000, async (m) => {
      deliveries.push(m.deliveries);
      // First attempt: the append fails (no stream takes this subject: no responders).
      const subject = m.deliveries === 1 ? `${uniquePrefix("nowhere")}.evt.result` : result;
      await appendOnce(js, subject, bytes("done"), { timeoutMs: 2_000 });
      return { ack: true };
    });
    const seq = await s.command("one");
    // The nak comes with a short delay (ack_wait is 30 s): the redelivery arrives well before ack_wait.
    const i = await waitFor(
      `command ${seq} acked after a redelivery (deliveries seen: ${JSON.stringify(deliveries)})`,
      () => acked(s, seq),
      15_000,
    );
    expect(deliveries, figures(i)).toEqual([1, 2]);
    expect((await jsm.streams.getMessage(s.stream, { last_by_subj: result }))?.string()).toBe("done");
  });

  it("{ack: true} reaches the server only after the handler resolved (its append confirmed first)", async () => {
    const s = await setup(30_000);
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    let appended = 0;
    const result = `${s.p}.evt.result`;
    await consume(s, 30_000, async () => {
      appended = (await appendOnce(js, result, bytes("done"))).seq;
      await gate;
      return { ack: true };
    });
    const seq = await s.command("one");
    await waitFor("the handler's append", () => appended > 0, 10_000);
    // The append is confirmed, the handler has not resolved: the message is held, not acked.
    const held = await s.info();
    expect(held.num_ack_pending, figures(held)).toBe(1);
    expect(held.ack_floor.stream_seq, figures(held)).toBeLessThan(seq);
    release();
    const i = await waitFor(`command ${seq} acked`, () => acked(s, seq), 10_000);
    expect(i.delivered.consumer_seq, figures(i)).toBe(1);
  });

  it("a handler that throws is never acked, on every delivery, until it succeeds", async () => {
    const s = await setup(30_000);
    const deliveries: number[] = [];
    await consume(s, 30_000, async (m) => {
      deliveries.push(m.deliveries);
      if (m.deliveries < 3) throw new Error(`append failed (attempt ${m.deliveries})`);
      return { ack: true };
    });
    const seq = await s.command("one");
    const i = await waitFor(
      `command ${seq} acked (deliveries seen: ${JSON.stringify(deliveries)})`,
      () => acked(s, seq),
      15_000,
    );
    expect(deliveries, figures(i)).toEqual([1, 2, 3]);
  });

  it("{nak: ms} redelivers after that delay, long before ack_wait", async () => {
    const s = await setup(60_000);
    const seen: { deliveries: number; at: number }[] = [];
    await consume(s, 60_000, async (m) => {
      seen.push({ deliveries: m.deliveries, at: Date.now() });
      return m.deliveries === 1 ? { nak: 400 } : { ack: true };
    });
    const seq = await s.command("one");
    const i = await waitFor(
      `command ${seq} redelivered and acked (seen ${JSON.stringify(seen)})`,
      () => acked(s, seq),
      15_000,
    );
    expect(
      seen.map((x) => x.deliveries),
      figures(i),
    ).toEqual([1, 2]);
    // Not before the delay asked for (the server's clock and ours: a little slack).
    expect(seen[1]!.at - seen[0]!.at).toBeGreaterThanOrEqual(350);
  });

  it("{term} is never redelivered, even after ack_wait", async () => {
    const s = await setup(500);
    const deliveries: string[] = [];
    await consume(s, 500, async (m) => {
      deliveries.push(`${m.subject}#${m.deliveries}`);
      return m.subject.endsWith(".bad") ? { term: "poison" } : { ack: true };
    });
    const bad = await s.command("bad");
    await waitFor(`command ${bad} terminated`, () => acked(s, bad), 10_000);
    // Three ack_waits later, and after a later message went through, it has not come back.
    await new Promise((r) => setTimeout(r, 1_500));
    const good = await s.command("good");
    const i = await waitFor(`command ${good} acked`, () => acked(s, good), 10_000);
    expect(deliveries, figures(i)).toEqual([`${s.p}.cmd.bad#1`, `${s.p}.cmd.good#1`]);
    expect(i.num_redelivered).toBe(0);
  });

  it("a message whose handler is still running is not redelivered when ack_wait passes (heartbeats), and is acked once", async () => {
    const s = await setup(600);
    const deliveries: number[] = [];
    await consume(s, 600, async (m) => {
      deliveries.push(m.deliveries);
      await new Promise((r) => setTimeout(r, 2_000));
      return { ack: true };
    });
    const seq = await s.command("slow");
    const i = await waitFor(`command ${seq} acked`, () => acked(s, seq), 15_000);
    expect(deliveries, figures(i)).toEqual([1]);
  });

  it("startConsumer: on stop, in-flight work is handed back (nak) at once, not acked", async () => {
    const s = await setup(60_000);
    let started = false;
    const c = await startConsumer({
      js,
      stream: s.stream,
      durable: s.durable,
      concurrency: 1,
      ackWaitMs: 60_000,
      handle: async (_m, ctx) => {
        started = true;
        // Work that gives up when aborted (as a tool does with its AbortSignal).
        await new Promise<void>((_r, reject) =>
          ctx.signal.addEventListener("abort", () => reject(new Error("aborted")), { once: true }),
        );
        return { ack: true };
      },
      log: silentLogger(),
    });
    const seq = await s.command("one");
    await waitFor("the handler to start", () => started, 10_000);
    await c.stop();
    // Handed back: a second consumer gets it again long before the 60 s ack_wait.
    const deliveries: number[] = [];
    await consume(s, 60_000, async (m) => {
      deliveries.push(m.deliveries);
      return { ack: true };
    });
    const i = await waitFor(`command ${seq} redelivered after stop`, () => acked(s, seq), 10_000);
    expect(deliveries, figures(i)).toEqual([2]);
  });

  it("a handler's appends carry the trace context of the message it handles (trace headers kept)", async () => {
    const s = await setup(30_000);
    // Tracing on for the rest of this test process; spans are exported nowhere (not flushed).
    await startTracing({
      serviceName: "consume-test",
      env: { OTEL_EXPORTER_OTLP_ENDPOINT: "http://127.0.0.1:9", OTEL_EXPORTER_OTLP_PROTOCOL: "http/json" },
    });
    const result = (name: string) => `${s.p}.evt.${name}`;
    await consume(s, 30_000, async (m) => {
      await appendOnce(js, result(m.subject.split(".").pop()!), bytes("done"));
      return { ack: true };
    });
    let traceId = "";
    await withSpan("decide", {}, async (span) => {
      traceId = span!.spanContext().traceId;
      await appendOnce(js, `${s.p}.cmd.traced`, bytes("traced"));
    });
    await js.publish(`${s.p}.cmd.plain`, bytes("plain"));
    const get = (name: string) =>
      jsm.streams.getMessage(s.stream, { last_by_subj: result(name) }).then((m) => m ?? undefined);
    const traced = await waitFor("the traced command's result", () => get("traced"), 10_000);
    expect(traced.header?.get("traceparent"), "the result lost its command's trace context").toMatch(
      new RegExp(`^00-${traceId}-`),
    );
    const plain = await waitFor("the plain command's result", () => get("plain"), 10_000);
    expect(plain.header?.get("traceparent") ?? "", "a command without trace context got a result with one").toBe("");
  });
});
