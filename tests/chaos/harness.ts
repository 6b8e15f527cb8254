import { readFileSync, writeFileSync } from "node:fs";
import { CairnClient } from "@cairn/client";
import type { RunStatus } from "@cairn/protocol";
import {
  adminAuth,
  credentialsEnv,
  readCommits,
  readLedger,
  shippedAccounts,
  spawnService,
  startHttpServer,
  startNatsServer,
  testPassword,
  uniquePrefix,
  type RunningNatsServer,
  type ServiceName,
  type ServiceProcess,
  type TestHttpServer,
} from "@cairn/testing";
import { makeFixture, runLog, serviceEnv, withTimeout, type Fixture, type ScriptTurn } from "../helpers.js";
import { checkLedger, checkRunLog, percentile, type LoggedEntry } from "./invariants.js";

/** A 10-turn run: turn 1 fans out to 3 parallel ledger calls, turns 2–9 make one call each, turn 10 answers. */
export function tenTurnScript(delayMs = 0): ScriptTurn[] {
  const call = (item: string) => ({ name: "ledger", arguments: delayMs ? { item, delayMs } : { item } });
  return [
    { content: "fan out", toolCalls: [call("t1c0"), call("t1c1"), call("t1c2")] },
    ...Array.from({ length: 8 }, (_, i) => ({ content: `step ${i + 2}`, toolCalls: [call(`t${i + 2}c0`)] })),
    { content: "done: {{toolResults}}" },
  ];
}
export const TEN_TURN_ANSWER = "done: recorded t9c0";
export const TOOL_CALLS_PER_RUN = 11;

/** Deterministic random numbers for nemeses (the seed is printed, so a failure can be replayed). */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * The model: an OpenAI-compatible HTTP endpoint on 127.0.0.1 playing `script` (like the scripted
 * model: the turn is the request's assistant messages + 1, `{{toolResults}}` the trailing tool
 * messages). Every request that reaches it is a model call made, so `calls` (per task and turn) is
 * the model's ledger: the count of model calls bought, whatever any service process logged or
 * whether it lived to log it.
 */
export interface ModelEndpoint {
  server: TestHttpServer;
  /** Requests per `<task>#<turn>`. */
  calls: Map<string, number>;
}

export async function startModel(script: ScriptTurn[]): Promise<ModelEndpoint> {
  const calls = new Map<string, number>();
  const server = await startHttpServer((_req, res, body) => {
    let status = 200;
    let answer: unknown;
    try {
      const msgs = (JSON.parse(body) as { messages: { role: string; content?: string | null }[] }).messages;
      const task = msgs.find((m) => m.role === "user")?.content ?? "";
      const turnNo = msgs.filter((m) => m.role === "assistant").length + 1;
      const key = `${task}#${turnNo}`;
      calls.set(key, (calls.get(key) ?? 0) + 1);
      const turn = script[turnNo - 1];
      if (!turn) throw new Error(`the chaos model has no turn ${turnNo}`);
      const results: string[] = [];
      for (let i = msgs.length - 1; i >= 0 && msgs[i]!.role === "tool"; i--) results.unshift(msgs[i]!.content ?? "");
      const content = turn.content == null ? null : turn.content.replace("{{toolResults}}", () => results.join("\n"));
      const toolCalls = (turn.toolCalls ?? []).map((c, i) => ({
        id: `call_${turnNo}_${i}`,
        type: "function",
        function: { name: c.name, arguments: c.argumentsRaw ?? JSON.stringify(c.arguments ?? {}) },
      }));
      answer = {
        model: "chaos-model",
        choices: [
          {
            message: { role: "assistant", content, ...(toolCalls.length ? { tool_calls: toolCalls } : {}) },
            finish_reason: toolCalls.length ? "tool_calls" : "stop",
          },
        ],
        usage: { prompt_tokens: 10, completion_tokens: 5 },
      };
    } catch (err) {
      status = 400; // not retryable: the run fails, visibly
      answer = { error: { message: String(err) } };
    }
    res.writeHead(status, { "content-type": "application/json" });
    res.end(JSON.stringify(answer));
  });
  // Bodies are not kept: the counts are the record.
  const received = server.received;
  const trim = setInterval(() => received.splice(0), 1000);
  trim.unref();
  return { server, calls };
}

