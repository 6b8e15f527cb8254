/**
 * One scenario = one fresh nats-server (random port, temp store) + one system under test. The
 * latency phase runs one run at a time; the throughput phase submits every run at once; memory
 * is the peak resident set (VmHWM) of the server and of each process, read at the end.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { jetstream } from "@nats-io/jetstream";
import { startNatsServer } from "@cairn/natsd";
import { encode, type RunStatus } from "@cairn/protocol";
import { purgeOlderThan } from "@cairn/replay";
import { cpuMsOf, mainThreadCpuMsOf, memoryOf, sampleTotalRss } from "./procs.js";
import { round, summarize } from "./stats.js";
import {
  startSystem,
  type FairnessAgents,
  type Mode,
  type StoredEntry,
  type System,
  type SystemKind,
} from "./systems.js";

export type Sync = "default" | "always";

/** Durable steps in a run of `turns` tool-calling turns: a model step and a tool step per turn, and the final model step that answers. */
export function stepsPerRun(turns: number): number {
  return 2 * turns + 1;
}

export interface ScenarioSetup {
  kind: SystemKind;
  mode: Mode;
  sync: Sync;
  logLevel: string;
  rawWriteOnce: boolean;
  rawStockClient: boolean;
  nodeArgs: string[];
  serviceEnv: Record<string, string>;
  /** Keep the temp directory (logs) and report it through `onDir`. */
  keep?: boolean;
  onDir?: (dir: string) => void;
  /** Run lengths the system must be ready for. */
  turns: number[];
  /** The fairness scenario's agents (Cairn only). */
  fairness?: FairnessAgents;
}

export interface Memory {
  natsServerMb: number;
  processesMb: Record<string, number>;
  /** nats-server + every process, each at its own peak (an upper bound of the peak total). */
  totalPeakMb: number;
  /** Highest total RSS seen at one instant (sampled every 100 ms). */
  sampledTotalMb: number;
}

export interface LatencyResult {
  turns: number;
  steps: number;
  runs: number;
  warmup: number;
  medianMs: number;
  p95Ms: number;
  meanMs: number;
  msPerStep: number;
  /** Where a run's time goes, from the stored messages of the measured runs (see `hopsOf`). */
  hops?: Hops;
}

/**
 * A run's time, message by message: for each kind of step from one stored message to the next
 * (`cmd.llm → evt.llm`: the llm-caller's; `evt.tool → cmd.llm`: the planner's), the median time
 * between their stream timestamps; and the median time of a run outside its stored messages (the
 * submission before the first, the end notification after the last).
 */
export interface Hops {
  steps: { from: string; to: string; n: number; medianMs: number }[];
  outsideMedianMs: number;
}

/** `<prefix>.run.<runId>.evt.tool.3.0` → `evt.tool`; `…cmd.llm.2.scripted` → `cmd.llm`. */
function kindOf(subject: string): string {
  const t = subject.split(".");
  return `${t[3] ?? ""}.${t[4] ?? ""}`;
}

export function hopsOf(log: StoredEntry[], runs: { runId: string; ms: number }[]): Hops {
  const byRun = new Map<string, StoredEntry[]>();
  for (const e of log) {
    const runId = e.subject.split(".")[2]!;
    const l = byRun.get(runId);
    if (l) l.push(e);
    else byRun.set(runId, [e]);
  }
  const gaps = new Map<string, number[]>();
  const outside: number[] = [];
  for (const { runId, ms } of runs) {
    const l = byRun.get(runId);
    if (!l || l.length < 2) continue;
    for (let i = 1; i < l.length; i++) {
      const key = `${kindOf(l[i - 1]!.subject)} → ${kindOf(l[i]!.subject)}`;
      const g = gaps.get(key) ?? [];
      g.push(Number(l[i]!.ns - l[i - 1]!.ns) / 1e6);
      gaps.set(key, g);
    }
    outside.push(ms - Number(l[l.length - 1]!.ns - l[0]!.ns) / 1e6);
  }
  return {
    steps: [...gaps].map(([k, g]) => {
      const [from, to] = k.split(" → ") as [string, string];
      return { from, to, n: g.length, medianMs: round(summarize(g).median, 3) };
    }),
    outsideMedianMs: round(summarize(outside).median, 2),
  };
}

