import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import {
  decode,
  encode,
  Subjects,
  type AgentSpec,
  type CheckCommand,
  type CheckResult,
  type LlmResult,
  type RunSubmitted,
  type ToolResult,
  messageSha256,
  type HistoryEntry,
} from "@cairn/protocol";
import { applyEntry, decide, emptyRun, type Applied, type Output, type RunState } from "@cairn/runtime";
import { checkRun } from "./check.js";
import { planFork } from "./fork.js";
import { ExportFormatError, exportRunLog, parseRunExport } from "./format.js";
import { promptAt, stateAt } from "./inspect.js";
import { relativeSubject, ReplayError, stepsOf, type RunLog } from "./log.js";
import { renderCheck, renderPromptCheck, renderState, renderTimeline } from "./render.js";
import { parseDuration, unanswered } from "./store.js";
import { buildTimeline, type TimelineItem } from "./timeline.js";
import { pendingOf } from "./waiting.js";

const dir = fileURLToPath(new URL("../../../tests/fixtures/golden/", import.meta.url));
const text = (name: string) => readFileSync(`${dir}${name}.cairn.jsonl`, "utf8");
const golden = (name: string): RunLog => parseRunExport(text(name));

/** A copy of the log with the message on `rel` transformed (or removed when `fn` returns undefined). */
function edit(log: RunLog, rel: string, fn: (e: HistoryEntry) => HistoryEntry | undefined): RunLog {
  const entries: HistoryEntry[] = [];
  let hit = false;
  for (const e of log.entries) {
    if (relativeSubject(log, e.subject) !== rel) entries.push(e);
    else {
      hit = true;
      const x = fn(e);
      if (x) entries.push(x);
    }
  }
  if (!hit) throw new Error(`no ${rel} in the log`);
  return { ...log, entries };
}

function rewrite<T>(
  type: "ToolResult" | "LlmResult" | "ToolCommand" | "RunEnded",
  f: (m: T) => T,
): (e: HistoryEntry) => HistoryEntry {
  return (e) => {
    const d = decode<T>(type, e.data);
    if (!d.ok) throw new Error(d.message);
    return { ...e, data: encode(f(d.value)) };
  };
}

describe("export format", () => {
  it("round-trips a log losslessly: same sequences, subjects, times and bytes", () => {
    const log = golden("parallel-ledger");
    const again = parseRunExport(exportRunLog(log, { exportedAt: "2025-01-01T00:00:00.000Z" }));
    expect(again.prefix).toBe(log.prefix);
    expect(again.runId).toBe(log.runId);
    expect(again.entries.map((e) => [e.seq, e.subject, e.time, Buffer.from(e.data).toString("hex")])).toEqual(
      log.entries.map((e) => [e.seq, e.subject, e.time, Buffer.from(e.data).toString("hex")]),
    );
    expect(exportRunLog(again)).toBe(text("parallel-ledger"));
  });

  it("reads a file without its header line, taking prefix and run from the subjects", () => {
    const lines = text("tool-errors").trim().split("\n");
    const log = parseRunExport(lines.slice(1).join("\n"));
    expect(log.runId).toBe(golden("tool-errors").runId);
    expect(log.prefix).toBe(golden("tool-errors").prefix);
    expect(log.entries).toHaveLength(lines.length - 1);
  });

  it("rejects what is not an export, naming the line", () => {
    const lines = text("max-turns").trim().split("\n");
    expect(() => parseRunExport("hello")).toThrow(ExportFormatError);
    expect(() => parseRunExport(`${lines[0]}\n{"seq":1}`)).toThrow(/line 2: expected \{seq, subject, time, data\}/);
    expect(() => parseRunExport([lines[0], lines[2], lines[1]].join("\n"))).toThrow(/line 3: sequence 1 after 2/);
    expect(() => parseRunExport(lines.slice(0, 4).join("\n"))).toThrow(
      `the header says ${lines.length - 1} messages, the file has 3 (truncated?)`,
    );
    expect(() => parseRunExport('{"format":"something-else","v":1}')).toThrow(/not a Cairn run export/);
  });
});

