import { describe, expect, it } from "vitest";
import { backoffDelay, type RetryPolicy } from "./retry.js";

/** A worker's policy (workerRetryPolicy(3, 500) in @cairn/worker). */
const WORKER: RetryPolicy = { maxAttempts: 3, initialDelayMs: 500, maxDelayMs: 60_000, multiplier: 2 };

describe("backoffDelay", () => {
  it("a worker's policy: its attempts and first delay, doubling, capped at a minute", () => {
    expect(WORKER).toEqual({ maxAttempts: 3, initialDelayMs: 500, maxDelayMs: 60_000, multiplier: 2 });
  });

  it("grows by the multiplier from the initial delay", () => {
    expect([1, 2, 3, 4, 5, 6].map((a) => backoffDelay(WORKER, a))).toEqual([500, 1000, 2000, 4000, 8000, 16000]);
    const p: RetryPolicy = { maxAttempts: 10, initialDelayMs: 100, maxDelayMs: 1_000_000, multiplier: 3 };
    expect([1, 2, 3, 4].map((a) => backoffDelay(p, a))).toEqual([100, 300, 900, 2700]);
  });

  it("is capped at maxDelayMs", () => {
    expect(backoffDelay(WORKER, 7)).toBe(32_000);
    expect(backoffDelay(WORKER, 8)).toBe(60_000); // 64000 uncapped
    expect(backoffDelay(WORKER, 50)).toBe(60_000);
  });

  it("treats attempt 0 or below as the first", () => {
    expect(backoffDelay(WORKER, 0)).toBe(500);
    expect(backoffDelay(WORKER, -3)).toBe(500);
  });

  it("a longer Retry-After wins, a shorter one does not, and it is bounded by 10 × maxDelayMs", () => {
    expect(backoffDelay(WORKER, 1, 5000)).toBe(5000);
    expect(backoffDelay(WORKER, 3, 100)).toBe(2000);
    expect(backoffDelay(WORKER, 1, 0)).toBe(500);
    expect(backoffDelay(WORKER, 1, 120_000)).toBe(120_000); // over maxDelayMs but within 10×
    expect(backoffDelay(WORKER, 1, 10_000_000)).toBe(600_000);
  });
});
