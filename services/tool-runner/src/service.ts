import { lstat, mkdir, rm, stat } from "node:fs/promises";
import { join } from "node:path";
import { Kvm } from "@nats-io/kv";
import { CairnClient } from "@cairn/client";
import {
  decode,
  encode,
  isToken,
  type RunApproval,
  type RunSignal,
  type RunSubmitted,
  type ToolRegistration,
} from "@cairn/protocol";
import { appendOnce, isReflected, PayloadStore, type NatsConnection, type RunningService } from "@cairn/bus";
import {
  builtinTools,
  loadToolModule,
  ToolRegistry,
  type BuiltinToolOptions,
  type ShellSandbox,
  type ToolDefinition,
} from "@cairn/tools";
import { listMcpTools, startMcpTools, type McpTools } from "@cairn/mcp";
import type { Logger } from "@cairn/telemetry";
import type { ToolRunnerConfig } from "./config.js";
import { createToolHandler } from "./handler.js";
import { CrashPoints, openBus, startWorkQueues, workerRetryPolicy } from "@cairn/worker";

export interface ToolRunnerDeps {
  log: Logger;
  nc?: NatsConnection;
  /** Tools to serve in addition to the built-ins and configured modules. */
  tools?: ToolDefinition<any>[];
}

/** The sandbox the shell tool runs commands in (logged at start). */
export type ShellSandboxInfo = ShellSandbox;

/**
 * Built-ins (file tools, sleep; http_fetch and shell when enabled), user tool modules, and the
 * configured MCP servers' tools. With `onShellSandbox`, an enabled shell tool picks its sandbox now
 * and throws when there is none (a tool-runner starting); without, the tools are only listed
 * (provisioning) and nothing is checked. `mcp`: the MCP tools of a starting tool-runner (connected);
 * without, they are listed (listMcpTools: a server whose configuration names its tools is not started).
 */
export async function configuredTools(
  config: ToolRunnerConfig,
  extra: ToolDefinition<any>[] = [],
  opts: { onShellSandbox?: (sandbox: ShellSandboxInfo) => void; mcp?: ToolDefinition<any>[] } = {},
): Promise<ToolDefinition<any>[]> {
  const shellSandbox: BuiltinToolOptions["shellSandbox"] = {
    kind: config.shellSandbox,
    network: config.shellNetwork,
    lazy: !opts.onShellSandbox,
    ...(opts.onShellSandbox ? { report: opts.onShellSandbox } : {}),
  };
  const builtins = builtinTools({
    httpAllowHosts: config.httpAllowHosts,
    httpAllowPrivate: config.httpAllowPrivate,
    shellEnabled: config.shellEnabled,
    shellSandbox,
    workspaceQuotaBytes: config.workspaceQuotaBytes,
    subAgents: config.subAgents,
  });
  const tools: ToolDefinition<any>[] = [...builtins, ...extra];
  for (const m of config.toolModules) tools.push(...(await loadToolModule(m)));
  if (opts.mcp) tools.push(...opts.mcp);
  else if (config.mcpServers) tools.push(...(await listMcpTools(config.mcpServers)));
  if (!config.serveTools.length) return tools;
  const missing = config.serveTools.filter((n) => !tools.some((t) => t.name === n));
  if (missing.length)
    throw new Error(
      `CAIRN_TOOLS names tools this tool-runner does not have: ${missing.join(", ")} (have: ${tools.map((t) => t.name).join(", ")})`,
    );
  return tools.filter((t) => config.serveTools.includes(t.name));
}

/**
 * Removes a purged run's workspace, `<root>/<runId>` (idempotent: false when there was none). The
 * run has ended, and with the setpriv sandbox's PID namespaces none of its commands is left running.
 */
