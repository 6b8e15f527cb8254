import { ProtocolHandler, RequestOne, TE } from "@nats-io/nats-core/internal";

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

interface OutboundProtocol {
  outbound: { length(): number; size(): number; fill(buf: Uint8Array, ...payloads: Uint8Array[]): void };
  pendingLimit: number;
  flushPending(): void;
  sendCommand(cmd: string | Uint8Array, ...payloads: Uint8Array[]): void;
  close: (this: OutboundProtocol, err?: Error) => Promise<void>;
  __cairnBatched?: boolean;
  /** Set by the patched close(): from then on every command is written at once. */
  __cairnClosing?: boolean;
}

/**
 * @nats-io/nats-core 3.4.0 writes its outbound buffer to the socket in a microtask after the first
 * command queued. Cairn's handlers finish in later microtasks (after a decode, a fold, an awaited
 * publish), so each publish and each ack became a write of its own: a syscall, and on loopback
 * the server's wake-up, per protocol line. This schedules that flush with `setImmediate` instead:
 * after the event loop's I/O callbacks, so everything the process queued while handling one read
 * from the socket leaves in one write. Nothing waits longer than the current turn of the event
 * loop; a command over the pending limit still flushes at once (the client's own rule); `close()` flushes
 * what is queued, and writes every later command at once, before it closes the socket.
 */
export function batchWrites(): boolean {
  const proto = ProtocolHandler.prototype as unknown as OutboundProtocol;
  if (typeof proto.sendCommand !== "function" || typeof proto.flushPending !== "function" || proto.__cairnBatched)
    return false;
  const close = proto.close;
  proto.sendCommand = function (this: OutboundProtocol, cmd, ...payloads) {
    const empty = this.outbound.length() === 0;
    this.outbound.fill(typeof cmd === "string" ? TE.encode(cmd) : cmd, ...payloads);
    if (this.__cairnClosing) this.flushPending();
    else if (empty) setImmediate(() => this.flushPending());
    else if (this.outbound.size() >= this.pendingLimit) this.flushPending();
  };
  proto.close = function (this: OutboundProtocol, err?: Error) {
    // close() waits for status listeners before it closes the socket; acks or publishes queued
    // meanwhile are written at once, as the microtask flush did, not after the socket is gone.
    this.__cairnClosing = true;
    this.flushPending();
    return close.call(this, err);
  };
  proto.__cairnBatched = true;
  return true;
}

/** True once writes are batched per event-loop turn (false after a nats-core upgrade that changes `ProtocolHandler`: see the test). */
export function writesBatched(): boolean {
  return (ProtocolHandler.prototype as unknown as OutboundProtocol).__cairnBatched === true;
}

/**
 * Applies both fixes to the installed @nats-io/nats-core (process-wide: they patch its classes'
 * prototypes, so every connection of the process gets them). Cairn's services call this once at
 * start (openBus, `cairn dev`); nothing applies it at import, and the client library never does:
 * an application that imports `@cairn/client` keeps its NATS client as installed. Idempotent;
 * says which fixes are in place.
 */
export function applyNatsClientFixes(): { requestCancelTrimmed: boolean; writesBatched: boolean } {
  trimRequestCancel();
  batchWrites();
  return { requestCancelTrimmed: requestCancelTrimmed(), writesBatched: writesBatched() };
}
