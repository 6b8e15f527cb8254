/**
 * The OpenTelemetry SDK for a Cairn process, configured by the standard `OTEL_*` variables alone.
 *
 * Tracing is on when an OTLP endpoint is named (`OTEL_EXPORTER_OTLP_ENDPOINT` or
 * `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT`) or `OTEL_TRACES_EXPORTER` asks for `otlp` / `console`; it
 * is off with `OTEL_TRACES_EXPORTER=none` or `OTEL_SDK_DISABLED=true`. Off means the SDK is never
 * loaded (its modules are imported only when tracing starts): every span Cairn asks for is the
 * OpenTelemetry API's no-op span, and the hot paths skip their tracing work on `tracingEnabled()`.
 *
 * On, the exporter is chosen by `OTEL_EXPORTER_OTLP_TRACES_PROTOCOL` / `OTEL_EXPORTER_OTLP_PROTOCOL`
 * (`http/protobuf` by default, `http/json`, `grpc`); the exporters read their endpoint, headers,
 * timeout and compression from the environment themselves, the batch processor reads
 * `OTEL_BSP_*`, the provider reads `OTEL_TRACES_SAMPLER` / `OTEL_TRACES_SAMPLER_ARG`, and the
 * resource takes `OTEL_SERVICE_NAME` and `OTEL_RESOURCE_ATTRIBUTES` over Cairn's defaults.
 */
import { ATTR_SERVICE_NAME, ATTR_SERVICE_NAMESPACE } from "@opentelemetry/semantic-conventions";
import type { SpanExporter, IdGenerator } from "@opentelemetry/sdk-trace-base";
import { randomId, runningTracing, setTracingState, type RunIdOverride } from "@cairn/telemetry/internal";

export interface TracingOptions {
  /** `service.name` unless `OTEL_SERVICE_NAME` (or `OTEL_RESOURCE_ATTRIBUTES`) says otherwise. */
  serviceName: string;
  /** Extra resource attributes (e.g. `service.instance.id`); the environment's win. */
  attributes?: Record<string, string>;
  /** The environment to read; the SDK's exporters also read `process.env` directly. */
  env?: Record<string, string | undefined>;
}

export interface Tracing {
  enabled: boolean;
  /** The exporter in use, for the start log line: "otlp http/protobuf", "console", "none". */
  exporter: string;
  /** Exports every ended span still buffered and stops the SDK (call on SIGTERM / stop). */
  shutdown(): Promise<void>;
}

export type OtlpProtocol = "http/protobuf" | "http/json" | "grpc";
const PROTOCOLS: OtlpProtocol[] = ["http/protobuf", "http/json", "grpc"];

/** Thrown for an `OTEL_*` value Cairn cannot act on (the service reports it at start). */
export class TracingConfigError extends Error {
  override readonly name = "TracingConfigError";
}

/**
 * Hands out random ids, except for the one span started right after `override()`: that span gets
 * the given trace and span ids. Span starts are synchronous, so nothing can slip in between. This
 * is how a run's root span, whose ids were fixed when the run was submitted, is emitted by
 * whichever planner sees the run end (see run-trace.ts).
 */
class RunAwareIdGenerator implements IdGenerator, RunIdOverride {
  private next: { traceId?: string; spanId?: string } | undefined;

  override(ids: { traceId?: string; spanId: string }): void {
    this.next = { ...ids };
  }
  clear(): void {
    this.next = undefined;
  }
  generateTraceId(): string {
    const t = this.next?.traceId;
    if (t) {
      this.next!.traceId = undefined;
      return t;
    }
    return randomId(16);
  }
  generateSpanId(): string {
    const s = this.next?.spanId;
    if (s) {
      this.next!.spanId = undefined;
      return s;
    }
    return randomId(8);
  }
}

function nonEmpty(v: string | undefined): string | undefined {
  const t = v?.trim();
  return t ? t : undefined;
}

/** What the environment asks for: undefined when tracing is off. */
export function tracingChoice(
  env: Record<string, string | undefined>,
): { exporter: "otlp"; protocol: OtlpProtocol } | { exporter: "console" } | undefined {
  if (nonEmpty(env["OTEL_SDK_DISABLED"])?.toLowerCase() === "true") return undefined;
  const names = (nonEmpty(env["OTEL_TRACES_EXPORTER"]) ?? "")
    .split(",")
    .map((s) => s.trim().toLowerCase())
    .filter(Boolean);
  if (names.includes("none")) return undefined;
  const unknown = names.filter((n) => n !== "otlp" && n !== "console");
  if (unknown.length)
    throw new TracingConfigError(
      `invalid configuration:\n  OTEL_TRACES_EXPORTER: ${unknown.join(", ")} is not supported (use otlp, console or none)`,
    );
  if (names.includes("console") && !names.includes("otlp")) return { exporter: "console" };
  const endpoint = nonEmpty(env["OTEL_EXPORTER_OTLP_TRACES_ENDPOINT"]) ?? nonEmpty(env["OTEL_EXPORTER_OTLP_ENDPOINT"]);
  if (!endpoint && !names.includes("otlp")) return undefined;
  const p = (
    nonEmpty(env["OTEL_EXPORTER_OTLP_TRACES_PROTOCOL"]) ??
    nonEmpty(env["OTEL_EXPORTER_OTLP_PROTOCOL"]) ??
    "http/protobuf"
  ).toLowerCase();
  if (!PROTOCOLS.includes(p as OtlpProtocol)) {
    throw new TracingConfigError(
      `invalid configuration:\n  OTEL_EXPORTER_OTLP_PROTOCOL: "${p}" is not one of ${PROTOCOLS.join(", ")}`,
    );
  }
  return { exporter: "otlp", protocol: p as OtlpProtocol };
}

