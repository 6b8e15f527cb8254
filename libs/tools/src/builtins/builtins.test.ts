import { describe, it, expect, beforeAll, afterAll, beforeEach, afterEach } from "vitest";
import { promises as fs } from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import type { ToolContext, ToolDefinition } from "../define.js";
import { toolTestContext } from "./test-context.js";
import { builtinTools } from "./index.js";
import type { BuiltinToolOptions } from "./index.js";

const makeContext = toolTestContext;

function tool(name: string, opts: BuiltinToolOptions = {}): ToolDefinition<any> {
  const t = builtinTools(opts).find((x) => x.name === name);
  if (!t) throw new Error(`no built-in ${name}`);
  return t;
}

async function call(
  name: string,
  args: Record<string, unknown>,
  ctx: ToolContext,
  opts: BuiltinToolOptions = {},
): Promise<unknown> {
  return await tool(name, opts).run(args, ctx);
}

let tmp: string;
let ws: string;
let ctx: ToolContext & { abort: AbortController };

beforeEach(async () => {
  tmp = await fs.mkdtemp(path.join(os.tmpdir(), "cairn-tools-"));
  ws = path.join(tmp, "workspace"); // created by the tools on use
  ctx = makeContext(ws);
});
afterEach(async () => {
  await fs.rm(tmp, { recursive: true, force: true });
});

describe("builtinTools", () => {
  it("offers file tools and sleep by default, http_fetch and shell only when enabled", () => {
    expect(builtinTools().map((t) => t.name)).toEqual(["read_file", "write_file", "list_files", "sleep"]);
    expect(builtinTools({ httpAllowHosts: [] }).map((t) => t.name)).not.toContain("http_fetch");
    expect(builtinTools({ shellEnabled: false }).map((t) => t.name)).not.toContain("shell");
    const all = builtinTools({ httpAllowHosts: ["127.0.0.1"], shellEnabled: true }).map((t) => t.name);
    expect(all).toContain("http_fetch");
    expect(all).toContain("shell");
  });
});

