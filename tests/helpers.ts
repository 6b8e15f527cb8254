import { execFile } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import { CairnClient } from "@cairn/client";
import { readRunLog, connectNats, type NatsConnection } from "@cairn/bus";
import { decodeEntry, Subjects, type DecodedEntry, type RunStatus } from "@cairn/protocol";
import { parseAgents, type Agents } from "@cairn/planner";
import {
  spawnService,
  startHttpServer,
  startNatsServer,
  tempDir,
  testServiceEnv,
  workspaceRoot,
  type HttpHandler,
  type RunningNatsServer,
  type ServiceName,
  type ServiceProcess,
  type TestHttpServer,
} from "@cairn/testing";
import { startEmbedded, type Embedded } from "@cairn/cli";
import type { Logger } from "@cairn/telemetry";
import { afterAll, afterEach, beforeAll } from "vitest";
import { jetstreamManager } from "@nats-io/jetstream";

/** A scripted-model script: the deterministic stand-in for an LLM used by tests (see libs/providers). */
export interface ScriptTurn {
  content?: string | null;
  toolCalls?: { name: string; arguments?: unknown; argumentsRaw?: string }[];
}

/** The standard test run: 3 turns, 3 parallel ledger calls, then 1, then an answer built from the last result. */
export const LEDGER_SCRIPT: ScriptTurn[] = [
  {
    content: "Recording three items in parallel.",
    toolCalls: [
      { name: "ledger", arguments: { item: "a" } },
      { name: "ledger", arguments: { item: "b" } },
      { name: "ledger", arguments: { item: "c" } },
    ],
  },
  { content: "One more.", toolCalls: [{ name: "ledger", arguments: { item: "d" } }] },
  { content: "Recorded: {{toolResults}}" },
];
export const LEDGER_ANSWER = "Recorded: recorded d";

/** Per-test files: scripts dir, workspace root, ledger file, and an agents definition. */
export interface Fixture {
  dir: string;
  scriptsDir: string;
  workspaceRoot: string;
  ledgerFile: string;
  agentsFile: string;
  agents: Agents;
}

export function makeFixture(
  scripts: Record<string, ScriptTurn[]>,
  agentTools: Record<string, string[]> = {},
  maxTurns: Record<string, number> = {},
): Fixture {
  const dir = tempDir();
  const scriptsDir = join(dir, "scripts");
  mkdirSync(scriptsDir);
  const agents: Record<string, unknown> = {};
  for (const [name, turns] of Object.entries(scripts)) {
    writeFileSync(join(scriptsDir, `${name}.json`), JSON.stringify({ turns }));
    agents[name] = {
      provider: "scripted",
      model: name,
      systemPrompt: "test agent",
      tools: agentTools[name] ?? ["ledger"],
      maxTurns: maxTurns[name] ?? 10,
    };
  }
  const agentsJson = JSON.stringify({ default: Object.keys(scripts)[0], agents });
  const agentsFile = join(dir, "agents.json");
  writeFileSync(agentsFile, agentsJson);
  return {
    dir,
    scriptsDir,
    workspaceRoot: join(dir, "ws"),
    ledgerFile: join(dir, "ws", "ledger.jsonl"),
    agentsFile,
    agents: parseAgents(agentsJson),
  };
}

/** Environment for services in tests (see `testServiceEnv`): a short ack_wait so crashed work is redelivered in ~2 s. */
export function serviceEnv(
  url: string,
  prefix: string,
  f: Fixture,
  extra: Record<string, string> = {},
): Record<string, string> {
  return testServiceEnv(url, prefix, f, extra);
}

export async function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let t: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      p,
      new Promise<never>((_, rej) => (t = setTimeout(() => rej(new Error(`timed out after ${ms} ms: ${what}`)), ms))),
    ]);
  } finally {
    clearTimeout(t);
  }
}

/** Waits for the run to end and returns its final status. */
export function waitRun(c: CairnClient, runId: string, ms = 60_000): Promise<RunStatus> {
  return withTimeout(c.wait(runId), ms, `run ${runId} to end`);
}

/** The run's whole log, decoded. */
export async function runLog(
  nc: NatsConnection,
  prefix: string,
  runId: string,
): Promise<{ seq: number; subject: string; entry: DecodedEntry }[]> {
  const subjects = new Subjects(prefix);
  const jsm = await jetstreamManager(nc);
  return (await readRunLog(jsm, subjects, runId)).map((e) => ({
    seq: e.seq,
    subject: e.subject,
    entry: decodeEntry(subjects, e.subject, e.data),
  }));
}

export async function clientFor(url: string, prefix: string): Promise<CairnClient> {
  return CairnClient.connect({ connect: { servers: url }, prefix });
}

export { connectNats };

/** One nats-server for a test file, and the services (in one process) and client each test starts. */
export interface EmbeddedHarness {
  readonly server: RunningNatsServer;
  /** The current test's services and client (stopped after each test). */
  readonly emb: Embedded;
  readonly client: CairnClient;
  /** Starts the services under `prefix` and a client for them. */
  start(o: { prefix: string; env: Record<string, string>; agents: Agents; log: Logger }): Promise<CairnClient>;
  /** Stops the current services and client (a restart is stop + start on the same server and store). */
  stop(): Promise<void>;
}

