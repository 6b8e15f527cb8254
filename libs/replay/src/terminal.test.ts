import { describe, it, expect } from "vitest";
import { rawControls, withoutSgr } from "@cairn/testing";
import type { CheckReport } from "./check.js";
import type { PromptCheck, StateAtStep } from "./inspect.js";
import { renderCheck, renderPromptCheck, renderState, renderTimeline } from "./render.js";
import { isTerminalUnsafe, terminalArgs, terminalJson, terminalLine, terminalSafe } from "./terminal.js";
import type { Timeline } from "./timeline.js";

const HOSTILE = [
  "\x1b[2J", // clear screen
  "\x1b]0;pwned\x07", // OSC window title, BEL
  "\x1b]8;;http://evil/\x1b\\link\x1b]8;;\x1b\\", // OSC 8 hyperlink, ST
  "\x1b[1A\x1b[2K", // cursor up, erase line
  "\x9b2J", // 8-bit CSI
  "\x90qpayload\x9c", // DCS … ST (C1)
  "approved\rDENIED", // carriage return overwrite
  "abc\b\b\bxyz", // backspaces
  "\x7f", // DEL
  "\u202egnp.exe", // right-to-left override
  "\u2066isolate\u2069",
  "\x00nul",
].join(" | ");

describe("terminalSafe", () => {
  it("leaves ordinary text alone (same string)", () => {
    const t = "Hello, wörld — 你好 🙂 `code` \\x1b stays a backslash";
    expect(terminalSafe(t)).toBe(t);
    expect(terminalSafe(t, { keepNewlines: true })).toBe(t);
  });

  it("escapes ESC sequences, OSC, BEL, CR, backspace, DEL, C1 and bidi controls visibly", () => {
    const out = terminalSafe(HOSTILE);
    expect(rawControls(out)).toEqual([]);
    expect(out).not.toContain("\n");
    expect(rawControls(HOSTILE).length).toBeGreaterThan(10);
    expect(out).toContain("\\x1b[2J");
    expect(out).toContain("\\x1b]0;pwned\\x07");
    expect(out).toContain("\\x9b2J");
    expect(out).toContain("approved\\rDENIED");
    expect(out).toContain("abc\\x08\\x08\\x08xyz");
    expect(out).toContain("\\x7f");
    expect(out).toContain("\\u202egnp.exe");
    expect(out).toContain("\\u2066isolate\\u2069");
    expect(out).toContain("\\x00nul");
  });

  it("keeps newlines (and tabs) only when asked; CRLF becomes a newline", () => {
    expect(terminalSafe("a\nb\tc")).toBe("a\\nb\\tc");
    expect(terminalSafe("a\nb\tc", { keepNewlines: true })).toBe("a\nb\tc");
    expect(terminalSafe("a\nb\tc", { keepNewlines: true, keepTabs: false })).toBe("a\nb\\tc");
    expect(terminalSafe("line 1\r\nline 2\rover", { keepNewlines: true })).toBe("line 1\nline 2\\rover");
    expect(terminalSafe("\x1b[2J\n\x1b]0;t\x07", { keepNewlines: true })).toBe("\\x1b[2J\n\\x1b]0;t\\x07");
  });

  it("is idempotent: its output has nothing left to escape", () => {
    const once = terminalSafe(HOSTILE);
    expect(terminalSafe(once)).toBe(once);
    const kept = terminalSafe(`${HOSTILE}\nmore`, { keepNewlines: true });
    expect(terminalSafe(kept, { keepNewlines: true })).toBe(kept);
  });

  it("json style: the JSON escapes, so JSON text stays the same value", () => {
    const value = { cmd: "echo \x1b[2J\u009b\u202e", n: 1 };
    const raw = `{"cmd":"echo \x1b[2J\u009b\u202e","n":1}`; // raw controls inside a string: invalid JSON as sent
    const shown = terminalSafe(raw, { style: "json" });
    expect(shown).toBe('{"cmd":"echo \\u001b[2J\\u009b\\u202e","n":1}');
    expect(JSON.parse(shown)).toEqual(value);
    expect(terminalSafe("a\r\n\t\b\f", { style: "json" })).toBe("a\\r\\n\\t\\b\\f");
  });

  it("classifies exactly the characters a terminal acts on", () => {
    for (let c = 0; c < 0x20; c++) expect(isTerminalUnsafe(c)).toBe(true);
    for (let c = 0x20; c < 0x7f; c++) expect(isTerminalUnsafe(c)).toBe(false);
    for (let c = 0x7f; c <= 0x9f; c++) expect(isTerminalUnsafe(c)).toBe(true);
    for (const c of [0xa0, 0xe9, 0x4f60, 0x2027, 0x2065, 0x206a, 0x202f]) expect(isTerminalUnsafe(c)).toBe(false);
    for (const c of [0x202a, 0x202e, 0x2066, 0x2069, 0x200e, 0x200f, 0x061c, 0x2028, 0x2029])
      expect(isTerminalUnsafe(c)).toBe(true);
  });
});

