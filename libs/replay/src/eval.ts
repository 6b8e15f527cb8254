import {
  decodeEntry,
  encode,
  Subjects,
  type AgentSpec,
  type CheckResult,
  type HistoryEntry,
  type LlmResult,
  type RunApproval,
  type RunSubmitted,
  type SummaryResult,
  type ToolResult,
} from "@cairn/protocol";
import {
  applyEntry,
  buildCheckRequest,
  buildModelRequest,
  buildSummaryRequest,
  canonicalArguments,
  checkTarget,
  costUsd,
  decide,
  emptyRun,
  errorMessage,
  HANDOFF_TOOL,
  nextAgent,
  turnAgent,
  parseVerdict,
  payloadRefs,
  summaryPayloadRefs,
  runStatus,
  safeToolToken,
  type Applied,
  type CodeGuards,
  type ModelRequest,
  type Output,
  type RunState,
  type ToolCall,
} from "@cairn/runtime";
import { relativeSubject, stepsOf, type RunLog } from "./log.js";
import { terminalLine } from "./terminal.js";

/**
 * What-if replay (`cairn eval`): a recorded run re-driven with a change — another model or
 * provider, another system prompt, another agents module — entirely in memory. Model steps are
 * called anew (through `EvalDeps.complete`); a tool call is answered with the recorded result of a
 * not-yet-used recorded call of the same tool with the same (canonical) arguments, re-addressed to
 * the new turn, index and call id; a call the recorded run never made stops the branch there
 * ("asks for something new") — unless `EvalDeps.runTool` runs it (`cairn eval --live-pure`: only
 * tools whose `effect` is `pure`). Nothing is written anywhere and no other tool ever runs.
 */

/** The change an eval applies to every run's agent snapshot. */
export interface EvalChange {
  /** Another model for the submitted agent. */
  model?: string;
  /** Another provider for the submitted agent. */
  provider?: string;
  /** Another system prompt for the submitted agent. */
  systemPrompt?: string;
  /**
   * Agents by name (an agents module's definitions, as `cairn eval --agents` loads them): fields
   * laid over the snapshot of the run's agents of that name (tools keep their recorded specs).
   */
  agents?: Map<string, Partial<AgentSpec>>;
  /** Code of an agents module (instructions, guardrails, tool-call hooks), for the planner's decisions. */
  code?: CodeGuards;
  /** Prices by model (the planner's CAIRN_PRICES_FILE): a changed model's cost; without its price, no new cost. */
  prices?: ReadonlyMap<string, { inputPerMTokUsd: number; outputPerMTokUsd: number }>;
}

/** A model's response, provider-neutral (as @cairn/providers' ModelProvider answers). */
export interface EvalModelResponse {
  content: string | null;
  toolCalls: ToolCall[];
  finishReason?: string;
  model?: string;
  usage: { inputTokens: number; outputTokens: number };
}

export interface EvalDeps {
  /** Calls the model (`target.provider` names the provider configured for it; `req.model` is the model). */
  complete(req: ModelRequest, target: { provider: string; model: string }): Promise<EvalModelResponse>;
  /** Loads a large payload the log refers to (tool outputs, answers); without it such a run stops. */
  loadPayload?(ref: { bucket: string; name: string; bytes: number; sha256: string }): Promise<string>;
  /** Clock of model time (ms); `performance.now` by default. */
  now?(): number;
  /**
   * Runs a call the recorded run never made, live — for tools with no side effect only (`effect:
   * "pure"`; `cairn eval --live-pure`). Undefined when it may not run it: the branch stops there.
   */
  runTool?(call: {
    runId: string;
    turn: number;
    index: number;
    callId: string;
    tool: string;
    arguments: string;
  }): Promise<{ ok: true; output: string } | { ok: false; error: { kind: string; message: string } } | undefined>;
}

export interface EvalOptions {
  /** Most messages the re-drive folds (model responses, results, verdicts) before it stops; 500 by default. */
  maxSteps?: number;
}

/** One tool call, as the report shows it. */
export interface EvalToolChoice {
  turn: number;
  name: string;
  /** Canonical JSON of the arguments (as sent, when not JSON). */
  arguments: string;
}

/** One side of the comparison: the recorded run, or its re-drive. */
export interface EvalSide {
  /** completed / failed / cancelled; for the re-drive also `stopped` (asked for something new) and `error`. */
  status: string;
  answer?: string;
  reason?: string;
  provider: string;
  model: string;
  turns: number;
  toolCalls: EvalToolChoice[];
  tokens: { input: number; output: number };
  /** USD, when the agent snapshot has pricing. */
  costUsd?: number;
  /** Sum of the model calls' latencies (recorded ones for the old side). */
  modelMs: number;
}

