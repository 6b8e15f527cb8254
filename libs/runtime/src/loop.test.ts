import { describe, expect, it } from "vitest";
import { encode, Subjects, type AgentSpec, type LlmResult, type RunApproval, type ToolResult } from "@cairn/protocol";
import { applyEntry, emptyRun, reduceRun, runStatus, type Applied, type RunState } from "./state.js";
import { decide, type Output } from "./decide.js";
import { canonicalArguments, loopPause } from "./loop.js";

const S = new Subjects("t");
const RUN = "r1";

interface Call {
  name?: string;
  args?: string;
  output?: string;
  error?: { kind: string; message: string };
}

/** A run folded entry by entry, as the planner does, with what each entry decided. */
function run(agent: Partial<AgentSpec>) {
  const state: RunState = emptyRun(RUN);
  const log: { seq: number; subject: string; data: Uint8Array; time: string }[] = [];
  let last!: Applied;
  const add = (subject: string, m: unknown): Output[] => {
    const seq = log.length + 1;
    const e = { seq, subject, data: encode(m), time: new Date(Date.UTC(2025, 0, 1, 0, 0, seq)).toISOString() };
    log.push(e);
    last = applyEntry(state, e, S);
    return decide(state, last, S);
  };
  add(S.submitted(RUN), {
    v: 1,
    type: "run.submitted",
    runId: RUN,
    task: "t",
    submittedAt: "2025-01-01T00:00:00.000Z",
    agent: {
      name: "a",
      provider: "scripted",
      model: "m",
      systemPrompt: "",
      tools: ["f", "g"].map((name) => ({ name, description: "d", inputSchema: { type: "object" } })),
      maxTurns: 20,
      ...agent,
    },
  });
  /** Model turn `t` asks for `calls`; their results are recorded in call order. Returns what the last result decided. */
  const turn = (t: number, calls: Call[]): Output[] => {
    const llm: LlmResult = {
      v: 1,
      type: "llm.result",
      runId: RUN,
      turn: t,
      ok: true,
      attempts: 1,
      content: null,
      toolCalls: calls.map((c, i) => ({ id: `c${t}.${i}`, name: c.name ?? "f", arguments: c.args ?? "{}" })),
    };
    let out = add(S.llmResult(RUN, t), llm);
    calls.forEach((c, i) => {
      const r: ToolResult = {
        v: 1,
        type: "tool.result",
        runId: RUN,
        turn: t,
        index: i,
        callId: `c${t}.${i}`,
        tool: c.name ?? "f",
        attempts: 1,
        ...(c.error ? { ok: false, error: c.error } : { ok: true, output: c.output ?? "ok" }),
      };
      out = add(S.toolResult(RUN, t, i, c.name ?? "f"), r);
    });
    return out;
  };
  const decision = (t: number, d: "approve" | "deny", reason?: string): Output[] => {
    const m: RunApproval = {
      v: 1,
      type: "run.approval",
      runId: RUN,
      turn: t,
      index: 0,
      callId: "loop",
      decision: d,
      at: "2025-01-01T01:00:00.000Z",
      ...(reason ? { reason } : {}),
    };
    return add(S.loopApproval(RUN, t), m);
  };
  return { state, log, turn, decision, add };
}

const types = (out: Output[]): string[] => out.map((o) => `${o.type} ${o.subject.split(".").slice(3).join(".")}`);
const nextModelCall = (t: number): string[] => [`LlmCommand cmd.llm.${t}.scripted`];
const ended = (out: Output[]) => out.find((o) => o.type === "RunEnded")?.message;

