// The workers' step skeleton on its own: a log kept in memory (a subject holds one message, as the
// runs stream's write-once rule has it), so each rule of the skeleton is checked by what it wrote.
import { describe, expect, it } from "vitest";
import { decode, Subjects, type RunError, type ToolResult } from "@cairn/protocol";
import { RetryableError, TerminalError } from "@cairn/runtime";
import type { AppendResult } from "@cairn/bus";
import type { StepLogger } from "@cairn/telemetry";
import { workerRetryPolicy } from "./config.js";
import { StepRecorder, type StepRun } from "./step.js";

const subjects = new Subjects("cairn");
const RESULT = subjects.toolResult("r1", 1, 0, "t");

function setup(o: { largePayloadBytes?: number; maxMessageBytes?: number } = {}) {
  const log = new Map<string, Uint8Array>();
  const lines: { level: string; msg: string; obj?: Record<string, unknown> }[] = [];
  const crashes: string[] = [];
  const payloads: string[] = [];
  let clock = 0;
  const at = (level: string) => (a: unknown, b?: unknown) =>
    lines.push(
      typeof a === "string" ? { level, msg: a } : { level, msg: String(b), obj: a as Record<string, unknown> },
    );
  const rlog = { error: at("error"), warn: at("warn"), info: at("info"), debug: at("debug") } as unknown as StepLogger;
  const steps = new StepRecorder({
    subjects,
    service: "tool-runner",
    append: (subject, data): Promise<AppendResult> => {
      if (log.has(subject)) return Promise.resolve({ seq: 0, duplicate: true });
      log.set(subject, data);
      return Promise.resolve({ seq: log.size, duplicate: false });
    },
    exists: (subject) => Promise.resolve(log.has(subject)),
    payloads: {
      put: (runId, text) => {
        payloads.push(text);
        return Promise.resolve({
          bucket: "P",
          name: `${runId}/${payloads.length}`,
          bytes: text.length,
          sha256: "0".repeat(64),
        });
      },
    },
    largePayloadBytes: o.largePayloadBytes ?? 1024,
    maxMessageBytes: o.maxMessageBytes ?? 64 * 1024,
    crash: { hit: (p) => crashes.push(p) },
    // Each reading of the clock is 250 ms after the last: a step's time is the difference.
    now: () => (clock += 250),
  });
  const result = (output: string, ok = true): ToolResult => ({
    v: 1,
    type: "tool.result",
    runId: "r1",
    turn: 1,
    index: 0,
    callId: "c",
    tool: "t",
    attempts: 1,
    ok,
    output,
  });
  const record = (r: ToolResult) =>
    steps.record(RESULT, r, {
      text: "output",
      ref: "outputRef",
      tooLarge: ({ output: _o, ...rest }, n) => ({ ...rest, ok: false, error: steps.tooLarge("tool result", n) }),
    });
  const run = (deliveries: number, over: Partial<StepRun<string>>, signal = new AbortController().signal) =>
    steps.run<string>({
      m: { subject: "cairn.run.r1.cmd.tool.1.0.t", seq: 7, deliveries },
      log: rlog,
      signal,
      policy: workerRetryPolicy(3, 500),
      words: { call: "tool call", result: "result", skipped: "acked without executing the tool" },
      effectDone: "after-effect",
      execute: () => Promise.resolve("done"),
      succeed: (out) => record(result(out)),
      fail: (error) => record({ ...result(""), ok: false, error }),
      ...over,
    });
  const recorded = (subject = RESULT) => {
    const d = decode<ToolResult>("ToolResult", log.get(subject)!);
    if (!d.ok) throw new Error(d.message);
    return d.value;
  };
  return { steps, log, lines, crashes, payloads, record, run, recorded, result, rlog };
}