/** One turn as compared: its tool calls, or its answer. */
export interface EvalTurnView {
  toolCalls: { name: string; arguments: string }[];
  answer?: string;
}

export interface EvalRunReport {
  runId: string;
  agent: string;
  task: string;
  old: EvalSide;
  new: EvalSide;
  /** Both runs completed with the same answer. */
  sameAnswer: boolean;
  /** The first turn whose tool calls or answer differ (a side without that turn: undefined there). */
  divergence?: { turn: number; old?: EvalTurnView; new?: EvalTurnView };
  /** Why the re-drive stopped before its end: the call (or approval) the recorded run never had. */
  stopped?: { reason: string; turn?: number; call?: { name: string; arguments: string } };
  /** Calls the recorded run never made that were run live (pure tools, `--live-pure`). */
  liveCalls?: EvalToolChoice[];
  /** What went wrong re-driving (a model call that failed is a `failed` run, not an error). */
  error?: string;
  /** The judge's score of the pair (0..1), and its note. */
  score?: number;
  note?: string;
}

export interface EvalTotals {
  runs: number;
  sameAnswer: number;
  diverged: number;
  stopped: number;
  errors: number;
  tokens: { old: { input: number; output: number }; new: { input: number; output: number } };
  costUsd: { old?: number; new?: number };
  modelMs: { old: number; new: number };
  /** Mean judge score over the scored runs, and how many were scored. */
  score?: { mean: number; scored: number };
}

export interface EvalReport {
  change: Record<string, unknown>;
  runs: EvalRunReport[];
  totals: EvalTotals;
}

/** What a judge is given: the task and the two answers, with the run's report. */
export interface EvalPair {
  runId: string;
  agent: string;
  task: string;
  old: { status: string; answer?: string };
  new: { status: string; answer?: string };
  report: EvalRunReport;
}

export type EvalJudge = (pair: EvalPair) => Promise<number | { score: number; note?: string }>;

type Ref = { bucket: string; name: string; bytes: number; sha256: string };

/** A recorded tool call and its result (the result re-addressed when served). */
interface RecordedCall {
  key: string;
  name: string;
  arguments: string;
  result?: ToolResult;
  approval?: RunApproval;
  used: boolean;
  approvalUsed: boolean;
}

/** Error kinds of the results the planner records itself (never a tool's): see runtime planTurn. */
const PLANNER_KINDS = new Set([
  "unknown_tool",
  "denied",
  "too_many_calls",
  "denied_by_hook",
  "hook_unavailable",
  "hook_failed",
  "invalid_handoff",
]);

function plannerAnswer(r: ToolResult): boolean {
  return r.tool === HANDOFF_TOOL || (!r.ok && PLANNER_KINDS.has(r.error?.kind ?? ""));
}

function toolKey(name: string, args: string): string {
  return `${name}\u0000${canonicalArguments(args)}`;
}

/** The run's agent snapshot with the change laid over it. */
function changedAgent(a: AgentSpec, change: EvalChange, submitted: boolean): AgentSpec {
  const over = change.agents?.get(a.name);
  let out: AgentSpec = a;
  if (over) {
    const { tools: _t, name: _n, ...rest } = over;
    const next: Record<string, unknown> = { ...out };
    // (a field the module leaves out — instructions, a hook, guardrails in code — is gone, not kept)
    for (const [k, v] of Object.entries(rest))
      if (v === undefined) delete next[k];
      else next[k] = v;
    out = next as unknown as AgentSpec;
  }
  if (out.model !== a.model || (submitted && change.model !== undefined)) {
    // another model: its own price (or none known: no cost reported for the new run)
    const price = change.prices?.get(submitted && change.model !== undefined ? change.model : out.model);
    const { pricing: _p, ...rest } = out;
    out = price ? { ...rest, pricing: { ...price } } : rest;
  }
  if (submitted) {
    if (change.model !== undefined) out = { ...out, model: change.model };
    if (change.provider !== undefined) out = { ...out, provider: change.provider };
    if (change.systemPrompt !== undefined) {
      const { instructionsInCode: _i, ...rest } = out;
      out = { ...rest, systemPrompt: change.systemPrompt };
    }
  }
  return out;
}

