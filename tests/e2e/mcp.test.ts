// Tools from real MCP servers (installed from the registry as this workspace's devDependencies),
// served by a real tool-runner process: parallel calls, a server SIGKILLed mid-call, the
// tool-runner SIGKILLed mid-call, approval.
import { spawn, type ChildProcess } from "node:child_process";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import type { CairnClient } from "@cairn/client";
import type { ToolResult } from "@cairn/protocol";
import {
  spawnService,
  startNatsServer,
  tempDir,
  uniquePrefix,
  waitFor,
  workspaceRoot,
  type RunningNatsServer,
  type ServiceName,
  type ServiceProcess,
} from "@cairn/testing";
import {
  clientFor,
  connectNats,
  makeFixture,
  runLog,
  serviceEnv,
  waitRun,
  withTimeout,
  type ScriptTurn,
} from "../helpers.js";

const MODULES = join(workspaceRoot(), "node_modules", "@modelcontextprotocol");
const EVERYTHING = join(MODULES, "server-everything", "dist", "index.js");
const FILESYSTEM = join(MODULES, "server-filesystem", "dist", "index.js");

let server: RunningNatsServer;
const procs: ServiceProcess[] = [];
const children: ChildProcess[] = [];
/** MCP server processes the tool-runners started (from their logs): a SIGKILLed runner leaves its own. */
const mcpPids = new Set<number>();
let client: CairnClient | undefined;

beforeAll(async () => {
  server = await startNatsServer();
});
afterEach(async () => {
  await client?.close();
  client = undefined;
  for (const p of procs) for (const l of p.logs) if (typeof l["pid"] === "number") mcpPids.add(l["pid"]);
  await Promise.all(procs.splice(0).map((p) => p.kill("SIGKILL")));
  for (const c of children.splice(0)) if (c.exitCode === null && c.signalCode === null) c.kill("SIGKILL");
  for (const pid of mcpPids) {
    try {
      process.kill(pid, "SIGKILL");
    } catch {
      // gone already
    }
  }
  mcpPids.clear();
});
afterAll(async () => {
  await server?.stop();
});

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const a = s.address();
      s.close(() => resolve(typeof a === "object" && a ? a.port : 0));
    });
  });
}

/** server-everything in its Streamable HTTP mode (PORT), on a free port; stopped after the test. */
async function startHttpEverything(): Promise<string> {
  const port = await freePort();
  const child = spawn(process.execPath, [EVERYTHING, "streamableHttp"], {
    env: { PATH: process.env["PATH"], PORT: String(port) },
    stdio: ["ignore", "ignore", "pipe"],
  });
  children.push(child);
  let err = "";
  await withTimeout(
    new Promise<void>((resolve, reject) => {
      child.stderr.on("data", (d: Buffer) => {
        err += d.toString();
        if (err.includes(`listening on port ${port}`)) resolve();
      });
      child.once("exit", (code) => reject(new Error(`server-everything (http) exited with ${code}: ${err}`)));
    }),
    20_000,
    "server-everything to listen",
  );
  return `http://127.0.0.1:${port}/mcp`;
}

interface Setup {
  prefix: string;
  env: Record<string, string>;
  dir: string;
  byName: Map<ServiceName, ServiceProcess>;
  c: CairnClient;
}

async function setup(
  script: ScriptTurn[],
  tools: string[],
  servers: Record<string, unknown>,
  o: { agent?: Record<string, unknown>; env?: Record<string, string> } = {},
): Promise<Setup> {
  const f = makeFixture({ work: script }, { work: tools });
  if (o.agent) {
    const agents = JSON.parse(readFileSync(f.agentsFile, "utf8")) as { agents: Record<string, object> };
    agents.agents["work"] = { ...agents.agents["work"], ...o.agent };
    writeFileSync(f.agentsFile, JSON.stringify(agents));
  }
  const mcpFile = join(f.dir, "mcp.json");
  writeFileSync(mcpFile, JSON.stringify({ servers }));
  const prefix = uniquePrefix();
  const env = serviceEnv(server.url, prefix, f, { CAIRN_MCP_SERVERS: mcpFile, ...o.env });
  const byName = new Map<ServiceName, ServiceProcess>();
  for (const name of ["tool-runner", "llm-caller", "planner"] as const) {
    const p = await spawnService(name, env);
    procs.push(p);
    byName.set(name, p);
  }
  client = await clientFor(server.url, prefix);
  return { prefix, env, dir: f.dir, byName, c: client };
}

