// The sleeps and retries a run waits on, from its log (what `cairn follow` and `cairn ui` show).
import { describe, expect, it } from "vitest";
import { Subjects } from "@cairn/protocol";
import { stepKey, trackPending } from "./waiting.js";

const S = new Subjects("cairn");
const t0 = "2026-01-01T00:00:00.000Z";

describe("trackPending", () => {
  it("a sleep is pending from its command until its result; arguments that are not JSON, never", () => {
    const p = trackPending();
    p.sleep("call_1_0", '{"ms": 90000}', t0);
    p.sleep("call_1_1", "not json", t0);
    expect(p.pending().sleeps).toEqual([{ callId: "call_1_0", wakeAt: Date.parse(t0) + 90_000 }]);
    p.result(S.toolResult("r1", 1, 0, "sleep"), "call_1_0");
    expect(p.pending().sleeps).toEqual([]);
  });

  it("a retry is pending until its step's result, the latest notice winning; a notice after the result, never", () => {
    const p = trackPending();
    const cmd = S.toolCommand("r1", 1, 0, "ledger");
    p.retry(cmd, 1, "2026-01-01T00:00:01.000Z", "http_503: busy");
    p.retry(cmd, 2, "2026-01-01T00:00:03.000Z", "http_503: busy");
    p.retry(S.llmCommand("r1", 2, "openai"), 1, "bad time", "x");
    expect(p.pending().retries).toEqual([
      { subject: cmd, attempt: 2, retryAt: Date.parse("2026-01-01T00:00:03.000Z"), error: "http_503: busy" },
    ]);
    p.result(S.toolResult("r1", 1, 0, "ledger"), "call_1_0");
    expect(p.pending().retries).toEqual([]);
    // a stalled delivery's notice, written after another delivery recorded the result
    p.retry(cmd, 3, "2026-01-01T00:00:09.000Z", "timeout: late");
    expect(p.pending().retries).toEqual([]);
    // a model call's retry ends with its result
    const llm = S.llmCommand("r1", 2, "openai");
    p.retry(llm, 1, "2026-01-01T00:00:05.000Z", "http_429: slow down");
    expect(p.pending().retries.map((r) => r.subject)).toEqual([llm]);
    p.result(S.llmResult("r1", 2));
    expect(p.pending().retries).toEqual([]);
  });

  it("guardrail checks are keyed by their number: check 1's result ends its retries, not check 2's", () => {
    const p = trackPending();
    expect(stepKey(S.checkCommand("r1", 2, "openai"))).toBe("check:2:");
    expect(stepKey(S.checkResult("r1", 2))).toBe("check:2:");
    expect(stepKey(S.checkCommand("r1", 1, "openai"))).not.toBe(stepKey(S.checkCommand("r1", 2, "openai")));
    const one = S.checkCommand("r1", 1, "openai");
    const two = S.checkCommand("r1", 2, "anthropic");
    p.retry(one, 1, "2026-01-01T00:00:01.000Z", "http_503: busy");
    p.result(S.checkResult("r1", 1));
    expect(p.pending().retries).toEqual([]);
    // the next check's notice comes after check 1 was recorded: still pending until check 2's result
    p.retry(two, 1, "2026-01-01T00:00:05.000Z", "http_429: slow down");
    expect(p.pending().retries).toEqual([
      { subject: two, attempt: 1, retryAt: Date.parse("2026-01-01T00:00:05.000Z"), error: "http_429: slow down" },
    ]);
    p.result(S.checkResult("r1", 1));
    expect(p.pending().retries.map((r) => r.subject)).toEqual([two]);
    p.result(S.checkResult("r1", 2));
    expect(p.pending().retries).toEqual([]);
  });
});
