import { randomBytes } from "node:crypto";
import {
  chmodSync,
  closeSync,
  existsSync,
  openSync,
  readFileSync,
  rmSync,
  writeFileSync,
  writeSync,
  mkdirSync,
} from "node:fs";
import { join, resolve } from "node:path";

/** Where `cairn dev` keeps its nats-server store and the file that tells other commands its URL. */
export function cairnHome(env: Record<string, string | undefined>): string {
  return resolve(env["CAIRN_HOME"] ?? join(process.cwd(), ".cairn"));
}

export interface DevServerInfo {
  url: string;
  pid: number;
  serverPid: number;
  storeDir: string;
  startedAt: string;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

export function writeDevInfo(home: string, info: DevServerInfo): void {
  mkdirSync(home, { recursive: true });
  writeFileSync(join(home, "dev.json"), JSON.stringify(info, null, 2));
}

export function clearDevInfo(home: string): void {
  rmSync(join(home, "dev.json"), { force: true });
  rmSync(devTokenFile(home), { force: true });
}

/**
 * `cairn dev`'s nats-server requires a token: a new one at every start, 32 random bytes
 * (base64url), kept in `<home>/dev.token`, readable by its owner only (0600). Other commands in
 * the directory read it there (see resolveConnection); it is never in dev.json, on a command line
 * or in the server's URL.
 */
export function devTokenFile(home: string): string {
  return join(home, "dev.token");
}

export function newDevToken(): string {
  return randomBytes(32).toString("base64url");
}

/** Writes the token file, created 0600 (an old file is removed first, so no wider mode survives). */
export function writeDevToken(home: string, token: string): void {
  mkdirSync(home, { recursive: true, mode: 0o700 });
  const f = devTokenFile(home);
  rmSync(f, { force: true });
  const fd = openSync(f, "wx", 0o600);
  try {
    writeSync(fd, `${token}\n`);
  } finally {
    closeSync(fd);
  }
  chmodSync(f, 0o600);
}

/** The dev server's token, if the file is there. */
export function readDevToken(home: string): string | undefined {
  try {
    const t = readFileSync(devTokenFile(home), "utf8").trim();
    return t || undefined;
  } catch {
    return undefined;
  }
}

/** The running `cairn dev` server, if its file is there and its processes are alive. */
export function readDevInfo(home: string): DevServerInfo | undefined {
  const f = join(home, "dev.json");
  if (!existsSync(f)) return undefined;
  try {
    const info = JSON.parse(readFileSync(f, "utf8")) as DevServerInfo;
    return alive(info.serverPid) ? info : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The NATS URL a command should use: `--server`, else NATS_URL, else the server `cairn dev`
 * started. Never a guess at 127.0.0.1:4222: something else (an old nats-server) may listen there.
 */
export function resolveServer(flag: string | undefined, env: Record<string, string | undefined>): string {
  if (flag) return flag;
  if (env["NATS_URL"]) return env["NATS_URL"];
  const dev = readDevInfo(cairnHome(env));
  if (dev) return dev.url;
  throw new Error("no NATS server to use: set NATS_URL (or --server), or start one with `cairn dev` in this directory");
}

/**
 * As resolveServer, and when the server is the one `cairn dev` started here, its token (from the
 * 0600 token file) — for connections that give no credentials of their own.
 */
export function resolveConnection(
  flag: string | undefined,
  env: Record<string, string | undefined>,
): { servers: string; devToken?: string } {
  if (flag || env["NATS_URL"]) return { servers: resolveServer(flag, env) };
  const home = cairnHome(env);
  const dev = readDevInfo(home);
  if (!dev) return { servers: resolveServer(flag, env) };
  const devToken = readDevToken(home);
  return { servers: dev.url, ...(devToken ? { devToken } : {}) };
}
