/** What the benchmark records: one record per measurement, and the results file (bench/results/*.json). */
import type {
  BurstResult,
  FairnessResult,
  IndexResult,
  LatencyResult,
  Memory,
  StoredHistoryResult,
  Sync,
  ThroughputResult,
} from "./measure.js";
import type { Mode, SystemKind } from "./systems.js";

/** A target the benchmark checks (PASS/MISS in its report). */
export interface Target {
  name: string;
  scope: string;
  value: number;
  limit: string;
  pass: boolean;
  detail: string;
}

export interface LoopRecord {
  type: "loop";
  system: SystemKind;
  mode: Mode;
  sync: Sync;
  /** "otlp": the services export spans over OTLP/HTTP to a local sink; "off": no OTEL_* set. */
  tracing: "off" | "otlp";
  /** What the sink received while tracing was on. */
  exported?: { requests: number; bytes: number };
  latency: LatencyResult;
  throughput: ThroughputResult;
  memory: Memory;
}

export interface ScalingRecord {
  type: "scaling";
  system: SystemKind;
  mode: Mode;
  sync: Sync;
  points: LatencyResult[];
  memory: Memory;
}

/** Cairn's handlers with NATS taken out (logic-worker.ts): CPU per step over an in-memory log. */
export interface LogicRecord {
  type: "logic";
  turns: number;
  runs: number;
  steps: number;
  elapsedMs: number;
  cpuMsPerStep: number;
  mainThreadCpuMsPerStep: number;
  /** Time inside the handlers per step, runs one at a time (the latency phase's shape). */
  sequentialHandlerMsPerStep: number;
  /** Time inside each handler per step, runs at once (the throughput phase's shape). */
  handlerMsPerStep: { planner: number; llmCaller: number; toolRunner: number; submit: number };
  messages: Record<string, number>;
}

/**
 * Fair share: a 2-call run's end-to-end time alone and while a big run fans out (see
 * fairnessPhase), with the big run's in-flight window: the planner's default ("default", the
 * agent sets none) or none ("off": maxParallelToolCalls = its calls, all commanded at once).
 */
export interface FairnessRecord extends FairnessResult {
  type: "fairness";
  system: "cairn";
  mode: Mode;
  window: "default" | "off";
  memory: Memory;
}

/** A burst of runs on a fresh server (the scale scenario). */
export interface BurstRecord extends BurstResult {
  type: "burst";
  system: "cairn";
  mode: Mode;
  memory: Memory;
}

/** Finished runs stored, then the burst again (the scale scenario). */
export interface StoredRecord extends StoredHistoryResult {
  type: "stored";
  system: "cairn";
  mode: Mode;
}

/** list and status latency with a large runs index (the scale scenario). */
export interface IndexRecord extends IndexResult {
  type: "index";
  system: "cairn";
  mode: Mode;
}

export interface NotMeasured {
  type: "not-measured";
  what: string;
  reason: string;
}

export interface Results {
  meta: Record<string, unknown>;
  loops: LoopRecord[];
  scaling: ScalingRecord[];
  logic: LogicRecord[];
  /** Absent in results written before the fairness scenario existed. */
  fairness?: FairnessRecord[];
  /** Absent in results written before the scale scenario existed. */
  bursts?: BurstRecord[];
  stored?: StoredRecord[];
  index?: IndexRecord[];
  notMeasured: NotMeasured[];
  targets: Target[];
}
