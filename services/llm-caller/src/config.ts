import { z } from "zod";
import { commonEnv, envFlag, parseEnv, parseLimits, toCommonConfig, type CommonConfig } from "@cairn/worker";

export interface LlmCallerConfig extends CommonConfig {
  concurrency: number;
  /** Attempts per model call (429/5xx/timeouts are retried with backoff, honouring Retry-After). */
  maxAttempts: number;
  retryInitialDelayMs: number;
  timeoutMs: number;
  /** OpenAI-compatible server (OpenAI, vLLM, Ollama, llama.cpp server). */
  openai?: { baseUrl: string; apiKey?: string };
  /** Anthropic Messages API. */
  anthropic?: { baseUrl: string; apiKey?: string };
  /** Directory of scripted-model scripts (`<model>.json`). */
  scriptsDir?: string;
  /** Stream model output tokens to watchers while calls run (`<prefix>.stream.<runId>.<turn>`). */
  streamTokens: boolean;
  /**
   * Global maximum of model calls in flight per provider, across every llm-caller: the
   * `max_ack_pending` of that provider's consumer (`llm_<provider>`), enforced by JetStream.
   */
  providerLimits: Map<string, number>;
}

/** The llm-caller's environment variables (docs/configuration.md is generated from these). */
export const llmCallerEnv = {
  ...commonEnv,
  CAIRN_LLM_CONCURRENCY: z.coerce
    .number()
    .int()
    .min(1)
    .max(10_000)
    .default(32)
    .describe("model calls an instance makes at once"),
  CAIRN_LLM_MAX_ATTEMPTS: z.coerce
    .number()
    .int()
    .min(1)
    .max(100)
    .default(4)
    .describe("attempts per model call (429, 5xx and timeouts are retried with backoff, Retry-After honoured)"),
  CAIRN_LLM_RETRY_DELAY_MS: z.coerce
    .number()
    .int()
    .min(0)
    .default(1_000)
    .describe("first retry delay of a model call (doubling, at most a minute)"),
  CAIRN_LLM_TIMEOUT_MS: z.coerce.number().int().min(100).default(120_000).describe("time limit of one model call"),
  OPENAI_BASE_URL: z
    .url()
    .optional()
    .describe("an OpenAI-compatible server (OpenAI, vLLM, Ollama, llama.cpp server): the openai provider"),
  OPENAI_API_KEY: z.string().optional().describe("its API key"),
  CAIRN_SCRIPTS_DIR: z
    .string()
    .optional()
    .describe("directory of scripted-model scripts (<model>.json): the scripted provider"),
  CAIRN_LLM_LIMITS: z
    .string()
    .optional()
    .describe("most model calls in flight per provider across all llm-callers (openai=8,anthropic=4)"),
  ANTHROPIC_BASE_URL: z.url().optional().describe("the Anthropic Messages API: the anthropic provider"),
  ANTHROPIC_API_KEY: z.string().optional().describe("its API key"),
  CAIRN_STREAM_TOKENS: envFlag(true).describe(
    "stream model output tokens to watchers while calls run (<prefix>.stream.<runId>.<turn>)",
  ),
};

export function loadConfig(env: Record<string, string | undefined>): LlmCallerConfig {
  const e = parseEnv(llmCallerEnv, env);
  const c: LlmCallerConfig = {
    ...toCommonConfig(e, "llm-caller"),
    concurrency: e.CAIRN_LLM_CONCURRENCY,
    maxAttempts: e.CAIRN_LLM_MAX_ATTEMPTS,
    retryInitialDelayMs: e.CAIRN_LLM_RETRY_DELAY_MS,
    timeoutMs: e.CAIRN_LLM_TIMEOUT_MS,
    providerLimits: parseLimits("CAIRN_LLM_LIMITS", e.CAIRN_LLM_LIMITS),
    streamTokens: e.CAIRN_STREAM_TOKENS,
  };
  if (e.ANTHROPIC_BASE_URL || e.ANTHROPIC_API_KEY) {
    c.anthropic = { baseUrl: e.ANTHROPIC_BASE_URL ?? "https://api.anthropic.com" };
    if (e.ANTHROPIC_API_KEY) c.anthropic.apiKey = e.ANTHROPIC_API_KEY;
  }
  if (e.OPENAI_BASE_URL || e.OPENAI_API_KEY) {
    c.openai = { baseUrl: e.OPENAI_BASE_URL ?? "https://api.openai.com/v1" };
    if (e.OPENAI_API_KEY) c.openai.apiKey = e.OPENAI_API_KEY;
  }
  if (e.CAIRN_SCRIPTS_DIR) c.scriptsDir = e.CAIRN_SCRIPTS_DIR;
  return c;
}