/** A run a deadline left unfinished, as the API reports it. */
export interface Unfinished {
  runId: string;
  status?: string;
  turn?: number;
  toolCalls?: number;
  waitingFor?: string[];
  waitingForRunner?: string[];
  error?: string;
}

/** Thrown when a chaos scenario's own deadline passes: what was unfinished, and the figures so far. */
export class ChaosDeadline extends Error {
  constructor(
    readonly what: string,
    readonly unfinished: Unfinished[],
    readonly figures: Record<string, unknown>,
  ) {
    super(
      `${what}: ${unfinished.length} run(s) unfinished at the deadline\nunfinished: ${JSON.stringify(unfinished)}\nfigures so far: ${JSON.stringify(figures)}`,
    );
    this.name = "ChaosDeadline";
  }
}

interface Slot {
  name: ServiceName;
  index: number;
  proc: ServiceProcess;
  env: Record<string, string>;
}

export interface Kill {
  at: number;
  slot: string;
  pid: number;
  /** Subjects the process had received and not settled when it died. */
  inflight: string[];
}

/**
 * Real nats-server + N instances of each service as OS processes, with a supervisor that restarts
 * any process that dies (a crash point, or a nemesis) — restarted processes run without crash points.
 */
export class ChaosCluster {
  readonly slots: Slot[] = [];
  readonly dead: ServiceProcess[] = [];
  readonly kills: Kill[] = [];
  private stopping = false;
  client!: CairnClient;

  private constructor(
    readonly server: RunningNatsServer,
    readonly fixture: Fixture,
    readonly prefix: string,
    readonly env: Record<string, string>,
    readonly model: ModelEndpoint,
    /** The app tools' runner serves these (CAIRN_TOOLS). */
    readonly tools: string,
    /** A process that died at its crash point restarts with the same crash point (else without). */
    readonly rearm: boolean,
  ) {}

  /**
   * A nats-server with the shipped deploy/nats/accounts.conf (for this prefix), provisioned by its
   * admin, and `instances` processes of each service, each on its own least-privilege user (the
   * ledger tool runs in the app tools' runner group); the client connects as `client`.
   */
  static async start(opts: {
    instances: number;
    script: ScriptTurn[];
    ackWaitMs: number;
    crashAt?: Partial<Record<ServiceName, string>>;
    syncInterval?: string;
    env?: Record<string, string>;
    /** The tools the runner serves (default: ledger). */
    tools?: string;
    /** Restart a crashed process with its crash point again: every start dies at it once. */
    rearm?: boolean;
  }): Promise<ChaosCluster> {
    const prefix = uniquePrefix("chaos");
    const server = await startNatsServer({
      extraConfig: shippedAccounts(prefix),
      ...(opts.syncInterval ? { syncInterval: opts.syncInterval } : {}),
    });
    const fixture = makeFixture({ work: opts.script }, { work: (opts.tools ?? "ledger").split(",") });
    // The agents call the model over HTTP (provider openai), so the model counts its own calls.
    const model = await startModel(opts.script);
    const agents = JSON.parse(readFileSync(fixture.agentsFile, "utf8")) as {
      agents: Record<string, { provider: string }>;
    };
    for (const a of Object.values(agents.agents)) a.provider = "openai";
    writeFileSync(fixture.agentsFile, JSON.stringify(agents));
    const env = serviceEnv(server.url, prefix, fixture, {
      CAIRN_ACK_WAIT_MS: String(opts.ackWaitMs),
      LOG_LEVEL: "debug",
      OPENAI_BASE_URL: `${model.server.origin}/v1`,
      OPENAI_API_KEY: "sk-chaos",
      ...opts.env,
    });
    const c = new ChaosCluster(server, fixture, prefix, env, model, opts.tools ?? "ledger", opts.rearm === true);
    for (const name of ["tool-runner", "llm-caller", "planner"] as ServiceName[]) {
      for (let i = 0; i < opts.instances; i++) {
        const crash = opts.crashAt?.[name];
        await c.spawnSlot(name, i, crash ? { ...env, CAIRN_CRASH_AT: crash } : env);
      }
    }
    c.client = await CairnClient.connect({
      connect: { servers: server.url, user: "client", pass: testPassword("client") },
      prefix,
    });
    return c;
  }