export interface ThroughputResult {
  turns: number;
  runs: number;
  steps: number;
  elapsedMs: number;
  stepsPerSec: number;
  runsPerSec: number;
  /** CPU time per durable step during this phase, by process (ms): where the work goes. */
  cpuMsPerStep: Record<string, number>;
  /**
   * The part of each Node process's CPU per step spent on its main thread (the JavaScript that
   * handles messages); the rest is V8's background threads — optimizing compiles while the code
   * warms up, and concurrent GC.
   */
  mainThreadCpuMsPerStep: Record<string, number>;
}

/** CPU used so far (ms): by nats-server and each process, and by each Node process's main thread. */
export interface CpuSample {
  total: Record<string, number>;
  mainThread: Record<string, number>;
}

export const runTimeout = (turns: number): number => 30_000 + turns * 100;

export async function latencyPhase(
  sys: System,
  turns: number,
  warmup: number,
  runs: number,
  opts: { hops?: boolean } = {},
): Promise<LatencyResult> {
  const ms: number[] = [];
  const measured: { runId: string; ms: number }[] = [];
  for (let i = 0; i < warmup + runs; i++) {
    const t0 = performance.now();
    const id = await sys.submit(turns);
    await sys.ended(id, runTimeout(turns));
    if (i >= warmup) {
      const took = performance.now() - t0;
      ms.push(took);
      measured.push({ runId: id, ms: took });
    }
  }
  const s = summarize(ms);
  const steps = stepsPerRun(turns);
  const hops = opts.hops ? hopsOf(await sys.readLog(), measured) : undefined;
  return {
    turns,
    steps,
    runs,
    warmup,
    medianMs: round(s.median),
    p95Ms: round(s.p95),
    meanMs: round(s.mean),
    msPerStep: round(s.median / steps, 4),
    ...(hops ? { hops } : {}),
  };
}

const perStep = (a: Record<string, number>, b: Record<string, number>, steps: number): Record<string, number> =>
  Object.fromEntries(Object.entries(b).map(([k, v]) => [k, round((v - (a[k] ?? 0)) / steps, 4)]));

export async function throughputPhase(
  sys: System,
  turns: number,
  runs: number,
  cpu: () => CpuSample,
): Promise<ThroughputResult> {
  const cpu0 = cpu();
  const t0 = performance.now();
  const ids = await Promise.all(Array.from({ length: runs }, () => sys.submit(turns)));
  await Promise.all(ids.map((id) => sys.ended(id, runTimeout(turns) + runs * turns * 50)));
  return throughputOf(turns, runs, performance.now() - t0, cpu0, cpu());
}

/** Steps and runs per second, and CPU per step, of `runs` runs that took `elapsed` ms. */
function throughputOf(
  turns: number,
  runs: number,
  elapsed: number,
  cpu0: CpuSample,
  cpu1: CpuSample,
): ThroughputResult {
  const steps = runs * stepsPerRun(turns);
  return {
    turns,
    runs,
    steps,
    elapsedMs: round(elapsed, 1),
    stepsPerSec: round((steps / elapsed) * 1000, 1),
    runsPerSec: round((runs / elapsed) * 1000, 2),
    cpuMsPerStep: perStep(cpu0.total, cpu1.total, steps),
    mainThreadCpuMsPerStep: perStep(cpu0.mainThread, cpu1.mainThread, steps),
  };
}

export interface BurstResult extends ThroughputResult {
  /** Time until the last submission was accepted. */
  submitMs: number;
  /** CPU (ms) nats-server used per step during the burst. */
  serverCpuMsPerStep: number;
}

/**
 * A burst: `runs` runs submitted as fast as the API takes them (at most `window` submissions
 * waiting for their reply at once, as a crowd of clients would), measured until every one ended.
 */
