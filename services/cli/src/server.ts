import { existsSync, readFileSync, rmSync, writeFileSync, mkdirSync } from "node:fs";
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
