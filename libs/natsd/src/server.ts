import { spawn, type ChildProcess } from "node:child_process";
import {
  chmodSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  writeFileSync,
  existsSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { findNatsServer } from "./find.js";

export interface NatsServerOptions {
  /** Port to listen on; random free port when omitted. */
  port?: number;
  /** JetStream store dir; a fresh temp dir (removed by `stop({ clean: true })`) when omitted. */
  storeDir?: string;
  /** `sync_interval` for JetStream: "always" fsyncs every write before the ack. */
  syncInterval?: string;
  /** Largest message the server accepts, in bytes (server default 1 MiB). */
  maxPayload?: number;
  /** Extra config text appended to the generated config. */
  extraConfig?: string;
  /** Server log file; none when omitted. */
  logFile?: string;
  /**
   * Path to the binary; found with findNatsServer() (patched releases only) when omitted. A binary
   * given here is started as is, without a version check (tests start old ones on purpose).
   */
  binary?: string;
  /** Server name (JetStream needs stable names in clusters). */
  serverName?: string;
  /**
   * Clients must present this token (`authorization { token }`). It goes into the generated config
   * file only (mode 0600), never onto the server's command line, where any local process could read
   * it (ps, /proc/<pid>/cmdline, monitoring: CVE-2026-33247). Not for use with `extraConfig`
   * that configures accounts or users of its own.
   */
  token?: string;
}

export interface RunningNatsServer {
  readonly url: string;
  readonly port: number;
  readonly storeDir: string;
  readonly configFile: string;
  readonly version: string;
  /** The token clients must present, when the server was started with one. */
  readonly token: string | undefined;
  pid(): number;
  /** SIGKILLs the server (no clean shutdown), leaving the store as it is. */
  kill(): Promise<void>;
  /** Starts the server again on the same port and store. */
  restart(): Promise<void>;
  /** Stops the server (SIGTERM, then SIGKILL); `clean` removes a temp store. */
  stop(opts?: { clean?: boolean }): Promise<void>;
}

function waitExit(child: ChildProcess, ms: number): Promise<boolean> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(true);
  return new Promise((resolve) => {
    const t = setTimeout(() => resolve(false), ms);
    child.once("exit", () => {
      clearTimeout(t);
      resolve(true);
    });
  });
}

async function waitFor<T>(
  what: string,
  ms: number,
  fn: () => T | undefined,
  child: ChildProcess,
  errText: () => string,
): Promise<T> {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    const v = fn();
    if (v !== undefined) return v;
    if (child.exitCode !== null)
      throw new Error(`nats-server exited (code ${child.exitCode}) before ${what}: ${errText()}`);
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`nats-server: timed out waiting for ${what}: ${errText()}`);
}

/**
 * Starts a real nats-server with JetStream on 127.0.0.1. Resolves once the server has written its
 * ports file (it is then accepting connections).
 */
export async function startNatsServer(opts: NatsServerOptions = {}): Promise<RunningNatsServer> {
  if (opts.token !== undefined && !/^[A-Za-z0-9_-]{16,}$/.test(opts.token))
    throw new Error(
      "nats-server token: at least 16 characters, letters, digits, '-' and '_' only (e.g. 32 random bytes in base64url)",
    );
  const bin = opts.binary ? { path: opts.binary, version: "unknown" } : findNatsServer();
  const ownStore = !opts.storeDir;
  const base = mkdtempSync(join(tmpdir(), "cairn-nats-"));
  const storeDir = opts.storeDir ?? join(base, "store");
  mkdirSync(storeDir, { recursive: true });
  const portsDir = join(base, "ports");
  mkdirSync(portsDir, { recursive: true });
  const configFile = join(base, "nats.conf");
  let port = opts.port ?? -1;
  let child: ChildProcess;
  let stderr = "";

  const writeConfig = (): void => {
    const lines = [
      `listen: "127.0.0.1:${port}"`,
      opts.serverName ? `server_name: ${JSON.stringify(opts.serverName)}` : "",
      `ports_file_dir: ${JSON.stringify(portsDir)}`,
      opts.maxPayload ? `max_payload: ${opts.maxPayload}` : "",
      `jetstream {`,
      `  store_dir: ${JSON.stringify(storeDir)}`,
      opts.syncInterval ? `  sync_interval: ${opts.syncInterval}` : "",
      `}`,
      opts.logFile ? `log_file: ${JSON.stringify(opts.logFile)}` : "",
      opts.token !== undefined ? `authorization {\n  token: ${JSON.stringify(opts.token)}\n}` : "",
      opts.extraConfig ?? "",
    ];
    // Owner-only: the file may hold the token (created so, and tightened if it already existed).
    writeFileSync(configFile, lines.filter(Boolean).join("\n") + "\n", { mode: 0o600 });
    chmodSync(configFile, 0o600);
  };

  const launch = async (): Promise<void> => {
    for (const f of readdirSync(portsDir)) rmSync(join(portsDir, f), { force: true });
    writeConfig();
    stderr = "";
    child = spawn(bin.path, ["-c", configFile], { stdio: ["ignore", "ignore", "pipe"] });
    child.stderr?.on("data", (d: Buffer) => {
      stderr = (stderr + d.toString()).slice(-4000);
    });
    const pid = child.pid;
    if (pid === undefined) throw new Error(`could not start ${bin.path}`);
    const portsFile = join(portsDir, `nats-server_${pid}.ports`);
    const url = await waitFor(
      "its ports file",
      15_000,
      () => {
        if (!existsSync(portsFile)) return undefined;
        try {
          const info = JSON.parse(readFileSync(portsFile, "utf8")) as { nats?: string[] };
          return info.nats?.[0];
        } catch {
          return undefined;
        }
      },
      child,
      () => stderr,
    );
    port = Number(new URL(url).port);
  };

  await launch();

  const server: RunningNatsServer = {
    get url() {
      return `nats://127.0.0.1:${port}`;
    },
    get port() {
      return port;
    },
    storeDir,
    configFile,
    version: bin.version,
    token: opts.token,
    pid: () => child.pid ?? -1,
    async kill() {
      child.kill("SIGKILL");
      await waitExit(child, 10_000);
    },
    async restart() {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill("SIGKILL");
        await waitExit(child, 10_000);
      }
      await launch();
    },
    async stop({ clean = true } = {}) {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill("SIGTERM");
        if (!(await waitExit(child, 5_000))) {
          child.kill("SIGKILL");
          await waitExit(child, 5_000);
        }
      }
      // A token is not left behind in a file nobody will read again (restart() writes it anew).
      if (opts.token !== undefined) rmSync(configFile, { force: true });
      if (clean) {
        rmSync(join(base, "ports"), { recursive: true, force: true });
        if (ownStore) rmSync(base, { recursive: true, force: true });
      }
    },
  };
  return server;
}
