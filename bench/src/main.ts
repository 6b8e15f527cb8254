#!/usr/bin/env node
/**
 * The Cairn benchmark: an agent loop (a run = N turns of a model step answering at once with one
 * tool call and a tool step returning at once, then a final model step), measured on Cairn and
 * on the same loop written directly on JetStream, each scenario on its own fresh nats-server.
 * Prints JSON lines (one per measurement) and a table; saves everything to bench/results/.
 */
import { execFile, execFileSync } from "node:child_process";
import { promisify } from "node:util";
import { mkdirSync, writeFileSync } from "node:fs";
import { availableParallelism, loadavg } from "node:os";
import { join } from "node:path";
import { findNatsServer } from "@cairn/natsd";
import {
  burstPhase,
  fairnessPhase,
  indexPhase,
  latencyPhase,
  storedHistoryPhase,
  stepsPerRun,
  throughputPhase,
  withScenario,
  type LatencyResult,
  type ScenarioSetup,
  type Sync,
} from "./measure.js";
import { parseOptions, USAGE, type BenchOptions } from "./options.js";
import { startOtlpSink } from "./otlp-sink.js";
import { renderTable, evaluateTargets, find } from "./report.js";
import type {
  FairnessRecord,
  IndexRecord,
  LogicRecord,
  LoopRecord,
  NotMeasured,
  Results,
  ScalingRecord,
  BurstRecord,
  StoredRecord,
} from "./records.js";
import { repoRoot, type Mode, type SystemKind } from "./systems.js";

/** The commit measured, and whether the work tree had changes on top of it. */
function gitState(): { commit: string; dirty: boolean } | undefined {
  try {
    const commit = execFileSync("git", ["rev-parse", "--short", "HEAD"], {
      cwd: repoRoot,
      encoding: "utf8",
      stdio: ["ignore", "pipe", "ignore"],
    }).trim();
    const dirty =
      execFileSync("git", ["status", "--porcelain", "--untracked-files=no"], {
        cwd: repoRoot,
        encoding: "utf8",
        stdio: ["ignore", "pipe", "ignore"],
      }).trim() !== "";
    return { commit, dirty };
  } catch {
    return undefined;
  }
}

let jsonOnly = false;
const emit = (o: object): void => {
  process.stdout.write(JSON.stringify(o) + "\n");
};
const progress = (s: string): void => {
  if (!jsonOnly) process.stderr.write(`· ${s}\n`);
};

