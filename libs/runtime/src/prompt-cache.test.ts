import { describe, expect, it } from "vitest";
import { encode, Subjects, type AgentSpec, type LlmResult, type ToolResult } from "@cairn/protocol";
import { applyEntry, emptyRun } from "./state.js";
import { buildModelRequest, promptHash } from "./prompt.js";
import { PromptCache } from "./prompt-cache.js";

const S = new Subjects("t");
const RUN = "r1";
const ref = (name: string) => ({ bucket: "B", name, bytes: 5, sha256: "x" });

/** A run of `turns` turns, two tool calls each (one with a stored payload on turn 2), folded as far as `upTo` turns. */
function run(turns: number, agent: Partial<AgentSpec> = {}) {
  const state = emptyRun(RUN);
  let seq = 0;
  const add = (subject: string, m: unknown) =>
    applyEntry(state, { seq: ++seq, subject, data: encode(m), time: "2025-01-01T00:00:00.000Z" }, S);
  add(S.submitted(RUN), {
    v: 1,
    type: "run.submitted",
    runId: RUN,
    task: 't\u00e9sk "quoted"',
    submittedAt: "2025-01-01T00:00:00.000Z",
    agent: {
      name: "a",
      provider: "scripted",
      model: "m",
      systemPrompt: "sys",
      tools: [
        {
          name: "f",
          description: "d",
          inputSchema: { type: "object", properties: { z: { type: "string" }, a: { type: "number" } } },
        },
      ],
      maxTurns: 100,
      temperature: 0.2,
      ...agent,
    },
  });
  const turn = (t: number) => {
    const llm: LlmResult = {
      v: 1,
      type: "llm.result",
      runId: RUN,
      turn: t,
      ok: true,
      attempts: 1,
      content: t % 2 ? `thinking ${t}` : null,
      toolCalls: [
        { id: `c${t}a`, name: "f", arguments: `{"z":"${t}","a":1}` },
        { id: `c${t}b`, name: "f", arguments: "{}" },
      ],
    };
    add(S.llmResult(RUN, t), llm);
    const r0: ToolResult = {
      v: 1,
      type: "tool.result",
      runId: RUN,
      turn: t,
      index: 0,
      callId: `c${t}a`,
      tool: "f",
      ok: true,
      attempts: 1,
      output: `out ${t}`,
      ...(t === 2 ? { output: "pre…", outputRef: ref("p2") } : {}),
    };
    const r1: ToolResult = {
      v: 1,
      type: "tool.result",
      runId: RUN,
      turn: t,
      index: 1,
      callId: `c${t}b`,
      tool: "f",
      ok: false,
      attempts: 3,
      error: { kind: "boom", message: `failed ${t}` },
    };
    add(S.toolResult(RUN, t, 0, "f"), r0);
    add(S.toolResult(RUN, t, 1, "f"), r1);
  };
  /** A user's message `n` (cairn send), recorded now. */
  const send = (n: number) =>
    add(S.message(RUN, n), { v: 1, type: "run.message", runId: RUN, n, text: `message ${n}`, at: "t" });
  return { state, turn, turns, send, seq: () => seq };
}

const payloads = new Map([["p2", "FULL TEXT ".repeat(100)]]);

describe("PromptCache (the llm-caller's incremental prompts)", () => {
  it("gives exactly buildModelRequest and promptHash, turn after turn, loading only the new payloads", () => {
    const cache = new PromptCache();
    const { state, turn } = run(0);
    for (let t = 1; t <= 12; t++) {
      const want = buildModelRequest(state, t, payloads);
      const plan = cache.plan(state, t);
      // The payload of turn 2 is needed by the first prompt after it, then it is in the cache.
      expect(plan.refs.map((r) => r.name)).toEqual(t === 3 ? ["p2"] : []);
      const got = plan.build(payloads);
      expect(got.req).toEqual(want);
      expect(got.hash).toBe(promptHash(want));
      turn(t);
    }
  });

  it("users' messages (steering): still exact, each message read once, where the turn that read it put it", () => {
    const cache = new PromptCache();
    const { state, turn, send } = run(0);
    const sent: string[] = [];
    for (let t = 1; t <= 8; t++) {
      // recorded before this turn's command: its prompt ends with them
      for (const n of t === 3 ? [3] : t === 5 ? [5, 50] : t === 6 ? [6] : []) {
        send(n);
        sent.push(`message ${n}`);
      }
      const want = buildModelRequest(state, t, payloads);
      const got = cache.plan(state, t).build(payloads);
      expect(got.req).toEqual(want);
      expect(got.hash).toBe(promptHash(want));
      expect(want.messages.filter((m) => m.role === "user").map((m) => m.content)).toEqual([
        't\u00e9sk "quoted"',
        ...sent,
      ]);
      turn(t); // its response names no historySeq: it read every message recorded before it
    }
  });

  it("skipping turns, asking again for an earlier turn, or a context budget: still exact", () => {
    const cache = new PromptCache();
    const { state, turn } = run(0);
    for (let t = 1; t <= 6; t++) turn(t);
    const at = (t: number) => {
      const got = cache.plan(state, t).build(payloads);
      expect(got.hash).toBe(promptHash(buildModelRequest(state, t, payloads)));
      expect(got.req).toEqual(buildModelRequest(state, t, payloads));
    };
    at(2);
    at(5); // several turns at once
    at(3); // a redelivered older command: built in full
    at(7);
    const b = run(0, { contextBudgetTokens: 100 });
    for (let t = 1; t <= 6; t++) b.turn(t);
    const full = buildModelRequest(b.state, 7, payloads);
    expect(JSON.stringify(full.messages)).toContain("truncated by Cairn");
    expect(cache.plan(b.state, 7).build(payloads).hash).toBe(promptHash(full));
  });

  it("keeps at most maxRuns runs and maxChars characters, least recently used out first; forget drops a run", () => {
    const byRuns = new PromptCache(2);
    for (const id of ["a", "b", "c"]) {
      const { state } = run(0);
      state.runId = id;
      byRuns.plan(state, 1).build();
    }
    expect(byRuns.size()).toBe(2);
    byRuns.forget("c");
    expect(byRuns.size()).toBe(1);
    const byChars = new PromptCache(100, 50);
    for (const id of ["a", "b", "c"]) {
      const { state, turn } = run(0);
      turn(1);
      state.runId = id; // after folding (the entries name run r1)
      byChars.plan(state, 2).build(); // about 55 characters of content each
    }
    expect(byChars.size()).toBe(1);
  });

  it("a plan keeps its entry: an eviction between planning and building changes nothing", () => {
    const cache = new PromptCache(1);
    const { state, turn } = run(0);
    turn(1);
    turn(2);
    cache.plan(state, 3).build(payloads);
    turn(3);
    const plan = cache.plan(state, 4);
    expect(plan.refs).toEqual([]);
    const other = run(0);
    other.state.runId = "other";
    cache.plan(other.state, 1).build(); // evicts r1
    expect(plan.build(new Map()).hash).toBe(promptHash(buildModelRequest(state, 4, payloads)));
  });
});