function sideOf(state: RunState, toolCalls: EvalToolChoice[], modelMs: number): Omit<EvalSide, "status"> {
  const sub = state.submitted;
  const agent = (state.ended ? undefined : nextAgent(state)) ?? sub?.agent;
  const side: Omit<EvalSide, "status"> = {
    provider: agent?.provider ?? "",
    model: agent?.model ?? "",
    turns: state.turns.length,
    toolCalls,
    tokens: { input: state.usage.inputTokens, output: state.usage.outputTokens },
    modelMs,
  };
  const cost = costUsd(state);
  if (cost !== undefined) side.costUsd = cost;
  return side;
}

function choicesOf(state: RunState): EvalToolChoice[] {
  return state.turns.flatMap((t) =>
    (t.llm.ok ? (t.llm.toolCalls ?? []) : []).map((c) => ({
      turn: t.turn,
      name: c.name,
      arguments: canonicalArguments(c.arguments),
    })),
  );
}

function turnView(state: RunState, turn: number, full?: ReadonlyMap<number, string>): EvalTurnView | undefined {
  const t = state.turns[turn - 1];
  if (!t) return undefined;
  const calls = t.llm.ok ? (t.llm.toolCalls ?? []) : [];
  const v: EvalTurnView = {
    toolCalls: calls.map((c) => ({ name: c.name, arguments: canonicalArguments(c.arguments) })),
  };
  if (calls.length === 0)
    v.answer = t.llm.ok ? (full?.get(turn) ?? t.llm.content ?? "") : `(failed: ${t.llm.error?.message ?? "?"})`;
  return v;
}

function firstDivergence(a: RunState, b: RunState, aFull: ReadonlyMap<number, string>): EvalRunReport["divergence"] {
  const n = Math.max(a.turns.length, b.turns.length);
  for (let turn = 1; turn <= n; turn++) {
    const o = turnView(a, turn, aFull);
    const w = turnView(b, turn);
    if (JSON.stringify(o) === JSON.stringify(w)) continue;
    const d: NonNullable<EvalRunReport["divergence"]> = { turn };
    if (o) d.old = o;
    if (w) d.new = w;
    return d;
  }
  return undefined;
}

