import { describe, it, expect } from "vitest";
import {
  CairnError,
  RetryableError,
  TerminalError,
  errorKind,
  errorMessage,
  isRetryable,
  retryAfterOf,
} from "./errors.js";

describe("error classes", () => {
  it("TerminalError is a non-retryable CairnError with a default kind", () => {
    const e = new TerminalError("bad input", { runId: "r1", step: "tool" });
    expect(e).toBeInstanceOf(Error);
    expect(e).toBeInstanceOf(CairnError);
    expect(e.name).toBe("TerminalError");
    expect(e.message).toBe("bad input");
    expect(e.kind).toBe("terminal");
    expect(e.retryable).toBe(false);
    expect(e.runId).toBe("r1");
    expect(e.step).toBe("tool");
    expect(new TerminalError("x", { kind: "auth" }).kind).toBe("auth");
  });

  it("RetryableError is retryable and carries retryAfterMs", () => {
    const e = new RetryableError("slow down", { kind: "rate_limited", retryAfterMs: 1500 });
    expect(e.name).toBe("RetryableError");
    expect(e.kind).toBe("rate_limited");
    expect(e.retryable).toBe(true);
    expect(e.retryAfterMs).toBe(1500);
    expect(new RetryableError("x").kind).toBe("retryable");
    expect(new RetryableError("x").retryAfterMs).toBeUndefined();
  });

  it("keeps the cause when one is given", () => {
    const cause = new Error("socket hang up");
    expect(new RetryableError("network", { cause }).cause).toBe(cause);
    expect("cause" in new RetryableError("network")).toBe(false);
  });
});

describe("isRetryable", () => {
  it("TerminalError → false, RetryableError → true", () => {
    expect(isRetryable(new TerminalError("x"))).toBe(false);
    expect(isRetryable(new RetryableError("x"))).toBe(true);
  });

  it("unknown errors are retryable", () => {
    expect(isRetryable(new Error("boom"))).toBe(true);
    expect(isRetryable(new TypeError("boom"))).toBe(true);
    expect(isRetryable("a string")).toBe(true);
    expect(isRetryable(undefined)).toBe(true);
    expect(isRetryable(null)).toBe(true);
    expect(isRetryable(42)).toBe(true);
  });

  it("decides by the retryable field, not the class (copies across bundles agree)", () => {
    expect(isRetryable({ retryable: false })).toBe(false);
    expect(isRetryable({ retryable: true })).toBe(true);
    expect(isRetryable(Object.assign(new Error("x"), { retryable: false }))).toBe(false);
    // a non-boolean retryable is not an answer
    expect(isRetryable({ retryable: "false" })).toBe(true);
    expect(isRetryable({ retryable: 0 })).toBe(true);
  });
});

describe("retryAfterOf", () => {
  it("returns a finite, non-negative retryAfterMs", () => {
    expect(retryAfterOf(new RetryableError("x", { retryAfterMs: 2500 }))).toBe(2500);
    expect(retryAfterOf({ retryAfterMs: 0 })).toBe(0);
  });

  it("returns undefined otherwise", () => {
    expect(retryAfterOf(new RetryableError("x"))).toBeUndefined();
    expect(retryAfterOf(new Error("x"))).toBeUndefined();
    expect(retryAfterOf({ retryAfterMs: -1 })).toBeUndefined();
    expect(retryAfterOf({ retryAfterMs: Number.NaN })).toBeUndefined();
    expect(retryAfterOf({ retryAfterMs: Number.POSITIVE_INFINITY })).toBeUndefined();
    expect(retryAfterOf({ retryAfterMs: "100" })).toBeUndefined();
    expect(retryAfterOf(null)).toBeUndefined();
    expect(retryAfterOf("x")).toBeUndefined();
  });
});

describe("errorKind and errorMessage", () => {
  it("errorKind reads a string kind, else 'error'", () => {
    expect(errorKind(new TerminalError("x", { kind: "invalid_arguments" }))).toBe("invalid_arguments");
    expect(errorKind({ kind: "k" })).toBe("k");
    expect(errorKind({ kind: 3 })).toBe("error");
    expect(errorKind(new Error("x"))).toBe("error");
    expect(errorKind(undefined)).toBe("error");
  });

  it("errorMessage reads an Error's message, else stringifies", () => {
    expect(errorMessage(new Error("boom"))).toBe("boom");
    expect(errorMessage("plain")).toBe("plain");
    expect(errorMessage(42)).toBe("42");
    expect(errorMessage(undefined)).toBe("undefined");
  });
});

describe("not failures: Deferred and AwaitingResult", () => {
  it("a Deferred carries its wake time and is recognised by name and wakeAt, across copies of the package", async () => {
    const { Deferred, isDeferred } = await import("./errors.js");
    const d = new Deferred(Date.UTC(2026, 0, 2, 3, 4, 5));
    expect(d.name).toBe("Deferred");
    expect(d.message).toBe("deferred until 2026-01-02T03:04:05.000Z");
    expect(isDeferred(d)).toBe(true);
    // Another copy's Deferred: the same name and a numeric wakeAt.
    expect(isDeferred({ name: "Deferred", wakeAt: 5 })).toBe(true);
    expect(isDeferred({ name: "Deferred", wakeAt: "5" })).toBe(false);
    expect(isDeferred({ name: "Deferred" })).toBe(false);
    expect(isDeferred({ name: "AwaitingResult", wakeAt: 5 })).toBe(false);
    expect(isDeferred(new Error("deferred"))).toBe(false);
    expect(isDeferred(null)).toBe(false);
    expect(isDeferred(undefined)).toBe(false);
    expect(isDeferred("Deferred")).toBe(false);
  });

  it("an AwaitingResult names who records the result and is recognised by name only", async () => {
    const { AwaitingResult, isAwaitingResult } = await import("./errors.js");
    const a = new AwaitingResult("child run r2");
    expect(a.name).toBe("AwaitingResult");
    expect(a.from).toBe("child run r2");
    expect(a.message).toBe("result will be recorded by child run r2");
    expect(isAwaitingResult(a)).toBe(true);
    expect(isAwaitingResult({ name: "AwaitingResult" })).toBe(true);
    expect(isAwaitingResult({ name: "Deferred" })).toBe(false);
    expect(isAwaitingResult(new Error("x"))).toBe(false);
    expect(isAwaitingResult(null)).toBe(false);
    expect(isAwaitingResult(0)).toBe(false);
  });

  it("reads kind, retryability and retry delay only from well-formed fields", () => {
    expect(new CairnError("m", { kind: "k", retryable: false }).name).toBe("CairnError");
    expect(errorKind({ kind: 5 })).toBe("error");
    expect(errorKind({ kind: "rate_limited" })).toBe("rate_limited");
    expect(errorKind(null)).toBe("error");
    expect(errorKind("kind")).toBe("error");
    expect(retryAfterOf({ retryAfterMs: -1 })).toBeUndefined();
    expect(retryAfterOf({ retryAfterMs: Number.POSITIVE_INFINITY })).toBeUndefined();
    expect(retryAfterOf({ retryAfterMs: Number.NaN })).toBeUndefined();
    expect(retryAfterOf({ retryAfterMs: "5" })).toBeUndefined();
    expect(retryAfterOf({ retryAfterMs: 0 })).toBe(0);
    expect(retryAfterOf({ retryAfterMs: 250 })).toBe(250);
    expect(isRetryable({ retryable: "no" })).toBe(true);
    expect(isRetryable({ retryable: false })).toBe(false);
  });
});
