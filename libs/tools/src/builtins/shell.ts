import { spawn, spawnSync } from "node:child_process";
import { accessSync, constants as C, lstatSync, readlinkSync } from "node:fs";
import path from "node:path";
import { RetryableError, TerminalError } from "@cairn/runtime";
import { defineTool } from "../define.js";
import type { ToolDefinition } from "../define.js";
import { abortError } from "./abort.js";
import {
  claimWorkspace,
  errnoCode,
  openWorkspace,
  quotaExceeded,
  SANDBOX_UID_BASE,
  SANDBOX_UID_COUNT,
  workspaceUsage,
  type Workspace,
} from "./workspace.js";

export interface ShellArgs {
  command: string;
  timeoutMs?: number;
}

export const SHELL_DEFAULT_TIMEOUT_MS = 60_000;
export const SHELL_MAX_TIMEOUT_MS = 600_000;
/** Each of stdout and stderr is cut to this many bytes. */
export const SHELL_MAX_OUTPUT_BYTES = 64 * 1024;
const HEARTBEAT_MS = 5_000;
/** The only PATH a command gets. */
export const SANDBOX_PATH = "/usr/local/bin:/usr/bin:/bin";

/**
 * Where the shell tool runs commands. A command must not see the tool-runner's secrets: its
 * environment (`/proc/<pid>/environ` keeps what the process started with, whatever it scrubs
 * later), its credentials files, or other runs' workspaces. So it never runs in the tool-runner's
 * own context:
 *
 * - `setpriv` (util-linux; the tool-runner runs as root): each run's commands run as a uid of their
 *   own (see claimWorkspace: 200000 + a hash of the run id, no passwd entry needed), with no
 *   supplementary groups, no capabilities (inheritable and bounding sets cleared), no new
 *   privileges, an empty environment, in the run's workspace (0700, owned by that uid) — a
 *   different uid cannot read the tool-runner's /proc entries or its 0600 files. With `unshare`
 *   (util-linux) each call also gets a PID namespace and its own /proc: it sees no other process,
 *   and everything it started dies with it.
 * - `bwrap` (bubblewrap): namespaces with only the system directories (read-only), the run's
 *   workspace, a private /tmp, /proc and /dev; the tool-runner's files are not there at all.
 *
 * Either way files are limited to the workspace quota (RLIMIT_FSIZE: `prlimit`, else `ulimit -f`).
 * Where neither is available, the shell tool refuses to start.
 */
export type ShellSandboxKind = "setpriv" | "bwrap";

export interface ShellSandboxOptions {
  /** "auto" (default): setpriv when this process is root, else bubblewrap when installed. */
  kind?: "auto" | ShellSandboxKind;
  /** The binaries (absolute paths); null: not available. Default: looked up on PATH and the system directories. */
  setpriv?: string | null;
  bwrap?: string | null;
  prlimit?: string | null;
  unshare?: string | null;
  /**
   * Let commands reach the network (off by default: a command could otherwise reach the cloud
   * metadata address, NATS or other local services, which http_fetch refuses). Off: each call in a
   * network namespace of its own with no interface up (setpriv with unshare), or bubblewrap without
   * --share-net.
   */
  network?: boolean;
  /**
   * Pick the sandbox at the first call instead of now (a tool list for names only, e.g. to
   * provision consumers on a host that will not run commands); a call then fails if there is none.
   */
  lazy?: boolean;
  /** Told which sandbox was picked (the tool-runner logs it). */
  report?: (sandbox: ShellSandbox) => void;
}

/** The sandbox the shell tool picked. */
export interface ShellSandbox {
  kind: ShellSandboxKind;
  /** The sandbox binary. */
  binary: string;
  /** Each call in a PID namespace of its own. */
  pidNamespace: boolean;
  /** How file sizes are limited. */
  fileSizeLimit: "prlimit" | "ulimit";
  /** The workspace quota, which is also every file's size limit. */
  quotaBytes: number;
  /** One line, for the tool-runner's log. */
  description: string;
  /** The command line running `command` in the workspace `dir` (as `uid` with setpriv), with `env`. */
  argv(command: string, dir: string | undefined, uid: number | undefined, env: Record<string, string>): string[];
}

/** No sandbox to run commands in: the shell tool cannot start. */
export class ShellSandboxUnavailableError extends Error {
  override readonly name = "ShellSandboxUnavailableError";
}

