import { z } from "zod";
import { loadProvidersFile, type Endpoint } from "@cairn/providers";
import {
  commonEnv,
  ConfigError,
  envFlag,
  parseEnv,
  parseLimits,
  toCommonConfig,
  type CommonConfig,
} from "@cairn/worker";

export interface LlmCallerConfig extends CommonConfig {
  concurrency: number;
  /** Attempts per model call (429/5xx/timeouts are retried with backoff, honouring Retry-After). */
  maxAttempts: number;
  retryInitialDelayMs: number;
  /** Time limit of one model call, for endpoints that set none of their own. */
  timeoutMs: number;
  /**
   * The model endpoints by provider name: those of CAIRN_PROVIDERS_FILE, or without it those of
   * OPENAI_BASE_URL / OPENAI_API_KEY ("openai", any OpenAI-compatible server) and
   * ANTHROPIC_BASE_URL / ANTHROPIC_API_KEY ("anthropic"). The scripted model is always there too.
   */
  endpoints: Map<string, Endpoint>;
  /** Directory of scripted-model scripts (`<model>.json`). */
  scriptsDir?: string;
  /** Stream model output tokens to watchers while calls run (`<prefix>.stream.<runId>.<turn>`). */
  streamTokens: boolean;
  /**
   * Global maximum of model calls in flight per provider, across every llm-caller: the
   * `max_ack_pending` of that provider's consumer (`llm_<provider>`), enforced by JetStream. From
   * the endpoints' `maxConcurrent`, and CAIRN_LLM_LIMITS, which wins for the providers it names.
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
  CAIRN_LLM_TIMEOUT_MS: z.coerce
    .number()
    .int()
    .min(100)
    .default(120_000)
    .describe("time limit of one model call (an endpoint of the providers file may set its own)"),
  CAIRN_PROVIDERS_FILE: z
    .string()
    .optional()
    .describe(
      "providers file (JSON): any number of model endpoints by provider name (openai, openai-compatible, anthropic, azure), each with its key's variable name, limits, headers and options (docs/usage.md); instead of the OPENAI_* and ANTHROPIC_* endpoints",
    ),
  OPENAI_BASE_URL: z
    .url()
    .optional()
    .describe(
      "without a providers file: an OpenAI-compatible server (OpenAI, vLLM, Ollama, llama.cpp server): the openai provider",
    ),
  OPENAI_API_KEY: z.string().optional().describe("its API key"),
  CAIRN_SCRIPTS_DIR: z
    .string()
    .optional()
    .describe("directory of scripted-model scripts (<model>.json): the scripted provider"),
  CAIRN_LLM_LIMITS: z
    .string()
    .optional()
    .describe(
      "most model calls in flight per provider across all llm-callers (openai=8,anthropic=4); wins over a providers file's maxConcurrent",
    ),
  ANTHROPIC_BASE_URL: z
    .url()
    .optional()
    .describe("without a providers file: the Anthropic Messages API: the anthropic provider"),
  ANTHROPIC_API_KEY: z.string().optional().describe("its API key"),
  CAIRN_STREAM_TOKENS: envFlag(true).describe(
    "stream model output tokens to watchers while calls run (<prefix>.stream.<runId>.<turn>)",
  ),
};

export function loadConfig(env: Record<string, string | undefined>): LlmCallerConfig {
  const e = parseEnv(llmCallerEnv, env);
  const endpoints = configuredEndpoints(e, env);
  const limits = new Map<string, number>();
  for (const [name, ep] of endpoints) if (ep.maxConcurrent !== undefined) limits.set(name, ep.maxConcurrent);
  for (const [name, n] of parseLimits("CAIRN_LLM_LIMITS", e.CAIRN_LLM_LIMITS)) limits.set(name, n);
  const c: LlmCallerConfig = {
    ...toCommonConfig(e, "llm-caller"),
    concurrency: e.CAIRN_LLM_CONCURRENCY,
    maxAttempts: e.CAIRN_LLM_MAX_ATTEMPTS,
    retryInitialDelayMs: e.CAIRN_LLM_RETRY_DELAY_MS,
    timeoutMs: e.CAIRN_LLM_TIMEOUT_MS,
    endpoints,
    providerLimits: limits,
    streamTokens: e.CAIRN_STREAM_TOKENS,
  };
  if (e.CAIRN_SCRIPTS_DIR) c.scriptsDir = e.CAIRN_SCRIPTS_DIR;
  return c;
}

/** The endpoints of the providers file, or else of the OPENAI_* and ANTHROPIC_* variables. */
function configuredEndpoints(
  e: z.infer<z.ZodObject<typeof llmCallerEnv>>,
  env: Record<string, string | undefined>,
): Map<string, Endpoint> {
  if (e.CAIRN_PROVIDERS_FILE) {
    const both = (["OPENAI_BASE_URL", "ANTHROPIC_BASE_URL"] as const).filter((v) => e[v] !== undefined);
    if (both.length > 0)
      throw new ConfigError(
        `invalid configuration:\n${both.map((v) => `  ${v}: not used with CAIRN_PROVIDERS_FILE: name the endpoint in the providers file`).join("\n")}`,
      );
    try {
      return loadProvidersFile(e.CAIRN_PROVIDERS_FILE, env);
    } catch (err) {
      const message = (err as Error).message.replace(/\n/g, "\n  ");
      throw new ConfigError(`invalid configuration:\n  CAIRN_PROVIDERS_FILE: ${message}`, { cause: err });
    }
  }
  const m = new Map<string, Endpoint>();
  if (e.OPENAI_BASE_URL || e.OPENAI_API_KEY)
    m.set("openai", {
      type: "openai-compatible",
      baseUrl: e.OPENAI_BASE_URL ?? "https://api.openai.com/v1",
      ...(e.OPENAI_API_KEY ? { apiKey: e.OPENAI_API_KEY } : {}),
    });
  if (e.ANTHROPIC_BASE_URL || e.ANTHROPIC_API_KEY)
    m.set("anthropic", {
      type: "anthropic",
      baseUrl: e.ANTHROPIC_BASE_URL ?? "https://api.anthropic.com",
      ...(e.ANTHROPIC_API_KEY ? { apiKey: e.ANTHROPIC_API_KEY } : {}),
    });
  return m;
}
