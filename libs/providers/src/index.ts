/**
 * Model providers behind one interface, through the Vercel AI SDK (v5 line): OpenAI and any
 * OpenAI-compatible Chat Completions server (vLLM, Ollama, llama.cpp server, …), Azure OpenAI,
 * the Anthropic Messages API — any number of them, by name, from a providers file — and the
 * deterministic scripted model used by tests and the demo. The HTTP providers stream tokens when
 * given `onToken`; their failures are Cairn's RetryableError or TerminalError (the SDK's own
 * retries are off), and no error message ever carries a key.
 */
export type { ModelProvider, ModelResponse, CallOptions } from "./types.js";
export { createOpenAiProvider, createOpenAiCompatibleProvider, createAzureProvider } from "./openai.js";
export type {
  HttpProviderOptions,
  OpenAiProviderOptions,
  OpenAiCompatibleProviderOptions,
  AzureProviderOptions,
} from "./openai.js";
export { createAnthropicProvider, DEFAULT_ANTHROPIC_MAX_TOKENS } from "./anthropic.js";
export type { AnthropicProviderOptions } from "./anthropic.js";
export {
  createEndpointProvider,
  loadProvidersFile,
  parseProvidersFile,
  PROVIDER_NAME,
  ProvidersFileError,
} from "./endpoints.js";
export type { Endpoint, EndpointLimits, EndpointType, RateBudget } from "./endpoints.js";
export { parseRateLimitHeaders } from "./rate-limits.js";
export type { RateLimitInfo } from "./rate-limits.js";
export { parseRetryAfter } from "./errors.js";
export { routeSdkWarnings } from "./warnings.js";
export type { SdkWarning } from "./warnings.js";
export { createScriptedProvider } from "./scripted.js";
export type { Script, ScriptTurn, ScriptedProviderOptions } from "./scripted.js";
