import { describe, it, expect, beforeEach, afterEach } from "vitest";
import { constants as C, promises as fs } from "node:fs";
import os from "node:os";
import path from "node:path";
import type { ToolContext, ToolDefinition } from "../define.js";
import { toolTestContext } from "./test-context.js";
import { builtinTools, ShellSandboxUnavailableError, type BuiltinToolOptions } from "./index.js";
import { findBinary, resolveShellSandbox } from "./shell.js";
import {
  claimWorkspace,
  isSandboxUid,
  openBeneath,
  resolveInWorkspace,
  sandboxUidOf,
  SANDBOX_UID_BASE,
  SANDBOX_UID_COUNT,
} from "./workspace.js";

// The shell sandbox as it runs in CI and in the tests' tool-runners: root, with setpriv. Elsewhere
// only the refusals below run.
const sandboxed = process.getuid?.() === 0 && process.platform === "linux" && findBinary("setpriv") !== undefined;

const makeContext = (runId: string, workspaceDir: string): ToolContext & { abort: AbortController } =>
  toolTestContext(workspaceDir, { runId });

function toolOf(name: string, opts: BuiltinToolOptions): ToolDefinition<any> {
  const t = builtinTools(opts).find((x) => x.name === name);
  if (!t) throw new Error(`no built-in ${name}`);
  return t;
}

interface ShellOut {
  exitCode: number | null;
  stdout: string;
  stderr: string;
  timedOut?: boolean;
}

let tmp: string;
let root: string;
beforeEach(async () => {
  tmp = await fs.mkdtemp(path.join(os.tmpdir(), "cairn-sandbox-"));
  // the way a workspace root is meant to be: traversable, not listable, writable by the runner only
  await fs.chmod(tmp, 0o711);
  root = path.join(tmp, "workspaces");
});
afterEach(async () => {
  await fs.rm(tmp, { recursive: true, force: true });
});

