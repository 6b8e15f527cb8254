// appendOnce against a real nats-server: which append outcomes count as "recorded" (only the
// once-only refusal of a second message on a subject) and which are thrown (everything else).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { connect, headers, type NatsConnection } from "@nats-io/transport-node";
import {
  DiscardPolicy,
  jetstream,
  jetstreamManager,
  RetentionPolicy,
  StorageType,
  type JetStreamClient,
  type JetStreamManager,
  type StreamConfig,
} from "@nats-io/jetstream";
import { startNatsServer, startTcpProxy, uniquePrefix, type RunningNatsServer, type TcpProxy } from "@cairn/testing";
import { withSpan } from "@cairn/telemetry";
import { appendOnce, type AppendResult } from "./publish.js";
import { startTracing } from "@cairn/tracing";

let server: RunningNatsServer;
let nc: NatsConnection;
let js: JetStreamClient;
let jsm: JetStreamManager;

beforeAll(async () => {
  server = await startNatsServer();
  nc = await connect({ servers: server.url });
  js = jetstream(nc);
  jsm = await jetstreamManager(nc);
});
afterAll(async () => {
  await nc?.close();
  await server?.stop({ clean: true });
});

/** A write-once stream like the runs stream (one message per subject, discard new per subject), with extra limits. */
async function writeOnceStream(
  extra: Partial<StreamConfig> = {},
): Promise<{ name: string; subject: (s: string) => string }> {
  const p = uniquePrefix("a");
  const name = p.toUpperCase();
  await jsm.streams.add({
    name,
    subjects: [`${p}.>`],
    retention: RetentionPolicy.Limits,
    storage: StorageType.File,
    max_msgs_per_subject: 1,
    discard: DiscardPolicy.New,
    discard_new_per_subject: true,
    allow_direct: true,
    ...extra,
  });
  return { name, subject: (s) => `${p}.${s}` };
}

const bytes = (s: string): Uint8Array => new TextEncoder().encode(s);

/** The append's outcome: its result, or the error it threw (never both). */
async function outcome(
  p: Promise<AppendResult>,
): Promise<{ result?: AppendResult; error?: Error & { code?: number } }> {
  try {
    return { result: await p };
  } catch (error) {
    return { error: error as Error };
  }
}

describe("appendOnce: what counts as recorded", () => {
  it("stored: a first append is recorded with its stream sequence", async () => {
    const s = await writeOnceStream();
    const r = await appendOnce(js, s.subject("evt.x"), bytes("one"));
    expect(r.duplicate).toBe(false);
    expect(r.seq).toBeGreaterThan(0);
    const m = await jsm.streams.getMessage(s.name, { last_by_subj: s.subject("evt.x") });
    expect(m?.seq).toBe(r.seq);
    expect(m?.string()).toBe("one");
  });

  it("once-only refusal (10077, maximum messages per subject) counts as already recorded and changes nothing", async () => {
    const s = await writeOnceStream();
    const first = await appendOnce(js, s.subject("evt.x"), bytes("first"));
    const second = await appendOnce(js, s.subject("evt.x"), bytes("second"));
    expect(second).toEqual({ seq: 0, duplicate: true });
    const m = await jsm.streams.getMessage(s.name, { last_by_subj: s.subject("evt.x") });
    expect({ seq: m?.seq, data: m?.string() }).toEqual({ seq: first.seq, data: "first" });
  });
});