describe("steps, state and prompts", () => {
  it("numbers the submission 0 and every other event in stream order; commands are not steps", () => {
    const log = golden("parallel-ledger");
    const steps = stepsOf(log);
    expect(steps.map((s) => s.rel.replace(/\.\d+$/, ".N"))).toEqual([
      "evt.submitted",
      "evt.llm.N",
      "evt.tool.1.N",
      "evt.tool.1.N",
      "evt.tool.1.N",
      "evt.llm.N",
      "evt.tool.2.N",
      "evt.llm.N",
      "evt.ended",
    ]);
    expect(steps.map((s) => s.step)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8]);
  });

  it("says which steps exist when asked for one that does not", () => {
    const log = golden("max-turns");
    expect(() => stateAt(log, 5)).toThrow(ReplayError);
    expect(() => stateAt(log, 5)).toThrow(`run ${log.runId} has no step 5 (steps: 0..4)`);
    expect(() => promptAt(log, 3)).toThrow(/has no model turn 3/);
  });

  it("shows the conversation so far after a step, with the pending call marked", () => {
    const log = golden("parallel-ledger");
    const s = stateAt(log, 2);
    expect(s.nextTurn).toBe(2);
    expect(s.messages.filter((m) => m.pending).length).toBe(2);
    expect(s.messages.filter((m) => m.role === "tool" && !m.pending).length).toBe(1);
    expect(s.status.waitingFor).toHaveLength(2);
    const text = renderState(s);
    expect(text).toContain("messages the model would see at turn 2:");
    expect(text).toContain("(pending: no result yet)");
    const end = stateAt(log, 8);
    expect(end.status.status).toBe("completed");
    expect(end.due).toEqual([]);
    expect(end.messages.filter((m) => m.role === "assistant")).toHaveLength(3);
  });

  it("rebuilds a turn's exact request and reports MISMATCH when the history it was built from was altered", () => {
    const log = golden("parallel-ledger");
    const ok = promptAt(log, 2);
    expect(ok.match).toBe(true);
    expect(
      ok.request.messages
        .filter((m) => m.role === "tool")
        .map((m) => m.content)
        .sort(),
    ).toEqual(["recorded a", "recorded b", "recorded c"]);
    const tampered = edit(
      log,
      "evt.tool.1.1",
      rewrite<ToolResult>("ToolResult", (m) => ({ ...m, output: "recorded B" })),
    );
    const bad = promptAt(tampered, 2);
    expect(bad.match).toBe(false);
    expect(bad.recordedHash).toBe(ok.hash);
    expect(bad.hash).not.toBe(ok.hash);
    expect(renderPromptCheck(bad)).toContain(`MISMATCH recorded ${ok.hash} · rebuilt ${bad.hash}`);
    expect(renderPromptCheck(ok)).toContain(`match ${ok.hash}`);
    // Turn 1 did not see that result, so it still matches.
    expect(promptAt(tampered, 1).match).toBe(true);
  });
});

describe("determinism check on altered logs", () => {
  it("a command the code never decides (written by someone else) is a divergence", () => {
    const log = golden("parallel-ledger");
    // Turn 9's command, on a subject shaped like the recorded turn-3 command's.
    const llm3 = log.entries.find((e) => /\.cmd\.llm\.3(\.|$)/.test(e.subject))!;
    const subject = llm3.subject.replace(".cmd.llm.3", ".cmd.llm.9");
    const extra: HistoryEntry = {
      seq: 100,
      subject,
      time: log.entries.at(-1)!.time,
      data: encode({ v: 1, type: "llm.command", runId: log.runId, turn: 9, historySeq: 13 }),
    };
    const r = checkRun({ ...log, entries: [...log.entries, extra] });
    const step = stepsOf(log).find((s) => s.seq === 13)!.step;
    expect(r.divergence).toMatchObject({
      kind: "not-decided",
      subject: relativeSubject(log, subject),
      recordedSeq: 100,
      step,
      seq: 13,
    });
    expect(r.divergence!.subject).toMatch(/^cmd\.llm\.9/);
    expect(renderCheck(r)).toContain(`DIVERGENCE at step ${step} (seq 13`);
  });

  it("a decision missing from an ended run's log is a divergence; from a run in flight it is pending", () => {
    const log = golden("parallel-ledger");
    const missing = edit(log, "cmd.tool.2.0.ledger", () => undefined);
    expect(checkRun(missing).divergence).toMatchObject({
      kind: "not-recorded",
      subject: "cmd.tool.2.0.ledger",
      step: 5,
    });
    // Cut the log right after turn 2's response: the tool command is not written yet.
    const cut = { ...log, entries: log.entries.filter((e) => e.seq <= stepsOf(log).find((s) => s.step === 5)!.seq) };
    const r = checkRun(cut);
    expect(r.ok).toBe(true);
    expect(r.ended).toBe(false);
    expect(r.pending).toEqual([{ step: 5, seq: cut.entries.at(-1)!.seq, subject: "cmd.tool.2.0.ledger" }]);
  });

  it("a recorded end that differs from what the state decides is a divergence at the deciding step", () => {
    const log = golden("parallel-ledger");
    const altered = edit(
      log,
      "evt.ended",
      rewrite("RunEnded", (m: { answer?: string }) => ({ ...m, answer: "something else" })),
    );
    expect(checkRun(altered).divergence).toMatchObject({
      kind: "different",
      step: 7,
      subject: "evt.ended",
      recorded: { answer: "something else" },
      decided: { answer: "Recorded: recorded d" },
    });
  });
});