describe("file tools", () => {
  it("write, read and list round trip (creating the workspace and parent dirs)", async () => {
    expect(await call("write_file", { path: "notes/a.txt", content: "héllo" }, ctx)).toBe(
      "wrote 6 bytes to notes/a.txt",
    );
    expect(await call("read_file", { path: "notes/a.txt" }, ctx)).toBe("héllo");
    expect(await fs.readFile(path.join(ws, "notes", "a.txt"), "utf8")).toBe("héllo");
    await call("write_file", { path: "b.txt", content: "" }, ctx);
    await call("write_file", { path: "notes/sub/c.txt", content: "c" }, ctx);
    expect(await call("list_files", { path: "." }, ctx)).toBe("b.txt\nnotes/");
    expect(await call("list_files", {}, ctx)).toBe("b.txt\nnotes/");
    expect(await call("list_files", { path: "notes" }, ctx)).toBe("a.txt\nsub/");
    // an absolute path inside the workspace is fine
    expect(await call("read_file", { path: path.join(ws, "notes", "sub", "c.txt") }, ctx)).toBe("c");
  });

  it("rejects paths outside the workspace", async () => {
    await fs.writeFile(path.join(tmp, "secret.txt"), "secret");
    const outside = { name: "TerminalError", kind: "path_outside_workspace" };
    await expect(call("read_file", { path: "../secret.txt" }, ctx)).rejects.toMatchObject(outside);
    await expect(call("read_file", { path: "a/../../secret.txt" }, ctx)).rejects.toMatchObject(outside);
    await expect(call("read_file", { path: "/etc/passwd" }, ctx)).rejects.toMatchObject(outside);
    await expect(call("write_file", { path: "../x", content: "x" }, ctx)).rejects.toMatchObject(outside);
    await expect(call("list_files", { path: ".." }, ctx)).rejects.toMatchObject(outside);
    await expect(fs.access(path.join(tmp, "x"))).rejects.toThrow();
  });

  it("rejects symlinks that lead outside the workspace", async () => {
    await fs.mkdir(ws, { recursive: true });
    await fs.writeFile(path.join(tmp, "secret.txt"), "secret");
    await fs.mkdir(path.join(tmp, "outdir"));
    await fs.symlink(path.join(tmp, "secret.txt"), path.join(ws, "link.txt"));
    await fs.symlink(path.join(tmp, "outdir"), path.join(ws, "linkdir"));
    await fs.symlink(path.join(tmp, "nowhere.txt"), path.join(ws, "dangling.txt"));
    const outside = { name: "TerminalError", kind: "path_outside_workspace" };
    await expect(call("read_file", { path: "link.txt" }, ctx)).rejects.toMatchObject(outside);
    await expect(call("write_file", { path: "link.txt", content: "pwned" }, ctx)).rejects.toMatchObject(outside);
    await expect(call("write_file", { path: "linkdir/new/file.txt", content: "pwned" }, ctx)).rejects.toMatchObject(
      outside,
    );
    await expect(call("list_files", { path: "linkdir" }, ctx)).rejects.toMatchObject(outside);
    await expect(call("write_file", { path: "dangling.txt", content: "pwned" }, ctx)).rejects.toMatchObject(outside);
    expect(await fs.readFile(path.join(tmp, "secret.txt"), "utf8")).toBe("secret");
    await expect(fs.access(path.join(tmp, "nowhere.txt"))).rejects.toThrow();
    await expect(fs.access(path.join(tmp, "outdir", "new"))).rejects.toThrow();
    // a symlink that stays inside is fine
    await fs.writeFile(path.join(ws, "real.txt"), "inside");
    await fs.symlink(path.join(ws, "real.txt"), path.join(ws, "inner-link.txt"));
    expect(await call("read_file", { path: "inner-link.txt" }, ctx)).toBe("inside");
  });

  it("reports missing files and files that are too large", async () => {
    await expect(call("read_file", { path: "missing.txt" }, ctx)).rejects.toMatchObject({
      name: "TerminalError",
      kind: "not_found",
    });
    await expect(call("list_files", { path: "missing" }, ctx)).rejects.toMatchObject({ kind: "not_found" });
    const opts = { maxFileBytes: 10 };
    await call("write_file", { path: "ten.txt", content: "0123456789" }, ctx, opts);
    await expect(call("write_file", { path: "big.txt", content: "0123456789a" }, ctx, opts)).rejects.toMatchObject({
      kind: "too_large",
    });
    await fs.writeFile(path.join(ws, "big.txt"), "x".repeat(11));
    await expect(call("read_file", { path: "big.txt" }, ctx, opts)).rejects.toMatchObject({ kind: "too_large" });
    expect(await call("read_file", { path: "ten.txt" }, ctx, opts)).toBe("0123456789");
  });
});

