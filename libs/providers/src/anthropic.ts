import { createAnthropic } from "@ai-sdk/anthropic";
import { createSdkProvider, DEFAULT_TIMEOUT_MS } from "./model-call.js";
import type { HttpProviderOptions } from "./openai.js";
import type { ModelProvider } from "./types.js";

/** Options for {@link createAnthropicProvider}. */
export interface AnthropicProviderOptions extends HttpProviderOptions {
  /**
   * API root (default `https://api.anthropic.com`); requests go to `{baseUrl}/v1/messages` (a
   * `baseUrl` already ending in `/v1` is not doubled).
   */
  baseUrl?: string;
}

/** `max_tokens` of every request when the endpoint sets no `maxOutputTokens` (the API requires one). */
export const DEFAULT_ANTHROPIC_MAX_TOKENS = 4096;

/**
 * The Anthropic Messages API through `@ai-sdk/anthropic`: one `POST {baseUrl}/v1/messages` per
 * call, with `x-api-key` (when a key is set) and `anthropic-version: 2023-06-01` (a `headers`
 * entry overrides it; `anthropic-beta` goes there too).
 *
 * Request: the system messages joined by a blank line are the top-level `system`; user and
 * assistant messages keep their roles; an assistant's tool calls are `tool_use` blocks whose
 * `input` is the recorded arguments' JSON object (`{}` when they are not one: invalid JSON, an
 * array, …); tool results are `tool_result` blocks in a user turn, merged with the user message
 * after them. `max_tokens` is `maxOutputTokens` (default 4096; with extended thinking the SDK adds
 * the thinking budget). Structured output: the Messages API version the SDK speaks has no native
 * form that accepts any schema, so the schema goes into the system prompt (`outputInstructions`).
 *
 * Response: the text blocks joined are the content; `tool_use` blocks the tool calls (thinking
 * blocks are not recorded: extended thinking with tool use, which needs them sent back, is not
 * supported yet); input tokens are `input_tokens` plus cache reads and writes.
 */
export function createAnthropicProvider(opts: AnthropicProviderOptions = {}): ModelProvider {
  const name = opts.name ?? "anthropic";
  const root = (opts.baseUrl ?? "https://api.anthropic.com").replace(/\/+$/, "");
  const base = /\/v1$/.test(root) ? root : `${root}/v1`;
  const settings = {
    baseURL: base,
    apiKey: opts.apiKey ?? "", // never the SDK's own fallback to the ANTHROPIC_API_KEY variable
    ...(opts.headers ? { headers: opts.headers } : {}),
  };
  return createSdkProvider({
    name,
    model: (id, fetch) => createAnthropic({ ...settings, fetch }).messages(id),
    url: `${base}/messages`,
    secrets: [opts.apiKey, ...Object.values(opts.headers ?? {})],
    system: "top",
    output: "instructions",
    usage: "anthropic",
    defaultTimeoutMs: opts.defaultTimeoutMs ?? DEFAULT_TIMEOUT_MS,
    maxOutputTokens: opts.maxOutputTokens ?? DEFAULT_ANTHROPIC_MAX_TOKENS,
    ...(opts.providerOptions ? { providerOptions: { anthropic: opts.providerOptions } } : {}),
  });
}
