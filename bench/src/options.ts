import { parseArgs } from "node:util";

export type ScenarioName =
  "embedded" | "processes" | "breakdown" | "scaling" | "durable" | "tracing" | "fairness" | "scale";
/** Every scenario; `scale` (bursts of up to 100k runs) only when asked for by name. */
export const SCENARIOS: ScenarioName[] = [
  "embedded",
  "processes",
  "breakdown",
  "scaling",
  "durable",
  "tracing",
  "fairness",
  "scale",
];
const DEFAULT_SCENARIOS = SCENARIOS.filter((s) => s !== "scale");

/** What to measure and how much; every flag has a BENCH_* environment twin. */
export interface BenchOptions {
  quick: boolean;
  scenarios: ScenarioName[];
  /** Systems to measure (both by default; ratios need both). */
  systems: ("raw" | "cairn")[];
  /** Tool-calling turns per run in the latency and throughput phases. */
  turns: number;
  warmup: number;
  latencyRuns: number;
  throughputRuns: number;
  /** Run lengths of the scaling scenario. */
  scalingTurns: number[];
  /** Steps measured per run length in the scaling scenario (at least `scalingMinRuns` runs). */
  scalingSteps: number;
  scalingMinRuns: number;
  /** Fairness scenario: tool calls of the big run's one turn. */
  fairnessCalls: number;
  /** Fairness scenario: big runs, one after the other, each with 2-call runs measured while it fans out. */
  fairnessRounds: number;
  /** Scale scenario: bursts of one-turn runs, each on a fresh server. */
  scaleBursts: number[];
  /** Scale scenario: ten-turn runs in one burst (0: none). */
  scaleLongRuns: number;
  /** Scale scenario: messages of finished runs stored before measuring again (0: skip). */
  scaleStored: number;
  /** Scale scenario: runs in the index when list and status are timed (0: skip). */
  scaleIndex: number;
  logLevel: string;
  rawWriteOnce: boolean;
  /** Run the raw baseline on the stock client (no noAsyncTraces, none of the client fixes Cairn applies). */
  rawStockClient: boolean;
  cpuProf: boolean;
  outDir: string;
  json: boolean;
  /** Extra environment for Cairn's services (`--env K=V`, repeatable), e.g. concurrency settings. */
  serviceEnv: Record<string, string>;
  /** Keep each scenario's temp directory (service logs, scripts) instead of removing it. */
  keep: boolean;
}

export const USAGE = `usage: npm run bench -- [options]

  --quick                  small sizes (a run of the whole benchmark in about a minute)
  --scenarios <list>       comma-separated: ${SCENARIOS.join(",")} (default: all but scale); breakdown splits Cairn's
                           CPU per step: the raw handlers on Cairn's consume loop and appendOnce, and Cairn's
                           handlers with no NATS at all (an in-memory log)
  --systems <list>         raw,cairn (default both; the ratios need both)
  --turns <n>              tool-calling turns per run (default 10)
  --warmup <n>             warm-up runs before the latency runs (default 3)
  --latency-runs <n>       runs measured one at a time (default 20)
  --throughput-runs <n>    runs submitted at once (default 200)
  --scaling-turns <list>   run lengths for the scaling scenario (default 10,100,500)
  --fairness-calls <n>     fairness scenario: tool calls of the big run's one turn (default 3000, at most 10000); a 2-call run's
                           time alone vs while the big run fans out, with the planner's default in-flight window
                           and with none (maxParallelToolCalls = the calls: all at once)
  --fairness-rounds <n>    fairness scenario: big runs measured against, one after the other (default 3; quick 1)
  --scale-bursts <list>    scale scenario (run only when named): bursts of one-turn runs, each on a fresh
                           server, submitted by 512 clients at once (default 1000,10000,50000,100000)
  --scale-long-runs <n>    scale scenario: a burst of ten-turn runs (default 10000; 0 for none)
  --scale-stored <n>       scale scenario: messages of finished ten-turn runs stored (run through Cairn) before
                           the one-turn burst is measured again (default 1000000; 0 to skip)
  --scale-index <n>        scale scenario: runs written into the runs index before list and status are timed
                           (default 1000000; 0 to skip)
  --log-level <level>      services' LOG_LEVEL (default info, as deployed)
  --raw-write-once         give the raw baseline Cairn's written-once stream settings (one message per subject)
  --raw-stock-client       run the raw baseline on the stock NATS client: without noAsyncTraces and without the
                           two nats-core fixes Cairn applies (by default the baseline has both, as Cairn does)
  --cpu-prof               run service processes with node --cpu-prof (profiles in <out>/profiles)
  --out <dir>              results directory (default bench/results)
  --json                   JSON lines only (no table)
  --env <K=V>              extra environment for Cairn's services (repeatable), e.g. --env CAIRN_TOOL_CONCURRENCY=64
  --keep                   keep each scenario's temp directory (service logs) and print where it is

Every option can also be set as BENCH_<NAME> in the environment (BENCH_QUICK=1, BENCH_LATENCY_RUNS=50, ...).`;