/** The run's recorded tool results by `<turn>.<index>`; each call's result subject holds one message. */
async function toolResults(prefix: string, runId: string): Promise<Map<string, ToolResult>> {
  const nc = await connectNats({ servers: server.url, name: "mcp-test" });
  try {
    const got = new Map<string, ToolResult>();
    for (const { entry } of await runLog(nc, prefix, runId)) {
      if (entry.kind !== "tool-result") continue;
      const k = `${entry.message.turn}.${entry.message.index}`;
      expect(got.has(k), `two results for call ${k}`).toBe(false);
      got.set(k, entry.message);
    }
    return got;
  } finally {
    await nc.close();
  }
}

/** Resolves once the run's log holds the command of call `<turn>.<index>`. */
async function commandIssued(prefix: string, runId: string, turn: number, index: number): Promise<void> {
  const nc = await connectNats({ servers: server.url, name: "mcp-test" });
  try {
    await waitFor(`command ${turn}.${index} of ${runId}`, async () =>
      (await runLog(nc, prefix, runId)).some(
        ({ entry }) => entry.kind === "tool-command" && entry.message.turn === turn && entry.message.index === index,
      ),
    );
  } finally {
    await nc.close();
  }
}

const connectedPids = (p: ServiceProcess, server: string): number[] =>
  p.logs.filter((l) => l["msg"] === "mcp server connected" && l["mcpServer"] === server).map((l) => l["pid"] as number);

const stdioEverything = { command: process.execPath, args: [EVERYTHING, "stdio"] };

