import { execFile, execFileSync, spawn, type ChildProcess } from "node:child_process";
import { chmodSync, existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:net";
import { join } from "node:path";
import { promisify } from "node:util";
import { connect } from "@nats-io/transport-node";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import {
  findNatsServer,
  spawnService,
  startNatsServer,
  tempDir,
  uniquePrefix,
  waitFor,
  workspaceRoot,
  type RunningNatsServer,
} from "@cairn/testing";
import { CairnClient } from "@cairn/client";
import { startEmbedded } from "@cairn/cli";
import { parseAgents } from "@cairn/planner";
import { createLogger } from "@cairn/telemetry";
import { makeFixture, serviceEnv, withTimeout } from "../helpers.js";

const run = promisify(execFile);
const root = workspaceRoot();
const cairn = join(root, "services", "cli", "bin", "cairn.js");
const baseEnv = { PATH: process.env["PATH"] ?? "", HOME: process.env["HOME"] ?? "/root", NO_COLOR: "1" };

async function cli(
  args: string[],
  env: Record<string, string>,
  cwd: string,
): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const r = await run(process.execPath, [cairn, ...args], { env: { ...baseEnv, ...env }, cwd, timeout: 120_000 });
    return { code: 0, stdout: r.stdout, stderr: r.stderr };
  } catch (err) {
    const e = err as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof e.code === "number" ? e.code : 1, stdout: e.stdout ?? "", stderr: e.stderr ?? "" };
  }
}

const cleanups: (() => Promise<void> | void)[] = [];
afterAll(async () => {
  for (const c of cleanups.reverse()) await c();
});

/** The `cairn dev` a test started: stopped after the test whatever happened, with its nats-server. */
let devUnderTest: { dev: ChildProcess; home: string; serverPid?: number } | undefined;
afterEach(async () => {
  const d = devUnderTest;
  devUnderTest = undefined;
  if (!d) return;
  // The server's PID: as the test read it, and from the dev info file if it is still there.
  const pids = new Set<number>(d.serverPid ? [d.serverPid] : []);
  try {
    pids.add((JSON.parse(readFileSync(join(d.home, ".cairn", "dev.json"), "utf8")) as { serverPid: number }).serverPid);
  } catch {
    // no info file: `cairn dev` removed it (it stopped cleanly) or never wrote it
  }
  if (d.dev.exitCode === null && d.dev.signalCode === null) {
    const exited = new Promise((r) => d.dev.once("exit", r));
    d.dev.kill("SIGKILL");
    await exited;
  }
  // SIGKILL gives `cairn dev` no chance to stop its nats-server: kill it by PID (only if that PID
  // is still a nats-server, not a reused one).
  for (const pid of pids) {
    if (!Number.isInteger(pid) || pid <= 0) continue;
    let cmdline: string;
    try {
      cmdline = readFileSync(`/proc/${pid}/cmdline`, "utf8");
    } catch {
      continue; // gone
    }
    if (!cmdline.includes("nats-server")) continue;
    process.kill(pid, "SIGKILL");
    await waitFor(
      `nats-server ${pid} of cairn dev to exit`,
      () => !existsSync(`/proc/${pid}`) || readFileSync(`/proc/${pid}/stat`, "utf8").split(" ")[2] === "Z",
      10_000,
      50,
    );
  }
});

