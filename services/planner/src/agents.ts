import { readFileSync } from "node:fs";
import { pathToFileURL } from "node:url";
import { isAbsolute, resolve } from "node:path";
import { z } from "zod";
import type { Guardrail } from "@cairn/protocol";
import {
  agentFileEntry,
  codeGuards,
  compileJsonSchema,
  HANDOFF_TOOL,
  isAgentDefinition,
  type CodeGuards,
  type GuardCheck,
  type InstructionsContext,
  type ToolCallHook,
} from "@cairn/runtime";
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
  /** Tools (that wait for approval) whose arguments an approver may replace when approving a call. */
  editableArgs?: string[];
  /** The most tokens one model response may have. */
  maxOutputTokens?: number;
  /** The instructions are a function in the agents module (see the agent spec's instructionsInCode). */
  instructionsInCode?: true;
  /** A tool-call hook in the agents module (see the agent spec's toolCallHook). */
  toolCallHook?: true;
  /** Checks of the task and of the answer (see the agent spec's guardrails). */
  guardrails?: { input?: Guardrail[]; output?: Guardrail[] };
  /** Agents this one may hand the run to (the built-in `handoff` tool; see the agent spec). */
  handoffs?: string[];
  /** A conversation: an answer does not end the run, the next message (cairn send) goes on (see the agent spec). */
  conversation?: boolean;
  /** Structured output: the final answer must be JSON validating against `schema` (see the agent spec). */
  output?: { schema: Record<string, unknown>; name?: string; maxAttempts?: number };
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

const guardrailSchema = z
  .object({
    name: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, "a guardrail's name must be 1-64 letters, digits, '_' or '-'"),
    onTrip: z.enum(["fail", "pause"], { error: 'a guardrail\'s onTrip must be "fail" or "pause"' }).default("fail"),
    pattern: z
      .string()
      .refine((p) => {
        try {
          new RegExp(p);
          return true;
        } catch {
          return false;
        }
      }, "a guardrail's pattern must be a JavaScript regular expression")
      .optional(),
    ignoreCase: z.boolean().optional(),
    maxChars: z.number().int().min(1).optional(),
    message: z.string().max(4096).optional(),
    code: z.literal(true).optional(),
    model: z
      .object({
        instructions: z.string().min(1, "a model-judged guardrail needs instructions (what trips it)"),
        provider: z
          .string()
          .regex(/^[A-Za-z0-9_-]{1,64}$/, "a guardrail's provider must be letters, digits, '_' or '-'")
          .optional(),
        model: z.string().min(1).optional(),
      })
      .strict()
      .optional(),
  })
  .strict()
  .refine((g) => g.code || g.model || g.pattern !== undefined || g.maxChars !== undefined, {
    message: "a guardrail needs pattern, maxChars, model (a model judges it), or code (an agent in code)",
  });

