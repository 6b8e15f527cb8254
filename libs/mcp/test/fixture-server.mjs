// A stdio MCP server (the SDK's McpServer) for libs/mcp's tests: answers with the request's `_meta`,
// and has a tool that fails (isError).
import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { StdioServerTransport } from "@modelcontextprotocol/sdk/server/stdio.js";
import { z } from "zod";
const server = new McpServer({ name: "fixture", version: "1.0.0" });
server.registerTool(
  "meta.echo",
  { description: "Echoes _meta.", inputSchema: { n: z.number() } },
  async (args, extra) => ({
    content: [{ type: "text", text: JSON.stringify({ args, meta: extra._meta }) }],
  }),
);
server.registerTool("fails", { description: "Fails.", inputSchema: {} }, async () => ({
  isError: true,
  content: [{ type: "text", text: "it broke" }],
}));
await server.connect(new StdioServerTransport());
