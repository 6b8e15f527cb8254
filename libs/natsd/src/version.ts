/**
 * Which nats-server releases Cairn runs on: the floor `findNatsServer` picks from and `@cairn/bus`
 * connectNats enforces, in one place.
 */

/**
 * The oldest nats-server Cairn can run on at all (multi-filter consumers, `sync_interval`). Older
 * servers are refused even with `allowUnpatchedServer`.
 */
export const MIN_SERVER_VERSION = "2.10.0";

/** The 2026 nats-server advisories a server must carry the fixes for. */
export const NATS_SERVER_CVES = ["CVE-2026-33223", "CVE-2026-33222", "CVE-2026-33247"] as const;

/**
 * The first patched release of each release line that needs one. Every line after the last one
 * listed is patched from its first release: there was no 2.13 release, and 2.14.0 (and its RCs)
 * already carried the fixes. Older lines (2.10 and before) never got them.
 */
export const PATCHED_SERVER_VERSIONS: Readonly<Record<string, string>> = { "2.11": "2.11.16", "2.12": "2.12.7" };
/** Releases from this one on are all patched. */
export const PATCHED_FROM_VERSION = "2.13.0";
/** The patched floor, for messages. */
export const PATCHED_FLOOR = ">= 2.11.16 within 2.11.x, >= 2.12.7 within 2.12.x, or any 2.13.0+";

interface ServerVersion {
  major: number;
  minor: number;
  patch: number;
  /** A pre-release ("2.12.7-RC.1"): older than the release of the same number. */
  pre: boolean;
}

function parseServerVersion(version: string): ServerVersion {
  const m = /^v?(\d+)(?:\.(\d+))?(?:\.(\d+))?(-[0-9A-Za-z.-]+)?/.exec(version.trim());
  if (!m) return { major: 0, minor: 0, patch: 0, pre: false };
  return { major: Number(m[1]), minor: Number(m[2] ?? 0), patch: Number(m[3] ?? 0), pre: m[4] !== undefined };
}

/** Compares the numeric parts of dotted versions: versionAtLeast("2.10.27", "2.10.0") === true. */
export function versionAtLeast(version: string, min: string): boolean {
  const a = version.split(/[.-]/).map((x) => Number.parseInt(x, 10) || 0);
  const b = min.split(".").map(Number);
  for (let i = 0; i < 3; i++) {
    const x = a[i] ?? 0;
    const y = b[i] ?? 0;
    if (x !== y) return x > y;
  }
  return true;
}

/**
 * True when `version` carries the fixes for the 2026 advisories (NATS_SERVER_CVES): >= 2.11.16
 * within 2.11.x, >= 2.12.7 within 2.12.x, or any 2.13.0+. A pre-release of a floor release
 * ("2.12.7-RC.1") is not that release.
 */
export function isPatchedServerVersion(version: string): boolean {
  const v = parseServerVersion(version);
  if (versionAtLeast(`${v.major}.${v.minor}.${v.patch}`, PATCHED_FROM_VERSION)) return true;
  const floor = PATCHED_SERVER_VERSIONS[`${v.major}.${v.minor}`];
  if (!floor) return false;
  const f = parseServerVersion(floor);
  return v.patch > f.patch || (v.patch === f.patch && !v.pre);
}