describe("stuck-loop guard: the same call N times", () => {
  it("pauses before the next model call exactly when one call (tool and canonical arguments) reaches sameCall, not before", () => {
    const r = run({ loopGuard: { sameCall: 3, onTrip: "pause" } });
    expect(types(r.turn(1, [{ args: '{"a":1,"b":[1,2]}' }]))).toEqual(nextModelCall(2));
    // the same arguments written otherwise (key order, spacing) are the same call; other calls do not count
    expect(types(r.turn(2, [{ args: '{ "b": [1, 2], "a": 1 }' }, { args: '{"a":2}' }]))).toEqual(nextModelCall(3));
    expect(runStatus(r.state)).toMatchObject({ status: "running" });
    expect(runStatus(r.state).loopPause).toBeUndefined();
    expect(r.turn(3, [{ args: '{"b":[1,2],"a":1}', output: "something new" }])).toEqual([]);
    const s = runStatus(r.state);
    expect(s.status).toBe("awaiting_approval");
    expect(s.loopPause).toEqual({
      turn: 4,
      pattern: "same_call",
      tool: "f",
      arguments: '{"a":1,"b":[1,2]}',
      count: 3,
      sinceTurn: 1,
      message:
        'stuck loop (same_call): f was called 3 times with the same arguments {"a":1,"b":[1,2]}; loopGuard.sameCall is 3',
    });
    expect(s.waitingFor).toEqual(["llm turn 4"]);
  });

  it("counts every call of a turn: N identical calls in one response trip after that turn", () => {
    const r = run({ loopGuard: { sameCall: 2, onTrip: "pause" } });
    expect(r.turn(1, [{ args: "{}" }, { args: "{}" }])).toEqual([]);
    expect(loopPause(r.state)).toMatchObject({ turn: 2, pattern: "same_call", count: 2 });
  });

  it("the same arguments to another tool are another call", () => {
    const r = run({ loopGuard: { sameCall: 2, onTrip: "pause" } });
    expect(types(r.turn(1, [{ name: "f", args: '{"x":1}' }]))).toEqual(nextModelCall(2));
    expect(types(r.turn(2, [{ name: "g", args: '{"x":1}' }]))).toEqual(nextModelCall(3));
    expect(r.turn(3, [{ name: "g", args: '{"x":1}' }])).toEqual([]);
    expect(loopPause(r.state)).toMatchObject({ tool: "g", count: 2 });
  });

  it("with onTrip: fail the run ends failed, reason stuck_loop, naming the pattern", () => {
    const r = run({ loopGuard: { sameCall: 2, onTrip: "fail" } });
    expect(types(r.turn(1, [{ args: '{"q":"x"}' }]))).toEqual(nextModelCall(2));
    const out = r.turn(2, [{ args: '{"q":"x"}' }]);
    expect(types(out)).toEqual(["RunEnded evt.ended"]);
    expect(ended(out)).toMatchObject({
      status: "failed",
      reason: "stuck_loop",
      error: { kind: "stuck_loop", message: expect.stringMatching(/^stuck loop \(same_call\): f was called 2 times/) },
    });
    expect(loopPause(r.state)).toBeUndefined(); // fail never pauses
  });
});

describe("stuck-loop guard: M turns with no new tool result", () => {
  it("pauses exactly after idleTurns turns in a row whose results all repeat earlier ones, not before", () => {
    const r = run({ loopGuard: { idleTurns: 2, onTrip: "pause" } });
    expect(types(r.turn(1, [{ args: '{"job":1}', output: "pending" }]))).toEqual(nextModelCall(2)); // new
    expect(types(r.turn(2, [{ args: '{"job":1}', output: "pending" }]))).toEqual(nextModelCall(3)); // idle 1
    expect(runStatus(r.state).loopPause).toBeUndefined();
    expect(r.turn(3, [{ args: '{ "job": 1 }', output: "pending" }])).toEqual([]); // idle 2: trips
    expect(runStatus(r.state)).toMatchObject({
      status: "awaiting_approval",
      loopPause: {
        turn: 4,
        pattern: "idle_turns",
        count: 2,
        sinceTurn: 1,
        message:
          "stuck loop (idle_turns): 2 turns in a row (turns 2-3) brought no new tool result, only results already seen in the run; loopGuard.idleTurns is 2",
      },
    });
    expect(runStatus(r.state).loopPause?.tool).toBeUndefined();
  });

  it("a turn with one new result (another outcome, other arguments, or an error) is not idle and ends the streak", () => {
    const r = run({ loopGuard: { idleTurns: 2, onTrip: "fail" } });
    r.turn(1, [{ args: '{"job":1}', output: "pending" }]);
    r.turn(2, [{ args: '{"job":1}', output: "pending" }]); // idle 1
    expect(types(r.turn(3, [{ args: '{"job":1}', output: "running" }]))).toEqual(nextModelCall(4)); // new outcome
    r.turn(4, [{ args: '{"job":1}', output: "pending" }]); // seen at turn 1: idle 1
    expect(types(r.turn(5, [{ args: '{"job":2}', output: "pending" }]))).toEqual(nextModelCall(6)); // other arguments: new
    r.turn(6, [{ args: '{"job":2}', output: "pending" }]); // idle 1
    expect(types(r.turn(7, [{ args: '{"job":2}', error: { kind: "boom", message: "x" } }]))).toEqual(nextModelCall(8)); // an error never seen: new
    // an idle turn may mix repeats of several earlier results
    const out = r.turn(8, [
      { args: '{"job":2}', error: { kind: "boom", message: "x" } },
      { args: '{"job":1}', output: "running" },
    ]);
    expect(types(out)).toEqual(nextModelCall(9));
    const out2 = r.turn(9, [{ args: '{"job":1}', output: "pending" }]);
    expect(ended(out2)).toMatchObject({
      status: "failed",
      reason: "stuck_loop",
      error: { kind: "stuck_loop", message: expect.stringContaining("(idle_turns): 2 turns in a row (turns 8-9)") },
    });
  });

  it("a repeat within the same turn is not new, but the turn's first sight of a result is", () => {
    const r = run({ loopGuard: { idleTurns: 1, onTrip: "pause" } });
    expect(types(r.turn(1, [{ output: "a" }, { output: "a" }]))).toEqual(nextModelCall(2));
    expect(r.turn(2, [{ output: "a" }])).toEqual([]);
    expect(loopPause(r.state)).toMatchObject({ pattern: "idle_turns", count: 1 });
  });

  it("names same_call first when both patterns trip at once", () => {
    const r = run({ loopGuard: { sameCall: 2, idleTurns: 1, onTrip: "pause" } });
    r.turn(1, [{ output: "same" }]);
    r.turn(2, [{ output: "same" }]);
    expect(loopPause(r.state)).toMatchObject({ pattern: "same_call", count: 2 });
  });
});

