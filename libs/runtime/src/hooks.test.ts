import { describe, expect, it } from "vitest";
import { Subjects, type AgentSpec, type LlmResult, type ToolResult } from "@cairn/protocol";
import { foldingRun } from "./fold.harness.js";
import { agentFileEntry, codeGuards, defineAgent } from "./define.js";
import type { CodeGuards, HookedCall, InstructionsContext, ToolCallHook } from "./guard.js";

// An agent's tool-call hook in code (defineAgent hooks.toolCall): the planner asks it about each
// call to a tool that needs no approval before commanding it; a refusal is recorded as the call's
// failed result (the model reads it), so the decision is in the log and replay reads it.

const S = new Subjects("t");
const R = "r1";
const tool = (name: string, requiresApproval = false) => ({
  name,
  description: "d",
  inputSchema: { type: "object" },
  ...(requiresApproval ? { requiresApproval: true } : {}),
});
const agent = (over: Partial<AgentSpec> = {}): AgentSpec => ({
  name: "ops",
  provider: "scripted",
  model: "m",
  systemPrompt: "",
  tools: [tool("shell"), tool("deploy", true)],
  maxTurns: 5,
  toolCallHook: true,
  ...over,
});

function start(a: AgentSpec, code: CodeGuards | undefined) {
  const r = foldingRun(R, S, code);
  r.add(S.submitted(R), {
    v: 1,
    type: "run.submitted",
    runId: R,
    task: "clean up",
    submittedAt: "2025-01-01T00:00:00.000Z",
    agent: a,
    metadata: { env: "prod" },
  });
  const llm = (calls: { name: string; args: string }[]) =>
    r.add(S.llmResult(R, 1), {
      v: 1,
      type: "llm.result",
      runId: R,
      turn: 1,
      ok: true,
      attempts: 1,
      content: null,
      toolCalls: calls.map((c, i) => ({ id: `c1.${i}`, name: c.name, arguments: c.args })),
    } satisfies LlmResult);
  return { ...r, llm };
}

const withHook = (hook: ToolCallHook) => codeGuards(new Map(), new Map(), new Map([["ops", hook]]));

