import { readFileSync } from "node:fs";
import { z } from "zod";
import { parseJsonFile } from "./json-file.js";

/** An agent as written in the agents file: tools by name (their specs come from the tool registry). */
export interface AgentDefinition {
  name: string;
  provider: string;
  model: string;
  systemPrompt: string;
  tools: string[];
  maxTurns: number;
  temperature?: number;
  /** Tools whose calls wait for a human approve/deny (besides tools that require it themselves). */
  approve: string[];
  maxTokens?: number;
  maxCostUsd?: number;
  deadlineMs?: number;
  contextBudgetTokens?: number;
  /** Before a model call a budget no longer allows: fail the run (default), or pause it for a human. */
  onBudgetExceeded?: "fail" | "approve";
  /**
   * Stuck-loop guard: before each model call, the same call (tool and canonical arguments) asked
   * for `sameCall` times, or `idleTurns` turns in a row with no new tool result, pauses the run for
   * a human (`onTrip: "pause"`, the default) or fails it (`"fail"`, reason `stuck_loop`). Absent: no guard.
   */
  loopGuard?: LoopGuard;
  /** Summarise older turns by a journaled model call when the prompt outgrows contextBudgetTokens. */
  summarize?: { keepRecentTurns: number; instructions?: string };
  /**
   * Fair share: calls of one model response that are run (each call past it is answered with a
   * `too_many_calls` error result); parseAgents fills DEFAULT_MAX_TOOL_CALLS_PER_TURN. Absent
   * (a definition built by hand): no cap in the runs' snapshot.
   */
  maxToolCallsPerTurn?: number;
  /**
   * Fair share: the run's in-flight window, calls of a turn commanded at a time (the next as results
   * come in); parseAgents fills DEFAULT_MAX_PARALLEL_TOOL_CALLS. Absent: every call at once.
   */
  maxParallelToolCalls?: number;
}

/** The stuck-loop guard as an agent sets it (see AgentDefinition.loopGuard): at least one pattern, and what a trip does. */
export interface LoopGuard {
  sameCall?: number;
  idleTurns?: number;
  onTrip: "pause" | "fail";
}

/** What a loop guard's trip does unless the agent says otherwise: wait for a human. */
export const DEFAULT_LOOP_GUARD_ON_TRIP = "pause";

/** Calls of one model response that are run, unless the agent says otherwise (see AgentDefinition). */
export const DEFAULT_MAX_TOOL_CALLS_PER_TURN = 64;
/** Calls of a turn in flight at a time per run, unless the agent says otherwise (see AgentDefinition). */
export const DEFAULT_MAX_PARALLEL_TOOL_CALLS = 16;
/** The largest value either setting takes (the agent-spec schema's bound). */
const MAX_TOOL_CALLS_SETTING = 10_000;

const toolCallLimit = (name: string, what: string) =>
  z
    .number({ error: `${name} must be a whole number (${what})` })
    .int(`${name} must be a whole number (${what})`)
    .min(1, `${name} must be at least 1 (${what})`)
    .max(MAX_TOOL_CALLS_SETTING, `${name} must be at most ${MAX_TOOL_CALLS_SETTING} (${what})`);

const loopGuardSchema = z
  .object({
    sameCall: z
      .number({ error: "loopGuard.sameCall must be a whole number (calls of one tool with the same arguments)" })
      .int("loopGuard.sameCall must be a whole number (calls of one tool with the same arguments)")
      .min(2, "loopGuard.sameCall must be at least 2 (the first call is never a repeat)")
      .max(MAX_TOOL_CALLS_SETTING, `loopGuard.sameCall must be at most ${MAX_TOOL_CALLS_SETTING}`)
      .optional(),
    idleTurns: z
      .number({ error: "loopGuard.idleTurns must be a whole number (turns in a row with no new tool result)" })
      .int("loopGuard.idleTurns must be a whole number (turns in a row with no new tool result)")
      .min(1, "loopGuard.idleTurns must be at least 1")
      .max(MAX_TOOL_CALLS_SETTING, `loopGuard.idleTurns must be at most ${MAX_TOOL_CALLS_SETTING}`)
      .optional(),
    onTrip: z
      .enum(["pause", "fail"], { error: 'loopGuard.onTrip must be "pause" (wait for a human) or "fail"' })
      .default(DEFAULT_LOOP_GUARD_ON_TRIP),
  })
  .strict()
  .refine((g) => g.sameCall !== undefined || g.idleTurns !== undefined, {
    message: "loopGuard needs sameCall, idleTurns or both (the patterns it watches for)",
  });

export interface Agents {
  defaultAgent: string;
  agents: Map<string, AgentDefinition>;
}