export async function burstPhase(
  sys: System,
  turns: number,
  runs: number,
  cpu: () => CpuSample,
  window = 512,
  warmup = 0,
): Promise<BurstResult> {
  if (warmup > 0) await burstPhase(sys, turns, warmup, cpu, window);
  const cpu0 = cpu();
  const t0 = performance.now();
  const ids: string[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(window, runs) }, async () => {
      while (next < runs) {
        next++;
        ids.push(await sys.submit(turns));
      }
    }),
  );
  const submitMs = performance.now() - t0;
  await Promise.all(ids.map((id) => sys.ended(id, runTimeout(turns) + runs * (turns + 1) * 20)));
  const t = throughputOf(turns, runs, performance.now() - t0, cpu0, cpu());
  return { ...t, submitMs: round(submitMs, 1), serverCpuMsPerStep: t.cpuMsPerStep["nats-server"] ?? 0 };
}

export interface StoredHistoryResult {
  /** Ten-turn runs that finished in each fill, and the messages each fill left. */
  filledRuns: number;
  filledMessages: number;
  /** The burst on the fresh stream, with the history stored, and with it archived. */
  fresh: BurstResult;
  stored: BurstResult;
  archived: BurstResult;
  /** stored / fresh and archived / fresh steps per second. */
  ratio: number;
  archivedRatio: number;
  /** `cairn archive --older-than 0s` over every finished run: how many, how long, runs per second. */
  archive: { runs: number; ms: number; runsPerSec: number };
  /**
   * nats-server's memory at the baseline (a warm-up run, archived), with the history stored, and
   * with it archived: resident set (MB) and live heap right after a garbage collection (MB),
   * and what each finished run added to each. The heap is the state the server keeps; RSS also
   * counts caches and freed memory Go has not returned to the system yet.
   */
  server: {
    base: { rssMb: number; heapMb: number };
    archived: { rssMb: number; heapMb: number; rssBytesPerRun: number; heapBytesPerRun: number };
    stored: { rssMb: number; heapMb: number; rssBytesPerRun: number; heapBytesPerRun: number };
    /** With an archiver running: memory after the second and the last window of runs, and the growth per run finished in between. */
    steady: {
      runs: number;
      rssMb: [number, number];
      heapMb: [number, number];
      rssBytesPerRun: number;
      heapBytesPerRun: number;
    };
  };
  /** The services' resident memory at the end (MB). */
  servicesRssMb: Record<string, number>;
}

/** A TCP port nothing listens on right now. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const port = (srv.address() as AddressInfo).port;
      srv.close(() => resolve(port));
    });
  });
}

/** Past nats-server's block cache expiry (10 s), so caches do not count as kept state. */
const settle = (ms = Number(process.env["BENCH_SETTLE_MS"] ?? 12_000)): Promise<void> =>
  new Promise((r) => setTimeout(r, ms));

/**
 * What finished runs cost, at a given amount of history:
 * 1. a warm-up run, archived: the baseline (every stream and bucket in use);
 * 2. a one-turn burst on the fresh stream;
 * 3. `messages` messages of finished ten-turn runs (run through Cairn, `window` at a time): memory
 *    per finished run stored in the runs stream, and the burst again;
 * 4. every finished run archived (`cairn archive --older-than 0s`), and once nats-server dropped
 *    the per-block state the archiving loaded (it expires after 2 minutes unused): memory per
 *    finished run archived;
 * 5. `steadyWindows` more windows of ten-turn runs, each archived once ended (an archiver
 *    running): memory growth per finished run in that steady state; then the burst again.
 */
