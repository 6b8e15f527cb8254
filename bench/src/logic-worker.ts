/**
 * Cairn's own per-step work with NATS taken out: the services' real handlers — the planner's
 * (`createPlannerHandler`, and `createApi().submit` for the submission), the llm-caller's
 * (`createLlmHandler`, scripted model) and the tool-runner's (`createToolHandler`, the benchmark's
 * noop tool) — drive the benchmark's runs over a log kept in this process's memory. Everything
 * those handlers do runs: decoding and checking each message against its schema, folding the run
 * (`applyEntry`), deciding (`decide`), building and hashing the prompt, the model, the tool call
 * with its time limit and abort signal, encoding the results, logging at the services' level.
 * What does not run is the messaging: no consume loop, no publish, no ack, no socket; the fold
 * cache is a plain map (the services' `RunHistory`, which reads from the stream, is not used).
 *
 * Started as a child process by the benchmark (a fresh V8, like a service), it follows the
 * benchmark's phases: LOGIC_WARMUP runs one at a time, LOGIC_SEQUENTIAL more one at a time (the
 * latency phase: the time inside the handlers per step), then LOGIC_RUNS runs interleaved
 * (messages handled in arrival order, as a queue would hand them over: the throughput phase). It
 * prints one JSON line: for the interleaved part, CPU per step in all and on the main thread and
 * the time inside each handler; for the sequential part, the time inside the handlers per step.
 */
import { tmpdir } from "node:os";
import { join } from "node:path";
import { decode, Subjects, type RunSubmitted, type ToolRegistration, type HistoryEntry } from "@cairn/protocol";
import { applyEntry, emptyRun, type Applied, type RunState } from "@cairn/runtime";
import { createApi, createPlannerHandler, OPERATOR, parseAgents } from "@cairn/planner";
import { createLlmHandler } from "@cairn/llm-caller";
import { createToolHandler } from "@cairn/tool-runner";
import { createScriptedProvider } from "@cairn/providers";
import { ToolRegistry } from "@cairn/tools";
import { createLogger } from "@cairn/telemetry";
import type { AppendResult, Disposition, WorkContext } from "@cairn/bus";
import { stepsPerRun } from "./measure.js";
import { mainThreadCpuMsOf } from "./procs.js";
import { noop } from "./tool.js";

const env = process.env;
const turns = Number(env["LOGIC_TURNS"] ?? 10);
const warmup = Number(env["LOGIC_WARMUP"] ?? 3);
const sequential = Number(env["LOGIC_SEQUENTIAL"] ?? 20);
const runs = Number(env["LOGIC_RUNS"] ?? 200);

const subjects = new Subjects("logic");
// The services' logger at the services' level, writing where a service's log goes (here: nowhere kept).
const log = createLogger({ service: "cairn-logic", level: env["LOG_LEVEL"] ?? "info", destination: "/dev/null" });
const script = {
  turns: [
    ...Array.from({ length: turns }, (_, i) => ({
      content: "step",
      toolCalls: [{ name: "noop", arguments: { i: i + 1 } }],
    })),
    { content: "done" },
  ],
};
const agents = parseAgents(
  JSON.stringify({
    default: "bench",
    agents: {
      bench: {
        provider: "scripted",
        model: "bench",
        systemPrompt: "benchmark agent",
        tools: ["noop"],
        maxTurns: turns + 1,
      },
    },
  }),
  "logic benchmark agents",
);
const registry = new ToolRegistry([noop]);
const spec = registry.specs()[0]!;
const registration: ToolRegistration = {
  v: 1,
  name: spec.name,
  description: spec.description,
  inputSchema: spec.inputSchema,
  registeredAt: new Date().toISOString(),
  registeredBy: "logic",
};

/** The log: every message in order, and each run's events (what the folds read). */
const byRun = new Map<string, HistoryEntry[]>();
const subjectsTaken = new Set<string>();
const queue: HistoryEntry[] = [];
let seq = 0;
let appended = 0;

