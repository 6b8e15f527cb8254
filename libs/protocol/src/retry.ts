/** How often and how patiently a step is retried. Attempts count every execution, the first included. */
export interface RetryPolicy {
  maxAttempts: number;
  initialDelayMs: number;
  maxDelayMs: number;
  multiplier: number;
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
