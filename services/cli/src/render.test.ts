import { describe, it, expect } from "vitest";
import { rawControls, withoutSgr } from "@cairn/testing";
import type { RunStatus } from "@cairn/protocol";
import type { LogEntry } from "@cairn/client";
import { renderCounts, renderEntry, renderRuns, renderStatus, renderWaiting, stepWords } from "./render.js";

const sgr = withoutSgr;

const X = "\x1b[2J\x1b]0;pwned\x07\x1b[1A\x1b[2K\rOK\b\x7f\x9b31m\u202e<script>alert(1)</script>";

const entry = (e: unknown): LogEntry => ({
  seq: 1,
  subject: "cairn.run.r1.evt.x",
  time: "t",
  entry: e as LogEntry["entry"],
});

const status: RunStatus = {
  v: 1,
  runId: "r1",
  status: "awaiting_approval",
  task: `do it ${X}`,
  agent: `agent${X}`,
  turn: 2,
  toolCalls: 1,
  waitingFor: [`cmd.tool.1.0${X}`],
  waitingForRunner: [`tool${X}`],
  answer: `first line ${X}\nsecond line\r\nthird`,
  reason: `because ${X}`,
  approvals: [
    {
      turn: 1,
      index: 0,
      callId: `call${X}`,
      tool: `shell${X}`,
      arguments: `{"command":"rm -rf / ${X}"}`,
      reason: `dangerous ${X}`,
    },
  ],
  budgetPause: { turn: 2, kind: `tokens${X}`, message: `over ${X}` },
  usage: { inputTokens: 1, outputTokens: 2 },
  errors: 1,
  submittedAt: "2025-01-01T00:00:00.000Z",
  traceId: `trace${X}`,
};