/** Registers the file's hooks: a nats-server for the whole file, services stopped after each test. */
export function useEmbedded(): EmbeddedHarness {
  let server: RunningNatsServer | undefined;
  let emb: Embedded | undefined;
  let client: CairnClient | undefined;
  const h: EmbeddedHarness = {
    get server() {
      if (!server) throw new Error("the nats-server is not started (use inside a test)");
      return server;
    },
    get emb() {
      if (!emb) throw new Error("no services running: call start() first");
      return emb;
    },
    get client() {
      if (!client) throw new Error("no client: call start() first");
      return client;
    },
    async start(o) {
      emb = await startEmbedded({ natsUrl: h.server.url, env: o.env, agents: o.agents, log: o.log });
      client = await CairnClient.connect({ nc: emb.nc, prefix: o.prefix });
      return client;
    },
    async stop() {
      await client?.close();
      await emb?.stop();
      client = undefined;
      emb = undefined;
    },
  };
  beforeAll(async () => {
    server = await startNatsServer();
  });
  afterEach(() => h.stop());
  afterAll(async () => {
    await server?.stop();
  });
  return h;
}

/** The three services as separate processes — tool-runner, llm-caller, planner, in that order — on `env`. */
export async function startServiceProcesses(env: Record<string, string>): Promise<ServiceProcess[]> {
  const procs: ServiceProcess[] = [];
  for (const name of ["tool-runner", "llm-caller", "planner"] as ServiceName[])
    procs.push(await spawnService(name, env));
  return procs;
}

/** `cairn <args>` against a server and prefix, as a user runs it: its own HOME, no colour; rejects on a non-zero exit. */
export function runCli(
  url: string,
  prefix: string,
  home: string,
  ...args: string[]
): Promise<{ stdout: string; stderr: string }> {
  return promisify(execFile)(
    process.execPath,
    [join(workspaceRoot(), "services", "cli", "bin", "cairn.js"), ...args, "--server", url, "--prefix", prefix],
    { env: { PATH: process.env["PATH"] ?? "", HOME: home, NO_COLOR: "1" }, timeout: 60_000 },
  );
}

/**
 * A local model server for a test file (started before its tests, closed after): each request takes
 * the next handler of `answers`, in order; with none left, it never answers (a hung provider).
 */
export function useModelServer(): { readonly http: TestHttpServer; answers: HttpHandler[] } {
  const s: { http: TestHttpServer | undefined; answers: HttpHandler[] } = { http: undefined, answers: [] };
  beforeAll(async () => {
    s.http = await startHttpServer((req, res, body) => {
      const a = s.answers.shift();
      if (a) a(req, res, body);
    });
  });
  afterAll(() => s.http?.close());
  return {
    get http() {
      return s.http!;
    },
    get answers() {
      return s.answers;
    },
    set answers(a: HttpHandler[]) {
      s.answers = a;
    },
  };
}

/** SIGKILLs every service process of `procs` (emptying it) and checks each died of that signal. */
export async function killAll(procs: ServiceProcess[]): Promise<void> {
  const all = procs.splice(0);
  await Promise.all(all.map((p) => p.kill("SIGKILL")));
  for (const p of all) {
    const { signal } = await p.exited;
    if (signal !== "SIGKILL") throw new Error(`a service process ended by ${signal ?? "exiting"}, not by SIGKILL`);
  }
}

/** An OpenAI Chat Completions answer streamed as server-sent events, in two deltas (usage 20 in, 8 out). */
export const openAiStream =
  (text: string): HttpHandler =>
  (_q, res) => {
    res.writeHead(200, { "content-type": "text/event-stream" });
    const chunk = (delta: Record<string, unknown>, finish: string | null) =>
      `data: ${JSON.stringify({ model: "gpt-test", choices: [{ index: 0, delta, finish_reason: finish }] })}\n\n`;
    const half = Math.ceil(text.length / 2);
    res.write(chunk({ role: "assistant", content: text.slice(0, half) }, null));
    res.write(chunk({ content: text.slice(half) }, null));
    res.write(chunk({}, "stop"));
    res.write(
      `data: ${JSON.stringify({ model: "gpt-test", choices: [], usage: { prompt_tokens: 20, completion_tokens: 8 } })}\n\n`,
    );
    res.end("data: [DONE]\n\n");
  };

/** An OpenAI Chat Completions answer as one JSON body: text, or tool calls; with the usage given. */
export const openAiJson =
  (
    content: string | null,
    calls: { name: string; args: unknown }[] = [],
    usage = { prompt_tokens: 30, completion_tokens: 7 },
  ): HttpHandler =>
  (_q, res) => {
    res.writeHead(200, { "content-type": "application/json" });
    res.end(
      JSON.stringify({
        id: "chatcmpl-1",
        object: "chat.completion",
        created: 1,
        model: "gpt-test",
        choices: [
          {
            index: 0,
            message: {
              role: "assistant",
              content,
              ...(calls.length
                ? {
                    tool_calls: calls.map((c, i) => ({
                      id: `call_o${i}`,
                      type: "function",
                      function: { name: c.name, arguments: JSON.stringify(c.args) },
                    })),
                  }
                : {}),
            },
            finish_reason: calls.length ? "tool_calls" : "stop",
          },
        ],
        usage,
      }),
    );
  };
