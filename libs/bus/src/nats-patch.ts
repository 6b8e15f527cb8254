import { RequestOne } from "@nats-io/nats-core/internal";

/**
 * @nats-io/nats-core 3.4.0 resolves every request (each JetStream publish and Direct Get) and then
 * calls `cancel()`, which rejects the already-settled promise with a new `RequestError("cancelled")`
 * — an Error built, with its stack captured, only to be dropped: about a tenth of a service's CPU
 * at low load. This wraps `cancel` so that error is made without capturing a stack. The behaviour
 * is unchanged (the same error, the same rejection); applied once, for that class only.
 */
export function trimRequestCancel(): boolean {
  const proto = RequestOne.prototype as { cancel?: (err?: Error) => void; __cairnTrimmed?: boolean };
  if (typeof proto.cancel !== "function" || proto.__cairnTrimmed) return false;
  const cancel = proto.cancel;
  proto.cancel = function (this: unknown, err?: Error): void {
    if (err) return cancel.call(this, err);
    const limit = Error.stackTraceLimit;
    Error.stackTraceLimit = 0;
    try {
      cancel.call(this);
    } finally {
      Error.stackTraceLimit = limit;
    }
  };
  proto.__cairnTrimmed = true;
  return true;
}

/** True once the shim is in place (a nats-core upgrade that changes `RequestOne` would make it false: see the test). */
export function requestCancelTrimmed(): boolean {
  return (RequestOne.prototype as { __cairnTrimmed?: boolean }).__cairnTrimmed === true;
}