describe("stuck-loop guard: a human decides", () => {
  it("approve lets the run go on, the counts start again from that turn, and the guard trips again at N", () => {
    const r = run({ loopGuard: { sameCall: 2, onTrip: "pause" } });
    r.turn(1, [{ args: '{"a":1}' }]);
    expect(r.turn(2, [{ args: '{"a":1}' }])).toEqual([]);
    expect(types(r.decision(3, "approve"))).toEqual(nextModelCall(3));
    expect(runStatus(r.state)).toMatchObject({ status: "running" });
    expect(runStatus(r.state).loopPause).toBeUndefined();
    // one more of the same call is 1 since the approval, not 3
    expect(types(r.turn(3, [{ args: '{"a":1}' }]))).toEqual(nextModelCall(4));
    expect(r.turn(4, [{ args: '{"a":1}' }])).toEqual([]);
    expect(loopPause(r.state)).toMatchObject({
      turn: 5,
      count: 2,
      sinceTurn: 3,
      message: expect.stringContaining("since turn 3 (when a human let the run go on)"),
    });
    expect(types(r.decision(5, "approve"))).toEqual(nextModelCall(5));
    // the run goes on to its answer
    const out = r.add(S.llmResult(RUN, 5), {
      v: 1,
      type: "llm.result",
      runId: RUN,
      turn: 5,
      ok: true,
      attempts: 1,
      content: "done",
    } satisfies LlmResult);
    expect(ended(out)).toMatchObject({ status: "completed", answer: "done" });
  });

  it("deny ends the run failed, reason stuck_loop, with the human's reason", () => {
    const r = run({ loopGuard: { idleTurns: 1, onTrip: "pause" } });
    r.turn(1, [{ output: "x" }]);
    expect(r.turn(2, [{ output: "x" }])).toEqual([]);
    const out = r.decision(3, "deny", "it is going round in circles");
    expect(ended(out)).toMatchObject({
      status: "failed",
      reason: "stuck_loop",
      turns: 2,
      error: {
        kind: "stuck_loop",
        message: expect.stringMatching(
          /^stuck loop \(idle_turns\).*; a human declined to go on: it is going round in circles$/,
        ),
      },
    });
    expect(runStatus(r.state).loopPause).toBeUndefined();
  });

  it("a decision for another turn than the paused one is refused by the fold and changes nothing", () => {
    const r = run({ loopGuard: { sameCall: 2, onTrip: "pause" } });
    r.turn(1, [{}]);
    r.turn(2, [{}]);
    expect(r.decision(4, "approve")).toEqual([]);
    expect(r.state.rejected.at(-1)?.reason).toMatch(/loop approval for turn 4, which is not the next model turn/);
    expect(loopPause(r.state)).toMatchObject({ turn: 3 });
  });

  it("replay folds the same log to the same pause and the same decisions", () => {
    const r = run({ loopGuard: { sameCall: 2, idleTurns: 3, onTrip: "pause" } });
    r.turn(1, [{ args: '{"a":1}' }]);
    r.turn(2, [{ args: '{"a":1}' }]);
    r.decision(3, "approve");
    r.turn(3, [{ args: '{"a":1}' }]);
    r.turn(4, [{ args: '{"a":1}' }]);
    const again = reduceRun(RUN, r.log, S);
    expect(runStatus(again)).toEqual(runStatus(r.state));
    expect(runStatus(again).loopPause).toMatchObject({ turn: 5, sinceTurn: 3 });
  });
});

describe("stuck-loop guard: off", () => {
  it("a run without a guard (older agent specs) is unaffected by any repetition", () => {
    const r = run({});
    for (let t = 1; t <= 6; t++)
      expect(types(r.turn(t, [{ args: "{}", output: "same" }]))).toEqual(nextModelCall(t + 1));
    expect(r.state.loop).toBeUndefined();
    expect(runStatus(r.state).status).toBe("running");
    expect(runStatus(r.state).loopPause).toBeUndefined();
  });

  it("maxTurns still ends the run at its last turn, tripped or not", () => {
    const r = run({ maxTurns: 2, loopGuard: { sameCall: 2, onTrip: "pause" } });
    r.turn(1, [{}]);
    const out = r.turn(2, [{}]);
    expect(ended(out)).toMatchObject({ status: "failed", reason: "max_turns_exceeded" });
    expect(loopPause(r.state)).toBeUndefined();
  });
});

describe("canonicalArguments", () => {
  it("sorts keys and drops spacing; leaves arguments that are not JSON as they are", () => {
    expect(canonicalArguments('{ "b": {"d":1, "c":2}, "a": [3, {"z":1,"y":2}] }')).toBe(
      '{"a":[3,{"y":2,"z":1}],"b":{"c":2,"d":1}}',
    );
    expect(canonicalArguments("{not json")).toBe("{not json");
  });
});