const agentSchema = z
  .object({
    provider: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, "provider must be letters, digits, '_' or '-'"),
    model: z.string().min(1),
    systemPrompt: z.string().default(""),
    tools: z.array(z.string().regex(/^[A-Za-z0-9_-]{1,64}$/)).default([]),
    maxTurns: z.number().int().min(1).max(10_000).default(20),
    temperature: z.number().optional(),
    approve: z.array(z.string().regex(/^[A-Za-z0-9_-]{1,64}$/)).default([]),
    maxTokens: z.number().int().min(1).optional(),
    maxCostUsd: z.number().min(0).optional(),
    deadlineMs: z.number().int().min(1).optional(),
    contextBudgetTokens: z.number().int().min(100).optional(),
    onBudgetExceeded: z.enum(["fail", "approve"]).optional(),
    loopGuard: loopGuardSchema.optional(),
    // true: defaults (keep the last 2 turns verbatim)
    summarize: z
      .union([
        z.literal(true),
        z
          .object({
            keepRecentTurns: z.number().int().min(1).max(1000).default(2),
            instructions: z.string().min(1).optional(),
          })
          .strict(),
      ])
      .optional(),
    maxToolCallsPerTurn: toolCallLimit(
      "maxToolCallsPerTurn",
      "tool calls of one model response that are run; the rest are answered with a too_many_calls error",
    ).default(DEFAULT_MAX_TOOL_CALLS_PER_TURN),
    maxParallelToolCalls: toolCallLimit("maxParallelToolCalls", "tool calls of a run in flight at a time").default(
      DEFAULT_MAX_PARALLEL_TOOL_CALLS,
    ),
  })
  .refine((a) => a.summarize === undefined || a.contextBudgetTokens !== undefined, {
    message: "summarize needs contextBudgetTokens (the size that triggers a summary)",
    path: ["summarize"],
  });
const fileSchema = z.object({ default: z.string().optional(), agents: z.record(z.string(), agentSchema) });

/** Used when no agents file is configured: the scripted demo model with the workspace file tools. */
export const BUILTIN_AGENTS: Agents = {
  defaultAgent: "default",
  agents: new Map([
    [
      "default",
      {
        name: "default",
        provider: "scripted",
        model: "demo",
        systemPrompt: "You are a careful assistant. Use the workspace tools to do the task, then answer.",
        tools: ["read_file", "write_file", "list_files"],
        maxTurns: 20,
        approve: [],
        maxToolCallsPerTurn: DEFAULT_MAX_TOOL_CALLS_PER_TURN,
        maxParallelToolCalls: DEFAULT_MAX_PARALLEL_TOOL_CALLS,
      },
    ],
  ]),
};

/**
 * Parses an agents file:
 * `{ "default": "coder", "agents": { "coder": { "provider": "openai", "model": "gpt-4o-mini",
 *   "systemPrompt": "...", "tools": ["read_file"], "maxTurns": 20 } } }`.
 */
export function parseAgents(text: string, source = "agents file"): Agents {
  const file = parseJsonFile(fileSchema, text, source);
  const agents = new Map<string, AgentDefinition>();
  for (const [name, a] of Object.entries(file.agents)) {
    const def: AgentDefinition = {
      name,
      provider: a.provider,
      model: a.model,
      systemPrompt: a.systemPrompt,
      tools: a.tools,
      maxTurns: a.maxTurns,
      approve: a.approve,
      maxToolCallsPerTurn: a.maxToolCallsPerTurn,
      maxParallelToolCalls: a.maxParallelToolCalls,
    };
    if (a.temperature !== undefined) def.temperature = a.temperature;
    if (a.maxTokens !== undefined) def.maxTokens = a.maxTokens;
    if (a.maxCostUsd !== undefined) def.maxCostUsd = a.maxCostUsd;
    if (a.deadlineMs !== undefined) def.deadlineMs = a.deadlineMs;
    if (a.contextBudgetTokens !== undefined) def.contextBudgetTokens = a.contextBudgetTokens;
    if (a.onBudgetExceeded !== undefined) def.onBudgetExceeded = a.onBudgetExceeded;
    if (a.loopGuard !== undefined)
      def.loopGuard = {
        ...(a.loopGuard.sameCall !== undefined ? { sameCall: a.loopGuard.sameCall } : {}),
        ...(a.loopGuard.idleTurns !== undefined ? { idleTurns: a.loopGuard.idleTurns } : {}),
        onTrip: a.loopGuard.onTrip,
      };
    if (a.summarize !== undefined) {
      const s = a.summarize === true ? { keepRecentTurns: 2 } : a.summarize;
      def.summarize = {
        keepRecentTurns: s.keepRecentTurns,
        ...(s.instructions ? { instructions: s.instructions } : {}),
      };
    }
    agents.set(name, def);
  }
  const defaultAgent = file.default ?? agents.keys().next().value;
  if (!defaultAgent || !agents.has(defaultAgent))
    throw new Error(`${source}: default agent ${JSON.stringify(defaultAgent)} is not defined`);
  return { defaultAgent, agents };
}

export function loadAgents(file: string | undefined): Agents {
  if (!file) return BUILTIN_AGENTS;
  return parseAgents(readFileSync(file, "utf8"), file);
}

/** USD per million tokens, by model name (CAIRN_PRICES_FILE). */
export type PriceTable = Map<string, { inputPerMTokUsd: number; outputPerMTokUsd: number }>;

const pricesSchema = z.record(
  z.string(),
  z.object({ inputPerMTokUsd: z.number().min(0), outputPerMTokUsd: z.number().min(0) }),
);

/** `{ "gpt-4o-mini": { "inputPerMTokUsd": 0.15, "outputPerMTokUsd": 0.6 } }` */
export function loadPrices(file: string | undefined): PriceTable {
  if (!file) return new Map();
  return new Map(Object.entries(parseJsonFile(pricesSchema, readFileSync(file, "utf8"), `price table ${file}`)));
}