  private async spawnSlot(name: ServiceName, index: number, env: Record<string, string>, at?: number): Promise<void> {
    // Its own user; the first start of a slot provisions as the admin would, a restart does not.
    const user =
      name === "tool-runner" ? { ...credentialsEnv("tool-runner-app"), CAIRN_TOOLS: this.tools } : credentialsEnv(name);
    const proc = await spawnService(name, { ...env, ...user }, { admin: adminAuth(), provision: at === undefined });
    const slot: Slot = { name, index, proc, env };
    if (at === undefined) this.slots.push(slot);
    else this.slots[at] = slot;
    void proc.exited.then(() => this.onExit(slot));
  }

  private onExit(slot: Slot): void {
    if (this.stopping) return;
    const i = this.slots.indexOf(slot);
    if (i < 0) return;
    this.dead.push(slot.proc);
    this.kills.push({
      at: Date.now(),
      slot: `${slot.name}#${slot.index}`,
      pid: slot.proc.pid,
      inflight: inflightOf(slot.proc),
    });
    // Restart without any crash point (or with the same one: rearm).
    const { CAIRN_CRASH_AT: _drop, ...env } = slot.env;
    if (this.rearm && _drop !== undefined) env["CAIRN_CRASH_AT"] = _drop;
    // (a rearmed process may reach its crash point before it says it is ready: started again)
    const restart = (): void =>
      void this.spawnSlot(slot.name, slot.index, env, i).catch((err: unknown) => {
        if (this.stopping) return;
        if (this.rearm) return restart();
        throw err;
      });
    restart();
  }

  /**
   * SIGKILLs one random live service process (the supervisor restarts it) and names it; undefined
   * when no process was live to kill (all restarting): that is not a kill.
   */
  async killRandom(random: () => number): Promise<string | undefined> {
    const live = this.slots.filter((s) => s.proc.child.exitCode === null && s.proc.child.signalCode === null);
    const s = live[Math.floor(random() * live.length)];
    if (!s) return undefined;
    await s.proc.kill("SIGKILL");
    return `${s.name}#${s.index}`;
  }

  /**
   * Waits for every run to end, up to `ms` (the scenario's own deadline, below the test's timeout).
   * At the deadline it throws a ChaosDeadline naming each unfinished run with its status (from the
   * API) and `figures()` so far, instead of letting the test time out with nothing said. A wait
   * that fails (the broker restarted under the watcher) is retried until the deadline.
   */
  async waitAll(
    ids: string[],
    ms: number,
    what: string,
    figures: () => Record<string, unknown> = () => ({}),
  ): Promise<RunStatus[]> {
    const done = new Map<string, RunStatus>();
    const deadline = Date.now() + ms;
    let expired = false;
    const one = async (id: string): Promise<void> => {
      while (!expired) {
        try {
          done.set(id, await withTimeout(this.client.wait(id), Math.max(1, deadline - Date.now()), `run ${id}`));
          return;
        } catch {
          if (!expired && Date.now() < deadline) await new Promise((r) => setTimeout(r, 250));
          else return;
        }
      }
    };
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([Promise.all(ids.map(one)), new Promise<void>((r) => (timer = setTimeout(r, ms)))]);
    clearTimeout(timer);
    expired = true;
    if (ids.every((id) => done.has(id))) return ids.map((id) => done.get(id)!);
    // All at once, each bounded: the report must come well before the test's own timeout.
    const unfinished = await Promise.all(
      ids
        .filter((id) => !done.has(id))
        .map(async (runId): Promise<Unfinished> => {
          try {
            const s = await withTimeout(this.client.status(runId), 5_000, `status of ${runId}`);
            // Ended after all (between the deadline and now): still reported, with its status.
            return {
              runId,
              status: s.status,
              turn: s.turn,
              toolCalls: s.toolCalls,
              ...(s.waitingFor ? { waitingFor: s.waitingFor } : {}),
              ...(s.waitingForRunner ? { waitingForRunner: s.waitingForRunner } : {}),
            };
          } catch (err) {
            return { runId, error: String(err) };
          }
        }),
    );
    throw new ChaosDeadline(`${what}: deadline of ${Math.round(ms / 1000)} s passed`, unfinished, {
      ...figures(),
      completedSoFar: done.size,
      runs: ids.length,
    });
  }

