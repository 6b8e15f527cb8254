import { RetryableError } from "@cairn/runtime";

/**
 * The error a built-in rejects with when `ctx.signal` aborts (the call timed out or is handed
 * back on shutdown): retryable, with the signal's reason as its cause.
 */
export function abortError(signal: AbortSignal, what: string): RetryableError {
  const reason: unknown = signal.reason;
  const detail =
    reason instanceof Error
      ? `: ${reason.message}`
      : reason === undefined
        ? ""
        : `: ${typeof reason === "string" ? reason : JSON.stringify(reason)}`;
  return new RetryableError(`${what} aborted${detail}`, { kind: "aborted", cause: reason });
}
