import { JetStreamApiError, type JetStreamClient } from "@nats-io/jetstream";
import { headers as natsHeaders, type MsgHdrs } from "@nats-io/transport-node";
import { JETSTREAM_TIMEOUT_MS } from "./connect.js";
import { injectTraceHeaders } from "./trace.js";

export interface AppendResult {
  /** Stream sequence of the recorded message (0 when it was rejected as a repeat by subject). */
  seq: number;
  /** True when the subject already held a message: this append changed nothing. */
  duplicate: boolean;
}

/** Server error code of a failed store (10077): the subject rule's refusal among others. */
const STORE_FAILED = 10077;
const PER_SUBJECT_LIMIT = /maximum messages per subject exceeded/i;

/**
 * True only for the one-message-per-subject refusal: 10077 is the server's code for any failed
 * store (a full disk, a closed store, other limits), which must not pass for "already recorded".
 */
function isPerSubjectReject(err: unknown): boolean {
  if (err instanceof JetStreamApiError) return err.code === STORE_FAILED && PER_SUBJECT_LIMIT.test(err.message);
  return PER_SUBJECT_LIMIT.test((err as Error)?.message ?? "");
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
export async function appendOnce(
  js: JetStreamClient,
  subject: string,
  data: Uint8Array,
  opts: { headers?: MsgHdrs | Record<string, string>; timeoutMs?: number } = {},
): Promise<AppendResult> {
  let h: MsgHdrs | undefined;
  if (opts.headers && !("get" in opts.headers && typeof opts.headers.get === "function")) {
    h = natsHeaders();
    for (const [k, v] of Object.entries(opts.headers as Record<string, string>)) h.set(k, v);
  } else {
    h = opts.headers as MsgHdrs | undefined;
  }
  h = injectTraceHeaders(h, natsHeaders);
  try {
    const ack = await js.publish(subject, data, {
      timeout: opts.timeoutMs ?? JETSTREAM_TIMEOUT_MS,
      ...(h ? { headers: h } : {}),
    });
    return { seq: ack.seq, duplicate: ack.duplicate };
  } catch (err) {
    if (isPerSubjectReject(err)) return { seq: 0, duplicate: true };
    throw err;
  }
}
