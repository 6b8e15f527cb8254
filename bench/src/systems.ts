/**
 * The systems under test, each started against a given nats-server: Cairn (the three services in
 * one process, or as three processes) and the raw JetStream baseline (the same two shapes). The
 * driver submits runs and learns that a run ended from a core subscription to the end subject,
 * which sees every end event as it is appended.
 */
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { randomBytes } from "node:crypto";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { jetstream, jetstreamManager, type JetStreamManager } from "@nats-io/jetstream";
import { connect, type NatsConnection, type Subscription } from "@nats-io/transport-node";
import { CairnClient } from "@cairn/client";
import { decode, Subjects, type RunEnded } from "@cairn/protocol";
import { provisionRaw, RAW_ROLES, rawStream } from "./raw.js";
import { spawnNode, type Proc } from "./procs.js";

/**
 * "raw-cairn-loop": the raw loop's handlers on Cairn's consume loop and appendOnce (raw.ts) — not a
 * floor, a breakdown of Cairn's overhead into its messaging and its handlers.
 */
export type SystemKind = "cairn" | "raw" | "raw-cairn-loop";
export type Mode = "embedded" | "processes";

const here = dirname(fileURLToPath(import.meta.url));
/** The repository root (bench/dist/.. /..). */
export const repoRoot = join(here, "..", "..");

export interface SystemOptions {
  kind: SystemKind;
  mode: Mode;
  url: string;
  /** Where logs, scripts and workspaces go. */
  dir: string;
  /** Run lengths (tool-calling turns) that will be submitted. */
  turns: number[];
  logLevel: string;
  /** Raw baseline only: Cairn's written-once stream settings (one message per subject). */
  rawWriteOnce: boolean;
  /** Raw baseline only: the stock NATS client instead of Cairn's client settings (see raw-worker.ts). */
  rawStockClient: boolean;
  /** Extra environment for Cairn's services. */
  serviceEnv: Record<string, string>;
  /** Node flags for the service processes (e.g. --cpu-prof). */
  nodeArgs: string[];
  /** Cairn only: the fairness scenario's two agents (see writeCairnFixtures). */
  fairness?: FairnessAgents;
}

/**
 * The fairness scenario's agents (Cairn only): `fair-small` asks for 2 `noop` calls in one turn,
 * `fair-big` for `calls` of them, then each answers. Both call the same tool, so their commands
 * share the tool's consumer. `fair-big` may run all its calls (maxToolCallsPerTurn = calls); its
 * in-flight window is the planner's default unless `window` is given (`calls` = no window: every
 * call commanded at once, as without a window).
 */
export interface FairnessAgents {
  calls: number;
  window?: number;
}

export interface System {
  kind: SystemKind;
  mode: Mode;
  procs: Proc[];
  /** Submits a run of `turns` tool-calling turns; resolves with its id once accepted. */
  submit(turns: number): Promise<string>;
  /** Cairn only: submits a run of the named agent, expected to end completed after `turns` tool-calling turns. */
  submitAgent?(agent: string, turns: number): Promise<string>;
  /** Cairn only: calls `cb` with the run id of every tool result appended (a core subscription); returns an unsubscribe. */
  onToolResult?(cb: (runId: string) => void): () => void;
  /** Resolves when the run has ended (and checks it completed with the expected turns). */
  ended(runId: string, timeoutMs: number): Promise<void>;
  /** Every message stored so far under `<prefix>.run.>`, in stream order, with the stream's timestamps. */
  readLog(): Promise<StoredEntry[]>;
  /** Cairn only: the deployment's subjects, the driver's connection and its API client. */
  cairn?: { subjects: Subjects; nc: NatsConnection; client: CairnClient };
  stop(): Promise<void>;
}

/** A stored message as the benchmark reads it back: subject and the stream's timestamp. */
export interface StoredEntry {
  subject: string;
  /** Stream timestamp, nanoseconds since the epoch. */
  ns: bigint;
}

