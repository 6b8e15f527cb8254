import { execFile } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import type { BurstRecord, IndexRecord, LogicRecord, LoopRecord, Results } from "./records.js";
import { hopsOf } from "./measure.js";
import { breakdown, evaluateTargets } from "./report.js";

const here = dirname(fileURLToPath(import.meta.url));

describe("hopsOf", () => {
  const ms = (x: number): bigint => BigInt(Math.round(x * 1e6));
  const at = (runId: string, rest: string, t: number) => ({ subject: `p.run.${runId}.${rest}`, ns: ms(1_000_000 + t) });

  it("takes the median time between consecutive stored messages of each kind, and a run's time outside them", () => {
    const log = [
      at("a", "evt.submitted", 0),
      at("b", "evt.submitted", 0.5),
      at("a", "cmd.llm.1.scripted", 1),
      at("b", "cmd.llm.1.scripted", 2.5),
      at("a", "evt.llm.1", 1.5),
      at("b", "evt.llm.1", 3.5),
      at("a", "evt.ended", 2.5),
      at("b", "evt.ended", 4.5),
      // not a measured run (a warm-up): left out
      at("w", "evt.submitted", 10),
      at("w", "cmd.llm.1.scripted", 30),
    ];
    const h = hopsOf(log, [
      { runId: "a", ms: 3 },
      { runId: "b", ms: 6 },
    ]);
    expect(h.steps).toEqual([
      { from: "evt.submitted", to: "cmd.llm", n: 2, medianMs: 1.5 },
      { from: "cmd.llm", to: "evt.llm", n: 2, medianMs: 0.75 },
      { from: "evt.llm", to: "evt.ended", n: 2, medianMs: 1 },
    ]);
    // a: 3 - 2.5 = 0.5; b: 6 - 4 = 2
    expect(h.outsideMedianMs).toBe(1.25);
  });
});

describe("breakdown", () => {
  const loop = (system: LoopRecord["system"], stepsPerSec: number, cpu: Record<string, number>): LoopRecord => ({
    type: "loop",
    system,
    mode: "embedded",
    sync: "default",
    tracing: "off",
    latency: { turns: 10, steps: 21, runs: 20, warmup: 3, medianMs: 10, p95Ms: 12, meanMs: 10, msPerStep: 0.5 },
    throughput: {
      turns: 10,
      runs: 200,
      steps: 4200,
      elapsedMs: 1000,
      stepsPerSec,
      runsPerSec: stepsPerSec / 21,
      cpuMsPerStep: cpu,
      mainThreadCpuMsPerStep: {},
    },
    memory: { natsServerMb: 30, processesMb: {}, totalPeakMb: 30, sampledTotalMb: 30 },
  });
  const logic: LogicRecord = {
    type: "logic",
    turns: 10,
    runs: 200,
    steps: 4200,
    elapsedMs: 300,
    cpuMsPerStep: 0.14,
    mainThreadCpuMsPerStep: 0.1,
    sequentialHandlerMsPerStep: 0.15,
    handlerMsPerStep: { planner: 0.02, llmCaller: 0.04, toolRunner: 0.02, submit: 0.002 },
    messages: {},
  };
  const results = (loops: LoopRecord[], withLogic: boolean): Results => ({
    meta: {},
    loops,
    scaling: [],
    logic: withLogic ? [logic] : [],
    notMeasured: [],
    targets: [],
  });

  it("bounds the throughput ratio by the raw loop's CPU per step and the handlers' own", () => {
    const b = breakdown(
      results(
        [
          loop("raw", 10_000, { "nats-server": 0.04, raw: 0.06 }),
          loop("cairn", 3_000, { "nats-server": 0.08, cairn: 0.36 }),
        ],
        true,
      ),
    );
    // 0.1 / (0.1 + 0.1): even with messaging as cheap as the raw loop's, half its throughput
    expect(b?.bound.ratio).toBeCloseTo(0.5, 10);
    // 0.8x leaves 0.1 / 0.8 - 0.1 = 0.025 ms per step for everything Cairn adds
    expect(b?.bound.budget).toBeCloseTo(0.025, 10);
    expect(b?.rows.map((r) => r[2])).toEqual(["1.00x", "", "", "0.30x"]);
    expect(b?.rows[1]?.[1]).toBe("not measured");
  });

  it("needs both the raw loop and the handlers' measurement", () => {
    expect(breakdown(results([loop("raw", 10_000, { raw: 0.1 })], false))).toBeUndefined();
    expect(breakdown(results([loop("cairn", 3_000, { cairn: 0.4 })], true))).toBeUndefined();
  });
});

