import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

/** The oldest nats-server Cairn can run on at all (multi-filter consumers, `sync_interval`). */
export const MIN_NATS_VERSION = "2.10.0";

/**
 * The patched floor, the same as `@cairn/bus` connectNats applies: a server must carry the fixes
 * for the 2026 advisories (CVE-2026-33223, CVE-2026-33222, CVE-2026-33247): >= 2.11.16 within
 * 2.11.x, >= 2.12.7 within 2.12.x, or any 2.13.0+ (there was no 2.13 release; 2.14.0 has them).
 * findNatsServer never picks anything below it.
 */
export const PATCHED_NATS_VERSIONS: Readonly<Record<string, string>> = { "2.11": "2.11.16", "2.12": "2.12.7" };
export const PATCHED_NATS_FROM = "2.13.0";
export const PATCHED_NATS_FLOOR = ">= 2.11.16 within 2.11.x, >= 2.12.7 within 2.12.x, or any 2.13.0+";
const CVES = "CVE-2026-33223, CVE-2026-33222, CVE-2026-33247";

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

/** Compares dotted versions numerically: versionAtLeast("2.10.27", "2.10.0") === true. */
export function versionAtLeast(version: string, min: string): boolean {
  const a = version.split("-")[0]!.split(".").map(Number);
  const b = min.split(".").map(Number);
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const x = a[i] ?? 0;
    const y = b[i] ?? 0;
    if (x !== y) return x > y;
  }
  return true;
}

/**
 * True when `version` carries the fixes for the 2026 advisories: >= 2.11.16 within 2.11.x,
 * >= 2.12.7 within 2.12.x, or any 2.13.0+. A pre-release of a floor release ("2.12.7-RC.1") is not it.
 */
export function isPatchedNatsVersion(version: string): boolean {
  const dash = version.indexOf("-");
  const core = dash < 0 ? version : version.slice(0, dash);
  const pre = dash >= 0;
  if (!/^\d+\.\d+\.\d+$/.test(core)) return false;
  if (versionAtLeast(core, PATCHED_NATS_FROM)) return true;
  const [major, minor, patch] = core.split(".").map(Number) as [number, number, number];
  const floor = PATCHED_NATS_VERSIONS[`${major}.${minor}`];
  if (!floor) return false;
  const need = Number(floor.split(".")[2]);
  return patch > need || (patch === need && !pre);
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
 * Finds a patched nats-server (PATCHED_NATS_FLOOR): `$CAIRN_NATS_SERVER`, then the project's
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
    if (version && isPatchedNatsVersion(version)) return { path, version };
    const why = !version ? "unknown version" : !versionAtLeast(version, MIN_NATS_VERSION) ? `v${version}, older than ${MIN_NATS_VERSION}` : `v${version}, unpatched`;
    refused.push(`${path} (${why})`);
    if (path === env["CAIRN_NATS_SERVER"]) break;
  }
  const seen = refused.length ? ` Refused: ${refused.join(", ")}.` : "";
  throw new NatsServerNotFoundError(
    `no patched nats-server (${PATCHED_NATS_FLOOR}, with the fixes for ${CVES}) found.${seen} ` +
      `Run 'npm run setup:nats' (fetches Debian forky's nats-server into .tools/) or set CAIRN_NATS_SERVER.`,
  );
}
