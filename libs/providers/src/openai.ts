import { createAzure } from "@ai-sdk/azure";
import { createOpenAI } from "@ai-sdk/openai";
import { createOpenAICompatible, type OpenAICompatibleProviderSettings } from "@ai-sdk/openai-compatible";
import type { JSONValue } from "ai";
import { createSdkProvider, DEFAULT_TIMEOUT_MS } from "./model-call.js";
import type { ModelProvider } from "./types.js";

/** What every HTTP provider takes. */
export interface HttpProviderOptions {
  /** The provider's name (the agent's `provider`; first word of every error message). */
  name?: string;
  /** Sent as the API's credential header; never included in error messages, in any form. */
  apiKey?: string;
  /** Extra request headers (an organisation, a gateway's own header); their values are redacted from error messages too. */
  headers?: Record<string, string>;
  /** Time limit per call in ms when the call gives no `timeoutMs` (default 60000). */
  defaultTimeoutMs?: number;
  /** The most tokens an answer may have (`max_tokens`); sent only when set, except to Anthropic (default 4096). */
  maxOutputTokens?: number;
  /**
   * The AI SDK's provider options of every call, for this provider's SDK package: e.g.
   * `{ reasoningEffort: "low" }` (OpenAI, Azure), `{ thinking: { type: "enabled", budgetTokens: 2048 } }`
   * (Anthropic); for an OpenAI-compatible server, keys the SDK does not know are sent as body fields.
   */
  providerOptions?: Record<string, JSONValue>;
}

/** Options for {@link createOpenAiCompatibleProvider}. */
export interface OpenAiCompatibleProviderOptions extends HttpProviderOptions {
  /**
   * API root including the version segment, e.g. `http://10.0.0.5:8000/v1` (vLLM),
   * `http://localhost:11434/v1` (Ollama). A query string is kept and sent with every request
   * (e.g. `?api-version=…`); its values are redacted from error messages.
   */
  baseUrl: string;
  /**
   * Whether the server takes `response_format: { type: "json_schema", … }` (default true: vLLM,
   * Ollama, llama.cpp server and OpenAI do). When false, an agent's output schema goes into the
   * system prompt instead.
   */
  structuredOutputs?: boolean;
}

/** The base URL without its query string, and the query's parameters. */
function splitQuery(baseUrl: string): { base: string; query?: Record<string, string> } {
  const at = baseUrl.indexOf("?");
  if (at < 0) return { base: baseUrl.replace(/\/+$/, "") };
  const query = Object.fromEntries(new URLSearchParams(baseUrl.slice(at + 1)));
  return { base: baseUrl.slice(0, at).replace(/\/+$/, ""), query };
}

function secretsOf(o: HttpProviderOptions): (string | undefined)[] {
  return [o.apiKey, ...Object.values(o.headers ?? {})];
}

/**
 * Any OpenAI-compatible Chat Completions server (vLLM, Ollama, llama.cpp server, LM Studio, a
 * gateway, OpenAI itself) through `@ai-sdk/openai-compatible`: one `POST {baseUrl}/chat/completions`
 * per call, `Authorization: Bearer <apiKey>` when a key is set. Streaming asks for usage
 * (`stream_options.include_usage`). Structured output is asked for natively
 * (`response_format: { type: "json_schema", json_schema: { name, schema, strict: false } }`: not
 * strict mode, which accepts only a subset of JSON Schema; Cairn checks the answer against the
 * whole schema anyway) unless `structuredOutputs` is false. This is the provider the
 * OPENAI_BASE_URL / OPENAI_API_KEY variables configure (named "openai"). Errors as model-call.ts says.
 */
export function createOpenAiCompatibleProvider(opts: OpenAiCompatibleProviderOptions): ModelProvider {
  const name = opts.name ?? "openai";
  const { base, query } = splitQuery(opts.baseUrl);
  const structured = opts.structuredOutputs ?? true;
  const settings: OpenAICompatibleProviderSettings = {
    name,
    baseURL: base,
    ...(opts.apiKey ? { apiKey: opts.apiKey } : {}),
    ...(opts.headers ? { headers: opts.headers } : {}),
    ...(query ? { queryParams: query } : {}),
    includeUsage: true,
    supportsStructuredOutputs: structured,
    // The SDK leaves `strict` out; Cairn says non-strict explicitly (see above).
    transformRequestBody: (body: Record<string, unknown>) => {
      const rf = body["response_format"];
      if (typeof rf !== "object" || rf === null || !("json_schema" in rf)) return body;
      const js = (rf as { json_schema: Record<string, unknown> }).json_schema;
      return { ...body, response_format: { ...rf, json_schema: { ...js, strict: false } } };
    },
  };
  return createSdkProvider({
    name,
    model: (id, fetch) => createOpenAICompatible({ ...settings, fetch }).chatModel(id),
    url: `${base}/chat/completions`,
    secrets: [...secretsOf(opts), ...Object.values(query ?? {})],
    system: "inline",
    output: structured ? "native" : "instructions",
    usage: "openai",
    defaultTimeoutMs: opts.defaultTimeoutMs ?? DEFAULT_TIMEOUT_MS,
    ...(opts.maxOutputTokens !== undefined ? { maxOutputTokens: opts.maxOutputTokens } : {}),
    ...(opts.providerOptions ? { providerOptions: { [name]: opts.providerOptions } } : {}),
  });
}

