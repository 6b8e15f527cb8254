/**
 * The shell tool cannot see the tool-runner's secrets, and a run's workspace is its own, bounded,
 * and goes with the run. Against a real nats-server with the shipped deploy/nats/accounts.conf,
 * the planner and llm-caller each on its own user, and the built-in tools' runner as its own OS
 * process (user `tool-runner`, CAIRN_SHELL_ENABLED=true), the way it runs in production: its
 * NATS_PASSWORD and other secrets are in that process's environment, where
 * `/proc/<pid>/environ` keeps them.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { randomBytes } from "node:crypto";
import { chmodSync, existsSync, mkdirSync, readdirSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { spawn } from "node:child_process";
import { connect, type NatsConnection } from "@nats-io/transport-node";
import { jetstreamManager } from "@nats-io/jetstream";
import { CairnClient } from "@cairn/client";
import { provision } from "@cairn/cli";
import { loadConfig as llmConfig, startLlmCaller } from "@cairn/llm-caller";
import { loadConfig as plannerConfig, parseAgents, startPlanner } from "@cairn/planner";
import { readRunLog, type RunningService } from "@cairn/bus";
import { decodeEntry, Subjects, type ToolResult } from "@cairn/protocol";
import { purgeRun } from "@cairn/replay";
import { silentLogger } from "@cairn/telemetry";
import {
  credentialsEnv,
  shippedAccounts,
  spawnService,
  startNatsServer,
  tempDir,
  testPassword,
  workspaceRoot as repoRoot,
  type RunningNatsServer,
  type ServiceProcess,
  type ShippedUser,
} from "@cairn/testing";
import { checkRunLog, type LoggedEntry } from "../chaos/invariants.js";
import type { ScriptTurn } from "../helpers.js";
import { canPublish, canSubscribe } from "./deployment.js";

// The sandbox this suite attacks: setpriv, as root (CI and the test machines). bubblewrap is not
// assumed; where neither is available the tool-runner refuses to start (the last test).
const root = process.getuid?.() === 0 && process.platform === "linux";
const bwrapInstalled = ["/usr/bin/bwrap", "/bin/bwrap", "/usr/local/bin/bwrap"].some((p) => existsSync(p));

const RUNNER_SECRET = `runner-secret-${randomBytes(8).toString("hex")}`;
const CREDS_SECRET = `creds-secret-${randomBytes(8).toString("hex")}`;
const VICTIM_SECRET = `victim-secret-${randomBytes(8).toString("hex")}`;
const RUNNER_PASSWORD = testPassword("tool-runner");
const QUOTA = 64 * 1024;

const AGENTS = {
  victim: ["write_file"],
  attacker: ["shell"],
  quota: ["shell", "write_file"],
  errors: ["read_file", "write_file", "list_files"],
};

let server: RunningNatsServer;
let dir: string;
let scriptsDir: string;
let wsRoot: string;
let credsFile: string;
let env: Record<string, string>;
let runner: ServiceProcess;
let client: CairnClient;
let admin: NatsConnection;
const open: NatsConnection[] = [];
const services: RunningService[] = [];
const subjects = new Subjects("cairn");

const as = async (user: ShippedUser): Promise<NatsConnection> => {
  const nc = await connect({ servers: server.url, user, pass: testPassword(user), maxReconnectAttempts: 0 });
  open.push(nc);
  return nc;
};
const script = (agent: string, turns: ScriptTurn[]): void =>
  writeFileSync(join(scriptsDir, `${agent}.json`), JSON.stringify({ turns }));
const logOf = async (runId: string): Promise<LoggedEntry[]> => {
  const jsm = await jetstreamManager(admin);
  return (await readRunLog(jsm, subjects, runId)).map((e) => ({
    seq: e.seq,
    subject: e.subject,
    entry: decodeEntry(subjects, e.subject, e.data),
  }));
};
/** A run's tool results, in call order (turn, then index). */
const toolResults = async (runId: string): Promise<ToolResult[]> =>
  (await logOf(runId))
    .flatMap((e) => (e.entry.kind === "tool-result" ? [e.entry.message] : []))
    .sort((a, b) => a.turn - b.turn || a.index - b.index);