describe("terminalLine, terminalArgs, terminalJson", () => {
  it("terminalLine collapses whitespace to one line and escapes the rest", () => {
    expect(terminalLine("  a\n\n b\t\x1b[2Jc \r\n")).toBe("a b \\x1b[2Jc");
    expect(terminalLine("approved\rDENIED\r\nnext")).toBe("approved\\rDENIED next");
  });

  it("terminalArgs shows tool-call arguments JSON-escaped on one line", () => {
    expect(terminalArgs('{\n  "path": "notes/a.txt"\n}')).toBe('{ "path": "notes/a.txt" }');
    expect(terminalArgs('{"command":"printf \x1b]0;pwned\x07"}')).toBe('{"command":"printf \\u001b]0;pwned\\u0007"}');
    expect(rawControls(terminalArgs('{"command":"printf \x1b]0;pwned\x07"}'))).toEqual([]);
  });

  it("terminalJson is JSON.stringify plus DEL/C1/bidi escapes: the same value", () => {
    const v = { a: "\x1b[2J\x7f\x9b\u202e\u2028", b: ["\n"] };
    const text = terminalJson(v);
    expect(rawControls(text)).toEqual([]);
    expect(JSON.parse(text)).toEqual(v);
    const pretty = terminalJson(v, 2);
    expect(pretty).toContain("\n");
    expect(rawControls(pretty)).toEqual([]);
    expect(JSON.parse(pretty)).toEqual(v);
    expect(terminalJson(undefined)).toBe("null");
  });
});

