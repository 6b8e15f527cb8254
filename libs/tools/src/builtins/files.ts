import { promises as fs } from "node:fs";
import path from "node:path";
import { TerminalError } from "@cairn/runtime";
import { defineTool } from "../define.js";
import type { ToolDefinition } from "../define.js";
import { fileError, resolveInWorkspace } from "./workspace.js";

function tooLarge(p: string, size: number, max: number): TerminalError {
  return new TerminalError(`"${p}" is ${size} bytes, more than the limit of ${max} bytes`, { kind: "too_large" });
}

export function readFileTool(maxFileBytes: number): ToolDefinition<{ path: string }> {
  return defineTool<{ path: string }>({
    name: "read_file",
    description:
      `Reads a UTF-8 text file from the run's workspace and returns its contents. ` +
      `The path is relative to the workspace root; paths outside the workspace are rejected. ` +
      `Files larger than ${maxFileBytes} bytes are rejected.`,
    input: {
      type: "object",
      properties: {
        path: { type: "string", minLength: 1, description: "File path, relative to the workspace root." },
      },
      required: ["path"],
      additionalProperties: false,
    },
    async run({ path: p }, ctx) {
      const file = await resolveInWorkspace(ctx.workspaceDir, p);
      try {
        const st = await fs.stat(file);
        if (!st.isFile()) throw new TerminalError(`"${p}" is not a regular file`, { kind: "not_a_file" });
        if (st.size > maxFileBytes) throw tooLarge(p, st.size, maxFileBytes);
        const buf = await fs.readFile(file);
        // The file may have grown since the stat.
        if (buf.byteLength > maxFileBytes) throw tooLarge(p, buf.byteLength, maxFileBytes);
        return buf.toString("utf8");
      } catch (err) {
        throw fileError(err, p);
      }
    },
  });
}

export function writeFileTool(maxFileBytes: number): ToolDefinition<{ path: string; content: string }> {
  return defineTool<{ path: string; content: string }>({
    name: "write_file",
    description:
      `Writes a UTF-8 text file in the run's workspace, replacing it if it exists and creating ` +
      `parent directories as needed. The path is relative to the workspace root; paths outside ` +
      `the workspace are rejected. Content is limited to ${maxFileBytes} bytes.`,
    input: {
      type: "object",
      properties: {
        path: { type: "string", minLength: 1, description: "File path, relative to the workspace root." },
        content: { type: "string", description: "The complete new contents of the file." },
      },
      required: ["path", "content"],
      additionalProperties: false,
    },
    async run({ path: p, content }, ctx) {
      const bytes = Buffer.byteLength(content, "utf8");
      if (bytes > maxFileBytes) throw tooLarge(p, bytes, maxFileBytes);
      const file = await resolveInWorkspace(ctx.workspaceDir, p);
      try {
        await fs.mkdir(path.dirname(file), { recursive: true });
        await fs.writeFile(file, content, "utf8");
      } catch (err) {
        throw fileError(err, p);
      }
      return `wrote ${bytes} bytes to ${p}`;
    },
  });
}

export function listFilesTool(): ToolDefinition<{ path: string }> {
  return defineTool<{ path: string }>({
    name: "list_files",
    description:
      `Lists the entries of a directory in the run's workspace, one per line, sorted; ` +
      `directories end with "/". The path is relative to the workspace root (default: the root).`,
    input: {
      type: "object",
      properties: {
        path: { type: "string", default: ".", description: 'Directory path, relative to the workspace root (default ".").' },
      },
      additionalProperties: false,
    },
    async run({ path: p = "." }, ctx) {
      const dir = await resolveInWorkspace(ctx.workspaceDir, p);
      try {
        const st = await fs.stat(dir);
        if (!st.isDirectory()) throw new TerminalError(`"${p}" is not a directory`, { kind: "not_a_directory" });
        const entries = await fs.readdir(dir, { withFileTypes: true });
        const names = await Promise.all(
          entries.map(async (e) => {
            let isDir = e.isDirectory();
            if (e.isSymbolicLink()) isDir = await fs.stat(path.join(dir, e.name)).then((s) => s.isDirectory(), () => false);
            return isDir ? `${e.name}/` : e.name;
          }),
        );
        return names.sort().join("\n");
      } catch (err) {
        throw fileError(err, p);
      }
    },
  });
}
