/**
 * An OTLP/HTTP trace receiver for tests: a node:http server that takes what the real OpenTelemetry
 * exporter POSTs to `/v1/traces` (OTLP/HTTP with protobuf bodies, gzipped or not) and decodes the
 * `ExportTraceServiceRequest` with protobufjs, so a test can assert on exactly what Jaeger would
 * receive.
 */
import { createServer, type Server } from "node:http";
import { gunzipSync } from "node:zlib";
import protobuf from "protobufjs";

// The part of OTLP's trace schema a receiver needs (opentelemetry-proto, collector/trace/v1 and
// the messages it uses), written down here with OTLP's field numbers and types.
const OTLP_TRACE_PROTO = `
syntax = "proto3";
package otlp;

message ExportTraceServiceRequest { repeated ResourceSpans resource_spans = 1; }
message ResourceSpans { Resource resource = 1; repeated ScopeSpans scope_spans = 2; string schema_url = 3; }
message Resource { repeated KeyValue attributes = 1; uint32 dropped_attributes_count = 2; }
message ScopeSpans { InstrumentationScope scope = 1; repeated Span spans = 2; string schema_url = 3; }
message InstrumentationScope { string name = 1; string version = 2; repeated KeyValue attributes = 3; uint32 dropped_attributes_count = 4; }
message Span {
  bytes trace_id = 1;
  bytes span_id = 2;
  string trace_state = 3;
  bytes parent_span_id = 4;
  fixed32 flags = 16;
  string name = 5;
  int32 kind = 6;
  fixed64 start_time_unix_nano = 7;
  fixed64 end_time_unix_nano = 8;
  repeated KeyValue attributes = 9;
  uint32 dropped_attributes_count = 10;
  message Event { fixed64 time_unix_nano = 1; string name = 2; repeated KeyValue attributes = 3; uint32 dropped_attributes_count = 4; }
  repeated Event events = 11;
  uint32 dropped_events_count = 12;
  message Link { bytes trace_id = 1; bytes span_id = 2; string trace_state = 3; repeated KeyValue attributes = 4; uint32 dropped_attributes_count = 5; fixed32 flags = 6; }
  repeated Link links = 13;
  uint32 dropped_links_count = 14;
  Status status = 15;
}
message Status { string message = 2; int32 code = 3; }
message KeyValue { string key = 1; AnyValue value = 2; }
message AnyValue {
  oneof value {
    string string_value = 1;
    bool bool_value = 2;
    int64 int_value = 3;
    double double_value = 4;
    ArrayValue array_value = 5;
    KeyValueList kvlist_value = 6;
    bytes bytes_value = 7;
  }
}
message ArrayValue { repeated AnyValue values = 1; }
message KeyValueList { repeated KeyValue values = 1; }
`;

const root = protobuf.parse(OTLP_TRACE_PROTO, { keepCase: false }).root;
const ExportTraceServiceRequest = root.lookupType("otlp.ExportTraceServiceRequest");

export type AttrValue = string | number | boolean | AttrValue[] | { [k: string]: AttrValue } | null;

/** SpanKind as OTLP numbers it. */
export const Kind = { INTERNAL: 1, SERVER: 2, CLIENT: 3, PRODUCER: 4, CONSUMER: 5 } as const;
/** Status code as OTLP numbers it. */
export const Status = { UNSET: 0, OK: 1, ERROR: 2 } as const;

/** One received span, ids in lowercase hex, times in ms since the epoch. */
export interface ReceivedSpan {
  traceId: string;
  spanId: string;
  /** "" for a root span. */
  parentSpanId: string;
  name: string;
  kind: number;
  startMs: number;
  endMs: number;
  attributes: Record<string, AttrValue>;
  events: { name: string; attributes: Record<string, AttrValue> }[];
  links: { traceId: string; spanId: string }[];
  status: { code: number; message: string };
  resource: Record<string, AttrValue>;
  scope: string;
}

export interface OtlpReceiver {
  /** For OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:<port>`. */
  url: string;
  spans: ReceivedSpan[];
  /** Requests received, and how many could not be decoded. */
  requests: number;
  failures: string[];
  close(): Promise<void>;
}

const hex = (b: Uint8Array | undefined): string => (b ? Buffer.from(b).toString("hex") : "");

