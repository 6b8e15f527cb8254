import { createHash } from "node:crypto";
import { constants as C, existsSync, promises as fs } from "node:fs";
import type { FileHandle } from "node:fs/promises";
import path from "node:path";
import { TerminalError } from "@cairn/runtime";

/**
 * Each run's files live in its own workspace directory, `<workspace root>/<runId>`. The run's
 * commands (the shell tool) may run there as a uid of their own, so everything here assumes the
 * directory's contents are written by someone who may be hostile: links are never followed out of
 * it, and the file tools open what they checked, not what a path names a moment later.
 *
 * Errors that reach the model (and the run's log) never carry an absolute path: a path is shown
 * relative to the workspace, or not at all.
 */

/** The error code of a Node system error, if any. */
export function errnoCode(err: unknown): string | undefined {
  if (err && typeof err === "object" && "code" in err && typeof err.code === "string") {
    return (err as { code: string }).code;
  }
  return undefined;
}

/** Per-run uids and gids of the shell sandbox: `SANDBOX_UID_BASE + n`, n < SANDBOX_UID_COUNT. */
export const SANDBOX_UID_BASE = 200_000;
export const SANDBOX_UID_COUNT = 100_000;

/** The uid (and gid) a run's commands start from: derived from the run id, in the sandbox range. */
export function sandboxUidOf(runId: string): number {
  return SANDBOX_UID_BASE + (createHash("sha256").update(runId).digest().readUInt32BE(0) % SANDBOX_UID_COUNT);
}

export function isSandboxUid(uid: number): boolean {
  return uid >= SANDBOX_UID_BASE && uid < SANDBOX_UID_BASE + SANDBOX_UID_COUNT;
}

/** Who the files of a workspace belong to, when that is not this process's user. */
export interface Owner {
  uid: number;
  gid: number;
}

/** A run's workspace, created and checked: its real path, and who its files must belong to. */
export interface Workspace {
  /** The real path of the run's workspace directory. */
  dir: string;
  /** Set when this process is root and the workspace belongs to another uid (a sandbox's). */
  owner?: Owner;
}

const isRoot = (): boolean => process.getuid?.() === 0;
/** Linux: open files below a directory through /proc/self/fd, the way openat would. */
const PROC_FD = process.platform === "linux" && existsSync("/proc/self/fd");

/** Whether `p` is `root` or inside it (both absolute and normalised). */
function within(root: string, p: string): boolean {
  const rel = path.relative(root, p);
  return rel === "" || (rel !== ".." && !rel.startsWith(`..${path.sep}`) && !path.isAbsolute(rel));
}

/**
 * How a tool's path argument is shown in messages: as given when relative, relative to the
 * workspace when absolute and inside it, and not at all when absolute and outside.
 */
export function shownPath(workspaceDir: string, p: string): string {
  if (!path.isAbsolute(p)) return JSON.stringify(p);
  const rel = path.relative(path.resolve(workspaceDir), path.resolve(p));
  if (rel === "") return '"."';
  if (!rel.startsWith("..") && !path.isAbsolute(rel)) return JSON.stringify(rel);
  return ABSOLUTE;
}
const ABSOLUTE = "the absolute path given";

function outside(shown: string, why?: string): TerminalError {
  return new TerminalError(
    `${shown === ABSOLUTE ? shown : `path ${shown}`} is outside the workspace${why ? ` (${why})` : ""}`,
    { kind: "path_outside_workspace" },
  );
}

function unavailable(err: unknown): TerminalError {
  return new TerminalError(`the run's workspace is not available (${errnoCode(err) ?? "error"})`, {
    kind: "workspace_unavailable",
    cause: err,
  });
}

/**
 * Creates the workspace directory (mode 0700) if needed and returns its real path. Its parent,
 * the workspace root, is created traversable (0711) so a sandboxed command can reach its own
 * workspace by name. Failures are terminal and path-free.
 */
export async function workspaceRoot(workspaceDir: string): Promise<string> {
  const lexical = path.resolve(workspaceDir);
  try {
    await fs.mkdir(path.dirname(lexical), { recursive: true, mode: 0o711 });
    await fs.mkdir(lexical, { mode: 0o700 }).catch((err: unknown) => {
      if (errnoCode(err) !== "EEXIST") throw err;
    });
    return await fs.realpath(lexical);
  } catch (err) {
    throw unavailable(err);
  }
}