describe("CLI text output is terminal-safe", () => {
  it("renderStatus: task, answer, approvals (arguments JSON-escaped), budget, reasons", () => {
    const text = sgr(renderStatus(status));
    expect(rawControls(text)).toEqual([]);
    expect(text).toContain("first line \\x1b[2J");
    expect(text).toContain("\nsecond line\nthird"); // newlines kept in the answer, CRLF as a newline
    expect(text).toContain('{"command":"rm -rf / \\u001b[2J');
    expect(text).toContain("<script>");
  });

  it("renderCounts: awaiting approval first, then each status and all", () => {
    const text = sgr(renderCounts({ awaiting_approval: 2, running: 1, completed: 7, failed: 0, cancelled: 3 }));
    expect(text).toBe("awaiting approval 2  running 1  completed 7  failed 0  cancelled 3  all 13");
  });

  it("renderRuns", () => {
    const text = sgr(renderRuns([status, { ...status, runId: `r2${X}` }]));
    expect(rawControls(text)).toEqual([]);
    expect(text).toContain("\\x1b]0;pwned\\x07");
  });

  it("renderEntry, for every kind of log entry --follow prints", () => {
    const usage = { inputTokens: 1, outputTokens: 2 };
    const entries = [
      {
        kind: "submitted",
        message: { runId: `r${X}`, task: `task ${X}`, agent: { name: `a${X}`, provider: `p${X}`, model: `m${X}` } },
      },
      {
        kind: "llm-result",
        message: {
          turn: 1,
          ok: true,
          content: `said ${X}`,
          toolCalls: [{ id: "c", name: "n", arguments: "{}" }],
          attempts: 1,
          usage,
        },
      },
      { kind: "llm-result", message: { turn: 1, ok: false, attempts: 2, error: { kind: `k${X}`, message: `m${X}` } } },
      { kind: "summary-result", message: { turn: 2, throughTurn: 1, ok: true, content: `s${X}`, attempts: 1, usage } },
      {
        kind: "summary-result",
        message: { turn: 2, throughTurn: 1, ok: false, attempts: 1, error: { kind: `k${X}`, message: `m${X}` } },
      },
      { kind: "check-command", message: { n: 1, turn: 1, point: "output", guardrail: `g${X}` } },
      {
        kind: "check-result",
        message: {
          n: 1,
          turn: 1,
          point: "output",
          guardrail: `g${X}`,
          ok: true,
          tripped: true,
          reason: `r${X}`,
          attempts: 1,
        },
      },
      {
        kind: "check-result",
        message: {
          n: 2,
          turn: 1,
          point: "input",
          guardrail: `g${X}`,
          ok: false,
          model: `m${X}`,
          error: { kind: `k${X}`, message: `m${X}` },
          attempts: 1,
        },
      },
      { kind: "tool-command", message: { tool: `tool${X}`, arguments: `{"path":"${X}"}` } },
      { kind: "tool-result", message: { tool: `tool${X}`, ok: true, output: `out ${X}`, attempts: 1 } },
      {
        kind: "tool-result",
        message: { tool: `tool${X}`, ok: false, error: { kind: `k${X}`, message: `m${X}` }, attempts: 3 },
      },
      { kind: "budget-approval", message: { turn: 2, decision: "approve", by: `by${X}`, reason: `r${X}` } },
      { kind: "approval", message: { callId: `c${X}`, decision: "deny", by: `by${X}`, reason: `r${X}` } },
      { kind: "signal", message: { signal: `cancel${X}`, reason: `r${X}` } },
      { kind: "error", message: { service: `svc${X}`, error: { kind: `k${X}`, message: `m${X}` } } },
      { kind: "ended", message: { status: "completed", turns: 2, usage, answer: `answer ${X}\nline 2` } },
      {
        kind: "ended",
        message: { status: "failed", turns: 2, usage, reason: `r${X}`, error: { kind: "k", message: `m${X}` } },
      },
      { kind: "invalid", subject: `s${X}`, reason: `r${X}` },
    ];
    for (const e of entries) {
      const text = renderEntry(entry(e), 200);
      expect(text, e.kind).toBeDefined();
      expect(rawControls(sgr(text!)), e.kind).toEqual([]);
      expect(sgr(text!), e.kind).toMatch(/\\(x1b|u001b)\[2J/);
    }
  });
});

describe("a model-judged guardrail's check, as follow prints it", () => {
  const at = (subject: string, e: unknown): LogEntry => ({
    seq: 4,
    subject,
    time: "2026-01-01T00:00:00.000Z",
    entry: e as LogEntry["entry"],
  });
  const check = {
    v: 1,
    type: "check.result",
    runId: "r1",
    n: 1,
    turn: 2,
    point: "output",
    guardrail: "judge",
    provider: "openai",
    model: "gpt-judge",
    usage: { inputTokens: 7, outputTokens: 3 },
    latencyMs: 120.4,
    attempts: 1,
  };

  it("the check asked for, the judge's verdict (passed, tripped with its reason) and a check that got no verdict", () => {
    const asked = renderEntry(
      at("cairn.run.r1.cmd.check.1.openai", {
        kind: "check-command",
        message: {
          v: 1,
          type: "check.command",
          runId: "r1",
          n: 1,
          turn: 2,
          point: "output",
          guardrail: "judge",
          historySeq: 3,
        },
      }),
    );
    expect(sgr(asked!)).toBe("  … check 1: output guardrail judge asking its model about turn 2's answer");
    const input = renderEntry(
      at("cairn.run.r1.cmd.check.1.openai", {
        kind: "check-command",
        message: {
          v: 1,
          type: "check.command",
          runId: "r1",
          n: 1,
          turn: 1,
          point: "input",
          guardrail: "judge",
          historySeq: 1,
        },
      }),
    );
    expect(sgr(input!)).toContain("input guardrail judge asking its model about the task");
    const passed = renderEntry(
      at("cairn.run.r1.evt.check.1", { kind: "check-result", message: { ...check, ok: true, tripped: false } }),
    );
    expect(sgr(passed!)).toBe(
      "  ⚖ output guardrail judge judged by gpt-judge: passed [check 1, 7 in / 3 out tokens, 120 ms]",
    );
    const tripped = renderEntry(
      at("cairn.run.r1.evt.check.1", {
        kind: "check-result",
        message: { ...check, ok: true, tripped: true, reason: "it names a card number", attempts: 2 },
      }),
    );
    expect(sgr(tripped!)).toBe(
      "  ⚖ output guardrail judge judged by gpt-judge: tripped — it names a card number [check 1, 7 in / 3 out tokens, 120 ms, attempt 2]",
    );
    const failed = renderEntry(
      at("cairn.run.r1.evt.check.1", {
        kind: "check-result",
        message: { ...check, ok: false, usage: undefined, error: { kind: "not_a_verdict", message: "not JSON" } },
      }),
    );
    expect(sgr(failed!)).toBe(
      "  ✗ output guardrail judge: no verdict not_a_verdict: not JSON (it trips: paused for a human) [check 1, 0 in / 0 out tokens, 120 ms]",
    );
  });

  it("a retry notice about a check names it by its number", () => {
    expect(stepWords("cairn.run.r1.cmd.check.3.openai")).toBe("guardrail check 3");
    expect(stepWords("acme.prod.run.r1.evt.check.12")).toBe("guardrail check 12");
    const retry = {
      subject: "cairn.run.r1.cmd.check.2.openai",
      attempt: 1,
      retryAt: Date.parse("2026-01-01T00:00:04.000Z"),
      error: "http_503: busy",
    };
    expect(
      renderWaiting(
        {
          v: 1,
          runId: "r1",
          status: "running",
          task: "t",
          agent: "a",
          turn: 1,
          toolCalls: 0,
          usage: { inputTokens: 0, outputTokens: 0 },
          errors: 0,
          submittedAt: "2026-01-01T00:00:00.000Z",
        },
        [],
        Date.parse("2026-01-01T00:00:00.000Z"),
        false,
        [retry],
      ).map(sgr),
    ).toEqual(["↻ retrying guardrail check 2 at 2026-01-01T00:00:04.000Z (attempt 1 failed: http_503: busy)"]);
  });
});

describe("what follow says a waiting run waits for", () => {
  const base: RunStatus = {
    v: 1,
    runId: "r1",
    status: "running",
    task: "t",
    agent: "a",
    turn: 1,
    toolCalls: 1,
    usage: { inputTokens: 0, outputTokens: 0 },
    errors: 0,
    submittedAt: "2025-01-01T00:00:00.000Z",
  };
  const now = Date.parse("2026-01-01T00:00:00.000Z");

  it("an approval, with the commands that give it; a budget pause, with its commands", () => {
    const s: RunStatus = {
      ...base,
      status: "awaiting_approval",
      approvals: [{ turn: 1, index: 0, callId: "call_1_0", tool: "ledger", arguments: '{"item":"x"}' }],
      budgetPause: { turn: 2, kind: "tokens", message: "over the budget" },
    };
    const lines = renderWaiting(s, [], now, false).map(sgr);
    expect(lines[0]).toContain("waiting for approval");
    expect(lines[0]).toContain("cairn approve r1 call_1_0");
    expect(lines[0]).toContain('cairn deny r1 call_1_0 --reason "…"');
    expect(lines[0]).toContain('ledger {"item":"x"}');
    expect(lines[1]).toContain("paused at a budget (tokens: over the budget)");
    expect(lines[1]).toContain("cairn approve r1 budget");
  });

  it("a tool and a provider no live worker serves, and which service to start", () => {
    const s: RunStatus = {
      ...base,
      waitingOn: [
        { kind: "tool", name: "ledger" },
        { kind: "llm", name: "openai" },
      ],
      waitingForRunner: ["ledger", "openai"],
    };
    const [line] = renderWaiting(s, [], now, false).map(sgr);
    expect(line).toContain("no live worker serves tool ledger, provider openai");
    expect(line).toContain("cairn service tool-runner / cairn service llm-caller");
  });

  it("a sleep until its time (a countdown when live), then due; ordinary waits only when live; nothing for an ended run", () => {
    const sleeping = renderWaiting(base, [{ callId: "call_1_0", wakeAt: now + 90_000 }], now, false).map(sgr);
    expect(sleeping).toEqual(["⏾ sleeping until 2026-01-01T00:01:30.000Z (call call_1_0)"]);
    const live = renderWaiting(base, [{ callId: "call_1_0", wakeAt: now + 90_000 }], now, true).map(sgr);
    expect(live).toEqual(["⏾ sleeping until 2026-01-01T00:01:30.000Z (90s left, call call_1_0)"]);
    const due = renderWaiting(base, [{ callId: "call_1_0", wakeAt: now - 1 }], now, false).map(sgr);
    expect(due[0]).toContain("sleep due since");
    const ordinary = { ...base, waitingFor: ["tool ledger (turn 1, call 0)"] };
    expect(renderWaiting(ordinary, [], now, false)).toEqual([]);
    expect(renderWaiting(ordinary, [], now, true).map(sgr)).toEqual(["… waiting for tool ledger (turn 1, call 0)"]);
    expect(renderWaiting({ ...ordinary, status: "completed" }, [{ callId: "c", wakeAt: now + 1 }], now, true)).toEqual(
      [],
    );
  });

  it("a retry: when the next attempt is due (a countdown when live), then due; the log's retry notice in words", () => {
    const retry = {
      subject: "cairn.run.r1.cmd.tool.1.0.ledger",
      attempt: 2,
      retryAt: now + 4_000,
      error: "http_503: busy",
    };
    expect(renderWaiting(base, [], now, false, [retry]).map(sgr)).toEqual([
      "↻ retrying tool ledger (turn 1, call 0) at 2026-01-01T00:00:04.000Z (attempt 2 failed: http_503: busy)",
    ]);
    expect(renderWaiting(base, [], now, true, [retry]).map(sgr)[0]).toContain("(4s left, attempt 2 failed");
    expect(renderWaiting(base, [], now + 5_000, false, [retry]).map(sgr)[0]).toBe(
      "↻ retry due since 2026-01-01T00:00:04.000Z: tool ledger (turn 1, call 0), attempt 3 (attempt 2 failed: http_503: busy)",
    );
    const notice = renderEntry({
      seq: 9,
      subject: "cairn.run.r1.evt.error.s7-2",
      time: "2026-01-01T00:00:00.000Z",
      entry: {
        kind: "error",
        message: {
          v: 1,
          type: "run.error",
          runId: "r1",
          service: "llm-caller",
          subject: "cairn.run.r1.cmd.llm.3.openai",
          seq: 7,
          error: { kind: "http_429", message: "slow down", retryable: true },
          at: "2026-01-01T00:00:00.000Z",
          attempt: 2,
          retryAt: "2026-01-01T00:00:08.000Z",
        },
      },
    });
    expect(sgr(notice!)).toBe(
      "  ↻ retry model call (turn 3): attempt 2 failed (http_429: slow down); next at 2026-01-01T00:00:08.000Z",
    );
  });

  it("is terminal-safe", () => {
    const lines = renderWaiting(status, [{ callId: `c${X}`, wakeAt: now + 1000 }], now, true).map(sgr);
    expect(lines.length).toBeGreaterThanOrEqual(4);
    for (const l of lines) expect(rawControls(l)).toEqual([]);
  });
});

describe("a run paused by its stuck-loop guard", () => {
  const paused: RunStatus = {
    v: 1,
    runId: "r1",
    status: "awaiting_approval",
    task: "t",
    agent: "a",
    turn: 3,
    toolCalls: 3,
    usage: { inputTokens: 0, outputTokens: 0 },
    errors: 0,
    submittedAt: "2025-01-01T00:00:00.000Z",
    waitingFor: ["llm turn 4"],
    loopPause: {
      turn: 4,
      pattern: "same_call",
      tool: `ledger${X}`,
      arguments: `{"item":"same${X}"}`,
      count: 3,
      sinceTurn: 1,
      message: `stuck loop (same_call): ledger${X} was called 3 times`,
    },
  };

  it("renderStatus names the pattern, the call and its count, and the commands that go on or end it (terminal-safe)", () => {
    const text = sgr(renderStatus(paused));
    expect(rawControls(text)).toEqual([]);
    expect(text).toContain("loop     same_call: ledger\\x1b[2J");
    expect(text).toContain("×3 — paused before turn 4");
    expect(text).toContain("cairn approve r1 loop");
    expect(text).toContain('cairn deny r1 loop --reason "…"');
    const idle = sgr(
      renderStatus({ ...paused, loopPause: { turn: 4, pattern: "idle_turns", count: 2, sinceTurn: 1, message: "m" } }),
    );
    expect(idle).toContain("loop     idle_turns: 2 idle turns — paused before turn 4");
  });

  it("renderWaiting says what to run, instead of an ordinary wait for the model", () => {
    const lines = renderWaiting(paused, [], 0, true).map(sgr);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain("⏸ paused by the loop guard (stuck loop (same_call): ledger\\x1b[2J");
    expect(lines[0]).toContain("cairn approve r1 loop to go on, cairn deny r1 loop to end it");
    for (const l of lines) expect(rawControls(l)).toEqual([]);
    expect(renderWaiting({ ...paused, status: "failed" }, [], 0, true)).toEqual([]);
  });

  it("renderEntry shows the decision from the log", () => {
    const line = sgr(
      renderEntry(
        entry({ kind: "loop-approval", message: { turn: 4, decision: "deny", by: `by${X}`, reason: `r${X}` } }),
        120,
      ) ?? "",
    );
    expect(line).toContain("✗ denied going on after a stuck loop before turn 4 by by\\x1b[2J");
    expect(rawControls(line)).toEqual([]);
  });
});