describe("tool-call hooks in code", () => {
  it("refuses the calls the hook denies (recorded as their failed results) and commands the rest; a call that waits for approval is not asked about", () => {
    const seen: [HookedCall, InstructionsContext][] = [];
    const r = start(
      agent(),
      withHook((call, ctx) => {
        seen.push([call, ctx]);
        const cmd = (call.arguments as { cmd?: string } | undefined)?.cmd ?? "";
        return ctx.metadata.env === "prod" && /\brm -rf\b/.test(cmd) ? { deny: `not in prod: ${cmd}` } : undefined;
      }),
    );
    const out = r.llm([
      { name: "shell", args: '{"cmd":"ls"}' },
      { name: "shell", args: '{"cmd":"rm -rf /data"}' },
      { name: "deploy", args: "{}" },
      { name: "shell", args: "not json" },
    ]).out;
    expect(out.map((o) => o.type)).toEqual(["ToolCommand", "ToolResult", "ToolCommand"]);
    expect(out[0]!.subject).toBe("t.run.r1.cmd.tool.1.0.shell");
    expect(out[1]).toMatchObject({
      subject: "t.run.r1.evt.tool.1.1.shell",
      message: { ok: false, callId: "c1.1", error: { kind: "denied_by_hook", message: "not in prod: rm -rf /data" } },
    });
    expect(out[2]!.subject).toBe("t.run.r1.cmd.tool.1.3.shell");
    // asked about the calls that need no approval, with their parsed arguments and the run's context
    expect(seen.map(([c]) => c)).toEqual([
      { name: "shell", arguments: { cmd: "ls" }, turn: 1, index: 0 },
      { name: "shell", arguments: { cmd: "rm -rf /data" }, turn: 1, index: 1 },
      { name: "shell", arguments: undefined, turn: 1, index: 3 },
    ]);
    expect(seen[0]![1]).toMatchObject({ runId: R, agent: "ops", turn: 1, task: "clean up", toolCalls: 4 });
    // the refusal folds as the call's result: the model reads it with the others
    const recorded = r.add(out[1]!.subject, out[1]!.message);
    expect(recorded.applied).toMatchObject({ kind: "tool-result", turn: 1, index: 1 });
    expect(r.state.turns[0]!.results[1]).toMatchObject({ ok: false, error: { kind: "denied_by_hook" } });
  });

  it("fails closed: no hook loaded, a hook that throws or answers something else refuses the call", () => {
    const kinds = (code: CodeGuards | undefined) =>
      start(agent(), code)
        .llm([{ name: "shell", args: "{}" }])
        .out.map((o) => (o.type === "ToolResult" ? (o.message.error?.kind ?? "ok") : o.type));
    expect(kinds(undefined)).toEqual(["hook_unavailable"]);
    expect(kinds(codeGuards(new Map()))).toEqual(["hook_unavailable"]);
    expect(
      kinds(
        withHook(() => {
          throw new Error("boom");
        }),
      ),
    ).toEqual(["hook_failed"]);
    expect(kinds(withHook((() => "yes") as unknown as ToolCallHook))).toEqual(["hook_failed"]);
    expect(kinds(withHook(() => ({ deny: "" })))).toEqual(["denied_by_hook"]);
    // an agent without toolCallHook never asks, even with code loaded
    const quiet = start(
      agent({ toolCallHook: undefined }),
      withHook(() => ({ deny: "never asked" })),
    );
    expect(quiet.llm([{ name: "shell", args: "{}" }]).out.map((o) => o.type)).toEqual(["ToolCommand"]);
  });

  it("null and false let a call run; a BigInt, a promise or a throwing getter refuse it (hook_failed) without breaking the decision", async () => {
    const kinds = (hook: unknown) =>
      start(agent(), withHook(hook as ToolCallHook))
        .llm([{ name: "shell", args: "{}" }])
        .out.map((o) => (o.type === "ToolResult" ? (o.message.error?.kind ?? "ok") : o.type));
    expect(kinds(() => null)).toEqual(["ToolCommand"]);
    expect(kinds(() => false)).toEqual(["ToolCommand"]);
    expect(kinds(() => 1n)).toEqual(["hook_failed"]);
    let rejected = false;
    const unhandled = () => (rejected = true);
    process.on("unhandledRejection", unhandled);
    try {
      expect(kinds(() => Promise.reject(new Error("async")))).toEqual(["hook_failed"]);
      await new Promise((r) => setTimeout(r, 10));
    } finally {
      process.off("unhandledRejection", unhandled);
    }
    expect(rejected).toBe(false);
    const getter = {
      get deny(): string {
        throw new Error("getter");
      },
    };
    expect(kinds(() => getter)).toEqual(["hook_failed"]);
  });

  it("the hook sees a frozen copy of the run as the turn's response found it: a message arriving while the calls run changes nothing", () => {
    const seen: string[][] = [];
    const r = start(
      agent({ maxParallelToolCalls: 1 }),
      withHook((_call, ctx) => {
        seen.push([...ctx.messages]);
        (ctx.metadata as Record<string, string>)["env"] = "dev"; // refused: frozen
        return undefined;
      }),
    );
    const out = r.llm([
      { name: "shell", args: '{"cmd":"a"}' },
      { name: "shell", args: '{"cmd":"b"}' },
    ]).out;
    // the hook threw (it may not write the run's state): both calls refused, the state untouched
    expect(out.map((o) => (o.type === "ToolResult" ? o.message.error?.kind : o.type))).toEqual([
      "hook_failed",
      "hook_failed",
    ]);
    expect(r.state.submitted?.metadata).toEqual({ env: "prod" });

    const asked: string[][] = [];
    const r2 = start(
      agent({ maxParallelToolCalls: 1 }),
      withHook((_call, ctx) => {
        asked.push([...ctx.messages]);
        return ctx.messages.includes("stop") ? { deny: "told to stop" } : undefined;
      }),
    );
    const first = r2.llm([
      { name: "shell", args: '{"cmd":"a"}' },
      { name: "shell", args: '{"cmd":"b"}' },
    ]).out;
    expect(first.map((o) => o.subject)).toEqual(["t.run.r1.cmd.tool.1.0.shell"]);
    r2.add(S.message(R, 1), { v: 1, type: "run.message", runId: R, n: 1, at: "t", text: "stop" });
    const next = r2.add(S.toolResult(R, 1, 0, "shell"), {
      v: 1,
      type: "tool.result",
      runId: R,
      turn: 1,
      index: 0,
      callId: "c1.0",
      tool: "shell",
      attempts: 1,
      ok: true,
      output: "done",
    } satisfies ToolResult).out;
    // the second call's place in the window opens: commanded, the hook asked the same question
    expect(next.map((o) => o.subject)).toEqual(["t.run.r1.cmd.tool.1.1.shell"]);
    expect(asked.every((m) => m.length === 0)).toBe(true);
  });

  it("defineAgent carries the hook: the agents-file entry says toolCallHook, and the planner looks it up by agent", () => {
    const hook: ToolCallHook = () => undefined;
    const a = defineAgent({
      name: "ops",
      provider: "scripted",
      model: "m",
      tools: ["shell"],
      hooks: { toolCall: hook },
    });
    const { entry, toolCall } = agentFileEntry(a);
    expect(entry).toMatchObject({ toolCallHook: true });
    expect(entry).not.toHaveProperty("hooks");
    expect(toolCall).toBe(hook);
    expect(withHook(hook).toolCall?.("ops")).toBe(hook);
    expect(() =>
      defineAgent({ name: "x", provider: "p", model: "m", hooks: { toolCall: "no" as unknown as ToolCallHook } }),
    ).toThrow(/hooks.toolCall must be a function/);
    expect(() => defineAgent({ name: "x", provider: "p", model: "m", hooks: { beforeRun: () => 1 } as never })).toThrow(
      /hooks.beforeRun is no hook/,
    );
  });
});