describe("decided results", () => {
  it("a result the code decides itself (not a command) is compared with the recorded one on its subject", () => {
    const log = golden("parallel-ledger");
    const S = new Subjects(log.prefix);
    const recorded = log.entries.find((e) => relativeSubject(log, e.subject) === "evt.tool.1.0")!;
    const d = decode<ToolResult>("ToolResult", recorded.data);
    if (!d.ok) throw new Error(d.message);
    // A planner that also records tool 1.0's result when turn 1's response comes in.
    const withResult = (output: string) => ({
      decide: (state: RunState, applied: Applied, subjects: Subjects): Output[] => {
        const out = decide(state, applied, subjects);
        if (applied.kind === "llm-result" && applied.turn === 1)
          out.push({
            type: "ToolResult",
            subject: S.toolResult(log.runId, 1, 0, "ledger"),
            message: { ...d.value, output },
          } as unknown as Output);
        return out;
      },
    });
    const same = checkRun(log, withResult("recorded a"));
    expect(same.ok).toBe(true);
    expect(same.matched).toBe(checkRun(log).matched + 1);
    const other = checkRun(log, withResult("recorded A"));
    expect(other.divergence).toMatchObject({
      kind: "different",
      step: 1,
      subject: "evt.tool.1.0.ledger",
      recorded: { output: "recorded a" },
      decided: { output: "recorded A" },
    });
  });

  it("a sub-agent's outcome for its parent goes to the parent's log: listed as external, not a divergence", () => {
    // The parallel-ledger run, replayed as if it were a child of another run's call.
    const log = golden("parallel-ledger");
    const S = new Subjects(log.prefix);
    const asChild = edit(log, "evt.submitted", (e) => {
      const d = decode<RunSubmitted>("RunSubmitted", e.data);
      if (!d.ok) throw new Error(d.message);
      return {
        ...e,
        data: encode({ ...d.value, parent: { runId: "rparent", turn: 2, index: 0, callId: "call_2_0" } }),
      };
    });
    const r = checkRun(asChild);
    expect(r.divergences).toEqual([]);
    expect(r.ok).toBe(true);
    expect(r.external).toEqual([
      {
        step: expect.any(Number) as number,
        seq: log.entries.at(-1)!.seq,
        subject: S.toolResult("rparent", 2, 0, "run_agent"),
      },
    ]);
    expect(renderCheck(r)).toContain(
      `for other runs (check them there): ${S.toolResult("rparent", 2, 0, "run_agent")}`,
    );
  });
});