describe("file tools: errors and the workspace quota", () => {
  it("file-system errors are terminal (never retried) and name no absolute path", async () => {
    await fs.mkdir(path.join(ws, "dir"), { recursive: true });
    await fs.writeFile(path.join(ws, "file.txt"), "x");
    const cases: [string, Record<string, unknown>, string, string][] = [
      ["read_file", { path: "missing.txt" }, "not_found", '"missing.txt": no such file or directory'],
      [
        "read_file",
        { path: path.join(ws, "sub", "missing.txt") },
        "not_found",
        '"sub/missing.txt": no such file or directory',
      ],
      ["read_file", { path: "dir" }, "not_a_file", '"dir" is not a regular file'],
      [
        "read_file",
        { path: "file.txt/x" },
        "not_found",
        '"file.txt/x": no such file or directory (a part of the path is not a directory)',
      ],
      ["write_file", { path: "dir", content: "x" }, "is_directory", '"dir": is a directory'],
      [
        "write_file",
        { path: "file.txt/x", content: "x" },
        "not_found",
        '"file.txt/x": no such file or directory (a part of the path is not a directory)',
      ],
      [
        "write_file",
        { path: `${"a".repeat(300)}.txt`, content: "x" },
        "invalid_path",
        `path "${"a".repeat(300)}.txt" is too long`,
      ],
      ["list_files", { path: "file.txt" }, "not_a_directory", '"file.txt" is not a directory'],
      ["list_files", { path: "missing" }, "not_found", '"missing": no such file or directory'],
      [
        "read_file",
        { path: "/etc/passwd" },
        "path_outside_workspace",
        "the absolute path given is outside the workspace",
      ],
      ["read_file", { path: "../../x" }, "path_outside_workspace", 'path "../../x" is outside the workspace'],
    ];
    for (const [name, args, kind, message] of cases) {
      const err = (await call(name, args, ctx).then(
        () => undefined,
        (e: unknown) => e,
      )) as { name: string; kind: string; retryable: boolean; message: string } | undefined;
      expect(err, `${name} ${JSON.stringify(args)}`).toMatchObject({
        name: "TerminalError",
        kind,
        retryable: false,
        message,
      });
      expect(err!.message).not.toContain(tmp);
    }
    // a workspace that cannot be made: terminal, and the root is not named either
    await fs.writeFile(path.join(tmp, "not-a-dir"), "");
    const blocked = makeContext(path.join(tmp, "not-a-dir", "run-1"));
    for (const name of ["read_file", "write_file", "list_files"]) {
      await expect(call(name, { path: "a.txt", content: "" }, blocked)).rejects.toMatchObject({
        name: "TerminalError",
        kind: "workspace_unavailable",
        message: expect.stringMatching(/^the run's workspace is not available \((EEXIST|ENOTDIR)\)$/) as unknown,
      });
    }
  });

  it("write_file refuses to take the workspace over its quota (quota_exceeded), counting what it replaces", async () => {
    const opts = { workspaceQuotaBytes: 10 };
    expect(await call("write_file", { path: "a.txt", content: "123456" }, ctx, opts)).toBe("wrote 6 bytes to a.txt");
    await expect(call("write_file", { path: "sub/b.txt", content: "12345" }, ctx, opts)).rejects.toMatchObject({
      name: "TerminalError",
      kind: "quota_exceeded",
      retryable: false,
      message: `write_file refused: writing 5 bytes to "sub/b.txt" would take the run's workspace over its quota of 10 bytes (it holds 6 bytes); remove files first`,
    });
    await expect(fs.access(path.join(ws, "sub", "b.txt"))).rejects.toThrow();
    // replacing a.txt frees its 6 bytes
    expect(await call("write_file", { path: "a.txt", content: "1234567890" }, ctx, opts)).toBe(
      "wrote 10 bytes to a.txt",
    );
    expect(await call("write_file", { path: path.join(ws, "a.txt"), content: "12" }, ctx, opts)).toBe(
      "wrote 2 bytes to a.txt",
    );
    expect(await call("read_file", { path: "a.txt" }, ctx, opts)).toBe("12");
  });
});

describe("http_fetch", () => {
  let server: http.Server;
  let base: string;
  const seen: { method: string | undefined; url: string | undefined; key: string | undefined; body: string }[] = [];
  // The test server is on loopback, which http_fetch refuses unless explicitly allowed.
  const opts: BuiltinToolOptions = { httpAllowHosts: ["127.0.0.1"], httpAllowPrivate: ["127.0.0.1/32"] };

  beforeAll(async () => {
    server = http.createServer((req, res) => {
      let body = "";
      req.on("data", (c: Buffer) => (body += c.toString()));
      req.on("end", () => {
        const key = req.headers["idempotency-key"];
        seen.push({ method: req.method, url: req.url, key: typeof key === "string" ? key : undefined, body });
        if (req.url === "/unavailable") {
          res.writeHead(503, { "content-type": "text/plain", "retry-after": "2" }).end("try later");
        } else if (req.url === "/missing") {
          res.writeHead(404, { "content-type": "text/plain" }).end("no such page");
        } else if (req.url === "/redirect-out") {
          res.writeHead(302, { location: `http://localhost:${(server.address() as AddressInfo).port}/hello` }).end();
        } else if (req.url === "/redirect-in") {
          res.writeHead(302, { location: "/hello" }).end();
        } else if (req.url === "/big") {
          res.writeHead(200, { "content-type": "text/plain" }).end("y".repeat(100));
        } else {
          res
            .writeHead(200, { "content-type": "application/json" })
            .end(JSON.stringify({ hello: "world", method: req.method, body }));
        }
      });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  it("refuses hosts that are not allowed, and non-http schemes", async () => {
    await expect(call("http_fetch", { url: "http://example.com/" }, ctx, opts)).rejects.toMatchObject({
      name: "TerminalError",
      kind: "host_not_allowed",
    });
    const port = (server.address() as AddressInfo).port;
    await expect(call("http_fetch", { url: `http://localhost:${port}/hello` }, ctx, opts)).rejects.toMatchObject({
      kind: "host_not_allowed",
    });
    await expect(call("http_fetch", { url: "file:///etc/passwd" }, ctx, opts)).rejects.toMatchObject({
      kind: "invalid_url",
    });
    // a redirect to a host that is not allowed is refused too
    const before = seen.length;
    await expect(call("http_fetch", { url: `${base}/redirect-out` }, ctx, opts)).rejects.toMatchObject({
      kind: "host_not_allowed",
    });
    expect(seen.length).toBe(before + 1);
  });

  it("matches *.suffix patterns", async () => {
    const { hostAllowed } = await import("./http.js");
    expect(hostAllowed("api.example.com", ["*.example.com"])).toBe(true);
    expect(hostAllowed("a.b.example.com", ["*.example.com"])).toBe(true);
    expect(hostAllowed("example.com", ["*.example.com"])).toBe(false);
    expect(hostAllowed("evilexample.com", ["*.example.com"])).toBe(false);
    expect(hostAllowed("Example.COM.", ["example.com"])).toBe(true);
  });

  it("GETs from an allowed host, sending the Idempotency-Key", async () => {
    const out = await call("http_fetch", { url: `${base}/hello` }, ctx, opts);
    expect(typeof out).toBe("string");
    const res = JSON.parse(out as string) as { status: number; headers: Record<string, string>; body: string };
    expect(res.status).toBe(200);
    expect(res.headers).toEqual({ "content-type": "application/json" });
    expect(JSON.parse(res.body)).toEqual({ hello: "world", method: "GET", body: "" });
    expect(seen.at(-1)).toMatchObject({ method: "GET", url: "/hello", key: "run-1:1:0" });
  });

  it("POSTs a body, follows redirects within the allowlist, returns 4xx as a result and truncates the body", async () => {
    const post = JSON.parse(
      (await call("http_fetch", { url: `${base}/echo`, method: "POST", body: "hi" }, ctx, opts)) as string,
    );
    expect(JSON.parse(post.body)).toMatchObject({ method: "POST", body: "hi" });
    const redirected = JSON.parse((await call("http_fetch", { url: `${base}/redirect-in` }, ctx, opts)) as string);
    expect(redirected.status).toBe(200);
    expect(seen.at(-1)).toMatchObject({ url: "/hello", key: "run-1:1:0" });
    const missing = JSON.parse((await call("http_fetch", { url: `${base}/missing` }, ctx, opts)) as string);
    expect(missing).toEqual({ status: 404, headers: { "content-type": "text/plain" }, body: "no such page" });
    // The cap is on the result as recorded (the JSON text), not on the raw body.
    const bigText = (await call("http_fetch", { url: `${base}/big` }, ctx, { ...opts, maxFileBytes: 100 })) as string;
    expect(Buffer.byteLength(bigText)).toBeLessThanOrEqual(100);
    const big = JSON.parse(bigText);
    expect(big).toMatchObject({ status: 200, truncated: true });
    expect(big.body).toMatch(/^y+$/);
    expect(big.body.length).toBeGreaterThan(10);
  });

  it("turns 5xx into a retryable error", async () => {
    await expect(call("http_fetch", { url: `${base}/unavailable` }, ctx, opts)).rejects.toMatchObject({
      name: "RetryableError",
      kind: "server_error",
      retryable: true,
      retryAfterMs: 2000,
    });
  });

  it("turns connection failures into retryable network errors", async () => {
    const closed = http.createServer();
    await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    await expect(call("http_fetch", { url: `http://127.0.0.1:${port}/` }, ctx, opts)).rejects.toMatchObject({
      name: "RetryableError",
      kind: "network",
    });
  });
});

// The shell runs commands only in a sandbox: as root with setpriv here (sandbox.test.ts has the
// sandbox's own tests, and the refusal without one).
const sandboxed = process.getuid?.() === 0 && process.platform === "linux";

describe.skipIf(!sandboxed)("shell", () => {
  const opts: BuiltinToolOptions = { shellEnabled: true };

  it("is off by default", () => {
    expect(builtinTools().some((t) => t.name === "shell")).toBe(false);
  });

  it("runs a command in the workspace and returns exit code and output", async () => {
    const out = JSON.parse(
      (await call(
        "shell",
        { command: 'echo "$CAIRN_IDEMPOTENCY_KEY"; pwd; echo oops >&2; exit 3' },
        ctx,
        opts,
      )) as string,
    );
    expect(out.exitCode).toBe(3);
    expect(out.stdout).toBe(`run-1:1:0\n${await fs.realpath(ws)}\n`);
    expect(out.stderr).toBe("oops\n");
    const ok = JSON.parse((await call("shell", { command: "printf done > f.txt && cat f.txt" }, ctx, opts)) as string);
    expect(ok).toEqual({ exitCode: 0, stdout: "done", stderr: "" });
  });

  it("truncates long output", async () => {
    const out = JSON.parse(
      (await call("shell", { command: "head -c 100000 /dev/zero | tr '\\0' a" }, ctx, opts)) as string,
    );
    expect(out.exitCode).toBe(0);
    expect(out.stdout.startsWith("a".repeat(64 * 1024) + "\n[truncated")).toBe(true);
  });

  it("kills the command (and its children) on timeout", async () => {
    const started = Date.now();
    const out = JSON.parse(
      (await call("shell", { command: "sleep 10 & sleep 10; echo never", timeoutMs: 300 }, ctx, opts)) as string,
    );
    expect(Date.now() - started).toBeLessThan(5000);
    expect(out).toMatchObject({ exitCode: null, timedOut: true, stdout: "" });
  });

  it("is aborted by ctx.signal", async () => {
    setTimeout(() => ctx.abort.abort(new Error("shutting down")), 200);
    const started = Date.now();
    await expect(call("shell", { command: "sleep 10" }, ctx, opts)).rejects.toMatchObject({ kind: "aborted" });
    expect(Date.now() - started).toBeLessThan(5000);
  });
});

describe("sleep", () => {
  it("sleeps", async () => {
    expect(await call("sleep", { ms: 20 }, ctx)).toBe("slept 20 ms");
  });

  it("a long sleep is a durable timer: deferred until issue time + ms, then done", async () => {
    const issued = Date.now();
    const c = { ...ctx, issuedAt: issued };
    await expect(call("sleep", { ms: 60_000 }, c)).rejects.toMatchObject({ name: "Deferred", wakeAt: issued + 60_000 });
    expect(await call("sleep", { ms: 60_000 }, { ...c, issuedAt: issued - 61_000 })).toBe("slept 60000 ms");
  });

  it("rejects when ctx.signal aborts", async () => {
    // The longest in-process sleep (longer ones are durable timers): a sleep that ran out would
    // resolve, so the rejection itself shows the abort ended it; no clock is read.
    setTimeout(() => ctx.abort.abort(), 50);
    await expect(call("sleep", { ms: 1_000 }, ctx)).rejects.toThrow(/sleep aborted/);
    await expect(call("sleep", { ms: 10 }, ctx)).rejects.toMatchObject({ name: "RetryableError", kind: "aborted" });
  });
});
