import { describe, expect, it } from "vitest";
import {
  encode,
  Subjects,
  type AgentSpec,
  type HistoryEntry,
  type RunSubmitted,
  type ToolResult,
} from "@cairn/protocol";
import { applyEntry, buildModelRequest, decide, emptyRun, type ModelRequest, type Output } from "@cairn/runtime";
import { createScriptedProvider, type Script } from "@cairn/providers";
import { evalRun, evalTotals, judgeRun, parseJudgeAnswer, renderEval, type EvalDeps, type EvalReport } from "./eval.js";
import type { RunLog } from "./log.js";

const PREFIX = "evaltest";
const subjects = new Subjects(PREFIX);

const LEDGER_TOOL = {
  name: "ledger",
  description: "Records an item.",
  inputSchema: { type: "object", properties: { item: { type: "string" } }, required: ["item"] },
};

function agent(model: string, o: Partial<AgentSpec> = {}): AgentSpec {
  return {
    name: "clerk",
    provider: "scripted",
    model,
    systemPrompt: "test agent",
    tools: [LEDGER_TOOL],
    maxTurns: 10,
    ...o,
  };
}

const ledger = (...items: string[]) => ({ toolCalls: items.map((item) => ({ name: "ledger", arguments: { item } })) });

/** Scripts by model name; `{{toolResults}}` in an answer is replaced by the previous turn's results. */
const SCRIPTS: Record<string, Script> = {
  base: { turns: [ledger("a", "b"), ledger("c"), { content: "Recorded: {{toolResults}}" }] },
  // the same calls, another order of arguments' keys is irrelevant; another answer text
  reworded: { turns: [ledger("a", "b"), ledger("c"), { content: "Done: {{toolResults}}" }] },
  // turn 2 asks for something the recorded run never did
  novel: { turns: [ledger("a", "b"), ledger("z"), { content: "Recorded: {{toolResults}}" }] },
  // answers right away
  lazy: { turns: [{ content: "nothing to record" }] },
  // the same calls, in another order: each result still found by tool and arguments
  swapped: { turns: [ledger("b", "a"), ledger("c"), { content: "Recorded: {{toolResults}}" }] },
  // answers with the task (a hostile one: terminal controls)
  echo: { turns: [{ content: "{{task}}" }] },
};

/**
 * Records a run as the services would, in memory: the planner's decisions, the scripted model's
 * responses and a ledger tool ("recorded <item>"); `approve` decides the gated calls by index.
 * Commands and events go to the log in order, with stream sequences.
 */
async function record(
  runId: string,
  a: AgentSpec,
  task = "record a, b and c",
): Promise<{ log: RunLog; tools: number }> {
  const model = createScriptedProvider({ scripts: SCRIPTS });
  const entries: HistoryEntry[] = [];
  const state = emptyRun(runId);
  const time = "2026-01-01T00:00:00.000Z";
  let tools = 0;
  const queue: Output[] = [];
  const written = new Set<string>();
  const put = (subject: string, message: unknown, fold: boolean) => {
    if (written.has(subject)) return;
    written.add(subject);
    const e: HistoryEntry = { seq: entries.length + 1, subject, data: encode(message), time };
    entries.push(e);
    if (fold) queue.push(...decide(state, applyEntry(state, e, subjects), subjects));
  };
  const sub: RunSubmitted = { v: 1, type: "run.submitted", runId, task, agent: a, submittedAt: time };
  put(subjects.submitted(runId), sub, true);
  for (let guard = 0; guard < 200; guard++) {
    const o = queue.shift();
    if (!o) {
      // a gated call waits: a human approves it
      const last = state.turns[state.turns.length - 1];
      const gated = last?.llm.toolCalls?.findIndex(
        (c, i) => !last.results[i] && !state.approvals.has(`${last.turn}.${i}`),
      );
      if (last && gated !== undefined && gated >= 0 && !state.ended) {
        const c = last.llm.toolCalls![gated]!;
        put(
          subjects.approval(runId, last.turn, gated),
          {
            v: 1,
            type: "run.approval",
            runId,
            turn: last.turn,
            index: gated,
            callId: c.id,
            decision: "approve",
            at: time,
          },
          true,
        );
        continue;
      }
      break;
    }
    if (o.type === "LlmCommand") {
      put(o.subject, o.message, false);
      const res = await model.complete(buildModelRequest(state, o.message.turn));
      put(
        subjects.llmResult(runId, o.message.turn),
        {
          v: 1,
          type: "llm.result",
          runId,
          turn: o.message.turn,
          ok: true,
          attempts: 1,
          historySeq: o.message.historySeq,
          content: res.content,
          toolCalls: res.toolCalls,
          finishReason: res.finishReason,
          model: res.model,
          usage: res.usage,
          latencyMs: 5,
        },
        true,
      );
    } else if (o.type === "ToolCommand") {
      put(o.subject, o.message, false);
      tools++;
      const m = o.message;
      const item = (JSON.parse(m.arguments) as { item: string }).item;
      const r: ToolResult = {
        v: 1,
        type: "tool.result",
        runId,
        turn: m.turn,
        index: m.index,
        callId: m.callId,
        tool: m.tool,
        ok: true,
        output: `recorded ${item}`,
        attempts: 1,
        idempotencyKey: m.idempotencyKey,
      };
      put(subjects.toolResult(runId, m.turn, m.index, m.tool), r, true);
    } else put(o.subject, o.message, true);
  }
  return { log: { prefix: PREFIX, runId, entries }, tools };
}