export async function storedHistoryPhase(
  sys: System,
  server: Scenario["server"],
  cpu: () => CpuSample,
  messages: number,
  burstRuns: number,
  window = 2000,
  steadyWindows = 10,
): Promise<StoredHistoryResult> {
  if (!sys.cairn) throw new Error("the stored-history phase needs Cairn");
  const { nc, subjects } = sys.cairn;
  // The heap first (its read runs a garbage collection, which lowers Go's heap goal), then the
  // resident set once Go's background scavenger had time to return what the lower goal frees: an
  // RSS read before that still holds the peak of the last busy minute.
  const snapshot = async (ms?: number): Promise<{ rssMb: number; heapMb: number }> => {
    await settle(ms);
    const heapMb = round((await server.heapBytes()) / 2 ** 20, 1);
    await settle(Number(process.env["BENCH_SCAVENGE_MS"] ?? 15_000));
    return { rssMb: round(memoryOf(server.pid)?.rssMb ?? Number.NaN, 1), heapMb };
  };
  await sys.ended(await sys.submit(9), runTimeout(9));
  await purgeOlderThan(nc, subjects, 0, { archive: true });
  const base = await snapshot();
  const fresh = await burstPhase(sys, 0, burstRuns, cpu);
  const perRun = 2 * 9 + 2 + 2 * 9 + 1 + 1; // submission, 10 model calls and 9 tool calls (command + result each), end
  const runs = Math.ceil(messages / perRun);
  for (let done = 0; done < runs; done += window) {
    const n = Math.min(window, runs - done);
    const ids = await Promise.all(Array.from({ length: n }, () => sys.submit(9)));
    await Promise.all(ids.map((id) => sys.ended(id, runTimeout(9) + n * 200)));
  }
  const stored = await snapshot();
  const storedBurst = await burstPhase(sys, 0, burstRuns, cpu);
  const t = performance.now();
  const archivedRuns = (await purgeOlderThan(nc, subjects, 0, { archive: true })).purged.length;
  const archiveMs = performance.now() - t;
  const fssSettle = Number(process.env["BENCH_FSS_SETTLE_MS"] ?? 130_000);
  const archived = await snapshot(fssSettle);
  // Steady state: runs go on finishing with an archiver running (a pass after each window of
  // runs, as `cairn archive --older-than 0s --every …` does). Memory from the second window to the
  // last, per run finished in between: what nats-server keeps per finished run once it is archived.
  const steadyWindow = Math.max(50, Math.round(window / 2));
  const marks: { rssMb: number; heapMb: number; runs: number }[] = [];
  let steadyRuns = 0;
  for (let w = 0; w < steadyWindows; w++) {
    const ids = await Promise.all(Array.from({ length: steadyWindow }, () => sys.submit(9)));
    await Promise.all(ids.map((id) => sys.ended(id, runTimeout(9) + steadyWindow * 200)));
    await purgeOlderThan(nc, subjects, 0, { archive: true });
    steadyRuns += steadyWindow;
    // Each mark read as the archived point: past the block caches' and the per-block state's
    // expiry (caches, not state kept per run), and after Go returned what the busy windows took.
    if (w === 1 || w === steadyWindows - 1) marks.push({ ...(await snapshot(fssSettle)), runs: steadyRuns });
  }
  const first = marks[0]!;
  const last = marks[marks.length - 1]!;
  const steady = {
    runs: last.runs - first.runs,
    rssMb: [round(first.rssMb, 1), round(last.rssMb, 1)] as [number, number],
    heapMb: [round(first.heapMb, 1), round(last.heapMb, 1)] as [number, number],
    rssBytesPerRun: round(((last.rssMb - first.rssMb) * 2 ** 20) / (last.runs - first.runs), 0),
    heapBytesPerRun: round(((last.heapMb - first.heapMb) * 2 ** 20) / (last.runs - first.runs), 0),
  };
  const archivedBurst = await burstPhase(sys, 0, burstRuns, cpu);
  const services: Record<string, number> = {};
  for (const p of sys.procs) services[p.name] = round(memoryOf(p.pid)?.rssMb ?? Number.NaN, 1);
  const perRunSince = (m: { rssMb: number; heapMb: number }, n: number) => ({
    ...m,
    rssBytesPerRun: round(((m.rssMb - base.rssMb) * 2 ** 20) / n, 0),
    heapBytesPerRun: round(((m.heapMb - base.heapMb) * 2 ** 20) / n, 0),
  });
  return {
    filledRuns: runs,
    filledMessages: runs * perRun,
    fresh,
    stored: storedBurst,
    archived: archivedBurst,
    ratio: round(storedBurst.stepsPerSec / fresh.stepsPerSec, 3),
    archivedRatio: round(archivedBurst.stepsPerSec / fresh.stepsPerSec, 3),
    archive: { runs: archivedRuns, ms: round(archiveMs, 0), runsPerSec: round((archivedRuns / archiveMs) * 1000, 1) },
    // Runs finished since the baseline: the stored ones only when stored, every one when archived.
    server: {
      base,
      stored: perRunSince(stored, runs + burstRuns),
      archived: perRunSince(archived, archivedRuns),
      steady,
    },
    servicesRssMb: services,
  };
}