async function makeExporter(choice: NonNullable<ReturnType<typeof tracingChoice>>): Promise<SpanExporter> {
  if (choice.exporter === "console") return new (await import("@opentelemetry/sdk-trace-base")).ConsoleSpanExporter();
  switch (choice.protocol) {
    case "grpc":
      return new (await import("@opentelemetry/exporter-trace-otlp-grpc")).OTLPTraceExporter();
    case "http/json":
      return new (await import("@opentelemetry/exporter-trace-otlp-http")).OTLPTraceExporter();
    case "http/protobuf":
      return new (await import("@opentelemetry/exporter-trace-otlp-proto")).OTLPTraceExporter();
  }
}

/**
 * Starts the OpenTelemetry SDK when the environment asks for tracing (see the module comment),
 * registering it globally: tracer provider, AsyncLocalStorage context manager and the W3C
 * trace-context propagator. Call it first thing in a process's `main`, and `shutdown()` last.
 * Starting twice returns the running SDK's handle.
 */
export async function startTracing(o: TracingOptions): Promise<Tracing> {
  const env = o.env ?? process.env;
  const choice = tracingChoice(env);
  if (!choice) return { enabled: false, exporter: "none", shutdown: async () => undefined };
  const exporterName = choice.exporter === "otlp" ? `otlp ${choice.protocol}` : "console";
  if (runningTracing()) return { enabled: true, exporter: exporterName, shutdown: () => shutdownTracing() };

  const [
    { NodeTracerProvider, BatchSpanProcessor },
    { defaultResource, detectResources, envDetector, resourceFromAttributes },
  ] = await Promise.all([import("@opentelemetry/sdk-trace-node"), import("@opentelemetry/resources")]);
  const exporter = await makeExporter(choice);
  const resource = defaultResource()
    .merge(
      resourceFromAttributes({
        [ATTR_SERVICE_NAME]: o.serviceName,
        [ATTR_SERVICE_NAMESPACE]: "cairn",
        ...(o.attributes ?? {}),
      }),
    )
    .merge(detectResources({ detectors: [envDetector] }));
  const ids = new RunAwareIdGenerator();
  const provider = new NodeTracerProvider({
    resource,
    idGenerator: ids,
    spanProcessors: [new BatchSpanProcessor(exporter)],
  });
  provider.register();
  let done: Promise<void> | undefined;
  setTracingState({ ids, shutdown: () => (done ??= provider.shutdown().catch(() => undefined)) });
  return { enabled: true, exporter: exporterName, shutdown: () => shutdownTracing() };
}

/** Flushes and stops the SDK if it was started; safe to call more than once. */
export async function shutdownTracing(): Promise<void> {
  await runningTracing()?.shutdown();
}

/** The `OTEL_*` variables a Cairn process acts on (docs/configuration.md is generated from this list and the services' schemas). */
export const OTEL_VARIABLES: readonly { names: string[]; default: string; meaning: string }[] = [
  {
    names: ["OTEL_EXPORTER_OTLP_ENDPOINT", "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT"],
    default: "— (tracing off)",
    meaning: "OTLP receiver (Jaeger, a collector): turns tracing on",
  },
  {
    names: ["OTEL_EXPORTER_OTLP_PROTOCOL", "OTEL_EXPORTER_OTLP_TRACES_PROTOCOL"],
    default: "http/protobuf",
    meaning: `or ${PROTOCOLS.filter((p) => p !== "http/protobuf").join(", ")}`,
  },
  {
    names: ["OTEL_TRACES_EXPORTER", "OTEL_SDK_DISABLED"],
    default: "otlp",
    meaning: "none / true turn tracing off; console prints spans",
  },
  {
    names: ["OTEL_SERVICE_NAME", "OTEL_RESOURCE_ATTRIBUTES"],
    default: "cairn-<service>",
    meaning: "resource of the spans",
  },
  {
    names: ["OTEL_TRACES_SAMPLER", "OTEL_TRACES_SAMPLER_ARG"],
    default: "parentbased_always_on",
    meaning: "sampling, decided once per run at submission",
  },
  {
    names: ["OTEL_BSP_SCHEDULE_DELAY", "OTEL_EXPORTER_OTLP_HEADERS", "…"],
    default: "the SDK's",
    meaning: "the other standard variables, read by the SDK itself",
  },
];
