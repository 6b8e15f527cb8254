import type { LoopRecord, Results, Target } from "./records.js";

/** A target from the issue, with the measured value and a plain verdict. */
const LATENCY_RATIO_MAX = 1.3;
const THROUGHPUT_RATIO_MIN = 0.8;
const FLATNESS_MAX = 1.2;
const RSS_MAX_MB = 400;
/** Issue 17: the 2-call run while a 3,000-call run fans out stays within 2x of its time alone (reported, not asserted). */
const FAIRNESS_RATIO_MAX = 2;

const fx = (x: number, d = 2): string => (Number.isFinite(x) ? x.toFixed(d) : "n/a");
const modeName = (m: string): string => (m === "embedded" ? "1 process" : "3 processes");
const syncName = (s: string): string => (s === "always" ? "sync_interval: always" : "default sync");

export function find(r: Results, system: string, mode: string, sync: string, tracing = "off"): LoopRecord | undefined {
  return r.loops.find((l) => l.system === system && l.mode === mode && l.sync === sync && l.tracing === tracing);
}

/** Tracing exporting vs off (no target in the issue: reported, not judged). */
export function tracingOverhead(r: Results): {
  mode: string;
  latencyRatio: number;
  throughputRatio: number;
  exported: { requests: number; bytes: number } | undefined;
}[] {
  const out = [];
  for (const mode of ["embedded", "processes"]) {
    const off = find(r, "cairn", mode, "default", "off");
    const on = find(r, "cairn", mode, "default", "otlp");
    if (off && on)
      out.push({
        mode,
        latencyRatio: on.latency.msPerStep / off.latency.msPerStep,
        throughputRatio: on.throughput.stepsPerSec / off.throughput.stepsPerSec,
        exported: on.exported,
      });
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
        out.push({
          name: "latency per step vs raw",
          scope,
          value: Math.round(lat * 100) / 100,
          limit: `<= ${LATENCY_RATIO_MAX}x`,
          pass: lat <= LATENCY_RATIO_MAX,
          detail: `${fx(cairn.latency.msPerStep, 3)} vs ${fx(raw.latency.msPerStep, 3)} ms/step`,
        });
        const thr = cairn.throughput.stepsPerSec / raw.throughput.stepsPerSec;
        out.push({
          name: "throughput vs raw",
          scope,
          value: Math.round(thr * 100) / 100,
          limit: `>= ${THROUGHPUT_RATIO_MIN}x`,
          pass: thr >= THROUGHPUT_RATIO_MIN,
          detail: `${fx(cairn.throughput.stepsPerSec, 0)} vs ${fx(raw.throughput.stepsPerSec, 0)} steps/s`,
        });
      }
      if (cairn && sync === "default") {
        const mb = cairn.memory.totalPeakMb;
        out.push({
          name: `peak RSS, nats-server + services, ${cairn.throughput.runs} concurrent runs`,
          scope,
          value: mb,
          limit: `< ${RSS_MAX_MB} MB`,
          pass: mb < RSS_MAX_MB,
          detail: `server ${fx(cairn.memory.natsServerMb, 0)} MB + ${Object.entries(cairn.memory.processesMb)
            .map(([k, v]) => `${k} ${fx(v, 0)} MB`)
            .join(" + ")}`,
        });
      }
    }
  }
  for (const f of r.fairness ?? []) {
    if (f.window !== "default") continue; // the run without a window is the comparison, not a target
    out.push({
      name: `2-call run while a ${f.calls}-call run fans out vs alone (median)`,
      scope: `${modeName(f.mode)}, default sync`,
      value: f.ratio,
      limit: `<= ${FAIRNESS_RATIO_MAX}x`,
      pass: f.ratio <= FAIRNESS_RATIO_MAX,
      detail: `${fx(f.contended.medianMs, 1)} ms (${f.contended.runs} runs) vs ${fx(f.alone.medianMs, 1)} ms alone (${f.alone.runs} runs)`,
    });
  }
  // Scale (the issue's acceptance): throughput and server CPU per step flat across bursts, history
  // that does not slow new work, memory that does not grow with finished runs, instant list/status.
  const oneTurn = (r.bursts ?? []).filter((b) => b.turns === 0);
  if (oneTurn.length >= 2) {
    const first = oneTurn[0]!;
    const biggest = oneTurn.reduce((a, b) => (b.runs > a.runs ? b : a));
    const thr = biggest.runsPerSec / first.runsPerSec;
    out.push({
      name: `runs/s, ${biggest.runs} runs at once vs ${first.runs}`,
      scope: "scale",
      value: Math.round(thr * 100) / 100,
      limit: ">= 0.8x",
      pass: thr >= 0.8,
      detail: `${fx(biggest.runsPerSec, 0)} vs ${fx(first.runsPerSec, 0)} runs/s`,
    });
    // The same workload at each size (a ten-turn run's step mix costs the server less per step: not comparable).
    const cpus = oneTurn.map((b) => b.serverCpuMsPerStep);
    const spread = Math.max(...cpus) / Math.min(...cpus);
    out.push({
      name: "nats-server CPU per step across the one-turn bursts (highest / lowest)",
      scope: "scale",
      value: Math.round(spread * 100) / 100,
      limit: "<= 1.25x",
      pass: spread <= 1.25,
      detail: oneTurn.map((b) => `${b.runs}: ${fx(b.serverCpuMsPerStep, 3)}`).join(", ") + " ms",
    });
  }
  for (const h of r.stored ?? []) {
    out.push({
      name: `steps/s with ${h.filledMessages} messages of finished runs stored vs fresh`,
      scope: "scale",
      value: h.ratio,
      limit: ">= 0.9x",
      pass: h.ratio >= 0.9,
      detail: `${fx(h.stored.stepsPerSec, 0)} vs ${fx(h.fresh.stepsPerSec, 0)} steps/s`,
    });
    const steady = h.server.steady;
    out.push({
      name: "nats-server RSS growth per finished 10-turn run, archiver running",
      scope: "scale",
      value: steady.rssBytesPerRun,
      limit: "< 1024 B",
      pass: steady.rssBytesPerRun < 1024,
      detail: `${fx(steady.rssMb[0], 1)} → ${fx(steady.rssMb[1], 1)} MB over ${steady.runs} runs; live heap ${fx(steady.heapBytesPerRun, 0)} B per run; stored, not archived: ${fx(h.server.stored.rssBytesPerRun, 0)} B RSS, ${fx(h.server.stored.heapBytesPerRun, 0)} B heap per run`,
    });
  }
  for (const x of r.index ?? []) {
    for (const [what, v] of [
      ["list, 20 newest", x.list20],
      ["list by status", x.listByStatus],
      ["list by metadata", x.listByMeta],
    ] as const) {
      out.push({
        name: `${what}, p50, ${x.runs} runs in the index`,
        scope: "scale",
        value: v.p50,
        limit: "< 50 ms",
        pass: v.p50 < 50,
        detail: `p95 ${fx(v.p95, 1)} ms`,
      });
    }
    out.push({
      name: `status, p50, ${x.runs} runs in the index`,
      scope: "scale",
      value: x.status.p50,
      limit: "< 20 ms",
      pass: x.status.p50 < 20,
      detail: `p95 ${fx(x.status.p95, 1)} ms`,
    });
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
    out.push({
      name: `step cost flat from ${first.turns} to ${last.turns} turns (largest rise of ms per step toward longer runs)`,
      scope: "1 process, default sync",
      value: Math.round(ratio * 100) / 100,
      limit: `<= ${FLATNESS_MAX}x`,
      pass: ratio <= FLATNESS_MAX,
      detail: `${rise ? `largest rise ${rise}; ` : ""}${sc.points.map((p) => `${p.turns} turns: ${fx(p.msPerStep, 3)} ms/step`).join(", ")}`,
    });
  }
  return out;
}

