import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import type { Command } from "commander";
import { jetstream, jetstreamManager } from "@nats-io/jetstream";
import { PayloadStore } from "@cairn/bus";
import {
  evalRun,
  evalTotals,
  judgeRequest,
  judgeRun,
  loadRunLog,
  parseJudgeAnswer,
  renderEval,
  terminalJson,
  type EvalChange,
  type EvalJudge,
  type EvalPair,
  type EvalReport,
  type EvalRunReport,
} from "@cairn/replay";
import { configuredProviders, loadConfig } from "@cairn/llm-caller";
import { configuredTools, loadConfig as toolRunnerConfig } from "@cairn/tool-runner";
import { ToolRegistry, type ToolDefinition } from "@cairn/tools";
import { loadAgentSources, loadPrices, type AgentDefinition } from "@cairn/planner";
import { isRetryable, retryAfterOf, type ModelRequest } from "@cairn/runtime";
import { backoffDelay, type AgentSpec, type RetryPolicy, type RunStatus } from "@cairn/protocol";
import { addConn, client, type ConnFlags } from "./conn.js";

/** A configured model provider (as @cairn/providers makes them). */
type ModelProvider = ReturnType<typeof configuredProviders> extends Map<string, infer P> ? P : never;

interface EvalFlags extends ConnFlags {
  agent?: string;
  since?: string;
  until?: string;
  meta: string[];
  limit: string;
  model?: string;
  provider?: string;
  prompt?: string;
  agents?: string;
  judgeModule?: string;
  judgeModel?: string;
  livePure?: boolean;
  parallel: string;
  json?: boolean;
  width?: string;
}

function int(name: string, v: string, min = 1, max = Number.MAX_SAFE_INTEGER): number {
  if (!/^\d+$/.test(v) || Number(v) < min || Number(v) > max)
    throw new Error(`${name} must be a whole number from ${min} to ${max}, got ${JSON.stringify(v)}`);
  return Number(v);
}

/** The deps' live runner of pure tools (`--live-pure`): a new call's result when its tool is `pure`. */
type LiveRunner = NonNullable<Parameters<typeof evalRun>[2]["runTool"]>;

/**
 * The tools whose `effect` is `pure`, as a tool-runner with this environment would have them
 * (CAIRN_TOOLS_MODULE, …; MCP servers are not started), and a runner of their calls: the arguments
 * checked against the tool's schema, the tool run with a time limit in a scratch workspace that is
 * removed afterwards. A call to any other tool is not run (the branch stops).
 */
async function livePureTools(server: string | undefined): Promise<{ run: LiveRunner; names: string[]; close(): void }> {
  // (the tool-runner's configuration asks for a NATS URL: the tools are listed, nothing connects)
  const config = toolRunnerConfig({
    ...process.env,
    NATS_URL: server ?? process.env["NATS_URL"] ?? "nats://127.0.0.1:4222",
  });
  const pure = (await configuredTools(config, [], { mcp: [] })).filter((t) => t.effect === "pure");
  const registry = new ToolRegistry(pure as ToolDefinition[]);
  const scratch = mkdtempSync(join(tmpdir(), "cairn-eval-"));
  const noop = (): void => undefined;
  const run: LiveRunner = async (call) => {
    const def = registry.get(call.tool);
    if (!def) return undefined;
    const args = registry.parseArguments(call.tool, call.arguments);
    if (!args.ok) return { ok: false, error: args.error };
    const ac = new AbortController();
    const timeoutMs = def.timeoutMs ?? config.timeoutMs;
    const timer = setTimeout(() => ac.abort(new Error(`tool timed out after ${timeoutMs} ms`)), timeoutMs);
    try {
      const out = await Promise.race([
        Promise.resolve(
          def.run(args.args, {
            runId: call.runId,
            turn: call.turn,
            callId: call.callId,
            idempotencyKey: `eval:${call.runId}:${call.turn}:${call.index}`,
            attempt: 1,
            round: 0,
            issuedAt: Date.now(),
            signal: ac.signal,
            heartbeat: noop,
            workspaceDir: join(scratch, call.runId),
            log: { debug: noop, info: noop, warn: noop, error: noop },
          }),
        ),
        new Promise<never>((_, reject) => ac.signal.addEventListener("abort", () => reject(ac.signal.reason as Error))),
      ]);
      return { ok: true, output: typeof out === "string" ? out : (JSON.stringify(out) ?? "") };
    } catch (err) {
      const kind = (err as { kind?: unknown }).kind;
      return {
        ok: false,
        error: {
          kind: typeof kind === "string" ? kind : "tool_error",
          message: err instanceof Error ? err.message : String(err),
        },
      };
    } finally {
      clearTimeout(timer);
    }
  };
  return { run, names: registry.names(), close: () => rmSync(scratch, { recursive: true, force: true }) };
}

/** An RFC 3339 time (`2026-11-01T00:00:00Z`, with a zone), or a clear error. */
function rfc3339(name: string, v: string | undefined): string | undefined {
  if (v === undefined) return undefined;
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/i.test(v) || Number.isNaN(Date.parse(v)))
    throw new Error(`${name} must be an RFC 3339 time with a zone (2026-11-01T00:00:00Z), got ${JSON.stringify(v)}`);
  return v;
}

