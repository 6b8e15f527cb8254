import type { ToolDefinition } from "../define.js";
import { listFilesTool, readFileTool, writeFileTool } from "./files.js";
import { httpFetchTool } from "./http.js";
import { shellTool } from "./shell.js";
import { sleepTool } from "./sleep.js";
import { runAgentTool } from "./agent.js";

export interface BuiltinToolOptions {
  /** Hosts http_fetch may reach: exact hostnames or "*.example.com"; http_fetch is offered only when non-empty. */
  httpAllowHosts?: string[];
  /** Offer the shell tool (off by default: it runs arbitrary commands). */
  shellEnabled?: boolean;
  /** Largest file read_file returns / write_file writes, and http_fetch's body cut-off (default 1 MiB). */
  maxFileBytes?: number;
  /** Longest sleep (default 3_600_000 ms, one hour). */
  maxSleepMs?: number;
  /** Offer run_agent (sub-agent runs); needs a tool-runner that provides `ctx.startChildRun`. */
  subAgents?: boolean;
}

export const DEFAULT_MAX_FILE_BYTES = 1024 * 1024;
export const DEFAULT_MAX_SLEEP_MS = 3_600_000;

/**
 * The built-in tools: read_file, write_file and list_files (confined to the run's workspace),
 * sleep, and — only when enabled by the options — http_fetch and shell.
 */
export function builtinTools(opts: BuiltinToolOptions = {}): ToolDefinition<any>[] {
  const maxFileBytes = opts.maxFileBytes ?? DEFAULT_MAX_FILE_BYTES;
  const maxSleepMs = opts.maxSleepMs ?? DEFAULT_MAX_SLEEP_MS;
  if (!Number.isInteger(maxFileBytes) || maxFileBytes < 0) throw new Error(`maxFileBytes must be a non-negative integer, got ${maxFileBytes}`);
  if (!Number.isInteger(maxSleepMs) || maxSleepMs < 0) throw new Error(`maxSleepMs must be a non-negative integer, got ${maxSleepMs}`);
  const tools: ToolDefinition<any>[] = [readFileTool(maxFileBytes), writeFileTool(maxFileBytes), listFilesTool()];
  const hosts = opts.httpAllowHosts ?? [];
  if (hosts.length > 0) tools.push(httpFetchTool(hosts, maxFileBytes));
  if (opts.shellEnabled === true) tools.push(shellTool());
  tools.push(sleepTool(maxSleepMs));
  if (opts.subAgents === true) tools.push(runAgentTool());
  return tools;
}
