import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { ErrorCode, McpError, type CallToolResult, type Tool } from "@modelcontextprotocol/sdk/types.js";
import { RetryableError, TerminalError } from "@cairn/runtime";
import type { ToolLogger } from "@cairn/tools";
import { isHttpServer, type McpServerSpec } from "./config.js";

/** How a connection restarts a server that went away. */
export interface RestartPolicy {
  /** First delay before a restart (doubling on each failed attempt). */
  initialDelayMs: number;
  /** Longest delay between two attempts. */
  maxDelayMs: number;
  /** How long a call waits for a server being restarted before it fails (retryable). */
  callWaitMs: number;
  /** Time limit of connecting (the MCP handshake) and of listing the tools. */
  connectTimeoutMs: number;
}

export const DEFAULT_RESTART: RestartPolicy = {
  initialDelayMs: 200,
  maxDelayMs: 30_000,
  callWaitMs: 30_000,
  connectTimeoutMs: 30_000,
};

/** Longest setTimeout Node takes: the SDK's own request timer is kept out of the way (Cairn's time limit applies). */
const NO_SDK_TIMEOUT = 2_147_483_647;

interface Waiter {
  resolve(c: Client): void;
  reject(e: Error): void;
}

/** The server refused the request itself: sending it again would be refused again. */
const REFUSALS: ReadonlySet<number> = new Set([
  ErrorCode.InvalidParams,
  ErrorCode.MethodNotFound,
  ErrorCode.InvalidRequest,
]);

/**
 * One MCP server, kept connected: a stdio server is started as a child process, a Streamable HTTP
 * server is connected to. When the connection closes (the process died, the session was lost) and
 * the connection is not being closed, the server is started again after a delay that doubles from
 * `initialDelayMs` up to `maxDelayMs` while attempts fail; calls made meanwhile wait for it (at most
 * `callWaitMs`). Calls in flight when it closed fail with a RetryableError, so the tool-runner's
 * retry rules apply to them.
 */
export class McpServerConnection {
  readonly name: string;
  readonly #spec: McpServerSpec;
  readonly #log: ToolLogger;
  readonly #policy: RestartPolicy;
  #client: Client | undefined;
  #waiters: Waiter[] = [];
  #closing = false;
  #failures = 0;
  #timer: NodeJS.Timeout | undefined;
  #tools: Tool[] = [];

  constructor(name: string, spec: McpServerSpec, log: ToolLogger, policy: Partial<RestartPolicy> = {}) {
    this.name = name;
    this.#spec = spec;
    this.#log = log;
    this.#policy = { ...DEFAULT_RESTART, ...policy };
  }

  /** The tools the server listed on the last connect (every page). */
  get tools(): readonly Tool[] {
    return this.#tools;
  }

  /** Connects the first time; throws (naming the server) when it cannot. */
  async start(): Promise<void> {
    this.#client = await this.#connect();
  }

