import { spawn } from "node:child_process";
import { defineTool } from "../define.js";
import type { ToolDefinition } from "../define.js";
import { abortError } from "./abort.js";
import { workspaceRoot } from "./workspace.js";

export interface ShellArgs {
  command: string;
  timeoutMs?: number;
}

export const SHELL_DEFAULT_TIMEOUT_MS = 60_000;
export const SHELL_MAX_TIMEOUT_MS = 600_000;
/** Each of stdout and stderr is cut to this many bytes. */
export const SHELL_MAX_OUTPUT_BYTES = 64 * 1024;
const HEARTBEAT_MS = 5_000;

/**
 * The environment the command sees: a few basics from this process (not its secrets: API keys,
 * NATS credentials and the like stay out) plus the call's identity.
 */
const PASSED_ENV = ["PATH", "LANG", "LC_ALL", "LC_CTYPE", "TZ", "TMPDIR", "USER", "LOGNAME", "SHELL", "TERM"];

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

export function shellTool(): ToolDefinition<ShellArgs> {
  return defineTool<ShellArgs>({
    name: "shell",
    description:
      `Runs a command with /bin/sh -c in the run's workspace directory and returns JSON ` +
      `{exitCode, stdout, stderr} (each stream cut to ${SHELL_MAX_OUTPUT_BYTES} bytes). A non-zero exit ` +
      `code is a result, not an error. The command is killed after timeoutMs (default ` +
      `${SHELL_DEFAULT_TIMEOUT_MS} ms), and then the result has exitCode null and timedOut true. ` +
      `stdin is empty. The environment has PATH and a few basics plus CAIRN_IDEMPOTENCY_KEY, CAIRN_RUN_ID ` +
      `and CAIRN_WORKSPACE; a command with external side effects should pass CAIRN_IDEMPOTENCY_KEY on, since ` +
      `a call can be re-executed after a crash.`,
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
      const cwd = await workspaceRoot(ctx.workspaceDir);
      const env: Record<string, string> = {};
      for (const k of PASSED_ENV) {
        const v = process.env[k];
        if (v !== undefined) env[k] = v;
      }
      env["PATH"] ??= "/usr/local/bin:/usr/bin:/bin";
      env["HOME"] = cwd;
      env["PWD"] = cwd;
      env["CAIRN_IDEMPOTENCY_KEY"] = ctx.idempotencyKey;
      env["CAIRN_RUN_ID"] = ctx.runId;
      env["CAIRN_WORKSPACE"] = cwd;

      return new Promise<string>((resolve, reject) => {
        // detached: the command gets its own process group, so a kill reaches its children too.
        const child = spawn("/bin/sh", ["-c", command], { cwd, env, stdio: ["ignore", "pipe", "pipe"], detached: true });
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
          reject(err);
        });
        // "close" waits for the output pipes too (children of the shell may hold them open).
        child.once("close", (code, signal) => {
          cleanup();
          if (aborted) return reject(abortError(ctx.signal, "shell"));
          resolve(
            JSON.stringify({
              exitCode: code,
              stdout: stdout.text(),
              stderr: stderr.text(),
              ...(timedOut ? { timedOut: true } : signal ? { signal } : {}),
            }),
          );
        });
      });
    },
  });
}
