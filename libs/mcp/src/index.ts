/**
 * @cairn/mcp — the Model Context Protocol both ways, on the official `@modelcontextprotocol/sdk`:
 *
 * - tools from MCP servers (stdio commands or Streamable HTTP URLs) as Cairn tools, which a
 *   tool-runner serves like any other (`CAIRN_MCP_SERVERS`);
 * - Cairn's run API (submit, status, list, follow, approve, deny, cancel) as MCP tools, which
 *   `cairn mcp` serves to MCP clients.
 */
export { loadMcpServers, parseMcpServers, mcpServersSchema, isHttpServer } from "./config.js";
export type { McpServersConfig, McpServerSpec, McpStdioServer, McpHttpServer } from "./config.js";
export { mcpToolName, mapToolNames } from "./names.js";
export { recordedOutput } from "./result.js";
export { McpServerConnection, DEFAULT_RESTART } from "./connection.js";
export type { RestartPolicy } from "./connection.js";
export { startMcpTools, listMcpTools, MCP_META } from "./tools.js";
export type { McpTools } from "./tools.js";
export { createCairnMcpServer, progressLine } from "./server.js";