describe("shell sandbox: refusing to start", () => {
  it("refuses to start without a sandbox, saying why and what to do", () => {
    let err: unknown;
    try {
      builtinTools({ shellEnabled: true, shellSandbox: { setpriv: "/nonexistent/setpriv", bwrap: null } });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ShellSandboxUnavailableError);
    const msg = (err as Error).message;
    expect(msg).toMatch(/^the shell tool cannot start: there is no sandbox to run commands in \(/);
    expect(msg).toContain(
      "setpriv is not installed (no executable /nonexistent/setpriv) (Debian/Ubuntu package util-linux)",
    );
    expect(msg).toContain("bubblewrap (bwrap) is not available (disabled)");
    expect(msg).toContain(
      "Run the tool-runner as root with setpriv (util-linux) installed, or install bubblewrap (bwrap), or do not enable the shell tool (CAIRN_SHELL_ENABLED)",
    );
    // without the shell, nothing is checked
    expect(
      builtinTools({ shellEnabled: false, shellSandbox: { setpriv: null, bwrap: null } }).map((t) => t.name),
    ).not.toContain("shell");
  });

  it("a sandbox asked for by name is the only one tried", () => {
    expect(() =>
      builtinTools({ shellEnabled: true, shellSandbox: { kind: "bwrap", bwrap: "/nonexistent/bwrap" } }),
    ).toThrow(
      /no sandbox to run commands in \(bubblewrap \(bwrap\) is not installed \(no executable \/nonexistent\/bwrap\) \(Debian\/Ubuntu package bubblewrap\)\)/,
    );
    expect(() => resolveShellSandbox({ kind: "setpriv", setpriv: null }, 1000)).toThrow(
      /setpriv is not available \(disabled\)/,
    );
  });

  it("picked lazily (a tool list for names only), a call without a sandbox fails without running anything", async () => {
    const shell = toolOf("shell", { shellEnabled: true, shellSandbox: { setpriv: null, bwrap: null, lazy: true } });
    const ctx = makeContext("lazy-run", path.join(root, "lazy-run"));
    await expect(shell.run({ command: "touch ran" }, ctx)).rejects.toMatchObject({
      name: "TerminalError",
      kind: "sandbox_unavailable",
      message: expect.stringMatching(/the shell tool cannot start/) as unknown,
    });
    await expect(fs.access(path.join(root, "lazy-run", "ran"))).rejects.toThrow();
  });
});

describe.skipIf(!sandboxed)("shell sandbox (setpriv, as root)", () => {
  const secret = `runner-secret-${process.pid}-${Date.now()}`;
  const opts: BuiltinToolOptions = { shellEnabled: true };

  it("is picked at start and reported: setpriv, with a PID namespace and prlimit here", () => {
    const seen: string[] = [];
    builtinTools({
      shellEnabled: true,
      shellSandbox: { report: (s) => seen.push(`${s.kind} ${s.pidNamespace} ${s.fileSizeLimit}`) },
    });
    expect(seen).toEqual([
      `setpriv ${findBinary("unshare") !== undefined} ${findBinary("prlimit") ? "prlimit" : "ulimit"}`,
    ]);
  });

  it("gives commands no network unless allowed: only a loopback interface, down (no cloud metadata, NATS or local services)", async () => {
    const ifaces = async (o: BuiltinToolOptions, run: string): Promise<string[]> => {
      const out = JSON.parse(
        (await toolOf("shell", o).run(
          { command: "tail -n +3 /proc/net/dev | cut -d: -f1 | tr -d ' '" },
          makeContext(run, path.join(root, run)),
        )) as string,
      ) as ShellOut;
      expect(out.exitCode).toBe(0);
      return out.stdout.split("\n").filter(Boolean);
    };
    expect(findBinary("unshare")).toBeDefined();
    expect(await ifaces(opts, "run-nonet")).toEqual(["lo"]);
    expect((await ifaces({ ...opts, shellSandbox: { network: true } }, "run-net")).length).toBeGreaterThanOrEqual(1);
  });

  it("runs each run's commands as a uid of its own, with no groups or capabilities and an empty environment, in its 0700 workspace", async () => {
    const ws = path.join(root, "run-env");
    const out = JSON.parse(
      (await toolOf("shell", opts).run(
        {
          command:
            "id -u; id -g; id -G; grep -E '^(CapEff|CapBnd|NoNewPrivs)' /proc/self/status; env | sort; pwd; cd \"$HOME\" && pwd",
        },
        makeContext("run-env", ws),
      )) as string,
    ) as ShellOut;
    expect(out.exitCode).toBe(0);
    const st = await fs.stat(ws);
    expect(isSandboxUid(st.uid)).toBe(true);
    expect(st.mode & 0o7777).toBe(0o700);
    const real = await fs.realpath(ws);
    expect(out.stdout).toBe(
      [
        `${st.uid}`,
        `${st.uid}`,
        `${st.uid}`,
        "CapEff:\t0000000000000000",
        "CapBnd:\t0000000000000000",
        "NoNewPrivs:\t1",
        `CAIRN_IDEMPOTENCY_KEY=run-env:1:0`,
        "CAIRN_RUN_ID=run-env",
        `CAIRN_WORKSPACE=${real}`,
        `HOME=${real}`,
        "PATH=/usr/local/bin:/usr/bin:/bin",
        `PWD=${real}`,
        real,
        real,
        "",
      ].join("\n"),
    );
  });

  for (const pidns of [true, false]) {
    it(`a command cannot read the runner's environment, its credentials file or another run's workspace (${pidns ? "PID namespace" : "setpriv alone"})`, async () => {
      process.env["CAIRN_TEST_RUNNER_SECRET"] = secret;
      try {
        const o: BuiltinToolOptions = { shellEnabled: true, shellSandbox: pidns ? {} : { unshare: null } };
        const creds = path.join(tmp, "runner.creds");
        await fs.writeFile(creds, `password: ${secret}\n`, { mode: 0o600 });
        // another run's file, written by the file tools
        await toolOf("write_file", o).run(
          { path: "notes.txt", content: `other run: ${secret}` },
          makeContext("run-victim", path.join(root, "run-victim")),
        );
        const attack = [
          "tr '\\0' '\\n' < /proc/$PPID/environ",
          "cat /proc/1/environ",
          "env",
          `tr '\\0' '\\n' < /proc/${process.pid}/environ`,
          "cat /proc/*/environ",
          `cat ${creds}`,
          `ls ${root}`,
          `cat ${path.join(root, "run-victim", "notes.txt")}`,
          "cat ../run-victim/notes.txt",
          `grep -r runner-secret /proc/${process.pid}/ 2>/dev/null | head`,
        ].join("; ");
        const out = (await toolOf("shell", o).run(
          { command: attack },
          makeContext("run-attacker", path.join(root, "run-attacker")),
        )) as string;
        expect(out).not.toContain(secret);
        const r = JSON.parse(out) as ShellOut;
        expect(r.stderr).toMatch(/Permission denied|No such file/);
        expect(r.stderr).toContain(`cat: ${creds}: Permission denied`);
        expect(r.stderr).toContain(`cat: ${path.join(root, "run-victim", "notes.txt")}: Permission denied`);
      } finally {
        delete process.env["CAIRN_TEST_RUNNER_SECRET"];
      }
    });
  }

  it("what a command leaves running dies with the call (PID namespace)", async () => {
    const started = Date.now();
    const out = JSON.parse(
      (await toolOf("shell", opts).run(
        { command: "setsid sleep 30 >/dev/null 2>&1 < /dev/null & echo left" },
        makeContext("run-bg", path.join(root, "run-bg")),
      )) as string,
    ) as ShellOut;
    expect(out).toMatchObject({ exitCode: 0, stdout: "left\n" });
    expect(Date.now() - started).toBeLessThan(5_000);
    const uid = (await fs.stat(path.join(root, "run-bg"))).uid;
    await new Promise((r) => setTimeout(r, 200));
    const left: string[] = [];
    for (const pid of await fs.readdir("/proc")) {
      if (!/^\d+$/.test(pid)) continue;
      const status = await fs.readFile(`/proc/${pid}/status`, "utf8").catch(() => "");
      if (new RegExp(`^Uid:\\s+${uid}\\s`, "m").test(status)) left.push(pid);
    }
    expect(left).toEqual([]);
  });

  it("the run's commands own what the file tools write, and the file tools read what the commands wrote", async () => {
    const ws = path.join(root, "run-share");
    const ctx = makeContext("run-share", ws);
    await toolOf("write_file", opts).run({ path: "dir/a.txt", content: "from write_file\n" }, ctx);
    const out = JSON.parse(
      (await toolOf("shell", opts).run(
        { command: "echo appended >> dir/a.txt && echo made > dir/b.txt && cat dir/a.txt" },
        ctx,
      )) as string,
    ) as ShellOut;
    expect(out).toEqual({ exitCode: 0, stdout: "from write_file\nappended\n", stderr: "" });
    expect(await toolOf("read_file", opts).run({ path: "dir/b.txt" }, ctx)).toBe("made\n");
    const uid = (await fs.stat(ws)).uid;
    for (const p of ["dir", "dir/a.txt", "dir/b.txt"]) expect((await fs.lstat(path.join(ws, p))).uid, p).toBe(uid);
  });

  it("takes over a workspace made without the sandbox, giving it and its files to the run's uid", async () => {
    const ws = path.join(root, "run-old");
    await fs.mkdir(path.join(ws, "sub"), { recursive: true, mode: 0o755 });
    await fs.writeFile(path.join(ws, "sub", "f.txt"), "old");
    const out = JSON.parse(
      (await toolOf("shell", opts).run(
        { command: "cat sub/f.txt && echo new > sub/f.txt" },
        makeContext("run-old", ws),
      )) as string,
    ) as ShellOut;
    expect(out).toEqual({ exitCode: 0, stdout: "old", stderr: "" });
    const st = await fs.stat(ws);
    expect(isSandboxUid(st.uid)).toBe(true);
    expect(st.mode & 0o7777).toBe(0o700);
    expect((await fs.lstat(path.join(ws, "sub", "f.txt"))).uid).toBe(st.uid);
  });

  it("two runs under one root never share a uid, even when their ids hash to the same one", async () => {
    const seen = new Map<number, string>();
    let pair: [string, string] | undefined;
    for (let i = 0; !pair; i++) {
      const id = `r${i}`;
      const u = sandboxUidOf(id);
      const other = seen.get(u);
      if (other) pair = [other, id];
      else seen.set(u, id);
    }
    const [a, b] = pair;
    expect(sandboxUidOf(a)).toBe(sandboxUidOf(b));
    const wa = await claimWorkspace(path.join(root, a), a);
    const wb = await claimWorkspace(path.join(root, b), b);
    expect(wa.owner.uid).toBe(sandboxUidOf(a));
    expect(wb.owner.uid).toBe(SANDBOX_UID_BASE + ((sandboxUidOf(a) - SANDBOX_UID_BASE + 1) % SANDBOX_UID_COUNT));
    // claimed again: the directory's owner is the run's uid
    expect((await claimWorkspace(path.join(root, b), b)).owner.uid).toBe(wb.owner.uid);
  });

  it("refuses a workspace root other users may write (one could squat another run's workspace)", async () => {
    const open = path.join(tmp, "open");
    await fs.mkdir(open, { mode: 0o777 });
    await fs.chmod(open, 0o1777);
    await expect(
      toolOf("shell", opts).run({ command: "true" }, makeContext("run-x", path.join(open, "run-x"))),
    ).rejects.toMatchObject({
      name: "TerminalError",
      kind: "workspace_unavailable",
      message: expect.stringMatching(/^the workspace root is writable by other users/) as unknown,
    });
  });

  it("limits every file to the workspace quota, and fails a call that leaves the workspace over it", async () => {
    const o: BuiltinToolOptions = { shellEnabled: true, workspaceQuotaBytes: 4096 };
    const ctx = makeContext("run-quota", path.join(root, "run-quota"));
    const shell = toolOf("shell", o);
    const capped = JSON.parse(
      (await shell.run({ command: "head -c 100000 /dev/zero > big; echo $?; wc -c < big" }, ctx)) as string,
    ) as ShellOut;
    // SIGXFSZ: the writer is killed at the limit (128 + 25), the file holds the limit
    expect(capped.stdout).toBe("153\n4096\n");
    await expect(shell.run({ command: "head -c 1000 /dev/zero > more; echo done" }, ctx)).rejects.toMatchObject({
      name: "TerminalError",
      kind: "quota_exceeded",
      message:
        "the command exited with 0, and the run's workspace now holds more than its quota of 4096 bytes: remove files (write_file is refused until it is under)",
    });
    await expect(toolOf("write_file", o).run({ path: "x.txt", content: "x" }, ctx)).rejects.toMatchObject({
      kind: "quota_exceeded",
    });
    expect(JSON.parse((await shell.run({ command: "rm big more; echo ok" }, ctx)) as string)).toMatchObject({
      exitCode: 0,
      stdout: "ok\n",
    });
    expect(await toolOf("write_file", o).run({ path: "x.txt", content: "x" }, ctx)).toBe("wrote 1 bytes to x.txt");
  });

  it("the file tools open what they checked: a directory swapped for a link meanwhile is refused, nothing is written outside", async () => {
    const ws = path.join(root, "run-race");
    const ctx = makeContext("run-race", ws);
    await toolOf("write_file", opts).run({ path: "sub/keep.txt", content: "k" }, ctx);
    const w = await claimWorkspace(ws, "run-race");
    const r = await resolveInWorkspace(ws, "sub/new.txt", w);
    // the run's own command swaps the checked directory for a link to outside
    const outside = path.join(tmp, "outside");
    await fs.mkdir(outside);
    await fs.rename(path.join(ws, "sub"), path.join(ws, "sub-moved"));
    await fs.symlink(outside, path.join(ws, "sub"));
    await expect(openBeneath(r, C.O_WRONLY | C.O_CREAT, { mkdirs: true })).rejects.toMatchObject({ code: "ENOTDIR" });
    expect(await fs.readdir(outside)).toEqual([]);
  });
});

// bubblewrap where it is installed (or named by CAIRN_TEST_BWRAP): not required, but when picked it must hold too.
const bwrap = process.env["CAIRN_TEST_BWRAP"] ?? findBinary("bwrap");

describe.skipIf(!bwrap || process.platform !== "linux")("shell sandbox (bubblewrap)", () => {
  it("runs commands with an empty environment, seeing only the system directories and the run's workspace", async () => {
    const secret = `bwrap-secret-${Date.now()}`;
    const o: BuiltinToolOptions = { shellEnabled: true, shellSandbox: { kind: "bwrap", bwrap: bwrap! } };
    const seen: string[] = [];
    builtinTools({ ...o, shellSandbox: { ...o.shellSandbox, report: (s) => seen.push(s.kind) } });
    expect(seen).toEqual(["bwrap"]);
    process.env["CAIRN_TEST_RUNNER_SECRET"] = secret;
    try {
      const creds = path.join(tmp, "runner.creds");
      await fs.writeFile(creds, secret, { mode: 0o600 });
      await toolOf("write_file", o).run(
        { path: "notes.txt", content: secret },
        makeContext("run-victim", path.join(root, "run-victim")),
      );
      const ctx = makeContext("run-bw", path.join(root, "run-bw"));
      const attack = `env; grep -E '^(CapEff|NoNewPrivs)' /proc/self/status; cat /proc/*/environ; cat ${creds}; cat ${path.join(root, "run-victim", "notes.txt")}; ls /; echo made > f.txt; cat f.txt`;
      const out = (await toolOf("shell", o).run({ command: attack }, ctx)) as string;
      expect(out).not.toContain(secret);
      const r = JSON.parse(out) as ShellOut;
      expect(r.stdout).toContain("CapEff:\t0000000000000000\nNoNewPrivs:\t1\n");
      expect(r.stdout).toContain(`CAIRN_RUN_ID=run-bw\n`);
      expect(r.stdout).not.toMatch(/CAIRN_TEST_/);
      expect(r.stdout.endsWith("made\n")).toBe(true);
      expect(r.stderr).toContain(`cat: ${creds}: No such file or directory`);
      expect(await toolOf("read_file", o).run({ path: "f.txt" }, ctx)).toBe("made\n");
    } finally {
      delete process.env["CAIRN_TEST_RUNNER_SECRET"];
    }
  });
});