describe("fork plan", () => {
  const T = new Subjects("other");
  const now = new Date("2030-01-02T03:04:05.000Z");

  it("copies the results up to the step with the run id rewritten (byte-equal otherwise), then the submission", () => {
    const src = golden("parallel-ledger");
    const plan = planFork(src, T, { fromStep: 5, runId: "rfork", now });
    const steps = stepsOf(src).filter((s) => s.step >= 1 && s.step <= 5);
    // (the golden log was recorded before the tool joined the result subject: the fork writes today's subjects)
    expect(plan.messages.map((m) => m.subject)).toEqual([
      ...steps.map((s) => `other.run.rfork.${s.kind === "tool-result" ? `${s.rel}.ledger` : s.rel}`),
      "other.run.rfork.evt.submitted",
    ]);
    plan.messages.slice(0, 5).forEach((m, i) => {
      const orig = src.entries[steps[i]!.index]!;
      const o = decode<LlmResult | ToolResult>(steps[i]!.kind === "llm-result" ? "LlmResult" : "ToolResult", orig.data);
      if (!o.ok) throw new Error(o.message);
      expect(Buffer.from(m.data).equals(Buffer.from(encode({ ...o.value, runId: "rfork" })))).toBe(true);
    });
    const srcSub = decode<RunSubmitted>("RunSubmitted", src.entries[0]!.data);
    if (!srcSub.ok) throw new Error(srcSub.message);
    const sub = decode<RunSubmitted>("RunSubmitted", plan.messages.at(-1)!.data);
    expect(sub.ok).toBe(true);
    expect(plan.submitted).toEqual(sub.ok ? sub.value : undefined);
    expect(plan.submitted).toMatchObject({
      runId: "rfork",
      task: srcSub.value.task,
      agent: srcSub.value.agent,
      submittedAt: now.toISOString(),
      forkedFrom: { runId: src.runId, step: 5, seq: steps[4]!.seq },
    });
    expect(srcSub.value.idempotencyKey).toBe("golden-parallel-ledger");
    expect(plan.submitted.idempotencyKey).toBeUndefined(); // the key names the source run
    // the submission declares every copied message by subject and hash: only those are folded
    expect(plan.submitted.forkedFrom?.prefix).toEqual(
      plan.messages.slice(0, -1).map((m) => ({ subject: m.subject, sha256: messageSha256(m.data) })),
    );
  });

  it("replaces a copied tool result, or supplies one the source did not have yet, and can switch model", () => {
    const src = golden("parallel-ledger");
    const replaced = planFork(src, T, {
      fromStep: 6,
      runId: "rf1",
      now,
      setResults: { call_2_0: { ok: false, error: { kind: "boom", message: "edited failure" } } },
      model: "other-model",
    });
    const r = replaced.messages.find((m) => m.subject.endsWith(".evt.tool.2.0.ledger"))!;
    expect(r.edited).toBe(true);
    expect(decode<ToolResult>("ToolResult", r.data)).toMatchObject({
      ok: true,
      value: { ok: false, error: { kind: "boom", message: "edited failure" }, callId: "call_2_0", runId: "rf1" },
    });
    expect(replaced.messages.filter((m) => m.subject.endsWith(".evt.tool.2.0.ledger"))).toHaveLength(1);
    expect(replaced.submitted.agent.model).toBe("other-model");
    expect(replaced.submitted.forkedFrom?.editedCalls).toEqual(["call_2_0"]);

    const supplied = planFork(src, T, { fromStep: 5, runId: "rf2", now, setResults: { call_2_0: "recorded D" } });
    expect(
      supplied.messages.map((m) => relativeSubject({ prefix: "other", runId: "rf2" }, m.subject)).slice(-3),
    ).toEqual(["evt.llm.2", "evt.tool.2.0.ledger", "evt.submitted"]);
    expect(decode<ToolResult>("ToolResult", supplied.messages.at(-2)!.data)).toMatchObject({
      value: { ok: true, output: "recorded D", turn: 2, index: 0, tool: "ledger", attempts: 1 },
    });
    expect(
      planFork(src, T, { fromStep: 5, runId: "rf3", now, setResults: { call_2_0: { n: 1 } } }).messages.at(-2),
    ).toMatchObject({ edited: true });
  });

  it("refuses an unknown call id, a call the kept history has not asked for yet, and a step out of range", () => {
    const src = golden("parallel-ledger");
    expect(() => planFork(src, T, { fromStep: 4, setResults: { call_2_0: "x" } })).toThrow(
      /no tool call "call_2_0" in run .* up to step 4 \(calls: call_1_0, call_1_1, call_1_2\)/,
    );
    expect(() => planFork(src, T, { fromStep: 9 })).toThrow(/has no step 9 \(steps: 0\.\.8\)/);
  });

  it("a fork's copied history folds to the same state as the source at that step", () => {
    const src = golden("parallel-ledger");
    const plan = planFork(src, new Subjects(src.prefix), { fromStep: 6, runId: "rsame", now });
    const entries: HistoryEntry[] = plan.messages.map((m, i) => ({
      seq: 1000 + i,
      subject: m.subject,
      data: m.data,
      time: now.toISOString(),
    }));
    const fork: RunLog = { prefix: src.prefix, runId: "rsame", entries };
    const a = stateAt(src, 6);
    const b = stateAt(fork, 6);
    expect(b.messages).toEqual(a.messages);
    expect(b.due.map((d) => d.subject.split(".").slice(0, 3).join("."))).toEqual(["cmd.llm.3"]);
    expect({ ...b.status, runId: "", submittedAt: "", lastSeq: 0 }).toEqual({
      ...a.status,
      runId: "",
      submittedAt: "",
      lastSeq: 0,
    });
  });
});