/** The scripted model as eval's model, counting its calls. */
function deps(): EvalDeps & { calls: ModelRequest[] } {
  const model = createScriptedProvider({ scripts: SCRIPTS });
  const calls: ModelRequest[] = [];
  return {
    calls,
    complete(req, target) {
      expect(target.provider).toBe("scripted");
      calls.push(req);
      return model.complete(req);
    },
    now: () => calls.length * 10,
  };
}

describe("evalRun: what-if replay of a recorded run", () => {
  it("with the same script: the same answer, no divergence, every tool result served from the log", async () => {
    const { log, tools } = await record("r1", agent("base"));
    expect(tools).toBe(3);
    const d = deps();
    const r = await evalRun(log, {}, d);
    expect(r).toMatchObject({
      runId: "r1",
      agent: "clerk",
      sameAnswer: true,
      old: { status: "completed", answer: "Recorded: recorded c", turns: 3 },
      new: { status: "completed", answer: "Recorded: recorded c", turns: 3, model: "base" },
    });
    expect(r.divergence).toBeUndefined();
    expect(r.stopped).toBeUndefined();
    expect(r.new.toolCalls).toEqual(r.old.toolCalls);
    expect(r.new.toolCalls.map((c) => `${c.turn}:${c.arguments}`)).toEqual([
      '1:{"item":"a"}',
      '1:{"item":"b"}',
      '2:{"item":"c"}',
    ]);
    expect(d.calls).toHaveLength(3);
    expect(r.new.tokens).toEqual(r.old.tokens);
    expect(r.new.modelMs).toBe(30);
    expect(r.old.modelMs).toBe(15);
  });

  it("over many runs with the same script: every run the same answer, 0 diverged", async () => {
    const runs = await Promise.all(
      Array.from({ length: 5 }, async (_, i) => evalRun((await record(`m${i}`, agent("base"))).log, {}, deps())),
    );
    expect(evalTotals(runs)).toMatchObject({ runs: 5, sameAnswer: 5, diverged: 0, stopped: 0, errors: 0 });
  });

  it("with a changed model: diverges at the turn whose answer differs, with both sides", async () => {
    const { log } = await record("r2", agent("base"));
    const r = await evalRun(log, { model: "reworded" }, deps());
    expect(r.sameAnswer).toBe(false);
    expect(r.new).toMatchObject({ status: "completed", answer: "Done: recorded c", model: "reworded" });
    expect(r.divergence).toEqual({
      turn: 3,
      old: { toolCalls: [], answer: "Recorded: recorded c" },
      new: { toolCalls: [], answer: "Done: recorded c" },
    });
    expect(r.stopped).toBeUndefined();
  });

  it("serves each recorded result by tool and canonical arguments, whatever the call's index", async () => {
    const { log } = await record("r3", agent("base"));
    const r = await evalRun(log, { model: "swapped" }, deps());
    expect(r.divergence?.turn).toBe(1);
    expect(r.new.status).toBe("completed");
    expect(r.sameAnswer).toBe(true);
  });

  it("stops where the new run asks for a call the recorded run never made, naming it", async () => {
    const { log } = await record("r4", agent("base"));
    const r = await evalRun(log, { model: "novel" }, deps());
    expect(r.new.status).toBe("stopped");
    expect(r.stopped).toMatchObject({ turn: 2, call: { name: "ledger", arguments: '{"item":"z"}' } });
    expect(r.stopped!.reason).toContain('asks for ledger {"item":"z"}, which the recorded run never ran');
    expect(r.divergence).toMatchObject({
      turn: 2,
      new: { toolCalls: [{ name: "ledger", arguments: '{"item":"z"}' }] },
    });
    expect(evalTotals([r])).toMatchObject({ stopped: 1, diverged: 1, sameAnswer: 0 });
  });

  it("a model answering at once: diverges at turn 1, fewer tokens", async () => {
    const { log } = await record("r5", agent("base"));
    const r = await evalRun(log, { model: "lazy" }, deps());
    expect(r.new).toMatchObject({ status: "completed", answer: "nothing to record", turns: 1, toolCalls: [] });
    expect(r.divergence?.turn).toBe(1);
    expect(r.new.tokens.input).toBeLessThan(r.old.tokens.input);
  });

  it("approval-gated calls: served with the recorded approval of a matching call, else the branch stops", async () => {
    const gated = agent("base", { tools: [{ ...LEDGER_TOOL, requiresApproval: true }] });
    const { log } = await record("r6", gated);
    expect(log.entries.filter((e) => e.subject.includes(".evt.approval.")).length).toBe(3);
    const same = await evalRun(log, {}, deps());
    expect(same).toMatchObject({ sameAnswer: true, new: { status: "completed" } });
    expect(same.divergence).toBeUndefined();
    const novel = await evalRun(log, { model: "novel" }, deps());
    expect(novel.new.status).toBe("stopped");
    expect(novel.stopped).toMatchObject({ turn: 2, call: { name: "ledger", arguments: '{"item":"z"}' } });
    expect(novel.stopped!.reason).toContain("approval the recorded run never gave");
  });

  it("another system prompt and pricing: the new prompt is what the model reads; cost is reported", async () => {
    const priced = agent("base", { pricing: { inputPerMTokUsd: 1_000_000, outputPerMTokUsd: 0 } });
    const { log } = await record("r7", priced);
    const d = deps();
    const r = await evalRun(log, { systemPrompt: "be brief" }, d);
    expect(d.calls[0]!.messages[0]).toEqual({ role: "system", content: "be brief" });
    expect(r.old.costUsd).toBe(r.old.tokens.input);
    expect(r.new.costUsd).toBe(r.new.tokens.input);
    expect(r.sameAnswer).toBe(true);
  });

  it("a provider that fails is the eval's error for that run (not the model's answer), nothing thrown", async () => {
    const { log } = await record("r8", agent("base"));
    const r = await evalRun(log, { model: "no-such-script" }, deps());
    expect(r.new).toMatchObject({ status: "error", turns: 0 });
    expect(r.error).toMatch(/^the model call to scripted \(no-such-script\) failed: /);
  });

  it("an agent with code needs its module: without --agents the run is an error, not a false divergence", async () => {
    const { log } = await record("r10", agent("base"));
    // the recorded snapshot as an agent in code would have it (its instructions a function)
    const coded: RunLog = {
      ...log,
      entries: log.entries.map((e) =>
        e.subject === subjects.submitted("r10")
          ? {
              ...e,
              data: encode({
                v: 1,
                type: "run.submitted",
                runId: "r10",
                task: "record a, b and c",
                agent: agent("base", { instructionsInCode: true }),
                submittedAt: "2026-01-01T00:00:00.000Z",
              } satisfies RunSubmitted),
            }
          : e,
      ),
    };
    const r = await evalRun(coded, { model: "reworded" }, deps());
    expect(r.error).toBe(
      "agent clerk has code (instructions, a tool-call hook or guardrails in code): give its agents module (--agents)",
    );
    expect(r.new.status).toBe("error");
    // a module that defines the agent without code takes it away: the run re-drives
    const plain = await evalRun(coded, { agents: new Map([["clerk", { instructionsInCode: undefined }]]) }, deps());
    expect(plain.error).toBeUndefined();
    expect(plain.sameAnswer).toBe(true);
  });

  it("a result the recorded run's cancel cut short is not served; a changed model is priced at its own price, or not at all", async () => {
    const { log } = await record("r11", agent("base", { pricing: { inputPerMTokUsd: 1, outputPerMTokUsd: 2 } }));
    const cut: RunLog = {
      ...log,
      entries: log.entries.map((e) => {
        if (e.subject !== subjects.toolResult("r11", 2, 0, "ledger")) return e;
        return {
          ...e,
          data: encode({
            v: 1,
            type: "tool.result",
            runId: "r11",
            turn: 2,
            index: 0,
            callId: "call_2_0",
            tool: "ledger",
            ok: false,
            attempts: 1,
            error: { kind: "cancelled", message: "the run was cancelled while the tool ran" },
          } satisfies ToolResult),
        };
      }),
    };
    const r = await evalRun(cut, {}, deps());
    expect(r.stopped).toMatchObject({ turn: 2, call: { name: "ledger", arguments: '{"item":"c"}' } });
    expect(r.old.costUsd).toBeGreaterThan(0);

    const unpriced = await evalRun(log, { model: "reworded" }, deps());
    expect(unpriced.new.costUsd).toBeUndefined();
    const priced = await evalRun(
      log,
      { model: "reworded", prices: new Map([["reworded", { inputPerMTokUsd: 10, outputPerMTokUsd: 20 }]]) },
      deps(),
    );
    const t = priced.new.tokens;
    expect(priced.new.costUsd).toBeCloseTo((t.input * 10 + t.output * 20) / 1e6, 12);
  });

  it("judges each pair; a judge that fails leaves a note; the table is terminal-safe", async () => {
    const { log } = await record("r9", agent("base"), "record\u001b[2J a, b and c");
    const a = await evalRun(log, {}, deps());
    const b = await evalRun(log, { model: "reworded" }, deps());
    await judgeRun(a, (p) => Promise.resolve(p.old.answer === p.new.answer ? 1 : 0));
    await judgeRun(b, () => Promise.resolve({ score: 0.25, note: "reworded" }));
    expect(a.score).toBe(1);
    expect(b).toMatchObject({ score: 0.25, note: "reworded" });
    const c = await evalRun(log, {}, deps());
    await judgeRun(c, () => Promise.reject(new Error("boom")));
    expect(c.score).toBeUndefined();
    expect(c.note).toBe("judge failed: boom");
    const report: EvalReport = { change: { model: "reworded" }, runs: [a, b], totals: evalTotals([a, b]) };
    expect(report.totals.score).toEqual({ mean: 0.625, scored: 2 });
    const text = renderEval(report, { width: 100 });
    expect(text).toContain("totals: 2 runs, 1 same answer, 1 diverged, 0 stopped, 0 errors");
    expect(text).toContain("turn 3: old answer Recorded: recorded c | new answer Done: recorded c");
    const hostile = await evalRun(log, { model: "echo" }, deps());
    expect(hostile.new.answer).toContain("\u001b[2J");
    const shown = renderEval({ change: {}, runs: [hostile], totals: evalTotals([hostile]) });
    expect(shown).toContain("\\x1b[2J");
    expect(shown).not.toContain("\u001b");
    expect(parseJudgeAnswer('sure: {"score": 0.5, "reason": "close"}')).toEqual({ score: 0.5, note: "close" });
    expect(() => parseJudgeAnswer('{"score": 3}')).toThrow(/not a number in 0\.\.1/);
  });
});