describe("logic worker", () => {
  it("drives every run to its end through the services' handlers, with no NATS", async () => {
    const env = {
      PATH: process.env["PATH"] ?? "",
      LOGIC_TURNS: "3",
      LOGIC_WARMUP: "1",
      LOGIC_SEQUENTIAL: "2",
      LOGIC_RUNS: "5",
      LOG_LEVEL: "info",
    };
    const { stdout } = await promisify(execFile)(process.execPath, [join(here, "..", "dist", "logic-worker.js")], {
      env,
    });
    const r = JSON.parse(stdout) as Omit<LogicRecord, "type">;
    expect(r).toMatchObject({ turns: 3, runs: 5, steps: 5 * 7 });
    // Per run: submitted, 4 model responses, 3 tool results, ended; 4 model and 3 tool commands.
    expect(r.messages).toEqual({ events: 5 * 9, llmCommands: 5 * 4, toolCommands: 5 * 3, appended: 8 * (9 + 4 + 3) });
    for (const v of [
      r.cpuMsPerStep,
      r.sequentialHandlerMsPerStep,
      r.handlerMsPerStep.planner,
      r.handlerMsPerStep.llmCaller,
      r.handlerMsPerStep.toolRunner,
    ])
      expect(v).toBeGreaterThan(0);
  });
});

describe("scale targets", () => {
  const burst = (runs: number, runsPerSec: number, serverCpuMsPerStep: number): BurstRecord => ({
    type: "burst",
    system: "cairn",
    mode: "embedded",
    turns: 0,
    runs,
    steps: runs,
    elapsedMs: 1,
    submitMs: 1,
    stepsPerSec: runsPerSec,
    runsPerSec,
    cpuMsPerStep: {},
    mainThreadCpuMsPerStep: {},
    serverCpuMsPerStep,
    memory: { natsServerMb: 1, processesMb: {}, totalPeakMb: 1, sampledTotalMb: 1 },
  });
  const targets = (bursts: BurstRecord[], index?: IndexRecord) =>
    evaluateTargets({
      meta: {},
      loops: [],
      scaling: [],
      logic: [],
      bursts,
      ...(index ? { index: [index] } : {}),
      notMeasured: [],
      targets: [],
    }).filter((t) => t.scope === "scale");

  it("passes flat bursts and misses a collapse or a server cost that grows", () => {
    const flat = targets([burst(1000, 900, 0.3), burst(100_000, 1000, 0.33)]);
    expect(flat.map((t) => [t.limit, t.pass])).toEqual([
      [">= 0.8x", true],
      ["<= 1.25x", true],
    ]);
    const collapse = targets([burst(1000, 900, 0.3), burst(40_000, 47, 0.6)]);
    expect(collapse.map((t) => t.pass)).toEqual([false, false]);
    expect(collapse[0]!.value).toBe(0.05);
  });

  it("checks list and status latency against 50 ms and 20 ms", () => {
    const idx = (p50: number, status: number): IndexRecord => ({
      type: "index",
      system: "cairn",
      mode: "embedded",
      runs: 1_000_000,
      fillMs: 1,
      list20: { p50, p95: p50 },
      listByStatus: { p50, p95: p50 },
      listByMeta: { p50, p95: p50 },
      status: { p50: status, p95: status },
      serverRssMb: 1,
    });
    expect(targets([], idx(10, 1)).every((t) => t.pass)).toBe(true);
    expect(targets([], idx(60, 25)).map((t) => t.pass)).toEqual([false, false, false, false]);
  });
});
