import { readFileSync } from "node:fs";
import { z } from "zod";
import type { JSONValue } from "ai";
import { createAnthropicProvider } from "./anthropic.js";
import { createAzureProvider, createOpenAiCompatibleProvider, createOpenAiProvider } from "./openai.js";
import type { ModelProvider } from "./types.js";

/**
 * The providers file: the model endpoints an llm-caller serves, by name. A name is what an
 * agent's `provider` says (a subject token: `^[A-Za-z0-9_-]{1,64}$`); "scripted" is the built-in
 * scripted model and cannot be redefined.
 *
 * ```json
 * { "providers": {
 *     "openai": { "type": "openai", "apiKeyEnv": "OPENAI_API_KEY", "providerOptions": { "reasoningEffort": "low" } },
 *     "vllm-a": { "type": "openai-compatible", "baseUrl": "http://10.0.0.5:8000/v1", "maxConcurrent": 8 },
 *     "ollama": { "type": "openai-compatible", "baseUrl": "http://localhost:11434/v1", "timeoutMs": 300000 },
 *     "claude": { "type": "anthropic", "apiKeyEnv": "ANTHROPIC_API_KEY", "maxOutputTokens": 8192,
 *                 "providerOptions": { "thinking": { "type": "enabled", "budgetTokens": 2048 } } },
 *     "azure":  { "type": "azure", "resourceName": "acme-openai", "apiKeyEnv": "AZURE_OPENAI_API_KEY" } } }
 * ```
 *
 * Every endpoint may have: `baseUrl`; `apiKeyEnv` (the NAME of the environment variable holding
 * its key: keys are never written in the file, and a key field is refused); `headers` (plain
 * values) and `headersFromEnv` (header → variable name, for secret header values); `timeoutMs`
 * (one call's time limit, default CAIRN_LLM_TIMEOUT_MS); `maxConcurrent` (the most calls in flight
 * to it across all llm-callers: its work queue's max_ack_pending, as CAIRN_LLM_LIMITS, which wins
 * when it names the endpoint too); `maxOutputTokens`; `providerOptions` (the AI SDK's provider
 * options of every call: OpenAI/Azure `reasoningEffort`, Anthropic `thinking`, …; for an
 * OpenAI-compatible server, fields the SDK does not know are sent in the request body). Per type:
 * `openai-compatible` needs `baseUrl` and may say `"structuredOutputs": false`; `azure` needs
 * `resourceName` or `baseUrl` and may give `apiVersion`.
 *
 * `limits` turns on token-aware admission for the endpoint (see {@link EndpointLimits}):
 * `"limits": { "tpm": 200000, "rpm": 500, "models": { "gpt-4o-mini": { "tpm": 2000000 } } }`.
 */
export type EndpointType = "openai" | "openai-compatible" | "anthropic" | "azure";

/** One endpoint of the providers file, its key and secret headers read from the environment. */
export interface Endpoint {
  type: EndpointType;
  baseUrl?: string;
  apiKey?: string;
  headers?: Record<string, string>;
  timeoutMs?: number;
  maxConcurrent?: number;
  maxOutputTokens?: number;
  /** Requests and tokens per window (a minute) for each model, shared by every llm-caller; unset: no admission. */
  limits?: EndpointLimits;
  providerOptions?: Record<string, JSONValue>;
  /** openai-compatible only. */
  structuredOutputs?: boolean;
  /** azure only. */
  resourceName?: string;
  apiVersion?: string;
}

/** A budget: requests and tokens per window (both optional: an empty one only learns from the provider's headers). */
export interface RateBudget {
  /** Requests per window. */
  rpm?: number;
  /** Tokens (input + output) per window. */
  tpm?: number;
}

/**
 * An endpoint's admission limits: each model has its own budget per API key (as providers count
 * them), `rpm`/`tpm` here unless `models` names it. Every llm-caller shares the budgets (a KV
 * bucket); the provider's rate-limit headers can lower them, never raise them.
 */
export interface EndpointLimits extends RateBudget {
  /** A model's own budget (its unset fields are the endpoint's). */
  models?: Record<string, RateBudget>;
  /** The window the budgets count (default 60000: per minute); shorter only for tests. */
  windowMs?: number;
  /** Output tokens reserved per call before its usage is known (default: the agent's maxOutputTokens, else the endpoint's, else 512). */
  outputTokens?: number;
}

/** A provider name: an agent's `provider`, a subject token. */
export const PROVIDER_NAME = /^[A-Za-z0-9_-]{1,64}$/;

