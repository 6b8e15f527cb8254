import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import type { LlmCommand, ToolCommand } from "@cairn/protocol";
import { decide, due, type Output } from "@cairn/runtime";
import { checkRun, type DecideFn } from "./check.js";
import { parseRunExport } from "./format.js";
import { promptAt, stateAt } from "./inspect.js";
import { relativeSubject, stepsOf, type RunLog } from "./log.js";
import { renderCheck, renderTimeline } from "./render.js";
import { buildTimeline, type TimelineItem } from "./timeline.js";

// Golden histories: logs of real runs (real nats-server, real services, scripted model), exported
// and committed with the replay output they must keep producing. Produced by
// tests/fixtures/golden/generate.mjs.
const dir = fileURLToPath(new URL("../../../tests/fixtures/golden/", import.meta.url));
const NAMES = [
  "parallel-ledger",
  "tool-errors",
  "max-turns",
  "cancelled",
  "crash-resumed",
  "fork-edited",
  "summarised",
] as const;

interface Expected {
  timeline: unknown;
  states: unknown[];
  prompts: { turn: number; historySeq: number; hash: string; recordedHash?: string; match?: boolean }[];
  check: { ok: boolean; events: number; decisions: number; matched: number };
}

function load(name: string): { log: RunLog; expected: Expected; text: string } {
  return {
    log: parseRunExport(readFileSync(`${dir}${name}.cairn.jsonl`, "utf8")),
    expected: JSON.parse(readFileSync(`${dir}${name}.expected.json`, "utf8")) as Expected,
    text: readFileSync(`${dir}${name}.timeline.txt`, "utf8"),
  };
}

/** JSON round trip: what was committed is JSON, so compare like with like. */
function json(v: unknown): unknown {
  return JSON.parse(JSON.stringify(v));
}

function items<K extends TimelineItem["kind"]>(log: RunLog, kind: K): Extract<TimelineItem, { kind: K }>[] {
  return buildTimeline(log).items.filter((i): i is Extract<TimelineItem, { kind: K }> => i.kind === kind);
}