/** The owner new files of a workspace directory get: its own, when this process is root and it is not. */
function ownerOf(st: { uid: number; gid: number }): Owner | undefined {
  return isRoot() && st.uid !== process.getuid?.() ? { uid: st.uid, gid: st.gid } : undefined;
}

/** Opens (creating as needed) the run's workspace for the file tools. */
export async function openWorkspace(workspaceDir: string): Promise<Workspace> {
  const dir = await workspaceRoot(workspaceDir);
  const st = await fs.stat(dir).catch((err: unknown) => {
    throw unavailable(err);
  });
  const owner = ownerOf(st);
  return owner ? { dir, owner } : { dir };
}

/** lchown every entry below `dir` (not following links), then `dir` itself. */
async function chownTree(dir: string, owner: Owner): Promise<void> {
  for (const e of await fs.readdir(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) await chownTree(p, owner);
    else await fs.lchown(p, owner.uid, owner.gid);
  }
  await fs.lchown(dir, owner.uid, owner.gid);
}

const warned = new Set<string>();

/**
 * The run's workspace for a sandboxed command (this process is root): the directory belongs to the
 * run's own uid, mode 0700, so no other run's uid can read it. The uid is the directory's owner if
 * it already has one in the sandbox range; otherwise `sandboxUidOf(runId)`, or the next one free
 * among the other workspaces under the same root (two runs never share a uid there), and the
 * directory (with whatever the file tools wrote in it) is given to it.
 *
 * The workspace root must not be writable by other users: one who could add entries could create
 * another run's workspace before it and own it.
 */
export async function claimWorkspace(
  workspaceDir: string,
  runId: string,
  log?: { warn(obj: object, msg?: string): void },
): Promise<Workspace & { owner: Owner }> {
  const lexical = path.resolve(workspaceDir);
  const rootDir = path.dirname(lexical);
  try {
    await fs.mkdir(rootDir, { recursive: true, mode: 0o711 });
    const rst = await fs.stat(rootDir);
    if (rst.mode & 0o022) {
      throw new TerminalError(
        "the workspace root is writable by other users: the shell sandbox needs a root only the tool-runner may write (e.g. mode 0711, owned by the tool-runner's user)",
        { kind: "workspace_unavailable" },
      );
    }
    if (!warned.has(rootDir)) {
      warned.add(rootDir);
      if (rst.mode & 0o044)
        log?.warn(
          { workspaceRoot: rootDir },
          "the workspace root is readable by other users: sandboxed commands can list the ids of other runs (chmod 0711 it)",
        );
      for (let d = rootDir; ; d = path.dirname(d)) {
        const st = await fs.stat(d);
        if (!(st.mode & 0o001)) {
          log?.warn(
            { workspaceRoot: rootDir, notTraversable: d },
            "a directory above the workspace root is not traversable by other users: sandboxed commands run in their workspace but cannot name it by its absolute path ($HOME); chmod o+x it",
          );
          break;
        }
        if (path.dirname(d) === d) break;
      }
    }
    await fs.mkdir(lexical, { mode: 0o700 }).catch((err: unknown) => {
      if (errnoCode(err) !== "EEXIST") throw err;
    });
    const st = await fs.lstat(lexical);
    if (!st.isDirectory())
      throw new TerminalError("the run's workspace is not a directory", { kind: "workspace_unavailable" });
    if (isSandboxUid(st.uid) && (st.mode & 0o7777) === 0o700)
      return { dir: lexical, owner: { uid: st.uid, gid: st.gid } };
    let uid = st.uid;
    if (!isSandboxUid(uid)) {
      const taken = new Set<number>();
      for (const e of await fs.readdir(rootDir)) {
        if (e === path.basename(lexical)) continue;
        const o = await fs.lstat(path.join(rootDir, e)).then(
          (s) => (s.isDirectory() ? s.uid : -1),
          () => -1,
        );
        if (isSandboxUid(o)) taken.add(o);
      }
      const start = sandboxUidOf(runId) - SANDBOX_UID_BASE;
      uid = sandboxUidOf(runId);
      for (let i = 0; i < SANDBOX_UID_COUNT; i++) {
        const u = SANDBOX_UID_BASE + ((start + i) % SANDBOX_UID_COUNT);
        if (!taken.has(u)) {
          uid = u;
          break;
        }
      }
      await chownTree(lexical, { uid, gid: uid });
    }
    await fs.chmod(lexical, 0o700);
    return { dir: lexical, owner: { uid, gid: uid } };
  } catch (err) {
    if (err instanceof TerminalError) throw err;
    throw unavailable(err);
  }
}

