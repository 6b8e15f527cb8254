import { execFile, spawn, type ChildProcess } from "node:child_process";
import { chmodSync, existsSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:net";
import { join } from "node:path";
import { promisify } from "node:util";
import { connect } from "@nats-io/transport-node";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import {
  findNatsServer,
  startNatsServer,
  tempDir,
  waitFor,
  workspaceRoot,
  type RunningNatsServer,
} from "@cairn/testing";

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
  it("runs the demo end to end: embedded nats-server, three services, scripted model, parallel tool calls", async () => {
    const r = await cli(["demo"], {}, tempDir());
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("SCRIPTED MODEL");
    expect(r.stdout).toMatch(/turn 1 model asks for 3 tool calls/);
    expect(r.stdout).toMatch(/turn 2 model asks for 2 tool calls/);
    expect(r.stdout).toMatch(/✔ completed 3 turns/);
    expect(r.stdout).toContain('notes/once.txt reads: "A recorded result is never executed again."');
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