const SYSTEM_DIRS = ["/usr/local/bin", "/usr/bin", "/bin", "/usr/local/sbin", "/usr/sbin", "/sbin"];

/** An executable named `name` on PATH or in the system directories (absolute paths only). */
export function findBinary(name: string): string | undefined {
  const dirs = [...(process.env["PATH"] ?? "").split(path.delimiter), ...SYSTEM_DIRS].filter((d) => path.isAbsolute(d));
  for (const d of dirs) {
    const p = path.join(d, name);
    if (executable(p)) return p;
  }
  return undefined;
}

function executable(p: string): boolean {
  try {
    accessSync(p, C.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** The binary to use: the option's (null: none), else the one found. */
function binary(opt: string | null | undefined, name: string): { path?: string; why?: string } {
  if (opt === null) return { why: `${name} is not available (disabled)` };
  if (opt !== undefined)
    return executable(opt) ? { path: opt } : { why: `${name} is not installed (no executable ${opt})` };
  const found = findBinary(name);
  return found ? { path: found } : { why: `${name} is not installed` };
}

/**
 * The script the sandboxed /bin/sh runs: files it creates are private (umask 077), file sizes are
 * limited when prlimit is not there to do it, then the command replaces it (same pid, same exit status).
 */
function wrapper(ulimitBlocks: number | undefined): string {
  return `umask 077; ${ulimitBlocks !== undefined ? `ulimit -f ${ulimitBlocks} || exit 126; ` : ""}exec /bin/sh -c "$1"`;
}

/** bwrap arguments for the system directories: read-only, merged-/usr links kept as links. */
function systemBinds(): string[] {
  const out: string[] = [];
  for (const p of ["/usr", "/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32"]) {
    try {
      const st = lstatSync(p);
      if (st.isSymbolicLink()) out.push("--symlink", readlinkSync(p), p);
      else if (st.isDirectory()) out.push("--ro-bind", p, p);
    } catch {
      // not on this system
    }
  }
  for (const p of [
    "/etc/alternatives",
    "/etc/ld.so.cache",
    "/etc/ld.so.conf",
    "/etc/ld.so.conf.d",
    "/etc/ssl",
    "/etc/ca-certificates",
    "/etc/resolv.conf",
    "/etc/hosts",
    "/etc/nsswitch.conf",
    "/etc/passwd",
    "/etc/group",
    "/etc/localtime",
  ]) {
    out.push("--ro-bind-try", p, p);
  }
  return out;
}

const PROBE_UID = SANDBOX_UID_BASE + SANDBOX_UID_COUNT - 1;

/** Runs `echo "$(id -u) $$"` through a sandbox's argv; returns the output or why it failed. */
function probe(argv: string[]): { out?: string; why?: string } {
  const r = spawnSync(argv[0]!, argv.slice(1), {
    cwd: "/",
    env: { PATH: SANDBOX_PATH },
    encoding: "utf8",
    timeout: 10_000,
    stdio: ["ignore", "pipe", "pipe"],
  });
  if (r.error) return { why: `${errnoCode(r.error) ?? r.error.message}` };
  if (r.status !== 0)
    return { why: `exit ${r.status ?? r.signal}: ${(r.stderr || r.stdout).trim().split("\n")[0] ?? ""}` };
  return { out: r.stdout.trim() };
}

/**
 * Picks the shell tool's sandbox (see ShellSandboxKind), checking that it works by running a probe
 * command through it. Throws ShellSandboxUnavailableError, saying why and what to do, when there is none.
 */
export function resolveShellSandbox(opts: ShellSandboxOptions, quotaBytes: number): ShellSandbox {
  const key = JSON.stringify([
    opts.kind,
    opts.setpriv,
    opts.bwrap,
    opts.prlimit,
    opts.unshare,
    opts.network === true,
    quotaBytes,
    process.env["PATH"],
  ]);
  const hit = picked.get(key);
  if (hit) return hit;
  const s = pickSandbox(opts, quotaBytes);
  picked.set(key, s);
  return s;
}

/** Sandboxes picked (and probed) in this process, by their options. */
const picked = new Map<string, ShellSandbox>();

function pickSandbox(opts: ShellSandboxOptions, quotaBytes: number): ShellSandbox {
  const kind = opts.kind ?? "auto";
  const uid = process.getuid?.();
  const reasons: string[] = [];
  const prlimit = binary(opts.prlimit, "prlimit").path;
  const limits = (rest: string[]): string[] =>
    prlimit ? [prlimit, `--fsize=${quotaBytes}:${quotaBytes}`, "--", ...rest] : rest;
  const blocks = prlimit ? undefined : Math.max(1, Math.ceil(quotaBytes / 512));
  const sizeNote = `files limited to ${quotaBytes} bytes (${prlimit ? "prlimit" : "ulimit -f"})`;
  const inner = (command: string): string[] => ["/bin/sh", "-c", wrapper(blocks), "cairn-shell", command];

  if (kind === "auto" || kind === "setpriv") {
    const setpriv = binary(opts.setpriv, "setpriv");
    if (process.platform !== "linux") reasons.push("setpriv: this is not Linux");
    else if (!setpriv.path) reasons.push(`${setpriv.why} (Debian/Ubuntu package util-linux)`);
    else if (uid !== 0)
      reasons.push(
        `setpriv needs root to run each run's commands as a uid of their own, and this tool-runner runs as uid ${uid}`,
      );
    else {
      const sp = setpriv.path;
      const drop = (u: number, command: string): string[] => [
        sp,
        `--reuid=${u}`,
        `--regid=${u}`,
        "--clear-groups",
        "--no-new-privs",
        "--inh-caps=-all",
        "--bounding-set=-all",
        "--",
        ...inner(command),
      ];
      const unshare = binary(opts.unshare, "unshare");
      const pidns = (rest: string[]): string[] => [
        unshare.path!,
        "--pid",
        ...(opts.network === true ? [] : ["--net"]),
        "--fork",
        "--kill-child",
        "--mount-proc",
        "--",
        ...rest,
      ];
      const make = (withPidns: boolean, note: string): ShellSandbox => ({
        kind: "setpriv",
        binary: sp,
        pidNamespace: withPidns,
        fileSizeLimit: prlimit ? "prlimit" : "ulimit",
        quotaBytes,
        description:
          `setpriv (${sp}): each run's commands run as a uid of their own (${SANDBOX_UID_BASE}-${SANDBOX_UID_BASE + SANDBOX_UID_COUNT - 1}, from the run id), ` +
          `with no groups, no capabilities and no new privileges, an empty environment, in the run's workspace (0700, owned by that uid); ${note}; ${sizeNote}`,
        argv: (command, _dir, u) => {
          if (u === undefined) throw new Error("setpriv sandbox: no uid for the command");
          const base = limits(drop(u, command));
          return withPidns ? pidns(base) : base;
        },
      });
      const cmd = 'echo "$(id -u) $$"';
      let unshareWhy = unshare.why;
      if (unshare.path) {
        const r = probe(pidns(limits(drop(PROBE_UID, cmd))));
        if (r.out === `${PROBE_UID} 1`)
          return make(
            true,
            `each call in a PID namespace of its own (${unshare.path}): it sees no other process, and what it leaves running dies with it${opts.network === true ? "" : "; and in a network namespace with no interface up: no network (CAIRN_SHELL_NETWORK=1 allows it)"}`,
          );
        unshareWhy = `unshare --pid failed: ${r.why ?? r.out}`;
      }
      const r = probe(limits(drop(PROBE_UID, cmd)));
      if (r.out?.split(" ")[0] === String(PROBE_UID)) {
        return make(
          false,
          `no PID namespace (${unshareWhy}): processes a command leaves in the background outlive the call`,
        );
      }
      reasons.push(`setpriv could not switch to uid ${PROBE_UID}: ${r.why ?? r.out}`);
    }
  }
  if (kind === "auto" || kind === "bwrap") {
    const bwrap = binary(opts.bwrap, "bwrap");
    if (!bwrap.path)
      reasons.push(`${(bwrap.why ?? "").replace("bwrap", "bubblewrap (bwrap)")} (Debian/Ubuntu package bubblewrap)`);
    else {
      const bw = bwrap.path;
      const binds = systemBinds();
      const argv = (command: string, dir: string | undefined, env: Record<string, string>): string[] => {
        const setenv = Object.entries(env).flatMap(([k, v]) => ["--setenv", k, v]);
        const ws = dir ? ["--bind", dir, dir, "--chdir", dir] : ["--chdir", "/"];
        return limits([
          bw,
          "--unshare-all",
          ...(opts.network === true ? ["--share-net"] : []),
          "--die-with-parent",
          "--new-session",
          "--cap-drop",
          "ALL",
          "--clearenv",
          ...setenv,
          ...binds,
          "--proc",
          "/proc",
          "--dev",
          "/dev",
          "--tmpfs",
          "/tmp",
          ...ws,
          "--",
          ...inner(command),
        ]);
      };
      const r = probe(argv('echo "$(id -u) $$"', undefined, { PATH: SANDBOX_PATH }));
      if (r.out) {
        return {
          kind: "bwrap",
          binary: bw,
          pidNamespace: true,
          fileSizeLimit: prlimit ? "prlimit" : "ulimit",
          quotaBytes,
          description:
            `bubblewrap (${bw}): each call in its own namespaces, with no capabilities, seeing only the system directories (read-only), the run's workspace, ` +
            `a private /tmp, /proc and /dev, with an empty environment; ${sizeNote}`,
          argv: (command, dir, _uid, env) => argv(command, dir, env),
        };
      }
      reasons.push(`bubblewrap (${bw}) could not run a command: ${r.why ?? "no output"}`);
    }
  }
  throw new ShellSandboxUnavailableError(
    `the shell tool cannot start: there is no sandbox to run commands in (${reasons.join("; ")}). ` +
      `Commands must not run in the tool-runner's own context, where they could read its credentials. ` +
      `Run the tool-runner as root with setpriv (util-linux) installed, or install bubblewrap (bwrap), or do not enable the shell tool (CAIRN_SHELL_ENABLED).`,
  );
}

class Capture {
  readonly #chunks: Buffer[] = [];
  #kept = 0;
  #total = 0;
  add(chunk: Buffer): void {
    this.#total += chunk.byteLength;
    const room = SHELL_MAX_OUTPUT_BYTES - this.#kept;
    if (room <= 0) return;
    const part = chunk.byteLength > room ? chunk.subarray(0, room) : chunk;
    this.#chunks.push(part);
    this.#kept += part.byteLength;
  }
  text(): string {
    const s = Buffer.concat(this.#chunks).toString("utf8");
    return this.#total > this.#kept ? `${s}\n[truncated: ${this.#total} bytes in all, first ${this.#kept} shown]` : s;
  }
}

export interface ShellToolOptions {
  sandbox: ShellSandboxOptions;
  /** The workspace quota: every file's size limit, checked over the whole workspace after each command. */
  quotaBytes: number;
}

/**
 * The shell tool. Unless `sandbox.lazy`, its sandbox is picked now, and it throws
 * ShellSandboxUnavailableError when there is none: the tool-runner fails at start, saying why.
 */
export function shellTool(opts: ShellToolOptions): ToolDefinition<ShellArgs> {
  const quota = opts.quotaBytes;
  let sandbox: ShellSandbox | undefined;
  const pick = (): ShellSandbox => {
    if (!sandbox) {
      sandbox = resolveShellSandbox(opts.sandbox, quota);
      opts.sandbox.report?.(sandbox);
    }
    return sandbox;
  };
  if (!opts.sandbox.lazy) pick();
  return defineTool<ShellArgs>({
    name: "shell",
    description:
      `Runs a command with /bin/sh -c in the run's workspace directory and returns JSON ` +
      `{exitCode, stdout, stderr} (each stream cut to ${SHELL_MAX_OUTPUT_BYTES} bytes). A non-zero exit ` +
      `code is a result, not an error. The command is killed after timeoutMs (default ` +
      `${SHELL_DEFAULT_TIMEOUT_MS} ms), and then the result has exitCode null and timedOut true. ` +
      `stdin is empty. The command runs in a sandbox as an unprivileged user; its environment is empty but for ` +
      `PATH, HOME (the workspace), CAIRN_IDEMPOTENCY_KEY, CAIRN_RUN_ID and CAIRN_WORKSPACE; a command with external ` +
      `side effects should pass CAIRN_IDEMPOTENCY_KEY on, since a call can be re-executed after a crash. Files are ` +
      `limited to ${quota} bytes, and so is the whole workspace: past it the call fails with quota_exceeded.`,
    input: {
      type: "object",
      properties: {
        command: { type: "string", minLength: 1, description: "Shell command line (POSIX sh)." },
        timeoutMs: {
          type: "integer",
          minimum: 1,
          maximum: SHELL_MAX_TIMEOUT_MS,
          default: SHELL_DEFAULT_TIMEOUT_MS,
          description: `Kill the command after this many milliseconds (default ${SHELL_DEFAULT_TIMEOUT_MS}).`,
        },
      },
      required: ["command"],
      additionalProperties: false,
    },
    // Our own timer kills the command; the runner's limit only needs to leave room for it.
    timeoutMs: SHELL_MAX_TIMEOUT_MS + 10_000,
    async run({ command, timeoutMs = SHELL_DEFAULT_TIMEOUT_MS }, ctx) {
      if (ctx.signal.aborted) throw abortError(ctx.signal, "shell");
      let sb: ShellSandbox;
      try {
        sb = pick();
      } catch (err) {
        throw new TerminalError(err instanceof Error ? err.message : String(err), { kind: "sandbox_unavailable" });
      }
      const ws: Workspace =
        sb.kind === "setpriv"
          ? await claimWorkspace(ctx.workspaceDir, ctx.runId, ctx.log)
          : await openWorkspace(ctx.workspaceDir);
      const cwd = ws.dir;
      // Nothing of this process's environment: only what the command needs, and the call's identity.
      const env: Record<string, string> = {
        PATH: SANDBOX_PATH,
        HOME: cwd,
        PWD: cwd,
        CAIRN_IDEMPOTENCY_KEY: ctx.idempotencyKey,
        CAIRN_RUN_ID: ctx.runId,
        CAIRN_WORKSPACE: cwd,
      };
      const argv = sb.argv(command, cwd, ws.owner?.uid, env);

      const exit = await new Promise<{
        code: number | null;
        signal: NodeJS.Signals | null;
        timedOut: boolean;
        stdout: string;
        stderr: string;
      }>((resolve, reject) => {
        // detached: the sandbox gets its own process group, so a kill reaches all of it.
        const child = spawn(argv[0]!, argv.slice(1), { cwd, env, stdio: ["ignore", "pipe", "pipe"], detached: true });
        const stdout = new Capture();
        const stderr = new Capture();
        child.stdout.on("data", (c: Buffer) => stdout.add(c));
        child.stderr.on("data", (c: Buffer) => stderr.add(c));

        let timedOut = false;
        let aborted = false;
        const killGroup = (): void => {
          if (child.pid === undefined) return;
          try {
            process.kill(-child.pid, "SIGKILL");
          } catch {
            child.kill("SIGKILL");
          }
        };
        const timer = setTimeout(() => {
          timedOut = true;
          killGroup();
        }, timeoutMs);
        const beat = setInterval(() => ctx.heartbeat(), HEARTBEAT_MS);
        const onAbort = (): void => {
          aborted = true;
          killGroup();
        };
        ctx.signal.addEventListener("abort", onAbort, { once: true });
        if (ctx.signal.aborted) onAbort();
        const cleanup = (): void => {
          clearTimeout(timer);
          clearInterval(beat);
          ctx.signal.removeEventListener("abort", onAbort);
        };

        child.once("error", (err) => {
          cleanup();
          reject(
            new RetryableError(`the shell sandbox could not start the command (${errnoCode(err) ?? "error"})`, {
              kind: "spawn_failed",
            }),
          );
        });
        // "close" waits for the output pipes too (children of the shell may hold them open).
        child.once("close", (code, signal) => {
          cleanup();
          if (aborted) return reject(abortError(ctx.signal, "shell"));
          resolve({ code, signal, timedOut, stdout: stdout.text(), stderr: stderr.text() });
        });
      });

      // The quota: each file is held to it by RLIMIT_FSIZE; the whole workspace is counted now.
      const used = await workspaceUsage(cwd, quota);
      if (used > quota) {
        throw quotaExceeded(
          `the command ${exit.timedOut ? "timed out" : `exited with ${exit.code ?? exit.signal}`}, and the run's workspace now holds more than its quota of ${quota} bytes: ` +
            `remove files (write_file is refused until it is under)`,
        );
      }
      return JSON.stringify({
        exitCode: exit.code,
        stdout: exit.stdout,
        stderr: exit.stderr,
        ...(exit.timedOut ? { timedOut: true } : exit.signal ? { signal: exit.signal } : {}),
      });
    },
  });
}