/** Re-drives one recorded run with `change` (see the module comment). Never throws for a run: errors are in the report. */
export async function evalRun(
  log: RunLog,
  change: EvalChange,
  deps: EvalDeps,
  opts: EvalOptions = {},
): Promise<EvalRunReport> {
  const now = deps.now ? () => deps.now!() : () => performance.now();
  const maxSteps = opts.maxSteps ?? 500;
  const subjects = new Subjects(log.prefix);

  // The recorded run, folded as it is.
  const old = emptyRun(log.runId);
  for (const s of [...stepsOf(log)].sort((x, y) => x.seq - y.seq)) applyEntry(old, log.entries[s.index]!, subjects);
  const oldSub = old.submitted;
  const task = oldSub?.task ?? "";
  const agentName = oldSub?.agent.name ?? "";
  let oldMs = 0;
  const recorded: RecordedCall[] = [];
  const commanded = new Map<string, string>(); // "<turn>.<index>" → arguments as run
  for (const e of log.entries) {
    const w = subjects.parse(e.subject)?.what;
    if (w?.kind === "llm-result" || w?.kind === "summary-result" || w?.kind === "check-result") {
      const d = decodeEntry(subjects, e.subject, e.data);
      const ms = (d.kind !== "invalid" && (d.message as { latencyMs?: number }).latencyMs) || 0;
      oldMs += ms;
    } else if (w?.kind === "tool-command") {
      const d = decodeEntry(subjects, e.subject, e.data);
      if (d.kind === "tool-command") commanded.set(`${d.message.turn}.${d.message.index}`, d.message.arguments);
    }
  }
  for (const t of old.turns) {
    (t.llm.ok ? (t.llm.toolCalls ?? []) : []).forEach((c, index) => {
      const approval = old.approvals.get(`${t.turn}.${index}`);
      const result = t.results[index];
      const r: RecordedCall = {
        key: toolKey(c.name, commanded.get(`${t.turn}.${index}`) ?? approval?.arguments ?? c.arguments),
        name: c.name,
        arguments: c.arguments,
        used: false,
        approvalUsed: false,
      };
      // Only results of calls that ran (commanded) are served: the planner answers the others
      // itself. A fork's copied results have no command in its log: those are served too.
      // A result cut short by the recorded run's cancel or a shutdown says nothing about the tool.
      const cut = !result?.ok && (result?.error?.kind === "cancelled" || result?.error?.kind === "aborted");
      if (result && !cut && (commanded.has(`${t.turn}.${index}`) || (oldSub?.forkedFrom && !plannerAnswer(result))))
        r.result = result;
      if (approval) r.approval = approval;
      recorded.push(r);
    });
  }
  // The recorded answers stored as payloads (large), in full: compared with the new run's.
  const oldFull = new Map<number, string>();
  for (const t of old.turns)
    if (t.llm.ok && t.llm.contentRef && deps.loadPayload) {
      const text = await deps.loadPayload(t.llm.contentRef).catch(() => undefined);
      if (text !== undefined) oldFull.set(t.turn, text);
    }
  const oldStatus = runStatus(old);
  const oldSide: EvalSide = {
    status: old.ended?.status ?? oldStatus.status,
    ...sideOf(old, choicesOf(old), oldMs),
  };
  if (old.ended?.answer !== undefined) oldSide.answer = old.ended.answer;
  else if (old.ended?.answerRef && deps.loadPayload)
    oldSide.answer = await deps.loadPayload(old.ended.answerRef).catch(() => undefined);
  if (old.ended?.reason) oldSide.reason = old.ended.reason;

  const state = emptyRun(log.runId);
  let newMs = 0;
  let stopped: EvalRunReport["stopped"];
  let error: string | undefined;
  const live: EvalToolChoice[] = [];
  const finish = (): EvalRunReport => {
    const newSide: EvalSide = {
      status: error !== undefined ? "error" : stopped ? "stopped" : (state.ended?.status ?? runStatus(state).status),
      ...sideOf(state, choicesOf(state), newMs),
    };
    if (state.ended?.answer !== undefined) newSide.answer = state.ended.answer;
    if (state.ended?.reason) newSide.reason = state.ended.reason;
    const r: EvalRunReport = {
      runId: log.runId,
      agent: agentName,
      task,
      old: oldSide,
      new: newSide,
      sameAnswer: oldSide.status === "completed" && newSide.status === "completed" && oldSide.answer === newSide.answer,
    };
    const d = firstDivergence(old, state, oldFull);
    if (d) r.divergence = d;
    if (stopped) r.stopped = stopped;
    if (live.length) r.liveCalls = live;
    if (error !== undefined) r.error = error;
    return r;
  };

  if (!oldSub) {
    error = "the run has no valid submission";
    return finish();
  }
  const coded = [oldSub.agent, ...(oldSub.team ?? [])]
    .map((a) => changedAgent(a, change, a === oldSub.agent))
    .find(
      (a) =>
        a.instructionsInCode ||
        a.toolCallHook ||
        [...(a.guardrails?.input ?? []), ...(a.guardrails?.output ?? [])].some((g) => g.code),
    );
  if (coded && !change.code) {
    error = `agent ${coded.name} has code (instructions, a tool-call hook or guardrails in code): give its agents module (--agents)`;
    return finish();
  }

  const subEntry = log.entries.find((e) => relativeSubject(log, e.subject) === "evt.submitted");
  const time = subEntry?.time ?? oldSub.submittedAt;
  const { forkedFrom: _f, idempotencyKey: _k, trace: _t, parent: _p, ...keep } = oldSub;
  const submitted: RunSubmitted = {
    ...keep,
    agent: changedAgent(oldSub.agent, change, true),
    ...(oldSub.team ? { team: oldSub.team.map((a) => changedAgent(a, change, false)) } : {}),
  };

  let seq = 0;
  const written = new Set<string>();
  const queue: Output[] = [];
  let steps = 0;
  const fold = (subject: string, message: unknown): Applied => {
    written.add(subject);
    steps++;
    const entry: HistoryEntry = { seq: ++seq, subject, data: encode(message), time };
    const applied = applyEntry(state, entry, subjects);
    if (applied.kind === "rejected") throw new Error(`the re-drive's own ${subject} was refused: ${applied.reason}`);
    queue.push(...decide(state, applied, subjects, change.code));
    return applied;
  };
  const payloads = new Map<string, string>();
  const load = async (refs: Ref[]): Promise<void> => {
    for (const ref of refs) {
      if (payloads.has(ref.name)) continue;
      if (!deps.loadPayload) throw new Error(`payload ${ref.name} is needed and no payload store was given`);
      payloads.set(ref.name, await deps.loadPayload(ref));
    }
  };
  const call = async (req: ModelRequest, provider: string, model: string): Promise<EvalModelResponse | Error> => {
    const t0 = now();
    try {
      return await deps.complete(req, { provider, model });
    } catch (err) {
      // A provider that fails (after the caller's retries) is the eval's error, not the model's answer.
      throw new Error(`the model call to ${provider} (${model}) failed: ${errorMessage(err)}`);
    } finally {
      newMs += now() - t0;
    }
  };
  /** Recorded approvals for the gated calls of the last turn that wait for a human: served, or the branch stops. */
  const serveApprovals = (): boolean => {
    const last = state.turns[state.turns.length - 1];
    if (!last?.llm.ok || state.ended) return true;
    // (the tools of the agent that asked for the calls, as the planner gates them)
    const agent = turnAgent(state, last) ?? submitted.agent;
    const gated = new Set(agent.tools.filter((t) => t.requiresApproval).map((t) => t.name));
    const calls = last.llm.toolCalls ?? [];
    for (let index = 0; index < calls.length; index++) {
      const c = calls[index]!;
      if (!gated.has(c.name) || state.approvals.has(`${last.turn}.${index}`) || last.results[index]) continue;
      const key = toolKey(c.name, c.arguments);
      const rec = recorded.find((r) => !r.approvalUsed && r.approval && toolKey(r.name, r.arguments) === key);
      if (!rec?.approval) {
        stopped = {
          reason: `call ${index} of turn ${last.turn} (${c.name}) waits for a human's approval the recorded run never gave for such a call`,
          turn: last.turn,
          call: { name: c.name, arguments: canonicalArguments(c.arguments) },
        };
        return false;
      }
      rec.approvalUsed = true;
      const { runId: _r, turn: _tn, index: _i, callId: _c, ...rest } = rec.approval;
      fold(subjects.approval(log.runId, last.turn, index), {
        ...rest,
        runId: log.runId,
        turn: last.turn,
        index,
        callId: c.id,
      } satisfies RunApproval);
      if (stopped) return false;
    }
    return true;
  };

  try {
    fold(subjects.submitted(log.runId), submitted);
    for (;;) {
      if (stopped || state.ended) break;
      if (steps >= maxSteps) {
        stopped = { reason: `the re-drive reached its limit of ${maxSteps} steps` };
        break;
      }
      const o = queue.shift();
      if (!o) {
        if (!serveApprovals()) break;
        if (queue.length > 0) continue;
        const s = runStatus(state);
        stopped = {
          reason: `the run waits (${s.status}${s.waitingFor?.length ? `: ${s.waitingFor.join(", ").slice(0, 200)}` : ""}) for something the re-drive does not supply`,
        };
        break;
      }
      // (the stream keeps the first message on a subject: a command decided again is a no-op)
      if (written.has(o.subject) || subjects.parse(o.subject)?.runId !== log.runId) continue;
      written.add(o.subject);
      switch (o.type) {
        case "RunEnded":
        case "RunGuard":
        case "ToolResult":
          fold(o.subject, o.message);
          break;
        case "RunSignal":
          break;
        case "LlmCommand": {
          const { turn } = o.message;
          const agent = nextAgent(state) ?? submitted.agent;
          if (turn > agent.maxTurns + 1) {
            stopped = { reason: `model turn ${turn} is past the agent's maxTurns=${agent.maxTurns}` };
            break;
          }
          const opts = o.message.instructions !== undefined ? { instructions: o.message.instructions } : {};
          await load(payloadRefs(state, turn));
          const req = buildModelRequest(state, turn, payloads, opts);
          const res = await call(req, agent.provider, agent.model);
          const base = { v: 1 as const, type: "llm.result" as const, runId: log.runId, turn, attempts: 1 };
          fold(
            subjects.llmResult(log.runId, turn),
            res instanceof Error
              ? ({
                  ...base,
                  ok: false,
                  provider: agent.provider,
                  model: agent.model,
                  historySeq: o.message.historySeq,
                  error: { kind: "llm_failed", message: errorMessage(res) },
                } satisfies LlmResult)
              : ({
                  ...base,
                  ok: true,
                  provider: agent.provider,
                  model: res.model ?? agent.model,
                  historySeq: o.message.historySeq,
                  content: res.content,
                  toolCalls: res.toolCalls,
                  finishReason: res.finishReason ?? (res.toolCalls.length ? "tool_calls" : "stop"),
                  usage: res.usage,
                } satisfies LlmResult),
          );
          break;
        }
        case "SummaryCommand": {
          const { turn, throughTurn } = o.message;
          const agent = nextAgent(state) ?? submitted.agent;
          await load(summaryPayloadRefs(state, turn, throughTurn));
          const req = buildSummaryRequest(state, turn, throughTurn, payloads);
          const res = await call(req, agent.provider, agent.model);
          const base = {
            v: 1 as const,
            type: "summary.result" as const,
            runId: log.runId,
            turn,
            attempts: 1,
            historySeq: o.message.historySeq,
          };
          fold(
            subjects.summaryResult(log.runId, turn),
            res instanceof Error || !res.content?.trim()
              ? ({
                  ...base,
                  throughTurn: Math.min(throughTurn, Math.max(1, turn - 1)),
                  ok: false,
                  error: {
                    kind: res instanceof Error ? "llm_failed" : "empty_summary",
                    message: res instanceof Error ? errorMessage(res) : "the model answered with no text",
                  },
                } satisfies SummaryResult)
              : ({
                  ...base,
                  throughTurn,
                  ok: true,
                  content: res.content,
                  model: res.model ?? agent.model,
                  usage: res.usage,
                } satisfies SummaryResult),
          );
          break;
        }
        case "CheckCommand": {
          const c = o.message;
          const target = checkTarget(state, c);
          const base = {
            v: 1 as const,
            type: "check.result" as const,
            runId: log.runId,
            n: c.n,
            turn: c.turn,
            point: c.point,
            guardrail: c.guardrail,
            attempts: 1,
            historySeq: c.historySeq,
          };
          if (typeof target === "string") {
            fold(subjects.checkResult(log.runId, c.n), {
              ...base,
              ok: false,
              error: { kind: "invalid_command", message: target },
            } satisfies CheckResult);
            break;
          }
          if (target.textRef) await load([target.textRef]);
          const req = buildCheckRequest(
            target,
            target.textRef ? (payloads.get(target.textRef.name) ?? target.text) : target.text,
          );
          const res = await call(req, target.provider, target.model);
          const verdict = res instanceof Error ? undefined : parseVerdict(res.content);
          fold(
            subjects.checkResult(log.runId, c.n),
            verdict
              ? ({ ...base, ok: true, ...verdict } satisfies CheckResult)
              : ({
                  ...base,
                  ok: false,
                  error: {
                    kind: res instanceof Error ? "llm_failed" : "invalid_verdict",
                    message: res instanceof Error ? errorMessage(res) : "the judging model's answer is not a verdict",
                  },
                } satisfies CheckResult),
          );
          break;
        }
        case "ToolCommand": {
          const m = o.message;
          const key = toolKey(m.tool, m.arguments);
          const rec = recorded.find((r) => !r.used && r.result && r.key === key);
          const ran = rec?.result
            ? undefined
            : await deps.runTool?.({
                runId: log.runId,
                turn: m.turn,
                index: m.index,
                callId: m.callId,
                tool: m.tool,
                arguments: m.arguments,
              });
          if (ran) {
            live.push({ turn: m.turn, name: m.tool, arguments: canonicalArguments(m.arguments) });
            fold(subjects.toolResult(log.runId, m.turn, m.index, safeToolToken(m.tool)), {
              v: 1,
              type: "tool.result",
              runId: log.runId,
              turn: m.turn,
              index: m.index,
              callId: m.callId,
              tool: m.tool,
              attempts: 1,
              idempotencyKey: m.idempotencyKey,
              ...(ran.ok ? { ok: true, output: ran.output } : { ok: false, error: ran.error }),
            } satisfies ToolResult);
            break;
          }
          if (!rec?.result) {
            stopped = {
              reason: `call ${m.index} of turn ${m.turn} asks for ${m.tool} ${canonicalArguments(m.arguments)}, which the recorded run never ran`,
              turn: m.turn,
              call: { name: m.tool, arguments: canonicalArguments(m.arguments) },
            };
            break;
          }
          rec.used = true;
          let result: ToolResult = {
            ...rec.result,
            runId: log.runId,
            turn: m.turn,
            index: m.index,
            callId: m.callId,
            tool: m.tool,
            idempotencyKey: m.idempotencyKey,
          };
          if (result.ok && result.outputRef) {
            await load([result.outputRef]);
            const { outputRef, ...rest } = result;
            result = { ...rest, output: payloads.get(outputRef.name) ?? "" };
          }
          if (result.childRunId === undefined) delete result.childRunId;
          fold(subjects.toolResult(log.runId, m.turn, m.index, safeToolToken(m.tool)), result);
          break;
        }
      }
    }
  } catch (err) {
    error = errorMessage(err);
  }
  return finish();
}

