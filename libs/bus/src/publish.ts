import { JetStreamApiError, type JetStreamClient } from "@nats-io/jetstream";
import { headers as natsHeaders, type MsgHdrs } from "@nats-io/transport-node";
import { injectTraceHeaders } from "./trace.js";

export interface AppendResult {
  /** Stream sequence of the recorded message (0 when it was rejected as a repeat by subject). */
  seq: number;
  /** True when the subject already held a message: this append changed nothing. */
  duplicate: boolean;
}

/** Server error code for "maximum messages per subject exceeded" (discard new per subject). */
const MAX_MSGS_PER_SUBJECT = 10077;

function isPerSubjectReject(err: unknown): boolean {
  if (err instanceof JetStreamApiError) {
    return err.code === MAX_MSGS_PER_SUBJECT || /maximum messages per subject exceeded/i.test(err.message);
  }
  return /maximum messages per subject exceeded/i.test((err as Error)?.message ?? "");
}

/**
 * Appends a message that must exist at most once: its subject is its identity. Resolves after the
 * server acknowledged it (it is durably in the stream) — or refused it because the subject already
 * holds a message (the stream's one-message-per-subject rule, error 10077), for the life of the run.
 *
 * No `Nats-Msg-Id`: the subject rule already makes every repeat a no-op, forever, and a message id
 * would only add a second, shorter-lived record of the same fact — an entry per message in the
 * server's duplicate window (memory that grows with the message rate) and a header on every message.
 *
 * With tracing on, the active span's W3C trace context (`traceparent`, `tracestate`) goes in the
 * message's headers, so the step that consumes it joins the same trace.
 */
export async function appendOnce(js: JetStreamClient, subject: string, data: Uint8Array, opts: { headers?: MsgHdrs | Record<string, string>; timeoutMs?: number } = {}): Promise<AppendResult> {
  let h: MsgHdrs | undefined;
  if (opts.headers && !("get" in opts.headers && typeof opts.headers.get === "function")) {
    h = natsHeaders();
    for (const [k, v] of Object.entries(opts.headers as Record<string, string>)) h.set(k, v);
  } else {
    h = opts.headers as MsgHdrs | undefined;
  }
  h = injectTraceHeaders(h, natsHeaders);
  try {
    const ack = await js.publish(subject, data, { timeout: opts.timeoutMs ?? 10_000, ...(h ? { headers: h } : {}) });
    return { seq: ack.seq, duplicate: ack.duplicate };
  } catch (err) {
    if (isPerSubjectReject(err)) return { seq: 0, duplicate: true };
    throw err;
  }
}
