import type { LoopRecord, Results } from "./main.js";

/** A target from the issue, with the measured value and a plain verdict. */
export interface Target {
  name: string;
  scope: string;
  value: number;
  limit: string;
  pass: boolean;
  detail: string;
}

const LATENCY_RATIO_MAX = 1.3;
const THROUGHPUT_RATIO_MIN = 0.8;
const FLATNESS_MAX = 1.2;
const RSS_MAX_MB = 400;

const fx = (x: number, d = 2): string => (Number.isFinite(x) ? x.toFixed(d) : "n/a");
const modeName = (m: string): string => (m === "embedded" ? "1 process" : "3 processes");
const syncName = (s: string): string => (s === "always" ? "sync_interval: always" : "default sync");

function find(r: Results, system: string, mode: string, sync: string, tracing = "off"): LoopRecord | undefined {
  return r.loops.find((l) => l.system === system && l.mode === mode && l.sync === sync && l.tracing === tracing);
}

/** Tracing exporting vs off (no target in the issue: reported, not judged). */
export function tracingOverhead(r: Results): { mode: string; latencyRatio: number; throughputRatio: number; exported: { requests: number; bytes: number } | undefined }[] {
  const out = [];
  for (const mode of ["embedded", "processes"]) {
    const off = find(r, "cairn", mode, "default", "off");
    const on = find(r, "cairn", mode, "default", "otlp");
    if (off && on) out.push({ mode, latencyRatio: on.latency.msPerStep / off.latency.msPerStep, throughputRatio: on.throughput.stepsPerSec / off.throughput.stepsPerSec, exported: on.exported });
  }
  return out;
}

export function evaluateTargets(r: Results): Target[] {
  const out: Target[] = [];
  for (const sync of ["default", "always"]) {
    for (const mode of ["embedded", "processes"]) {
      const cairn = find(r, "cairn", mode, sync);
      const raw = find(r, "raw", mode, sync);
      const scope = `${modeName(mode)}, ${syncName(sync)}`;
      if (cairn && raw) {
        const lat = cairn.latency.msPerStep / raw.latency.msPerStep;
        out.push({ name: "latency per step vs raw", scope, value: Math.round(lat * 100) / 100, limit: `<= ${LATENCY_RATIO_MAX}x`, pass: lat <= LATENCY_RATIO_MAX, detail: `${fx(cairn.latency.msPerStep, 3)} vs ${fx(raw.latency.msPerStep, 3)} ms/step` });
        const thr = cairn.throughput.stepsPerSec / raw.throughput.stepsPerSec;
        out.push({ name: "throughput vs raw", scope, value: Math.round(thr * 100) / 100, limit: `>= ${THROUGHPUT_RATIO_MIN}x`, pass: thr >= THROUGHPUT_RATIO_MIN, detail: `${fx(cairn.throughput.stepsPerSec, 0)} vs ${fx(raw.throughput.stepsPerSec, 0)} steps/s` });
      }
      if (cairn && sync === "default") {
        const mb = cairn.memory.totalPeakMb;
        out.push({ name: `peak RSS, nats-server + services, ${cairn.throughput.runs} concurrent runs`, scope, value: mb, limit: `< ${RSS_MAX_MB} MB`, pass: mb < RSS_MAX_MB, detail: `server ${fx(cairn.memory.natsServerMb, 0)} MB + ${Object.entries(cairn.memory.processesMb).map(([k, v]) => `${k} ${fx(v, 0)} MB`).join(" + ")}` });
      }
    }
  }
  const sc = r.scaling.find((s) => s.system === "cairn");
  if (sc && sc.points.length >= 2) {
    const first = sc.points[0]!;
    const last = sc.points[sc.points.length - 1]!;
    // The largest rise of ms/step from a shorter run length to a longer one. (A short run's ms/step
    // also carries the run's fixed cost — submission, first read — so it may be higher without
    // any growth; a rise toward longer runs is the step cost growing with the run's length.)
    const per = sc.points.map((p) => p.msPerStep);
    let ratio = 0;
    let rise = "";
    per.forEach((a, i) =>
      per.slice(i + 1).forEach((b, k) => {
        if (b / a > ratio) {
          ratio = b / a;
          rise = `${sc.points[i]!.turns} → ${sc.points[i + 1 + k]!.turns} turns`;
        }
      }),
    );
    out.push({ name: `step cost flat from ${first.turns} to ${last.turns} turns (largest rise of ms per step toward longer runs)`, scope: "1 process, default sync", value: Math.round(ratio * 100) / 100, limit: `<= ${FLATNESS_MAX}x`, pass: ratio <= FLATNESS_MAX, detail: `${rise ? `largest rise ${rise}; ` : ""}${sc.points.map((p) => `${p.turns} turns: ${fx(p.msPerStep, 3)} ms/step`).join(", ")}` });
  }
  return out;
}

