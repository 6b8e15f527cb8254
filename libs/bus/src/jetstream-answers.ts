import type { StoredMsg } from "@nats-io/jetstream";
import { isReflected } from "./log.js";

// What a JetStream answer means, decided in one place: errors by their server code (or, where a
// client version reports them otherwise, by their name or text), and stored KV values.

/** A compare-and-set lost: the subject's last sequence (a KV key's revision) was not the expected one. */
export function isWrongLastSequence(err: unknown): boolean {
  const e = err as { code?: unknown; message?: unknown };
  return (
    e.code === 10071 || e.code === 10164 || (typeof e.message === "string" && /wrong last sequence/i.test(e.message))
  );
}

/** The stream (or KV bucket) does not exist, or nothing answers for it: not provisioned. */
export function isMissingStream(err: unknown): boolean {
  const e = err as { code?: unknown; message?: unknown; name?: unknown };
  return (
    e.code === 10059 ||
    e.code === 503 ||
    e.name === "NoRespondersError" ||
    (typeof e.message === "string" && /stream not found|no responders/i.test(e.message))
  );
}

/** The durable consumer does not exist. */
export function isConsumerNotFound(err: unknown): boolean {
  const e = err as { code?: unknown; message?: unknown; name?: unknown };
  return (
    e.name === "ConsumerNotFoundError" ||
    e.code === 10014 ||
    (typeof e.message === "string" && /consumer not found/i.test(e.message))
  );
}

/** A KV value as a writer put it: not a delete or purge marker, not a JetStream response reflected onto the key. */
export function isKvValue(m: StoredMsg): boolean {
  return !m.header?.get("KV-Operation") && !isReflected(m.header, 1);
}