function list(s: string): string[] {
  return s
    .split(",")
    .map((x) => x.trim())
    .filter(Boolean);
}

function positive(name: string, v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0)
    throw new Error(`--${name} must be a non-negative integer, got ${JSON.stringify(v)}`);
  return n;
}

export function parseOptions(argv: string[], env: NodeJS.ProcessEnv, defaultOut: string): BenchOptions | "help" {
  const { values } = parseArgs({
    args: argv,
    options: {
      quick: { type: "boolean" },
      scenarios: { type: "string" },
      systems: { type: "string" },
      turns: { type: "string" },
      warmup: { type: "string" },
      "latency-runs": { type: "string" },
      "throughput-runs": { type: "string" },
      "scaling-turns": { type: "string" },
      "fairness-calls": { type: "string" },
      "fairness-rounds": { type: "string" },
      "scale-bursts": { type: "string" },
      "scale-long-runs": { type: "string" },
      "scale-stored": { type: "string" },
      "scale-index": { type: "string" },
      "log-level": { type: "string" },
      "raw-write-once": { type: "boolean" },
      "raw-stock-client": { type: "boolean" },
      "cpu-prof": { type: "boolean" },
      out: { type: "string" },
      json: { type: "boolean" },
      keep: { type: "boolean" },
      env: { type: "string", multiple: true },
      help: { type: "boolean", short: "h" },
    },
    strict: true,
  });
  if (values.help) return "help";
  const get = (name: string): string | undefined => {
    const v = (values as Record<string, string | boolean | string[] | undefined>)[name];
    if (v !== undefined) return String(v);
    const e = env[`BENCH_${name.toUpperCase().replace(/-/g, "_")}`];
    return e === "" ? undefined : e;
  };
  const flag = (name: string): boolean => ["1", "true", "yes"].includes(get(name) ?? "");
  const quick = flag("quick");
  const scenarios = list(get("scenarios") ?? DEFAULT_SCENARIOS.join(","));
  for (const s of scenarios)
    if (!(SCENARIOS as string[]).includes(s))
      throw new Error(`unknown scenario ${JSON.stringify(s)} (known: ${SCENARIOS.join(", ")})`);
  const systems = list(get("systems") ?? "raw,cairn");
  for (const s of systems)
    if (s !== "raw" && s !== "cairn") throw new Error(`unknown system ${JSON.stringify(s)} (known: raw, cairn)`);
  const num = (name: string, full: number, small: number): number => {
    const v = get(name);
    return v === undefined ? (quick ? small : full) : positive(name, v);
  };
  return {
    quick,
    scenarios: scenarios as ScenarioName[],
    systems: systems as ("raw" | "cairn")[],
    turns: Math.max(1, num("turns", 10, 10)),
    warmup: num("warmup", 3, 1),
    latencyRuns: Math.max(1, num("latency-runs", 20, 5)),
    throughputRuns: Math.max(1, num("throughput-runs", 200, 40)),
    scalingTurns: list(get("scaling-turns") ?? (quick ? "10,100" : "10,100,500")).map((v) =>
      Math.max(1, positive("scaling-turns", v)),
    ),
    scalingSteps: quick ? 100 : 420,
    scalingMinRuns: quick ? 1 : 3,
    fairnessCalls: Math.min(10_000, Math.max(2, num("fairness-calls", 3000, 3000))),
    fairnessRounds: Math.max(1, num("fairness-rounds", 3, 1)),
    scaleBursts: list(get("scale-bursts") ?? (quick ? "500,2000" : "1000,10000,50000,100000")).map((v) =>
      Math.max(1, positive("scale-bursts", v)),
    ),
    scaleLongRuns: num("scale-long-runs", 10_000, 200),
    scaleStored: num("scale-stored", 1_000_000, 20_000),
    scaleIndex: num("scale-index", 1_000_000, 20_000),
    logLevel: get("log-level") ?? "info",
    rawWriteOnce: flag("raw-write-once"),
    rawStockClient: flag("raw-stock-client"),
    cpuProf: flag("cpu-prof"),
    outDir: get("out") ?? defaultOut,
    json: flag("json"),
    keep: flag("keep"),
    serviceEnv: Object.fromEntries(
      [...(values.env ?? []), ...list(env["BENCH_ENV"] ?? "")].map((kv) => {
        const i = kv.indexOf("=");
        if (i < 1) throw new Error(`--env expects KEY=VALUE, got ${JSON.stringify(kv)}`);
        return [kv.slice(0, i), kv.slice(i + 1)];
      }),
    ),
  };
}