/** Thrown for a providers file that cannot be used, with every problem, each naming the file and the field. */
export class ProvidersFileError extends Error {
  override readonly name = "ProvidersFileError";
  readonly retryable = false;
}

const envName = z
  .string()
  .regex(
    /^[A-Za-z_][A-Za-z0-9_]*$/,
    "must be the name of an environment variable (the key itself never goes in the file)",
  );
const headerName = z.string().regex(/^[A-Za-z0-9!#$%&'*+.^_`|~-]+$/, "must be an HTTP header name");
const httpUrl = z.url({ protocol: /^https?$/, error: "must be an http(s) URL" });
const json = z.record(z.string(), z.json());

const common = {
  baseUrl: httpUrl.optional(),
  apiKeyEnv: envName.optional(),
  headers: z.record(headerName, z.string()).optional(),
  headersFromEnv: z.record(headerName, envName).optional(),
  timeoutMs: z.int().min(100).optional(),
  maxConcurrent: z.int().min(1).max(1_000_000).optional(),
  maxOutputTokens: z.int().min(1).optional(),
  limits: z
    .strictObject({
      rpm: z.int().min(1, "rpm must be at least 1 request per window").optional(),
      tpm: z.int().min(1, "tpm must be at least 1 token per window").optional(),
      models: z
        .record(z.string().min(1), z.strictObject({ rpm: z.int().min(1).optional(), tpm: z.int().min(1).optional() }))
        .optional(),
      windowMs: z.int().min(1_000, "windowMs must be at least 1000 (a second)").max(3_600_000).optional(),
      outputTokens: z.int().min(0).optional(),
    })
    .optional(),
};

// The reasoning options are checked here, at start; the rest of providerOptions is checked by the SDK at the first call.
const openAiOptions = z.looseObject({
  reasoningEffort: z.enum(["none", "minimal", "low", "medium", "high", "xhigh", "max"]).optional(),
});
const anthropicOptions = z.looseObject({
  thinking: z
    .union([
      z.strictObject({ type: z.literal("enabled"), budgetTokens: z.int().min(1024) }),
      z.strictObject({ type: z.enum(["disabled", "adaptive"]) }),
    ])
    .optional(),
});

const endpointSchema = z.discriminatedUnion(
  "type",
  [
    z.strictObject({ type: z.literal("openai"), ...common, providerOptions: openAiOptions.optional() }),
    z.strictObject({
      type: z.literal("openai-compatible"),
      ...common,
      baseUrl: httpUrl,
      structuredOutputs: z.boolean().optional(),
      providerOptions: json.optional(),
    }),
    z.strictObject({ type: z.literal("anthropic"), ...common, providerOptions: anthropicOptions.optional() }),
    z
      .strictObject({
        type: z.literal("azure"),
        ...common,
        resourceName: z
          .string()
          .regex(/^[A-Za-z0-9][A-Za-z0-9-]{0,62}$/, "must be an Azure resource name")
          .optional(),
        apiVersion: z.string().min(1).optional(),
        providerOptions: openAiOptions.optional(),
      })
      .refine((e) => (e.resourceName === undefined) !== (e.baseUrl === undefined), {
        message: "give resourceName or baseUrl (one of them)",
        path: ["resourceName"],
      }),
  ],
  { error: 'type must be "openai", "openai-compatible", "anthropic" or "azure"' },
);

const fileSchema = z.strictObject({
  providers: z.record(
    z
      .string()
      .regex(PROVIDER_NAME, "a provider name is 1-64 letters, digits, '_' or '-'")
      .refine((n) => n !== "scripted", '"scripted" is the built-in scripted model'),
    endpointSchema,
  ),
});

/** Fields that would put a secret in the file. */
const SECRET_FIELDS = ["apiKey", "api_key", "key", "token", "password", "secret"];
const CREDENTIAL_HEADERS = new Set(["authorization", "proxy-authorization", "x-api-key", "api-key", "cookie"]);

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null;

/** Where a file puts a secret in itself: a key field, or a credential header's value. */
function inlineSecrets(raw: unknown): string[] {
  const out: string[] = [];
  const providers = isRecord(raw) ? raw["providers"] : undefined;
  if (!isRecord(providers)) return out;
  for (const [name, e] of Object.entries(providers)) {
    if (!isRecord(e)) continue;
    for (const f of SECRET_FIELDS)
      if (f in e)
        out.push(
          `providers.${name}.${f}: secrets never go in the file: put the key in an environment variable and name it in apiKeyEnv`,
        );
    const headers = e["headers"];
    if (isRecord(headers))
      for (const h of Object.keys(headers))
        if (CREDENTIAL_HEADERS.has(h.toLowerCase()))
          out.push(
            `providers.${name}.headers.${h}: a credential's value never goes in the file: name its environment variable in headersFromEnv`,
          );
  }
  return out;
}

/**
 * Parses and checks a providers file's text; `env` gives the keys (`apiKeyEnv`) and secret
 * headers (`headersFromEnv`). Throws a ProvidersFileError listing every problem, each as
 * `<file>: providers.<name>.<field>: <what is wrong>`.
 */
export function parseProvidersFile(
  text: string,
  file: string,
  env: Record<string, string | undefined>,
): Map<string, Endpoint> {
  const fail = (problems: string[]): never => {
    throw new ProvidersFileError(`invalid providers file ${file}:\n${problems.map((p) => `  ${p}`).join("\n")}`);
  };
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    fail([`not JSON: ${(err as Error).message}`]);
  }
  const problems: string[] = [];
  // A secret written into the file is named first, with what to do instead.
  problems.push(...inlineSecrets(raw));
  if (problems.length > 0) fail(problems);
  const r = fileSchema.safeParse(raw);
  if (!r.success)
    fail(
      r.error.issues.map((i) => {
        // A bad provider name: the key check's own message, not zod's "Invalid key in record".
        const message = i.code === "invalid_key" ? (i.issues[0]?.message ?? i.message) : i.message;
        return `${i.path.join(".") || "(file)"}: ${message}`;
      }),
    );
  const parsed = r.success ? r.data : undefined;

  const out = new Map<string, Endpoint>();
  for (const [name, e] of Object.entries(parsed?.providers ?? {})) {
    const at = `providers.${name}`;
    const fromEnv = (field: string, variable: string): string | undefined => {
      const v = env[variable];
      if (v === undefined || v === "") problems.push(`${at}.${field}: the environment variable ${variable} is not set`);
      return v;
    };
    const { apiKeyEnv, headersFromEnv, headers, ...rest } = e;
    const endpoint: Endpoint = { ...rest } as Endpoint;
    if (apiKeyEnv !== undefined) {
      const key = fromEnv("apiKeyEnv", apiKeyEnv);
      if (key) endpoint.apiKey = key;
    }
    const allHeaders: Record<string, string> = { ...headers };
    for (const [h, variable] of Object.entries(headersFromEnv ?? {})) {
      const v = fromEnv(`headersFromEnv.${h}`, variable);
      if (v) allHeaders[h] = v;
    }
    if (Object.keys(allHeaders).length > 0) endpoint.headers = allHeaders;
    out.set(name, endpoint);
  }
  if (problems.length > 0) fail(problems);
  return out;
}

/** Reads and parses a providers file (see {@link parseProvidersFile}). */
export function loadProvidersFile(file: string, env: Record<string, string | undefined>): Map<string, Endpoint> {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (err) {
    throw new ProvidersFileError(`cannot read the providers file ${file}: ${(err as Error).message}`);
  }
  return parseProvidersFile(text, file, env);
}

/** The provider for an endpoint, named `name`; `defaultTimeoutMs` applies when the endpoint sets no `timeoutMs`. */
export function createEndpointProvider(
  name: string,
  e: Endpoint,
  o: { defaultTimeoutMs?: number } = {},
): ModelProvider {
  const timeout = e.timeoutMs ?? o.defaultTimeoutMs;
  const base = {
    name,
    ...(e.apiKey !== undefined ? { apiKey: e.apiKey } : {}),
    ...(e.headers ? { headers: e.headers } : {}),
    ...(timeout !== undefined ? { defaultTimeoutMs: timeout } : {}),
    ...(e.maxOutputTokens !== undefined ? { maxOutputTokens: e.maxOutputTokens } : {}),
    ...(e.providerOptions ? { providerOptions: e.providerOptions } : {}),
    ...(e.baseUrl !== undefined ? { baseUrl: e.baseUrl } : {}),
  };
  switch (e.type) {
    case "openai":
      return createOpenAiProvider(base);
    case "openai-compatible":
      return createOpenAiCompatibleProvider({
        ...base,
        baseUrl: e.baseUrl ?? "",
        ...(e.structuredOutputs !== undefined ? { structuredOutputs: e.structuredOutputs } : {}),
      });
    case "anthropic":
      return createAnthropicProvider(base);
    case "azure":
      return createAzureProvider({
        ...base,
        ...(e.resourceName !== undefined ? { resourceName: e.resourceName } : {}),
        ...(e.apiVersion !== undefined ? { apiVersion: e.apiVersion } : {}),
      });
  }
}
