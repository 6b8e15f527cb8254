import type { Tool } from "@modelcontextprotocol/sdk/types.js";
import { TerminalError } from "@cairn/runtime";
import { defineTool, type ToolDefinition, type ToolLogger } from "@cairn/tools";
import type { McpServerSpec, McpServersConfig } from "./config.js";
import { McpServerConnection, type RestartPolicy } from "./connection.js";
import { mapToolNames } from "./names.js";
import { recordedOutput } from "./result.js";

/**
 * The `_meta` keys every MCP tool call carries. The idempotency key is the call's Cairn key
 * (`<runId>:<turn>:<index>`), the same on every retry and redelivery of the call: a server with side
 * effects can make a repeat harmless with it.
 */
export const MCP_META = {
  idempotencyKey: "dev.cairn/idempotency-key",
  runId: "dev.cairn/run-id",
  callId: "dev.cairn/call-id",
  attempt: "dev.cairn/attempt",
} as const;

/** Most characters of an MCP tool's error output kept in the call's error message. */
const MAX_ERROR_CHARS = 32_768;

const noLog: ToolLogger = { debug() {}, info() {}, warn() {}, error() {} };

/** MCP servers' tools as Cairn tools, and the connections that serve them. */
export interface McpTools {
  tools: ToolDefinition<any>[];
  /** Each server's connection (a stdio server's process is restarted when it dies). */
  connections: McpServerConnection[];
  /** Closes every connection (stops stdio servers). */
  close(): Promise<void>;
}

/** The server's tools that are served: those `tools` names (each must be listed), or all it lists. */
function served(name: string, spec: McpServerSpec, listed: readonly Tool[]): Tool[] {
  if (!spec.tools) return [...listed];
  const missing = spec.tools.filter((t) => !listed.some((l) => l.name === t));
  if (missing.length)
    throw new Error(
      `MCP server ${name} does not list the tools its configuration names: ${missing.join(", ")} (it lists: ${listed.map((l) => l.name).join(", ") || "none"})`,
    );
  return listed.filter((l) => spec.tools!.includes(l.name));
}

/** Whether a tool (by its MCP name or its Cairn name) is one the configuration gates. */
const gated = (spec: McpServerSpec, tool: string, cairnName: string): boolean =>
  spec.requiresApproval === true ||
  (Array.isArray(spec.requiresApproval) &&
    (spec.requiresApproval.includes(tool) || spec.requiresApproval.includes(cairnName)));

/**
 * A gate that names no tool the server serves fails closed: the runner does not start (a typo, a
 * Cairn name mistyped, or a tool the server renamed would otherwise leave the tool ungated).
 */
function checkGates(name: string, spec: McpServerSpec, names: Map<string, string>): void {
  if (!Array.isArray(spec.requiresApproval)) return;
  const known = new Set([...names.keys(), ...names.values()]);
  const unknown = spec.requiresApproval.filter((t) => !known.has(t));
  if (unknown.length)
    throw new Error(
      `MCP server ${name}: requiresApproval names tools it does not serve: ${unknown.join(", ")} (it serves: ${[...names.keys()].join(", ") || "none"}); a gate that matches nothing would leave a tool ungated`,
    );
}

/**
 * An MCP tool's input schema as Cairn validates it (JSON Schema 2020-12, MCP's default): a `$schema`
 * naming another draft is dropped, as Ajv's 2020 validator refuses unknown meta-schemas; the
 * keywords MCP servers use read the same in drafts 7 and 2020-12.
 */
function inputSchema(t: Tool): Record<string, unknown> {
  const s = { ...(t.inputSchema as Record<string, unknown>) };
  if (typeof s["$schema"] === "string" && !s["$schema"].includes("2020-12")) delete s["$schema"];
  return s;
}

function toolsOf(name: string, spec: McpServerSpec, conn: McpServerConnection): ToolDefinition<any>[] {
  const tools = served(name, spec, conn.tools);
  const names = mapToolNames(
    name,
    tools.map((t) => t.name),
    spec.names,
  );
  checkGates(name, spec, names);
  return tools.map((t) =>
    defineTool<Record<string, unknown>>({
      name: names.get(t.name)!,
      description: t.description ?? t.title ?? `${t.name} (from MCP server ${name})`,
      input: inputSchema(t),
      ...(spec.timeoutMs !== undefined ? { timeoutMs: spec.timeoutMs } : {}),
      ...(gated(spec, t.name, names.get(t.name)!) ? { requiresApproval: true } : {}),
      run: async (args, ctx) => {
        const meta = {
          [MCP_META.idempotencyKey]: ctx.idempotencyKey,
          [MCP_META.runId]: ctx.runId,
          [MCP_META.callId]: ctx.callId,
          [MCP_META.attempt]: ctx.attempt,
        };
        const result = await conn.call(t.name, args, meta, ctx.signal, ctx.heartbeat);
        const out = recordedOutput(result);
        // The tool ran and failed: the model reads why; running it again would fail again.
        if (result.isError)
          throw new TerminalError(out.length > MAX_ERROR_CHARS ? `${out.slice(0, MAX_ERROR_CHARS)}…` : out, {
            kind: "tool_error",
          });
        return out;
      },
    }),
  );
}

/**
 * Connects to every configured MCP server (starting the stdio ones), lists their tools and returns
 * them as Cairn tools, named `<server>__<tool>` (see mcpToolName). Throws, after closing what it
 * opened, when a server cannot be reached, lacks a tool its configuration names, or two tools map
 * to one name.
 */
export async function startMcpTools(
  config: McpServersConfig,
  opts: { log?: ToolLogger; restart?: Partial<RestartPolicy> } = {},
): Promise<McpTools> {
  const log = opts.log ?? noLog;
  const connections: McpServerConnection[] = [];
  const close = async (): Promise<void> => {
    await Promise.all(connections.map((c) => c.close()));
  };
  try {
    const tools: ToolDefinition<any>[] = [];
    for (const [name, spec] of Object.entries(config.servers)) {
      const conn = new McpServerConnection(name, spec, log, opts.restart);
      connections.push(conn);
      await conn.start();
      tools.push(...toolsOf(name, spec, conn));
    }
    return { tools, connections, close };
  } catch (err) {
    await close();
    throw err;
  }
}

/**
 * The Cairn names of the configured MCP servers' tools, for provisioning their work queues: a
 * server whose configuration names its `tools` is not started; any other is connected to (started)
 * once, listed and closed. Returned as tool definitions that never run (they only carry names and
 * the approval flag).
 */
export async function listMcpTools(
  config: McpServersConfig,
  opts: { log?: ToolLogger } = {},
): Promise<ToolDefinition<any>[]> {
  const out: ToolDefinition<any>[] = [];
  for (const [name, spec] of Object.entries(config.servers)) {
    let listed: string[];
    if (spec.tools) listed = spec.tools;
    else {
      const conn = new McpServerConnection(name, spec, opts.log ?? noLog);
      await conn.start();
      listed = conn.tools.map((t) => t.name);
      await conn.close();
    }
    const names = mapToolNames(name, listed, spec.names);
    checkGates(name, spec, names);
    for (const [tool, cairn] of names)
      out.push(
        defineTool({
          name: cairn,
          description: `${tool} (from MCP server ${name})`,
          input: { type: "object" },
          ...(gated(spec, tool, cairn) ? { requiresApproval: true } : {}),
          run: () => {
            throw new TerminalError(`MCP tool ${cairn} was listed for provisioning, not connected`);
          },
        }),
      );
  }
  return out;
}