describe("tools from MCP servers", () => {
  it("a run calls tools of stdio and Streamable HTTP MCP servers in parallel, every result recorded faithfully", async () => {
    const files = join(tempDir(), "files");
    mkdirSync(files);
    const url = await startHttpEverything();
    const script: ScriptTurn[] = [
      {
        content: "Five MCP calls at once.",
        toolCalls: [
          { name: "everything__get-sum", arguments: { a: 2, b: 3 } },
          { name: "fs__write_file", arguments: { path: join(files, "note.txt"), content: "hello from cairn" } },
          { name: "web__echo", arguments: { message: "over http" } },
          { name: "everything__get-tiny-image", arguments: {} },
          { name: "web__get-structured-content", arguments: { location: "Chicago" } },
        ],
      },
      {
        content: "Read it back, and try outside the allowed directory.",
        toolCalls: [
          { name: "fs__read_text_file", arguments: { path: join(files, "note.txt") } },
          { name: "fs__read_text_file", arguments: { path: "/etc/hostname" } },
        ],
      },
      { content: "Done: {{toolResults}}" },
    ];
    const tools = [
      "everything__get-sum",
      "everything__get-tiny-image",
      "fs__write_file",
      "fs__read_text_file",
      "web__echo",
      "web__get-structured-content",
    ];
    const t = await setup(script, tools, {
      everything: { ...stdioEverything, tools: ["get-sum", "get-tiny-image"] },
      fs: { command: process.execPath, args: [FILESYSTEM, files] },
      web: { url },
    });
    const { runId } = await t.c.submit({ task: "use MCP tools" });
    const s = await waitRun(t.c, runId);
    expect(s.status).toBe("completed");
    expect(s.answer).toContain("hello from cairn");

    const got = await toolResults(t.prefix, runId);
    expect(got.size).toBe(7);
    const r = (k: string): ToolResult => got.get(k)!;
    expect(r("1.0")).toMatchObject({ ok: true, output: "The sum of 2 and 3 is 5." });
    expect(r("1.1")).toMatchObject({ ok: true, output: expect.stringContaining("Successfully wrote") });
    expect(r("1.2")).toMatchObject({ ok: true, output: "Echo: over http" });
    // An image block is recorded as JSON with its data; text blocks beside it stay text blocks.
    const image = JSON.parse(r("1.3").output!) as { content: { type: string; data?: string; mimeType?: string }[] };
    expect(image.content.map((b) => b.type)).toContain("image");
    const block = image.content.find((b) => b.type === "image")!;
    expect(block.mimeType).toBe("image/png");
    expect(Buffer.from(block.data!, "base64").subarray(1, 4).toString()).toBe("PNG");
    // Structured output is recorded beside the content blocks.
    expect(JSON.parse(r("1.4").output!)).toMatchObject({
      structuredContent: { temperature: 36, conditions: "Light rain / drizzle", humidity: 82 },
    });
    // server-filesystem answers with a text block and structuredContent: both recorded.
    expect(r("2.0").ok).toBe(true);
    expect(JSON.parse(r("2.0").output!)).toEqual({
      content: [{ type: "text", text: "hello from cairn" }],
      structuredContent: { content: "hello from cairn" },
    });
    // isError: the tool's error is the call's result, which the model reads; not retried.
    expect(r("2.1")).toMatchObject({ ok: false, attempts: 1, error: { kind: "tool_error" } });
    expect(r("2.1").error!.message).toMatch(/access denied|outside allowed/i);
    expect(readFileSync(join(files, "note.txt"), "utf8")).toBe("hello from cairn");
    const tr = t.byName.get("tool-runner")!;
    expect(connectedPids(tr, "everything")).toHaveLength(1);
    expect(connectedPids(tr, "fs")).toHaveLength(1);
  });

  it("a stdio MCP server SIGKILLed mid-call is restarted, and the run completes with every result recorded once", async () => {
    // Two slow calls at once (3 s each): they overlap, and the server dies under both.
    const script: ScriptTurn[] = [
      {
        content: "Two slow operations and a sum.",
        toolCalls: [
          { name: "everything__trigger-long-running-operation", arguments: { duration: 3, steps: 3 } },
          { name: "everything__trigger-long-running-operation", arguments: { duration: 3, steps: 3 } },
          { name: "everything__get-sum", arguments: { a: 20, b: 22 } },
        ],
      },
      { content: "Done: {{toolResults}}" },
    ];
    const t = await setup(script, ["everything__trigger-long-running-operation", "everything__get-sum"], {
      everything: { ...stdioEverything, tools: ["trigger-long-running-operation", "get-sum"] },
    });
    const tr = t.byName.get("tool-runner")!;
    const [first] = connectedPids(tr, "everything");
    expect(first).toBeGreaterThan(0);
    const started = Date.now();
    const { runId } = await t.c.submit({ task: "slow work" });
    await commandIssued(t.prefix, runId, 1, 1);
    await new Promise((r) => setTimeout(r, 1_000));
    process.kill(first!, "SIGKILL");
    const s = await waitRun(t.c, runId);
    expect(s.status).toBe("completed");
    // Restarted: a second process of the server answered the retries.
    await tr.waitForLog((l) => l["msg"] === "mcp server connection closed: restarting it");
    const pids = connectedPids(tr, "everything");
    expect(pids).toHaveLength(2);
    expect(pids[1]).not.toBe(first);
    const got = await toolResults(t.prefix, runId);
    expect(got.size).toBe(3);
    for (const k of ["1.0", "1.1"]) {
      // Killed mid-call (attempt 1 never recorded anything), retried by the usual rules, recorded once.
      expect(got.get(k)).toMatchObject({
        ok: true,
        output: expect.stringContaining("Long running operation completed"),
      });
      expect(got.get(k)!.attempts).toBeGreaterThanOrEqual(2);
    }
    expect(got.get("1.2")).toMatchObject({ ok: true, output: "The sum of 20 and 22 is 42." });
    // Both slow calls ran at once on the new server: about 3 s after the kill, not 6.
    expect(Date.now() - started).toBeLessThan(12_000);
  });

  it("the tool-runner SIGKILLed mid-call: another one takes the call over and the run completes", async () => {
    const script: ScriptTurn[] = [
      {
        content: "A slow operation.",
        toolCalls: [{ name: "everything__trigger-long-running-operation", arguments: { duration: 2, steps: 2 } }],
      },
      { content: "Done: {{toolResults}}" },
    ];
    const t = await setup(script, ["everything__trigger-long-running-operation"], {
      everything: { ...stdioEverything, tools: ["trigger-long-running-operation"] },
    });
    const tr = t.byName.get("tool-runner")!;
    const { runId } = await t.c.submit({ task: "slow work" });
    await commandIssued(t.prefix, runId, 1, 0);
    await new Promise((r) => setTimeout(r, 700));
    for (const pid of connectedPids(tr, "everything")) mcpPids.add(pid);
    await tr.kill("SIGKILL");
    const again = await spawnService("tool-runner", t.env, { provision: false });
    procs.push(again);
    const s = await waitRun(t.c, runId);
    expect(s.status).toBe("completed");
    expect(s.answer).toContain("Long running operation completed");
    const got = await toolResults(t.prefix, runId);
    expect(got.size).toBe(1);
    expect(got.get("1.0")).toMatchObject({ ok: true });
    expect(got.get("1.0")!.attempts).toBeGreaterThanOrEqual(2);
  });

  it("an MCP tool configured to require approval waits for it, and runs once approved", async () => {
    const script: ScriptTurn[] = [
      { content: "Summing.", toolCalls: [{ name: "everything__get-sum", arguments: { a: 1, b: 1 } }] },
      { content: "{{toolResults}}" },
    ];
    const t = await setup(script, ["everything__get-sum"], {
      everything: { ...stdioEverything, tools: ["get-sum"], requiresApproval: ["get-sum"] },
    });
    const { runId } = await t.c.submit({ task: "sum" });
    const paused = await waitFor("the run to await approval", async () => {
      const st = await t.c.status(runId);
      return st.status === "awaiting_approval" ? st : undefined;
    });
    expect(paused.waitingFor?.join(" ")).toContain("everything__get-sum");
    expect((await toolResults(t.prefix, runId)).size).toBe(0);
    await new Promise((r) => setTimeout(r, 500));
    expect((await t.c.status(runId)).status).toBe("awaiting_approval");
    await t.c.approve(runId, "call_1_0");
    const s = await waitRun(t.c, runId);
    expect(s.status).toBe("completed");
    expect(s.answer).toBe("The sum of 1 and 1 is 2.");
  });
});

