import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";

/**
 * What Cairn records of an MCP tool's result (the tool call's output, or with `isError` its error
 * message): content made only of text blocks, with no structured output, is the text (blocks joined
 * by a newline); anything else — images, audio, resources, resource links, `structuredContent` — is
 * the JSON `{"content": [...], "structuredContent": ...}` with every block as the server sent it (an
 * image keeps its base64 `data` and `mimeType`). Output past the tool-runner's large-payload size
 * goes to the payload store by reference, as every tool's does.
 */
export function recordedOutput(result: CallToolResult): string {
  const content = Array.isArray(result.content) ? result.content : [];
  const textOnly = content.every((b) => b.type === "text");
  if (textOnly && result.structuredContent === undefined)
    return content.map((b) => (b as { text: string }).text).join("\n");
  return JSON.stringify({
    content,
    ...(result.structuredContent !== undefined ? { structuredContent: result.structuredContent } : {}),
  });
}
