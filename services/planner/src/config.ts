import { z } from "zod";
import { DEFAULT_RUN_CACHE, type RunCacheBounds } from "@cairn/runlog";
import { commonEnv, parseEnv, toCommonConfig, type CommonConfig } from "@cairn/worker";

export interface PlannerConfig extends CommonConfig {
  /** Path of the agents file (JSON); the built-in default agent when omitted. */
  agentsFile?: string;
  /** Agents in code (defineAgent): a module path or package name. */
  agentsModule?: string;
  /** Events handled at once by this instance (one at a time per run). */
  concurrency: number;
  /** Folded run states kept in memory: at most this many runs and about this many bytes (least recently used go first). */
  cache: RunCacheBounds;
  /** Price table for cost budgets (USD per million tokens by model). */
  pricesFile?: string;
  /** Roles of tenants' users (JSON, see access.ts); without it every tenant user has every role in its own tenant. */
  accessFile?: string;
  /** Largest task and metadata a submission may carry (bytes). */
  apiLimits: { taskBytes: number; metadataBytes: number };
}

/** The planner's environment variables (docs/configuration.md is generated from these). */
export const plannerEnv = {
  ...commonEnv,
  CAIRN_AGENTS_FILE: z.string().optional().describe("agents file (JSON); the built-in default agent when unset"),
  CAIRN_AGENTS_MODULE: z
    .string()
    .optional()
    .describe(
      "agents in code: a JavaScript module (compiled TypeScript, or a package name) whose exports made with defineAgent are agents, next to the agents file's",
    ),
  CAIRN_PLANNER_CONCURRENCY: z.coerce
    .number()
    .int()
    .min(1)
    .max(10_000)
    .default(64)
    .describe("events an instance handles at once (one at a time per run)"),
  CAIRN_PLANNER_CACHE_RUNS: z.coerce
    .number()
    .int()
    .min(1)
    .default(DEFAULT_RUN_CACHE.runs)
    .describe(
      "folded run states kept in memory, at most this many runs (least recently used go first; a run not kept costs one read of its log at its next event)",
    ),
  CAIRN_PLANNER_CACHE_MB: z.coerce
    .number()
    .int()
    .min(1)
    .default(DEFAULT_RUN_CACHE.bytes / (1024 * 1024))
    .describe("and at most about this many MiB of folded entries"),
  CAIRN_PRICES_FILE: z.string().optional().describe("price table for cost budgets (USD per million tokens by model)"),
  CAIRN_ACCESS_FILE: z
    .string()
    .optional()
    .describe(
      "tenants' users' roles (see docs/security.md); without it every tenant user has every role in its tenant",
    ),
  CAIRN_MAX_TASK_BYTES: z.coerce
    .number()
    .int()
    .min(1)
    .default(64 * 1024)
    .describe("largest task a submission may carry"),
  CAIRN_MAX_METADATA_BYTES: z.coerce
    .number()
    .int()
    .min(0)
    .default(16 * 1024)
    .describe("largest metadata a submission may carry"),
};

/** Reads the planner's settings from the environment; throws one ConfigError listing every problem. */
export function loadConfig(env: Record<string, string | undefined>): PlannerConfig {
  const e = parseEnv(plannerEnv, env);
  const c: PlannerConfig = {
    ...toCommonConfig(e, "planner"),
    concurrency: e.CAIRN_PLANNER_CONCURRENCY,
    cache: { runs: e.CAIRN_PLANNER_CACHE_RUNS, bytes: e.CAIRN_PLANNER_CACHE_MB * 1024 * 1024 },
    apiLimits: { taskBytes: e.CAIRN_MAX_TASK_BYTES, metadataBytes: e.CAIRN_MAX_METADATA_BYTES },
  };
  if (e.CAIRN_AGENTS_FILE) c.agentsFile = e.CAIRN_AGENTS_FILE;
  if (e.CAIRN_AGENTS_MODULE) c.agentsModule = e.CAIRN_AGENTS_MODULE;
  if (e.CAIRN_PRICES_FILE) c.pricesFile = e.CAIRN_PRICES_FILE;
  if (e.CAIRN_ACCESS_FILE) c.accessFile = e.CAIRN_ACCESS_FILE;
  return c;
}