function table(head: string[], rows: string[][], right: boolean[]): string {
  const w = head.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  const line = (cells: string[]): string => cells.map((c, i) => (right[i] ? c.padStart(w[i]!) : c.padEnd(w[i]!))).join("  ").trimEnd();
  return [line(head), line(w.map((n) => "-".repeat(n))), ...rows.map(line)].join("\n");
}

export function renderTable(r: Results): string {
  const m = r.meta;
  const out: string[] = [];
  out.push(`Cairn benchmark — ${String(m["date"])} — nats-server ${String(m["natsServer"])}, node ${String(m["node"])}, ${String(m["cpus"])} CPUs, load average at start ${JSON.stringify(m["loadAvgAtStart"])}`);
  const git = m["git"] as { commit: string; dirty: boolean } | undefined;
  if (git) out.push(`code: commit ${git.commit}${git.dirty ? " with uncommitted changes" : ""}`);
  out.push(`workload: ${String(m["workload"])}`);
  const opts = m["options"] as { rawStockClient?: boolean } | undefined;
  out.push(opts?.rawStockClient ? "raw baseline: the stock NATS client (--raw-stock-client): it pays client costs Cairn does not" : "raw baseline: the same NATS client settings as Cairn (noAsyncTraces, Cairn's two nats-core fixes)");
  out.push("");
  if (r.loops.length) {
    const rows = r.loops.map((l) => [
      l.system,
      modeName(l.mode),
      l.sync === "always" ? "always" : "default",
      l.tracing,
      fx(l.latency.medianMs),
      fx(l.latency.p95Ms),
      fx(l.latency.msPerStep, 3),
      fx(l.throughput.stepsPerSec, 0),
      fx(l.throughput.runsPerSec, 1),
      fx(l.memory.natsServerMb, 0),
      Object.values(l.memory.processesMb).map((v) => fx(v, 0)).join("+"),
      fx(l.memory.totalPeakMb, 0),
      Object.values(l.throughput.cpuMsPerStep).map((v) => fx(v, 2)).join("+"),
      Object.values(l.throughput.mainThreadCpuMsPerStep).map((v) => fx(v, 2)).join("+"),
    ]);
    const first = r.loops[0]!;
    out.push(`latency: ${first.latency.runs} runs one at a time after ${first.latency.warmup} warm-up; throughput: ${first.throughput.runs} runs submitted at once`);
    out.push("RSS: peak resident set (VmHWM) in MB of nats-server, of each process, and their sum; CPU: ms of CPU per step in the throughput phase, nats-server + each process");
    out.push("main thread: the part of each process's CPU per step on its main thread (the rest: V8's background threads, i.e. optimizing compiles while the code warms up, and concurrent GC)");
    out.push(table(["system", "services", "sync", "tracing", "run ms p50", "run ms p95", "ms/step", "steps/s", "runs/s", "RSS server", "RSS procs", "RSS total", "CPU ms/step", "main thread"], rows, [false, false, false, false, true, true, true, true, true, true, true, true, false, false]));
    out.push("");
  }
  for (const s of r.scaling) {
    out.push(`scaling (${s.system}, 1 process): ms per step by run length`);
    out.push(table(["turns", "steps/run", "runs", "run ms p50", "ms/step"], s.points.map((p) => [String(p.turns), String(p.steps), String(p.runs), fx(p.medianMs, 1), fx(p.msPerStep, 3)]), [true, true, true, true, true]));
    out.push("");
  }
  for (const t of tracingOverhead(r)) {
    out.push(
      `tracing exporting vs off (${modeName(t.mode)}): latency per step ${fx(t.latencyRatio)}x, throughput ${fx(t.throughputRatio)}x` +
        (t.exported ? ` — the OTLP sink received ${t.exported.requests} export requests, ${fx(t.exported.bytes / 1024 / 1024, 1)} MB` : ""),
    );
  }
  for (const n of r.notMeasured) out.push(`${n.what}: ${n.reason}`);
  out.push("");
  out.push("targets:");
  for (const t of r.targets) out.push(`  ${t.pass ? "PASS" : "MISS"}  ${t.name} (${t.scope}): ${t.name.startsWith("peak RSS") ? `${fx(t.value, 0)} MB` : `${fx(t.value)}x`}, target ${t.limit} — ${t.detail}`);
  if (!r.targets.length) out.push("  (none evaluated: run the scenarios they need)");
  return out.join("\n") + "\n";
}
