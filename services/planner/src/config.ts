import { z } from "zod";
import { commonEnv, parseEnv, toCommonConfig, type CommonConfig } from "@cairn/bus";

export interface PlannerConfig extends CommonConfig {
  /** Path of the agents file (JSON); the built-in default agent when omitted. */
  agentsFile?: string;
  /** Events handled at once by this instance (one at a time per run). */
  concurrency: number;
  /** Runs whose folded state is kept in memory. */
  cacheRuns: number;
  /** Price table for cost budgets (USD per million tokens by model). */
  pricesFile?: string;
}

/** Reads the planner's settings from the environment; throws one ConfigError listing every problem. */
export function loadConfig(env: Record<string, string | undefined>): PlannerConfig {
  const e = parseEnv(
    {
      ...commonEnv,
      CAIRN_AGENTS_FILE: z.string().optional(),
      CAIRN_PLANNER_CONCURRENCY: z.coerce.number().int().min(1).max(10_000).default(64),
      CAIRN_PLANNER_CACHE_RUNS: z.coerce.number().int().min(1).default(10_000),
      CAIRN_PRICES_FILE: z.string().optional(),
    },
    env,
  );
  const c: PlannerConfig = { ...toCommonConfig(e, "planner"), concurrency: e.CAIRN_PLANNER_CONCURRENCY, cacheRuns: e.CAIRN_PLANNER_CACHE_RUNS };
  if (e.CAIRN_AGENTS_FILE) c.agentsFile = e.CAIRN_AGENTS_FILE;
  if (e.CAIRN_PRICES_FILE) c.pricesFile = e.CAIRN_PRICES_FILE;
  return c;
}