/** The report's totals. */
export function evalTotals(runs: EvalRunReport[]): EvalTotals {
  const sum = (f: (r: EvalRunReport) => number) => runs.reduce((n, r) => n + f(r), 0);
  const costs = (side: "old" | "new") => {
    const c = runs.map((r) => r[side].costUsd).filter((x): x is number => x !== undefined);
    return c.length ? c.reduce((a, b) => a + b, 0) : undefined;
  };
  const totals: EvalTotals = {
    runs: runs.length,
    sameAnswer: runs.filter((r) => r.sameAnswer).length,
    diverged: runs.filter((r) => r.divergence !== undefined).length,
    stopped: runs.filter((r) => r.stopped !== undefined).length,
    errors: runs.filter((r) => r.error !== undefined).length,
    tokens: {
      old: { input: sum((r) => r.old.tokens.input), output: sum((r) => r.old.tokens.output) },
      new: { input: sum((r) => r.new.tokens.input), output: sum((r) => r.new.tokens.output) },
    },
    costUsd: {},
    modelMs: { old: sum((r) => r.old.modelMs), new: sum((r) => r.new.modelMs) },
  };
  const oc = costs("old");
  const nc = costs("new");
  if (oc !== undefined) totals.costUsd.old = oc;
  if (nc !== undefined) totals.costUsd.new = nc;
  const scored = runs.filter((r) => r.score !== undefined);
  if (scored.length)
    totals.score = { mean: scored.reduce((a, r) => a + r.score!, 0) / scored.length, scored: scored.length };
  return totals;
}