describe("the cairn CLI", () => {
  it("runs the demo end to end: embedded nats-server, three services, scripted model, parallel tool calls, a structured answer", async () => {
    const r = await cli(["demo"], {}, tempDir());
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("SCRIPTED MODEL");
    expect(r.stdout).toMatch(/turn 1 model asks for 3 tool calls/);
    expect(r.stdout).toMatch(/turn 2 model asks for 2 tool calls/);
    // structured output: the prose answer of turn 3 went back to the model; turn 4's JSON is the output
    expect(r.stdout).toMatch(/turn 3 model answers[^\n]*\n\s+Done\. The workspace holds these notes/);
    expect(r.stdout).toMatch(/turn 4 model answers/);
    expect(r.stdout).toMatch(/✔ completed 4 turns/);
    expect(r.stdout).toContain("output (parsed, valid against the agent's schema):");
    expect(r.stdout).toContain('"onceTxt": "A recorded result is never executed again."');
  });

  it("finds the server `cairn dev` started, without NATS_URL, and submits, follows, lists and shows runs; that server refuses connections without its token (kept in a 0600 file)", async () => {
    const home = tempDir();
    const dev: ChildProcess = spawn(process.execPath, [cairn, "dev"], {
      cwd: home,
      env: { ...baseEnv, LOG_LEVEL: "warn" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    devUnderTest = { dev, home };
    let out = "";
    dev.stdout!.on("data", (d: Buffer) => (out += d.toString()));
    await waitFor("cairn dev to be ready", () => out.includes("ready"), 60_000);
    expect(existsSync(join(home, ".cairn", "dev.json"))).toBe(true);
    // and the run inspector, its URL printed (loopback, a free port)
    const uiUrl = await waitFor(
      "cairn dev to print the UI's URL",
      () => /see your runs: (http:\/\/127\.0\.0\.1:\d+\/\?token=[A-Za-z0-9_-]+)/.exec(out)?.[1],
    );
    const uiBase = uiUrl.replace(/\?.*$/, "");
    expect((await fetch(uiBase)).status).toBe(401); // not without the token it printed
    const uiToken = new URL(uiUrl).searchParams.get("token")!;
    expect(await (await fetch(uiBase, { headers: { authorization: `Bearer ${uiToken}` } })).text()).toContain(
      "<h1>Runs</h1>",
    );

    // Its nats-server requires a random token, kept in a file only its owner can read, and
    // nowhere else a local process could see it: not in dev.json, not on the server's command line.
    const tokenFile = join(home, ".cairn", "dev.token");
    expect(statSync(tokenFile).mode & 0o777).toBe(0o600);
    const token = readFileSync(tokenFile, "utf8").trim();
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/); // 32 random bytes, base64url
    const info = JSON.parse(readFileSync(join(home, ".cairn", "dev.json"), "utf8")) as {
      url: string;
      serverPid: number;
    };
    devUnderTest.serverPid = info.serverPid;
    expect(JSON.stringify(info)).not.toContain(token);
    const cmdline = readFileSync(`/proc/${info.serverPid}/cmdline`, "utf8").split("\0");
    expect(cmdline.join(" ")).not.toContain(token);
    const config = cmdline[cmdline.indexOf("-c") + 1]!;
    expect(statSync(config).mode & 0o777).toBe(0o600);
    expect(readFileSync(config, "utf8")).toContain(`token: "${token}"`);
    // An unauthenticated connection, or one with another token, is refused.
    await expect(connect({ servers: info.url, reconnect: false, timeout: 5_000 })).rejects.toThrow(
      /authorization violation/i,
    );
    await expect(
      connect({ servers: info.url, token: "not-the-token-at-all", reconnect: false, timeout: 5_000 }),
    ).rejects.toThrow(/authorization violation/i);
    const named = await cli(["runs", "--server", info.url], {}, home); // a server named on the command line gets no dev token
    expect(named.code).toBe(1);
    expect(named.stderr).toMatch(/authorization violation/i);
    // With the token, a connection is accepted.
    const ok = await connect({ servers: info.url, token, reconnect: false, timeout: 5_000 });
    await ok.close();

    const sub = await cli(["submit", "--follow", "write some notes"], {}, home);
    expect(sub.code).toBe(0);
    expect(sub.stdout).toMatch(/▶ run r\w+/);
    expect(sub.stdout).toMatch(/→ write_file/);
    expect(sub.stdout).toMatch(/✓ write_file → wrote \d+ bytes/);
    expect(sub.stdout).toMatch(/✔ completed 3 turns/);
    // The model's output tokens were streamed live (the scripted model streams word by word).
    expect(sub.stdout).toContain("⋯ Now I'll list the notes and read one back, in parallel.");
    const runId = /▶ run (r\w+)/.exec(sub.stdout)![1]!;

    const st = await cli(["status", runId, "--json"], {}, home);
    expect(st.code).toBe(0);
    expect(JSON.parse(st.stdout)).toMatchObject({ runId, status: "completed", turn: 3, toolCalls: 5 });
    const runs = await cli(["runs"], {}, home);
    expect(runs.stdout).toContain(runId);
    const key = await cli(["submit", "-k", "same", "--wait", "--json", "again"], {}, home);
    const again = await cli(["submit", "-k", "same", "--json", "again"], {}, home);
    expect(JSON.parse(again.stdout)).toMatchObject({ created: false, runId: JSON.parse(key.stdout).runId });
    const counts = await cli(["runs", "--counts"], {}, home);
    expect(counts.stdout.trim()).toBe("awaiting approval 0  running 0  completed 2  failed 0  cancelled 0  all 2");
    expect(JSON.parse((await cli(["runs", "--counts", "--json"], {}, home)).stdout)).toEqual({
      awaiting_approval: 0,
      running: 0,
      completed: 2,
      failed: 0,
      cancelled: 0,
    });

    dev.kill("SIGTERM");
    await waitFor("cairn dev to exit", () => dev.exitCode !== null, 20_000);
    expect(existsSync(join(home, ".cairn", "dev.json"))).toBe(false);
    expect(existsSync(tokenFile)).toBe(false);
    expect(existsSync(config)).toBe(false);
    const none = await cli(["runs"], {}, home);
    expect(none.code).toBe(1);
    expect(none.stderr).toContain("no NATS server to use: set NATS_URL");
  });

  it("refuses a nats-server older than 2.10 by version, and says how to get a newer one", async () => {
    let url: string;
    const old = "/usr/sbin/nats-server";
    if (existsSync(old) && /v2\.9\./.test((await run(old, ["--version"])).stdout)) {
      // A real 2.9 server (this machine kind ships one).
      const s: RunningNatsServer = await startNatsServer({ binary: old });
      cleanups.push(() => s.stop());
      url = s.url;
    } else {
      // Elsewhere: a socket that speaks the NATS wire protocol's greeting as a 2.9.10 server would.
      const srv: Server = createServer((sock) => {
        sock.write(
          `INFO {"server_id":"OLD","server_name":"old","version":"2.9.10","proto":1,"headers":true,"max_payload":1048576,"jetstream":true}\r\n`,
        );
        sock.on("data", (d) => {
          if (d.toString().includes("PING")) sock.write("PONG\r\n");
        });
      });
      await new Promise<void>((r) => srv.listen(0, "127.0.0.1", r));
      cleanups.push(() => void srv.close());
      url = `nats://127.0.0.1:${(srv.address() as { port: number }).port}`;
    }
    const r = await cli(["runs"], { NATS_URL: url }, tempDir());
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/nats-server 2\.9\.10 at .* is too old: Cairn needs nats-server >= 2\.10/);
  });

  it("setup script: finds a >= 2.10 server, and refuses an older one naming its version", async () => {
    const ok = await run("bash", [join(root, "scripts", "setup-nats.sh")], { env: baseEnv });
    const path = ok.stdout.trim().split("\n").at(-1)!;
    expect(findNatsServer({ CAIRN_NATS_SERVER: path }).version).toMatch(/^2\.(1\d|[2-9]\d)\./);
    const dir = tempDir();
    const fake = join(dir, "nats-server");
    writeFileSync(fake, "#!/bin/sh\necho 'nats-server: v2.9.10'\n");
    chmodSync(fake, 0o755);
    const refused = await run("bash", [join(root, "scripts", "setup-nats.sh")], {
      env: { ...baseEnv, CAIRN_NATS_SERVER: fake },
    }).then(
      () => ({ code: 0, stderr: "" }),
      (e: { code: number; stderr: string }) => e,
    );
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain("nats-server 2.9.10 is older than 2.10");
    expect(() => findNatsServer({ CAIRN_NATS_SERVER: fake })).toThrow(/v2\.9\.10.*older than 2\.10\.0/);
  });
});

/** A test's own nats-server and (optionally) Cairn's services in this process: stopped after the test, whatever happened. */
const stops: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const s of stops.splice(0).reverse()) await s();
});

