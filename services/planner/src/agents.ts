import { readFileSync } from "node:fs";
import { z } from "zod";

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
  /** Summarise older turns by a journaled model call when the prompt outgrows contextBudgetTokens. */
  summarize?: { keepRecentTurns: number; instructions?: string };
}

export interface Agents {
  defaultAgent: string;
  agents: Map<string, AgentDefinition>;
}

const agentSchema = z.object({
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
  // true: defaults (keep the last 2 turns verbatim)
  summarize: z
    .union([z.literal(true), z.object({ keepRecentTurns: z.number().int().min(1).max(1000).default(2), instructions: z.string().min(1).optional() }).strict()])
    .optional(),
}).refine((a) => a.summarize === undefined || a.contextBudgetTokens !== undefined, { message: "summarize needs contextBudgetTokens (the size that triggers a summary)", path: ["summarize"] });
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
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw new Error(`${source} is not JSON: ${(err as Error).message}`);
  }
  const r = fileSchema.safeParse(raw);
  if (!r.success) throw new Error(`${source} is invalid: ${r.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}`);
  const agents = new Map<string, AgentDefinition>();
  for (const [name, a] of Object.entries(r.data.agents)) {
    const def: AgentDefinition = { name, provider: a.provider, model: a.model, systemPrompt: a.systemPrompt, tools: a.tools, maxTurns: a.maxTurns, approve: a.approve };
    if (a.temperature !== undefined) def.temperature = a.temperature;
    if (a.maxTokens !== undefined) def.maxTokens = a.maxTokens;
    if (a.maxCostUsd !== undefined) def.maxCostUsd = a.maxCostUsd;
    if (a.deadlineMs !== undefined) def.deadlineMs = a.deadlineMs;
    if (a.contextBudgetTokens !== undefined) def.contextBudgetTokens = a.contextBudgetTokens;
    if (a.onBudgetExceeded !== undefined) def.onBudgetExceeded = a.onBudgetExceeded;
    if (a.summarize !== undefined) {
      const s = a.summarize === true ? { keepRecentTurns: 2 } : a.summarize;
      def.summarize = { keepRecentTurns: s.keepRecentTurns, ...(s.instructions ? { instructions: s.instructions } : {}) };
    }
    agents.set(name, def);
  }
  const defaultAgent = r.data.default ?? agents.keys().next().value;
  if (!defaultAgent || !agents.has(defaultAgent)) throw new Error(`${source}: default agent ${JSON.stringify(defaultAgent)} is not defined`);
  return { defaultAgent, agents };
}

export function loadAgents(file: string | undefined): Agents {
  if (!file) return BUILTIN_AGENTS;
  return parseAgents(readFileSync(file, "utf8"), file);
}

/** USD per million tokens, by model name (CAIRN_PRICES_FILE). */
export type PriceTable = Map<string, { inputPerMTokUsd: number; outputPerMTokUsd: number }>;

const pricesSchema = z.record(z.string(), z.object({ inputPerMTokUsd: z.number().min(0), outputPerMTokUsd: z.number().min(0) }));

/** `{ "gpt-4o-mini": { "inputPerMTokUsd": 0.15, "outputPerMTokUsd": 0.6 } }` */
export function loadPrices(file: string | undefined): PriceTable {
  if (!file) return new Map();
  const r = pricesSchema.safeParse(JSON.parse(readFileSync(file, "utf8")));
  if (!r.success) throw new Error(`${file} is not a price table: ${r.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}`);
  return new Map(Object.entries(r.data));
}
