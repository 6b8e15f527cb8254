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
  const add = (subject: string, m: unknown) => applyEntry(state, { seq: ++seq, subject, data: encode(m), time: "2025-01-01T00:00:00.000Z" }, S);
  add(S.submitted(RUN), { v: 1, type: "run.submitted", runId: RUN, task: "t\u00e9sk \"quoted\"", submittedAt: "2025-01-01T00:00:00.000Z", agent: { name: "a", provider: "scripted", model: "m", systemPrompt: "sys", tools: [{ name: "f", description: "d", inputSchema: { type: "object", properties: { z: { type: "string" }, a: { type: "number" } } } }], maxTurns: 100, temperature: 0.2, ...agent } });
  const turn = (t: number) => {
    const llm: LlmResult = { v: 1, type: "llm.result", runId: RUN, turn: t, ok: true, attempts: 1, content: t % 2 ? `thinking ${t}` : null, toolCalls: [{ id: `c${t}a`, name: "f", arguments: `{"z":"${t}","a":1}` }, { id: `c${t}b`, name: "f", arguments: "{}" }] };
    add(S.llmResult(RUN, t), llm);
    const r0: ToolResult = { v: 1, type: "tool.result", runId: RUN, turn: t, index: 0, callId: `c${t}a`, tool: "f", ok: true, attempts: 1, output: `out ${t}`, ...(t === 2 ? { output: "pre…", outputRef: ref("p2") } : {}) };
    const r1: ToolResult = { v: 1, type: "tool.result", runId: RUN, turn: t, index: 1, callId: `c${t}b`, tool: "f", ok: false, attempts: 3, error: { kind: "boom", message: `failed ${t}` } };
    add(S.toolResult(RUN, t, 0), r0);
    add(S.toolResult(RUN, t, 1), r1);
  };
  return { state, turn, turns };
}

const payloads = new Map([["p2", "FULL TEXT ".repeat(100)]]);

describe("PromptCache (the llm-caller's incremental prompts)", () => {
  it("gives exactly buildModelRequest and promptHash, turn after turn, loading only the new payloads", () => {
    const cache = new PromptCache();
    const { state, turn } = run(0);
    for (let t = 1; t <= 12; t++) {
      const want = buildModelRequest(state, t, payloads);
      const refs = cache.refs(state, t);
      // The payload of turn 2 is needed by the first prompt after it, then it is in the cache.
      expect(refs.map((r) => r.name)).toEqual(t === 3 ? ["p2"] : []);
      const got = cache.request(state, t, payloads);
      expect(got.req).toEqual(want);
      expect(got.hash).toBe(promptHash(want));
      turn(t);
    }
  });

  it("skipping turns, asking again for an earlier turn, or a context budget: still exact", () => {
    const cache = new PromptCache();
    const { state, turn } = run(0);
    for (let t = 1; t <= 6; t++) turn(t);
    const at = (t: number) => {
      const got = cache.request(state, t, payloads);
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
    expect(cache.request(b.state, 7, payloads).hash).toBe(promptHash(full));
  });

  it("keeps at most maxRuns runs", () => {
    const cache = new PromptCache(2);
    for (const id of ["a", "b", "c"]) {
      const { state } = run(0);
      state.runId = id;
      cache.request(state, 1);
    }
    expect(cache.size()).toBe(2);
  });
});