/** A tool's path argument resolved inside the workspace. */
export interface Resolved {
  /** The workspace (real path, owner). */
  ws: Workspace;
  /** The target's real path relative to the workspace ("" for the workspace itself); no link in it. */
  rel: string;
  /** The target's real path. */
  abs: string;
  /** How the path is shown in messages (never absolute). */
  shown: string;
}

/**
 * Resolves a tool's path argument (relative to the workspace, or absolute) to a real path inside
 * the workspace, creating the workspace on first use. Rejects `..` escapes, absolute paths
 * outside the workspace, and symbolic links that lead outside it (the nearest existing ancestor
 * is resolved with realpath; a dangling link is rejected since its target cannot be checked), with
 * a TerminalError of kind "path_outside_workspace". The path need not exist.
 */
export async function resolveInWorkspace(workspaceDir: string, p: string, ws?: Workspace): Promise<Resolved> {
  const shown = shownPath(workspaceDir, p);
  if (p.includes("\0")) throw new TerminalError(`path ${shown} contains a NUL byte`, { kind: "invalid_path" });
  const lexicalRoot = path.resolve(workspaceDir);
  const w = ws ?? (await openWorkspace(lexicalRoot));
  const root = w.dir;
  const target = path.resolve(lexicalRoot, p);
  if (!within(lexicalRoot, target) && !within(root, target)) throw outside(shown);

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
      if (code === "ELOOP") throw new TerminalError(`path ${shown} has a symbolic link loop`, { kind: "invalid_path" });
      if (code === "ENAMETOOLONG") throw new TerminalError(`path ${shown} is too long`, { kind: "invalid_path" });
      if (code === "EACCES" || code === "EPERM") throw fileError(err, shown);
      if (code !== "ENOENT" && code !== "ENOTDIR") throw fileError(err, shown);
    }
    // `existing` is missing or unreachable; if it still exists as an entry it is a dangling link.
    const isEntry = await fs.lstat(existing).then(
      (st) => st.isSymbolicLink(),
      () => false,
    );
    if (isEntry) throw outside(shown, "it goes through a dangling symbolic link");
    const parent = path.dirname(existing);
    if (parent === existing) throw outside(shown); // unreachable: the workspace root exists
    missing.unshift(path.basename(existing));
    existing = parent;
  }
  if (!within(root, resolved)) throw outside(shown, "it resolves through a symbolic link to outside the workspace");
  return { ws: w, rel: path.relative(root, resolved), abs: resolved, shown };
}

/**
 * Opens a resolved path component by component below the workspace directory, following no link
 * (through /proc/self/fd on Linux, as openat would): what is opened is what was checked, even if
 * the run's own commands swap a directory for a link meanwhile (that fails instead). With
 * `mkdirs`, missing parent directories are created (0700, given to the workspace's owner).
 */
