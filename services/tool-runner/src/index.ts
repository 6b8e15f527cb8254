/** The tool-runner: executes tool calls with idempotency keys and records each result once. */
export { startToolRunner, configuredTools, DEFAULT_MAX_IN_FLIGHT } from "./service.js";
export type { ToolRunnerDeps } from "./service.js";
export { loadConfig, toolRunnerEnv } from "./config.js";
export type { ToolRunnerConfig } from "./config.js";
export { createToolHandler } from "./handler.js";
