/**
 * Model providers behind one interface: any OpenAI-compatible Chat Completions server (OpenAI,
 * vLLM, Ollama, llama.cpp server), the Anthropic Messages API, and the deterministic scripted
 * model used by tests and the demo. The HTTP providers stream tokens when given `onToken`.
 */
export type { ModelProvider, ModelResponse, CallOptions } from "./types.js";
export { createOpenAiProvider } from "./openai.js";
export type { OpenAiProviderOptions } from "./openai.js";
export { createAnthropicProvider } from "./anthropic.js";
export type { AnthropicProviderOptions } from "./anthropic.js";
export { parseRetryAfter } from "./http.js";
export { createScriptedProvider } from "./scripted.js";
export type { Script, ScriptTurn, ScriptedProviderOptions } from "./scripted.js";