/**
 * Where Cairn's CPU per step goes (breakdown scenario, 1 process, throughput phase): the raw loop,
 * the raw loop's handlers on Cairn's messaging, Cairn's handlers with no messaging, and Cairn. The
 * bound is an estimate: with the CPU saturated, steps/s go as 1 / (CPU per step, server + process),
 * so Cairn could reach at most raw / (raw + Cairn's handlers alone) of the raw loop's throughput
 * even if its messaging cost nothing more than the raw loop's. It leans Cairn's way: the raw
 * loop's CPU includes its V8 background threads, the handlers' only their main thread.
 */
export function breakdown(
  r: Results,
): { rows: string[][]; bound: { ratio: number; rawCpu: number; logicCpu: number; budget: number } } | undefined {
  const raw = find(r, "raw", "embedded", "default");
  const logic = r.logic[0];
  if (!raw || !logic) return undefined;
  const total = (l: LoopRecord): number => Object.values(l.throughput.cpuMsPerStep).reduce((a, b) => a + b, 0);
  const row = (what: string, l: LoopRecord | undefined): string[] =>
    l
      ? [
          what,
          fx(l.throughput.stepsPerSec, 0),
          fx(l.throughput.stepsPerSec / raw.throughput.stepsPerSec) + "x",
          Object.values(l.throughput.cpuMsPerStep)
            .map((v) => fx(v, 3))
            .join(" + "),
          Object.values(l.throughput.mainThreadCpuMsPerStep)
            .map((v) => fx(v, 3))
            .join(" + "),
        ]
      : [what, "not measured", "", "", ""];
  const h = logic.handlerMsPerStep;
  const rows = [
    row("raw loop (consume, publish + server ack, ack)", raw),
    row("raw handlers on Cairn's consume loop and appendOnce", find(r, "raw-cairn-loop", "embedded", "default")),
    [
      "Cairn's handlers alone, no NATS (in-memory log)",
      "",
      "",
      `none + ${fx(logic.cpuMsPerStep, 3)} (planner ${fx(h.planner, 3)}, llm-caller ${fx(h.llmCaller, 3)}, tool-runner ${fx(h.toolRunner, 3)}, submit ${fx(h.submit, 3)})`,
      fx(logic.mainThreadCpuMsPerStep, 3),
    ],
    row("Cairn", find(r, "cairn", "embedded", "default")),
  ];
  // In Cairn's favour: the raw loop's CPU counts its background threads; for Cairn's handlers only the main thread's.
  const rawCpu = total(raw);
  const logicCpu = logic.mainThreadCpuMsPerStep;
  return {
    rows,
    bound: { ratio: rawCpu / (rawCpu + logicCpu), rawCpu, logicCpu, budget: rawCpu * (1 / THROUGHPUT_RATIO_MIN - 1) },
  };
}

