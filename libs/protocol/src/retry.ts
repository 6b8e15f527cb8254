/** How often and how patiently a step is retried. Attempts count every execution, the first included. */
export interface RetryPolicy {
  maxAttempts: number;
  initialDelayMs: number;
  maxDelayMs: number;
  multiplier: number;
}

/**
 * A worker's (llm-caller, tool-runner) policy for a failed step: its configured attempts and first
 * delay (CAIRN_LLM_/CAIRN_TOOL_MAX_ATTEMPTS and _RETRY_INITIAL_DELAY_MS), doubling, capped at a
 * minute. Stated here once for both.
 */
export function workerRetryPolicy(maxAttempts: number, initialDelayMs: number): RetryPolicy {
  return { maxAttempts, initialDelayMs, maxDelayMs: 60_000, multiplier: 2 };
}

/**
 * Delay before attempt `attempt + 1` after attempt `attempt` failed (attempt counts from 1).
 * A server-requested delay (Retry-After) wins when it is longer.
 */
export function backoffDelay(policy: RetryPolicy, attempt: number, requestedMs?: number): number {
  const exp = policy.initialDelayMs * Math.pow(policy.multiplier, Math.max(0, attempt - 1));
  const d = Math.min(policy.maxDelayMs, exp);
  return requestedMs !== undefined ? Math.max(d, Math.min(requestedMs, policy.maxDelayMs * 10)) : d;
}
