// The consume loop's spans, as an OTLP receiver gets them: one span per handler attempt of a
// message that carries trace context, ended with the attempt's disposition (`cairn.disposition`),
// a {term} reason as its error status and a handler's failure recorded on it. Tracing is on for the
// whole of this test process (its own file, so no other test runs with it).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { connect, type NatsConnection } from "@nats-io/transport-node";
import {
  DiscardPolicy,
  jetstream,
  jetstreamManager,
  RetentionPolicy,
  StorageType,
  type JetStreamClient,
  type JetStreamManager,
} from "@nats-io/jetstream";
import { silentLogger, withSpan } from "@cairn/telemetry";
import {
  startHttpServer,
  startNatsServer,
  uniquePrefix,
  waitFor,
  type RunningNatsServer,
  type TestHttpServer,
} from "@cairn/testing";
import { shutdownTracing, startTracing } from "@cairn/tracing";
import { startConsumer, type Disposition, type RunningConsumer } from "./consume.js";
import { ensureConsumer } from "./provision.js";
import { appendOnce } from "./publish.js";

let server: RunningNatsServer;
let receiver: TestHttpServer;
let nc: NatsConnection;
let js: JetStreamClient;
let jsm: JetStreamManager;
let consumer: RunningConsumer | undefined;
const ENV = ["OTEL_EXPORTER_OTLP_ENDPOINT", "OTEL_EXPORTER_OTLP_PROTOCOL"] as const;

beforeAll(async () => {
  server = await startNatsServer();
  nc = await connect({ servers: server.url });
  js = jetstream(nc);
  jsm = await jetstreamManager(nc);
  receiver = await startHttpServer((_req, res) => {
    res.writeHead(200, { "content-type": "application/json" });
    res.end("{}");
  });
  // The OTLP exporter reads its endpoint from the process environment itself.
  const env = { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.origin, OTEL_EXPORTER_OTLP_PROTOCOL: "http/json" };
  Object.assign(process.env, env);
  const t = await startTracing({ serviceName: "consume-trace-test", env });
  expect(t.exporter).toBe("otlp http/json");
});
afterAll(async () => {
  await consumer?.stop();
  await shutdownTracing();
  for (const k of ENV) delete process.env[k];
  await nc?.close();
  await receiver?.close();
  await server?.stop({ clean: true });
});

const bytes = (s: string): Uint8Array => new TextEncoder().encode(s);

interface OtlpValue {
  stringValue?: string;
  intValue?: number | string;
  boolValue?: boolean;
}
interface OtlpSpan {
  name: string;
  attributes?: { key: string; value: OtlpValue }[];
  status?: { code?: number; message?: string };
  events?: { name: string }[];
}

/** Every span the receiver got, with its attributes as a plain object. */
function receivedSpans() {
  const out: {
    name: string;
    attrs: Record<string, unknown>;
    status: { code: number; message?: string };
    events: string[];
  }[] = [];
  for (const r of receiver.received) {
    const body = r.body as { resourceSpans?: { scopeSpans?: { spans?: OtlpSpan[] }[] }[] };
    for (const rs of body.resourceSpans ?? [])
      for (const ss of rs.scopeSpans ?? [])
        for (const sp of ss.spans ?? []) {
          const attrs: Record<string, unknown> = {};
          for (const a of sp.attributes ?? [])
            attrs[a.key] =
              a.value.stringValue ??
              a.value.boolValue ??
              (a.value.intValue !== undefined ? Number(a.value.intValue) : undefined);
          out.push({
            name: sp.name,
            attrs,
            status: { code: sp.status?.code ?? 0, ...(sp.status?.message ? { message: sp.status.message } : {}) },
            events: (sp.events ?? []).map((e) => e.name),
          });
        }
  }
  return out;
}

describe("startConsumer: one span per handler attempt", () => {
  it("ends each attempt's span with its disposition: ack, nak, term (its reason as the error status), and a thrown error recorded", async () => {
    const p = uniquePrefix("tr");
    const stream = p.toUpperCase();
    await jsm.streams.add({
      name: stream,
      subjects: [`${p}.>`],
      retention: RetentionPolicy.Limits,
      storage: StorageType.File,
      max_msgs_per_subject: 1,
      discard: DiscardPolicy.New,
      discard_new_per_subject: true,
    });
    await ensureConsumer(jsm, stream, {
      durable: "worker",
      filterSubjects: [`${p}.cmd.>`],
      ackWaitMs: 30_000,
      maxDeliver: 20,
      replicas: 1,
    });
    const settled: { subject: string; d: Disposition }[] = [];
    consumer = await startConsumer({
      js,
      stream,
      durable: "worker",
      concurrency: 4,
      ackWaitMs: 30_000,
      handle: async (m) => {
        const name = m.subject.split(".").pop();
        if (name === "later") return { nak: 60_000 };
        if (name === "poison") return { term: "poison pill" };
        if (name === "crash" && m.info.deliveryCount === 1) throw new Error("boom");
        return { ack: true };
      },
      afterSettle: (d, subject) => settled.push({ subject, d }),
      log: silentLogger(),
    });
    // Commands published inside a span carry its trace context.
    await withSpan("submit", {}, async () => {
      for (const n of ["ok", "later", "poison", "crash"]) await appendOnce(js, `${p}.cmd.${n}`, bytes(n));
    });
    await waitFor(`every attempt settled (${JSON.stringify(settled)})`, () => settled.length === 5, 15_000);
    await consumer.stop();
    consumer = undefined;
    await shutdownTracing();

    const attempts = receivedSpans()
      .filter((s) => s.name.startsWith(`process ${p}.cmd.`))
      .map((s) => ({
        name: s.name.split(".").pop(),
        attempt: s.attrs["cairn.attempt"],
        disposition: s.attrs["cairn.disposition"],
        status: s.status,
        events: s.events,
      }))
      .sort((a, b) => `${a.name}${String(a.attempt)}`.localeCompare(`${b.name}${String(b.attempt)}`));
    expect(attempts).toEqual([
      { name: "crash", attempt: 1, disposition: "nak", status: { code: 2, message: "boom" }, events: ["exception"] },
      { name: "crash", attempt: 2, disposition: "ack", status: { code: 0 }, events: [] },
      { name: "later", attempt: 1, disposition: "nak", status: { code: 0 }, events: [] },
      { name: "ok", attempt: 1, disposition: "ack", status: { code: 0 }, events: [] },
      { name: "poison", attempt: 1, disposition: "term", status: { code: 2, message: "poison pill" }, events: [] },
    ]);
  });
});