export interface IndexResult {
  /** Runs in the index (written straight into the runs bucket, as the planner writes them). */
  runs: number;
  fillMs: number;
  /** Latency of API calls through NATS (client request to reply), ms: p50, p95. */
  list20: { p50: number; p95: number };
  listByStatus: { p50: number; p95: number };
  listByMeta: { p50: number; p95: number };
  status: { p50: number; p95: number };
  serverRssMb: number;
}

/**
 * The runs index at size: `runs` finished runs written into the runs bucket (a submission record
 * and a status record each, as the planner writes them; 10% failed, metadata team=t0..t9), then
 * `cairn runs` and `cairn status` as the API answers them: each call `samples` times.
 */
export async function indexPhase(sys: System, serverPid: number, runs: number, samples = 200): Promise<IndexResult> {
  if (!sys.cairn) throw new Error("the index phase needs Cairn");
  const { subjects, nc, client } = sys.cairn;
  const js = jetstream(nc);
  const t0 = performance.now();
  const ids: string[] = [];
  const base = Date.now() - runs * 10;
  for (let i = 0; i < runs; i += 1000) {
    const batch: Promise<unknown>[] = [];
    for (let k = i; k < Math.min(runs, i + 1000); k++) {
      const runId = `rbench${k.toString(36).padStart(6, "0")}`;
      ids.push(runId);
      const submittedAt = new Date(base + k * 10).toISOString();
      const sub: RunStatus = {
        v: 1,
        runId,
        status: "running",
        task: "benchmark run",
        agent: "bench0",
        turn: 0,
        toolCalls: 0,
        usage: { inputTokens: 0, outputTokens: 0 },
        errors: 0,
        submittedAt,
        lastSeq: 1,
        metadata: { team: `t${k % 10}` },
      };
      const end: RunStatus = {
        ...sub,
        status: k % 10 === 3 ? "failed" : "completed",
        turn: 1,
        lastSeq: 4,
        endedAt: submittedAt,
        ...(k % 10 === 3 ? { reason: "benchmark failure" } : { answer: "done" }),
      };
      batch.push(
        js.publish(subjects.runsKey(subjects.submissionKey(runId)), encode(sub)),
        js.publish(subjects.runsKey(runId), encode(end)),
      );
    }
    await Promise.all(batch);
  }
  const fillMs = performance.now() - t0;
  const time = async (fn: (i: number) => Promise<unknown>): Promise<{ p50: number; p95: number }> => {
    const ms: number[] = [];
    for (let i = 0; i < samples; i++) {
      const t = performance.now();
      await fn(i);
      ms.push(performance.now() - t);
    }
    const s = summarize(ms);
    return { p50: round(s.median, 2), p95: round(s.p95, 2) };
  };
  const list20 = await time(async () => {
    const r = await client.listPage({ limit: 20 });
    if (r.runs.length !== 20) throw new Error(`list answered ${r.runs.length} runs, not 20`);
  });
  const listByStatus = await time(async () => {
    const r = await client.listPage({ limit: 20, status: "failed" });
    if (r.runs.length !== 20 || r.runs.some((x) => x.status !== "failed"))
      throw new Error("list --status failed did not answer 20 failed runs");
  });
  const listByMeta = await time(async (i) => {
    const r = await client.listPage({ limit: 20, meta: { team: `t${i % 10}` } });
    if (r.runs.length !== 20) throw new Error("list --meta did not answer 20 runs");
  });
  const status = await time(async (i) => {
    const id = ids[Math.floor((i * 7919) % ids.length)]!;
    const s = await client.status(id);
    if (s.runId !== id) throw new Error(`status of ${id} answered ${s.runId}`);
  });
  return {
    runs,
    fillMs: round(fillMs, 0),
    list20,
    listByStatus,
    listByMeta,
    status,
    serverRssMb: round(memoryOf(serverPid)?.rssMb ?? Number.NaN, 1),
  };
}