interface PbAny {
  stringValue?: string;
  boolValue?: boolean;
  intValue?: { toString(): string } | number | string;
  doubleValue?: number;
  arrayValue?: { values?: PbAny[] };
  kvlistValue?: { values?: PbKv[] };
  bytesValue?: Uint8Array;
  value?: string;
}
interface PbKv {
  key: string;
  value?: PbAny;
}

function anyValue(v: PbAny | undefined): AttrValue {
  if (!v) return null;
  switch (v.value) {
    case "stringValue":
      return v.stringValue ?? "";
    case "boolValue":
      return v.boolValue ?? false;
    case "intValue":
      return Number(String(v.intValue));
    case "doubleValue":
      return v.doubleValue ?? 0;
    case "arrayValue":
      return (v.arrayValue?.values ?? []).map(anyValue);
    case "kvlistValue":
      return attrs(v.kvlistValue?.values);
    case "bytesValue":
      return hex(v.bytesValue);
    default:
      return null;
  }
}

function attrs(kvs: PbKv[] | undefined): Record<string, AttrValue> {
  const out: Record<string, AttrValue> = {};
  for (const kv of kvs ?? []) out[kv.key] = anyValue(kv.value);
  return out;
}

const nanosToMs = (n: string | number | undefined): number => Number(BigInt(n ?? 0) / 1000n) / 1000;

/** Decodes one protobuf ExportTraceServiceRequest body into spans. */
export function decodeTraces(body: Uint8Array): ReceivedSpan[] {
  const msg = ExportTraceServiceRequest.decode(body);
  const obj = ExportTraceServiceRequest.toObject(msg, { longs: String, oneofs: true, defaults: false }) as {
    resourceSpans?: {
      resource?: { attributes?: PbKv[] };
      scopeSpans?: { scope?: { name?: string }; spans?: Record<string, any>[] }[];
    }[];
  };
  const out: ReceivedSpan[] = [];
  for (const rs of obj.resourceSpans ?? []) {
    const resource = attrs(rs.resource?.attributes);
    for (const ss of rs.scopeSpans ?? []) {
      for (const s of ss.spans ?? []) {
        out.push({
          traceId: hex(s["traceId"]),
          spanId: hex(s["spanId"]),
          parentSpanId: hex(s["parentSpanId"]),
          name: s["name"] ?? "",
          kind: s["kind"] ?? 0,
          startMs: nanosToMs(s["startTimeUnixNano"]),
          endMs: nanosToMs(s["endTimeUnixNano"]),
          attributes: attrs(s["attributes"]),
          events: ((s["events"] ?? []) as { name?: string; attributes?: PbKv[] }[]).map((e) => ({
            name: e.name ?? "",
            attributes: attrs(e.attributes),
          })),
          links: ((s["links"] ?? []) as { traceId?: Uint8Array; spanId?: Uint8Array }[]).map((l) => ({
            traceId: hex(l.traceId),
            spanId: hex(l.spanId),
          })),
          status: { code: s["status"]?.code ?? 0, message: s["status"]?.message ?? "" },
          resource,
          scope: ss.scope?.name ?? "",
        });
      }
    }
  }
  return out;
}

/** Starts the receiver on a free loopback port. */
export async function startOtlpReceiver(): Promise<OtlpReceiver> {
  const spans: ReceivedSpan[] = [];
  const failures: string[] = [];
  let requests = 0;
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      requests++;
      try {
        if (req.method !== "POST" || req.url !== "/v1/traces") throw new Error(`unexpected ${req.method} ${req.url}`);
        let body: Buffer = Buffer.concat(chunks);
        if (req.headers["content-encoding"] === "gzip") body = gunzipSync(body);
        const type = req.headers["content-type"] ?? "";
        if (!type.startsWith("application/x-protobuf")) throw new Error(`unexpected content-type ${type}`);
        spans.push(...decodeTraces(body));
        res.writeHead(200, { "content-type": "application/x-protobuf" });
        res.end();
      } catch (err) {
        failures.push((err as Error).message);
        res.writeHead(400);
        res.end();
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const addr = server.address();
  const port = typeof addr === "object" && addr ? addr.port : 0;
  return {
    url: `http://127.0.0.1:${port}`,
    spans,
    get requests() {
      return requests;
    },
    failures,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