/** How a model call of an eval is retried: 4 attempts, a doubling delay from 500 ms (or the provider's Retry-After). */
const EVAL_RETRY: RetryPolicy = { maxAttempts: 4, initialDelayMs: 500, maxDelayMs: 30_000, multiplier: 2 };

/** A provider's call, retried as the llm-caller's steps are (a retryable error, by the shared backoff). */
async function completeRetried(
  p: ModelProvider,
  req: ModelRequest,
): Promise<Awaited<ReturnType<ModelProvider["complete"]>>> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await p.complete(req);
    } catch (err) {
      if (attempt >= EVAL_RETRY.maxAttempts || !isRetryable(err)) throw err;
      await new Promise((r) => setTimeout(r, backoffDelay(EVAL_RETRY, attempt, retryAfterOf(err))));
    }
  }
}

/** A run that could not be re-driven at all (its log unreadable: purged, or gone): its report says why. */
function unreadable(s: RunStatus, why: string): EvalRunReport {
  const side = (status: string) => ({
    status,
    provider: "",
    model: "",
    turns: 0,
    toolCalls: [],
    tokens: { input: 0, output: 0 },
    modelMs: 0,
  });
  return {
    runId: s.runId,
    agent: s.agent,
    task: s.task,
    old: { ...side(s.status), turns: s.turn },
    new: side("error"),
    sameAnswer: false,
    error: `its log could not be read: ${why}`,
  };
}

function collect(v: string, prev: string[]): string[] {
  return [...prev, v];
}

/** The model providers, configured as the llm-caller's (CAIRN_PROVIDERS_FILE, OPENAI_* / ANTHROPIC_*, CAIRN_SCRIPTS_DIR). */
function providers(): Map<string, ModelProvider> {
  // (the llm-caller's configuration needs a NATS_URL; eval connects with its own flags)
  const env = { ...process.env, NATS_URL: process.env["NATS_URL"] || "nats://127.0.0.1:4222" };
  return configuredProviders(loadConfig(env));
}

/**
 * An agents module's definitions as fields laid over recorded agent snapshots (tools keep their
 * recorded specs). Its code (instructions, hook, guardrails) replaces the snapshot's whole: a field
 * the module leaves out is taken away.
 */
function overrides(agents: Map<string, AgentDefinition>): Map<string, Partial<AgentSpec>> {
  const whole = new Set<string>(["instructionsInCode", "toolCallHook", "guardrails"]);
  const keys = [
    "provider",
    "model",
    "systemPrompt",
    "maxTurns",
    "temperature",
    "maxOutputTokens",
    "contextBudgetTokens",
    "summarize",
    "loopGuard",
    "maxToolCallsPerTurn",
    "maxParallelToolCalls",
    "instructionsInCode",
    "toolCallHook",
    "guardrails",
    "output",
  ] as const;
  const out = new Map<string, Partial<AgentSpec>>();
  for (const [name, def] of agents) {
    const o: Record<string, unknown> = {};
    for (const k of keys) if (def[k] !== undefined || whole.has(k)) o[k] = def[k];
    out.set(name, o);
  }
  return out;
}

/** A judge function from a module: its `judge` export, or its default export. */
async function judgeModule(file: string): Promise<EvalJudge> {
  const m = (await import(pathToFileURL(resolve(file)).href)) as { judge?: unknown; default?: unknown };
  const fn = m.judge ?? m.default;
  if (typeof fn !== "function") throw new Error(`${file} exports no judge(pair) function (as judge or default)`);
  const judge = fn as EvalJudge;
  return (pair: EvalPair) => judge(pair);
}

/** A judging model (`<provider>:<model>`) asked for {"score": 0..1, "reason"} on each pair. */
function judgeModel(spec: string, all: Map<string, ModelProvider>): EvalJudge {
  const i = spec.indexOf(":");
  if (i <= 0 || i === spec.length - 1) throw new Error(`--judge-model ${JSON.stringify(spec)}: use <provider>:<model>`);
  const name = spec.slice(0, i);
  const model = spec.slice(i + 1);
  const p = all.get(name);
  if (!p) throw new Error(`--judge-model: no provider "${name}" is configured (have: ${[...all.keys()].join(", ")})`);
  return async (pair) => parseJudgeAnswer((await p.complete(judgeRequest(model, pair))).content);
}

/** Runs `fn` over `items`, at most `n` at a time, keeping their order. */
async function pool<T, R>(items: T[], n: number, fn: (t: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array<R>(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(n, items.length) }, async () => {
      while (next < items.length) {
        const i = next++;
        out[i] = await fn(items[i]!);
      }
    }),
  );
  return out;
}

/**
 * `cairn eval`: what-if replay over recorded runs. Reads the runs (list and logs: nothing is
 * written to NATS), re-drives each with the change in memory (model steps called anew, tool
 * results served from the log; no tool ever runs), and reports per run and in total.
 */