describe("golden histories replay exactly as committed", () => {
  for (const name of NAMES) {
    it(`${name}: same timeline, same state after every step, same prompts, and --check passes`, () => {
      const { log, expected, text } = load(name);
      const timeline = buildTimeline(log);
      expect(json(timeline)).toEqual(expected.timeline);
      expect(renderTimeline(timeline, { color: false, width: 100 }) + "\n").toBe(text);
      const steps = stepsOf(log)
        .map((s) => s.step)
        .sort((a, b) => a - b);
      expect(steps).toEqual(steps.map((_, i) => i)); // 0..n, no gaps
      expect(json(steps.map((s) => stateAt(log, s)))).toEqual(expected.states);
      for (const p of expected.prompts) {
        const got = promptAt(log, p.turn);
        expect({
          turn: p.turn,
          historySeq: got.historySeq,
          hash: got.hash,
          recordedHash: got.recordedHash,
          match: got.match,
        }).toEqual(p);
        expect(got.match).toBe(true);
      }
      const r = checkRun(log);
      expect(r.divergences).toEqual([]);
      expect({ ok: r.ok, events: r.events, decisions: r.decisions, matched: r.matched }).toEqual(expected.check);
      expect(r.matched).toBe(r.decisions);
    });
  }

  it("parallel-ledger: fan-out of three calls, fan-in, one more, then the answer", () => {
    const { log } = load("parallel-ledger");
    const t = buildTimeline(log);
    expect(t.status).toMatchObject({ status: "completed", answer: "Recorded: recorded d", turn: 3, toolCalls: 4 });
    expect(items(log, "tool-command").map((c) => `${c.turn}.${c.index}:${c.arguments}`)).toEqual([
      '1.0:{"item":"a"}',
      '1.1:{"item":"b"}',
      '1.2:{"item":"c"}',
      '2.0:{"item":"d"}',
    ]);
    expect(
      items(log, "tool-result")
        .map((r) => r.output)
        .sort(),
    ).toEqual(["recorded a", "recorded b", "recorded c", "recorded d"]);
    // Turn 2 was asked only once all three results of turn 1 were in.
    const resultSeqs = items(log, "tool-result")
      .filter((r) => r.turn === 1)
      .map((r) => r.seq);
    expect(items(log, "llm-command").find((c) => c.turn === 2)?.historySeq).toBe(Math.max(...resultSeqs));
    expect(t.totals.retries).toBe(0);
  });

  it("tool-errors: a failing tool's retries are visible (3 attempts), the errors went back to the model", () => {
    const { log } = load("tool-errors");
    const results = items(log, "tool-result");
    expect(results.find((r) => r.tool === "always_fails")).toMatchObject({
      ok: false,
      attempts: 3,
      error: { kind: "error", message: "this tool always fails" },
    });
    expect(results.find((r) => r.index === 1)?.error?.kind).toBe("invalid_arguments");
    expect(results.find((r) => r.index === 2)?.error?.kind).toBe("unknown_tool");
    expect(buildTimeline(log).totals.retries).toBe(2);
    expect(renderTimeline(buildTimeline(log))).toContain("3 attempts (2 redeliveries)");
  });

  it("max-turns: the end event says why the run failed", () => {
    const { log } = load("max-turns");
    expect(items(log, "ended")[0]).toMatchObject({ status: "failed", reason: "max_turns_exceeded", turns: 2 });
    expect(stateAt(log, 3).due.map((d) => d.subject)).toEqual(["evt.ended"]);
  });

  it("cancelled: the tool result that landed after the end is shown as ignored by the reducer", () => {
    const { log } = load("cancelled");
    const late = items(log, "tool-result")[0]!;
    const end = items(log, "ended")[0]!;
    expect(end).toMatchObject({ status: "cancelled", reason: "user asked" });
    expect(late.seq).toBeGreaterThan(end.seq);
    expect(late.ignored).toBe("run already ended");
    expect(stateAt(log, late.step!).status.status).toBe("cancelled");
  });

  it("crash-resumed: the steps redone after the SIGKILLs show attempts > 1", () => {
    const { log } = load("crash-resumed");
    expect(items(log, "llm-result").find((r) => r.turn === 1)?.attempts).toBe(2);
    expect(items(log, "tool-result").filter((r) => r.attempts > 1).length).toBeGreaterThanOrEqual(1);
    expect(buildTimeline(log).status.answer).toBe("Recorded: recorded d");
    expect(renderTimeline(buildTimeline(log))).toMatch(/◆ turn 1 asks for 3 tool calls .* 2 attempts \(1 redelivery\)/);
  });

  it("fork-edited: copied steps keep their numbers, the submission is step 0 though it comes after them", () => {
    const { log } = load("fork-edited");
    const t = buildTimeline(log);
    expect(t.forkedFrom).toMatchObject({ step: 5, editedCalls: ["call_2_0"] });
    const sub = t.items.find((i) => i.kind === "submitted")!;
    const copied = t.items.filter((i) => i.copied);
    expect(copied.map((i) => i.step)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(copied.every((i) => i.seq < sub.seq)).toBe(true);
    expect(copied.find((i) => i.edited)).toMatchObject({
      kind: "tool-result",
      callId: "call_2_0",
      output: "recorded D (edited)",
    });
    expect(t.status.answer).toBe("Recorded: recorded D (edited)");
    // No model call and no tool call for the copied turns: the only commands are for turn 3.
    expect(
      t.items
        .filter((i) => i.kind === "llm-command" || i.kind === "tool-command")
        .map((i) => i.subject.split(".").slice(0, 3).join(".")),
    ).toEqual(["cmd.llm.3"]);
  });
});

// Deliberately changed planners: the check must fail and name the step where the code diverges.

/** Asks the model again after the FIRST result of a turn instead of the last. */
const eager: DecideFn = (state, applied, subjects) => {
  if (applied.kind !== "tool-result") return decide(state, applied, subjects);
  const t = state.turns[applied.turn - 1];
  if (!t || t.resultCount !== 1 || t.results.length < 2) return decide(state, applied, subjects);
  // Pretend the turn is complete: `due` then asks for the next turn, referring to this result.
  const pretend = { ...state, turns: state.turns.map((x) => (x === t ? { ...x, resultCount: x.results.length } : x)) };
  return due(pretend, applied.seq, applied.time, subjects).filter((o) => o.type === "LlmCommand");
};

/** Uses another idempotency-key format for tool calls. */
const newKeys: DecideFn = (state, applied, subjects) =>
  decide(state, applied, subjects).map((o): Output =>
    o.type === "ToolCommand"
      ? {
          ...o,
          message: {
            ...o.message,
            idempotencyKey: `${o.message.runId}/${o.message.turn}/${o.message.index}`,
          } satisfies ToolCommand,
        }
      : o,
  );

/** Never issues tool calls: answers with whatever the model said instead. */
const noTools: DecideFn = (state, applied, subjects) =>
  decide(state, applied, subjects).flatMap((o): Output[] =>
    o.type === "ToolCommand"
      ? o.message.index === 0
        ? due(
            { ...state, turns: state.turns.map((t) => ({ ...t, llm: { ...t.llm, toolCalls: [] } })) },
            applied.seq,
            applied.time,
            subjects,
          )
        : []
      : [o],
  );

describe("--check fails for a deliberately changed planner, naming the divergent step", () => {
  it("a planner that asks the model before the fan-in is complete diverges at the first tool result", () => {
    const { log } = load("parallel-ledger");
    const firstResult = stepsOf(log).find((s) => s.kind === "tool-result")!;
    const r = checkRun(log, { decide: eager });
    expect(r.ok).toBe(false);
    expect(r.divergence).toMatchObject({ kind: "different", step: firstResult.step, seq: firstResult.seq });
    expect(r.divergence!.subject).toMatch(/^cmd\.llm\.2(\.\w+)?$/);
    expect(firstResult.step).toBe(2);
    expect((r.divergence!.decided as LlmCommand).historySeq).toBe(firstResult.seq);
    const last = stepsOf(log)
      .filter((s) => s.kind === "tool-result" && s.step <= 4)
      .pop()!;
    expect((r.divergence!.recorded as LlmCommand).historySeq).toBe(last.seq);
    const text = renderCheck(r);
    expect(text).toContain(`DIVERGENCE at step 2 (seq ${firstResult.seq}, evt.tool.1.`);
    expect(text).toContain(`    historySeq:\n      recorded ${last.seq}\n      decided  ${firstResult.seq}\n`);
  });

  it("a planner with another tool idempotency-key format diverges at the model turn that asked for tools", () => {
    const { log } = load("tool-errors");
    const r = checkRun(log, { decide: newKeys });
    expect(r.divergence).toMatchObject({ kind: "different", step: 1, subject: "cmd.tool.1.0.always_fails" });
    const toolCommands = log.entries
      .map((e) => relativeSubject(log, e.subject))
      .filter((r) => r.startsWith("cmd.tool."));
    expect(toolCommands.length).toBeGreaterThanOrEqual(2);
    expect(r.divergences.map((d) => [d.kind, d.step, d.subject])).toEqual(toolCommands.map((c) => ["different", 1, c]));
    expect(renderCheck(r)).toMatch(/idempotencyKey:\n +recorded "r\w+:1:0"\n +decided {2}"r\w+\/1\/0"/);
  });

  it("a planner that ends instead of calling tools: decisions the log never recorded, and recorded commands it never decides", () => {
    const { log } = load("max-turns");
    const r = checkRun(log, { decide: noTools });
    expect(r.ok).toBe(false);
    // After step 1 the changed code would end the run (the recorded end differs), and never issue tool 1.0.
    expect(r.divergence).toMatchObject({ step: 1, subject: "evt.ended", kind: "different" });
    expect(
      r.divergences.some((d) => d.kind === "not-decided" && d.subject === "cmd.tool.1.0.ledger" && d.step === 1),
    ).toBe(true);
  });

  it("a planner that never summarises diverges where the recorded run asked for its first summary", () => {
    const { log } = load("summarised");
    const noSummaries: DecideFn = (state, applied, subjects) => {
      const plain = {
        ...state,
        submitted: state.submitted
          ? { ...state.submitted, agent: { ...state.submitted.agent, summarize: undefined } }
          : undefined,
      } as typeof state;
      return decide(plain, applied, subjects);
    };
    const r = checkRun(log, { decide: noSummaries });
    expect(r.ok).toBe(false);
    const before = stepsOf(log).find((s) => s.rel === "evt.tool.2.0")!;
    expect(r.divergence).toMatchObject({ step: before.step, seq: before.seq });
    expect(r.divergences.some((d) => d.kind === "not-decided" && d.subject === "cmd.summary.3.scripted")).toBe(true);
  });

  it("summarised: each summary is a step of its own between the last result and the next model call, and later prompts are built on it", () => {
    const { log } = load("summarised");
    const summaries = items(log, "summary-result");
    expect(summaries.map((s) => [s.turn, s.throughTurn, s.ok])).toEqual([
      [3, 1, true],
      [4, 2, true],
    ]);
    for (const s of summaries) {
      const cmd = items(log, "llm-command").find((c) => c.turn === s.turn)!;
      expect(cmd.historySeq).toBe(s.seq);
      expect(promptAt(log, s.turn).match).toBe(true);
    }
    expect(renderTimeline(buildTimeline(log))).toContain("≡ summary of turns 1-2 for turn 4");
  });

  it("the current planner passes every golden history (the check is not vacuous: it compares every command)", () => {
    for (const name of NAMES) {
      const { log } = load(name);
      const r = checkRun(log);
      const recordedDecisions = log.entries
        .map((e) => relativeSubject(log, e.subject))
        .filter((r) => r.startsWith("cmd.") || r === "evt.ended").length;
      expect(r.ok, name).toBe(true);
      expect(r.matched, name).toBe(r.decisions);
      expect(r.decisions, name).toBeGreaterThanOrEqual(recordedDecisions);
    }
  });
});