async function main(): Promise<void> {
  let opts: BenchOptions | "help";
  try {
    opts = parseOptions(process.argv.slice(2), process.env, join(repoRoot, "bench", "results"));
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\n\n${USAGE}\n`);
    process.exit(2);
  }
  if (opts === "help") {
    process.stdout.write(USAGE + "\n");
    return;
  }
  jsonOnly = opts.json;
  const o = opts;
  const started = new Date();
  const stamp = started.toISOString().replace(/[:.]/g, "-");
  mkdirSync(o.outDir, { recursive: true });
  const bin = findNatsServer();
  const meta: Record<string, unknown> = {
    type: "meta",
    date: started.toISOString(),
    natsServer: bin.version,
    natsServerPath: bin.path,
    node: process.version,
    cpus: availableParallelism(),
    git: gitState(),
    loadAvgAtStart: loadavg().map((x) => Math.round(x * 100) / 100),
    workload: `${o.turns} turns per run, each a model step (scripted model, answers at once with one tool call) and a tool step (returns at once), then a final model step: ${stepsPerRun(o.turns)} durable steps per run`,
    options: o,
  };
  emit(meta);
  const results: Results = {
    meta,
    loops: [],
    scaling: [],
    logic: [],
    fairness: [],
    bursts: [],
    stored: [],
    index: [],
    notMeasured: [],
    targets: [],
  };
  const nodeArgs = (label: string): string[] =>
    o.cpuProf ? ["--cpu-prof", `--cpu-prof-dir=${join(o.outDir, "profiles", `${stamp}-${label}`)}`] : [];

  /**
   * A scenario's setup: its label, its system and what else varies; the rest from the options (the
   * raw baseline's client and stream settings apply to the raw systems only).
   */
  const setup = (
    label: string,
    v: Pick<ScenarioSetup, "kind" | "mode" | "turns"> & Partial<ScenarioSetup>,
  ): ScenarioSetup => ({
    sync: "default",
    logLevel: o.logLevel,
    rawWriteOnce: v.kind !== "cairn" && o.rawWriteOnce,
    rawStockClient: v.kind !== "cairn" && o.rawStockClient,
    nodeArgs: nodeArgs(label),
    serviceEnv: o.serviceEnv,
    keep: o.keep,
    onDir: (d) => o.keep && progress(`${label}: logs in ${d}`),
    ...v,
  });

  const loop = async (system: SystemKind, mode: Mode, sync: Sync, tracing: "off" | "otlp" = "off"): Promise<void> => {
    // The breakdown's raw-cairn-loop is not a system to choose: it comes with the breakdown scenario.
    if (system !== "raw-cairn-loop" && !o.systems.includes(system)) return;
    const label = `${system}-${mode}${sync === "always" ? "-sync-always" : ""}${tracing === "otlp" ? "-tracing" : ""}`;
    const sink = tracing === "otlp" ? await startOtlpSink() : undefined;
    const serviceEnv = sink
      ? { ...o.serviceEnv, OTEL_EXPORTER_OTLP_ENDPOINT: sink.url, OTEL_EXPORTER_OTLP_PROTOCOL: "http/protobuf" }
      : o.serviceEnv;
    progress(
      `${label}: ${o.warmup} warm-up + ${o.latencyRuns} runs one at a time, then ${o.throughputRuns} runs at once`,
    );
    const { result, memory } = await withScenario(
      setup(label, { kind: system, mode, sync, serviceEnv, turns: [o.turns] }),
      async ({ sys, cpu }) => {
        const latency = await latencyPhase(sys, o.turns, o.warmup, o.latencyRuns, { hops: true });
        const throughput = await throughputPhase(sys, o.turns, o.throughputRuns, cpu);
        return { latency, throughput };
      },
    );
    await sink?.stop();
    const rec: LoopRecord = {
      type: "loop",
      system,
      mode,
      sync,
      tracing,
      ...(sink ? { exported: sink.stats() } : {}),
      ...result,
      memory,
    };
    results.loops.push(rec);
    emit(rec);
  };

  const scaling = async (system: "raw" | "cairn"): Promise<void> => {
    if (!o.systems.includes(system)) return;
    const label = `${system}-scaling`;
    progress(`${label}: run lengths ${o.scalingTurns.join(", ")} turns, one run at a time`);
    const { result, memory } = await withScenario(
      setup(label, { kind: system, mode: "embedded", turns: o.scalingTurns }),
      async ({ sys }) => {
        const points: LatencyResult[] = [];
        let warm = o.warmup;
        for (const turns of o.scalingTurns) {
          const runs = Math.max(o.scalingMinRuns, Math.round(o.scalingSteps / stepsPerRun(turns)));
          points.push(await latencyPhase(sys, turns, warm, runs));
          warm = 0;
        }
        return points;
      },
    );
    const rec: ScalingRecord = { type: "scaling", system, mode: "embedded", sync: "default", points: result, memory };
    results.scaling.push(rec);
    emit(rec);
  };

  // Cairn's handlers alone, in a fresh process like a service: as many runs one at a time as the
  // latency phase has, then the throughput phase's runs at once.
  const logic = async (): Promise<void> => {
    progress(
      `logic: Cairn's handlers over an in-memory log, no NATS (${o.warmup + o.latencyRuns} runs one at a time, then ${o.throughputRuns} at once)`,
    );
    const env = {
      PATH: process.env["PATH"] ?? "",
      LOGIC_TURNS: String(o.turns),
      LOGIC_WARMUP: String(o.warmup),
      LOGIC_SEQUENTIAL: String(o.latencyRuns),
      LOGIC_RUNS: String(o.throughputRuns),
      LOG_LEVEL: o.logLevel,
    };
    const { stdout } = await promisify(execFile)(
      process.execPath,
      [...nodeArgs("logic"), join(repoRoot, "bench", "dist", "logic-worker.js")],
      { env, maxBuffer: 1024 * 1024 },
    );
    const rec: LogicRecord = {
      type: "logic",
      ...(JSON.parse(stdout.trim().split("\n").pop() ?? "") as Omit<LogicRecord, "type">),
    };
    results.logic.push(rec);
    emit(rec);
  };
  // A 2-call run alone and while a run of fairnessCalls calls fans out: Cairn only (fair share is the planner's).
  const fairness = async (mode: Mode, window: "default" | "off"): Promise<void> => {
    if (!o.systems.includes("cairn")) return;
    const label = `cairn-fairness-${mode}-window-${window}`;
    progress(
      `${label}: a 2-call run, ${o.warmup} warm-up + ${o.latencyRuns} alone, then while a ${o.fairnessCalls}-call run fans out, then ${o.latencyRuns} alone again (${o.fairnessRounds} round${o.fairnessRounds === 1 ? "" : "s"}; in-flight window ${window === "default" ? "the planner's default" : `off: ${o.fairnessCalls}`})`,
    );
    const fair = { calls: o.fairnessCalls, ...(window === "off" ? { window: o.fairnessCalls } : {}) };
    const { result, memory } = await withScenario(
      setup(label, { kind: "cairn", mode, turns: [o.turns], fairness: fair }),
      ({ sys }) => fairnessPhase(sys, o.fairnessCalls, o.warmup, o.latencyRuns, o.fairnessRounds),
    );
    const rec: FairnessRecord = { type: "fairness", system: "cairn", mode, window, ...result, memory };
    results.fairness!.push(rec);
    emit(rec);
  };
  const burst = async (turns: number, runs: number): Promise<void> => {
    if (!o.systems.includes("cairn")) return;
    const label = `cairn-burst-${runs}x${turns + 1}`;
    progress(
      `${label}: ${runs} runs of ${turns + 1} model turn${turns ? "s" : ""} submitted at once (512 clients), on a fresh server`,
    );
    const { result, memory } = await withScenario(
      setup(label, { kind: "cairn", mode: "embedded", turns: [turns] }),
      ({ sys, cpu }) => burstPhase(sys, turns, runs, cpu, 512, Math.min(300, runs)),
    );
    const rec: BurstRecord = { type: "burst", system: "cairn", mode: "embedded", ...result, memory };
    results.bursts!.push(rec);
    emit(rec);
  };
  const stored = async (): Promise<void> => {
    if (!o.systems.includes("cairn") || o.scaleStored === 0) return;
    const label = "cairn-stored-history";
    const burstRuns = Math.min(10_000, Math.max(...o.scaleBursts));
    progress(
      `${label}: ${burstRuns} one-turn runs on a fresh stream, then ${o.scaleStored} messages of finished ten-turn runs stored, then the ${burstRuns} runs again`,
    );
    const { result } = await withScenario(
      setup(label, { kind: "cairn", mode: "embedded", turns: [0, 9] }),
      async ({ sys, cpu, server }) => {
        await burstPhase(sys, 0, 300, cpu); // warm-up
        return storedHistoryPhase(sys, server, cpu, o.scaleStored, burstRuns);
      },
    );
    const rec: StoredRecord = { type: "stored", system: "cairn", mode: "embedded", ...result };
    results.stored!.push(rec);
    emit(rec);
  };
  const indexScale = async (): Promise<void> => {
    if (!o.systems.includes("cairn") || o.scaleIndex === 0) return;
    const label = "cairn-index";
    progress(
      `${label}: ${o.scaleIndex} runs in the runs index, then list (20 newest; by status; by metadata) and status, timed through the API`,
    );
    const { result } = await withScenario(
      setup(label, { kind: "cairn", mode: "embedded", turns: [0] }),
      ({ sys, server }) => indexPhase(sys, server.pid, o.scaleIndex),
    );
    const rec: IndexRecord = { type: "index", system: "cairn", mode: "embedded", ...result };
    results.index!.push(rec);
    emit(rec);
  };
  const has = (system: SystemKind, mode: Mode): boolean => find(results, system, mode, "default") !== undefined;

  try {
    for (const s of o.scenarios) {
      if (s === "embedded" || s === "processes") {
        await loop("raw", s, "default");
        await loop("cairn", s, "default");
      } else if (s === "breakdown") {
        // Where Cairn's CPU per step goes: the raw loop, the raw handlers on Cairn's messaging, Cairn's handlers without messaging, Cairn.
        if (!has("raw", "embedded")) await loop("raw", "embedded", "default");
        await loop("raw-cairn-loop", "embedded", "default");
        if (o.systems.includes("cairn")) {
          if (!has("cairn", "embedded")) await loop("cairn", "embedded", "default");
          await logic();
        }
      } else if (s === "scaling") {
        await scaling("raw");
        await scaling("cairn");
      } else if (s === "durable") {
        for (const mode of ["embedded", "processes"] as const) {
          await loop("raw", mode, "always");
          await loop("cairn", mode, "always");
        }
      } else if (s === "fairness") {
        for (const mode of ["embedded", "processes"] as const) {
          await fairness(mode, "default");
          await fairness(mode, "off");
        }
      } else if (s === "scale") {
        for (const runs of o.scaleBursts) await burst(0, runs);
        if (o.scaleLongRuns > 0) await burst(9, o.scaleLongRuns);
        await stored();
        await indexScale();
      } else if (s === "tracing") {
        // Back to back on fresh servers: Cairn with tracing off, then exporting every span.
        for (const mode of ["embedded", "processes"] as const) {
          if (
            !results.loops.some(
              (l) => l.system === "cairn" && l.mode === mode && l.sync === "default" && l.tracing === "off",
            )
          )
            await loop("cairn", mode, "default");
          await loop("cairn", mode, "default", "otlp");
        }
      }
    }
  } catch (err) {
    process.stderr.write(`benchmark failed: ${(err as Error).stack ?? String(err)}\n`);
    process.exitCode = 1;
  }
  if (!o.scenarios.includes("tracing") || !o.systems.includes("cairn")) {
    const nm: NotMeasured = {
      type: "not-measured",
      what: "tracing exporting vs tracing off",
      reason: "not measured in this invocation (run the tracing scenario)",
    };
    results.notMeasured.push(nm);
    emit(nm);
  }
  results.targets = evaluateTargets(results);
  for (const t of results.targets) emit({ type: "target", ...t });
  meta["loadAvgAtEnd"] = loadavg().map((x) => Math.round(x * 100) / 100);
  const file = join(o.outDir, `${stamp}.json`);
  writeFileSync(file, JSON.stringify(results, null, 2) + "\n");
  writeFileSync(join(o.outDir, "latest.json"), JSON.stringify(results, null, 2) + "\n");
  if (!o.json) process.stdout.write("\n" + renderTable(results) + `\nresults: ${file}\n`);
}

await main();