async function ownServer(opts: Parameters<typeof startNatsServer>[0] = {}): Promise<RunningNatsServer> {
  const s = await startNatsServer(opts);
  stops.push(() => s.stop());
  return s;
}

/** Services under a prefix of their own (scripted model; `ledger` needs approval), and an isolated CLI environment. */
async function stack(
  server: RunningNatsServer,
): Promise<{ prefix: string; c: CairnClient; env: Record<string, string> }> {
  const f = makeFixture({
    work: [
      { content: "I need to record this.", toolCalls: [{ name: "ledger", arguments: { item: "payment" } }] },
      { content: "{{toolResults}}" },
    ],
  });
  const prefix = uniquePrefix();
  const agents = parseAgents(
    JSON.stringify({
      agents: { work: { provider: "scripted", model: "work", tools: ["ledger"], approve: ["ledger"] } },
    }),
  );
  const emb = await startEmbedded({
    natsUrl: server.url,
    env: serviceEnv(server.url, prefix, f),
    agents,
    log: createLogger({ service: "test", level: "silent" }),
  });
  stops.push(() => emb.stop());
  const c = await CairnClient.connect({ nc: emb.nc, prefix });
  // No `cairn dev` here, no user's NATS contexts: an empty config home of the test's own.
  return { prefix, c, env: { NATS_URL: server.url, CAIRN_PREFIX: prefix, XDG_CONFIG_HOME: tempDir() } };
}