/** End-to-end times (ms) of the 2-call run: how many, median, p95, max. */
export interface Times {
  runs: number;
  medianMs: number;
  p95Ms: number;
  maxMs: number;
}

export interface FairnessResult {
  /** Tool calls of the big run's one turn. */
  calls: number;
  /**
   * The 2-call run one at a time, nothing else running: `runs` before the rounds and `runs` after
   * them (so neither a cold nor a warmed-up process alone sets the baseline).
   */
  alone: Times;
  /** The 2-call run one at a time, each submitted while the big run fans out (after its first tool result, before its last). */
  contended: Times;
  /** contended median / alone median. */
  ratio: number;
  /** The big run's fan-out, from its first tool result to its last (median over the rounds), and its whole run. */
  fanOut: { rounds: number; medianMs: number; callsPerSec: number; runMedianMs: number };
}

const times = (ms: number[]): Times => {
  const s = summarize(ms);
  return {
    runs: ms.length,
    medianMs: round(s.median),
    p95Ms: round(s.p95),
    maxMs: round(ms.length ? Math.max(...ms) : Number.NaN),
  };
};

/**
 * Fair share, measured: the 2-call run's end-to-end time alone (one at a time, after `warmup`;
 * `runs` before the rounds and `runs` after), and in `rounds` rounds: the big run is submitted, and 2-call runs are submitted one after the
 * other while it fans out — those submitted after its first tool result and before its last are
 * the contended sample. Both call the same tool, so their commands share its consumer.
 */
export async function fairnessPhase(
  sys: System,
  calls: number,
  warmup: number,
  runs: number,
  rounds: number,
): Promise<FairnessResult> {
  if (!sys.submitAgent || !sys.onToolResult)
    throw new Error("the fairness scenario needs Cairn (agents with a fan-out)");
  const submitAgent = sys.submitAgent.bind(sys);
  const small = async (): Promise<number> => {
    const t0 = performance.now();
    await sys.ended(await submitAgent("fair-small", 1), runTimeout(1));
    return performance.now() - t0;
  };
  for (let i = 0; i < warmup; i++) await small();
  const alone: number[] = [];
  for (let i = 0; i < runs; i++) alone.push(await small());

  const seen = new Map<string, { n: number; first: number; last: number }>();
  const stop = sys.onToolResult((runId) => {
    const now = performance.now();
    const s = seen.get(runId);
    if (s) {
      s.n++;
      s.last = now;
    } else seen.set(runId, { n: 1, first: now, last: now });
  });
  const contended: number[] = [];
  const fanOuts: number[] = [];
  const bigRuns: number[] = [];
  try {
    for (let r = 0; r < rounds; r++) {
      const t0 = performance.now();
      const big = await submitAgent("fair-big", 1);
      const bigEnded = sys.ended(big, runTimeout(1) + calls * 50).then(() => bigRuns.push(performance.now() - t0));
      const fanning = (): "before" | "during" | "after" => {
        const s = seen.get(big);
        return !s ? "before" : s.n >= calls ? "after" : "during";
      };
      while (fanning() === "before") await new Promise((res) => setTimeout(res, 1));
      while (fanning() === "during") {
        const ms = await small();
        contended.push(ms);
      }
      await bigEnded;
      const s = seen.get(big)!;
      fanOuts.push(s.last - s.first);
    }
  } finally {
    stop();
  }
  for (let i = 0; i < runs; i++) alone.push(await small());
  const a = times(alone);
  const c = times(contended);
  const fan = summarize(fanOuts).median;
  return {
    calls,
    alone: a,
    contended: c,
    ratio: round(c.medianMs / a.medianMs, 2),
    fanOut: {
      rounds,
      medianMs: round(fan),
      callsPerSec: round((calls / fan) * 1000, 0),
      runMedianMs: round(summarize(bigRuns).median),
    },
  };
}

export interface Scenario {
  /** `heapBytes`: nats-server's live heap right after a garbage collection (Go's pprof, HeapAlloc). */
  server: { version: string; pid: number; heapBytes: () => Promise<number> };
  sys: System;
  /** CPU time used so far (ms) by nats-server and by each process of the system. */
  cpu: () => CpuSample;
}

