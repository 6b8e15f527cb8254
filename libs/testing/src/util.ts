import { randomBytes } from "node:crypto";
import { existsSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

/** A fresh deployment prefix, so tests never see each other's streams or messages. */
export function uniquePrefix(tag = "t"): string {
  return `${tag}${randomBytes(5).toString("hex")}`;
}

/** The repository root (the folder with nx.json). */
export function workspaceRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, "nx.json"))) {
    const up = dirname(dir);
    if (up === dir) throw new Error("workspace root not found");
    dir = up;
  }
  return dir;
}

export function tempDir(tag = "cairn-test-"): string {
  return mkdtempSync(join(tmpdir(), tag));
}

/** Polls `fn` until it returns a value other than undefined/false, or throws after `ms`. */
export async function waitFor<T>(
  what: string,
  fn: () => T | undefined | false | Promise<T | undefined | false>,
  ms = 30_000,
  every = 50,
): Promise<T> {
  const until = Date.now() + ms;
  let last: unknown;
  while (Date.now() < until) {
    try {
      const v = await fn();
      if (v !== undefined && v !== false) return v;
    } catch (err) {
      last = err;
    }
    await new Promise((r) => setTimeout(r, every));
  }
  throw new Error(`timed out after ${ms} ms waiting for ${what}${last ? `: ${(last as Error).message}` : ""}`);
}