/** Scores each run's pair with `judge` (its errors become the run's note, unscored). */
export async function judgeRun(report: EvalRunReport, judge: EvalJudge): Promise<void> {
  const pair: EvalPair = {
    runId: report.runId,
    agent: report.agent,
    task: report.task,
    old: { status: report.old.status, ...(report.old.answer !== undefined ? { answer: report.old.answer } : {}) },
    new: { status: report.new.status, ...(report.new.answer !== undefined ? { answer: report.new.answer } : {}) },
    report,
  };
  try {
    const v = await judge(pair);
    const score = typeof v === "number" ? v : v.score;
    if (typeof score !== "number" || !Number.isFinite(score) || score < 0 || score > 1)
      throw new Error(`the judge answered ${JSON.stringify(v)} (a score is a number from 0 to 1)`);
    report.score = score;
    if (typeof v === "object" && typeof v.note === "string") report.note = v.note;
  } catch (err) {
    report.note = `judge failed: ${errorMessage(err)}`;
  }
}

/** The instructions a judging model is given (`cairn eval --judge-model`). */
export const JUDGE_INSTRUCTIONS =
  'You compare two answers to the same task: the recorded one (A) and a new one (B). Score how well B does the task compared with A, from 0 (much worse or wrong) to 1 (as good or better). Answer with JSON only: {"score": <number 0..1>, "reason": "<one sentence>"}.';

