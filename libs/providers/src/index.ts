/**
 * Model providers behind one interface: any OpenAI-compatible Chat Completions server (OpenAI,
 * vLLM, Ollama, llama.cpp server) and the deterministic scripted model used by tests and the demo.
 */
export type { ModelProvider, ModelResponse, CallOptions } from "./types.js";
export { createOpenAiProvider, parseRetryAfter } from "./openai.js";
export type { OpenAiProviderOptions } from "./openai.js";
export { createScriptedProvider } from "./scripted.js";
export type { Script, ScriptTurn, ScriptedProviderOptions } from "./scripted.js";