function table(head: string[], rows: string[][], right: boolean[]): string {
  const w = head.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  const line = (cells: string[]): string =>
    cells
      .map((c, i) => (right[i] ? c.padStart(w[i]!) : c.padEnd(w[i]!)))
      .join("  ")
      .trimEnd();
  return [line(head), line(w.map((n) => "-".repeat(n))), ...rows.map(line)].join("\n");
}

/** A target's value in the unit of its limit: "x" for a ratio, or the limit's own unit (MB, ms, B). */
function valueWithUnit(t: Target): string {
  const unit = / (MB|ms|B)$/.exec(t.limit)?.[1];
  if (unit === "MB" || unit === "B") return `${fx(t.value, 0)} ${unit}`;
  if (unit === "ms") return `${fx(t.value, 2)} ms`;
  return `${fx(t.value)}x`;
}

export function renderTable(r: Results): string {
  const m = r.meta;
  const out: string[] = [];
  out.push(
    `Cairn benchmark — ${String(m["date"])} — nats-server ${String(m["natsServer"])}, node ${String(m["node"])}, ${String(m["cpus"])} CPUs, load average at start ${JSON.stringify(m["loadAvgAtStart"])}`,
  );
  const git = m["git"] as { commit: string; dirty: boolean } | undefined;
  if (git) out.push(`code: commit ${git.commit}${git.dirty ? " with uncommitted changes" : ""}`);
  out.push(`workload: ${String(m["workload"])}`);
  const opts = m["options"] as { rawStockClient?: boolean } | undefined;
  out.push(
    opts?.rawStockClient
      ? "raw baseline: the stock NATS client (--raw-stock-client): it pays client costs Cairn does not"
      : "raw baseline: the same NATS client settings as Cairn (noAsyncTraces, Cairn's two nats-core fixes)",
  );
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
      Object.values(l.memory.processesMb)
        .map((v) => fx(v, 0))
        .join("+"),
      fx(l.memory.totalPeakMb, 0),
      Object.values(l.throughput.cpuMsPerStep)
        .map((v) => fx(v, 2))
        .join("+"),
      Object.values(l.throughput.mainThreadCpuMsPerStep)
        .map((v) => fx(v, 2))
        .join("+"),
    ]);
    const first = r.loops[0]!;
    out.push(
      `latency: ${first.latency.runs} runs one at a time after ${first.latency.warmup} warm-up; throughput: ${first.throughput.runs} runs submitted at once`,
    );
    out.push(
      "RSS: peak resident set (VmHWM) in MB of nats-server, of each process, and their sum; CPU: ms of CPU per step in the throughput phase, nats-server + each process",
    );
    out.push(
      "main thread: the part of each process's CPU per step on its main thread (the rest: V8's background threads, i.e. optimizing compiles while the code warms up, and concurrent GC)",
    );
    out.push(
      table(
        [
          "system",
          "services",
          "sync",
          "tracing",
          "run ms p50",
          "run ms p95",
          "ms/step",
          "steps/s",
          "runs/s",
          "RSS server",
          "RSS procs",
          "RSS total",
          "CPU ms/step",
          "main thread",
        ],
        rows,
        [false, false, false, false, true, true, true, true, true, true, true, true, false, false],
      ),
    );
    out.push("");
  }
  const withHops = r.loops.filter((l) => l.latency.hops);
  if (withHops.length) {
    // Every kind of step seen, in the order runs take them.
    const kinds: string[] = [];
    for (const l of withHops)
      for (const h of l.latency.hops!.steps)
        if (!kinds.includes(`${h.from} → ${h.to}`)) kinds.push(`${h.from} → ${h.to}`);
    out.push(
      "latency phase, message by message: median ms from one stored message of a run to the next (stream timestamps), and of a run's time outside its messages (submission, end notification)",
    );
    const rows = withHops.map((l) => [
      l.system,
      modeName(l.mode),
      l.sync === "always" ? "always" : "default",
      l.tracing,
      ...kinds.map((k) => {
        const h = l.latency.hops!.steps.find((x) => `${x.from} → ${x.to}` === k);
        return h ? fx(h.medianMs, 3) : "";
      }),
      fx(l.latency.hops!.outsideMedianMs, 2),
    ]);
    out.push(
      table(["system", "services", "sync", "tracing", ...kinds, "outside"], rows, [
        false,
        false,
        false,
        false,
        ...kinds.map(() => true),
        true,
      ]),
    );
    out.push("");
  }
  for (const s of r.scaling) {
    out.push(`scaling (${s.system}, 1 process): ms per step by run length`);
    out.push(
      table(
        ["turns", "steps/run", "runs", "run ms p50", "ms/step"],
        s.points.map((p) => [String(p.turns), String(p.steps), String(p.runs), fx(p.medianMs, 1), fx(p.msPerStep, 3)]),
        [true, true, true, true, true],
      ),
    );
    out.push("");
  }
  if (r.bursts?.length) {
    const base = r.bursts.find((b) => b.turns === 0);
    out.push(
      "scale: bursts submitted at once (512 clients), each on a fresh server after a warm-up; ratios against the first one-turn burst",
    );
    const rows = r.bursts.map((b) => [
      String(b.runs),
      String(b.turns + 1),
      fx(b.runsPerSec, 0),
      fx(b.stepsPerSec, 0),
      base && b.turns === 0 ? `${fx(b.runsPerSec / base.runsPerSec, 2)}x` : "",
      fx(b.serverCpuMsPerStep, 3),
      base ? `${fx(b.serverCpuMsPerStep / base.serverCpuMsPerStep, 2)}x` : "",
      fx(b.memory.natsServerMb, 0),
      Object.values(b.memory.processesMb)
        .map((v) => fx(v, 0))
        .join("+"),
    ]);
    out.push(
      table(
        ["runs", "turns", "runs/s", "steps/s", "vs first", "server CPU ms/step", "vs first", "RSS server", "RSS procs"],
        rows,
        [true, true, true, true, true, true, true, true, true],
      ),
    );
    out.push("");
  }
  for (const h of r.stored ?? []) {
    out.push(
      `scale: ${h.filledMessages} messages of ${h.filledRuns} finished ten-turn runs stored, then archived (${h.archive.runs} runs in ${fx(h.archive.ms / 1000, 1)} s: ${fx(h.archive.runsPerSec, 0)} runs/s)`,
    );
    out.push(
      table(
        [
          "history",
          "steps/s (one-turn burst)",
          "vs fresh",
          "server RSS MB",
          "server heap MB",
          "RSS / finished run",
          "heap / finished run",
        ],
        [
          [
            "fresh stream",
            fx(h.fresh.stepsPerSec, 0),
            "",
            fx(h.server.base.rssMb, 1),
            fx(h.server.base.heapMb, 1),
            "",
            "",
          ],
          [
            "stored",
            fx(h.stored.stepsPerSec, 0),
            `${fx(h.ratio, 2)}x`,
            fx(h.server.stored.rssMb, 1),
            fx(h.server.stored.heapMb, 1),
            `${fx(h.server.stored.rssBytesPerRun, 0)} B`,
            `${fx(h.server.stored.heapBytesPerRun, 0)} B`,
          ],
          [
            "archived",
            fx(h.archived.stepsPerSec, 0),
            `${fx(h.archivedRatio, 2)}x`,
            fx(h.server.archived.rssMb, 1),
            fx(h.server.archived.heapMb, 1),
            `${fx(h.server.archived.rssBytesPerRun, 0)} B`,
            `${fx(h.server.archived.heapBytesPerRun, 0)} B`,
          ],
          [
            `steady (archiver running, ${h.server.steady.runs} runs)`,
            "",
            "",
            `${fx(h.server.steady.rssMb[0], 1)} → ${fx(h.server.steady.rssMb[1], 1)}`,
            `${fx(h.server.steady.heapMb[0], 1)} → ${fx(h.server.steady.heapMb[1], 1)}`,
            `${fx(h.server.steady.rssBytesPerRun, 0)} B`,
            `${fx(h.server.steady.heapBytesPerRun, 0)} B`,
          ],
        ],
        [false, true, true, true, true, true, true],
      ),
    );
    out.push(
      `services' RSS at the end: ${Object.entries(h.servicesRssMb)
        .map(([k, v]) => `${k} ${fx(v, 0)} MB`)
        .join(", ")}`,
    );
    out.push("");
  }
  for (const x of r.index ?? []) {
    out.push(
      `scale: the runs index with ${x.runs} runs (written in ${fx(x.fillMs / 1000, 0)} s); API latency through NATS, ms (p50 / p95)`,
    );
    out.push(
      table(
        ["call", "p50 ms", "p95 ms"],
        [
          ["list: 20 newest", fx(x.list20.p50, 2), fx(x.list20.p95, 2)],
          ["list: 20 newest failed (10% of runs)", fx(x.listByStatus.p50, 2), fx(x.listByStatus.p95, 2)],
          ["list: 20 newest with team=tN (10%)", fx(x.listByMeta.p50, 2), fx(x.listByMeta.p95, 2)],
          ["status of a run", fx(x.status.p50, 2), fx(x.status.p95, 2)],
        ],
        [false, true, true],
      ),
    );
    out.push(`nats-server RSS: ${fx(x.serverRssMb, 0)} MB`);
    out.push("");
  }
  if (r.fairness?.length) {
    const f0 = r.fairness[0]!;
    out.push(
      `fairness: a 2-call run's end-to-end time alone (before and after the big runs), and submitted while a ${f0.calls}-call run of the same tool fans out (between its first and last tool result); window: the big run's in-flight limit (default: the planner's, the agent sets none; off: all ${f0.calls} calls at once)`,
    );
    out.push(
      table(
        [
          "services",
          "window",
          "alone p50",
          "alone p95",
          "runs",
          "during fan-out p50",
          "p95",
          "max",
          "runs",
          "ratio",
          "fan-out ms",
          "calls/s",
          "big run ms",
        ],
        r.fairness.map((f) => [
          modeName(f.mode),
          f.window,
          fx(f.alone.medianMs, 1),
          fx(f.alone.p95Ms, 1),
          String(f.alone.runs),
          fx(f.contended.medianMs, 1),
          fx(f.contended.p95Ms, 1),
          fx(f.contended.maxMs, 1),
          String(f.contended.runs),
          fx(f.ratio) + "x",
          fx(f.fanOut.medianMs, 0),
          fx(f.fanOut.callsPerSec, 0),
          fx(f.fanOut.runMedianMs, 0),
        ]),
        [false, false, true, true, true, true, true, true, true, true, true, true, true],
      ),
    );
    out.push("");
  }
  const bd = breakdown(r);
  if (bd) {
    out.push(`breakdown (1 process, ${r.logic[0]!.runs} runs at once): where Cairn's CPU per step goes`);
    out.push(
      table(["", "steps/s", "vs raw", "CPU ms/step (server + process)", "main thread"], bd.rows, [
        false,
        true,
        true,
        false,
        false,
      ]),
    );
    const b = bd.bound;
    out.push(
      `estimate: with the CPU saturated, steps/s go as 1 / CPU per step; the raw loop's is ${fx(b.rawCpu, 3)} ms (server + process) and Cairn's handlers alone take ${fx(b.logicCpu, 3)} ms on the main thread,` +
        ` so even with messaging that cost no more than the raw loop's Cairn would reach at most ${fx(b.rawCpu, 3)} / ${fx(b.rawCpu + b.logicCpu, 3)} = ${fx(b.ratio)}x the raw loop's throughput;` +
        ` ${THROUGHPUT_RATIO_MIN}x would need the handlers to take at most ${fx(b.budget, 3)} ms per step`,
    );
    out.push("");
  }
  for (const t of tracingOverhead(r)) {
    out.push(
      `tracing exporting vs off (${modeName(t.mode)}): latency per step ${fx(t.latencyRatio)}x, throughput ${fx(t.throughputRatio)}x` +
        (t.exported
          ? ` — the OTLP sink received ${t.exported.requests} export requests, ${fx(t.exported.bytes / 1024 / 1024, 1)} MB`
          : ""),
    );
  }
  for (const n of r.notMeasured) out.push(`${n.what}: ${n.reason}`);
  out.push("");
  out.push("targets:");
  for (const t of r.targets)
    out.push(
      `  ${t.pass ? "PASS" : "MISS"}  ${t.name} (${t.scope}): ${valueWithUnit(t)}, target ${t.limit} — ${t.detail}`,
    );
  if (!r.targets.length) out.push("  (none evaluated: run the scenarios they need)");
  return out.join("\n") + "\n";
}
