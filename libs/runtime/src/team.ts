import type { AgentSpec } from "@cairn/protocol";
import type { ToolSpec } from "./model.js";
import type { RunState, TurnState } from "./state.js";

/** The built-in tool an agent with `handoffs` calls to hand the run to another agent of its team. */
export const HANDOFF_TOOL = "handoff";

/** The run's agent of that name: the one it was submitted to, or one of its team (undefined: the submitted one). */
export function agentNamed(state: RunState, name: string | undefined): AgentSpec | undefined {
  const sub = state.submitted;
  if (!sub) return undefined;
  if (name === undefined || name === sub.agent.name) return sub.agent;
  return sub.team?.find((a) => a.name === name);
}

/** The agent whose model turn comes next: the submitted one, or the last one the run was handed to. */
export function nextAgent(state: RunState): AgentSpec | undefined {
  return agentNamed(state, state.activeAgent);
}

/** The agent that made a turn (its tools, gates and caps apply to the turn's calls). */
export function turnAgent(state: RunState, t: TurnState): AgentSpec | undefined {
  return agentNamed(state, t.agent);
}

const handoffTools = new WeakMap<AgentSpec, ToolSpec>();

/** The `handoff` tool as the model sees it, for an agent with handoffs (its targets by name). */
export function handoffTool(state: RunState, agent: AgentSpec): ToolSpec | undefined {
  if (!agent.handoffs?.length) return undefined;
  let spec = handoffTools.get(agent);
  if (!spec) {
    const lines = agent.handoffs.map((n) => {
      const a = agentNamed(state, n);
      const about = a?.systemPrompt.split("\n")[0]?.slice(0, 200) ?? "";
      return `- ${n}${about ? `: ${about}` : ""}`;
    });
    spec = Object.freeze({
      name: HANDOFF_TOOL,
      description: `Hand the conversation to another agent, who continues it with its own instructions and tools (you stop here). Agents:\n${lines.join("\n")}`,
      inputSchema: {
        type: "object",
        additionalProperties: false,
        required: ["agent"],
        properties: {
          agent: { enum: [...agent.handoffs], description: "the agent to hand the conversation to" },
          reason: { type: "string", description: "why, for the next agent" },
        },
      },
    });
    handoffTools.set(agent, spec);
  }
  return spec;
}

/** The target of a handoff call's arguments, when they name one (JSON `{"agent": "…"}`). */
export function handoffTarget(args: string): string | undefined {
  try {
    const v: unknown = JSON.parse(args);
    const agent = typeof v === "object" && v !== null ? (v as { agent?: unknown }).agent : undefined;
    return typeof agent === "string" ? agent : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The agent a handoff call hands the run to, when it may: its arguments name an agent that the
 * agent making the call lists in its handoffs and that the run's team has; undefined otherwise.
 * The planner answers a call by this, and the fold switches agents only by it.
 */
export function handoffTo(state: RunState, maker: AgentSpec, args: string): string | undefined {
  const to = handoffTarget(args);
  return to !== undefined && maker.handoffs?.includes(to) && agentNamed(state, to) ? to : undefined;
}