/** The request a judging model is asked with, for one pair. */
export function judgeRequest(model: string, pair: EvalPair): ModelRequest {
  const side = (s: EvalPair["old"]) => (s.answer !== undefined ? s.answer : `(no answer: ${s.status})`);
  return {
    model,
    messages: [
      { role: "system", content: JUDGE_INSTRUCTIONS },
      {
        role: "user",
        content: `Task:\n${pair.task}\n\nAnswer A (recorded):\n${side(pair.old)}\n\nAnswer B (new):\n${side(pair.new)}`,
      },
    ],
    tools: [],
  };
}

/** A judging model's answer as a score: `{"score": 0..1, "reason"}` (the first JSON object in it). */
export function parseJudgeAnswer(content: string | null): { score: number; note?: string } {
  const text = content ?? "";
  const start = text.indexOf("{");
  const end = text.lastIndexOf("}");
  let v: unknown;
  try {
    v = JSON.parse(text.slice(start, end + 1));
  } catch {
    throw new Error(`the judging model's answer is not {"score", "reason"}: ${JSON.stringify(text.slice(0, 200))}`);
  }
  const o = v as { score?: unknown; reason?: unknown };
  if (typeof o.score !== "number" || o.score < 0 || o.score > 1)
    throw new Error(`the judging model's score is not a number in 0..1: ${JSON.stringify(text.slice(0, 200))}`);
  return { score: o.score, ...(typeof o.reason === "string" ? { note: o.reason } : {}) };
}