describe("rendering", () => {
  it("uses ANSI colour only when asked", () => {
    const t = buildTimeline(golden("crash-resumed"));
    // eslint-disable-next-line no-control-regex
    const ansi = /\u001b\[/;
    expect(renderTimeline(t, { color: false })).not.toMatch(ansi);
    expect(renderTimeline(t, { color: true })).toMatch(ansi);
  });

  it("clips commands and continuation lines to the width", () => {
    for (const name of ["tool-errors", "fork-edited"]) {
      const t = buildTimeline(golden(name));
      for (const w of [60, 80, 140]) {
        const lines = renderTimeline(t, { width: w }).split("\n");
        const clipped = lines.filter((l) => l.includes("→ tool") || l.startsWith(" ".repeat(26)));
        expect(clipped.length).toBeGreaterThan(2);
        for (const l of clipped) expect(l.length, l).toBeLessThanOrEqual(w);
      }
    }
  });
});

describe("model-judged guardrail checks (cmd.check / evt.check)", () => {
  // A run driven as the services drive it: the planner's decisions (runtime decide) appended as
  // they come, a scripted model answering each model call and each check with `verdict`.
  const CS = new Subjects("cairn");
  const R = "rjudge";
  const judged: AgentSpec = {
    name: "a",
    provider: "openai",
    model: "gpt-main",
    systemPrompt: "",
    tools: [],
    maxTurns: 3,
    guardrails: {
      output: [
        { name: "judge", onTrip: "pause", model: { instructions: "Trip on card numbers.", model: "gpt-judge" } },
      ],
    },
  };
  function judgedRun(verdict: Partial<CheckResult>): RunLog {
    const state = emptyRun(R);
    const entries: HistoryEntry[] = [];
    const queue: { subject: string; message: unknown }[] = [
      {
        subject: CS.submitted(R),
        message: {
          v: 1,
          type: "run.submitted",
          runId: R,
          task: "what is on the card?",
          submittedAt: "2026-01-01T00:00:00.000Z",
          agent: judged,
        } satisfies RunSubmitted,
      },
    ];
    while (queue.length) {
      const { subject, message } = queue.shift()!;
      const e: HistoryEntry = {
        seq: entries.length + 1,
        subject,
        data: encode(message),
        time: new Date(Date.UTC(2026, 0, 1, 0, 0, entries.length + 1)).toISOString(),
      };
      entries.push(e);
      const w = CS.parse(subject)!.what;
      if (w.kind === "llm-command")
        queue.push({
          subject: CS.llmResult(R, w.turn),
          message: {
            v: 1,
            type: "llm.result",
            runId: R,
            turn: w.turn,
            ok: true,
            attempts: 1,
            content: "the card is 4111",
            toolCalls: [],
            model: "gpt-main",
            usage: { inputTokens: 10, outputTokens: 5 },
          } satisfies LlmResult,
        });
      else if (w.kind === "check-command") {
        const cmd = message as CheckCommand;
        queue.push({
          subject: CS.checkResult(R, w.n),
          message: {
            v: 1,
            type: "check.result",
            runId: R,
            n: w.n,
            turn: cmd.turn,
            point: cmd.point,
            guardrail: cmd.guardrail,
            ok: true,
            tripped: false,
            provider: "openai",
            model: "gpt-judge",
            usage: { inputTokens: 7, outputTokens: 3 },
            latencyMs: 120,
            historySeq: cmd.historySeq,
            attempts: 1,
            ...verdict,
          } satisfies CheckResult,
        });
      } else if (relativeSubject({ prefix: "cairn", runId: R }, subject).startsWith("evt.")) {
        const applied = applyEntry(state, e, CS);
        for (const o of decide(state, applied, CS)) queue.push({ subject: o.subject, message: o.message });
      }
    }
    return { prefix: "cairn", runId: R, entries };
  }
  const rels = (log: RunLog) => log.entries.map((e) => relativeSubject(log, e.subject));
  const only = <K extends TimelineItem["kind"]>(items: TimelineItem[], kind: K) =>
    items.filter((i): i is Extract<TimelineItem, { kind: K }> => i.kind === kind);

  it("the timeline shows the check asked for and the judge's verdict (its wait, tokens in the totals); --check passes", () => {
    const log = judgedRun({});
    expect(rels(log)).toEqual([
      "evt.submitted",
      "cmd.llm.1.openai",
      "evt.llm.1",
      "cmd.check.1.openai",
      "evt.check.1",
      "evt.guard.1.output",
      "evt.ended",
    ]);
    const t = buildTimeline(log);
    expect(only(t.items, "check-command")).toEqual([
      expect.objectContaining({
        seq: 4,
        subject: "cmd.check.1.openai",
        n: 1,
        turn: 1,
        point: "output",
        guardrail: "judge",
        historySeq: 3,
      }),
    ]);
    const [res] = only(t.items, "check-result");
    expect(res).toEqual({
      seq: 5,
      time: "2026-01-01T00:00:05.000Z",
      atMs: 4000,
      subject: "evt.check.1",
      step: 2,
      kind: "check-result",
      n: 1,
      turn: 1,
      point: "output",
      guardrail: "judge",
      ok: true,
      tripped: false,
      provider: "openai",
      model: "gpt-judge",
      usage: { inputTokens: 7, outputTokens: 3 },
      latencyMs: 120,
      historySeq: 3,
      attempts: 1,
      waitMs: 1000,
    });
    expect(t.status.status).toBe("completed");
    expect(t.totals).toMatchObject({ inputTokens: 17, outputTokens: 8, retries: 0 });

    const lines = renderTimeline(t, { width: 160 }).split("\n");
    expect(lines.find((l) => l.includes("check 1:"))).toMatch(
      /^\s+4 +\+3000 {2}\s+⋯ check 1: output guardrail judge asks its model about turn 1's answer \(history to seq 3\)$/,
    );
    expect(lines.find((l) => l.includes("⚖"))).toBe(
      "    2     5    +4000  ⚖ output guardrail judge judged by gpt-judge: passed (check 1 · 7 in / 3 out tokens · model 120 ms · 1000 ms after its command)",
    );
    // the recorded check command is the planner's decision: replaying the decisions matches it
    const r = checkRun(log);
    expect(r.divergences).toEqual([]);
    expect(r).toMatchObject({ ok: true, decisions: 4, matched: 4 });
  });

  it("renders a tripped verdict with the judge's reason, and a check that got no verdict with its error and attempts", () => {
    const tripped = renderTimeline(buildTimeline(judgedRun({ tripped: true, reason: "it names a card number" })), {
      width: 240,
    });
    expect(tripped).toContain(
      "⚖ output guardrail judge judged by gpt-judge: tripped — it names a card number (check 1 · 7 in / 3 out tokens",
    );
    expect(tripped).toContain("⛔ output guardrail judge tripped (pause for a human)");

    const failed = judgedRun({
      ok: false,
      tripped: undefined,
      model: "gpt-judge",
      usage: undefined,
      attempts: 3,
      error: { kind: "not_a_verdict", message: "the answer was not JSON" },
    });
    const t = buildTimeline(failed);
    expect(only(t.items, "check-result")[0]).toMatchObject({
      ok: false,
      attempts: 3,
      error: { kind: "not_a_verdict" },
    });
    expect(t.totals.retries).toBe(2);
    const wide = renderTimeline(t, { width: 300 }).split("\n");
    expect(wide.find((l) => l.includes("no verdict"))).toBe(
      "    2     5    +4000  ✗ output guardrail judge: no verdict (it trips, pausing for a human) not_a_verdict: the answer was not JSON (check 1 · model 120 ms · 1000 ms after its command) 3 attempts (2 redeliveries)",
    );
    // narrower: the error does not fit after the head, so it gets a line of its own
    const narrow = renderTimeline(t, { width: 100 }).split("\n");
    const at = narrow.findIndex((l) => l.includes("no verdict"));
    expect(narrow[at]).not.toContain("not_a_verdict");
    expect(narrow[at + 1]).toBe(`${" ".repeat(26)}not_a_verdict: the answer was not JSON`);
  });

  it("a fork copies the recorded verdict like a model response: the fork decides the point's verdict from it, not a new check", () => {
    const src = judgedRun({ tripped: true, reason: "card" });
    const steps = stepsOf(src);
    const checkStep = steps.find((s) => s.rel === "evt.check.1")!.step;
    const plan = planFork(src, CS, { fromStep: checkStep, runId: "rforkj", now: new Date("2030-01-01T00:00:00.000Z") });
    expect(
      plan.messages.map((m) => [m.kind, relativeSubject({ prefix: "cairn", runId: "rforkj" }, m.subject)]),
    ).toEqual([
      ["llm-result", "evt.llm.1"],
      ["check-result", "evt.check.1"],
      ["submitted", "evt.submitted"],
    ]);
    const orig = decode<CheckResult>("CheckResult", src.entries.find((e) => e.subject.endsWith(".evt.check.1"))!.data);
    if (!orig.ok) throw new Error(orig.message);
    expect(Buffer.from(plan.messages[1]!.data).equals(Buffer.from(encode({ ...orig.value, runId: "rforkj" })))).toBe(
      true,
    );
    const asLog = (p: typeof plan): RunLog => ({
      prefix: "cairn",
      runId: p.runId,
      entries: p.messages.map((m, i) => ({
        seq: 100 + i,
        subject: m.subject,
        data: m.data,
        time: "2030-01-01T00:00:00.000Z",
      })),
    });
    const fork = asLog(plan);
    const last = stepsOf(fork).reduce((m, s) => Math.max(m, s.step), 0);
    const at = stateAt(fork, last);
    // the copied check folded: its tokens count, and what is due is the verdict it gives, not another model call
    expect(at.status.usage).toEqual({ inputTokens: 17, outputTokens: 8 });
    expect(at.due.map((d) => d.subject)).toEqual(["evt.guard.1.output"]);
    expect(at.due[0]!.message).toMatchObject({ tripped: true, guardrail: "judge", message: "card" });
    expect(buildTimeline(fork).items.find((i) => i.kind === "check-result")).toMatchObject({ copied: true, n: 1 });
    // forked before the check: the judge is asked (check 1 of the fork)
    const before = asLog(planFork(src, CS, { fromStep: checkStep - 1, runId: "rforkk" }));
    const b = stateAt(
      before,
      stepsOf(before).reduce((m, s) => Math.max(m, s.step), 0),
    );
    expect(b.due.map((d) => relativeSubject(before, d.subject))).toEqual(["cmd.check.1.openai"]);
  });

  it("a check command without its result is work in flight (purge and archive refuse it); a retry of it waits for its result", () => {
    const log = judgedRun({});
    expect(unanswered(log.entries, CS, R)).toEqual([]);
    const cut = log.entries.filter((e) => e.seq <= 4);
    expect(unanswered(cut, CS, R)).toEqual(["cmd.check.1.openai"]);
    // a retry notice about the check: pending until the check's result, in a whole timeline
    const notice: HistoryEntry = {
      seq: 5,
      subject: CS.error(R, "e1"),
      time: "2026-01-01T00:00:04.500Z",
      data: encode({
        v: 1,
        type: "run.error",
        runId: R,
        service: "llm-caller",
        subject: CS.checkCommand(R, 1, "openai"),
        seq: 4,
        error: { kind: "http_503", message: "busy" },
        attempt: 1,
        retryAt: "2026-01-01T00:00:06.000Z",
        at: "2026-01-01T00:00:04.500Z",
      }),
    };
    const waiting: RunLog = { ...log, entries: [...cut, notice] };
    expect(pendingOf(buildTimeline(waiting)).retries).toEqual([
      {
        subject: CS.checkCommand(R, 1, "openai"),
        attempt: 1,
        retryAt: Date.parse("2026-01-01T00:00:06.000Z"),
        error: "http_503: busy",
      },
    ]);
    const after = log.entries.filter((e) => e.seq > 4).map((e) => ({ ...e, seq: e.seq + 1 }));
    expect(pendingOf(buildTimeline({ ...log, entries: [...cut, notice, ...after] })).retries).toEqual([]);
  });
});

describe("parseDuration", () => {
  it("reads units and combinations, and refuses the rest", () => {
    expect(parseDuration("500ms")).toBe(500);
    expect(parseDuration("90s")).toBe(90_000);
    expect(parseDuration("1h30m")).toBe(5_400_000);
    expect(parseDuration("30d")).toBe(2_592_000_000);
    expect(parseDuration("0s")).toBe(0);
    expect(() => parseDuration("10")).toThrow(/invalid duration "10"/);
    expect(() => parseDuration("-1h")).toThrow(/invalid duration/);
  });
});
