// `cairn mcp`: Cairn's run API as an MCP server (stdio, or Streamable HTTP on 127.0.0.1), on the
// caller's own NATS connection flags and so the caller's credential.
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import { InvalidArgumentError, type Command } from "commander";
import type { CairnClient } from "@cairn/client";
import { addConn, client, type ConnFlags } from "./conn.js";

function parsePort(v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0 || n > 65_535) throw new InvalidArgumentError(`not a TCP port: ${v}`);
  return n;
}

/** Resolves on SIGINT/SIGTERM, or when stdin ends (the MCP client went away). */
function untilStopped(stdinEnds: boolean): Promise<void> {
  return new Promise((resolve) => {
    for (const s of ["SIGINT", "SIGTERM"] as const) process.once(s, () => resolve());
    if (stdinEnds) process.stdin.once("end", () => resolve()).once("close", () => resolve());
  });
}

async function serveStdio(c: CairnClient): Promise<void> {
  const { StdioServerTransport } = await import("@modelcontextprotocol/sdk/server/stdio.js");
  const { createCairnMcpServer } = await import("@cairn/mcp");
  const server = createCairnMcpServer(c);
  await server.connect(new StdioServerTransport());
  await untilStopped(true);
  await server.close();
}

/**
 * Streamable HTTP at `http://127.0.0.1:<port>/mcp`, stateless: each POST gets its own MCP server
 * and transport on the one NATS connection (a `follow` streams its progress in its response). Only
 * loopback Host headers are accepted (DNS rebinding), and no request with an Origin (a web page).
 */
async function serveHttp(c: CairnClient, port: number): Promise<void> {
  const { StreamableHTTPServerTransport } = await import("@modelcontextprotocol/sdk/server/streamableHttp.js");
  const { createCairnMcpServer } = await import("@cairn/mcp");
  const http = createServer((req: IncomingMessage, res: ServerResponse) => {
    const path = (req.url ?? "").split("?")[0];
    if (path !== "/mcp") {
      res.writeHead(404).end("not found: the MCP endpoint is /mcp\n");
      return;
    }
    // A browser says where a request comes from: no web page may drive this server (the MCP
    // transport spec's Origin check; local MCP clients send no Origin).
    if (req.headers.origin !== undefined) {
      res.writeHead(403).end("refused: requests from web pages (an Origin header) are not served\n");
      return;
    }
    if (req.method !== "POST") {
      // Stateless: no server-initiated stream (GET) and no session to end (DELETE).
      res.writeHead(405, { allow: "POST" }).end();
      return;
    }
    const bound = (http.address() as { port: number }).port;
    const transport = new StreamableHTTPServerTransport({
      sessionIdGenerator: undefined,
      enableDnsRebindingProtection: true,
      allowedHosts: [`127.0.0.1:${bound}`, `localhost:${bound}`],
    });
    const server = createCairnMcpServer(c);
    res.on("close", () => {
      void transport.close();
      void server.close();
    });
    server
      .connect(transport)
      .then(() => transport.handleRequest(req, res))
      .catch((err: unknown) => {
        process.stderr.write(`cairn mcp: ${err instanceof Error ? err.message : String(err)}\n`);
        if (!res.headersSent) res.writeHead(500).end();
      });
  });
  await new Promise<void>((resolve, reject) => {
    http.once("error", reject);
    http.listen(port, "127.0.0.1", () => resolve());
  });
  const bound = (http.address() as { port: number }).port;
  process.stderr.write(`cairn mcp: Streamable HTTP on http://127.0.0.1:${bound}/mcp\n`);
  await untilStopped(false);
  http.closeAllConnections();
  await new Promise<void>((resolve) => http.close(() => resolve()));
}

/** Registers `cairn mcp`. */
export function registerMcpCommand(program: Command): void {
  addConn(program.command("mcp"))
    .description(
      "serve Cairn as an MCP server (tools: submit, status, list, follow, approve, deny, cancel, send) on stdio, or with --http on 127.0.0.1; with this connection's NATS credential",
    )
    .option(
      "--http <port>",
      "serve Streamable HTTP on 127.0.0.1:<port>/mcp instead of stdio (0: any free port)",
      parsePort,
    )
    .action(async (o: ConnFlags & { http?: number }) => {
      const c = await client(o);
      try {
        if (o.http !== undefined) await serveHttp(c, o.http);
        else await serveStdio(c);
      } finally {
        await c.close();
      }
    });
}