/** Reads a stream's messages under `<prefix>.run.>` up to its last sequence now (an ordered consumer). */
async function readStored(nc: NatsConnection, stream: string, prefix: string): Promise<StoredEntry[]> {
  const jsm = await jetstreamManager(nc);
  const last = (await jsm.streams.info(stream)).state.last_seq;
  const out: StoredEntry[] = [];
  if (last === 0) return out;
  const c = await jetstream(nc).consumers.get(stream, { filter_subjects: [`${prefix}.run.>`] });
  const it = await c.consume();
  for await (const m of it) {
    out.push({ subject: m.subject, ns: m.timestampNanos });
    if (m.seq >= last) break;
  }
  await it.close();
  return out;
}

/** Tracks end events seen on a core subscription; a second end of a run (a rejected repeat) is ignored. */
class EndTracker {
  private readonly done = new Map<string, string | undefined>();
  private readonly waiters = new Map<string, (err: string | undefined) => void>();
  private readonly sub: Subscription;

  constructor(nc: NatsConnection, subject: string, check: (data: Uint8Array) => string | undefined) {
    this.sub = nc.subscribe(subject, {
      callback: (_err, msg) => {
        const runId = msg.subject.split(".")[2]!;
        if (this.done.has(runId)) return;
        const problem = check(msg.data);
        this.done.set(runId, problem);
        const w = this.waiters.get(runId);
        if (w) {
          this.waiters.delete(runId);
          w(problem);
        }
      },
    });
  }

  async wait(runId: string, timeoutMs: number): Promise<void> {
    const problem = this.done.has(runId)
      ? this.done.get(runId)
      : await new Promise<string | undefined>((resolve, reject) => {
          const t = setTimeout(() => {
            this.waiters.delete(runId);
            reject(new Error(`run ${runId} did not end within ${timeoutMs} ms`));
          }, timeoutMs);
          this.waiters.set(runId, (p) => {
            clearTimeout(t);
            resolve(p);
          });
        });
    if (problem) throw new Error(`run ${runId} did not complete as scripted: ${problem}`);
  }

  close(): void {
    this.sub.unsubscribe();
  }
}

function tail(file: string): string {
  try {
    return readFileSync(file, "utf8").slice(-3000);
  } catch {
    return "";
  }
}

/** Waits until every durable consumer has a pull waiting (its service is consuming). */
async function waitConsuming(
  jsm: JetStreamManager,
  stream: string,
  durables: string[],
  procs: Proc[],
  extra?: () => Promise<boolean>,
): Promise<void> {
  const until = Date.now() + 60_000;
  for (;;) {
    for (const p of procs) {
      if (p.child.exitCode !== null || p.child.signalCode !== null)
        throw new Error(`${p.name} exited during start:\n${tail(p.logFile)}`);
    }
    let ready = true;
    for (const d of durables) {
      const info = await jsm.consumers.info(stream, d).catch(() => undefined);
      if (!info || info.num_waiting < 1) ready = false;
    }
    if (ready && (!extra || (await extra()))) return;
    if (Date.now() > until)
      throw new Error(
        `services did not start consuming within 60 s:\n${procs.map((p) => `${p.name}: ${tail(p.logFile)}`).join("\n")}`,
      );
    await new Promise((r) => setTimeout(r, 50));
  }
}

const TASK = "benchmark run";

