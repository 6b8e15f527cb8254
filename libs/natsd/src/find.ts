import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import {
  isPatchedServerVersion,
  MIN_SERVER_VERSION,
  NATS_SERVER_CVES,
  PATCHED_FLOOR,
  versionAtLeast,
} from "./version.js";

/**
 * findNatsServer never picks a server below the patched floor (see version.ts), the same floor
 * `@cairn/bus` connectNats applies.
 */
const CVES = NATS_SERVER_CVES.join(", ");

export interface NatsServerBinary {
  path: string;
  version: string;
}

/** Thrown when no usable nats-server is found; the message says how to get one. */
export class NatsServerNotFoundError extends Error {
  override readonly name = "NatsServerNotFoundError";
}

/** "nats-server: v2.10.27" → "2.10.27"; a pre-release keeps its suffix: "v2.12.7-RC.1" → "2.12.7-RC.1". */
export function parseNatsVersion(text: string): string | undefined {
  return /v?(\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]*[0-9A-Za-z])?)/.exec(text)?.[1];
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
 * Finds a patched nats-server (PATCHED_FLOOR): `$CAIRN_NATS_SERVER`, then the project's
 * `.tools/bin/nats-server` (made by `scripts/setup-nats.sh`), then `nats-server` on PATH. Others
 * (older than 2.10, or 2.10+ without the 2026 security fixes) are refused by name and version.
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
    if (version && isPatchedServerVersion(version)) return { path, version };
    const why = !version
      ? "unknown version"
      : !versionAtLeast(version, MIN_SERVER_VERSION)
        ? `v${version}, older than ${MIN_SERVER_VERSION}`
        : `v${version}, unpatched`;
    refused.push(`${path} (${why})`);
    if (path === env["CAIRN_NATS_SERVER"]) break;
  }
  const seen = refused.length ? ` Refused: ${refused.join(", ")}.` : "";
  throw new NatsServerNotFoundError(
    `no patched nats-server (${PATCHED_FLOOR}, with the fixes for ${CVES}) found.${seen} ` +
      `Run 'npm run setup:nats' (fetches Debian forky's nats-server into .tools/) or set CAIRN_NATS_SERVER.`,
  );
}