// The planner's LLM commands also carry history hints (headers): not kept, see `handle`.
const append = (subject: string, data: Uint8Array): Promise<AppendResult> => {
  // The stream's written-once rule.
  if (subjectsTaken.has(subject)) return Promise.resolve({ seq: 0, duplicate: true });
  subjectsTaken.add(subject);
  const e: HistoryEntry = { seq: ++seq, subject, data, time: new Date().toISOString() };
  // <prefix>.run.<runId>.…: the prefix has no dots (kept cheap: this is the harness, not Cairn).
  const from = subject.indexOf(".run.") + 5;
  const runId = subject.slice(from, subject.indexOf(".", from));
  if (subject.includes(".evt.")) {
    let l = byRun.get(runId);
    if (!l) byRun.set(runId, (l = []));
    l.push(e);
  }
  queue.push(e);
  appended++;
  return Promise.resolve({ seq: e.seq, duplicate: false });
};

/** Folded states per run and service, caught up from the in-memory log (what RunHistory does from the stream). */
function foldCache(): {
  foldTo(runId: string, upTo: number): { state: RunState; applied: Applied | undefined };
  forget(runId: string): void;
} {
  const states = new Map<string, { state: RunState; next: number }>();
  return {
    foldTo(runId, upTo) {
      let c = states.get(runId);
      if (!c) states.set(runId, (c = { state: emptyRun(runId), next: 0 }));
      const events = byRun.get(runId) ?? [];
      let applied: Applied | undefined;
      while (c.next < events.length && events[c.next]!.seq <= upTo) {
        const e = events[c.next++]!;
        const a = applyEntry(c.state, e, subjects);
        if (e.seq === upTo) applied = a;
      }
      return { state: c.state, applied };
    },
    forget: (runId) => void states.delete(runId),
  };
}

const planned = foldCache();
const called = foldCache();
const crash = { hit: (): void => undefined };
const retry = { maxAttempts: 5, initialDelayMs: 250, maxDelayMs: 60_000, multiplier: 2 };
const maxMessageBytes = 1024 * 1024;

const api = createApi({
  subjects,
  agents,
  lookupTools: (names) =>
    Promise.resolve(new Map(names.filter((n) => n === registration.name).map((n) => [n, registration]))),
  append,
  readEvents: (runId) => Promise.resolve(byRun.get(runId) ?? []),
  readLog: async function* (runId, fromSeq) {
    for (const e of byRun.get(runId) ?? []) if (e.seq >= fromSeq) yield e;
  },
  index: {
    get: () => Promise.resolve(undefined),
    newest: () => Promise.resolve({ runs: [], next: undefined, examined: 0 }),
  },
  hasEnded: () => Promise.resolve(false),
  missingWorkQueues: () => Promise.resolve([]),
  workerAvailable: () => Promise.resolve(true),
  now: () => new Date(),
  log,
});
const planner = createPlannerHandler({
  subjects,
  history: {
    foldTo: (runId, s) => Promise.resolve(planned.foldTo(runId, s)),
    forget: (runId) => planned.forget(runId),
  },
  append,
  // The runs index is a KV write in the service: messaging, not measured here.
  index: { submitted: () => Promise.resolve(true), changed: () => Promise.resolve(), progress: () => undefined },
  crash,
  log,
  maxMessageBytes,
});
const llm = createLlmHandler({
  subjects,
  providers: new Map([["scripted", createScriptedProvider({ scripts: { bench: script } })]]),
  foldTo: (runId, s) => Promise.resolve(called.foldTo(runId, s).state),
  exists: (subject) => Promise.resolve(subjectsTaken.has(subject)),
  append,
  crash,
  retry,
  timeoutMs: 60_000,
  largePayloadBytes: maxMessageBytes,
  maxMessageBytes,
  forget: (runId) => called.forget(runId),
  log,
  now: () => Date.now(),
});
const tool = createToolHandler({
  subjects,
  registry,
  exists: (subject) => Promise.resolve(subjectsTaken.has(subject)),
  // The run's submission from the in-memory log, as the service reads it with a Direct Get.
  submission: (runId) => {
    const e = byRun.get(runId)?.find((x) => x.subject === subjects.submitted(runId));
    const d = e ? decode<RunSubmitted>("RunSubmitted", e.data) : undefined;
    return Promise.resolve(d?.ok ? d.value : undefined);
  },
  approval: () => Promise.resolve(undefined),
  append,
  // (the benchmark's tools declare no effect: no start markers are read)
  stored: () => Promise.resolve(undefined),
  crash,
  retry,
  timeoutMs: 60_000,
  maxMessageBytes,
  workspaceRoot: join(tmpdir(), "cairn-logic-workspaces"),
  largePayloadBytes: maxMessageBytes,
  watchCancel: () => () => undefined,
  log,
  now: () => Date.now(),
});

