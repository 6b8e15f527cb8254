/**
 * Errors that say whether to retry. Handlers throw these; the consume loop maps them to acks:
 * a TerminalError is recorded as the step's (failed) result and acked, never retried; a
 * RetryableError is nak'd with its delay until the retry policy's attempts are spent. Any other
 * error is treated as retryable. Check with the helpers below (by `name`, not `instanceof`, so
 * duplicate copies of this package across bundles still agree).
 */
export class CairnError extends Error {
  override readonly name: string = "CairnError";
  /** Short machine-readable reason, e.g. "rate_limited", "invalid_arguments". */
  readonly kind: string;
  readonly retryable: boolean;
  readonly runId: string | undefined;
  readonly step: string | undefined;

  constructor(
    message: string,
    opts: { kind: string; retryable: boolean; runId?: string; step?: string; cause?: unknown },
  ) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.kind = opts.kind;
    this.retryable = opts.retryable;
    this.runId = opts.runId;
    this.step = opts.step;
  }
}

/** Never retried: the failure is final and is recorded as the step's result. */
export class TerminalError extends CairnError {
  override readonly name = "TerminalError";
  constructor(message: string, opts: { kind?: string; runId?: string; step?: string; cause?: unknown } = {}) {
    super(message, { ...opts, kind: opts.kind ?? "terminal", retryable: false });
  }
}

/** Retried (after `retryAfterMs` when given) until the policy's attempts are spent. */
export class RetryableError extends CairnError {
  override readonly name = "RetryableError";
  readonly retryAfterMs: number | undefined;
  constructor(
    message: string,
    opts: { kind?: string; retryAfterMs?: number; runId?: string; step?: string; cause?: unknown } = {},
  ) {
    super(message, { ...opts, kind: opts.kind ?? "retryable", retryable: true });
    this.retryAfterMs = opts.retryAfterMs;
  }
}

/** Unknown errors are retryable; only errors that say `retryable: false` are not. */
export function isRetryable(err: unknown): boolean {
  if (err && typeof err === "object" && "retryable" in err && typeof err.retryable === "boolean") {
    return (err as { retryable: boolean }).retryable;
  }
  return true;
}

/** The delay an error asks for before the next attempt, if any. */
export function retryAfterOf(err: unknown): number | undefined {
  if (err && typeof err === "object" && "retryAfterMs" in err) {
    const v = err.retryAfterMs;
    if (typeof v === "number" && Number.isFinite(v) && v >= 0) return v;
  }
  return undefined;
}

/** The error's `kind` (or "error"), for recording. */
export function errorKind(err: unknown): string {
  if (err && typeof err === "object" && "kind" in err && typeof err.kind === "string") {
    return (err as { kind: string }).kind;
  }
  return "error";
}

export function errorMessage(err: unknown): string {
  if (err instanceof Error) return err.message;
  return String(err);
}

/**
 * Not a failure: the step asks to be run again at `wakeAt` (epoch ms). The worker hands the
 * message back to JetStream with that delay (nak), so a durable wait costs no process and
 * survives restarts — the sleep tool and retry waits use it.
 */
export class Deferred extends Error {
  override readonly name = "Deferred";
  constructor(readonly wakeAt: number) {
    super(`deferred until ${new Date(wakeAt).toISOString()}`);
  }
}

/**
 * Not a failure and not a result: the step's result will be recorded by someone else (a
 * sub-agent's run records its outcome as the parent's tool result when it ends). The worker acks
 * the command without recording anything.
 */
export class AwaitingResult extends Error {
  override readonly name = "AwaitingResult";
  constructor(readonly from: string) {
    super(`result will be recorded by ${from}`);
  }
}

export function isAwaitingResult(err: unknown): err is AwaitingResult {
  return !!err && typeof err === "object" && (err as { name?: unknown }).name === "AwaitingResult";
}

export function isDeferred(err: unknown): err is Deferred {
  return (
    !!err &&
    typeof err === "object" &&
    (err as { name?: unknown }).name === "Deferred" &&
    typeof (err as { wakeAt?: unknown }).wakeAt === "number"
  );
}