/** Scripts and agents for the scripted model: `bench<N>` calls `noop` once in each of N turns, then answers. */
function writeCairnFixtures(
  dir: string,
  turns: number[],
  fairness?: FairnessAgents,
): { scriptsDir: string; agentsFile: string } {
  const scriptsDir = join(dir, "scripts");
  mkdirSync(scriptsDir, { recursive: true });
  const agents: Record<string, unknown> = {};
  for (const n of turns) {
    const script = {
      turns: [
        ...Array.from({ length: n }, (_, i) => ({
          content: "step",
          toolCalls: [{ name: "noop", arguments: { i: i + 1 } }],
        })),
        { content: "done" },
      ],
    };
    writeFileSync(join(scriptsDir, `bench${n}.json`), JSON.stringify(script));
    agents[`bench${n}`] = {
      provider: "scripted",
      model: `bench${n}`,
      systemPrompt: "benchmark agent",
      tools: ["noop"],
      maxTurns: n + 1,
    };
  }
  if (fairness) {
    const fanOut = (name: string, calls: number, extra: Record<string, unknown>): void => {
      const script = {
        turns: [
          {
            content: "fan out",
            toolCalls: Array.from({ length: calls }, (_, i) => ({ name: "noop", arguments: { i } })),
          },
          { content: "done" },
        ],
      };
      writeFileSync(join(scriptsDir, `${name}.json`), JSON.stringify(script));
      agents[name] = {
        provider: "scripted",
        model: name,
        systemPrompt: "benchmark agent",
        tools: ["noop"],
        maxTurns: 2,
        ...extra,
      };
    };
    fanOut("fair-small", 2, {});
    fanOut("fair-big", fairness.calls, {
      maxToolCallsPerTurn: fairness.calls,
      ...(fairness.window !== undefined ? { maxParallelToolCalls: fairness.window } : {}),
    });
  }
  const agentsFile = join(dir, "agents.json");
  writeFileSync(agentsFile, JSON.stringify({ default: `bench${turns[0]}`, agents }));
  return { scriptsDir, agentsFile };
}

async function startCairn(o: SystemOptions): Promise<System> {
  const prefix = `bench${randomBytes(4).toString("hex")}`;
  const subjects = new Subjects(prefix);
  const { scriptsDir, agentsFile } = writeCairnFixtures(o.dir, o.turns, o.fairness);
  const env: Record<string, string> = {
    NATS_URL: o.url,
    CAIRN_PREFIX: prefix,
    CAIRN_SCRIPTS_DIR: scriptsDir,
    CAIRN_AGENTS_FILE: agentsFile,
    CAIRN_WORKSPACE_ROOT: join(o.dir, "workspaces"),
    CAIRN_TOOLS_MODULE: join(repoRoot, "bench", "dist", "tool.js"),
    LOG_LEVEL: o.logLevel,
    ...o.serviceEnv,
  };
  const procs: Proc[] = [];
  if (o.mode === "embedded") {
    procs.push(
      spawnNode(
        "cairn (3 services)",
        join(repoRoot, "bench", "dist", "cairn-embedded.js"),
        env,
        join(o.dir, "cairn.log"),
        o.nodeArgs,
      ),
    );
  } else {
    // The admin's provisioning first (the services verify what it made), as `cairn provision`.
    await promisify(execFile)(process.execPath, [join(repoRoot, "services", "cli", "bin", "cairn.js"), "provision"], {
      env: { PATH: process.env["PATH"], ...env },
    });
    // The tool-runner first: it registers the tools the planner checks at submit.
    for (const name of ["tool-runner", "llm-caller", "planner"]) {
      procs.push(
        spawnNode(
          name,
          join(repoRoot, "services", name, "dist", "main.js"),
          env,
          join(o.dir, `${name}.log`),
          o.nodeArgs,
        ),
      );
    }
  }
  const nc = await connect({ servers: o.url, name: "bench-driver" });
  try {
    const jsm = await jetstreamManager(nc);
    const svcUp = async () =>
      nc.request("$SRV.PING.cairn", "", { timeout: 1_000 }).then(
        () => true,
        () => false,
      );
    // The planner's consumer, the scripted provider's (llm_scripted) and the noop tool's (tool_noop).
    await waitConsuming(
      jsm,
      subjects.stream,
      ["planner", subjects.llmConsumer("scripted"), subjects.toolConsumer("noop")],
      procs,
      svcUp,
    );
  } catch (err) {
    await Promise.all(procs.map((p) => p.stop()));
    await nc.close();
    throw err;
  }
  const client = await CairnClient.connect({ nc, prefix, timeoutMs: 60_000 });
  const expected = new Map<string, number>();
  const tracker = new EndTracker(nc, `${prefix}.run.*.evt.ended`, (data) => {
    const d = decode<RunEnded>("RunEnded", data);
    if (!d.ok) return `undecodable end event: ${d.message}`;
    const want = expected.get(d.value.runId);
    if (d.value.status !== "completed") return `status ${d.value.status} (${d.value.reason ?? ""})`;
    if (want !== undefined && d.value.turns !== want + 1) return `${d.value.turns} model turns, expected ${want + 1}`;
    return undefined;
  });
  return {
    kind: "cairn",
    mode: o.mode,
    procs,
    async submit(turns) {
      const r = await client.submit({ task: TASK, agent: `bench${turns}` });
      expected.set(r.runId, turns);
      return r.runId;
    },
    async submitAgent(agent, turns) {
      const r = await client.submit({ task: TASK, agent });
      expected.set(r.runId, turns);
      return r.runId;
    },
    onToolResult(cb) {
      const sub = nc.subscribe(`${prefix}.run.*.evt.tool.>`, {
        callback: (_err, msg) => cb(msg.subject.split(".")[2]!),
      });
      return () => sub.unsubscribe();
    },
    async ended(runId, timeoutMs) {
      await tracker.wait(runId, timeoutMs);
      expected.delete(runId);
    },
    readLog: () => readStored(nc, subjects.stream, prefix),
    cairn: { subjects, nc, client },
    async stop() {
      tracker.close();
      await Promise.all(procs.map((p) => p.stop()));
      await nc.close();
    },
  };
}

