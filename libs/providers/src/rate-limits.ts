/**
 * What a provider's rate-limit headers say about one budget (tokens or requests) of the key and
 * model a call used: its limit per minute, what is left, and when it is full again.
 */
export interface RateLimitBudget {
  limit?: number;
  remaining?: number;
  /** Milliseconds from the answer until the budget is full again. */
  resetMs?: number;
}

export interface RateLimitInfo {
  tokens?: RateLimitBudget;
  requests?: RateLimitBudget;
}

const count = (v: string | null): number | undefined => {
  if (v === null || !/^\s*\d{1,15}\s*$/.test(v)) return undefined;
  return Number(v);
};

/**
 * A reset time as OpenAI writes it (a Go duration: `1s`, `120ms`, `6m0s`, `2m59.56s`, `1h2m`) or
 * Anthropic (an RFC 3339 time), or plain seconds; in ms from `now`. Anything else: undefined.
 */
export function parseResetMs(v: string | null, now: number): number | undefined {
  if (v === null) return undefined;
  const s = v.trim();
  if (/^\d+(\.\d+)?$/.test(s)) return Math.round(Number(s) * 1000);
  if (/^(\d+(\.\d+)?(h|ms|m|s|us|µs|ns))+$/.test(s)) {
    const unit: Record<string, number> = { h: 3_600_000, m: 60_000, s: 1000, ms: 1, us: 1e-3, µs: 1e-3, ns: 1e-6 };
    let ms = 0;
    for (const [, n, u] of s.matchAll(/(\d+(?:\.\d+)?)(h|ms|m|s|us|µs|ns)/g)) ms += Number(n) * (unit[u!] ?? 0);
    return Math.round(ms);
  }
  if (/^\d{4}-\d{2}-\d{2}T/.test(s)) {
    const t = Date.parse(s);
    return Number.isNaN(t) ? undefined : Math.max(0, t - now);
  }
  return undefined;
}

function budget(h: Headers, names: [limit: string, remaining: string, reset: string], now: number) {
  const b: RateLimitBudget = {};
  const limit = count(h.get(names[0]));
  const remaining = count(h.get(names[1]));
  const resetMs = parseResetMs(h.get(names[2]), now);
  if (limit !== undefined) b.limit = limit;
  if (remaining !== undefined) b.remaining = remaining;
  if (resetMs !== undefined) b.resetMs = resetMs;
  return Object.keys(b).length > 0 ? b : undefined;
}

/**
 * The rate-limit headers of an answer: OpenAI's (and Azure's, vLLM behind a gateway's)
 * `x-ratelimit-{limit,remaining,reset}-{tokens,requests}`, Anthropic's
 * `anthropic-ratelimit-{tokens,requests}-{limit,remaining,reset}` (its input-tokens budget when
 * the combined one is absent). Headers that are absent or malformed are left out; no header: `{}`.
 */
export function parseRateLimitHeaders(h: Headers, now: number): RateLimitInfo {
  const out: RateLimitInfo = {};
  const tokens =
    budget(h, ["x-ratelimit-limit-tokens", "x-ratelimit-remaining-tokens", "x-ratelimit-reset-tokens"], now) ??
    budget(
      h,
      ["anthropic-ratelimit-tokens-limit", "anthropic-ratelimit-tokens-remaining", "anthropic-ratelimit-tokens-reset"],
      now,
    ) ??
    budget(
      h,
      [
        "anthropic-ratelimit-input-tokens-limit",
        "anthropic-ratelimit-input-tokens-remaining",
        "anthropic-ratelimit-input-tokens-reset",
      ],
      now,
    );
  const requests =
    budget(h, ["x-ratelimit-limit-requests", "x-ratelimit-remaining-requests", "x-ratelimit-reset-requests"], now) ??
    budget(
      h,
      [
        "anthropic-ratelimit-requests-limit",
        "anthropic-ratelimit-requests-remaining",
        "anthropic-ratelimit-requests-reset",
      ],
      now,
    );
  if (tokens) out.tokens = tokens;
  if (requests) out.requests = requests;
  return out;
}
