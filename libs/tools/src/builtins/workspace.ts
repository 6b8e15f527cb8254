import { promises as fs } from "node:fs";
import path from "node:path";
import { TerminalError } from "@cairn/runtime";

/** The error code of a Node system error, if any. */
export function errnoCode(err: unknown): string | undefined {
  if (err && typeof err === "object" && "code" in err && typeof (err).code === "string") {
    return (err as { code: string }).code;
  }
  return undefined;
}

/** Whether `p` is `root` or inside it (both absolute and normalised). */
function within(root: string, p: string): boolean {
  const rel = path.relative(root, p);
  return rel === "" || (rel !== ".." && !rel.startsWith(`..${path.sep}`) && !path.isAbsolute(rel));
}

function outside(p: string, why?: string): TerminalError {
  return new TerminalError(`path "${p}" is outside the workspace${why ? ` (${why})` : ""}`, { kind: "path_outside_workspace" });
}

/** Creates the workspace directory if needed and returns its real path. */
export async function workspaceRoot(workspaceDir: string): Promise<string> {
  const lexical = path.resolve(workspaceDir);
  await fs.mkdir(lexical, { recursive: true });
  return fs.realpath(lexical);
}

/**
 * Resolves a tool's path argument (relative to the workspace, or absolute) to a real path inside
 * the workspace, creating the workspace on first use. Rejects `..` escapes, absolute paths
 * outside the workspace, and symbolic links that lead outside it (the nearest existing ancestor
 * is resolved with realpath; a dangling link is rejected since its target cannot be checked), with
 * a TerminalError of kind "path_outside_workspace". The path need not exist.
 */
export async function resolveInWorkspace(workspaceDir: string, p: string): Promise<string> {
  if (p.includes("\0")) throw new TerminalError(`path ${JSON.stringify(p)} contains a NUL byte`, { kind: "invalid_path" });
  const lexicalRoot = path.resolve(workspaceDir);
  const root = await workspaceRoot(lexicalRoot);
  const target = path.resolve(lexicalRoot, p);
  if (!within(lexicalRoot, target) && !within(root, target)) throw outside(p);

  // Resolve symlinks in the longest existing prefix; the rest does not exist yet.
  const missing: string[] = [];
  let existing = target;
  let resolved: string;
  for (;;) {
    try {
      resolved = path.join(await fs.realpath(existing), ...missing);
      break;
    } catch (err) {
      const code = errnoCode(err);
      if (code === "ELOOP") throw new TerminalError(`path "${p}" has a symbolic link loop`, { kind: "invalid_path" });
      if (code !== "ENOENT" && code !== "ENOTDIR") throw err;
    }
    // `existing` is missing or unreachable; if it still exists as an entry it is a dangling link.
    const isEntry = await fs.lstat(existing).then(
      (st) => st.isSymbolicLink(),
      () => false,
    );
    if (isEntry) throw outside(p, "it goes through a dangling symbolic link");
    const parent = path.dirname(existing);
    if (parent === existing) throw outside(p); // unreachable: the workspace root exists
    missing.unshift(path.basename(existing));
    existing = parent;
  }
  if (!within(root, resolved)) throw outside(p, "it resolves through a symbolic link to outside the workspace");
  return resolved;
}

/** Maps the usual file-system errors to terminal tool errors; others are rethrown as they are. */
export function fileError(err: unknown, p: string): unknown {
  switch (errnoCode(err)) {
    case "ENOENT":
    case "ENOTDIR":
      return new TerminalError(`no such file or directory: "${p}"`, { kind: "not_found", cause: err });
    case "EISDIR":
      return new TerminalError(`"${p}" is a directory`, { kind: "is_directory", cause: err });
    case "EACCES":
    case "EPERM":
      return new TerminalError(`permission denied: "${p}"`, { kind: "permission_denied", cause: err });
    default:
      return err;
  }
}
