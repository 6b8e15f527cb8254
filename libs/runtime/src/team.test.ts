import { describe, expect, it } from "vitest";
import { Subjects, type AgentSpec, type LlmResult, type ToolResult } from "@cairn/protocol";
import { reduceRun, runStatus } from "./state.js";
import { type Output } from "./decide.js";
import { foldingRun } from "./fold.harness.js";
import { buildModelRequest } from "./prompt.js";
import { PromptCache } from "./prompt-cache.js";
import { promptHash } from "./prompt.js";

const S = new Subjects("t");
const RUN = "r1";
const tool = (name: string) => ({ name, description: name, inputSchema: { type: "object" } });
const triage: AgentSpec = {
  name: "triage",
  provider: "scripted",
  model: "m1",
  systemPrompt: "You sort requests.\nMore.",
  tools: [tool("lookup")],
  maxTurns: 10,
  handoffs: ["billing"],
};
const billing: AgentSpec = {
  name: "billing",
  provider: "openai",
  model: "gpt-x",
  systemPrompt: "You handle invoices.",
  tools: [tool("refund")],
  maxTurns: 10,
  handoffs: ["triage"],
};

function run(over: Partial<AgentSpec> = {}) {
  const { state, log, add } = foldingRun(RUN, S);
  add(S.submitted(RUN), {
    v: 1,
    type: "run.submitted",
    runId: RUN,
    task: "refund invoice 7",
    submittedAt: "2025-01-01T00:00:00.000Z",
    agent: { ...triage, ...over },
    team: [billing],
  });
  const llm = (turn: number, calls: { name: string; args: unknown }[], content: string | null = null) =>
    add(S.llmResult(RUN, turn), {
      v: 1,
      type: "llm.result",
      runId: RUN,
      turn,
      ok: true,
      attempts: 1,
      content,
      toolCalls: calls.map((c, i) => ({ id: `c${turn}.${i}`, name: c.name, arguments: JSON.stringify(c.args) })),
    } satisfies LlmResult);
  const record = (o: Output) => add(o.subject, o.message);
  const result = (turn: number, index: number, name: string) =>
    add(S.toolResult(RUN, turn, index, name), {
      v: 1,
      type: "tool.result",
      runId: RUN,
      turn,
      index,
      callId: `c${turn}.${index}`,
      tool: name,
      attempts: 1,
      ok: true,
      output: `${name} done`,
    } satisfies ToolResult);
  return { state, log, llm, record, result, add };
}

const types = (out: Output[]): string[] => out.map((o) => `${o.type} ${o.subject.split(".").slice(3).join(".")}`);

describe("handoffs (agent handoffs, the built-in handoff tool)", () => {
  it("the model sees the handoff tool; a handoff is a result the planner records, and the next turn is the other agent's (provider, prompt, tools)", () => {
    const r = run();
    const first = buildModelRequest(r.state, 1);
    expect(first.tools.map((t) => t.name)).toEqual(["lookup", "handoff"]);
    expect(first.tools[1]!.description).toContain("- billing: You handle invoices.");
    expect(first.tools[1]!.inputSchema).toMatchObject({ properties: { agent: { enum: ["billing"] } } });

    const { out } = r.llm(1, [
      { name: "lookup", args: {} },
      { name: "handoff", args: { agent: "billing", reason: "a refund" } },
    ]);
    expect(types(out)).toEqual(["ToolCommand cmd.tool.1.0.lookup", "ToolResult evt.tool.1.1.handoff"]);
    expect(out[1]!.message).toMatchObject({
      ok: true,
      output: "Handed off to billing: it continues the conversation from here.",
    });
    r.record(out[1]!);
    expect(r.state.activeAgent).toBe("billing");
    expect(r.state.handoffs).toEqual([{ turn: 1, index: 1, from: "triage", to: "billing" }]);
    // the turn's other call is still triage's, and the next model call goes to billing's provider
    expect(types(r.result(1, 0, "lookup").out)).toEqual(["LlmCommand cmd.llm.2.openai"]);
    expect(runStatus(r.state)).toMatchObject({
      agent: "triage",
      activeAgent: "billing",
      waitingOn: [{ kind: "llm", name: "openai" }],
    });
    const second = buildModelRequest(r.state, 2);
    expect(second.model).toBe("gpt-x");
    expect(second.messages[0]).toEqual({ role: "system", content: "You handle invoices." });
    expect(second.messages[1]).toEqual({ role: "user", content: "refund invoice 7" });
    expect(second.tools.map((t) => t.name)).toEqual(["refund", "handoff"]);
    // billing's tools run; triage's do not any more
    const t2 = r.llm(2, [
      { name: "refund", args: {} },
      { name: "lookup", args: {} },
    ]);
    expect(types(t2.out)).toEqual(["ToolCommand cmd.tool.2.0.refund", "ToolResult evt.tool.2.1.lookup"]);
    expect(t2.out[1]!.message).toMatchObject({ ok: false, error: { kind: "unknown_tool" } });
    // replay folds the same
    expect(reduceRun(RUN, r.log, S).activeAgent).toBe("billing");
  });

  it("refuses a handoff to an agent not in the list, and a second one in the same response", () => {
    const r = run();
    const { out } = r.llm(1, [
      { name: "handoff", args: { agent: "nobody" } },
      { name: "handoff", args: { agent: "billing" } },
      { name: "handoff", args: { agent: "billing" } },
    ]);
    expect(out.map((o) => o.message)).toMatchObject([
      { ok: false, error: { kind: "invalid_handoff", message: expect.stringContaining('one of "billing"') } },
      { ok: true },
      {
        ok: false,
        error: {
          kind: "invalid_handoff",
          message: "one handoff per response: call 1 already hands the run to billing",
        },
      },
    ]);
    for (const o of out) r.record(o);
    expect(r.state.handoffs.map((h) => h.to)).toEqual(["billing"]);
  });

  it("an agent without handoffs has no handoff tool: a call to it is an unknown tool, and nothing changes", () => {
    const r = run({ handoffs: undefined });
    expect(buildModelRequest(r.state, 1).tools.map((t) => t.name)).toEqual(["lookup"]);
    const { out } = r.llm(1, [{ name: "handoff", args: { agent: "billing" } }]);
    expect(out[0]!.message).toMatchObject({ ok: false, error: { kind: "unknown_tool" } });
    r.record(out[0]!);
    expect(r.state.activeAgent).toBeUndefined();
  });

  it("the llm-caller's prompt cache builds the new agent's prompt in full (exactly buildModelRequest)", () => {
    const r = run();
    const cache = new PromptCache();
    const check = (turn: number) => {
      const want = buildModelRequest(r.state, turn);
      const got = cache.plan(r.state, turn).build();
      expect(got.req).toEqual(want);
      expect(got.hash).toBe(promptHash(want));
    };
    check(1);
    const { out } = r.llm(1, [{ name: "handoff", args: { agent: "billing" } }]);
    r.record(out[0]!);
    check(2);
    r.llm(2, [{ name: "handoff", args: { agent: "triage" } }]).out.forEach((o) => r.record(o));
    expect(r.state.activeAgent).toBe("triage");
    check(3);
  });
});