describe("StepRecorder: the one step skeleton of the workers", () => {
  it("records the effect's result once and acks, passing both crash points", async () => {
    const t = setup();
    expect(await t.run(1, {})).toEqual({ ack: true });
    expect(t.recorded()).toMatchObject({ ok: true, output: "done" });
    expect(t.crashes).toEqual(["after-effect", "after-publish"]);
  });

  it("a late result (another delivery recorded first) is discarded and said so, never written over", async () => {
    const t = setup();
    await t.record(t.result("first"));
    expect(await t.run(2, { execute: () => Promise.resolve("second") })).toEqual({ ack: true });
    expect(t.recorded().output).toBe("first");
    expect(t.lines.some((l) => l.level === "warn" && /^late result discarded/.test(l.msg))).toBe(true);
  });

  it("a retryable failure with attempts left is handed back with the policy's backoff: no result, a retry notice per attempt", async () => {
    const t = setup();
    const fail = () => Promise.reject(new RetryableError("busy"));
    expect(await t.run(1, { execute: fail })).toEqual({ nak: 500 });
    expect(await t.run(2, { execute: fail })).toEqual({ nak: 1000 });
    expect(t.log.has(RESULT)).toBe(false);
    // each failed attempt is on the run, with when the next is due (the clock reads 250 ms apart)
    expect([...t.log.keys()]).toEqual([subjects.error("r1", "s7-1"), subjects.error("r1", "s7-2")]);
    const notice = (id: string) => {
      const d = decode<RunError>("RunError", t.log.get(subjects.error("r1", id))!);
      if (!d.ok) throw new Error(d.message);
      return d.value;
    };
    const first = notice("s7-1");
    expect(first).toMatchObject({
      service: "tool-runner",
      subject: "cairn.run.r1.cmd.tool.1.0.t",
      seq: 7,
      attempt: 1,
      error: { kind: "retryable", message: "busy", retryable: true },
    });
    expect(Date.parse(first.retryAt!) - Date.parse(first.at)).toBe(500);
    const second = notice("s7-2");
    expect(second.attempt).toBe(2);
    expect(Date.parse(second.retryAt!) - Date.parse(second.at)).toBe(1000);
    // a redelivered attempt that fails again does not write its notice twice
    await t.run(2, { execute: fail });
    expect(t.log.size).toBe(2);
    // a server's Retry-After wins when it is longer
    expect(
      await t.run(1, { execute: () => Promise.reject(new RetryableError("slow down", { retryAfterMs: 4000 })) }),
    ).toEqual({ nak: 4000 });
  });

  it("the last attempt's failure, or a terminal one at once, is recorded as the step's result", async () => {
    const t = setup();
    expect(await t.run(3, { execute: () => Promise.reject(new RetryableError("busy", { kind: "http_503" })) })).toEqual(
      { ack: true },
    );
    expect(t.recorded()).toMatchObject({ ok: false, error: { kind: "http_503", message: "busy", retryable: true } });
    const u = setup();
    expect(
      await u.run(1, { execute: () => Promise.reject(new TerminalError("no such account", { kind: "not_found" })) }),
    ).toEqual({ ack: true });
    expect(u.recorded()).toMatchObject({ ok: false, error: { kind: "not_found", retryable: false } });
    // the caller's own rule: a retryable error it says not to retry
    const v = setup();
    expect(
      await v.run(1, {
        execute: () => Promise.reject(new RetryableError("quota", { kind: "quota" })),
        retryable: () => false,
      }),
    ).toEqual({ ack: true });
    expect(v.recorded().error?.kind).toBe("quota");
  });

  it("a stopping service hands the message back at once, recording nothing", async () => {
    const t = setup();
    const ac = new AbortController();
    ac.abort();
    expect(await t.run(1, { execute: () => Promise.reject(new Error("aborted")) }, ac.signal)).toEqual({ nak: 0 });
    expect(t.log.size).toBe(0);
  });

  it("`settle` decides for errors that are not failures (a deferral)", async () => {
    const t = setup();
    expect(
      await t.run(1, {
        execute: () => Promise.reject(new Error("sleep")),
        settle: () => Promise.resolve({ nak: 60_000 }),
      }),
    ).toEqual({ nak: 60_000 });
    expect(t.log.size).toBe(0);
  });

  it("a redelivery whose result is recorded is acked without running; a first delivery is never looked up", async () => {
    const t = setup();
    const words = { call: "tool call", result: "result", skipped: "acked without executing the tool" };
    expect(await t.steps.alreadyRecorded({ subject: "x", seq: 1, deliveries: 2 }, RESULT, t.rlog, words)).toBe(false);
    await t.record(t.result("x"));
    expect(await t.steps.alreadyRecorded({ subject: "x", seq: 1, deliveries: 1 }, RESULT, t.rlog, words)).toBe(false);
    expect(await t.steps.alreadyRecorded({ subject: "x", seq: 1, deliveries: 2 }, RESULT, t.rlog, words)).toBe(true);
    expect(t.lines.at(-1)?.msg).toBe(
      "redelivered command already has its recorded result: acked without executing the tool",
    );
  });

  it("large text goes to the payload store (a preview and the reference stay); a record still over the limit becomes a failure", async () => {
    const t = setup({ largePayloadBytes: 1024 });
    await t.record(t.result("y".repeat(5000)));
    expect(t.payloads).toEqual(["y".repeat(5000)]);
    const r = t.recorded();
    expect(r.outputRef).toMatchObject({ bucket: "P", bytes: 5000 });
    expect(r.output!.length).toBeLessThan(5000);
    const u = setup({ largePayloadBytes: 1_000_000, maxMessageBytes: 2048 });
    await u.record(u.result("z".repeat(4000)));
    expect(u.recorded()).toMatchObject({ ok: false, error: { kind: "result_too_large" } });
    expect(u.recorded().output).toBeUndefined();
  });

  it("an invalid command is reported on the run and recorded as the step's failure", async () => {
    const t = setup();
    const m = { subject: "cairn.run.r1.cmd.tool.1.0.t", seq: 9, deliveries: 1 };
    expect(
      await t.steps.invalid("r1", m, t.rlog, "invalid tool command", "schema_invalid", "bad", (error) =>
        t.record({ ...t.result(""), ok: false, error }),
      ),
    ).toEqual({ ack: true });
    const e = decode<RunError>("RunError", t.log.get(subjects.error("r1", "s9"))!);
    expect(e.ok && e.value).toMatchObject({
      service: "tool-runner",
      subject: m.subject,
      seq: 9,
      error: { kind: "schema_invalid", message: "bad" },
    });
    expect(t.recorded()).toMatchObject({
      ok: false,
      error: { kind: "invalid_command", message: "schema_invalid: bad" },
    });
  });

  it("hands the effect's time to the record, and logs a failure's kind and the retry's delay", async () => {
    const t = setup();
    const times: number[] = [];
    await t.run(1, { succeed: (out, ms) => (times.push(ms), t.record(t.result(out))) });
    expect(times).toEqual([250]);
    expect(t.lines.some((l) => /^late /.test(l.msg))).toBe(false); // its own record: not late
    const u = setup();
    const failed: number[] = [];
    await u.run(1, { execute: () => Promise.reject(new RetryableError("busy", { kind: "http_503" })) });
    expect(u.lines.at(-1)).toEqual({
      level: "warn",
      msg: "tool call failed; retrying after backoff",
      obj: { err: "busy", kind: "http_503", delayMs: 500 },
    });
    await u.run(3, {
      execute: () => Promise.reject(new RetryableError("busy", { kind: "http_503" })),
      fail: (error, ms) => (failed.push(ms), u.record({ ...u.result(""), ok: false, error })),
      failureLevel: "error",
    });
    expect(failed).toEqual([250]);
    expect(u.lines.at(-1)).toEqual({
      level: "error",
      msg: "tool call failed for good: recorded as the step's result",
      obj: { err: "busy", kind: "http_503", retryable: true },
    });
  });

  it("offloads only text over the bound, only with a payload store, and replaces only a record over the limit", async () => {
    const t = setup({ largePayloadBytes: 2000 });
    await t.record(t.result("a".repeat(2000)));
    expect(t.payloads).toEqual([]);
    expect(t.recorded().output).toBe("a".repeat(2000));
    const noStore = setup({ largePayloadBytes: 10 });
    const plain = new StepRecorder({
      subjects,
      service: "tool-runner",
      append: (subject, data) => {
        noStore.log.set(subject, data);
        return Promise.resolve({ seq: 1, duplicate: false });
      },
      exists: () => Promise.resolve(false),
      largePayloadBytes: 10,
      maxMessageBytes: 64 * 1024,
      crash: { hit: () => undefined },
      now: () => 0,
    });
    await plain.record(RESULT, noStore.result("b".repeat(100)), {
      text: "output",
      ref: "outputRef",
      tooLarge: () => ({}),
    });
    expect(noStore.recorded().output).toBe("b".repeat(100));
    // exactly at the message limit: kept; one byte over: replaced
    const probe = setup();
    await probe.record(probe.result("c".repeat(100)));
    const size = probe.log.get(RESULT)!.length;
    const exact = setup({ largePayloadBytes: 1_000_000, maxMessageBytes: size });
    await exact.record(exact.result("c".repeat(100)));
    expect(exact.recorded()).toMatchObject({ ok: true });
    const over = setup({ largePayloadBytes: 1_000_000, maxMessageBytes: size - 1 });
    await over.record(over.result("c".repeat(100)));
    expect(over.recorded()).toMatchObject({ ok: false, error: { kind: "result_too_large" } });
    expect(over.steps.tooLarge("tool result", 5000)).toEqual({
      kind: "result_too_large",
      message: `tool result of 5000 bytes exceeds the ${size - 1}-byte message limit`,
    });
  });
});
