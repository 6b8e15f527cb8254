import { constants as C } from "node:fs";
import path from "node:path";
import type { FileHandle } from "node:fs/promises";
import { TerminalError } from "@cairn/runtime";
import { defineTool } from "../define.js";
import type { ToolContext, ToolDefinition } from "../define.js";
import {
  claimWorkspace,
  fileError,
  lstatSize,
  openBeneath,
  openWorkspace,
  quotaExceeded,
  readdirOf,
  resolveInWorkspace,
  shownPath,
  workspaceUsage,
  type Resolved,
  type Workspace,
} from "./workspace.js";

/** What the file tools share: limits, and whether the run's workspace belongs to its sandbox uid. */
export interface FileToolOptions {
  /** Largest file read_file returns and write_file writes. */
  maxFileBytes: number;
  /** Bytes a run's workspace may hold: write_file refuses to go past it. */
  quotaBytes: number;
  /**
   * The shell sandbox runs this runner's commands as per-run uids (setpriv): the file tools create
   * the workspace for that uid too, so the run's commands own what the file tools write.
   */
  perRunUid?: boolean;
}

function tooLarge(shown: string, size: number, max: number, atLeast = false): TerminalError {
  return new TerminalError(
    `${shown} is ${atLeast ? "more than " : ""}${size} bytes, more than the limit of ${max} bytes`,
    { kind: "too_large" },
  );
}

function workspaceOf(opts: FileToolOptions, ctx: ToolContext): Promise<Workspace> {
  return opts.perRunUid ? claimWorkspace(ctx.workspaceDir, ctx.runId, ctx.log) : openWorkspace(ctx.workspaceDir);
}

async function resolve(opts: FileToolOptions, ctx: ToolContext, p: string): Promise<Resolved> {
  return resolveInWorkspace(ctx.workspaceDir, p, await workspaceOf(opts, ctx));
}

/** Reads at most `limit` bytes from the start of an open file. */
async function readUpTo(fh: FileHandle, limit: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let total = 0;
  for (;;) {
    const buf = Buffer.alloc(Math.min(64 * 1024, limit - total));
    if (buf.byteLength === 0) break;
    const { bytesRead } = await fh.read(buf, 0, buf.byteLength, total);
    if (bytesRead === 0) break;
    chunks.push(buf.subarray(0, bytesRead));
    total += bytesRead;
  }
  return Buffer.concat(chunks, total);
}

export function readFileTool(opts: FileToolOptions): ToolDefinition<{ path: string }> {
  const max = opts.maxFileBytes;
  return defineTool<{ path: string }>({
    name: "read_file",
    description:
      `Reads a UTF-8 text file from the run's workspace and returns its contents. ` +
      `The path is relative to the workspace root; paths outside the workspace are rejected. ` +
      `Files larger than ${max} bytes are rejected.`,
    input: {
      type: "object",
      properties: {
        path: { type: "string", minLength: 1, description: "File path, relative to the workspace root." },
      },
      required: ["path"],
      additionalProperties: false,
    },
    async run({ path: p }, ctx) {
      const r = await resolve(opts, ctx, p);
      let fh: FileHandle | undefined;
      try {
        fh = await openBeneath(r, C.O_RDONLY);
        const st = await fh.stat();
        if (!st.isFile()) throw new TerminalError(`${r.shown} is not a regular file`, { kind: "not_a_file" });
        if (st.size > max) throw tooLarge(r.shown, st.size, max);
        // The file may have grown since the stat: read one byte past the limit at most.
        const buf = await readUpTo(fh, max + 1);
        if (buf.byteLength > max) throw tooLarge(r.shown, max, max, true);
        return buf.toString("utf8");
      } catch (err) {
        throw fileError(err, r.shown);
      } finally {
        await fh?.close().catch(() => undefined);
      }
    },
  });
}

export function writeFileTool(opts: FileToolOptions): ToolDefinition<{ path: string; content: string }> {
  const max = opts.maxFileBytes;
  return defineTool<{ path: string; content: string }>({
    name: "write_file",
    description:
      `Writes a UTF-8 text file in the run's workspace, replacing it if it exists and creating ` +
      `parent directories as needed. The path is relative to the workspace root; paths outside ` +
      `the workspace are rejected. Content is limited to ${max} bytes, and the workspace to ` +
      `${opts.quotaBytes} bytes in all.`,
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
      if (bytes > max) throw tooLarge(shownPath(ctx.workspaceDir, p), bytes, max);
      const r = await resolve(opts, ctx, p);
      let fh: FileHandle | undefined;
      try {
        // The workspace's quota: what it holds, less the file this replaces, plus the new content.
        const used = await workspaceUsage(r.ws.dir);
        const replaced = await lstatSize(r.abs);
        if (used - replaced + bytes > opts.quotaBytes) {
          throw quotaExceeded(
            `write_file refused: writing ${bytes} bytes to ${r.shown} would take the run's workspace over its quota of ${opts.quotaBytes} bytes (it holds ${used} bytes); remove files first`,
          );
        }
        fh = await openBeneath(r, C.O_WRONLY | C.O_CREAT, { mkdirs: true });
        const st = await fh.stat();
        if (!st.isFile()) throw new TerminalError(`${r.shown} is not a regular file`, { kind: "not_a_file" });
        const owner = r.ws.owner;
        if (owner && (st.uid !== owner.uid || st.gid !== owner.gid)) await fh.chown(owner.uid, owner.gid);
        await fh.truncate(0);
        await fh.write(content, 0, "utf8");
      } catch (err) {
        throw fileError(err, r.shown);
      } finally {
        await fh?.close().catch(() => undefined);
      }
      return `wrote ${bytes} bytes to ${path.isAbsolute(p) ? r.rel : p}`;
    },
  });
}

export function listFilesTool(opts: FileToolOptions): ToolDefinition<{ path: string }> {
  return defineTool<{ path: string }>({
    name: "list_files",
    description:
      `Lists the entries of a directory in the run's workspace, one per line, sorted; ` +
      `directories end with "/". The path is relative to the workspace root (default: the root).`,
    input: {
      type: "object",
      properties: {
        path: {
          type: "string",
          default: ".",
          description: 'Directory path, relative to the workspace root (default ".").',
        },
      },
      additionalProperties: false,
    },
    async run({ path: p = "." }, ctx) {
      const r = await resolve(opts, ctx, p);
      let fh: FileHandle | undefined;
      try {
        fh = await openBeneath(r, C.O_RDONLY);
        const st = await fh.stat();
        if (!st.isDirectory()) throw new TerminalError(`${r.shown} is not a directory`, { kind: "not_a_directory" });
        const names = (await readdirOf(fh, r.abs)).map((e) => (e.isDir ? `${e.name}/` : e.name));
        return names.sort().join("\n");
      } catch (err) {
        throw fileError(err, r.shown);
      } finally {
        await fh?.close().catch(() => undefined);
      }
    },
  });
}
