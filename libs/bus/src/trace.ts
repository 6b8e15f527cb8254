// Trace context on NATS messages: the bus side of libs/telemetry's messaging spans.
import type { JsMsg } from "@nats-io/jetstream";
import type { MsgHdrs } from "@nats-io/transport-node";
import { startAttemptSpan, traceHeaders, tracingEnabled, type AttemptSpan } from "@cairn/telemetry";

/**
 * The span of one handler attempt for `msg`: parented on its run's root span, linked to the span
 * that published it (the `traceparent` header), with the delivery count as `cairn.attempt`.
 * Undefined when tracing is off or the message carries no trace context.
 */
export function attemptSpanFor(msg: JsMsg, stream: string, consumer: string): AttemptSpan | undefined {
  if (!tracingEnabled()) return undefined;
  const h = msg.headers;
  return startAttemptSpan({
    subject: msg.subject,
    seq: msg.seq,
    stream,
    consumer,
    deliveryCount: msg.info.deliveryCount,
    bodySize: msg.data.length,
    header: (name) => (h?.has(name) ? h.get(name) : undefined),
    headerNames: () => (h ? h.keys() : []),
  });
}

/** Adds the active span's `traceparent` / `tracestate` to `h` (nothing when tracing is off or no span is active). */
export function injectTraceHeaders(h: MsgHdrs | undefined, make: () => MsgHdrs): MsgHdrs | undefined {
  const t = traceHeaders();
  if (!t) return h;
  const out = h ?? make();
  for (const [k, v] of Object.entries(t)) out.set(k, v);
  return out;
}