export async function removeRunWorkspace(root: string, runId: string): Promise<boolean> {
  if (!isToken(runId)) return false;
  const dir = join(root, runId);
  const there = await lstat(dir).then(
    () => true,
    () => false,
  );
  if (there) await rm(dir, { recursive: true, force: true, maxRetries: 2 });
  return there;
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
  // The shell tool's sandbox is picked (and checked) here: without one, the runner does not start.
  let sandbox: ShellSandboxInfo | undefined;
  let tools: ToolDefinition<any>[];
  // MCP servers' tools: their connections live as long as the tool-runner (see stop).
  let mcp: McpTools | undefined;
  try {
    if (config.mcpServers) mcp = await startMcpTools(config.mcpServers, { log });
    tools = await configuredTools(config, deps.tools, { onShellSandbox: (s) => (sandbox = s), mcp: mcp?.tools ?? [] });
  } catch (err) {
    await mcp?.close();
    log.error({ err: err instanceof Error ? err.message : String(err) }, "tool-runner cannot start");
    throw err;
  }
  try {
    return await serve(config, deps, tools, sandbox, mcp);
  } catch (err) {
    await mcp?.close();
    throw err;
  }
}

async function serve(
  config: ToolRunnerConfig,
  deps: ToolRunnerDeps,
  tools: ToolDefinition<any>[],
  sandbox: ShellSandboxInfo | undefined,
  mcp: McpTools | undefined,
): Promise<RunningService> {
  const log = deps.log;
  if (sandbox?.kind === "setpriv") {
    // Each run's workspace belongs to its own uid; one who could add entries to the root could
    // create another run's workspace before it, and own it.
    await mkdir(config.workspaceRoot, { recursive: true, mode: 0o711 });
    const mode = (await stat(config.workspaceRoot)).mode & 0o7777;
    if (mode & 0o022) {
      const msg = `the shell sandbox needs a workspace root only the tool-runner may write, and CAIRN_WORKSPACE_ROOT (${config.workspaceRoot}) has mode ${mode.toString(8)}: chmod go-w it (0711 keeps the runs from listing each other), or point CAIRN_WORKSPACE_ROOT elsewhere`;
      log.error({ workspaceRoot: config.workspaceRoot }, `tool-runner cannot start: ${msg}`);
      throw new Error(msg);
    }
  }
  if (sandbox) {
    log.info(
      {
        sandbox: sandbox.kind,
        binary: sandbox.binary,
        pidNamespace: sandbox.pidNamespace,
        fileSizeLimit: sandbox.fileSizeLimit,
        workspaceQuotaBytes: sandbox.quotaBytes,
      },
      `shell sandbox: ${sandbox.description}`,
    );
  }
  const registry = new ToolRegistry(tools);
  const bus = await openBus(config, {
    name: `cairn-tool-runner ${config.instance}`,
    log,
    payloads: true,
    ...(deps.nc ? { nc: deps.nc } : {}),
  });
  const { subjects, js, jsm, nc } = bus;
  const toolsKv = await new Kvm(nc).open(subjects.toolsBucket);
  const at = new Date().toISOString();
  for (const spec of registry.specs()) {
    const reg: ToolRegistration = {
      v: 1,
      name: spec.name,
      description: spec.description,
      inputSchema: spec.inputSchema,
      registeredAt: at,
      registeredBy: config.instance,
    };
    if (registry.get(spec.name)?.requiresApproval) reg.requiresApproval = true;
    await toolsKv.put(spec.name, encode(reg));
  }
  const crash = new CrashPoints(config.crashAt, log);
  // Cancel signals are events in the stream; a core subscription sees them as they are written,
  // so a tool in flight for a cancelled run gets its AbortSignal at once.
  const cancels = new Map<string, Set<(reason: unknown) => void>>();
  // A message on this subject is only a hint (anyone in the account can make JetStream send a
  // response to any subject): the cancel is acted on only once the run's log holds it.
  const cancelled = async (runId: string): Promise<boolean> => {
    const m = await jsm.streams.getMessage(subjects.stream, { last_by_subj: subjects.signal(runId, "cancel") });
    if (!m || isReflected(m.header, 0)) return false;
    const d = decode<RunSignal>("RunSignal", m.data);
    return d.ok && d.value.runId === runId && d.value.signal === "cancel";
  };
  // The stream's republished copy of each stored cancel (`<p>.tap.<runId>.evt.signal.cancel`).
  const cancelSub = nc.subscribe(subjects.signalTap("cancel"), {
    callback: (_err, msg) => {
      const runId = msg.subject.split(".")[subjects.prefix.split(".").length + 1];
      if (!runId || !cancels.has(runId)) return;
      void cancelled(runId).then(
        (yes) => {
          const watchers = cancels.get(runId);
          if (!yes || !watchers) return;
          log.info({ runId, calls: watchers.size }, "run cancelled: aborting its tool calls in flight");
          cancels.delete(runId);
          for (const abort of watchers) abort(new Error("run cancelled"));
        },
        (e: unknown) =>
          log.warn(
            { runId, err: e instanceof Error ? e.message : String(e) },
            "could not check a cancel signal against the log",
          ),
      );
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
  // `cairn purge` of a run notifies every tool-runner (plain NATS, from wherever it runs): each
  // removes the run's workspace under its own root. Best effort: a runner that is down keeps it.
  const purgedHead = subjects.purged("*").slice(0, -1);
  let purgeDenied = false;
  const purgeSub = nc.subscribe(subjects.purged("*"), {
    callback: (err, msg) => {
      if (err) {
        if (!purgeDenied)
          log.warn(
            { err: err.message, subject: subjects.purged("*") },
            "cannot hear purge notifications: purged runs' workspaces stay (allow this user to subscribe to the subject)",
          );
        purgeDenied = true;
        return;
      }
      const runId = msg.subject.slice(purgedHead.length);
      if (!isToken(runId)) return;
      // Only a hint (see the cancel subscription): the workspace goes once the run's log is gone.
      jsm.streams
        .getMessage(subjects.stream, { last_by_subj: subjects.submitted(runId) })
        .then((m) => (m ? false : removeRunWorkspace(config.workspaceRoot, runId)))
        .then(
          (removed) => {
            if (removed) log.info({ runId }, "run purged: its workspace is removed");
          },
          (e: unknown) =>
            log.warn(
              { runId, err: e instanceof Error ? e.message : String(e) },
              "run purged: its workspace could not be removed",
            ),
        );
    },
  });
  const runs = await CairnClient.connect({ nc, prefix: subjects.prefix });
  const payloads = new PayloadStore(js, jsm, subjects);
  // A run's submission never changes: kept for the runs this runner works on (bounded, oldest out).
  const submissions = new Map<string, RunSubmitted>();
  const submission = async (runId: string): Promise<RunSubmitted | undefined> => {
    const hit = submissions.get(runId);
    if (hit) return hit;
    const m = await jsm.direct.getMessage(subjects.stream, { last_by_subj: subjects.submitted(runId) });
    const d = m && !isReflected(m.header, 1) ? decode<RunSubmitted>("RunSubmitted", m.data) : undefined;
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
    approval: async (runId, turn, index, round) => {
      const subject =
        round === undefined
          ? subjects.approval(runId, turn, index)
          : subjects.ambiguityApproval(runId, turn, index, round);
      const m = await jsm.streams.getMessage(subjects.stream, { last_by_subj: subject });
      const d = m && !isReflected(m.header, 0) ? decode<RunApproval>("RunApproval", m.data) : undefined;
      return d?.ok ? d.value : undefined;
    },
    append: (subject, data) => appendOnce(js, subject, data),
    stored: async (subject) => {
      const m = await jsm.streams.getMessage(subjects.stream, { last_by_subj: subject });
      return m ? { data: m.data, time: m.time.getTime() } : undefined;
    },
    crash,
    retry: workerRetryPolicy(config.maxAttempts, config.retryInitialDelayMs),
    timeoutMs: config.timeoutMs,
    maxMessageBytes: config.maxMessageBytes,
    workspaceRoot: config.workspaceRoot,
    log,
    now: () => Date.now(),
  });
  // One durable consumer per tool (tool_<name>): runners serving the tool share it, calls to a
  // tool no live runner serves wait in it, and its max_ack_pending is the tool's global limit.
  const consumers = await startWorkQueues(
    registry.names(),
    (tool) => ({ durable: subjects.toolConsumer(tool), filters: [subjects.toolCommands(tool)] }),
    { js, jsm, stream: subjects.stream, concurrency: config.concurrency, config, crash, handle, log },
  ).catch((err: unknown) => {
    cancelSub.unsubscribe();
    purgeSub.unsubscribe();
    throw err;
  });
  log.info(
    { prefix: subjects.prefix, tools: registry.names(), concurrency: config.concurrency },
    "tool-runner started",
  );
  return {
    async stop() {
      cancelSub.unsubscribe();
      purgeSub.unsubscribe();
      await Promise.all(consumers.map((c) => c.stop()));
      await mcp?.close();
      await bus.close();
      log.info("tool-runner stopped");
    },
  };
}