/** A CLI process left running (follow), its output collected; killed after the test if still running. */
function spawnCli(args: string[], env: Record<string, string>, cwd: string) {
  const child = spawn(process.execPath, [cairn, ...args], {
    env: { ...baseEnv, ...env },
    cwd,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
  child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<number | null>((r) => child.once("exit", (code) => r(code)));
  stops.push(async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
    await exited;
  });
  return {
    exited,
    get stdout() {
      return stdout;
    },
    get stderr() {
      return stderr;
    },
  };
}

function jsonError(stdout: string): { kind: string; message: string } {
  return (JSON.parse(stdout) as { error: { kind: string; message: string } }).error;
}

/** A test CA, and a certificate for 127.0.0.1 it signed (openssl, EC keys: quick). */
function testCa(dir: string): { ca: string; cert: string; key: string } {
  const p = (f: string) => join(dir, f);
  const ossl = (...a: string[]) => execFileSync("openssl", a, { stdio: "pipe" });
  const ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"];
  ossl("req", "-x509", ...ec, "-keyout", p("ca.key"), "-out", p("ca.pem"), "-days", "1", "-subj", "/CN=cairn test CA");
  ossl("req", ...ec, "-keyout", p("server.key"), "-out", p("server.csr"), "-subj", "/CN=127.0.0.1");
  writeFileSync(p("san.ext"), "subjectAltName=IP:127.0.0.1,DNS:localhost\n");
  ossl(
    "x509",
    "-req",
    "-in",
    p("server.csr"),
    "-CA",
    p("ca.pem"),
    "-CAkey",
    p("ca.key"),
    "-CAcreateserial",
    "-out",
    p("server.pem"),
    "-days",
    "1",
    "-extfile",
    p("san.ext"),
  );
  return { ca: p("ca.pem"), cert: p("server.pem"), key: p("server.key") };
}

describe("the cairn CLI like the NATS ecosystem's", () => {
  it("--version prints the CLI package's version", async () => {
    const r = await cli(["--version"], {}, tempDir());
    expect(r.code).toBe(0);
    const pkg = JSON.parse(readFileSync(join(root, "services", "cli", "package.json"), "utf8")) as { version: string };
    expect(r.stdout.trim()).toBe(pkg.version);
  });

  it("with a server and no planner, says so within 3 s naming the subject; a closed port is named; a bad --timeout is refused", async () => {
    const server = await ownServer();
    const cwd = tempDir();
    const env = { NATS_URL: server.url, XDG_CONFIG_HOME: tempDir() };
    const t0 = Date.now();
    const r = await cli(["submit", "hello"], env, cwd);
    const elapsed = Date.now() - t0;
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("no planner is serving cairn.api.submit");
    expect(r.stderr).toMatch(/cairn service planner.*cairn dev/);
    expect(elapsed).toBeLessThan(3_000);
    const j = await cli(["status", "--json", "r1"], env, cwd);
    expect(j.code).toBe(1);
    expect(jsonError(j.stdout)).toMatchObject({ kind: "unavailable" });

    // A port nothing listens on (a server that was there and stopped).
    const gone = await startNatsServer();
    await gone.stop();
    const closed = await cli(["runs"], { NATS_URL: gone.url, XDG_CONFIG_HOME: tempDir() }, cwd);
    expect(closed.code).toBe(1);
    expect(closed.stderr).toContain(`cannot connect to ${gone.url}: connection refused`);
    const closedJson = await cli(["runs", "--json"], { NATS_URL: gone.url, XDG_CONFIG_HOME: tempDir() }, cwd);
    expect(closedJson.code).toBe(1);
    expect(jsonError(closedJson.stdout)).toMatchObject({ kind: "connection" });

    const bad = await cli(["status", "r1", "--timeout", "soon", "--json"], env, cwd);
    expect(bad.code).toBe(1);
    expect(jsonError(bad.stdout)).toMatchObject({ kind: "usage" });
    expect(jsonError(bad.stdout).message).toContain("--timeout");
    const badEnv = await cli(["status", "r1"], { ...env, NATS_TIMEOUT: "-5s" }, cwd);
    expect(badEnv.code).toBe(1);
    expect(badEnv.stderr).toContain("NATS_TIMEOUT");
  });

  it("--json errors for status, cancel and approve; follow attaches to a run waiting for approval, shows the command, and goes on to the end", async () => {
    const server = await ownServer();
    const { c, env } = await stack(server);
    const cwd = tempDir();
    const missing = await cli(["status", "--json", "nosuchrun"], env, cwd);
    expect(missing.code).toBe(1);
    expect(jsonError(missing.stdout)).toMatchObject({ kind: "not_found" });
    const cancelMissing = await cli(["cancel", "nosuchrun", "--json"], env, cwd);
    expect(cancelMissing.code).toBe(1);
    expect(jsonError(cancelMissing.stdout)).toMatchObject({ kind: "not_found" });
    const plain = await cli(["cancel", "nosuchrun"], env, cwd);
    expect(plain.code).toBe(1);
    expect(plain.stdout).toBe("");
    expect(plain.stderr).toContain("not_found");

    const { runId } = await c.submit({ task: "pay" });
    await waitFor("the run to await approval", async () => (await c.status(runId)).status === "awaiting_approval");
    const wrong = await cli(["approve", runId, "call_9_9", "--json"], env, cwd);
    expect(wrong.code).toBe(1);
    expect(jsonError(wrong.stdout)).toMatchObject({ kind: "not_awaiting" });

    const f = spawnCli(["follow", runId], env, cwd);
    await waitFor(
      "follow to show the approve command",
      () => f.stdout.includes(`cairn approve ${runId} call_1_0`),
      20_000,
    );
    expect(f.stdout).toMatch(/▶ run r\w+/);
    expect(f.stdout).toContain("waiting for approval");
    expect(f.stdout).toContain(`cairn deny ${runId} call_1_0`);
    const ok = await cli(["approve", runId, "call_1_0", "--json"], env, cwd);
    expect(ok.code).toBe(0);
    expect(JSON.parse(ok.stdout)).toMatchObject({ runId });
    expect(await withTimeout(f.exited, 30_000, "follow to exit")).toBe(0);
    expect(f.stdout).toMatch(/✓ approved call call_1_0/);
    expect(f.stdout).toMatch(/✔ completed 2 turns/);
    expect(f.stdout).toContain("recorded payment");

    // Following an ended run prints its whole log and exits with the run's outcome; a run that
    // does not exist is an error.
    const again = await cli(["follow", runId, "--json"], env, cwd);
    expect(again.code).toBe(0);
    const kinds = again.stdout
      .trim()
      .split("\n")
      .map((l) => (JSON.parse(l) as { kind: string }).kind);
    expect(kinds[0]).toBe("submitted");
    expect(kinds.at(-1)).toBe("ended");
    const none = await cli(["follow", "nosuchrun", "--json"], env, cwd);
    expect(none.code).toBe(1);
    expect(jsonError(none.stdout)).toMatchObject({ kind: "not_found" });
    const cancelled = await cli(["cancel", runId, "--json"], env, cwd);
    expect(cancelled.code).toBe(1);
    expect(jsonError(cancelled.stdout).kind).toMatch(/\w+/);
  });

  it("follow shows a failed attempt and when its retry is due, from the run's log, until the step is recorded", async () => {
    const server = await ownServer();
    const f = makeFixture(
      {
        flaky: [
          { content: "Trying the tool.", toolCalls: [{ name: "always_fails", arguments: {} }] },
          { content: "The tool said: {{toolResults}}" },
        ],
      },
      { flaky: ["always_fails"] },
    );
    const prefix = uniquePrefix();
    const emb = await startEmbedded({
      natsUrl: server.url,
      // two attempts, the second 3 s after the first: long enough to be seen waiting
      env: { ...serviceEnv(server.url, prefix, f), CAIRN_TOOL_MAX_ATTEMPTS: "2", CAIRN_TOOL_RETRY_DELAY_MS: "3000" },
      agents: f.agents,
      log: createLogger({ service: "test", level: "silent" }),
    });
    stops.push(() => emb.stop());
    const c = await CairnClient.connect({ nc: emb.nc, prefix });
    const env = { NATS_URL: server.url, CAIRN_PREFIX: prefix, XDG_CONFIG_HOME: tempDir() };
    const { runId } = await c.submit({ task: "try it" });
    const fl = spawnCli(["follow", runId], env, tempDir());
    await waitFor("follow to show the retry's time", () => /↻ retrying tool always_fails/.test(fl.stdout), 20_000);
    expect(await withTimeout(fl.exited, 30_000, "follow to exit")).toBe(0);
    const out = fl.stdout;
    // the log's notice: which attempt failed, why, and when the next one is due
    const notice =
      /↻ retry tool always_fails \(turn 1, call 0\): attempt 1 failed \(error: this tool always fails\); next at (\S+)/.exec(
        out,
      );
    expect(notice, out).not.toBeNull();
    // the waiting line names the same time
    expect(out).toContain(`↻ retrying tool always_fails (turn 1, call 0) at ${new Date(notice![1]!).toISOString()}`);
    // the notice comes before the step's result, which is the second attempt's failure
    expect(out.indexOf("↻ retrying")).toBeLessThan(out.search(/✗ always_fails/));
    expect(out).toMatch(/✗ always_fails error: this tool always fails .*attempt 2/);
    expect(out).toMatch(/✔ completed 2 turns/);
    const status = await c.status(runId);
    // the one retry notice counts as a retry, not as a problem with the run's messages
    expect(status).toMatchObject({ retries: 1, errors: 0 });
  });

  it("reads the nats CLI's contexts: the selected one, NATS_CONTEXT, --context; flags and NATS_URL before a context", async () => {
    const server = await ownServer();
    const { c, env } = await stack(server);
    const { runId } = await c.submit({ task: "pay" });
    const cwd = tempDir();
    const gone = await startNatsServer();
    await gone.stop();
    const cfg = tempDir();
    mkdirSync(join(cfg, "nats", "context"), { recursive: true });
    writeFileSync(join(cfg, "nats", "context", "live.json"), JSON.stringify({ description: "test", url: server.url }));
    writeFileSync(join(cfg, "nats", "context", "dead.json"), JSON.stringify({ url: gone.url }));
    writeFileSync(join(cfg, "nats", "context.txt"), "live\n");
    const base = { CAIRN_PREFIX: env["CAIRN_PREFIX"]!, XDG_CONFIG_HOME: cfg };

    const selected = await cli(["status", runId, "--json"], base, cwd);
    expect(selected.code).toBe(0);
    expect(JSON.parse(selected.stdout)).toMatchObject({ runId });
    const flag = await cli(["status", runId, "--json", "--context", "dead"], base, cwd);
    expect(flag.code).toBe(1);
    expect(jsonError(flag.stdout).message).toContain(`cannot connect to ${gone.url}`);
    const byEnv = await cli(["status", runId], { ...base, NATS_CONTEXT: "dead" }, cwd);
    expect(byEnv.stderr).toContain(`cannot connect to ${gone.url}`);
    // NATS_URL wins over the context; --server over both.
    expect((await cli(["status", runId], { ...base, NATS_CONTEXT: "dead", NATS_URL: server.url }, cwd)).code).toBe(0);
    expect((await cli(["status", runId, "-s", server.url], { ...base, NATS_CONTEXT: "dead" }, cwd)).code).toBe(0);
    const unknown = await cli(["status", runId, "--context", "nope"], base, cwd);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('unknown NATS context "nope"');
  });

  it("TLS: connects to a TLS-only nats-server with the test CA (flag, NATS_CA, a context's ca), fails clearly without it; a service connects with NATS_CA", async () => {
    const dir = tempDir();
    const t = testCa(dir);
    const server = await ownServer({
      extraConfig: `tls {\n  cert_file: ${JSON.stringify(t.cert)}\n  key_file: ${JSON.stringify(t.key)}\n}`,
    });
    const url = `tls://127.0.0.1:${server.port}`;
    const cwd = tempDir();
    const prefix = uniquePrefix();
    const env = { NATS_URL: url, CAIRN_PREFIX: prefix, XDG_CONFIG_HOME: tempDir() };

    const without = await cli(["runs"], env, cwd);
    expect(without.code).toBe(1);
    expect(without.stderr).toContain(`cannot connect to ${url}: TLS`);
    expect(without.stderr).toContain("--tls-ca");
    // With the CA the connection is made: only the planner is missing.
    const withCa = await cli(["runs", "--json", "--tls-ca", t.ca], env, cwd);
    expect(jsonError(withCa.stdout)).toMatchObject({ kind: "unavailable" });

    const f = makeFixture({ work: [{ content: "done" }] });
    const planner = await spawnService("planner", { ...serviceEnv(url, prefix, f), NATS_CA: t.ca });
    stops.push(() => planner.kill());
    const listed = await cli(["runs", "--json"], { ...env, NATS_CA: t.ca }, cwd);
    expect(listed.stderr).toBe("");
    expect(listed.code).toBe(0);
    expect(JSON.parse(listed.stdout)).toEqual([]);
    // A service without the CA does not get in, and says why.
    await expect(
      spawnService("planner", serviceEnv(url, prefix, f), { provision: false }).then((p) => {
        stops.push(() => p.kill());
        return p;
      }),
    ).rejects.toThrow(/certificate|TLS/i);

    const cfg = tempDir();
    mkdirSync(join(cfg, "nats", "context"), { recursive: true });
    writeFileSync(join(cfg, "nats", "context", "secure.json"), JSON.stringify({ url, ca: t.ca }));
    const viaContext = await cli(
      ["runs", "--json", "--context", "secure"],
      { CAIRN_PREFIX: prefix, XDG_CONFIG_HOME: cfg },
      cwd,
    );
    expect(viaContext.code).toBe(0);
    expect(JSON.parse(viaContext.stdout)).toEqual([]);
  });

  it("completion scripts for bash, zsh and fish, from the program's commands and options", async () => {
    const cwd = tempDir();
    const b = await cli(["completion", "bash"], {}, cwd);
    expect(b.code).toBe(0);
    for (const cmd of ["submit", "status", "runs", "follow", "cancel", "approve", "deny", "provision", "completion"])
      expect(b.stdout).toMatch(new RegExp(`\\b${cmd}\\b`));
    expect(b.stdout).toContain("--tls-ca");
    expect(b.stdout).toContain("complete -o default -F _cairn cairn");
    const file = join(cwd, "cairn.bash");
    writeFileSync(file, b.stdout);
    await run("bash", ["-n", file]);
    // Completing in bash itself: the commands after `cairn fo`, the options of `follow`.
    const complete = async (line: string[]): Promise<string[]> => {
      const script = `source ${JSON.stringify(file)}; COMP_WORDS=(${line.map((w) => JSON.stringify(w)).join(" ")}); COMP_CWORD=${line.length - 1}; _cairn; printf '%s\\n' "\${COMPREPLY[@]}"`;
      return (await run("bash", ["-c", script])).stdout.trim().split("\n");
    };
    expect(await complete(["cairn", "fol"])).toEqual(["follow"]);
    expect(await complete(["cairn", "fo"])).toEqual(["follow", "fork"]);
    expect(await complete(["cairn", "follow", "--js"])).toEqual(["--json"]);
    const z = await cli(["completion", "zsh"], {}, cwd);
    expect(z.stdout).toMatch(/^#compdef cairn/);
    expect(z.stdout).toContain("'follow:show a run live");
    const fish = await cli(["completion", "fish"], {}, cwd);
    expect(fish.stdout).toContain("complete -c cairn -n '__fish_seen_subcommand_from submit' -l json");
    const bad = await cli(["completion", "powershell", "--json"], {}, cwd);
    expect(bad.code).toBe(1);
    expect(jsonError(bad.stdout)).toMatchObject({ kind: "usage" });
  });
});
