import { CairnClient } from "@cairn/client";
import { adminAuth, credentialsEnv, readCommits, readLedger, shippedAccounts, spawnService, startNatsServer, testPassword, uniquePrefix, type RunningNatsServer, type ServiceName, type ServiceProcess } from "@cairn/testing";
import { makeFixture, runLog, serviceEnv, type Fixture, type ScriptTurn } from "../helpers.js";
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
  ) {}

  /**
   * A nats-server with the shipped deploy/nats/accounts.conf (for this prefix), provisioned by its
   * admin, and `instances` processes of each service, each on its own least-privilege user (the
   * ledger tool runs in the app tools' runner group); the client connects as `client`.
   */
  static async start(opts: { instances: number; script: ScriptTurn[]; ackWaitMs: number; crashAt?: Partial<Record<ServiceName, string>>; syncInterval?: string; env?: Record<string, string> }): Promise<ChaosCluster> {
    const prefix = uniquePrefix("chaos");
    const server = await startNatsServer({ extraConfig: shippedAccounts(prefix), ...(opts.syncInterval ? { syncInterval: opts.syncInterval } : {}) });
    const fixture = makeFixture({ work: opts.script });
    const env = serviceEnv(server.url, prefix, fixture, { CAIRN_ACK_WAIT_MS: String(opts.ackWaitMs), LOG_LEVEL: "debug", ...opts.env });
    const c = new ChaosCluster(server, fixture, prefix, env);
    for (const name of ["tool-runner", "llm-caller", "planner"] as ServiceName[]) {
      for (let i = 0; i < opts.instances; i++) {
        const crash = opts.crashAt?.[name];
        await c.spawnSlot(name, i, crash ? { ...env, CAIRN_CRASH_AT: crash } : env);
      }
    }
    c.client = await CairnClient.connect({ connect: { servers: server.url, user: "client", pass: testPassword("client") }, prefix });
    return c;
  }

  private async spawnSlot(name: ServiceName, index: number, env: Record<string, string>, at?: number): Promise<void> {
    // Its own user; the first start of a slot provisions as the admin would, a restart does not.
    const user = name === "tool-runner" ? { ...credentialsEnv("tool-runner-app"), CAIRN_TOOLS: "ledger" } : credentialsEnv(name);
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
    this.kills.push({ at: Date.now(), slot: `${slot.name}#${slot.index}`, pid: slot.proc.pid, inflight: inflightOf(slot.proc) });
    // Restart without any crash point.
    const { CAIRN_CRASH_AT: _drop, ...env } = slot.env;
    void this.spawnSlot(slot.name, slot.index, env, i).catch((err: unknown) => {
      if (!this.stopping) throw err;
    });
  }

  /** SIGKILLs one random live service process (the supervisor restarts it). */
  async killRandom(random: () => number): Promise<string> {
    const live = this.slots.filter((s) => s.proc.child.exitCode === null && s.proc.child.signalCode === null);
    const s = live[Math.floor(random() * live.length)];
    if (!s) return "none";
    await s.proc.kill("SIGKILL");
    return `${s.name}#${s.index}`;
  }

  allProcesses(): ServiceProcess[] {
    return [...this.dead, ...this.slots.map((s) => s.proc)];
  }

  /** Runs' logs, checked by the invariant checker, and the ledger checked against them. */
  async verify(runIds: string[]): Promise<{ violations: string[]; reExecutedTools: number; toolKeys: number; reExecutedLlm: number; logs: Map<string, LoggedEntry[]> }> {
    const logs = new Map<string, LoggedEntry[]>();
    const violations: string[] = [];
    for (const id of runIds) {
      const log = await runLog(this.client.nc, this.prefix, id);
      logs.set(id, log);
      violations.push(...checkRunLog(id, log));
    }
    const ledger = checkLedger(logs, readLedger(this.fixture.ledgerFile), readCommits(this.fixture.workspaceRoot));
    violations.push(...ledger.violations);
    // Model calls actually made (by every llm-caller process, dead ones included) beyond one per turn.
    const answered = new Map<string, number>();
    for (const p of this.allProcesses()) {
      for (const l of p.logs) if (l["msg"] === "model answered") answered.set(`${String(l["runId"])}.${String(l["turn"])}`, (answered.get(`${String(l["runId"])}.${String(l["turn"])}`) ?? 0) + 1);
    }
    let reExecutedLlm = 0;
    for (const n of answered.values()) reExecutedLlm += n - 1;
    return { violations, reExecutedTools: ledger.reExecutions, toolKeys: ledger.keys, reExecutedLlm, logs };
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
  }
}

/** Subjects a process received and had not settled (from its debug log lines). */
export function inflightOf(p: ServiceProcess): string[] {
  const open = new Map<string, number>();
  for (const l of p.logs) {
    const subj = l["subject"];
    if (typeof subj !== "string") continue;
    if (l["msg"] === "message received" || l["msg"] === "redelivered message taken up") open.set(subj, (open.get(subj) ?? 0) + 1);
    if (l["msg"] === "message settled") {
      const n = (open.get(subj) ?? 0) - 1;
      if (n <= 0) open.delete(subj);
      else open.set(subj, n);
    }
  }
  return [...open.keys()];
}

export { percentile };
