import { createHash } from "node:crypto";

/** Cairn tool names are NATS subject tokens and provider function names: 1-64 of these. */
const VALID = /^[A-Za-z0-9_-]{1,64}$/;
const MAX = 64;

/**
 * The Cairn name of an MCP server's tool: `<server>__<tool>`, or the configured name. Characters
 * that may not be in a subject token become `_`; a name longer than 64 keeps its first 55
 * characters and gets `-` and 8 hex digits of the SHA-256 of `<server>__<tool>` (so two long names
 * stay apart). A configured name must already be valid.
 */
export function mcpToolName(server: string, tool: string, configured?: string): string {
  if (configured !== undefined) {
    if (!VALID.test(configured))
      throw new Error(
        `MCP server ${server}: the name ${JSON.stringify(configured)} configured for tool ${JSON.stringify(tool)} is not valid: use 1-64 letters, digits, '_' or '-'`,
      );
    return configured;
  }
  const full = `${server}__${tool}`;
  const safe = full.replace(/[^A-Za-z0-9_-]/g, "_");
  if (safe.length <= MAX) return safe;
  const hash = createHash("sha256").update(full).digest("hex").slice(0, 8);
  return `${safe.slice(0, MAX - 9)}-${hash}`;
}

/**
 * Maps every listed tool of a server to its Cairn name; refuses two tools that map to one name
 * (naming both, and the `names` option that resolves it).
 */
export function mapToolNames(
  server: string,
  tools: readonly string[],
  configured: Record<string, string> = {},
): Map<string, string> {
  const byCairn = new Map<string, string>();
  const out = new Map<string, string>();
  for (const t of tools) {
    const name = mcpToolName(server, t, configured[t]);
    const other = byCairn.get(name);
    if (other !== undefined)
      throw new Error(
        `MCP server ${server}: tools ${JSON.stringify(other)} and ${JSON.stringify(t)} both map to the Cairn name ${JSON.stringify(name)}: give one another name in the server's "names" option`,
      );
    byCairn.set(name, t);
    out.set(t, name);
  }
  return out;
}
