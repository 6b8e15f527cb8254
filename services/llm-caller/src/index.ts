/** The llm-caller: rebuilds each turn's prompt from the log, calls the model, records the response once. */
export { startLlmCaller, configuredProviders, DEFAULT_MAX_IN_FLIGHT } from "./service.js";
export type { LlmCallerDeps } from "./service.js";
export { loadConfig, llmCallerEnv } from "./config.js";
export type { LlmCallerConfig } from "./config.js";
export { createLlmHandler } from "./handler.js";
