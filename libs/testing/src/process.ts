import { execFile, spawn, type ChildProcess } from "node:child_process";
import { promisify } from "node:util";
import { join } from "node:path";
import { workspaceRoot } from "./util.js";

export type ServiceName = "planner" | "llm-caller" | "tool-runner";

/** A service running as its own OS process (`node services/<name>/dist/main.js`). */
export interface ServiceProcess {
  name: ServiceName;
  pid: number;
  child: ChildProcess;
  /** Parsed JSON log lines written so far. */
  logs: Record<string, unknown>[];
  /** Resolves when the process has exited (code or signal). */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  kill(signal?: NodeJS.Signals): Promise<void>;
  /** Resolves once a log line matches. */
  waitForLog(pred: (l: Record<string, unknown>) => boolean, ms?: number): Promise<Record<string, unknown>>;
}

/** NATS credentials for `cairn provision` when the server has users (the admin's). */
export interface AdminAuth {
  user: string;
  pass: string;
}

/**
 * Runs the real `cairn provision --for <service>` with a service's environment, as an admin would
 * before starting it: services never create their streams or consumers themselves. With `admin`,
 * it connects as that user instead of the service's own NATS_USER.
 */
export async function provisionFor(
  name: ServiceName,
  env: Record<string, string | undefined>,
  admin?: AdminAuth,
): Promise<void> {
  const cli = join(workspaceRoot(), "services", "cli", "bin", "cairn.js");
  const e: Record<string, string | undefined> = { PATH: process.env["PATH"], LOG_LEVEL: "warn", ...env };
  if (admin)
    Object.assign(e, {
      NATS_USER: admin.user,
      NATS_PASSWORD: admin.pass,
      NATS_TOKEN: undefined,
      NATS_CREDS: undefined,
    });
  try {
    await promisify(execFile)(process.execPath, [cli, "provision", "--for", name], { env: e });
  } catch (err) {
    const x = err as Error & { stderr?: string; stdout?: string };
    throw new Error(`cairn provision --for ${name} failed: ${x.stderr || x.stdout || x.message}`);
  }
}

/**
 * Spawns a service process with the given environment (NATS_URL, CAIRN_PREFIX, ...) and waits
 * until it logged "<name> started". First provisions what it needs (`provisionFor`), unless
 * `provision` is false (a restart: it is provisioned already).
 */
export async function spawnService(
  name: ServiceName,
  env: Record<string, string | undefined>,
  opts: { waitStarted?: boolean; provision?: boolean; admin?: AdminAuth } = {},
): Promise<ServiceProcess> {
  if (opts.provision !== false) await provisionFor(name, env, opts.admin);
  const main = join(workspaceRoot(), "services", name, "dist", "main.js");
  const child = spawn(process.execPath, [main], {
    env: { PATH: process.env["PATH"], LOG_LEVEL: "info", ...env },
    stdio: ["ignore", "ignore", "pipe"],
  });
  const logs: Record<string, unknown>[] = [];
  const watchers: { pred: (l: Record<string, unknown>) => boolean; resolve: (l: Record<string, unknown>) => void }[] =
    [];
  let buf = "";
  let raw = "";
  child.stderr.on("data", (d: Buffer) => {
    buf += d.toString();
    raw = (raw + d.toString()).slice(-8000);
    let i: number;
    while ((i = buf.indexOf("\n")) >= 0) {
      const line = buf.slice(0, i);
      buf = buf.slice(i + 1);
      try {
        const l = JSON.parse(line) as Record<string, unknown>;
        logs.push(l);
        for (const w of [...watchers]) {
          if (w.pred(l)) {
            watchers.splice(watchers.indexOf(w), 1);
            w.resolve(l);
          }
        }
      } catch {
        logs.push({ raw: line });
      }
    }
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once("exit", (code, signal) => resolve({ code, signal })),
  );
  const sp: ServiceProcess = {
    name,
    pid: child.pid ?? -1,
    child,
    logs,
    exited,
    async kill(signal = "SIGKILL") {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      await exited;
    },
    waitForLog(pred, ms = 30_000) {
      const found = logs.find(pred);
      if (found) return Promise.resolve(found);
      return new Promise((resolve, reject) => {
        const t = setTimeout(
          () =>
            reject(new Error(`${name} (pid ${child.pid}): no matching log line within ${ms} ms; stderr tail:\n${raw}`)),
          ms,
        );
        watchers.push({
          pred,
          resolve: (l) => {
            clearTimeout(t);
            resolve(l);
          },
        });
        void exited.then(({ code, signal }) => {
          clearTimeout(t);
          reject(
            new Error(
              `${name} exited (code ${code}, signal ${signal}) before the expected log line; stderr tail:\n${raw}`,
            ),
          );
        });
      });
    },
  };
  if (opts.waitStarted !== false) await sp.waitForLog((l) => l["msg"] === `${name} started`);
  return sp;
}
