import { describe, expect, it } from "vitest";
import {
  encode,
  Subjects,
  validate,
  type AgentSpec,
  type LlmResult,
  type RunApproval,
  type RunSubmitted,
  type ToolResult,
  type HistoryEntry,
} from "@cairn/protocol";
import { applyEntry, emptyRun, pendingApprovals, reduceRun, runStatus, type Applied, type RunState } from "./state.js";
import { decide, due, planTurn, type Output } from "./decide.js";
import { buildModelRequest } from "./prompt.js";

// Fair share (issue 17 item 7): a cap on tool calls per turn and an in-flight window per run,
// decided from the folded log alone.

const S = new Subjects("t");
const RUN = "r1";
const at = (seq: number): string => new Date(Date.UTC(2025, 0, 1, 0, 0, seq)).toISOString();

const tools = [
  { name: "f", description: "runs at once", inputSchema: { type: "object" } },
  { name: "shell", description: "needs a human", inputSchema: { type: "object" }, requiresApproval: true },
];

/** A run driven event by event, deciding after each as the planner does. */
function run(agent: Partial<AgentSpec>) {
  const state: RunState = emptyRun(RUN);
  const log: HistoryEntry[] = [];
  let seq = 0;
  let last!: Applied;
  const add = (subject: string, m: unknown): Output[] => {
    const e = { seq: ++seq, subject, data: encode(m), time: at(seq) };
    log.push(e);
    last = applyEntry(state, e, S);
    return decide(state, last, S);
  };
  const submitted: RunSubmitted = {
    v: 1,
    type: "run.submitted",
    runId: RUN,
    task: "t",
    submittedAt: "2025-01-01T00:00:00.000Z",
    agent: { name: "a", provider: "scripted", model: "m", systemPrompt: "", tools, maxTurns: 10, ...agent },
  };
  add(S.submitted(RUN), submitted);
  /** Turn `t` asks for calls to these tools (ids c<t>_<index>). */
  const respond = (t: number, names: string[]): Output[] => {
    const llm: LlmResult = {
      v: 1,
      type: "llm.result",
      runId: RUN,
      turn: t,
      ok: true,
      attempts: 1,
      content: null,
      toolCalls: names.map((name, i) => ({ id: `c${t}_${i}`, name, arguments: "{}" })),
    };
    return add(S.llmResult(RUN, t), llm);
  };
  const name = (t: number, index: number): string => state.turns[t - 1]!.llm.toolCalls![index]!.name;
  const result = (t: number, index: number, over: Partial<ToolResult> = {}): Output[] => {
    const r: ToolResult = {
      v: 1,
      type: "tool.result",
      runId: RUN,
      turn: t,
      index,
      callId: `c${t}_${index}`,
      tool: name(t, index),
      ok: true,
      attempts: 1,
      output: `ok ${index}`,
      ...over,
    };
    return add(S.toolResult(RUN, t, index, name(t, index)), r);
  };
  const approval = (t: number, index: number, decision: "approve" | "deny", reason?: string): Output[] => {
    const m: RunApproval = {
      v: 1,
      type: "run.approval",
      runId: RUN,
      turn: t,
      index,
      callId: `c${t}_${index}`,
      decision,
      at: at(seq + 1),
      ...(reason ? { reason } : {}),
    };
    return add(S.approval(RUN, t, index), m);
  };
  /** Records what the planner decided itself (its own error results), as the stream would, and decides after each. */
  const record = (outs: Output[]): Output[] =>
    outs.flatMap((o) => (o.type === "ToolResult" ? add(o.subject, o.message) : []));
  return { state, log, add, respond, result, approval, record, last: () => last, seq: () => seq };
}

const commanded = (outs: Output[]): number[] =>
  outs.filter((o) => o.type === "ToolCommand").map((o) => (o.message as { index: number }).index);
const answered = (outs: Output[]): [number, string][] =>
  outs.filter((o) => o.type === "ToolResult").map((o) => [o.message.index, o.message.error!.kind]);
const f = (n: number): string[] => Array.from({ length: n }, () => "f");