export interface Agents {
  defaultAgent: string;
  agents: Map<string, AgentDefinition>;
  /** Guardrails written in code (agents from a module, see loadAgentSources). */
  code?: CodeGuards;
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
    editableArgs: z.array(z.string().regex(/^[A-Za-z0-9_-]{1,64}$/)).optional(),
    conversation: z.boolean({ error: "conversation must be true or false" }).optional(),
    instructionsInCode: z.literal(true).optional(),
    toolCallHook: z.literal(true).optional(),
    maxOutputTokens: z.number().int("maxOutputTokens must be a whole number").min(1).optional(),
    guardrails: z
      .object({ input: z.array(guardrailSchema).optional(), output: z.array(guardrailSchema).optional() })
      .strict()
      .refine(
        (g) => [g.input, g.output].every((l) => !l || new Set(l.map((x) => x.name)).size === l.length),
        "guardrail names must not repeat within input or within output (a verdict and a check name one)",
      )
      .optional(),
    handoffs: z
      .array(z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, "handoffs: agent names (letters, digits, '_' or '-')"))
      .optional(),
    output: z
      .object({
        schema: z.record(z.string(), z.unknown(), { error: "output.schema must be a JSON Schema object" }),
        name: z
          .string()
          .regex(/^[A-Za-z0-9_-]{1,64}$/, "output.name must be 1-64 letters, digits, '_' or '-'")
          .optional(),
        maxAttempts: z
          .number()
          .int("output.maxAttempts must be a whole number")
          .min(1, "output.maxAttempts must be at least 1")
          .max(10, "output.maxAttempts must be at most 10")
          .optional(),
      })
      .strict()
      .optional(),
  })
  .refine((a) => (a.editableArgs ?? []).every((t) => a.tools.includes(t)), {
    message: "editableArgs names a tool the agent does not have (list it in tools)",
    path: ["editableArgs"],
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
export function parseAgents(text: string, source = "agents file", known: ReadonlySet<string> = new Set()): Agents {
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
    if (a.editableArgs?.length) def.editableArgs = a.editableArgs;
    if (a.conversation) def.conversation = true;
    if (a.instructionsInCode) def.instructionsInCode = true;
    if (a.toolCallHook) def.toolCallHook = true;
    if (a.maxOutputTokens !== undefined) def.maxOutputTokens = a.maxOutputTokens;
    if (a.handoffs?.length) def.handoffs = [...new Set(a.handoffs)];
    if (a.guardrails && (a.guardrails.input?.length || a.guardrails.output?.length)) {
      const clean = (list: z.infer<typeof guardrailSchema>[] | undefined): Guardrail[] | undefined =>
        list?.map(
          (g) => Object.fromEntries(Object.entries(g).filter(([, v]) => v !== undefined)) as unknown as Guardrail,
        );
      def.guardrails = {
        ...(a.guardrails.input?.length ? { input: clean(a.guardrails.input)! } : {}),
        ...(a.guardrails.output?.length ? { output: clean(a.guardrails.output)! } : {}),
      };
    }
    if (a.output !== undefined) {
      const compiled = compileJsonSchema(a.output.schema);
      if (typeof compiled === "string") throw new Error(`${source}: agent ${JSON.stringify(name)}: ${compiled}`);
      def.output = { schema: a.output.schema, ...(a.output.name ? { name: a.output.name } : {}) };
      if (a.output.maxAttempts !== undefined) def.output.maxAttempts = a.output.maxAttempts;
    }
    agents.set(name, def);
  }
  for (const def of agents.values()) {
    for (const to of def.handoffs ?? []) {
      if (!agents.has(to) && !known.has(to))
        throw new Error(
          `${source}: agent ${JSON.stringify(def.name)} hands off to ${JSON.stringify(to)}, which is not defined`,
        );
      if (to === def.name) throw new Error(`${source}: agent ${JSON.stringify(def.name)} hands off to itself`);
    }
    if (def.handoffs?.length && def.tools.includes(HANDOFF_TOOL))
      throw new Error(
        `${source}: agent ${JSON.stringify(def.name)} has handoffs and a tool named ${HANDOFF_TOOL}: that name is the built-in handoff tool's`,
      );
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

/**
 * The agents of the agents file and of an agents module (CAIRN_AGENTS_MODULE: its exports made
 * with `defineAgent`, named or in arrays), checked like the file's; their guardrails in code are
 * the returned `code`. Names must not repeat. The default agent is the file's, else the module's
 * default export (an agent, or the first of an array of them), else its first export by name (a
 * module's exports are listed in name order, not in the order they are written). Without either,
 * the built-in agent.
 */
export async function loadAgentSources(file: string | undefined, module: string | undefined): Promise<Agents> {
  if (!module) return loadAgents(file);
  const spec = module.startsWith(".") || isAbsolute(module) ? pathToFileURL(resolve(module)).href : module;
  let mod: Record<string, unknown>;
  try {
    mod = (await import(spec)) as Record<string, unknown>;
  } catch (err) {
    throw new Error(`agents module ${module}: cannot load it: ${err instanceof Error ? err.message : String(err)}`);
  }
  // (one agent exported under two names, e.g. also as the default export, is one agent)
  const defined = [
    ...new Set(
      Object.values(mod)
        .flatMap((v) => (Array.isArray(v) ? v : [v]))
        .filter(isAgentDefinition),
    ),
  ];
  const defaultExport = [mod["default"]].flat().find(isAgentDefinition);
  if (!defined.length) throw new Error(`agents module ${module}: it exports no agent made with defineAgent`);
  const entries: Record<string, unknown> = {};
  const checks = new Map<string, Map<string, GuardCheck>>();
  const instructions = new Map<string, (ctx: InstructionsContext) => string>();
  const toolCalls = new Map<string, ToolCallHook>();
  for (const a of defined) {
    if (entries[a.name]) throw new Error(`agents module ${module}: two agents named ${JSON.stringify(a.name)}`);
    const { entry, checks: c, instructions: fn, toolCall } = agentFileEntry(a);
    entries[a.name] = entry;
    checks.set(a.name, c);
    if (fn) instructions.set(a.name, fn);
    if (toolCall) toolCalls.set(a.name, toolCall);
  }
  // (handoffs may cross between the two: each is checked knowing the other's names)
  const fileText = file ? readFileSync(file, "utf8") : undefined;
  const fileNames = new Set<string>();
  if (fileText) {
    try {
      for (const n of Object.keys((JSON.parse(fileText) as { agents?: object }).agents ?? {})) fileNames.add(n);
    } catch {
      // parseAgents below reports the file's problem
    }
  }
  const fromModule = parseAgents(
    JSON.stringify({ ...(defaultExport ? { default: defaultExport.name } : {}), agents: entries }),
    `agents module ${module}`,
    fileNames,
  );
  const fromFile = fileText ? parseAgents(fileText, file, new Set(Object.keys(entries))) : undefined;
  const agents = new Map(fromFile?.agents ?? []);
  for (const [name, def] of fromModule.agents) {
    if (agents.has(name))
      throw new Error(`agent ${JSON.stringify(name)} is defined both in ${file} and in the agents module ${module}`);
    agents.set(name, def);
  }
  return {
    defaultAgent: fromFile?.defaultAgent ?? fromModule.defaultAgent,
    agents,
    code: codeGuards(checks, instructions, toolCalls),
  };
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

/** The agents `agent` may hand a run to, followed from agent to agent (each once, `agent` not among them), in order found. */
export function teamOf(agents: Agents, agent: AgentDefinition): AgentDefinition[] {
  const seen = new Set([agent.name]);
  const out: AgentDefinition[] = [];
  const queue = [...(agent.handoffs ?? [])];
  while (queue.length) {
    const name = queue.shift()!;
    const a = agents.agents.get(name);
    if (!a || seen.has(name)) continue;
    seen.add(name);
    out.push(a);
    queue.push(...(a.handoffs ?? []));
  }
  return out;
}
