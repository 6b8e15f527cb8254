import { resolve } from "node:path";
import { z } from "zod";
import { parseAllowPrivate } from "@cairn/tools";
import { loadMcpServers, type McpServersConfig } from "@cairn/mcp";
import { commonEnv, envFlag, parseEnv, parseLimits, toCommonConfig, type CommonConfig } from "@cairn/worker";

export interface ToolRunnerConfig extends CommonConfig {
  concurrency: number;
  /** Root of per-run workspace directories (`<root>/<runId>`). */
  workspaceRoot: string;
  /** User tool modules (each exports tools made with defineTool). */
  toolModules: string[];
  /** Hosts the http_fetch tool may reach; the tool is off when empty. */
  httpAllowHosts: string[];
  /**
   * Loopback, private, link-local and other special-purpose addresses http_fetch may reach anyway
   * (`CAIRN_HTTP_ALLOW_PRIVATE`: "1"/"true"/"all" for every such range, or comma-separated CIDRs
   * such as `127.0.0.1/32,10.0.0.0/8`); none by default. The tool reads the same variable itself.
   */
  httpAllowPrivate: boolean | string[];
  /**
   * Enables the shell tool (off by default). Its commands run only in a sandbox (see shellSandbox):
   * with none available, the tool-runner refuses to start.
   */
  shellEnabled: boolean;
  /**
   * The shell tool's sandbox: "auto" (setpriv when the tool-runner runs as root, each run's commands
   * as a uid of their own; else bubblewrap when installed), "setpriv" or "bwrap".
   */
  shellSandbox: "auto" | "setpriv" | "bwrap";
  /** Let shell commands reach the network (CAIRN_SHELL_NETWORK; off: no network in the sandbox). */
  shellNetwork: boolean;
  /**
   * Bytes one run's workspace may hold (`CAIRN_WORKSPACE_QUOTA_BYTES`, default 100 MiB): write_file
   * refuses to go past it (quota_exceeded), the shell sandbox limits every file to it
   * (RLIMIT_FSIZE) and the runner checks the workspace after each command.
   */
  workspaceQuotaBytes: number;
  maxAttempts: number;
  retryInitialDelayMs: number;
  /** Default per-call time limit. */
  timeoutMs: number;
  /** Serve only these tools (e.g. GPU tools on GPU hosts); every configured tool when empty. */
  serveTools: string[];
  /**
   * Global maximum of calls in flight per tool, across every tool-runner: the `max_ack_pending`
   * of that tool's consumer (`tool_<name>`), enforced by JetStream.
   */
  toolLimits: Map<string, number>;
  /** Offer the run_agent tool (sub-agent runs). */
  subAgents: boolean;
  /**
   * MCP servers whose tools this tool-runner serves (`CAIRN_MCP_SERVERS`: the path of their JSON
   * file, read and checked at load; see @cairn/mcp's mcpServersSchema).
   */
  mcpServers?: McpServersConfig;
}

const list = (s: string | undefined): string[] =>
  (s ?? "")
    .split(",")
    .map((x) => x.trim())
    .filter(Boolean);