/** Options for {@link createOpenAiProvider}. */
export interface OpenAiProviderOptions extends HttpProviderOptions {
  /** API root including the version segment (default `https://api.openai.com/v1`). */
  baseUrl?: string;
}

/**
 * The OpenAI API's Chat Completions through `@ai-sdk/openai` (its chat model, not the Responses
 * API): what OpenAI's own models need that a generic server does not — reasoning options
 * (`providerOptions.reasoningEffort`), the `developer` role and `max_completion_tokens` for
 * reasoning models, and the SDK's checks of OpenAI's answers. Structured output natively
 * (`response_format: json_schema`, `strict: false`); tools are sent with `strict: false`.
 */
export function createOpenAiProvider(opts: OpenAiProviderOptions = {}): ModelProvider {
  const name = opts.name ?? "openai";
  const base = (opts.baseUrl ?? "https://api.openai.com/v1").replace(/\/+$/, "");
  const settings: OpenAICompatibleProviderSettings = {
    name,
    baseURL: base,
    apiKey: opts.apiKey ?? "", // never the SDK's own fallback to the OPENAI_API_KEY variable
    ...(opts.headers ? { headers: opts.headers } : {}),
  };
  return createSdkProvider({
    name,
    model: (id, fetch) => createOpenAI({ ...settings, fetch }).chat(id),
    url: `${base}/chat/completions`,
    secrets: secretsOf(opts),
    system: "inline",
    output: "native",
    usage: "openai",
    defaultTimeoutMs: opts.defaultTimeoutMs ?? DEFAULT_TIMEOUT_MS,
    ...(opts.maxOutputTokens !== undefined ? { maxOutputTokens: opts.maxOutputTokens } : {}),
    ...(opts.providerOptions ? { providerOptions: { openai: opts.providerOptions } } : {}),
  });
}

function safeHost(url: string): string {
  try {
    return new URL(url).hostname;
  } catch {
    return "";
  }
}

/** Options for {@link createAzureProvider}: the resource name or the base URL. */
export interface AzureProviderOptions extends HttpProviderOptions {
  /** The Azure OpenAI resource: requests go to `https://<resourceName>.openai.azure.com/openai/v1/…`. */
  resourceName?: string;
  /** Instead of `resourceName`: the API root, e.g. `https://<resource>.openai.azure.com/openai`. */
  baseUrl?: string;
  /** The `api-version` query parameter (default "v1", the versionless v1 API). */
  apiVersion?: string;
}

/**
 * Azure OpenAI's Chat Completions through `@ai-sdk/azure` (`api-key` header; the agent's `model`
 * is the deployment name): `https://<resourceName>.openai.azure.com/openai/v1/chat/completions?api-version=<apiVersion>`;
 * a `baseUrl` on another host (a gateway in front of Azure) is used as it is. Otherwise as
 * {@link createOpenAiProvider}.
 */
export function createAzureProvider(opts: AzureProviderOptions): ModelProvider {
  const name = opts.name ?? "azure";
  const settings = {
    ...(opts.resourceName !== undefined ? { resourceName: opts.resourceName } : {}),
    ...(opts.baseUrl !== undefined ? { baseURL: opts.baseUrl.replace(/\/+$/, "") } : {}),
    ...(opts.apiVersion !== undefined ? { apiVersion: opts.apiVersion } : {}),
    apiKey: opts.apiKey ?? "", // never the SDK's own fallback to the AZURE_API_KEY variable
    ...(opts.headers ? { headers: opts.headers } : {}),
  };
  // As the SDK builds it: an Azure host gets /v1 (unless its path has it); another host (a gateway) is used as given.
  const root = (opts.baseUrl ?? `https://${opts.resourceName ?? "resource"}.openai.azure.com/openai`).replace(
    /\/+$/,
    "",
  );
  const azureHost = /\.(openai|services\.ai|cognitiveservices)\.azure\.com$/i.test(safeHost(root));
  const url = azureHost && !/\/openai\/v1$/i.test(root) ? `${root}/v1/chat/completions` : `${root}/chat/completions`;
  return createSdkProvider({
    name,
    model: (id, fetch) => createAzure({ ...settings, fetch }).chat(id),
    url,
    secrets: secretsOf(opts),
    system: "inline",
    output: "native",
    usage: "openai",
    defaultTimeoutMs: opts.defaultTimeoutMs ?? DEFAULT_TIMEOUT_MS,
    ...(opts.maxOutputTokens !== undefined ? { maxOutputTokens: opts.maxOutputTokens } : {}),
    // @ai-sdk/azure's chat model reads the OpenAI options.
    ...(opts.providerOptions ? { providerOptions: { openai: opts.providerOptions } } : {}),
  });
}
