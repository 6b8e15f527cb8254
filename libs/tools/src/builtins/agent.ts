import { AwaitingResult, SUB_AGENT_TOOL, TerminalError } from "@cairn/runtime";
import { defineTool, type ToolDefinition } from "../define.js";

/**
 * `run_agent`: starts a sub-agent run (its own log, its own agent) and waits for it durably. The
 * child's id is derived from this call's idempotency key, so a redelivered call finds the same
 * child; when the child ends, the planner records its outcome as this call's result. Waiting costs
 * no process, survives restarts, and a cancel of the parent is passed on to the child.
 */
export function runAgentTool(): ToolDefinition<{ task: string; agent?: string }> {
  return defineTool<{ task: string; agent?: string }>({
    name: SUB_AGENT_TOOL,
    description:
      "Delegates a task to another agent, which runs on its own; its final answer becomes this call's result.",
    input: {
      type: "object",
      additionalProperties: false,
      required: ["task"],
      properties: {
        task: { type: "string", minLength: 1, description: "What the sub-agent should do." },
        agent: { type: "string", description: "Which agent (from the agents file); the default agent when omitted." },
      },
    },
    async run(args, ctx) {
      if (!ctx.startChildRun)
        throw new TerminalError("this tool-runner cannot start sub-agent runs", { kind: "unsupported" });
      const child = await ctx.startChildRun({ task: args.task, ...(args.agent ? { agent: args.agent } : {}) });
      ctx.log.info({ childRunId: child }, "sub-agent run started; its outcome will be this call's result");
      throw new AwaitingResult(`sub-agent run ${child}`);
    },
  });
}
