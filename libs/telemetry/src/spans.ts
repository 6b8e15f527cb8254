/**
 * Spans and trace context for Cairn code: thin helpers over the OpenTelemetry API. Without a
 * started SDK (tracing off) every call is the API's no-op, and the helpers return early.
 */
import {
  context,
  propagation,
  SpanKind,
  SpanStatusCode,
  trace,
  type Attributes,
  type Context,
  type Span,
  type SpanContext,
  type TextMapGetter,
} from "@opentelemetry/api";
import { ATTR_ERROR_TYPE } from "@opentelemetry/semantic-conventions";
import { tracingEnabled } from "./tracing-state.js";

export { SpanKind, SpanStatusCode };
export type { Attributes, Span, SpanContext };

/** Cairn's tracer (instrumentation scope "cairn"). */
export function tracer() {
  return trace.getTracer("cairn", "0.1.0");
}

/** Attribute names Cairn sets besides the semantic conventions' own. */
export const CairnAttr = {
  RUN_ID: "cairn.run.id",
  TURN: "cairn.turn",
  STEP: "cairn.step",
  TOOL_NAME: "cairn.tool.name",
  TOOL_INDEX: "cairn.tool.index",
  /** The delivery of this message being handled: 1 for the first, 2 for the first redelivery... */
  ATTEMPT: "cairn.attempt",
  REDELIVERED: "cairn.redelivered",
  /** How the consumer settled the message: ack, nak or term. */
  DISPOSITION: "cairn.disposition",
  /** The messages a planner decision appended (subject templates). */
  DECIDED: "cairn.decided",
  /** The step's result was already recorded by an earlier delivery: nothing was redone. */
  RESULT_REUSED: "cairn.result_reused",
  RUN_STATUS: "cairn.run.status",
} as const;

/** The span of the handler attempt (or step) running now, if tracing is on and one is active. */
export function activeSpan(): Span | undefined {
  return tracingEnabled() ? trace.getActiveSpan() : undefined;
}

/** Marks `span` failed: status ERROR, the exception recorded as an event, `error.type` set. */
export function recordError(span: Span | undefined, err: unknown, kind?: string): void {
  if (!span) return;
  const e = err instanceof Error ? err : new Error(typeof err === "string" ? err : JSON.stringify(err));
  span.recordException(e);
  span.setAttribute(ATTR_ERROR_TYPE, kind ?? (e.name && e.name !== "Error" ? e.name : "_OTHER"));
  span.setStatus({ code: SpanStatusCode.ERROR, message: e.message });
}

/**
 * Runs `fn` inside a new span (a child of the active one) and ends it when `fn` settles; a thrown
 * error or rejection is recorded on it and rethrown. With tracing off, just runs `fn`.
 */
export function withSpan<T>(
  name: string,
  opts: { kind?: SpanKind; attributes?: Attributes },
  fn: (span: Span | undefined) => T,
): T {
  if (!tracingEnabled()) return fn(undefined);
  return tracer().startActiveSpan(
    name,
    { kind: opts.kind ?? SpanKind.INTERNAL, ...(opts.attributes ? { attributes: opts.attributes } : {}) },
    (span) => {
      const fail = (err: unknown): never => {
        recordError(
          span,
          err,
          typeof (err as { kind?: unknown })?.kind === "string" ? (err as { kind: string }).kind : undefined,
        );
        span.end();
        throw err;
      };
      let out: T;
      try {
        out = fn(span);
      } catch (err) {
        return fail(err);
      }
      if (out instanceof Promise) {
        return out.then((v: unknown) => {
          span.end();
          return v;
        }, fail) as T;
      }
      span.end();
      return out;
    },
  );
}

/**
 * The W3C trace context of the active span, as headers (`traceparent`, `tracestate`): what
 * `appendOnce` adds to every message it publishes. Undefined when tracing is off or no span is
 * active.
 */
export function traceHeaders(ctx?: Context): Record<string, string> | undefined {
  if (!tracingEnabled()) return undefined;
  const carrier: Record<string, string> = {};
  propagation.inject(ctx ?? context.active(), carrier);
  return carrier["traceparent"] ? carrier : undefined;
}

/** The trace context carried by `carrier` (message headers, a stored `trace` map). */
export function extractContext<C>(carrier: C, getter: TextMapGetter<C>, base: Context = context.active()): Context {
  return propagation.extract(base, carrier, getter);
}

const TRACEPARENT = /^([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$/;

/** Parses a W3C `traceparent` (version 00 layout); undefined when it is not a valid one. */
export function parseTraceparent(tp: string | undefined): SpanContext | undefined {
  const m = tp ? TRACEPARENT.exec(tp.trim().toLowerCase()) : null;
  if (!m || m[1] === "ff" || /^0+$/.test(m[2]!) || /^0+$/.test(m[3]!)) return undefined;
  return { traceId: m[2]!, spanId: m[3]!, traceFlags: parseInt(m[4]!, 16), isRemote: true };
}

/** Formats a span context as a W3C `traceparent`. */
export function formatTraceparent(sc: SpanContext): string {
  return `00-${sc.traceId}-${sc.spanId}-${(sc.traceFlags & 0xff).toString(16).padStart(2, "0")}`;
}

/**
 * The trace id a stored `trace` map (a run's submission, a submit request) belongs to; what
 * `cairn status` shows so the run's trace can be opened in Jaeger.
 */
export function traceIdOf(carrier: Record<string, string | undefined> | undefined): string | undefined {
  return parseTraceparent(carrier?.["traceparent"])?.traceId;
}

/**
 * The caller's active trace context as a `trace` map for a submit request, so a run started from
 * traced code becomes part of the caller's trace. Undefined when the caller has none.
 */
export function currentTraceCarrier(): Record<string, string> | undefined {
  const carrier: Record<string, string> = {};
  propagation.inject(context.active(), carrier);
  return carrier["traceparent"] ? carrier : undefined;
}
