import { describe, it, expect } from "vitest";
import {
  encode,
  Subjects,
  type AgentSpec,
  type LlmResult,
  type RunEnded,
  type RunSubmitted,
  type HistoryEntry,
} from "@cairn/protocol";
import { applyEntry, costUsd, emptyRun, overBudget, runStatus, type RunState } from "./state.js";
import { childRunId, decide, runIdForKey, SUB_AGENT_TOOL, toolIdempotencyKey, type Output } from "./decide.js";

// Sub-agent outcomes, derived run ids, cost budgets and trace ids: what the planner writes and
// shows from them, exactly.
const S = new Subjects("t");
const RUN = "c1";
const PARENT = { runId: "p1", turn: 2, index: 1, callId: "call_2_1" };

const at = (seq: number): string => new Date(Date.UTC(2025, 0, 1, 0, 0, seq)).toISOString();
const entry = (seq: number, subject: string, message: unknown): HistoryEntry => ({
  seq,
  subject,
  data: encode(message),
  time: at(seq),
});

function agent(over: Partial<AgentSpec> = {}): AgentSpec {
  return { name: "child", provider: "scripted", model: "demo", systemPrompt: "", tools: [], maxTurns: 5, ...over };
}
function submitted(over: Partial<RunSubmitted> = {}): RunSubmitted {
  return { v: 1, type: "run.submitted", runId: RUN, task: "t", agent: agent(), submittedAt: at(0), ...over };
}
function llm(turn: number, over: Partial<LlmResult> = {}): LlmResult {
  return { v: 1, type: "llm.result", runId: RUN, turn, ok: true, attempts: 1, ...over };
}
function ended(over: Partial<RunEnded>): RunEnded {
  return {
    v: 1,
    type: "run.ended",
    runId: RUN,
    status: "completed",
    turns: 1,
    usage: { inputTokens: 0, outputTokens: 0 },
    endedAt: at(3),
    ...over,
  };
}

function play(entries: HistoryEntry[]): { state: RunState; outputs: Output[][] } {
  const state = emptyRun(RUN);
  const outputs = entries.map((e) => decide(state, applyEntry(state, e, S), S));
  return { state, outputs };
}

describe("derived run ids", () => {
  it("a key names one run id: 'r' and 26 letters or digits of the key's sha256 ('-' and '_' become 'x')", () => {
    expect(runIdForKey("k1")).toBe("rarnx6499M4j0xdWG9m6ZxVQIDf");
    expect(runIdForKey("k1")).toMatch(/^r[A-Za-z0-9]{26}$/);
    expect(runIdForKey("k2")).not.toBe(runIdForKey("k1"));
  });

  it("a run_agent call's child is the run of the key 'child:<the call's idempotency key>'", () => {
    expect(toolIdempotencyKey("p1", 2, 1)).toBe("p1:2:1");
    expect(childRunId("p1", 2, 1)).toBe("rdoOpB8KAxxJou9x9iNGtGuuaFg");
    expect(childRunId("p1", 2, 1)).toBe(runIdForKey("child:p1:2:1"));
    expect(childRunId("p1", 2, 0)).not.toBe(childRunId("p1", 2, 1));
  });
});

