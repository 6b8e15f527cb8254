/**
 * @cairn/tools — defining tools for Cairn agents, validating their arguments, loading them from
 * user modules, and the built-in tools (workspace files, sleep, and opt-in http_fetch and shell).
 *
 * ```ts
 * import { defineTool, ToolRegistry, builtinTools } from "@cairn/tools";
 * const registry = new ToolRegistry([...builtinTools({ httpAllowHosts: ["api.example.com"] }), myTool]);
 * ```
 */
export { defineTool } from "./define.js";
/** Throw it from a tool for a final failure (not retried); its message goes back to the model. */
export { TerminalError } from "@cairn/runtime";
export type { ToolDefinition, ToolContext, ToolLogger, ToolEffect, ReconcileAnswer } from "./define.js";
export { ToolRegistry } from "./registry.js";
export type { ParseArgumentsResult } from "./registry.js";
export { loadToolModule, resolveToolModule } from "./loader.js";
export { builtinTools } from "./builtins/index.js";
export { parseAllowPrivate } from "./builtins/http.js";
export type { BuiltinToolOptions, ShellSandbox } from "./builtins/index.js";
