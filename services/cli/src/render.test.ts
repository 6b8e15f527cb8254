import { describe, it, expect } from "vitest";
import { rawControls, withoutSgr } from "@cairn/testing";
import type { RunStatus } from "@cairn/protocol";
import type { LogEntry } from "@cairn/client";
import { renderEntry, renderRuns, renderStatus } from "./render.js";

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