describe("appendOnce: every other failure is thrown, never reported as recorded", () => {
  it("no responders (no stream on the subject) throws", async () => {
    const o = await outcome(appendOnce(js, `${uniquePrefix("nostream")}.evt.x`, bytes("x"), { timeoutMs: 2_000 }));
    expect(o.result, "an append no stream took must not pass for recorded").toBeUndefined();
    expect(o.error?.message).toMatch(/jetstream is not enabled|no responders/i);
  });

  it("JetStream unavailable (the server answers 503 / 10008 for the stream) throws", async () => {
    // A real server and client; the answer is the one JetStream gives while its stream has no leader.
    const subject = `${uniquePrefix("unavail")}.evt.x`;
    const sub = nc.subscribe(subject, {
      callback: (_e, m) => {
        m.respond(
          JSON.stringify({
            type: "io.nats.jetstream.api.v1.pub_ack",
            error: { code: 503, err_code: 10008, description: "JetStream system temporarily unavailable" },
          }),
        );
      },
    });
    try {
      const o = await outcome(appendOnce(js, subject, bytes("x"), { timeoutMs: 2_000 }));
      expect(o.result).toBeUndefined();
      expect(o.error?.message).toMatch(/temporarily unavailable/);
    } finally {
      sub.unsubscribe();
    }
  });

  it("another store failure with code 10077 (maximum messages exceeded on a full stream) throws", async () => {
    const s = await writeOnceStream({ max_msgs: 1 });
    await appendOnce(js, s.subject("evt.a"), bytes("a"));
    const o = await outcome(appendOnce(js, s.subject("evt.b"), bytes("b")));
    expect(
      o.result,
      `a full stream must not pass for "already recorded" (got ${JSON.stringify(o.result)})`,
    ).toBeUndefined();
    expect(o.error?.message).toMatch(/maximum messages exceeded/i);
    expect(o.error?.message).not.toMatch(/per subject/i);
    expect(await jsm.streams.getMessage(s.name, { last_by_subj: s.subject("evt.b") })).toBeNull();
  });

  it("another store failure with code 10077 (maximum bytes exceeded on a full stream) throws", async () => {
    const s = await writeOnceStream({ max_bytes: 1024 });
    await appendOnce(js, s.subject("evt.a"), bytes("a".repeat(600)));
    const o = await outcome(appendOnce(js, s.subject("evt.b"), bytes("b".repeat(600))));
    expect(
      o.result,
      `a full stream must not pass for "already recorded" (got ${JSON.stringify(o.result)})`,
    ).toBeUndefined();
    expect(o.error?.message).toMatch(/maximum bytes exceeded/i);
    expect(await jsm.streams.getMessage(s.name, { last_by_subj: s.subject("evt.b") })).toBeNull();
  });

  it("a message over the stream's max_msg_size throws", async () => {
    const s = await writeOnceStream({ max_msg_size: 256 });
    const o = await outcome(appendOnce(js, s.subject("evt.big"), bytes("x".repeat(1000))));
    expect(o.result).toBeUndefined();
    expect(o.error?.message).toMatch(/message size exceeds maximum/i);
    expect(await jsm.streams.getMessage(s.name, { last_by_subj: s.subject("evt.big") })).toBeNull();
  });

  it("an error carrying 10077 with another message (any failed store) throws, whatever the text around it", async () => {
    const subject = `${uniquePrefix("store")}.evt.x`;
    const sub = nc.subscribe(subject, {
      callback: (_e, m) => {
        m.respond(
          JSON.stringify({
            type: "io.nats.jetstream.api.v1.pub_ack",
            error: { code: 503, err_code: 10077, description: "error storing message: disk full" },
          }),
        );
      },
    });
    try {
      const o = await outcome(appendOnce(js, subject, bytes("x"), { timeoutMs: 2_000 }));
      expect(o.result).toBeUndefined();
      expect(o.error?.message).toMatch(/disk full/);
    } finally {
      sub.unsubscribe();
    }
  });

  it("a refusal in the per-subject words under another code than 10077 throws: the code decides, not the text", async () => {
    const subject = `${uniquePrefix("code")}.evt.x`;
    const sub = nc.subscribe(subject, {
      callback: (_e, m) => {
        m.respond(
          JSON.stringify({
            type: "io.nats.jetstream.api.v1.pub_ack",
            error: { code: 400, err_code: 10999, description: "maximum messages per subject exceeded" },
          }),
        );
      },
    });
    try {
      const o = await outcome(appendOnce(js, subject, bytes("x"), { timeoutMs: 2_000 }));
      expect(o.result, "only error 10077 is the once-only refusal").toBeUndefined();
      expect(o.error?.code).toBe(10999);
    } finally {
      sub.unsubscribe();
    }
  });

  describe("through a stalled connection", () => {
    let proxy: TcpProxy;
    let pnc: NatsConnection;
    beforeAll(async () => {
      proxy = await startTcpProxy(server.url);
      pnc = await connect({ servers: proxy.url, reconnect: false });
    });
    afterAll(async () => {
      await pnc?.close().catch(() => undefined);
      await proxy?.close();
    });

    it("a timeout (the publish ack never arrives) throws, and a later append finds the subject's message", async () => {
      const s = await writeOnceStream();
      const pjs = jetstream(pnc);
      proxy.drop("down");
      const o = await outcome(appendOnce(pjs, s.subject("evt.x"), bytes("x"), { timeoutMs: 300 }));
      proxy.heal();
      expect(o.result, "a timed-out append must not pass for recorded").toBeUndefined();
      expect(o.error?.name ?? o.error?.message).toMatch(/timeout/i);
      // The server did store it (only its answer was lost): the retry is the once-only refusal.
      expect(await appendOnce(js, s.subject("evt.x"), bytes("x"))).toEqual({ seq: 0, duplicate: true });
    });

    it("the caller's timeoutMs applies, not the default: an answer later than it is a timeout", async () => {
      const s = await writeOnceStream();
      const pjs = jetstream(pnc);
      // The server's answer comes 1.5 s late: past the 300 ms asked for, well within the 10 s default.
      proxy.delay(1_500, "down");
      try {
        const o = await outcome(appendOnce(pjs, s.subject("evt.late"), bytes("x"), { timeoutMs: 300 }));
        expect(o.result, "an answer after timeoutMs must not count").toBeUndefined();
        expect(o.error?.name ?? o.error?.message).toMatch(/timeout/i);
        // Everything delayed has arrived once a PING's PONG is back: healing then keeps the byte order.
        await pnc.flush();
      } finally {
        proxy.heal();
      }
    });

    it("a timeout with nothing stored (both directions stalled) throws, and the retry records it", async () => {
      const s = await writeOnceStream();
      const pjs = jetstream(pnc);
      proxy.drop("both");
      const o = await outcome(appendOnce(pjs, s.subject("evt.y"), bytes("y"), { timeoutMs: 300 }));
      proxy.heal();
      expect(o.result).toBeUndefined();
      expect(o.error?.name ?? o.error?.message).toMatch(/timeout/i);
      expect(await jsm.streams.getMessage(s.name, { last_by_subj: s.subject("evt.y") })).toBeNull();
      const r = await appendOnce(pjs, s.subject("evt.y"), bytes("y"));
      expect(r.duplicate).toBe(false);
    });
  });
});

