// The packages as a user gets them: every publishable workspace is packed (`npm pack`, which runs
// each package's prepack), the tarballs are installed into a fresh project outside the workspace
// (its other dependencies from the npm registry), and that project runs: the example app
// (examples/app), compiled there against the installed packages' types, submits a task to
// `cairn dev` started from the installed CLI and watches it; the task's tool comes from the example
// tool package (examples/tool-package), served by the installed tool-runner's own binary.
import { execFile, spawn, type ChildProcess } from "node:child_process";
import { cpSync, existsSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { promisify } from "node:util";
import { afterAll, describe, expect, it } from "vitest";
import { findNatsServer, tempDir, waitFor, workspaceRoot } from "@cairn/testing";

const run = promisify(execFile);
const root = workspaceRoot();

/** What is published: every workspace under libs/ and services/ that is not private, and the example tool package. */
function publishable(): string[] {
  const dirs = ["libs", "services"].flatMap((d) => readdirSync(join(root, d)).map((p) => join(d, p)));
  return dirs.filter((d) => {
    const file = join(root, d, "package.json");
    return existsSync(file) && !(JSON.parse(readFileSync(file, "utf8")) as { private?: boolean }).private;
  });
}

interface PackResult {
  name: string;
  filename: string;
  files: { path: string }[];
}

const children: ChildProcess[] = [];
const dirs: string[] = [];
let devServerPid: number | undefined;
afterAll(async () => {
  for (const c of children.reverse()) {
    if (c.exitCode !== null || c.signalCode !== null) continue;
    const exited = new Promise((r) => c.once("exit", r));
    c.kill("SIGTERM");
    await Promise.race([exited, new Promise((r) => setTimeout(r, 5_000))]);
    if (c.exitCode === null && c.signalCode === null) c.kill("SIGKILL");
  }
  // `cairn dev` stops its nats-server on SIGTERM; if it could not, the server is killed by PID
  // (only while that PID is still a nats-server).
  if (devServerPid && existsSync(`/proc/${devServerPid}`)) {
    const cmdline = readFileSync(`/proc/${devServerPid}/cmdline`, "utf8");
    if (cmdline.includes("nats-server")) process.kill(devServerPid, "SIGKILL");
  }
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

/** Starts a binary of the installed project, its output collected; stopped after the tests. */
function start(project: string, bin: string, args: string[], env: Record<string, string>): () => string {
  const child = spawn(join(project, "node_modules", ".bin", bin), args, {
    cwd: project,
    env,
    stdio: ["ignore", "pipe", "pipe"],
  });
  children.push(child);
  let out = "";
  child.stdout.on("data", (d: Buffer) => (out += d.toString()));
  child.stderr.on("data", (d: Buffer) => (out += d.toString()));
  return () => out;
}

describe("the published packages, installed in a project of their own", () => {
  it("pack, install outside the workspace, and run: an app submits and watches a run against `cairn dev`, a tool package is served by the installed tool-runner", async () => {
    const packDir = tempDir("cairn-packs-");
    dirs.push(packDir);
    const workspaces = [...publishable(), "examples/tool-package"];
    expect(workspaces).toEqual(
      expect.arrayContaining(["libs/client", "libs/tools", "services/cli", "services/planner", "services/tool-runner"]),
    );
    expect(workspaces).not.toContain("libs/testing");

    // 1. npm pack, as a release would (prepack checks the build and copies the LICENSE in)
    const packed = await run(
      "npm",
      ["pack", "--json", "--pack-destination", packDir, ...workspaces.flatMap((w) => ["-w", w])],
      { cwd: root, timeout: 180_000, maxBuffer: 64 * 1024 * 1024 },
    );
    const results = JSON.parse(packed.stdout) as PackResult[];
    expect(results.map((r) => r.name).sort()).toEqual(
      workspaces
        .map((w) => (JSON.parse(readFileSync(join(root, w, "package.json"), "utf8")) as { name: string }).name)
        .sort(),
    );
    for (const r of results) {
      const files = r.files.map((f) => f.path);
      expect(files, r.name).toEqual(expect.arrayContaining(["package.json", "dist/index.js", "dist/index.d.ts"]));
      expect(
        files.filter((f) => /\.test\.|\.tsbuildinfo$|^tests?\//.test(f)),
        r.name,
      ).toEqual([]);
      if (r.name.startsWith("@cairn/")) expect(files, r.name).toContain("LICENSE");
    }
    const cli = results.find((r) => r.name === "@cairn/cli")!;
    expect(cli.files.map((f) => f.path)).toEqual(
      expect.arrayContaining(["bin/cairn.js", "examples/agents.json", "examples/scripts/demo.json"]),
    );
    for (const w of publishable()) {
      const m = JSON.parse(readFileSync(join(root, w, "package.json"), "utf8")) as {
        name: string;
        license?: string;
        dependencies?: Record<string, string>;
      };
      expect(m.license, m.name).toBe("Apache-2.0");
      // Cairn's own packages are ranges, so an app's tree holds one copy of each
      const exact = Object.entries(m.dependencies ?? {}).filter(
        ([d, v]) => d.startsWith("@cairn/") && !v.startsWith("^"),
      );
      expect(exact, m.name).toEqual([]);
    }

    // 2. a fresh project outside the workspace: the example app, with the tarballs as its Cairn packages
    const project = tempDir("cairn-app-");
    dirs.push(project);
    expect(relative(root, project).startsWith("..")).toBe(true);
    expect(project.startsWith(tmpdir())).toBe(true);
    for (const f of ["src", "agents.json", "scripts", "tsconfig.json", "package.json"])
      cpSync(join(root, "examples", "app", f), join(project, f), { recursive: true });
    const manifest = JSON.parse(readFileSync(join(project, "package.json"), "utf8")) as {
      dependencies: Record<string, string>;
    };
    // None of these is on the registry yet: each @cairn/* package (the app's and theirs) is its tarball.
    for (const r of results) manifest.dependencies[r.name] = `file:${join(packDir, r.filename)}`;
    writeFileSync(join(project, "package.json"), JSON.stringify(manifest, null, 2));
    const env = { PATH: process.env["PATH"] ?? "", HOME: process.env["HOME"] ?? "/root", NO_COLOR: "1" };
    await run("npm", ["install", "--no-audit", "--no-fund"], { cwd: project, env, timeout: 240_000 });
    for (const name of ["@cairn/client", "@cairn/cli", "@cairn/tools", "@cairn/tool-runner"])
      expect(existsSync(join(project, "node_modules", name, "dist", "index.d.ts")), name).toBe(true);
    // one copy of each Cairn package: nothing nested under another
    const nested = readdirSync(join(project, "node_modules", "@cairn")).filter((p) =>
      existsSync(join(project, "node_modules", "@cairn", p, "node_modules", "@cairn")),
    );
    expect(nested).toEqual([]);

    // 3. the app compiles against the installed packages' declarations (skipLibCheck off)
    await run(join(project, "node_modules", ".bin", "tsc"), ["-p", "tsconfig.json"], {
      cwd: project,
      timeout: 120_000,
    });
    expect(existsSync(join(project, "dist", "main.js"))).toBe(true);

    // 4. `cairn dev` from the installed CLI, with the app's agents and scripted model
    const natsServer = findNatsServer().path;
    const devOut = start(project, "cairn", ["dev"], {
      ...env,
      CAIRN_NATS_SERVER: natsServer,
      CAIRN_AGENTS_FILE: "agents.json",
      CAIRN_SCRIPTS_DIR: "scripts",
      LOG_LEVEL: "warn",
    });
    await waitFor("cairn dev (installed) to be ready", () => devOut().includes("ready"), 60_000);
    const info = JSON.parse(readFileSync(join(project, ".cairn", "dev.json"), "utf8")) as {
      url: string;
      serverPid: number;
    };
    devServerPid = info.serverPid;
    const nats = { NATS_URL: info.url, NATS_TOKEN: readFileSync(join(project, ".cairn", "dev.token"), "utf8").trim() };

    // npx runs the installed CLI, which knows its version and finds `cairn dev`'s server from the project's directory
    const version = await run("npx", ["--no-install", "@cairn/cli", "--version"], {
      cwd: project,
      env,
      timeout: 60_000,
    });
    expect(version.stdout.trim()).toBe(
      (JSON.parse(readFileSync(join(root, "services", "cli", "package.json"), "utf8")) as { version: string }).version,
    );
    const listed = await run("npx", ["--no-install", "@cairn/cli", "runs", "--json"], {
      cwd: project,
      env,
      timeout: 60_000,
    });
    expect(JSON.parse(listed.stdout)).toEqual([]);

    // 5. the tool package: provisioned with the installed CLI, served by the installed tool-runner's binary
    const tools = { CAIRN_TOOLS_MODULE: "cairn-example-tools", CAIRN_AGENTS_FILE: "agents.json" };
    const provisioned = await run(join(project, "node_modules", ".bin", "cairn"), ["provision"], {
      cwd: project,
      env: { ...env, ...nats, ...tools },
      timeout: 60_000,
    });
    expect(provisioned.stdout).toMatch(/consumer tool_count_words: (created|updated|ok)/);
    const runnerOut = start(project, "cairn-tool-runner", [], { ...env, ...nats, ...tools, LOG_LEVEL: "info" });
    await waitFor("the installed tool-runner to serve count_words", () => /"count_words"/.test(runnerOut()), 60_000);
    // cairn dev's own tool-runner serves the built-in tools only: count_words is the other process's
    expect(devOut()).not.toContain("count_words");

    // 6. the app: submits, watches to the end, prints the outcome
    const app = await run(process.execPath, ["dist/main.js", "How many words?"], {
      cwd: project,
      env: { ...env, ...nats },
      timeout: 120_000,
    });
    expect(app.stdout).toMatch(/^run r\w+$/m);
    expect(app.stdout).toMatch(/^#\d+ call count_words \{"text":"durable agents lose no steps"\}$/m);
    expect(app.stdout).toMatch(/^#\d+ result \{"words":5,"longest":"durable"\}$/m);
    const outcome = JSON.parse(app.stdout.trim().split("\n").at(-1)!) as {
      status: string;
      answer: string;
      toolCalls: number;
    };
    expect(outcome).toMatchObject({ status: "completed", toolCalls: 1 });
    expect(outcome.answer).toBe('The tool says: {"words":5,"longest":"durable"}');
  });
});
