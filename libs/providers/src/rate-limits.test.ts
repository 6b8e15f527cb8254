import { describe, expect, it } from "vitest";
import { parseRateLimitHeaders, parseResetMs } from "./rate-limits.js";

describe("parseRateLimitHeaders", () => {
  it("reads OpenAI's x-ratelimit headers (Go durations for the resets)", () => {
    const h = new Headers({
      "x-ratelimit-limit-tokens": "150000",
      "x-ratelimit-remaining-tokens": "149984",
      "x-ratelimit-reset-tokens": "6m0s",
      "x-ratelimit-limit-requests": "60",
      "x-ratelimit-remaining-requests": "59",
      "x-ratelimit-reset-requests": "1s",
    });
    expect(parseRateLimitHeaders(h, 0)).toEqual({
      tokens: { limit: 150000, remaining: 149984, resetMs: 360_000 },
      requests: { limit: 60, remaining: 59, resetMs: 1000 },
    });
  });

  it("reads Anthropic's headers (RFC 3339 resets), the input-tokens budget when there is no combined one", () => {
    const now = Date.parse("2026-01-01T00:00:00Z");
    const h = new Headers({
      "anthropic-ratelimit-input-tokens-limit": "40000",
      "anthropic-ratelimit-input-tokens-remaining": "100",
      "anthropic-ratelimit-input-tokens-reset": "2026-01-01T00:00:30Z",
      "anthropic-ratelimit-requests-remaining": "3",
    });
    expect(parseRateLimitHeaders(h, now)).toEqual({
      tokens: { limit: 40000, remaining: 100, resetMs: 30_000 },
      requests: { remaining: 3 },
    });
  });

  it("leaves out what is absent or malformed", () => {
    expect(parseRateLimitHeaders(new Headers({ "x-ratelimit-remaining-tokens": "lots" }), 0)).toEqual({});
    expect(parseRateLimitHeaders(new Headers(), 0)).toEqual({});
  });
});

describe("parseResetMs", () => {
  it("reads durations, seconds and times", () => {
    expect(parseResetMs("2m59.56s", 0)).toBe(179_560);
    expect(parseResetMs("120ms", 0)).toBe(120);
    expect(parseResetMs("1h2m", 0)).toBe(3_720_000);
    expect(parseResetMs("1.5", 0)).toBe(1500);
    expect(parseResetMs("1970-01-01T00:00:01Z", 2000)).toBe(0);
    expect(parseResetMs("soon", 0)).toBeUndefined();
    expect(parseResetMs(null, 0)).toBeUndefined();
  });
});
