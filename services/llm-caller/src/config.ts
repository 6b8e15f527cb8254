import { z } from "zod";
import { commonEnv, parseEnv, parseLimits, toCommonConfig, type CommonConfig } from "@cairn/worker";

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

export function loadConfig(env: Record<string, string | undefined>): LlmCallerConfig {
  const e = parseEnv(
    {
      ...commonEnv,
      CAIRN_LLM_CONCURRENCY: z.coerce.number().int().min(1).max(10_000).default(32),
      CAIRN_LLM_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(100).default(4),
      CAIRN_LLM_RETRY_DELAY_MS: z.coerce.number().int().min(0).default(1_000),
      CAIRN_LLM_TIMEOUT_MS: z.coerce.number().int().min(100).default(120_000),
      OPENAI_BASE_URL: z.url().optional(),
      OPENAI_API_KEY: z.string().optional(),
      CAIRN_SCRIPTS_DIR: z.string().optional(),
      CAIRN_LLM_LIMITS: z.string().optional(),
      ANTHROPIC_BASE_URL: z.url().optional(),
      ANTHROPIC_API_KEY: z.string().optional(),
      CAIRN_STREAM_TOKENS: z.enum(["true", "false", "1", "0"]).default("true"),
    },
    env,
  );
  const c: LlmCallerConfig = {
    ...toCommonConfig(e, "llm-caller"),
    concurrency: e.CAIRN_LLM_CONCURRENCY,
    maxAttempts: e.CAIRN_LLM_MAX_ATTEMPTS,
    retryInitialDelayMs: e.CAIRN_LLM_RETRY_DELAY_MS,
    timeoutMs: e.CAIRN_LLM_TIMEOUT_MS,
    providerLimits: parseLimits("CAIRN_LLM_LIMITS", e.CAIRN_LLM_LIMITS),
    streamTokens: e.CAIRN_STREAM_TOKENS === "true" || e.CAIRN_STREAM_TOKENS === "1",
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
