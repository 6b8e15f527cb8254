import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import {
  checkServerVersion,
  connectNats,
  isPatchedServerVersion,
  MIN_SERVER_VERSION,
  NatsVersionError,
  PATCHED_FLOOR,
  tlsConnectOption,
  versionAtLeast,
} from "./connect.js";

describe("the patched nats-server floor", () => {
  it.each([
    ["2.9.10", false],
    ["2.10.0", false],
    ["2.10.27", false],
    ["2.11.0", false],
    ["2.11.15", false],
    ["2.11.16", true],
    ["2.11.17", true],
    ["2.12.0", false],
    ["2.12.6", false],
    ["2.12.7-RC.3", false],
    ["2.12.7", true],
    ["2.12.15", true],
    ["2.13.0", true],
    ["2.14.0-RC.1", true],
    ["2.14.0", true],
    ["2.15.0-dev", true],
    ["2.15.1", true],
    ["3.0.0", true],
    ["garbage", false],
  ])("%s patched: %s", (version, patched) => {
    expect(isPatchedServerVersion(version)).toBe(patched);
    expect(checkServerVersion(version)).toBe(
      patched ? "ok" : versionAtLeast(version, MIN_SERVER_VERSION) ? "unpatched" : "too-old",
    );
  });

  it("the development override accepts 2.10+ without the fixes, never anything older than 2.10", () => {
    expect(checkServerVersion("2.10.27", true)).toBe("unpatched-allowed");
    expect(checkServerVersion("2.10.0", true)).toBe("unpatched-allowed");
    expect(checkServerVersion("2.12.6", true)).toBe("unpatched-allowed");
    expect(checkServerVersion("2.15.1", true)).toBe("ok");
    expect(checkServerVersion("2.9.10", true)).toBe("too-old");
    expect(checkServerVersion("0.0.0", true)).toBe("too-old");
  });

  it("versionAtLeast still compares the numeric parts", () => {
    expect(versionAtLeast("2.10.27", "2.10.0")).toBe(true);
    expect(versionAtLeast("2.9.10", "2.10.0")).toBe(false);
    expect(versionAtLeast("2.12.7-RC.1", "2.12.7")).toBe(true);
  });

  it("errors name the version found, the floor, the CVEs and the override", () => {
    const unpatched = new NatsVersionError("2.10.27", "nats://a:4222", "unpatched");
    expect(unpatched.retryable).toBe(false);
    expect(unpatched.reason).toBe("unpatched");
    expect(unpatched.message).toContain("nats-server 2.10.27 at nats://a:4222");
    expect(unpatched.message).toContain(PATCHED_FLOOR);
    for (const cve of ["CVE-2026-33223", "CVE-2026-33222", "CVE-2026-33247"]) expect(unpatched.message).toContain(cve);
    expect(unpatched.message).toContain("CAIRN_ALLOW_UNPATCHED_NATS=1");
    const old = new NatsVersionError("2.9.10", "nats://a:4222");
    expect(old.reason).toBe("too-old");
    expect(old.message).toMatch(/nats-server 2\.9\.10 at .* is too old: Cairn needs nats-server >= 2\.10/);
    expect(old.message).toContain(PATCHED_FLOOR);
    expect(old.message).toContain("does not accept servers older than 2.10");
  });
});

describe("connectNats refuses by the server's INFO version", () => {
  const servers: Server[] = [];
  afterEach(async () => {
    await Promise.all(servers.splice(0).map((s) => new Promise<void>((r) => s.close(() => r()))));
  });

  /** A socket that speaks the NATS greeting as a server of `version` would (no real server needed). */
  async function fakeServer(version: string): Promise<string> {
    const srv = createServer((sock) => {
      sock.write(
        `INFO {"server_id":"FAKE","server_name":"fake","version":"${version}","proto":1,"headers":true,"max_payload":1048576,"jetstream":true}\r\n`,
      );
      sock.on("data", (d) => {
        if (d.toString().includes("PING")) sock.write("PONG\r\n");
      });
      sock.on("error", () => undefined);
    });
    servers.push(srv);
    await new Promise<void>((r) => srv.listen(0, "127.0.0.1", r));
    return `nats://127.0.0.1:${(srv.address() as { port: number }).port}`;
  }

  async function attempt(version: string, allowUnpatchedServer?: boolean): Promise<unknown> {
    const url = await fakeServer(version);
    try {
      const nc = await connectNats({
        servers: url,
        name: "version-test",
        ...(allowUnpatchedServer !== undefined ? { allowUnpatchedServer } : {}),
      });
      await nc.close();
      return "connected";
    } catch (err) {
      return err;
    }
  }

  it("2.10.27 is refused as unpatched", async () => {
    const err = await attempt("2.10.27");
    expect(err).toBeInstanceOf(NatsVersionError);
    expect((err as NatsVersionError).reason).toBe("unpatched");
    expect((err as NatsVersionError).found).toBe("2.10.27");
  });

  it("2.11.15 and 2.12.6 are refused; 2.11.16, 2.12.7 and 2.15.1 are accepted", async () => {
    expect(await attempt("2.11.15")).toBeInstanceOf(NatsVersionError);
    expect(await attempt("2.12.6")).toBeInstanceOf(NatsVersionError);
    expect(await attempt("2.11.16")).toBe("connected");
    expect(await attempt("2.12.7")).toBe("connected");
    expect(await attempt("2.15.1")).toBe("connected");
  });

  it("allowUnpatchedServer accepts 2.10.27 but not 2.9.10", async () => {
    expect(await attempt("2.10.27", true)).toBe("connected");
    const err = await attempt("2.9.10", true);
    expect(err).toBeInstanceOf(NatsVersionError);
    expect((err as NatsVersionError).reason).toBe("too-old");
    expect(await attempt("2.10.27", false)).toBeInstanceOf(NatsVersionError);
  });
});

describe("TLS options", () => {
  it("tls:// or a CA requires TLS; a certificate needs its key; files must exist; none: TLS only if the server offers it", () => {
    const dir = mkdtempSync(join(tmpdir(), "cairn-tls-"));
    const ca = join(dir, "ca.pem");
    const cert = join(dir, "c.pem");
    const key = join(dir, "c.key");
    for (const f of [ca, cert, key]) writeFileSync(f, "pem");
    expect(tlsConnectOption(["nats://h:4222"], undefined)).toBeUndefined();
    expect(tlsConnectOption(["nats://h:4222"], {})).toBeUndefined();
    expect(tlsConnectOption(["nats://a:1", "tls://h:4222"], undefined)).toEqual({});
    expect(tlsConnectOption(["nats://h:4222"], { caFile: ca })).toEqual({ caFile: ca });
    expect(tlsConnectOption(["nats://h:4222"], { caFile: ca, certFile: cert, keyFile: key })).toEqual({
      caFile: ca,
      certFile: cert,
      keyFile: key,
    });
    expect(() => tlsConnectOption(["tls://h:4222"], { certFile: cert })).toThrow(/needs its key/);
    expect(() => tlsConnectOption(["tls://h:4222"], { keyFile: key })).toThrow(/needs its key/);
    expect(() => tlsConnectOption(["tls://h:4222"], { caFile: join(dir, "nope.pem") })).toThrow(
      `NATS TLS CA file ${join(dir, "nope.pem")} does not exist`,
    );
    rmSync(dir, { recursive: true, force: true });
  });
});