export function registerEvalCommand(program: Command): void {
  addConn(program.command("eval"))
    .description(
      "what-if replay: re-drive recorded runs with another model, provider, prompt or agents module; model steps are called anew, tool results come from the log (no tool runs, but pure ones with --live-pure), and a report compares each run",
    )
    .option("--agent <name>", "runs of this agent")
    .option("--since <time>", "runs submitted at or after this time (RFC 3339)")
    .option("--until <time>", "runs submitted before this time (RFC 3339)")
    .option("--meta <key=value>", "runs whose metadata has this pair; repeatable", collect, [] as string[])
    .option("--limit <n>", "at most this many runs, newest first", "50")
    .option("--model <model>", "the change: another model for the run's agent")
    .option("--provider <name>", "the change: another provider for the run's agent (as configured for the llm-caller)")
    .option("--prompt <file>", "the change: the run's agent's system prompt from this file")
    .option(
      "--agents <module>",
      "the change: agents as this module defines them (defineAgent; instructions, guardrails, hooks in code)",
    )
    .option(
      "--judge-module <file>",
      "score each pair with the judge(pair) function this module exports (a number, or {score, note})",
    )
    .option("--judge-model <provider:model>", 'score each pair with this model (answering {"score": 0..1, "reason"})')
    .option(
      "--live-pure",
      "run calls the recorded run never made when their tool's effect is pure (the tool-runner's CAIRN_TOOLS_MODULE…), instead of stopping there",
    )
    .option("--parallel <n>", "runs re-driven at once", "4")
    .option("--json", "machine-readable output")
    .option("--width <columns>", "line width of the table (default: the terminal's)")
    .action(async (o: EvalFlags) => {
      const meta: Record<string, string> = {};
      for (const m of o.meta) {
        const eq = m.indexOf("=");
        if (eq <= 0) throw new Error(`--meta ${JSON.stringify(m)}: use key=value`);
        meta[m.slice(0, eq)] = m.slice(eq + 1);
      }
      const limit = int("--limit", o.limit, 1, 10_000);
      const parallel = int("--parallel", o.parallel, 1, 64);
      const since = rfc3339("--since", o.since);
      const until = rfc3339("--until", o.until);
      const width = o.width !== undefined ? int("--width", o.width, 40) : Math.max(60, process.stdout.columns ?? 120);
      if (o.judgeModule && o.judgeModel) throw new Error("give one judge: --judge-module or --judge-model");
      const change: EvalChange = {};
      const shown: Record<string, unknown> = {};
      if (o.model !== undefined) change.model = shown["model"] = o.model;
      if (o.provider !== undefined) change.provider = shown["provider"] = o.provider;
      if (o.prompt !== undefined) {
        change.systemPrompt = readFileSync(o.prompt, "utf8");
        shown["prompt"] = o.prompt;
      }
      if (o.agents !== undefined) {
        const a = await loadAgentSources(undefined, o.agents);
        change.agents = overrides(a.agents);
        if (a.code) change.code = a.code;
        shown["agents"] = o.agents;
      }
      const all = providers();
      if (o.provider !== undefined && !all.has(o.provider))
        throw new Error(`--provider: no provider "${o.provider}" is configured (have: ${[...all.keys()].join(", ")})`);
      // a changed model's price, from the planner's price table (none: no new cost is reported)
      const prices = loadPrices(process.env["CAIRN_PRICES_FILE"] || undefined);
      if (prices.size) change.prices = prices;
      const judges: EvalJudge[] = [];
      if (o.judgeModule) judges.push(await judgeModule(o.judgeModule));
      if (o.judgeModel) judges.push(judgeModel(o.judgeModel, all));

      const live = o.livePure ? await livePureTools(o.server) : undefined;
      if (live) shown["livePure"] = live.names;
      const c = await client(o);
      let report: EvalReport;
      try {
        const runs = await c.list({
          limit,
          ...(o.agent ? { agent: o.agent } : {}),
          ...(since ? { since } : {}),
          ...(until ? { until } : {}),
          ...(Object.keys(meta).length ? { meta } : {}),
        });
        const payloads = new PayloadStore(jetstream(c.nc), await jetstreamManager(c.nc), c.subjects);
        const reports = await pool(runs, parallel, async (s): Promise<EvalRunReport> => {
          let log: Awaited<ReturnType<typeof loadRunLog>>;
          try {
            log = await loadRunLog(c.nc, c.subjects, s.runId);
          } catch (err) {
            return unreadable(s, err instanceof Error ? err.message : String(err));
          }
          const r = await evalRun(log, change, {
            complete: (req, target) => {
              const p = all.get(target.provider);
              if (!p)
                throw new Error(`no provider "${target.provider}" is configured (have: ${[...all.keys()].join(", ")})`);
              return completeRetried(p, req);
            },
            loadPayload: (ref) => payloads.get(ref),
            ...(live ? { runTool: live.run } : {}),
          });
          for (const j of judges) await judgeRun(r, j);
          return r;
        });
        report = { change: shown, runs: reports, totals: evalTotals(reports) };
      } finally {
        await c.close();
        live?.close();
      }
      const text = o.json ? terminalJson(report) : renderEval(report, { width });
      process.stdout.write(text.endsWith("\n") ? text : `${text}\n`);
    });
}