const shutdown = new AbortController();
const ctx: WorkContext = { signal: shutdown.signal, heartbeat: () => undefined };
const spent = { planner: 0, llm: 0, tool: 0, submit: 0 };
const handled = { planner: 0, llm: 0, tool: 0 };
let ended = 0;

async function handle(e: HistoryEntry): Promise<void> {
  const t0 = performance.now();
  let d: Disposition;
  let who: keyof typeof handled;
  if (e.subject.includes(".evt.")) {
    who = "planner";
    d = await planner({ subject: e.subject, seq: e.seq, deliveries: 1, data: e.data });
    if (e.subject.endsWith(".evt.ended")) ended++;
  } else if (e.subject.includes(".cmd.llm.")) {
    who = "llm";
    // No history hint: the fold here reads the in-memory log, which is what the hint saves reads of.
    d = await llm({ subject: e.subject, seq: e.seq, deliveries: 1, data: e.data }, ctx);
  } else {
    who = "tool";
    d = await tool({ subject: e.subject, seq: e.seq, deliveries: 1, data: e.data, issuedAt: Date.parse(e.time) }, ctx);
  }
  if (!("ack" in d)) throw new Error(`${who} did not ack ${e.subject}: ${JSON.stringify(d)}`);
  spent[who] += performance.now() - t0;
  handled[who]++;
}

async function submit(): Promise<void> {
  const t0 = performance.now();
  const r = await api.submit({ v: 1, task: "benchmark task" }, OPERATOR);
  if ("error" in r) throw new Error(`submit failed: ${r.error.message}`);
  spent.submit += performance.now() - t0;
}

async function drain(): Promise<void> {
  for (let e = queue.shift(); e; e = queue.shift()) await handle(e);
}

const reset = (): number => {
  const sum = spent.planner + spent.llm + spent.tool + spent.submit;
  for (const k of Object.keys(spent) as (keyof typeof spent)[]) spent[k] = 0;
  for (const k of Object.keys(handled) as (keyof typeof handled)[]) handled[k] = 0;
  return sum;
};
for (let i = 0; i < warmup + sequential; i++) {
  if (i === warmup) reset();
  await submit();
  await drain();
}
if (ended !== warmup + sequential) throw new Error(`${warmup + sequential - ended} runs one at a time did not end`);
const sequentialMs = reset();
const endedBefore = ended;
const cpu0 = process.cpuUsage();
const main0 = mainThreadCpuMsOf(process.pid);
const t0 = performance.now();
for (let i = 0; i < runs; i++) await submit();
await drain();
const elapsed = performance.now() - t0;
const cpu = process.cpuUsage(cpu0);
const main1 = mainThreadCpuMsOf(process.pid);
if (ended - endedBefore !== runs) throw new Error(`${runs - (ended - endedBefore)} runs did not end`);
const steps = runs * stepsPerRun(turns);
const r4 = (x: number): number => Math.round(x * 10_000) / 10_000;
process.stdout.write(
  JSON.stringify({
    turns,
    runs,
    steps,
    elapsedMs: Math.round(elapsed),
    cpuMsPerStep: r4((cpu.user + cpu.system) / 1000 / steps),
    mainThreadCpuMsPerStep: r4((main1 - main0) / steps),
    // Time inside each handler (a handler's awaits resolve at once here: its time is its CPU).
    sequentialHandlerMsPerStep: r4(sequentialMs / (sequential * stepsPerRun(turns))),
    handlerMsPerStep: {
      planner: r4(spent.planner / steps),
      llmCaller: r4(spent.llm / steps),
      toolRunner: r4(spent.tool / steps),
      submit: r4(spent.submit / steps),
    },
    messages: { events: handled.planner, llmCommands: handled.llm, toolCommands: handled.tool, appended },
  }) + "\n",
);
