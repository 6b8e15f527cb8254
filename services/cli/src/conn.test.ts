import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { parseDuration, resolveConn } from "./conn.js";
import { loadNatsContext, natsConfigDir, resolveNatsContext } from "./natscontext.js";

describe("--timeout durations", () => {
  it("milliseconds, or Go-style units", () => {
    expect(parseDuration("1500")).toBe(1500);
    expect(parseDuration("500ms")).toBe(500);
    expect(parseDuration("5s")).toBe(5000);
    expect(parseDuration("1.5s")).toBe(1500);
    expect(parseDuration("1m30s")).toBe(90_000);
    expect(parseDuration("2h")).toBe(7_200_000);
  });
  it("refuses anything else, saying what it takes", () => {
    for (const bad of ["", "0", "0s", "-5s", "5 s", "5x", "soon", "1e3", "25h", "s"])
      expect(() => parseDuration(bad), bad).toThrow(/expected a duration: milliseconds .* or with a unit/);
  });
});

describe("nats CLI contexts", () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  });
  function configHome(contexts: Record<string, unknown>, selected?: string): string {
    const d = mkdtempSync(join(tmpdir(), "cairn-ctx-"));
    dirs.push(d);
    mkdirSync(join(d, "nats", "context"), { recursive: true });
    for (const [n, c] of Object.entries(contexts))
      writeFileSync(join(d, "nats", "context", `${n}.json`), typeof c === "string" ? c : JSON.stringify(c));
    if (selected !== undefined) writeFileSync(join(d, "nats", "context.txt"), `${selected}\n`);
    return d;
  }

  it("lives under XDG_CONFIG_HOME, else ~/.config", () => {
    expect(natsConfigDir({ XDG_CONFIG_HOME: "/x" })).toBe("/x/nats");
    expect(natsConfigDir({ HOME: "/home/u" })).toBe("/home/u/.config/nats");
  });

  it("maps the nats CLI's field names; ~/ in file paths is the home directory", () => {
    const d = configHome({
      prod: {
        description: "d",
        url: "tls://n:4222",
        user: "u",
        password: "p",
        token: "t",
        creds: "~/c.creds",
        nkey: "/k.nk",
        cert: "/c.pem",
        key: "/c.key",
        ca: "/ca.pem",
        jetstream_domain: "ignored",
      },
    });
    expect(loadNatsContext("prod", { XDG_CONFIG_HOME: d, HOME: "/home/u" })).toEqual({
      name: "prod",
      file: join(d, "nats", "context", "prod.json"),
      url: "tls://n:4222",
      user: "u",
      password: "p",
      token: "t",
      creds: "/home/u/c.creds",
      nkey: "/k.nk",
      cert: "/c.pem",
      key: "/c.key",
      ca: "/ca.pem",
    });
  });

  it("--context, else NATS_CONTEXT, else the selected one; none when nothing names one", () => {
    const d = configHome({ a: { url: "nats://a:1" }, b: { url: "nats://b:1" }, c: { url: "nats://c:1" } }, "a");
    expect(resolveNatsContext(undefined, { XDG_CONFIG_HOME: d })?.name).toBe("a");
    expect(resolveNatsContext(undefined, { XDG_CONFIG_HOME: d, NATS_CONTEXT: "b" })?.name).toBe("b");
    expect(resolveNatsContext("c", { XDG_CONFIG_HOME: d, NATS_CONTEXT: "b" })?.name).toBe("c");
    expect(resolveNatsContext(undefined, { XDG_CONFIG_HOME: configHome({}) })).toBeUndefined();
  });

  it("a bad name, a missing context, bad JSON or a non-string field are clear errors", () => {
    const d = configHome({ broken: "{", weird: { url: 4222 } });
    const e = { XDG_CONFIG_HOME: d };
    expect(() => loadNatsContext("../x", e)).toThrow('invalid NATS context name "../x"');
    expect(() => loadNatsContext("nope", e)).toThrow(
      `unknown NATS context "nope": no file ${join(d, "nats", "context", "nope.json")}`,
    );
    expect(() => loadNatsContext("broken", e)).toThrow(/is not valid JSON/);
    expect(() => loadNatsContext("weird", e)).toThrow('"url" must be a string');
  });

  it("flags before NATS_* variables before the context; the context's TLS files and credentials are used", () => {
    const d = configHome(
      { prod: { url: "tls://ctx:4222", user: "cu", password: "cp", ca: "/ctx-ca.pem", cert: "/c.pem", key: "/c.key" } },
      "prod",
    );
    const fromCtx = resolveConn({}, { XDG_CONFIG_HOME: d });
    expect(fromCtx).toMatchObject({
      servers: "tls://ctx:4222",
      source: "context",
      user: "cu",
      pass: "cp",
      tls: { caFile: "/ctx-ca.pem", certFile: "/c.pem", keyFile: "/c.key" },
      timeoutMs: 5000,
    });
    const fromEnv = resolveConn(
      {},
      { XDG_CONFIG_HOME: d, NATS_URL: "nats://env:1", NATS_USER: "eu", NATS_CA: "/env-ca.pem", NATS_TIMEOUT: "2s" },
    );
    expect(fromEnv).toMatchObject({ servers: "nats://env:1", source: "env", user: "eu", timeoutMs: 2000 });
    expect(fromEnv.tls?.caFile).toBe("/env-ca.pem");
    const fromFlags = resolveConn(
      { server: "nats://flag:1", user: "fu", tlsCa: "/flag-ca.pem", timeout: 700 },
      { XDG_CONFIG_HOME: d, NATS_URL: "nats://env:1", NATS_USER: "eu", NATS_TIMEOUT: "2s" },
    );
    expect(fromFlags).toMatchObject({ servers: "nats://flag:1", source: "flag", user: "fu", timeoutMs: 700 });
    expect(fromFlags.tls?.caFile).toBe("/flag-ca.pem");
    expect(() => resolveConn({}, { XDG_CONFIG_HOME: d, NATS_TIMEOUT: "soon" })).toThrow(
      /NATS_TIMEOUT: expected a duration/,
    );
  });
});
