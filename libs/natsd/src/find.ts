import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

/** The oldest nats-server Cairn runs on (multi-filter consumers, `sync_interval`). */
export const MIN_NATS_VERSION = "2.10.0";

export interface NatsServerBinary {
  path: string;
  version: string;
}

/** Thrown when no usable nats-server is found; the message says how to get one. */
export class NatsServerNotFoundError extends Error {
  override readonly name = "NatsServerNotFoundError";
}

/** "nats-server: v2.10.27" → "2.10.27" */
export function parseNatsVersion(text: string): string | undefined {
  return /v?(\d+\.\d+\.\d+)/.exec(text)?.[1];
}

/** Compares dotted versions numerically: versionAtLeast("2.10.27", "2.10.0") === true. */
export function versionAtLeast(version: string, min: string): boolean {
  const a = version.split(".").map(Number);
  const b = min.split(".").map(Number);
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const x = a[i] ?? 0;
    const y = b[i] ?? 0;
    if (x !== y) return x > y;
  }
  return true;
}

function versionOf(path: string): string | undefined {
  try {
    return parseNatsVersion(execFileSync(path, ["--version"], { encoding: "utf8", timeout: 10_000 }));
  } catch {
    return undefined;
  }
}

/** Walks up from this file to the workspace root (the folder holding `nx.json`). */
export function workspaceRoot(): string | undefined {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (existsSync(join(dir, "nx.json")) && existsSync(join(dir, "package.json"))) return dir;
    const up = dirname(dir);
    if (up === dir) return undefined;
    dir = up;
  }
}

function onPath(name: string): string | undefined {
  for (const dir of (process.env["PATH"] ?? "").split(":")) {
    if (!dir) continue;
    const p = resolve(dir, name);
    if (existsSync(p)) return p;
  }
  return undefined;
}

/**
 * Finds a nats-server >= 2.10: `$CAIRN_NATS_SERVER`, then the project's `.tools/bin/nats-server`
 * (made by `scripts/setup-nats.sh`), then `nats-server` on PATH. Older servers are refused by
 * name and version.
 */
export function findNatsServer(env: NodeJS.ProcessEnv = process.env): NatsServerBinary {
  const refused: string[] = [];
  const root = workspaceRoot();
  const candidates = [
    env["CAIRN_NATS_SERVER"],
    root ? join(root, ".tools", "bin", "nats-server") : undefined,
    onPath("nats-server"),
  ];
  for (const path of candidates) {
    if (!path || !existsSync(path)) continue;
    const version = versionOf(path);
    if (version && versionAtLeast(version, MIN_NATS_VERSION)) return { path, version };
    refused.push(`${path} (${version ? `v${version}` : "unknown version"})`);
    if (path === env["CAIRN_NATS_SERVER"]) break;
  }
  const seen = refused.length ? ` Refused: ${refused.join(", ")} — older than ${MIN_NATS_VERSION}.` : "";
  throw new NatsServerNotFoundError(
    `no nats-server >= ${MIN_NATS_VERSION} found.${seen} Run 'npm run setup:nats' (fetches Debian trixie's 2.10.x into .tools/) or set CAIRN_NATS_SERVER.`,
  );
}