export async function openBeneath(
  r: Resolved,
  flags: number,
  opts: { mode?: number; mkdirs?: boolean } = {},
): Promise<FileHandle> {
  const owner = r.ws.owner;
  if (!PROC_FD) {
    if (opts.mkdirs && r.rel) await fs.mkdir(path.dirname(r.abs), { recursive: true, mode: 0o700 });
    return fs.open(r.abs, flags, opts.mode);
  }
  const parts = r.rel ? r.rel.split(path.sep) : [];
  let dir = await fs.open(r.ws.dir, C.O_RDONLY | C.O_DIRECTORY);
  try {
    for (const part of parts.slice(0, -1)) {
      const at = `/proc/self/fd/${dir.fd}/${part}`;
      let made = false;
      if (opts.mkdirs) {
        made = await fs.mkdir(at, { mode: 0o700 }).then(
          () => true,
          (err: unknown) => {
            if (errnoCode(err) !== "EEXIST") throw err;
            return false;
          },
        );
      }
      const next = await fs.open(at, C.O_RDONLY | C.O_DIRECTORY | C.O_NOFOLLOW);
      if (made && owner) await next.chown(owner.uid, owner.gid);
      await dir.close();
      dir = next;
    }
    const last = parts.at(-1);
    if (last === undefined) {
      // the workspace itself
      const self = dir;
      dir = undefined as unknown as FileHandle;
      return self;
    }
    return await fs.open(`/proc/self/fd/${dir.fd}/${last}`, flags | C.O_NOFOLLOW | C.O_NONBLOCK, opts.mode);
  } finally {
    await dir?.close();
  }
}

/** The entries of an opened directory (its handle from openBeneath). */
export async function readdirOf(fh: FileHandle, abs: string): Promise<{ name: string; isDir: boolean }[]> {
  const at = PROC_FD ? `/proc/self/fd/${fh.fd}` : abs;
  const entries = await fs.readdir(at, { withFileTypes: true });
  return Promise.all(
    entries.map(async (e) => {
      let isDir = e.isDirectory();
      if (e.isSymbolicLink())
        isDir = await fs.stat(path.join(at, e.name)).then(
          (s) => s.isDirectory(),
          () => false,
        );
      return { name: e.name, isDir };
    }),
  );
}

/** Bytes in the workspace: the sizes of its files and links (directories count nothing), links not followed. Stops counting past `stopAbove`. */
export async function workspaceUsage(dir: string, stopAbove = Number.POSITIVE_INFINITY): Promise<number> {
  let total = 0;
  const walk = async (d: string): Promise<void> => {
    let entries: import("node:fs").Dirent[];
    try {
      entries = await fs.readdir(d, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) {
      if (total > stopAbove) return;
      const p = path.join(d, e.name);
      if (e.isDirectory()) await walk(p);
      else
        total += await fs.lstat(p).then(
          (s) => s.size,
          () => 0,
        );
    }
  };
  await walk(dir);
  return total;
}

/** The size of the regular file at `abs` (not following a link), 0 when there is none. */
export async function lstatSize(abs: string): Promise<number> {
  return fs.lstat(abs).then(
    (s) => (s.isFile() ? s.size : 0),
    () => 0,
  );
}

export function quotaExceeded(message: string): TerminalError {
  return new TerminalError(message, { kind: "quota_exceeded" });
}

const KINDS: Record<string, [string, string]> = {
  ENOENT: ["not_found", "no such file or directory"],
  ENOTDIR: ["not_found", "no such file or directory (a part of the path is not a directory)"],
  EISDIR: ["is_directory", "is a directory"],
  EACCES: ["permission_denied", "permission denied"],
  EPERM: ["permission_denied", "permission denied"],
  EROFS: ["permission_denied", "read-only file system"],
  ELOOP: ["invalid_path", "is a symbolic link, or the path changed while it was opened"],
  ENAMETOOLONG: ["invalid_path", "path too long"],
  EEXIST: ["exists", "already exists"],
  ENXIO: ["not_a_file", "not a regular file"],
  ENOSPC: ["no_space", "no space left on the device"],
  EDQUOT: ["quota_exceeded", "disk quota exceeded"],
  EFBIG: ["quota_exceeded", "file too large"],
};

/**
 * Maps a file-system error of a file tool to a terminal error (never retried: the same call would
 * fail the same way) whose message names the path as shown to the model, never the absolute path
 * the system error carries.
 */
export function fileError(err: unknown, shown: string): TerminalError {
  if (err instanceof TerminalError) return err;
  const code = errnoCode(err);
  const [kind, what] = code
    ? (KINDS[code] ?? ["fs_error", `file system error ${code}`])
    : ["fs_error", "file system error"];
  return new TerminalError(`${shown}: ${what}`, { kind, cause: err });
}
