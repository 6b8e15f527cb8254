import { Kvm } from "@nats-io/kv";
import { CairnClient } from "@cairn/client";
import { decode, encode, type RunApproval, type RunSubmitted, type ToolRegistration } from "@cairn/protocol";
import { appendOnce, CrashPoints, PayloadStore, startWorkQueue, openBus, type NatsConnection, type RunningConsumer, type RunningService } from "@cairn/bus";
import { builtinTools, loadToolModule, ToolRegistry, type ToolDefinition } from "@cairn/tools";
import type { Logger } from "@cairn/telemetry";
import type { ToolRunnerConfig } from "./config.js";
import { createToolHandler } from "./handler.js";

export interface ToolRunnerDeps {
  log: Logger;
  nc?: NatsConnection;
  /** Tools to serve in addition to the built-ins and configured modules. */
  tools?: ToolDefinition<any>[];
}


/** Built-ins (file tools, sleep; http_fetch and shell when enabled) plus user tool modules. */
export async function configuredTools(config: ToolRunnerConfig, extra: ToolDefinition<any>[] = []): Promise<ToolDefinition<any>[]> {
  const tools: ToolDefinition<any>[] = [...builtinTools({ httpAllowHosts: config.httpAllowHosts, shellEnabled: config.shellEnabled, subAgents: config.subAgents }), ...extra];
  for (const m of config.toolModules) tools.push(...(await loadToolModule(m)));
  if (!config.serveTools.length) return tools;
  const missing = config.serveTools.filter((n) => !tools.some((t) => t.name === n));
  if (missing.length) throw new Error(`CAIRN_TOOLS names tools this tool-runner does not have: ${missing.join(", ")} (have: ${tools.map((t) => t.name).join(", ")})`);
  return tools.filter((t) => config.serveTools.includes(t.name));
}

/** max_ack_pending of a tool's consumer when CAIRN_TOOL_LIMITS names no limit for it. */
export const DEFAULT_MAX_IN_FLIGHT = 10_000;

/**
 * Starts a tool-runner instance on the durable `tool_<name>` consumers of its tools (made by `cairn
 * provision`) and registers its tools' specs in the tool registry. Start more processes to share
 * the work: they pull from the same consumers, with no further configuration.
 */
export async function startToolRunner(config: ToolRunnerConfig, deps: ToolRunnerDeps): Promise<RunningService> {
  const log = deps.log;
  const registry = new ToolRegistry(await configuredTools(config, deps.tools));
  const bus = await openBus(config, { name: `cairn-tool-runner ${config.instance}`, log, payloads: true, ...(deps.nc ? { nc: deps.nc } : {}) });
  const { subjects, js, jsm, nc } = bus;
  const toolsKv = await new Kvm(nc).open(subjects.toolsBucket);
  const at = new Date().toISOString();
  for (const spec of registry.specs()) {
    const reg: ToolRegistration = { v: 1, name: spec.name, description: spec.description, inputSchema: spec.inputSchema, registeredAt: at, registeredBy: config.instance };
    if (registry.get(spec.name)?.requiresApproval) reg.requiresApproval = true;
    await toolsKv.put(spec.name, encode(reg));
  }
  const crash = new CrashPoints(config.crashAt, log);
  // Cancel signals are events in the stream; a core subscription sees them as they are written,
  // so a tool in flight for a cancelled run gets its AbortSignal at once.
  const cancels = new Map<string, Set<(reason: unknown) => void>>();
  const cancelSub = nc.subscribe(`${subjects.prefix}.run.*.evt.signal.cancel`, {
    callback: (_err, msg) => {
      const runId = subjects.parse(msg.subject)?.runId;
      const watchers = runId ? cancels.get(runId) : undefined;
      if (watchers && runId) {
        log.info({ runId, calls: watchers.size }, "run cancelled: aborting its tool calls in flight");
        cancels.delete(runId);
        for (const abort of watchers) abort(new Error("run cancelled"));
      }
    },
  });
  const watchCancel = (runId: string, onCancel: (reason: unknown) => void) => {
    let watchers = cancels.get(runId);
    if (!watchers) cancels.set(runId, (watchers = new Set()));
    watchers.add(onCancel);
    const mine = watchers;
    return () => {
      mine.delete(onCancel);
      if (mine.size === 0 && cancels.get(runId) === mine) cancels.delete(runId);
    };
  };
  const runs = await CairnClient.connect({ nc, prefix: subjects.prefix });
  const payloads = new PayloadStore(js, jsm, subjects);
  // A run's submission never changes: kept for the runs this runner works on (bounded, oldest out).
  const submissions = new Map<string, RunSubmitted>();
  const submission = async (runId: string): Promise<RunSubmitted | undefined> => {
    const hit = submissions.get(runId);
    if (hit) return hit;
    const m = await jsm.direct.getMessage(subjects.stream, { last_by_subj: subjects.submitted(runId) });
    const d = m ? decode<RunSubmitted>("RunSubmitted", m.data) : undefined;
    if (!d?.ok || d.value.runId !== runId) return undefined;
    if (submissions.size >= 1_000) submissions.delete(submissions.keys().next().value!);
    submissions.set(runId, d.value);
    return d.value;
  };
  const handle = createToolHandler({
    watchCancel,
    payloads,
    largePayloadBytes: Math.min(config.largePayloadBytes, Math.floor(config.maxMessageBytes / 2)),
    startChildRun: async (parent) => (await runs.spawn(parent)).runId,
    subjects,
    registry,
    // Asked of the stream leader (not Direct Get, which a lagging replica may answer): a recorded result is never missed.
    exists: async (subject) => (await jsm.streams.getMessage(subjects.stream, { last_by_subj: subject })) !== null,
    submission,
    // Asked of the stream leader too: an approval just recorded is never missed.
    approval: async (runId, turn, index) => {
      const m = await jsm.streams.getMessage(subjects.stream, { last_by_subj: subjects.approval(runId, turn, index) });
      const d = m ? decode<RunApproval>("RunApproval", m.data) : undefined;
      return d?.ok ? d.value : undefined;
    },
    append: (subject, data) => appendOnce(js, subject, data),
    crash,
    retry: { maxAttempts: config.maxAttempts, initialDelayMs: config.retryInitialDelayMs, maxDelayMs: 60_000, multiplier: 2 },
    timeoutMs: config.timeoutMs,
    maxMessageBytes: config.maxMessageBytes,
    workspaceRoot: config.workspaceRoot,
    log,
    now: () => Date.now(),
  });
  // One durable consumer per tool (tool_<name>): runners serving the tool share it, calls to a
  // tool no live runner serves wait in it, and its max_ack_pending is the tool's global limit.
  const consumers: RunningConsumer[] = [];
  for (const tool of registry.names()) {
    consumers.push(
      await startWorkQueue({
        js,
        jsm,
        stream: subjects.stream,
        durable: subjects.toolConsumer(tool),
        filters: [subjects.toolCommands(tool)],
        concurrency: config.concurrency,
        config,
        crash,
        handle,
        log,
      }),
    );
  }
  log.info({ prefix: subjects.prefix, tools: registry.names(), concurrency: config.concurrency }, "tool-runner started");
  return {
    async stop() {
      cancelSub.unsubscribe();
      await Promise.all(consumers.map((c) => c.stop()));
      await bus.close();
      log.info("tool-runner stopped");
    },
  };
}