  /**
   * Calls a tool. `meta` goes in the request's `_meta`; the signal cancels the request (the SDK
   * sends `notifications/cancelled`). Errors say whether to retry: the connection closing during
   * the call, a timeout or an unknown failure are retryable; the server refusing the request
   * (invalid params, unknown method, invalid request) is terminal.
   */
  async call(
    tool: string,
    args: Record<string, unknown>,
    meta: Record<string, unknown>,
    signal: AbortSignal,
    onprogress?: () => void,
  ): Promise<CallToolResult> {
    const client = await this.#ready(signal);
    try {
      return (await client.callTool({ name: tool, arguments: args, _meta: meta }, undefined, {
        signal,
        timeout: NO_SDK_TIMEOUT,
        ...(onprogress ? { onprogress } : {}),
      })) as CallToolResult;
    } catch (err) {
      if (signal.aborted) throw err;
      const msg = err instanceof Error ? err.message : String(err);
      if (err instanceof McpError) {
        if (err.code === (ErrorCode.ConnectionClosed as number))
          throw new RetryableError(
            `MCP server ${this.name} went away during the call (it is being restarted): ${msg}`,
            {
              kind: "mcp_server_gone",
              cause: err,
            },
          );
        if (REFUSALS.has(err.code))
          throw new TerminalError(`MCP server ${this.name} refused the call: ${msg}`, {
            kind: "mcp_refused",
            cause: err,
          });
        throw new RetryableError(`MCP server ${this.name}: ${msg}`, { kind: "mcp_error", cause: err });
      }
      // A transport failure (an HTTP server restarted and lost the session, a refused connection):
      // connect again, as for a stdio server that died.
      if (isHttpServer(this.#spec) && this.#client === client) this.#drop(client);
      throw new RetryableError(`MCP server ${this.name} unreachable: ${msg}`, { kind: "mcp_unavailable", cause: err });
    }
  }

  /** Stops the server (or ends the HTTP session) and any restart; waiting calls fail. */
  async close(): Promise<void> {
    this.#closing = true;
    clearTimeout(this.#timer);
    for (const w of this.#waiters.splice(0)) w.reject(new RetryableError(`MCP server ${this.name} is closing`));
    const c = this.#client;
    this.#client = undefined;
    await c?.close().catch(() => undefined);
  }

  async #connect(): Promise<Client> {
    const spec = this.#spec;
    const client = new Client({ name: "cairn-tool-runner", version: "0.1.0" }, { capabilities: {} });
    let transport: StdioClientTransport | StreamableHTTPClientTransport;
    if (isHttpServer(spec)) {
      transport = new StreamableHTTPClientTransport(new URL(spec.url), {
        ...(spec.headers ? { requestInit: { headers: spec.headers } } : {}),
      });
    } else {
      const stdio = new StdioClientTransport({
        command: spec.command,
        args: spec.args,
        ...(spec.env ? { env: spec.env } : {}),
        ...(spec.cwd ? { cwd: spec.cwd } : {}),
        stderr: "pipe",
      });
      // The server's own diagnostics, one log line each (its stdout is the protocol).
      let buf = "";
      stdio.stderr?.on("data", (d: Buffer) => {
        buf += d.toString("utf8");
        let i: number;
        while ((i = buf.indexOf("\n")) >= 0) {
          const line = buf.slice(0, i).trimEnd();
          buf = buf.slice(i + 1);
          if (line) this.#log.info({ mcpServer: this.name, line: line.slice(0, 2000) }, "mcp server stderr");
        }
      });
      transport = stdio;
    }
    client.onclose = () => this.#closed(client);
    try {
      await client.connect(transport, { timeout: this.#policy.connectTimeoutMs });
      const tools: Tool[] = [];
      let cursor: string | undefined;
      do {
        const page = await client.listTools(cursor ? { cursor } : {}, { timeout: this.#policy.connectTimeoutMs });
        tools.push(...page.tools);
        cursor = page.nextCursor;
      } while (cursor);
      this.#tools = tools;
    } catch (err) {
      client.onclose = undefined;
      await client.close().catch(() => undefined);
      throw new Error(
        `cannot connect to MCP server ${this.name} (${isHttpServer(spec) ? spec.url : spec.command}): ${err instanceof Error ? err.message : String(err)}`,
        { cause: err },
      );
    }
    const pid = transport instanceof StdioClientTransport ? transport.pid : undefined;
    this.#log.info(
      { mcpServer: this.name, pid, tools: this.#tools.length, server: client.getServerVersion() },
      "mcp server connected",
    );
    return client;
  }

  #drop(client: Client): void {
    void client.close().catch(() => undefined);
  }

  #closed(client: Client): void {
    if (client !== this.#client) return;
    this.#client = undefined;
    if (this.#closing) return;
    this.#log.warn({ mcpServer: this.name }, "mcp server connection closed: restarting it");
    this.#schedule(this.#policy.initialDelayMs);
  }

  #schedule(delay: number): void {
    clearTimeout(this.#timer);
    this.#timer = setTimeout(() => void this.#restart(), delay);
  }

  async #restart(): Promise<void> {
    if (this.#closing) return;
    try {
      const c = await this.#connect();
      if (this.#closing) {
        await c.close().catch(() => undefined);
        return;
      }
      this.#failures = 0;
      this.#client = c;
      for (const w of this.#waiters.splice(0)) w.resolve(c);
    } catch (err) {
      this.#failures++;
      const delay = Math.min(this.#policy.maxDelayMs, this.#policy.initialDelayMs * 2 ** this.#failures);
      this.#log.warn(
        { mcpServer: this.name, failures: this.#failures, delayMs: delay, err: (err as Error).message },
        "mcp server restart failed: trying again",
      );
      this.#schedule(delay);
    }
  }

  /** The connected client, or the next one (a restart under way), within `callWaitMs` and the call's signal. */
  #ready(signal: AbortSignal): Promise<Client> {
    if (this.#client) return Promise.resolve(this.#client);
    if (this.#closing) return Promise.reject(new RetryableError(`MCP server ${this.name} is closing`));
    return new Promise<Client>((resolve, reject) => {
      const done = (): void => {
        clearTimeout(timer);
        signal.removeEventListener("abort", onAbort);
        const i = this.#waiters.indexOf(w);
        if (i >= 0) this.#waiters.splice(i, 1);
      };
      const w: Waiter = {
        resolve: (c) => {
          done();
          resolve(c);
        },
        reject: (e) => {
          done();
          reject(e);
        },
      };
      const onAbort = (): void =>
        w.reject(signal.reason instanceof Error ? signal.reason : new Error(String(signal.reason)));
      const timer = setTimeout(
        () =>
          w.reject(
            new RetryableError(
              `MCP server ${this.name} is not running (restarting) after ${this.#policy.callWaitMs} ms`,
              { kind: "mcp_unavailable" },
            ),
          ),
        this.#policy.callWaitMs,
      );
      signal.addEventListener("abort", onAbort, { once: true });
      this.#waiters.push(w);
    });
  }
}