/** A tiny deterministic PRNG (mulberry32), so "any order" tests are repeatable. */
function rng(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe("fair share: maxToolCallsPerTurn (the cap)", () => {
  it("runs the first N calls and answers every call past the cap with a too_many_calls error result the model reads", () => {
    const r = run({ maxToolCallsPerTurn: 3 });
    const outs = r.respond(1, f(5));
    expect(commanded(outs)).toEqual([0, 1, 2]);
    expect(answered(outs)).toEqual([
      [3, "too_many_calls"],
      [4, "too_many_calls"],
    ]);
    const err = outs.find((o) => o.type === "ToolResult")!.message.error!;
    expect(err.message).toBe(
      "this response asked for 5 tool calls; the agent runs at most 3 per turn (maxToolCallsPerTurn), so call 3 was not run: ask for fewer calls in one response",
    );
    for (const o of outs) expect(validate(o.type, o.message)).toMatchObject({ ok: true });
    // The planner's own results are folded like any other (not rejected) and open nothing.
    expect(r.record(outs)).toEqual([]);
    expect(r.state.rejected).toEqual([]);
    r.result(1, 0);
    r.result(1, 2);
    const next = r.result(1, 1);
    expect(next.map((o) => o.subject)).toEqual([S.llmCommand(RUN, 2, "scripted")]);
    // The model reads the refusal as the calls' results.
    const req = buildModelRequest(r.state, 2);
    const toolMessages = req.messages.filter((m) => m.role === "tool");
    expect(toolMessages).toHaveLength(5);
    expect(JSON.stringify(toolMessages[4])).toContain("too_many_calls");
  });

  it("a call past the cap is refused before its tool is looked at; an unknown tool within the cap is still unknown_tool", () => {
    const r = run({ maxToolCallsPerTurn: 2 });
    const outs = r.respond(1, ["nope", "f", "nope"]);
    expect(commanded(outs)).toEqual([1]);
    expect(answered(outs)).toEqual([
      [0, "unknown_tool"],
      [2, "too_many_calls"],
    ]);
  });

  it("a call past the cap to a tool that requires approval waits for the human's decision (the log takes no result before it): approve → too_many_calls, deny → denied", () => {
    const r = run({ maxToolCallsPerTurn: 1 });
    const outs = r.respond(1, ["f", "shell", "shell"]);
    expect(commanded(outs)).toEqual([0]);
    expect(answered(outs)).toEqual([]);
    expect(pendingApprovals(r.state).map((a) => a.index)).toEqual([1, 2]);
    const approved = r.approval(1, 1, "approve");
    expect(answered(approved)).toEqual([[1, "too_many_calls"]]);
    expect(commanded(approved)).toEqual([0]); // a repeat of the open call (a no-op on the stream)
    const denied = r.approval(1, 2, "deny", "no");
    expect(answered(denied)).toEqual([
      [1, "too_many_calls"],
      [2, "denied"],
    ]);
    // The log takes both results (the fold would reject a result for a call still waiting for a human).
    r.record([...approved, ...denied.slice(-1)]);
    expect(r.state.rejected).toEqual([]);
    expect(r.result(1, 0).map((o) => o.type)).toEqual(["LlmCommand"]);
  });

  it("a cap larger than the response changes nothing", () => {
    const r = run({ maxToolCallsPerTurn: 64 });
    expect(commanded(r.respond(1, f(10)))).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });
});

describe("fair share: maxParallelToolCalls (the in-flight window)", () => {
  it("commands the first W calls; each result commands exactly the next call, after that result; the last result asks the model", () => {
    const r = run({ maxParallelToolCalls: 2 });
    const first = r.respond(1, f(5));
    expect(commanded(first)).toEqual([0, 1]);
    expect(first.every((o) => (o.message as { historySeq: number }).historySeq === 2)).toBe(true);
    const after0 = r.result(1, 1); // out of order: call 1 finishes first
    expect(commanded(after0)).toEqual([2]);
    expect((after0[0]!.message as { historySeq: number }).historySeq).toBe(r.seq());
    expect(commanded(r.result(1, 0))).toEqual([3]);
    expect(commanded(r.result(1, 3))).toEqual([4]);
    expect(r.result(1, 2)).toEqual([]); // nothing left to open
    expect(r.result(1, 4).map((o) => o.subject)).toEqual([S.llmCommand(RUN, 2, "scripted")]);
  });

  it("never has more than W calls in flight and commands every call once, whatever order results come in (and the log re-decides the same)", () => {
    for (let seed = 1; seed <= 20; seed++) {
      const random = rng(seed);
      const W = 1 + Math.floor(random() * 5);
      const n = 1 + Math.floor(random() * 30);
      const r = run({ maxParallelToolCalls: W });
      const decisions: Output[][] = [];
      const inFlight = new Set<number>();
      const seen: number[] = [];
      const take = (outs: Output[]): void => {
        decisions.push(outs);
        for (const i of commanded(outs)) {
          expect(seen).not.toContain(i);
          seen.push(i);
          inFlight.add(i);
        }
        expect(inFlight.size).toBeLessThanOrEqual(W);
      };
      take(r.respond(1, f(n)));
      while (inFlight.size > 0) {
        const running = [...inFlight];
        const i = running[Math.floor(random() * running.length)]!;
        inFlight.delete(i);
        take(r.result(1, i));
      }
      expect(seen.sort((a, b) => a - b)).toEqual(Array.from({ length: n }, (_, i) => i));
      expect(decisions.at(-1)!.map((o) => o.subject)).toEqual([S.llmCommand(RUN, 2, "scripted")]);
      // Deterministic: folding the same log again (a restarted planner, replay --check) decides the same, event by event.
      const again = emptyRun(RUN);
      const redecided = r.log.map((e) => decide(again, applyEntry(again, e, S), S));
      expect(redecided.slice(1)).toEqual(decisions);
    }
  });

  it("a redelivered result decides the same output (a repeat the stream rejects); a duplicate result for the call decides nothing", () => {
    const r = run({ maxParallelToolCalls: 1 });
    r.respond(1, f(3));
    const out = r.result(1, 0);
    expect(commanded(out)).toEqual([1]);
    // The planner re-folds up to the event on a redelivery: the same state, the same decision.
    const upTo = reduceRun(RUN, r.log, S);
    expect(decide(upTo, { kind: "tool-result", seq: r.seq(), time: at(r.seq()), turn: 1, index: 0 }, S)).toEqual(out);
    // A second result on the same call is rejected by the fold: nothing opens.
    const dup = r.add(S.toolResult(RUN, 1, 0, "f"), {
      v: 1,
      type: "tool.result",
      runId: RUN,
      turn: 1,
      index: 0,
      callId: "c1_0",
      tool: "f",
      ok: true,
      attempts: 1,
      output: "again",
    });
    expect(r.last().kind).toBe("rejected");
    expect(dup).toEqual([]);
  });

  it("what is due (decided after events other than results, shown by `cairn replay --at`) is the open calls still without a result, nothing past the window", () => {
    const r = run({ maxParallelToolCalls: 2 });
    r.respond(1, f(4));
    r.result(1, 0);
    const d = due(r.state, r.seq(), at(r.seq()), S);
    expect(commanded(d)).toEqual([1, 2]);
    expect(planTurn(r.state, r.state.turns[0]!, r.state.submitted!)).toMatchObject({
      queue: [0, 1, 2, 3],
      open: 3,
      done: 1,
    });
  });

  it("a cancel while calls wait for the window commands nothing more: the run ends", () => {
    const r = run({ maxParallelToolCalls: 1 });
    r.respond(1, f(3));
    const c = r.add(S.signal(RUN, "cancel"), { v: 1, type: "run.signal", runId: RUN, signal: "cancel", at: at(9) });
    expect(c.map((o) => o.type)).toEqual(["RunEnded"]);
    expect(r.result(1, 0)).toEqual([]);
  });

  it("results the planner records itself (unknown tool, too many calls) take no place in the window", () => {
    const r = run({ maxParallelToolCalls: 2, maxToolCallsPerTurn: 4 });
    const outs = r.respond(1, ["nope", "f", "f", "f", "f", "f"]);
    expect(commanded(outs)).toEqual([1, 2]);
    expect(answered(outs)).toEqual([
      [0, "unknown_tool"],
      [4, "too_many_calls"],
      [5, "too_many_calls"],
    ]);
    expect(r.record(outs)).toEqual([]); // their results open nothing
    expect(commanded(r.result(1, 2))).toEqual([3]);
    expect(r.result(1, 1)).toEqual([]);
    expect(r.result(1, 3).map((o) => o.type)).toEqual(["LlmCommand"]);
  });

  it("a run submitted before the settings existed (no field in its snapshot): no cap, no window — every call at once, as recorded logs expect", () => {
    const r = run({});
    expect(r.state.submitted!.agent).not.toHaveProperty("maxParallelToolCalls");
    expect(r.state.submitted!.agent).not.toHaveProperty("maxToolCallsPerTurn");
    const outs = r.respond(1, f(200));
    expect(commanded(outs)).toHaveLength(200);
    expect(r.result(1, 0)).toEqual([]);
  });
});

describe("fair share: approvals and the window", () => {
  it("a call waiting for a human takes no place in the window: the other calls go on while it waits", () => {
    const r = run({ maxParallelToolCalls: 2 });
    const outs = r.respond(1, ["shell", "f", "f", "f"]);
    expect(commanded(outs)).toEqual([1, 2]);
    expect(runStatus(r.state).status).toBe("awaiting_approval");
    expect(commanded(r.result(1, 1))).toEqual([3]);
    expect(r.result(1, 2)).toEqual([]);
    expect(r.result(1, 3)).toEqual([]); // the turn waits for the human, not for the window
    // Approved with the window empty: commanded at the approval.
    const a = r.approval(1, 0, "approve");
    expect(commanded(a)).toEqual([0]);
    expect((a[0]!.message as { historySeq: number }).historySeq).toBe(r.seq());
    expect(r.result(1, 0).map((o) => o.type)).toEqual(["LlmCommand"]);
  });

  it("an approval while the window is full queues the call after the others: a later result commands it", () => {
    const r = run({ maxParallelToolCalls: 1 });
    r.respond(1, ["f", "shell", "f", "f"]);
    // The approval re-decides what is due: only call 0 is open (a repeat, a no-op on the stream).
    expect(commanded(r.approval(1, 1, "approve"))).toEqual([0]);
    expect(commanded(r.result(1, 0))).toEqual([2]); // calls needing no approval first, by index
    expect(commanded(r.result(1, 2))).toEqual([3]);
    expect(commanded(r.result(1, 3))).toEqual([1]); // then the approved call
    expect(r.result(1, 1).map((o) => o.type)).toEqual(["LlmCommand"]);
  });

  it("approved calls are queued in the order their approvals are in the log, not by index", () => {
    const r = run({ maxParallelToolCalls: 1 });
    r.respond(1, ["f", "shell", "shell"]);
    r.approval(1, 2, "approve");
    r.approval(1, 1, "approve");
    expect(planTurn(r.state, r.state.turns[0]!, r.state.submitted!).queue).toEqual([0, 2, 1]);
    expect(commanded(r.result(1, 0))).toEqual([2]);
    expect(commanded(r.result(1, 2))).toEqual([1]);
  });

  it("a denied call is answered by the planner and takes no place in the window", () => {
    const r = run({ maxParallelToolCalls: 1 });
    r.respond(1, ["shell", "f", "f"]);
    const d = r.approval(1, 0, "deny", "not today");
    expect(answered(d)).toEqual([[0, "denied"]]);
    expect(commanded(d)).toEqual([1]); // a repeat of the open call (a no-op on the stream)
    expect(r.record(d)).toEqual([]);
    expect(commanded(r.result(1, 1))).toEqual([2]);
    expect(r.result(1, 2).map((o) => o.type)).toEqual(["LlmCommand"]);
  });
});