  allProcesses(): ServiceProcess[] {
    return [...this.dead, ...this.slots.map((s) => s.proc)];
  }

  /** Runs' logs, checked by the invariant checker, and the ledger checked against them. */
  async verify(runIds: string[]): Promise<{
    violations: string[];
    reExecutedTools: number;
    toolKeys: number;
    reExecutedLlm: number;
    llmCalls: number;
    logs: Map<string, LoggedEntry[]>;
  }> {
    const logs = new Map<string, LoggedEntry[]>();
    const violations: string[] = [];
    for (const id of runIds) {
      const log = await runLog(this.client.nc, this.prefix, id);
      logs.set(id, log);
      violations.push(...checkRunLog(id, log));
    }
    const ledger = checkLedger(logs, readLedger(this.fixture.ledgerFile), readCommits(this.fixture.workspaceRoot));
    violations.push(...ledger.violations);
    // Model calls bought beyond one per turn: counted by the model itself (see startModel), which
    // sees every call that reached it, from any llm-caller process, dead ones included.
    const { reExecuted: reExecutedLlm, calls: llmCalls } = this.modelCalls();
    return { violations, reExecutedTools: ledger.reExecutions, toolKeys: ledger.keys, reExecutedLlm, llmCalls, logs };
  }

  /** Tool executions so far (the ledger tool's own record). */
  toolExecutions(): number {
    try {
      return readLedger(this.fixture.ledgerFile).length;
    } catch {
      return 0; // nothing executed yet: no ledger file
    }
  }

  /** Model calls made so far, and how many of them were repeats of a (run, turn) already called. */
  modelCalls(): { calls: number; reExecuted: number } {
    let calls = 0;
    let reExecuted = 0;
    for (const n of this.model.calls.values()) {
      calls += n;
      reExecuted += n - 1;
    }
    return { calls, reExecuted };
  }

  /** For each kill, ms until another process took up each message the killed one held. */
  recoveryTimes(): number[] {
    const out: number[] = [];
    for (const k of this.kills) {
      for (const subject of k.inflight) {
        let best: number | undefined;
        for (const p of this.allProcesses()) {
          if (p.pid === k.pid) continue;
          for (const l of p.logs) {
            if (l["msg"] !== "redelivered message taken up" || l["subject"] !== subject) continue;
            const t = Date.parse(String(l["time"]));
            if (t >= k.at - 50 && (best === undefined || t < best)) best = t;
          }
        }
        if (best !== undefined) out.push(Math.max(0, best - k.at));
      }
    }
    return out;
  }

  async stop(): Promise<void> {
    this.stopping = true;
    await this.client?.close();
    await Promise.all(this.slots.map((s) => s.proc.kill("SIGKILL")));
    await this.server.stop();
    await this.model.server.close();
  }
}

/** Subjects a process received and had not settled (from its debug log lines). */
export function inflightOf(p: ServiceProcess): string[] {
  const open = new Map<string, number>();
  for (const l of p.logs) {
    const subj = l["subject"];
    if (typeof subj !== "string") continue;
    if (l["msg"] === "message received" || l["msg"] === "redelivered message taken up")
      open.set(subj, (open.get(subj) ?? 0) + 1);
    if (l["msg"] === "message settled") {
      const n = (open.get(subj) ?? 0) - 1;
      if (n <= 0) open.delete(subj);
      else open.set(subj, n);
    }
  }
  return [...open.keys()];
}

export { percentile };
