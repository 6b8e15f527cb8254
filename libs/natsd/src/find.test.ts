import { chmodSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { findNatsServer, NatsServerNotFoundError, parseNatsVersion } from "./find.js";
import { isPatchedServerVersion, versionAtLeast } from "./version.js";

describe("isPatchedServerVersion (the same floor as connectNats)", () => {
  it.each([
    ["2.9.10", false],
    ["2.10.27", false],
    ["2.11.15", false],
    ["2.11.16", true],
    ["2.12.6", false],
    ["2.12.7-RC.1", false],
    ["2.12.7", true],
    ["2.13.0", true],
    ["2.14.0-RC.1", true],
    ["2.15.1", true],
    ["3.0.0", true],
    ["", false],
  ])("%s patched: %s", (v, ok) => expect(isPatchedServerVersion(v)).toBe(ok));

  it("parses versions, keeping a pre-release suffix", () => {
    expect(parseNatsVersion("nats-server: v2.15.1\n")).toBe("2.15.1");
    expect(parseNatsVersion("nats-server: v2.12.7-RC.1")).toBe("2.12.7-RC.1");
    expect(versionAtLeast("2.12.7-RC.1", "2.10.0")).toBe(true);
  });
});

describe("findNatsServer", () => {
  const dir = mkdtempSync(join(tmpdir(), "cairn-find-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  function fake(version: string): string {
    const p = join(dir, `nats-server-${version}`);
    writeFileSync(p, `#!/bin/sh\necho 'nats-server: v${version}'\n`);
    chmodSync(p, 0o755);
    return p;
  }

  it("takes a patched $CAIRN_NATS_SERVER", () => {
    const p = fake("2.15.1");
    expect(findNatsServer({ CAIRN_NATS_SERVER: p, PATH: "" })).toEqual({ path: p, version: "2.15.1" });
  });

  it.each(["2.9.10", "2.10.27", "2.11.15", "2.12.6"])("refuses %s by name and version, and tries nothing else", (v) => {
    const p = fake(v);
    let err: unknown;
    try {
      findNatsServer({ CAIRN_NATS_SERVER: p, PATH: "" });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(NatsServerNotFoundError);
    const msg = (err as Error).message;
    expect(msg).toContain(`${p} (v${v}`);
    expect(msg).toContain(">= 2.11.16 within 2.11.x, >= 2.12.7 within 2.12.x, or any 2.13.0+");
    expect(msg).toContain("CVE-2026-33223");
    expect(msg).toMatch(v === "2.9.10" ? /v2\.9\.10.*older than 2\.10\.0/ : /unpatched/);
  });
});