describe("appendOnce: headers", () => {
  it("keeps the caller's headers, and adds the active span's trace context (traceparent) when tracing is on", async () => {
    const s = await writeOnceStream();
    await appendOnce(js, s.subject("evt.h1"), bytes("x"), { headers: { "Cairn-Events": "7" } });
    const h = headers();
    h.set("Cairn-Since", "3");
    await appendOnce(js, s.subject("evt.h2"), bytes("x"), { headers: h });
    // A record is a record even with a header named like a method.
    await appendOnce(js, s.subject("evt.h0"), bytes("x"), { headers: { get: "yes" } });
    expect((await jsm.streams.getMessage(s.name, { last_by_subj: s.subject("evt.h0") }))?.header.get("get")).toBe(
      "yes",
    );

    expect(
      (await jsm.streams.getMessage(s.name, { last_by_subj: s.subject("evt.h1") }))?.header.get("Cairn-Events"),
    ).toBe("7");
    expect(
      (await jsm.streams.getMessage(s.name, { last_by_subj: s.subject("evt.h2") }))?.header.get("Cairn-Since"),
    ).toBe("3");

    // Tracing on for the rest of this test process (spans exported nowhere: the endpoint refuses
    // connections; not flushed, which would wait for the refusals' retries).
    const t = await startTracing({
      serviceName: "publish-test",
      env: { OTEL_EXPORTER_OTLP_ENDPOINT: "http://127.0.0.1:9", OTEL_EXPORTER_OTLP_PROTOCOL: "http/json" },
    });
    expect(t.enabled).toBe(true);
    let traceId = "";
    await withSpan("step", {}, async (span) => {
      traceId = span!.spanContext().traceId;
      await appendOnce(js, s.subject("evt.h3"), bytes("x"), { headers: { "Cairn-Events": "9" } });
      await appendOnce(js, s.subject("evt.h4"), bytes("x"));
    });
    for (const subj of ["evt.h3", "evt.h4"]) {
      const m = await jsm.streams.getMessage(s.name, { last_by_subj: s.subject(subj) });
      expect(m?.header.get("traceparent"), `${subj} carries no trace context`).toMatch(
        new RegExp(`^00-${traceId}-[0-9a-f]{16}-0[01]$`),
      );
    }
    expect(
      (await jsm.streams.getMessage(s.name, { last_by_subj: s.subject("evt.h3") }))?.header.get("Cairn-Events"),
    ).toBe("9");
  });
});
