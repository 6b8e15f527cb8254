import { readFileSync } from "node:fs";
import { z } from "zod";

/** A server name becomes the first part of its tools' Cairn names (`<server>__<tool>`). */
const SERVER_NAME = /^[A-Za-z0-9_-]{1,32}$/;

const common = {
  tools: z
    .array(z.string().min(1))
    .min(1)
    .optional()
    .describe(
      "the server's tools to serve (its own names); every tool it lists when omitted. Named, `cairn provision` makes their work queues without starting the server",
    ),
  requiresApproval: z
    .union([z.boolean(), z.array(z.string().min(1))])
    .optional()
    .describe("true: every call of the server's tools waits for a human's approve/deny; a list: those tools' calls"),
  timeoutMs: z
    .number()
    .int()
    .min(10)
    .optional()
    .describe("time limit of one call (the tool-runner's CAIRN_TOOL_TIMEOUT_MS when omitted)"),
  names: z
    .record(z.string(), z.string())
    .optional()
    .describe("Cairn names for some of the server's tools (MCP name → name), e.g. to resolve a collision"),
};

const stdioServer = z
  .object({
    command: z.string().min(1).describe("the program to start (looked up on PATH); it speaks MCP on stdin/stdout"),
    args: z.array(z.string()).default([]).describe("its arguments"),
    env: z
      .record(z.string(), z.string())
      .optional()
      .describe("environment added to HOME, LOGNAME, PATH, SHELL, TERM and USER (nothing else is inherited)"),
    cwd: z.string().optional().describe("its working directory (the tool-runner's when omitted)"),
    ...common,
  })
  .strict();

const httpServer = z
  .object({
    url: z
      .string()
      .url()
      .refine((u) => /^https?:/.test(u), "must be an http(s) URL")
      .describe("the server's Streamable HTTP endpoint"),
    headers: z.record(z.string(), z.string()).optional().describe("HTTP headers sent with every request"),
    ...common,
  })
  .strict();

/** The MCP servers file (`CAIRN_MCP_SERVERS`): servers by name, each a stdio command or a Streamable HTTP URL. */
export const mcpServersSchema = z
  .object({
    servers: z.record(z.string(), z.union([stdioServer, httpServer])).superRefine((servers, ctx) => {
      const names = Object.keys(servers);
      if (!names.length) ctx.addIssue({ code: "custom", message: "name at least one server" });
      for (const n of names)
        if (!SERVER_NAME.test(n))
          ctx.addIssue({
            code: "custom",
            path: [n],
            message: `server name ${JSON.stringify(n)}: a server name is 1-32 letters, digits, '_' or '-'`,
          });
    }),
  })
  .strict();

export type McpServersConfig = z.infer<typeof mcpServersSchema>;
export type McpServerSpec = McpServersConfig["servers"][string];
export type McpStdioServer = z.infer<typeof stdioServer>;
export type McpHttpServer = z.infer<typeof httpServer>;

export function isHttpServer(s: McpServerSpec): s is McpHttpServer {
  return "url" in s;
}

/** Parses an MCP servers configuration; every problem is named by its path in the file. */
export function parseMcpServers(json: string, source = "MCP servers configuration"): McpServersConfig {
  let raw: unknown;
  try {
    raw = JSON.parse(json);
  } catch (err) {
    throw new Error(`${source} is not valid JSON: ${(err as Error).message}`, { cause: err });
  }
  const r = mcpServersSchema.safeParse(raw);
  if (!r.success) {
    const problems = r.error.issues.map((i) => `${i.path.length ? i.path.join(".") : "(top)"}: ${i.message}`);
    throw new Error(`${source} is invalid: ${problems.join("; ")}`);
  }
  return r.data;
}

/** Reads and parses the MCP servers file at `path`. */
export function loadMcpServers(path: string): McpServersConfig {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (err) {
    throw new Error(`cannot read the MCP servers file ${path}: ${(err as Error).message}`, { cause: err });
  }
  return parseMcpServers(text, `the MCP servers file ${path}`);
}