describe("cairn mcp", () => {
  const CLI = join(workspaceRoot(), "services", "cli", "bin", "cairn.js");
  const closers: (() => Promise<void>)[] = [];
  afterEach(async () => {
    await Promise.all(closers.splice(0).map((c) => c().catch(() => undefined)));
  });

  const text = (r: unknown): string => (r as { content: { type: string; text?: string }[] }).content[0]?.text ?? "";

  it("an MCP client submits, follows with progress, approves and reads the status (stdio)", async () => {
    const script: ScriptTurn[] = [
      { content: "Summing.", toolCalls: [{ name: "everything__get-sum", arguments: { a: 4, b: 5 } }] },
      { content: "{{toolResults}}" },
    ];
    const t = await setup(script, ["everything__get-sum"], {
      everything: { ...stdioEverything, tools: ["get-sum"], requiresApproval: true },
    });
    const transport = new StdioClientTransport({
      command: process.execPath,
      args: [CLI, "mcp", "--server", server.url, "--prefix", t.prefix],
      stderr: "pipe",
    });
    const mcp = new Client({ name: "cairn-e2e", version: "1.0.0" });
    closers.push(() => mcp.close());
    await mcp.connect(transport);
    const { tools } = await mcp.listTools();
    expect(tools.map((x) => x.name).sort()).toEqual([
      "approve",
      "cancel",
      "deny",
      "follow",
      "list",
      "send",
      "status",
      "submit",
    ]);

    const submitted = await mcp.callTool({ name: "submit", arguments: { task: "add four and five" } });
    expect(submitted.isError).toBeFalsy();
    const { runId, created } = submitted.structuredContent as { runId: string; created: boolean };
    expect(created).toBe(true);

    // follow: progress notifications as the run proceeds; approve when one says the call waits.
    const progress: string[] = [];
    let approving: Promise<unknown> | undefined;
    const followed = await mcp.callTool({ name: "follow", arguments: { runId } }, undefined, {
      timeout: 60_000,
      resetTimeoutOnProgress: true,
      onprogress: (p) => {
        progress.push(p.message ?? "");
        if (p.message?.includes("awaiting approval") && !approving)
          // a steering message first (the next model call reads it), then the approval
          approving = mcp
            .callTool({ name: "send", arguments: { runId, text: "Answer in one sentence." } })
            .then((sent) => {
              expect(sent.isError).toBeFalsy();
              expect(sent.structuredContent).toEqual({ v: 1, runId, n: 1 });
              return mcp.callTool({ name: "approve", arguments: { runId, callId: "call_1_0", reason: "fine" } });
            });
      },
    });
    expect(approving).toBeDefined();
    const approved = (await approving) as { isError?: boolean };
    expect(approved.isError).toBeFalsy();
    expect(followed.isError).toBeFalsy();
    expect(followed.structuredContent).toMatchObject({
      runId,
      status: "completed",
      answer: "The sum of 4 and 5 is 9.",
    });
    expect(progress[0]).toMatch(/^submitted: agent work/);
    expect(progress).toContain("call call_1_0: approved");
    expect(progress).toContain("tool everything__get-sum (call_1_0): done");
    expect(progress.at(-1)).toBe("ended: completed");

    const status = await mcp.callTool({ name: "status", arguments: { runId } });
    expect(status.structuredContent).toMatchObject({ runId, status: "completed", messages: 1, answeredMessages: 1 });
    const listed = await mcp.callTool({ name: "list", arguments: { status: "completed" } });
    expect((listed.structuredContent as { runs: { runId: string }[] }).runs.map((r) => r.runId)).toContain(runId);
    // The API's refusals come back as tool errors the caller reads.
    const again = await mcp.callTool({ name: "approve", arguments: { runId, callId: "call_1_0" } });
    expect(again.isError).toBe(true);
    expect(text(again)).toMatch(/^not_awaiting: /);
    const late = await mcp.callTool({ name: "send", arguments: { runId, text: "one more thing" } });
    expect(late.isError).toBe(true);
    expect(text(late)).toMatch(/^not_running: run \S+ already completed/);
    const missing = await mcp.callTool({ name: "status", arguments: { runId: "no-such-run" } });
    expect(missing.isError).toBe(true);
  });

  it("serves Streamable HTTP on 127.0.0.1 with --http", async () => {
    const t = await setup([{ content: "hello" }], [], { everything: { ...stdioEverything, tools: ["get-sum"] } });
    const child = spawn(process.execPath, [CLI, "mcp", "--http", "0", "--server", server.url, "--prefix", t.prefix], {
      env: { PATH: process.env["PATH"] },
      stdio: ["ignore", "ignore", "pipe"],
    });
    children.push(child);
    let err = "";
    const url = await withTimeout(
      new Promise<string>((resolve, reject) => {
        child.stderr.on("data", (d: Buffer) => {
          err += d.toString();
          const m = /Streamable HTTP on (http:\/\/127\.0\.0\.1:\d+\/mcp)/.exec(err);
          if (m) resolve(m[1]!);
        });
        child.once("exit", (code) => reject(new Error(`cairn mcp exited with ${code}: ${err}`)));
      }),
      20_000,
      "cairn mcp --http to listen",
    );
    const mcp = new Client({ name: "cairn-e2e", version: "1.0.0" });
    closers.push(() => mcp.close());
    await mcp.connect(new StreamableHTTPClientTransport(new URL(url)));
    const submitted = await mcp.callTool({ name: "submit", arguments: { task: "say hello" } });
    const { runId } = submitted.structuredContent as { runId: string };
    const followed = await mcp.callTool({ name: "follow", arguments: { runId } });
    expect(followed.structuredContent).toMatchObject({ status: "completed", answer: "hello" });
    // a web page's request (it carries an Origin) is refused before MCP sees it
    const fromPage = await fetch(url, {
      method: "POST",
      headers: {
        origin: "http://evil.example",
        "content-type": "application/json",
        accept: "application/json, text/event-stream",
      },
      body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "tools/list" }),
    });
    expect(fromPage.status).toBe(403);
  });
});