describe("a sub-agent's outcome becomes its parent's tool result", () => {
  const base = (): HistoryEntry[] => [
    entry(1, S.submitted(RUN), submitted({ parent: PARENT })),
    entry(2, S.llmResult(RUN, 1), llm(1, { content: "the answer", finishReason: "stop" })),
  ];

  it("completed: the answer as the run_agent call's output, on the parent's result subject for that call", () => {
    const { outputs } = play([...base(), entry(3, S.ended(RUN), ended({ status: "completed", answer: "the answer" }))]);
    expect(outputs[2]).toEqual([
      {
        type: "ToolResult",
        subject: "t.run.p1.evt.tool.2.1.run_agent",
        message: {
          v: 1,
          type: "tool.result",
          runId: "p1",
          turn: 2,
          index: 1,
          callId: "call_2_1",
          tool: SUB_AGENT_TOOL,
          ok: true,
          attempts: 1,
          idempotencyKey: "p1:2:1",
          childRunId: RUN,
          output: "the answer",
        },
      },
    ]);
  });

  it("completed without an answer: an empty output", () => {
    const { outputs } = play([...base(), entry(3, S.ended(RUN), ended({ status: "completed" }))]);
    expect((outputs[2]![0]!.message as { output?: string }).output).toBe("");
  });

  it("failed or cancelled: an error result naming the child and why", () => {
    const failed = play([...base(), entry(3, S.ended(RUN), ended({ status: "failed", reason: "max_turns" }))])
      .outputs[2]![0]!.message;
    expect(failed).toMatchObject({
      ok: false,
      error: { kind: "child_failed", message: `sub-agent run ${RUN} failed: max_turns` },
    });
    expect(failed).not.toHaveProperty("output");
    const cancelled = play([...base(), entry(3, S.ended(RUN), ended({ status: "cancelled" }))]).outputs[2]![0]!.message;
    expect(cancelled).toMatchObject({
      ok: false,
      error: { kind: "child_cancelled", message: `sub-agent run ${RUN} cancelled` },
    });
  });

  it("a run without a parent writes nothing when it ends", () => {
    const { outputs } = play([
      entry(1, S.submitted(RUN), submitted()),
      entry(2, S.llmResult(RUN, 1), llm(1, { content: "x", finishReason: "stop" })),
      entry(3, S.ended(RUN), ended({})),
    ]);
    expect(outputs[2]).toEqual([]);
  });
});

describe("cost", () => {
  const priced = (over: Partial<AgentSpec>) =>
    play([
      entry(
        1,
        S.submitted(RUN),
        submitted({ agent: agent({ pricing: { inputPerMTokUsd: 2, outputPerMTokUsd: 10 }, ...over }) }),
      ),
      entry(
        2,
        S.llmResult(RUN, 1),
        llm(1, {
          content: null,
          toolCalls: [{ id: "a", name: "x", arguments: "{}" }],
          finishReason: "tool_calls",
          usage: { inputTokens: 1000, outputTokens: 100 },
        }),
      ),
    ]).state;

  it("is input tokens x input price + output tokens x output price, per million tokens, and shown in the status", () => {
    const s = priced({});
    expect(costUsd(s)).toBeCloseTo(0.003, 12);
    expect(runStatus(s).costUsd).toBeCloseTo(0.003, 12);
    expect(costUsd(play([entry(1, S.submitted(RUN), submitted())]).state)).toBeUndefined();
  });

  it("a cost budget is spent when the cost reaches it, not before", () => {
    expect(overBudget(priced({ maxCostUsd: 0.003 }), at(3))).toEqual({
      kind: "cost_budget_exceeded",
      message: "$0.003000 spent, budget $0.003",
    });
    expect(overBudget(priced({ maxCostUsd: 0.0031 }), at(3))).toBeUndefined();
    expect(overBudget(priced({}), at(3))).toBeUndefined();
  });
});

describe("trace id in the status", () => {
  const withTrace = (traceparent: string | undefined) =>
    runStatus(
      play([entry(1, S.submitted(RUN), submitted(traceparent === undefined ? {} : { trace: { traceparent } }))]).state,
    ).traceId;
  it("is the trace id of a valid traceparent, lower-cased, and nothing for an all-zero or malformed one", () => {
    const id = "0af7651916cd43dd8448eb211c80319c";
    expect(withTrace(`00-${id}-b7ad6b7169203331-01`)).toBe(id);
    expect(withTrace(` 00-${id.toUpperCase()}-B7AD6B7169203331-01 `)).toBe(id);
    expect(withTrace(`00-${"0".repeat(32)}-b7ad6b7169203331-01`)).toBeUndefined();
    expect(withTrace(`00-${id}-b7ad6b7169203331-01-x`)).toBeUndefined();
    expect(withTrace(`x00-${id}-b7ad6b7169203331-01`)).toBeUndefined();
    expect(withTrace(undefined)).toBeUndefined();
  });
});
