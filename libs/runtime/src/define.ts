import type { Guardrail } from "@cairn/protocol";
import type { CodeGuards, GuardCheck, InstructionsContext, ToolCallHook } from "./guard.js";

/** A guardrail of an agent in code: a pure check, or one as data (`pattern`, `maxChars`, or `model`: a model judges it). */
export type CodeGuardrail =
  | { name: string; onTrip?: "fail" | "pause"; message?: string; check: GuardCheck }
  | (Omit<Guardrail, "code" | "onTrip"> & { onTrip?: "fail" | "pause" });

/**
 * An agent written in code (`defineAgent`): the agents file's fields, with `instructions` for its
 * system prompt and guardrails that may be functions. Everything that influences a decision must
 * be a deterministic function of what it is given (no clock, no I/O, no randomness): the planner
 * records each verdict in the run's log, and `cairn replay --check --agents <module>` re-runs
 * them over recorded runs to show where changed code would decide otherwise.
 */
export interface CodeAgent {
  name: string;
  provider: string;
  model: string;
  /** The system prompt: a string, or a pure function of the run's state computed for each model turn (and recorded with its command). */
  instructions?: string | ((ctx: InstructionsContext) => string);
  tools?: string[];
  maxTurns?: number;
  temperature?: number;
  approve?: string[];
  editableArgs?: string[];
  handoffs?: string[];
  conversation?: boolean;
  output?: { schema: Record<string, unknown>; name?: string; maxAttempts?: number };
  maxTokens?: number;
  maxOutputTokens?: number;
  maxCostUsd?: number;
  deadlineMs?: number;
  guardrails?: { input?: CodeGuardrail[]; output?: CodeGuardrail[] };
  /** Functions that shape decisions (pure and deterministic; see ToolCallHook). */
  hooks?: { toolCall?: ToolCallHook };
}

const BRAND = "cairn.agent/v1";

/** Defines an agent in code, for the planner's `CAIRN_AGENTS_MODULE` (export it, named or as an array). */
export function defineAgent<A extends CodeAgent>(agent: A): A & { readonly kind: typeof BRAND } {
  if (!/^[A-Za-z0-9_-]{1,64}$/.test(agent.name))
    throw new TypeError(`defineAgent: name ${JSON.stringify(agent.name)} must be 1-64 letters, digits, '_' or '-'`);
  for (const g of [...(agent.guardrails?.input ?? []), ...(agent.guardrails?.output ?? [])]) {
    if (!/^[A-Za-z0-9_-]{1,64}$/.test(g.name))
      throw new TypeError(`defineAgent ${agent.name}: guardrail name ${JSON.stringify(g.name)} is not a token`);
    if (!("check" in g) && g.pattern === undefined && g.maxChars === undefined && !g.model)
      throw new TypeError(`defineAgent ${agent.name}: guardrail ${g.name} needs check, pattern, maxChars or model`);
  }
  for (const list of [agent.guardrails?.input, agent.guardrails?.output])
    if (list && new Set(list.map((g) => g.name)).size !== list.length)
      throw new TypeError(`defineAgent ${agent.name}: guardrail names must not repeat within input or within output`);
  for (const [k, v] of Object.entries(agent.hooks ?? {}))
    if (k !== "toolCall" || typeof v !== "function")
      throw new TypeError(
        `defineAgent ${agent.name}: hooks.${k} ${k === "toolCall" ? "must be a function" : "is no hook (toolCall is)"}`,
      );
  return Object.freeze({ ...agent, kind: BRAND });
}

/** Whether a module's export is an agent made by defineAgent. */
export function isAgentDefinition(v: unknown): v is CodeAgent & { kind: typeof BRAND } {
  return typeof v === "object" && v !== null && (v as { kind?: unknown }).kind === BRAND;
}

/**
 * An agent in code as the agents file would say it (guardrails in code become `code: true`, found
 * by name at run time), and the checks written in code.
 */
export function agentFileEntry(a: CodeAgent): {
  entry: Record<string, unknown>;
  checks: Map<string, GuardCheck>;
  instructions?: (ctx: InstructionsContext) => string;
  toolCall?: ToolCallHook;
} {
  const checks = new Map<string, GuardCheck>();
  const guards = (list: CodeGuardrail[] | undefined) =>
    list?.map((g): Guardrail => {
      if ("check" in g) {
        checks.set(g.name, g.check);
        return { name: g.name, onTrip: g.onTrip ?? "fail", code: true, ...(g.message ? { message: g.message } : {}) };
      }
      return { ...g, onTrip: g.onTrip ?? "fail" };
    });
  const { kind: _k, instructions, guardrails, hooks, name: _n, ...rest } = a as CodeAgent & { kind?: string };
  const toolCall = hooks?.toolCall;
  const entry: Record<string, unknown> = {
    ...rest,
    systemPrompt: typeof instructions === "string" ? instructions : "",
    ...(typeof instructions === "function" ? { instructionsInCode: true } : {}),
    ...(typeof toolCall === "function" ? { toolCallHook: true } : {}),
  };
  if (guardrails) {
    const g: Record<string, Guardrail[]> = {};
    const input = guards(guardrails.input);
    const output = guards(guardrails.output);
    if (input?.length) g["input"] = input;
    if (output?.length) g["output"] = output;
    entry["guardrails"] = g;
  }
  return {
    entry,
    checks,
    ...(typeof instructions === "function" ? { instructions } : {}),
    ...(typeof toolCall === "function" ? { toolCall } : {}),
  };
}

/** The checks in code of a set of agents, as the planner's decisions look them up. */
export function codeGuards(
  byAgent: ReadonlyMap<string, ReadonlyMap<string, GuardCheck>>,
  instructions: ReadonlyMap<string, (ctx: InstructionsContext) => string> = new Map(),
  toolCalls: ReadonlyMap<string, ToolCallHook> = new Map(),
): CodeGuards {
  return {
    check: (agent, name) => byAgent.get(agent)?.get(name),
    instructions: (agent, ctx) => instructions.get(agent)?.(ctx),
    toolCall: (agent) => toolCalls.get(agent),
  };
}