/** The tool-runner's environment variables (docs/configuration.md is generated from these). */
export const toolRunnerEnv = {
  ...commonEnv,
  CAIRN_TOOL_CONCURRENCY: z.coerce
    .number()
    .int()
    .min(1)
    .max(10_000)
    .default(16)
    .describe("tool calls an instance runs at once"),
  CAIRN_WORKSPACE_ROOT: z
    .string()
    .default(".cairn/workspaces")
    .describe("where each run's workspace directory is made"),
  CAIRN_TOOLS_MODULE: z.string().optional().describe("modules of your own tools (defineTool), comma-separated"),
  CAIRN_HTTP_ALLOW_HOSTS: z
    .string()
    .optional()
    .describe(
      "http_fetch: the host names it may fetch (comma-separated, *.suffix allowed); the tool is offered only when set",
    ),
  CAIRN_HTTP_ALLOW_PRIVATE: z
    .string()
    .regex(/^\s*(|0|1|true|false|all|[0-9a-fA-F.:/,\s]+)\s*$/i, "1, true, all, or comma-separated CIDRs")
    .optional()
    .describe(
      "http_fetch: address ranges it may reach beyond the public internet (1/all, or CIDRs); loopback, private, link-local and metadata addresses are refused by resolved address otherwise",
    ),
  CAIRN_SHELL_ENABLED: envFlag(false).describe("offer the shell tool"),
  CAIRN_SHELL_SANDBOX: z
    .enum(["auto", "setpriv", "bwrap"])
    .default("auto")
    .describe(
      "the shell tool's sandbox: auto is setpriv when the tool-runner runs as root (each run's commands as a uid of their own), else bubblewrap when installed",
    ),
  CAIRN_SHELL_NETWORK: envFlag(false).describe("let shell commands reach the network"),
  CAIRN_WORKSPACE_QUOTA_BYTES: z.coerce
    .number()
    .int()
    .min(1)
    .max(Number.MAX_SAFE_INTEGER)
    .default(100 * 1024 * 1024)
    .describe("bytes one run's workspace may hold"),
  CAIRN_TOOL_MAX_ATTEMPTS: z.coerce
    .number()
    .int()
    .min(1)
    .max(100)
    .default(3)
    .describe("attempts per tool call (a tool's own retry policy wins)"),
  CAIRN_TOOL_RETRY_DELAY_MS: z.coerce
    .number()
    .int()
    .min(0)
    .default(500)
    .describe("first retry delay of a tool call (doubling, at most a minute)"),
  CAIRN_TOOL_TIMEOUT_MS: z.coerce
    .number()
    .int()
    .min(10)
    .default(300_000)
    .describe("time limit of one tool call (a tool's own timeoutMs wins)"),
  CAIRN_TOOLS: z
    .string()
    .optional()
    .describe("serve only these tools (comma-separated), e.g. GPU tools on GPU hosts; every tool it has when unset"),
  CAIRN_TOOL_LIMITS: z
    .string()
    .optional()
    .describe("most calls in flight per tool across all tool-runners (render=2,train=1)"),
  CAIRN_SUB_AGENTS: envFlag(true).describe("offer the run_agent tool (sub-agent runs)"),
  CAIRN_MCP_SERVERS: z
    .string()
    .min(1)
    .optional()
    .describe(
      'path of a JSON file naming MCP servers whose tools to serve as <server>__<tool>: {"servers": {"<name>": {"command", "args", "env", "cwd"} or {"url", "headers"}, each with optional "tools", "requiresApproval", "timeoutMs", "names"}} (docs/usage.md, MCP)',
    ),
};

export function loadConfig(env: Record<string, string | undefined>): ToolRunnerConfig {
  const e = parseEnv(toolRunnerEnv, env);
  return {
    ...toCommonConfig(e, "tool-runner"),
    concurrency: e.CAIRN_TOOL_CONCURRENCY,
    workspaceRoot: resolve(e.CAIRN_WORKSPACE_ROOT),
    toolModules: list(e.CAIRN_TOOLS_MODULE),
    httpAllowHosts: list(e.CAIRN_HTTP_ALLOW_HOSTS),
    httpAllowPrivate: parseAllowPrivate(e.CAIRN_HTTP_ALLOW_PRIVATE),
    shellEnabled: e.CAIRN_SHELL_ENABLED,
    shellSandbox: e.CAIRN_SHELL_SANDBOX,
    shellNetwork: e.CAIRN_SHELL_NETWORK,
    workspaceQuotaBytes: e.CAIRN_WORKSPACE_QUOTA_BYTES,
    maxAttempts: e.CAIRN_TOOL_MAX_ATTEMPTS,
    retryInitialDelayMs: e.CAIRN_TOOL_RETRY_DELAY_MS,
    timeoutMs: e.CAIRN_TOOL_TIMEOUT_MS,
    serveTools: list(e.CAIRN_TOOLS),
    toolLimits: parseLimits("CAIRN_TOOL_LIMITS", e.CAIRN_TOOL_LIMITS),
    subAgents: e.CAIRN_SUB_AGENTS,
    ...(e.CAIRN_MCP_SERVERS ? { mcpServers: loadMcpServers(resolve(e.CAIRN_MCP_SERVERS)) } : {}),
  };
}