const run = async (agent: string, task: string): Promise<{ runId: string; answer: string }> => {
  const { runId } = await client.submit({ task, agent });
  const status = await client.wait(runId);
  expect(status.status, JSON.stringify(status)).toBe("completed");
  expect(checkRunLog(runId, await logOf(runId))).toEqual([]);
  return { runId, answer: status.answer ?? "" };
};
const until = async (what: string, fn: () => boolean, ms = 15_000): Promise<void> => {
  const end = Date.now() + ms;
  while (!fn()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
};

beforeAll(async () => {
  if (!root) return;
  dir = tempDir("cairn-sandbox-");
  // the workspace root's parents: traversable by the runs' uids (the attacks below name paths)
  chmodSync(dir, 0o711);
  server = await startNatsServer({ extraConfig: shippedAccounts(), logFile: join(dir, "nats.log") });
  scriptsDir = join(dir, "scripts");
  mkdirSync(scriptsDir);
  wsRoot = join(dir, "ws");
  // the runner's credentials file: 0600, the runner's own
  credsFile = join(dir, "runner.creds");
  writeFileSync(credsFile, `-----BEGIN NATS USER JWT-----\n${CREDS_SECRET}\n`, { mode: 0o600 });
  script("victim", [
    { toolCalls: [{ name: "write_file", arguments: { path: "private/notes.txt", content: VICTIM_SECRET } }] },
    { content: "Saved: {{toolResults}}" },
  ]);
  const agentsJson = JSON.stringify({
    default: "victim",
    agents: Object.fromEntries(
      Object.entries(AGENTS).map(([name, tools]) => [
        name,
        { provider: "scripted", model: name, systemPrompt: "test agent", tools, maxTurns: 5 },
      ]),
    ),
  });
  const agentsFile = join(dir, "agents.json");
  writeFileSync(agentsFile, agentsJson);
  const agents = parseAgents(agentsJson);
  env = {
    NATS_URL: server.url,
    CAIRN_PREFIX: "cairn",
    CAIRN_SCRIPTS_DIR: scriptsDir,
    CAIRN_AGENTS_FILE: agentsFile,
    CAIRN_WORKSPACE_ROOT: wsRoot,
    CAIRN_ACK_WAIT_MS: "2000",
    CAIRN_TOOL_RETRY_DELAY_MS: "50",
    CAIRN_LLM_RETRY_DELAY_MS: "50",
    LOG_LEVEL: "silent",
  };
  admin = await as("admin");
  await provision(admin, { ...env, CAIRN_SHELL_ENABLED: "true" }, "all", { agents });
  const log = silentLogger();
  services.push(await startLlmCaller(llmConfig({ ...env, ...credentialsEnv("llm-caller") }), { log }));
  services.push(await startPlanner(plannerConfig({ ...env, ...credentialsEnv("planner") }), { log, agents }));
  // The built-in tools' runner, its own process with its secrets in its environment.
  runner = await spawnService(
    "tool-runner",
    {
      ...env,
      ...credentialsEnv("tool-runner"),
      LOG_LEVEL: "info",
      CAIRN_SHELL_ENABLED: "true",
      CAIRN_WORKSPACE_QUOTA_BYTES: String(QUOTA),
      CAIRN_TEST_RUNNER_SECRET: RUNNER_SECRET,
      CAIRN_TEST_CREDS_FILE: credsFile,
    },
    { provision: false },
  );
  client = await CairnClient.connect({ nc: await as("client"), prefix: "cairn" });
}, 120_000);

afterAll(async () => {
  await runner?.kill("SIGTERM");
  for (const s of services.reverse()) await s.stop().catch(() => undefined);
  await client?.close();
  await Promise.all(open.map((nc) => nc.close().catch(() => undefined)));
  await server?.stop();
});

describe.skipIf(!root)("shell sandbox and workspaces, on the shipped accounts", () => {
  it("the tool-runner reports the sandbox it picked at start", async () => {
    const line = await runner.waitForLog((l) => typeof l["msg"] === "string" && l["msg"].startsWith("shell sandbox: "));
    expect(line).toMatchObject({
      sandbox: "setpriv",
      binary: expect.stringMatching(/setpriv$/) as unknown,
      workspaceQuotaBytes: QUOTA,
    });
    expect(line["msg"]).toMatch(
      /^shell sandbox: setpriv \(.*\): each run's commands run as a uid of their own \(200000-299999, from the run id\)/,
    );
  });

  it("attack: a run's shell reads the runner's environment, credentials file and another run's workspace — it gets none of them", async () => {
    const victim = await run("victim", "keep a secret");
    const victimFile = join(wsRoot, victim.runId, "private", "notes.txt");
    expect(existsSync(victimFile)).toBe(true);
    const attack = [
      "id -u",
      "tr '\\0' '\\n' < /proc/$PPID/environ",
      "cat /proc/1/environ",
      "env",
      `tr '\\0' '\\n' < /proc/${runner.pid}/environ`,
      "cat /proc/*/environ",
      `cat /proc/${runner.pid}/cmdline`,
      `ls /proc/${runner.pid}/fd`,
      `cat ${credsFile}`,
      `ls ${wsRoot}`,
      `ls ${join(wsRoot, victim.runId)}`,
      `cat ${victimFile}`,
      `cat ../${victim.runId}/private/notes.txt`,
      `find ${dir} -name notes.txt`,
      "grep -s runner-secret /proc/*/environ /proc/*/cmdline /proc/*/task/*/environ",
    ].join("; ");
    script("attacker", [
      { toolCalls: [{ name: "shell", arguments: { command: attack } }] },
      { content: "Found: {{toolResults}}" },
    ]);
    const attacker = await run("attacker", "find secrets");
    const [result] = await toolResults(attacker.runId);
    expect(result).toMatchObject({ ok: true, tool: "shell" });
    const everything = `${attacker.answer}\n${result!.output ?? ""}`;
    for (const secret of [RUNNER_PASSWORD, RUNNER_SECRET, CREDS_SECRET, VICTIM_SECRET])
      expect(everything).not.toContain(secret);
    // the commands did run, as a uid of the run's own, and were refused
    const out = JSON.parse(result!.output!) as { exitCode: number; stdout: string; stderr: string; timedOut?: boolean };
    expect(out.timedOut).toBeUndefined();
    expect(out.stderr).toContain(`find: '${dir}': Permission denied`);
    const uid = Number(out.stdout.split("\n")[0]);
    expect(uid).toBeGreaterThanOrEqual(200_000);
    expect(uid).toBe(statSync(join(wsRoot, attacker.runId)).uid);
    expect(uid).not.toBe(statSync(join(wsRoot, victim.runId)).uid);
    expect(out.stderr).toContain(`cat: ${credsFile}: Permission denied`);
    expect(out.stderr).toContain(`cat: ${victimFile}: Permission denied`);
    expect(out.stderr).toContain(`ls: cannot open directory '${wsRoot}': Permission denied`);
    // its environment: nothing of the runner's
    expect(out.stdout).toContain(`CAIRN_RUN_ID=${attacker.runId}\n`);
    expect(out.stdout).not.toMatch(/NATS_|CAIRN_TEST_/);
  });

  it("quota: a file is cut at the quota, a call that leaves the workspace over it fails (terminal, not retried), and write_file is refused", async () => {
    script("quota", [
      {
        toolCalls: [
          { name: "shell", arguments: { command: `head -c ${QUOTA * 2} /dev/zero > big; echo $?; wc -c < big` } },
        ],
      },
      { toolCalls: [{ name: "shell", arguments: { command: "head -c 1000 /dev/zero > more; echo written" } }] },
      { toolCalls: [{ name: "write_file", arguments: { path: "note.txt", content: "one byte too many" } }] },
      { content: "Done: {{toolResults}}" },
    ]);
    const { runId } = await run("quota", "fill the disk");
    const [capped, over, refused] = await toolResults(runId);
    expect(JSON.parse(capped!.output!)).toMatchObject({ exitCode: 0, stdout: `153\n${QUOTA}\n` });
    expect(over).toMatchObject({
      ok: false,
      attempts: 1,
      error: {
        kind: "quota_exceeded",
        retryable: false,
        message: `the command exited with 0, and the run's workspace now holds more than its quota of ${QUOTA} bytes: remove files (write_file is refused until it is under)`,
      },
    });
    expect(refused).toMatchObject({ ok: false, attempts: 1, error: { kind: "quota_exceeded", retryable: false } });
    expect(refused!.error!.message).toMatch(
      /^write_file refused: writing 17 bytes to "note.txt" would take the run's workspace over its quota of 65536 bytes/,
    );
    expect(existsSync(join(wsRoot, runId, "note.txt"))).toBe(false);
  });

  it("file-system errors are terminal results (one attempt) whose messages name no absolute path", async () => {
    script("errors", [
      {
        toolCalls: [
          { name: "read_file", arguments: { path: "missing.txt" } },
          { name: "read_file", arguments: { path: join(wsRoot, "nope", "x.txt") } },
          { name: "write_file", arguments: { path: "a/b.txt", content: "b" } },
        ],
      },
      {
        toolCalls: [
          { name: "write_file", arguments: { path: "a/b.txt/c.txt", content: "c" } },
          { name: "write_file", arguments: { path: "a", content: "x" } },
          { name: "list_files", arguments: { path: "a/b.txt" } },
          { name: "read_file", arguments: { path: "../../../../etc/shadow" } },
        ],
      },
      { content: "Done: {{toolResults}}" },
    ]);
    const { runId, answer } = await run("errors", "make mistakes");
    const results = await toolResults(runId);
    expect(results.map((r) => (r.ok ? "ok" : r.error!.kind))).toEqual([
      "not_found",
      "path_outside_workspace",
      "ok",
      "not_found",
      "is_directory",
      "not_a_directory",
      "path_outside_workspace",
    ]);
    for (const r of results.filter((x) => !x.ok)) {
      expect(r).toMatchObject({ attempts: 1, error: { retryable: false } });
      expect(r.error!.message).not.toContain(dir);
      expect(r.error!.message).not.toMatch(/(^|[\s"'(])\/[a-z]/);
    }
    expect(answer).not.toContain(dir);
  });

  it("only admin may announce a purge; both runner groups may hear it", async () => {
    for (const user of ["planner", "llm-caller", "tool-runner", "tool-runner-app", "client"] as const) {
      expect(await canPublish(await as(user), subjects.purged("r-any")), user).toBe(false);
    }
    expect(await canPublish(admin, subjects.purged("r-nothing-here"))).toBe(true);
    for (const user of ["tool-runner", "tool-runner-app"] as const)
      expect(await canSubscribe(await as(user), subjects.purged("*")), user).toBe(true);
    expect(await canSubscribe(await as("client"), subjects.purged("*"))).toBe(false);
  });

  it("purge removes the run's workspace: the purging CLI is not on the runner's host, the runner is notified", async () => {
    script("victim", [
      { toolCalls: [{ name: "write_file", arguments: { path: "private/notes.txt", content: VICTIM_SECRET } }] },
      { content: "Saved: {{toolResults}}" },
    ]);
    const { runId } = await run("victim", "to be purged");
    const ws = join(wsRoot, runId);
    expect(existsSync(ws)).toBe(true);
    const others = readdirSync(wsRoot).filter((n) => n !== runId);
    // the admin's purge, from another process than the runner's (here, the test's own connection)
    await purgeRun(admin, subjects, runId);
    await until("the workspace to be removed", () => !existsSync(ws));
    await runner.waitForLog((l) => l["msg"] === "run purged: its workspace is removed" && l["runId"] === runId);
    // nobody else's workspace went with it
    expect(
      readdirSync(wsRoot)
        .filter((n) => n !== runId)
        .sort(),
    ).toEqual(others.sort());
    // a purge notification for a run with no workspace here does nothing
    admin.publish(subjects.purged("r-never-here"));
    await admin.flush();
  });
});

describe("shell sandbox: no sandbox, no start", () => {
  const main = join(repoRoot(), "services", "tool-runner", "dist", "main.js");
  const start = (prefix: string[], extra: Record<string, string>): Promise<{ code: number | null; stderr: string }> =>
    new Promise((resolve) => {
      const cmd = [...prefix, process.execPath, main];
      const child = spawn(cmd[0]!, cmd.slice(1), {
        cwd: "/",
        env: {
          PATH: process.env["PATH"] ?? "/usr/bin:/bin",
          NATS_URL: "nats://127.0.0.1:1",
          CAIRN_WORKSPACE_ROOT: "/tmp/cairn-never-used",
          LOG_LEVEL: "info",
          CAIRN_SHELL_ENABLED: "true",
          ...extra,
        },
        stdio: ["ignore", "ignore", "pipe"],
      });
      let stderr = "";
      child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
      child.once("exit", (code) => resolve({ code, stderr }));
    });

  it.skipIf(bwrapInstalled)(
    "a tool-runner told to use bubblewrap, which is not installed, refuses to start, saying why and what to do",
    async () => {
      const { code, stderr } = await start([], { CAIRN_SHELL_SANDBOX: "bwrap" });
      expect(code).not.toBe(0);
      expect(stderr).toContain("tool-runner cannot start");
      expect(stderr).toContain(
        "the shell tool cannot start: there is no sandbox to run commands in (bubblewrap (bwrap) is not installed (Debian/Ubuntu package bubblewrap))",
      );
      expect(stderr).toContain(
        "Run the tool-runner as root with setpriv (util-linux) installed, or install bubblewrap (bwrap), or do not enable the shell tool (CAIRN_SHELL_ENABLED)",
      );
    },
  );

  it.skipIf(!root)(
    "with setpriv, a tool-runner whose workspace root others may write refuses to start (one could squat another run's workspace)",
    async () => {
      const open = tempDir("cairn-sandbox-open-");
      chmodSync(open, 0o1777);
      const { code, stderr } = await start([], { CAIRN_WORKSPACE_ROOT: open });
      expect(code).not.toBe(0);
      expect(stderr).toContain(
        `the shell sandbox needs a workspace root only the tool-runner may write, and CAIRN_WORKSPACE_ROOT (${open}) has mode 1777: chmod go-w it`,
      );
    },
  );

  it.skipIf(!root || bwrapInstalled)(
    "a tool-runner that is not root (and has no bubblewrap) refuses to start",
    async () => {
      const { code, stderr } = await start(
        ["/usr/bin/setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", "--"],
        {},
      );
      expect(code).not.toBe(0);
      expect(stderr).toContain(
        "setpriv needs root to run each run's commands as a uid of their own, and this tool-runner runs as uid 65534",
      );
      expect(stderr).toContain("bubblewrap (bwrap) is not installed");
    },
  );
});