describe("the replay renderers print nothing raw from a hostile log", () => {
  const X = "\x1b[2J\x1b]0;pwned\x07\x1b[1A\r\b\x9b\u202e<script>";
  const status = {
    v: 1,
    runId: "r1",
    status: "completed",
    task: `task ${X}`,
    agent: `agent${X}`,
    turn: 1,
    toolCalls: 1,
    answer: `line 1 ${X}\nline 2`,
    reason: `why ${X}`,
    waitingFor: [`w${X}`],
    usage: { inputTokens: 1, outputTokens: 2 },
    errors: 1,
    submittedAt: "2025-01-01T00:00:00.000Z",
  };
  const base = { seq: 1, time: "2025-01-01T00:00:00.000Z", atMs: 0, subject: `evt.x${X}` };
  const timeline = {
    runId: "r1",
    prefix: "cairn",
    status,
    task: `task ${X}`,
    agent: { name: `agent${X}`, provider: `p${X}`, model: `m${X}`, maxTurns: 3, tools: [`t${X}`] },
    forkedFrom: { runId: `src${X}`, step: 1, seq: 2, editedCalls: [`c${X}`] },
    totals: {
      steps: 5,
      messages: 9,
      turns: 1,
      toolCalls: 1,
      inputTokens: 1,
      outputTokens: 2,
      retries: 0,
      errors: 1,
      durationMs: 5,
    },
    items: [
      { ...base, step: 0, kind: "submitted", task: X, agent: {}, submittedAt: `t${X}`, idempotencyKey: `k${X}` },
      {
        ...base,
        step: 1,
        kind: "llm-result",
        turn: 1,
        ok: true,
        content: `said ${X}`,
        toolCalls: [{ id: `id${X}`, name: `n${X}`, arguments: `{"a":"${X}"}` }],
        attempts: 1,
        copied: true,
        ignored: `ig${X}`,
        rejected: `rej${X}`,
      },
      {
        ...base,
        step: 2,
        kind: "llm-result",
        turn: 2,
        ok: false,
        content: null,
        toolCalls: [],
        attempts: 2,
        error: { kind: `k${X}`, message: `m${X}` },
      },
      {
        ...base,
        kind: "tool-command",
        turn: 1,
        index: 0,
        callId: `c${X}`,
        tool: `tool${X}`,
        arguments: `{"cmd":"${X}"}`,
        idempotencyKey: "k",
      },
      {
        ...base,
        step: 3,
        kind: "tool-result",
        turn: 1,
        index: 0,
        callId: `c${X}`,
        tool: `tool${X}`,
        ok: true,
        output: `out ${X}`,
        attempts: 1,
      },
      {
        ...base,
        step: 4,
        kind: "tool-result",
        turn: 1,
        index: 1,
        callId: `c${X}`,
        tool: `tool${X}`,
        ok: false,
        error: { kind: `k${X}`, message: `short${X}` },
        attempts: 1,
      },
      {
        ...base,
        step: 5,
        kind: "tool-result",
        turn: 1,
        index: 2,
        callId: `c${X}`,
        tool: `tool${X}`,
        ok: false,
        error: { kind: `k${X}`, message: `long${X}`.repeat(30) },
        attempts: 1,
      },
      { ...base, step: 6, kind: "summary-result", turn: 2, throughTurn: 1, ok: true, content: `sum ${X}`, attempts: 1 },
      {
        ...base,
        step: 7,
        kind: "approval",
        turn: 1,
        callId: `c${X}`,
        budget: false,
        decision: "deny",
        reason: `r${X}`,
        by: `by${X}`,
      },
      { ...base, step: 8, kind: "signal", signal: `s${X}`, reason: `r${X}`, at: "t" },
      {
        ...base,
        step: 9,
        kind: "error",
        service: `svc${X}`,
        about: `a${X}`,
        error: { kind: `k${X}`, message: `m${X}` },
      },
      {
        ...base,
        step: 10,
        kind: "ended",
        status: "failed",
        answer: `a1 ${X}\na2 ${X}`,
        reason: `r${X}`,
        error: { kind: `k${X}`, message: `m${X}` },
        turns: 1,
        usage: { inputTokens: 1, outputTokens: 1 },
        endedAt: "t",
      },
      { ...base, kind: "invalid", reason: `bad${X}` },
    ],
  } as unknown as Timeline;

  it("renderTimeline: a guardrail check's command and verdicts (names, model, reason, error) are terminal-safe", () => {
    const t = {
      runId: "r1",
      prefix: "cairn",
      status: { status: "running" },
      totals: {
        steps: 3,
        messages: 4,
        turns: 1,
        toolCalls: 0,
        inputTokens: 0,
        outputTokens: 0,
        retries: 0,
        errors: 0,
        durationMs: 0,
      },
      items: [
        { ...base, kind: "check-command", n: 1, turn: 1, point: "output", guardrail: `g${X}`, historySeq: 3 },
        {
          ...base,
          step: 2,
          kind: "check-result",
          n: 1,
          turn: 1,
          point: "output",
          guardrail: `g${X}`,
          ok: true,
          tripped: true,
          reason: `why ${X}`,
          model: `m${X}`,
          attempts: 1,
        },
        {
          ...base,
          step: 3,
          kind: "check-result",
          n: 2,
          turn: 1,
          point: "input",
          guardrail: `g${X}`,
          ok: false,
          error: { kind: `k${X}`, message: `e${X}` },
          attempts: 2,
        },
      ],
    } as unknown as Timeline;
    for (const color of [false, true]) {
      const lines = withoutSgr(renderTimeline(t, { color, width: 400 }))
        .split("\n")
        .slice(-3);
      for (const l of lines) {
        expect(rawControls(l), l).toEqual([]);
        expect(l).toContain("g\\x1b[2J");
      }
      expect(lines[0]).toContain("⋯ check 1: output guardrail g");
      expect(lines[1]).toContain("judged by m\\x1b[2J");
      expect(lines[1]).toContain("tripped — why \\x1b[2J");
      expect(lines[2]).toContain("no verdict");
      expect(lines[2]).toContain("k\\x1b[2J");
      expect(lines[2]).toContain("e\\x1b[2J");
    }
  });

  for (const color of [false, true]) {
    it(`renderTimeline (color ${color})`, () => {
      const text = renderTimeline(timeline, { color, width: 120 });
      // With colour on, the only ESC sequences left are picocolors' own SGR codes.
      const stripped = withoutSgr(text);
      expect(rawControls(stripped)).toEqual([]);
      expect(stripped).toContain("\\x1b[2J");
      expect(stripped).toContain("<script>");
    });
  }

  it("renderState, renderPromptCheck and renderCheck", () => {
    const state = {
      runId: "r1",
      step: 1,
      seq: 1,
      subject: `s${X}`,
      time: "t",
      lastStep: 2,
      status,
      nextTurn: 2,
      messages: [
        { role: "user", content: `task ${X}` },
        {
          role: "assistant",
          content: `said ${X}`,
          toolCalls: [{ id: `id${X}`, name: `n${X}`, arguments: `{"a":"${X}"}` }],
        },
        { role: "tool", content: `out ${X}`, toolCallId: `id${X}`, name: `n${X}` },
      ],
      due: [{ subject: `cmd${X}`, message: {} }],
    } as unknown as StateAtStep;
    const prompt = {
      turn: 1,
      historySeq: 3,
      request: { messages: [{ role: "user", content: `${X}\u2028` }] },
      hash: "h",
      recordedHash: "h2",
      match: false,
      note: `n${X}`,
    } as unknown as PromptCheck;
    const check = {
      runId: "r1",
      ok: false,
      events: 1,
      decisions: 1,
      matched: 0,
      pending: [],
      external: [],
      divergence: {
        kind: "different",
        step: 1,
        seq: 1,
        event: `e${X}`,
        subject: `s${X}`,
        recorded: { a: `x${X}` },
        decided: { a: `y${X}` },
        message: `m${X}`,
      },
      divergences: [{}, { step: 2, subject: `s${X}` }],
    } as unknown as CheckReport;
    for (const text of [renderState(state), renderPromptCheck(prompt), renderCheck(check, { width: 200 })]) {
      expect(rawControls(text)).toEqual([]);
      expect(text).toMatch(/\\(x1b|u001b)\[2J/);
    }
  });
});