async function startRaw(o: SystemOptions): Promise<System> {
  const prefix = `raw${randomBytes(4).toString("hex")}`;
  const nc = await connect({ servers: o.url, name: "bench-driver" });
  await provisionRaw(nc, prefix, o.rawWriteOnce);
  // Cairn's consume loop comes with Cairn's client settings: the stock-client option is for the floor only.
  const onCairnLoop = o.kind === "raw-cairn-loop";
  const env: Record<string, string> = {
    NATS_URL: o.url,
    RAW_PREFIX: prefix,
    RAW_CLIENT: o.rawStockClient && !onCairnLoop ? "stock" : "cairn",
    ...(onCairnLoop ? { RAW_LOOP: "cairn", LOG_LEVEL: o.logLevel } : {}),
  };
  const script = join(repoRoot, "bench", "dist", "raw-worker.js");
  const procs: Proc[] =
    o.mode === "embedded"
      ? [
          spawnNode(
            `${o.kind} (3 consumers)`,
            script,
            { ...env, RAW_ROLES: RAW_ROLES.join(",") },
            join(o.dir, `${o.kind}.log`),
            o.nodeArgs,
          ),
        ]
      : RAW_ROLES.map((role) =>
          spawnNode(
            `${o.kind} ${role}`,
            script,
            { ...env, RAW_ROLES: role },
            join(o.dir, `${o.kind}-${role}.log`),
            o.nodeArgs,
          ),
        );
  const js = jetstream(nc);
  try {
    await waitConsuming(await jetstreamManager(nc), rawStream(prefix), RAW_ROLES, procs);
  } catch (err) {
    await Promise.all(procs.map((p) => p.stop()));
    await nc.close();
    throw err;
  }
  const enc = new TextEncoder();
  const dec = new TextDecoder();
  const tracker = new EndTracker(nc, `${prefix}.run.*.evt.ended`, (data) => {
    const v = JSON.parse(dec.decode(data)) as { status?: string };
    return v.status === "completed" ? undefined : `status ${v.status}`;
  });
  let n = 0;
  return {
    kind: o.kind,
    mode: o.mode,
    procs,
    async submit(turns) {
      const runId = `r${(n++).toString(36)}${randomBytes(6).toString("hex")}`;
      const subject = `${prefix}.run.${runId}.evt.submitted`;
      await js.publish(subject, enc.encode(JSON.stringify({ runId, task: TASK, turns })));
      return runId;
    },
    ended: (runId, timeoutMs) => tracker.wait(runId, timeoutMs),
    readLog: () => readStored(nc, rawStream(prefix), prefix),
    async stop() {
      tracker.close();
      await Promise.all(procs.map((p) => p.stop()));
      await nc.close();
    },
  };
}

export function startSystem(o: SystemOptions): Promise<System> {
  mkdirSync(o.dir, { recursive: true });
  return o.kind === "cairn" ? startCairn(o) : startRaw(o);
}
