import type { ToolDefinition } from "../define.js";
import { listFilesTool, readFileTool, writeFileTool, type FileToolOptions } from "./files.js";
import { httpFetchTool } from "./http.js";
import { shellTool, type ShellSandboxOptions } from "./shell.js";
import { sleepTool } from "./sleep.js";
import { runAgentTool } from "./agent.js";

export type { ShellSandbox, ShellSandboxKind, ShellSandboxOptions } from "./shell.js";
export { ShellSandboxUnavailableError } from "./shell.js";

export interface BuiltinToolOptions {
  /** Hosts http_fetch may reach: exact hostnames or "*.example.com"; http_fetch is offered only when non-empty. */
  httpAllowHosts?: string[];
  /** Address ranges http_fetch may reach beyond the public internet: true for all, or CIDRs (CAIRN_HTTP_ALLOW_PRIVATE). */
  httpAllowPrivate?: boolean | string[];
  /**
   * Offer the shell tool (off by default: it runs arbitrary commands). It runs them only in a
   * sandbox (see `shellSandbox`): without one, builtinTools throws ShellSandboxUnavailableError.
   */
  shellEnabled?: boolean;
  /** How the shell tool's sandbox is picked, and who is told which it is. */
  shellSandbox?: ShellSandboxOptions;
  /** Largest file read_file returns / write_file writes, and http_fetch's body cut-off (default 1 MiB). */
  maxFileBytes?: number;
  /**
   * Bytes a run's workspace may hold (default 100 MiB): write_file refuses to go past it
   * (quota_exceeded), the shell limits each file to it and checks the workspace after each command.
   */
  workspaceQuotaBytes?: number;
  /** Longest sleep (default 3_600_000 ms, one hour). */
  maxSleepMs?: number;
  /** Offer run_agent (sub-agent runs); needs a tool-runner that provides `ctx.startChildRun`. */
  subAgents?: boolean;
}

export const DEFAULT_MAX_FILE_BYTES = 1024 * 1024;
export const DEFAULT_WORKSPACE_QUOTA_BYTES = 100 * 1024 * 1024;
export const DEFAULT_MAX_SLEEP_MS = 3_600_000;

/**
 * The built-in tools: read_file, write_file and list_files (confined to the run's workspace),
 * sleep, and — only when enabled by the options — http_fetch and shell.
 */
export function builtinTools(opts: BuiltinToolOptions = {}): ToolDefinition<any>[] {
  const maxFileBytes = opts.maxFileBytes ?? DEFAULT_MAX_FILE_BYTES;
  const maxSleepMs = opts.maxSleepMs ?? DEFAULT_MAX_SLEEP_MS;
  const quotaBytes = opts.workspaceQuotaBytes ?? DEFAULT_WORKSPACE_QUOTA_BYTES;
  if (!Number.isInteger(maxFileBytes) || maxFileBytes < 0)
    throw new Error(`maxFileBytes must be a non-negative integer, got ${maxFileBytes}`);
  if (!Number.isInteger(maxSleepMs) || maxSleepMs < 0)
    throw new Error(`maxSleepMs must be a non-negative integer, got ${maxSleepMs}`);
  if (!Number.isSafeInteger(quotaBytes) || quotaBytes < 1)
    throw new Error(`workspaceQuotaBytes must be a positive integer, got ${quotaBytes}`);
  // The shell's sandbox first: it decides who owns the runs' workspaces (per-run uids with setpriv).
  let perRunUid = false;
  const shell =
    opts.shellEnabled === true
      ? shellTool({
          quotaBytes,
          sandbox: {
            ...opts.shellSandbox,
            report: (s) => {
              perRunUid = s.kind === "setpriv";
              opts.shellSandbox?.report?.(s);
            },
          },
        })
      : undefined;
  const files: FileToolOptions = {
    maxFileBytes,
    quotaBytes,
    get perRunUid() {
      return perRunUid;
    },
  };
  const tools: ToolDefinition<any>[] = [readFileTool(files), writeFileTool(files), listFilesTool(files)];
  const hosts = opts.httpAllowHosts ?? [];
  if (hosts.length > 0)
    tools.push(
      httpFetchTool(
        hosts,
        maxFileBytes,
        opts.httpAllowPrivate !== undefined ? { allowPrivate: opts.httpAllowPrivate } : {},
      ),
    );
  if (shell) tools.push(shell);
  tools.push(sleepTool(maxSleepMs));
  if (opts.subAgents === true) tools.push(runAgentTool());
  return tools;
}