/** Starts a fresh server and the system, runs `body`, reads peak memory, and tears everything down. */
export async function withScenario<T>(
  setup: ScenarioSetup,
  body: (s: Scenario) => Promise<T>,
): Promise<{ result: T; memory: Memory; natsServerVersion: string }> {
  const dir = mkdtempSync(join(tmpdir(), `cairn-bench-${setup.kind}-`));
  setup.onDir?.(dir);
  // The server serves Go's pprof on a free port (BENCH_NATS_PROF_PORT to choose it: e.g.
  // /debug/pprof/profile?seconds=10 for a CPU profile); heapBytes reads its live heap there.
  const prof = Number(process.env["BENCH_NATS_PROF_PORT"] ?? (await freePort()));
  const server = await startNatsServer({
    ...(setup.sync === "always" ? { syncInterval: "always" } : {}),
    extraConfig: `prof_port: ${prof}`,
  });
  // BENCH_HEAP_DIR: every heap read also saves the whole profile there (heap-<n>.txt), to see
  // which allocation sites hold what.
  let heapReads = 0;
  const heapBytes = async (): Promise<number> => {
    // Two collections: the first moves what sync.Pools hold (nats-server keeps its expired block
    // buffers, 8–16 MB each, in pools) to their victim caches, the second frees it. After one
    // collection alone those idle buffers still count as live.
    await (await fetch(`http://127.0.0.1:${prof}/debug/pprof/heap?debug=1&gc=1`)).text();
    const text = await (await fetch(`http://127.0.0.1:${prof}/debug/pprof/heap?debug=1&gc=1`)).text();
    if (process.env["BENCH_HEAP_DIR"])
      writeFileSync(join(process.env["BENCH_HEAP_DIR"], `heap-${++heapReads}.txt`), text);
    const m = /^# HeapAlloc = (\d+)$/m.exec(text);
    if (!m) throw new Error("nats-server's heap profile has no HeapAlloc line");
    return Number(m[1]);
  };
  let sys: System | undefined;
  try {
    sys = await startSystem({
      kind: setup.kind,
      mode: setup.mode,
      url: server.url,
      dir,
      turns: setup.turns,
      logLevel: setup.logLevel,
      rawWriteOnce: setup.rawWriteOnce,
      rawStockClient: setup.rawStockClient,
      nodeArgs: setup.nodeArgs,
      serviceEnv: setup.serviceEnv,
      ...(setup.fairness ? { fairness: setup.fairness } : {}),
    });
    const procs = sys.procs;
    const sampler = sampleTotalRss(() => [server.pid(), ...procs.map((p) => p.pid)]);
    const cpu = (): CpuSample => ({
      total: Object.fromEntries([
        ["nats-server", cpuMsOf(server.pid())],
        ...procs.map((p) => [p.name, cpuMsOf(p.pid)] as const),
      ]),
      mainThread: Object.fromEntries(procs.map((p) => [p.name, mainThreadCpuMsOf(p.pid)] as const)),
    });
    const result = await body({ server: { version: server.version, pid: server.pid(), heapBytes }, sys, cpu });
    const sampled = sampler.stop();
    const natsServerMb = memoryOf(server.pid())?.peakRssMb ?? Number.NaN;
    const processesMb: Record<string, number> = {};
    for (const p of procs) processesMb[p.name] = round(memoryOf(p.pid)?.peakRssMb ?? Number.NaN, 1);
    const totalPeakMb = natsServerMb + Object.values(processesMb).reduce((a, b) => a + b, 0);
    return {
      result,
      memory: {
        natsServerMb: round(natsServerMb, 1),
        processesMb,
        totalPeakMb: round(totalPeakMb, 1),
        sampledTotalMb: round(sampled, 1),
      },
      natsServerVersion: server.version,
    };
  } finally {
    await sys?.stop().catch(() => undefined);
    await server.stop({ clean: true });
    if (!setup.keep) rmSync(dir, { recursive: true, force: true });
  }
}