function clip(text: string, width: number): string {
  const line = terminalLine(text);
  return line.length <= width ? line : `${line.slice(0, Math.max(1, width - 1))}…`;
}

/** A line made of safe pieces, cut to `width` (its spacing kept). */
function cut(line: string, width: number): string {
  return line.length <= width ? line : `${line.slice(0, Math.max(1, width - 1))}…`;
}

function pad(text: string, width: number): string {
  return text.length >= width ? text : text + " ".repeat(width - text.length);
}

const usd = (n: number | undefined) => (n === undefined ? "-" : `$${n.toFixed(4)}`);
const tok = (t: { input: number; output: number }) => `${t.input}+${t.output}`;

/** The report as a readable table: one row per run, its answers side by side, then the totals (terminal-safe). */
export function renderEval(r: EvalReport, o: { width?: number } = {}): string {
  const width = Math.max(60, o.width ?? 120);
  const lines: string[] = [];
  const change = Object.entries(r.change)
    .map(([k, v]) => `${k}=${typeof v === "string" ? v : JSON.stringify(v)}`)
    .join(" ");
  lines.push(clip(`cairn eval: ${r.runs.length} runs, change: ${change || "none"}`, width));
  const head = ["run", "agent", "old → new", "same", "diverges", "tokens old → new", "score"];
  const rows = r.runs.map((x) => [
    x.runId,
    x.agent,
    `${x.old.status} → ${x.new.status}`,
    x.sameAnswer ? "yes" : "no",
    x.divergence ? `turn ${x.divergence.turn}` : "-",
    `${tok(x.old.tokens)} → ${tok(x.new.tokens)}`,
    x.score !== undefined ? x.score.toFixed(2) : "-",
  ]);
  const cols = head.map((h, i) => Math.min(40, Math.max(h.length, ...rows.map((row) => terminalLine(row[i]!).length))));
  const row = (cells: string[]) =>
    cut(cells.map((c, i) => pad(clip(c, cols[i]!), cols[i]!)).join("  "), width).trimEnd();
  lines.push(row(head));
  for (const [i, x] of r.runs.entries()) {
    lines.push(row(rows[i]!));
    const half = Math.max(20, Math.floor((width - 12) / 2));
    lines.push(
      `    answers: ${pad(clip(x.old.answer ?? `(${x.old.status})`, half), half)} | ${clip(x.new.answer ?? `(${x.new.status})`, half)}`,
    );
    if (x.divergence) {
      const view = (v: EvalTurnView | undefined) =>
        !v
          ? "(no such turn)"
          : v.toolCalls.length
            ? v.toolCalls.map((c) => `${c.name}${c.arguments}`).join(", ")
            : `answer ${v.answer ?? ""}`;
      lines.push(
        `    ${clip(`turn ${x.divergence.turn}: old ${view(x.divergence.old)} | new ${view(x.divergence.new)}`, width - 4)}`,
      );
    }
    if (x.stopped) lines.push(`    ${clip(`stopped: ${x.stopped.reason}`, width - 4)}`);
    if (x.liveCalls?.length)
      lines.push(
        `    ${clip(`run live (pure): ${x.liveCalls.map((c) => `${c.name} ${c.arguments}`).join(", ")}`, width - 4)}`,
      );
    if (x.error !== undefined) lines.push(`    ${clip(`error: ${x.error}`, width - 4)}`);
    if (x.note !== undefined) lines.push(`    ${clip(`judge: ${x.note}`, width - 4)}`);
  }
  const t = r.totals;
  lines.push(
    clip(
      `totals: ${t.runs} runs, ${t.sameAnswer} same answer, ${t.diverged} diverged, ${t.stopped} stopped, ${t.errors} errors; tokens ${tok(t.tokens.old)} → ${tok(t.tokens.new)}; cost ${usd(t.costUsd.old)} → ${usd(t.costUsd.new)}; model time ${Math.round(t.modelMs.old)} ms → ${Math.round(t.modelMs.new)} ms${t.score ? `; mean score ${t.score.mean.toFixed(2)} over ${t.score.scored}` : ""}`,
      width * 2,
    ),
  );
  return lines.join("\n");
}
