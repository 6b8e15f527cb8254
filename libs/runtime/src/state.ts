import { safeToolToken } from "./tokens.js";
import { judgeProvider } from "./guard.js";
import { countTurn, loopCounts, loopPause, resetLoop, type LoopCounts } from "./loop.js";
import { checkOutput, DEFAULT_OUTPUT_ATTEMPTS, outputSchemaProblem, type OutputCheck } from "./output.js";
import { HANDOFF_TOOL, handoffTo, nextAgent, turnAgent } from "./team.js";
import {
  decode,
  messageSha256,
  type Decoded,
  type DecodeErrorKind,
  type RunSubjectKind,
  type LlmResult,
  type RunApproval,
  type RunEnded,
  type RunError,
  type AgentSpec,
  type RunGuard,
  type CheckResult,
  type RunMessage,
  type RunSignal,
  type RunSubmitted,
  type RunStatus,
  type Subjects,
  type SummaryResult,
  type HistoryEntry,
  type ToolAmbiguous,
  type ToolResult,
} from "@cairn/protocol";

export interface TurnState {
  turn: number;
  llmSeq: number;
  llm: LlmResult;
  /** Tool results by call index; undefined while pending. */
  results: (ToolResult | undefined)[];
  resultCount: number;
  /** A final answer (no tool calls) of an agent with structured output: the check of it against the schema. */
  output?: OutputCheck;
  /** Users' messages the model read first in this turn's prompt (after the previous turn): see RunState.pendingMessages. */
  messagesBefore?: RunMessage[];
  /** The agent that made this turn, when the run had been handed to another than the submitted one. */
  agent?: string;
}

/**
 * A run folded from its events. The same reducer runs in the planner, the llm-caller, `cairn
 * status` and replay, so they all agree on what happened.
 */
export interface RunState {
  runId: string;
  /** Stream sequence of the last entry folded in (0 before any). */
  lastSeq: number;
  /** Entries folded in (every event of the run up to lastSeq, ignored ones included). */
  events: number;
  /** Sequence of the last model response folded in (0 before any), and of every entry folded since. */
  lastLlmSeq: number;
  sinceLlm: number[];
  submitted?: RunSubmitted;
  submittedAt?: string;
  /** Set when the submission could not be decoded or validated. */
  invalidSubmission?: string;
  turns: TurnState[];
  cancel?: RunSignal;
  ended?: RunEnded;
  /** Problems recorded on the run (error records; retry notices are counted in `retryNotices`). */
  errors: RunError[];
  /** Retry notices: failed attempts of steps that were handed back to be retried (error records with `retryAt`). */
  retryNotices: number;
  usage: { inputTokens: number; outputTokens: number };
  toolCalls: number;
  /**
   * Results, approvals and endings written before the run's submission: held until it, then folded
   * if the submission is a fork that declares them as its copied prefix, and rejected otherwise.
   */
  held: HistoryEntry[];
  /** Messages the fold refused (never folded): a result for a call never commanded, a forgery... */
  rejected: Rejected[];
  /** Subjects of the rejected messages: a pending call whose result subject is here can never be recorded. */
  rejectedSubjects: Set<string>;
  /** Human decisions on calls that require approval, by "<turn>.<index>". */
  approvals: Map<string, RunApproval>;
  /** Summaries of older turns (context compaction), by the turn whose prompt they were made for; in turn order. */
  summaries: SummaryResult[];
  /** Human decisions on going past a budget, by the model turn they were asked before. */
  budgetApprovals: Map<number, RunApproval>;
  /** Stream time of the last entry the planner decides on (not an error record, not an ignored entry). */
  decisionTime: string;
  /** Where the current budget started: the last approval to go past one (usage, cost and time then). */
  budgetBase?: { tokens: number; costUsd: number; time: string };
  /** Human decisions on going on after the stuck-loop guard tripped, by the model turn they were asked before. */
  loopApprovals: Map<number, RunApproval>;
  /** The stuck-loop guard's counts, for a run whose agent has one (`loopGuard`): see LoopCounts. */
  loop?: LoopCounts;
  /** Final answers that failed the agent's output schema (structured output): see outputRetry. */
  invalidOutputs: number;
  /** Users' messages (cairn send), in log order. */
  messages: RunMessage[];
  /**
   * Messages with text that no recorded model turn has read yet. A turn's prompt ends with the
   * messages recorded up to its command's history sequence; when its response is folded, those
   * (seq ≤ the response's historySeq) move to the turn's `messagesBefore`, and the later ones wait
   * for the next turn — so every prompt is rebuilt from the log alone.
   */
  pendingMessages: { seq: number; message: RunMessage }[];
  /** Messages that a model answer has followed (see RunStatus.answeredMessages). */
  answeredMessages: number;
  /** The first message that asked a conversation to end (after its next answer). */
  endRequested?: RunMessage;
  /** The agent the run was last handed to (its next model turn is that agent's); undefined: the submitted one. */
  activeAgent?: string;
  /** Handoffs, in log order: the call that made each, and the agents from and to. */
  handoffs: { turn: number; index: number; from: string; to: string }[];
  /** Guardrails' verdicts, by "<turn>.<point>" (input: turn 1). */
  guards: Map<string, RunGuard>;
  /** Human decisions on runs a tripped guardrail paused, by the verdict's "<turn>.<point>". */
  guardApprovals: Map<string, RunApproval>;
  /** Model-judged guardrails' checks, in order (check n is `checks[n - 1]`). */
  checks: CheckResult[];
  /**
   * Calls whose outcome is ambiguous — a reconcile or irreversible tool started and left no
   * result — by "<turn>.<index>": the last round recorded, and the human's decision on it once
   * made (approve: rerun round + 1; deny: a failure; approve with `result`: that result).
   */
  ambiguities: Map<string, { record: ToolAmbiguous; decision?: RunApproval }>;
}

/** A message of the run's log that the fold refused, and why. */
export interface Rejected {
  seq: number;
  subject: string;
  reason: string;
}

/** What folding one entry did, for the planner's decision. */
export type Applied = {
  seq: number;
  time: string;
  /** Set when the entry could not be decoded or failed its schema (it was rejected; a corrupt end or submission fails the run). */
  invalid?: { kind: DecodeErrorKind; message: string };
} & (
  | { kind: "submitted" }
  | { kind: "llm-result"; turn: number }
  | { kind: "tool-result"; turn: number; index: number }
  | { kind: "cancel" }
  | { kind: "approval"; turn: number; index: number }
  /** A call's outcome became ambiguous (a human decides), or a human decided on it. */
  | { kind: "ambiguity"; turn: number; index: number }
  | { kind: "summary"; turn: number }
  | { kind: "budget-approval"; turn: number }
  | { kind: "loop-approval"; turn: number }
  | { kind: "message"; n: number }
  | { kind: "guard"; turn: number }
  | { kind: "guard-approval"; turn: number }
  /** A model-judged guardrail's check `n` was recorded. */
  | { kind: "check"; n: number }
  | { kind: "error" }
  | { kind: "ended" }
  | { kind: "ignored"; reason: string }
  /** Refused, never folded (see RunState.rejected): a result nobody asked for, a forgery. */
  | { kind: "rejected"; reason: string }
);

export function emptyRun(runId: string): RunState {
  return {
    runId,
    lastSeq: 0,
    events: 0,
    lastLlmSeq: 0,
    sinceLlm: [],
    turns: [],
    errors: [],
    retryNotices: 0,
    usage: { inputTokens: 0, outputTokens: 0 },
    toolCalls: 0,
    held: [],
    rejected: [],
    rejectedSubjects: new Set(),
    approvals: new Map(),
    summaries: [],
    budgetApprovals: new Map(),
    loopApprovals: new Map(),
    decisionTime: "",
    invalidOutputs: 0,
    messages: [],
    pendingMessages: [],
    answeredMessages: 0,
    handoffs: [],
    guards: new Map(),
    guardApprovals: new Map(),
    checks: [],
    ambiguities: new Map(),
  };
}

const MAX_MESSAGE = Number.POSITIVE_INFINITY;

function parseArgsCount(llm: LlmResult): number {
  return llm.ok ? (llm.toolCalls?.length ?? 0) : 0;
}

/**
 * Folds one log entry into `state` (mutating it: the fold is the only writer) and says what
 * changed. Entries that cannot be decoded, carry JetStream's own headers (reflected), or are not
 * what the log calls for are rejected (never folded; see Rejected): a step whose subject one took
 * then fails the run in `decide`, so a corrupt message never wedges a run nor stands in for a
 * step. Entries at or below `state.lastSeq` are ignored.
 */
export function applyEntry(state: RunState, entry: HistoryEntry, subjects: Subjects): Applied {
  let invalid: Applied["invalid"];
  const note = <T>(d: Decoded<T>): Decoded<T> => {
    if (!d.ok) invalid = { kind: d.kind, message: d.message };
    return d;
  };
  const before = state.lastSeq;
  const f = fold(state, entry, subjects, note);
  if (state.lastSeq > before) {
    if (f.kind !== "error" && f.kind !== "ignored") state.decisionTime = entry.time;
    if (f.kind === "llm-result") {
      state.lastLlmSeq = entry.seq;
      state.sinceLlm = [];
    } else state.sinceLlm.push(entry.seq);
  }
  // `f` is a fresh object from fold: completed in place rather than copied (every event's path).
  const a = f as Folded & { time: string; invalid?: Applied["invalid"] };
  a.seq = entry.seq;
  a.time = entry.time;
  if (invalid) a.invalid = invalid;
  return a as Applied;
}

type Folded = { kind: Applied["kind"]; seq: number; turn?: number; index?: number; n?: number; reason?: string };

/** Kinds that only follow a submission: written before it, they are held (see RunState.held). */
const AFTER_SUBMISSION = new Set<RunSubjectKind["kind"]>([
  "llm-result",
  "tool-result",
  "summary-result",
  "approval",
  "ambiguity-approval",
  "tool-ambiguous",
  "tool-started",
  "budget-approval",
  "loop-approval",
  "message",
  "guard",
  "guard-approval",
  "check-result",
  "ended",
]);

function reject(state: RunState, entry: HistoryEntry, reason: string): Folded {
  state.rejected.push({ seq: entry.seq, subject: entry.subject, reason });
  state.rejectedSubjects.add(entry.subject);
  return { kind: "rejected", seq: entry.seq, reason };
}

function fold(
  state: RunState,
  entry: HistoryEntry,
  subjects: Subjects,
  note: <T>(d: Decoded<T>) => Decoded<T>,
): Folded {
  const seq = entry.seq;
  if (seq <= state.lastSeq) return { kind: "ignored", seq, reason: "already folded" };
  state.lastSeq = seq;
  state.events++;
  const parsed = subjects.parse(entry.subject);
  if (!parsed || parsed.runId !== state.runId) return { kind: "ignored", seq, reason: "not this run" };
  if (state.ended && parsed.what.kind !== "error") return { kind: "ignored", seq, reason: "run already ended" };
  if (entry.reflected && parsed.what.kind !== "unknown")
    return reject(state, entry, "a JetStream response reflected onto this subject, not a writer's message");
  if (!state.submitted && !state.invalidSubmission && AFTER_SUBMISSION.has(parsed.what.kind)) {
    state.held.push(entry);
    return {
      kind: "ignored",
      seq,
      reason: "before the run's submission: held until it (folded only if the submission is a fork that declares it)",
    };
  }
  return foldKind(state, entry, parsed.what, subjects, note);
}

/** At the submission: each held entry is folded if the fork declares it, and rejected otherwise. */
function releaseHeld(state: RunState, subjects: Subjects, note: <T>(d: Decoded<T>) => Decoded<T>): void {
  const held = state.held;
  state.held = [];
  const fork = state.submitted?.forkedFrom;
  const declared = fork?.prefix ? new Set(fork.prefix.map((p) => `${p.subject} ${p.sha256}`)) : undefined;
  for (const e of held) {
    const copied =
      fork !== undefined && (declared === undefined || declared.has(`${e.subject} ${messageSha256(e.data)}`));
    if (!copied) {
      reject(
        state,
        e,
        fork
          ? "written before the fork's submission and not in the prefix it declares"
          : "written before the run's submission",
      );
      continue;
    }
    const what = subjects.parse(e.subject)?.what;
    if (what && !state.ended) foldKind(state, e, what, subjects, note);
  }
}

function foldKind(
  state: RunState,
  entry: HistoryEntry,
  w: Readonly<RunSubjectKind>,
  subjects: Subjects,
  note: <T>(d: Decoded<T>) => Decoded<T>,
): Folded {
  const seq = entry.seq;
  switch (w.kind) {
    case "submitted": {
      if (state.submitted || state.invalidSubmission) return { kind: "ignored", seq, reason: "duplicate submission" };
      const d = note(decode<RunSubmitted>("RunSubmitted", entry.data, MAX_MESSAGE));
      const schemaProblem = d.ok ? outputSchemaProblem(d.value.agent) : undefined;
      if (d.ok && d.value.runId === state.runId && schemaProblem === undefined) {
        state.submitted = d.value;
        state.submittedAt = d.value.submittedAt;
        state.loop = loopCounts(d.value.agent);
      } else if (schemaProblem !== undefined) {
        state.invalidSubmission = schemaProblem;
        state.submittedAt = entry.time;
      } else {
        state.invalidSubmission = d.ok ? "runId in the message does not match its subject" : `${d.kind}: ${d.message}`;
        state.submittedAt = entry.time;
      }
      if (state.held.length) releaseHeld(state, subjects, note);
      return { kind: "submitted", seq };
    }
    case "llm-result": {
      if (state.turns[w.turn - 1]) return { kind: "ignored", seq, reason: "duplicate llm result" };
      if (w.turn !== state.turns.length + 1 || !awaitsModel(state) || guardHolds(state))
        return reject(state, entry, `model response for turn ${w.turn}, which the run has not asked for`);
      const d = note(decode<LlmResult>("LlmResult", entry.data, MAX_MESSAGE));
      if (!d.ok) return reject(state, entry, `unreadable model response (${d.kind}: ${d.message})`);
      if (d.value.runId !== state.runId || d.value.turn !== w.turn)
        return reject(state, entry, "model response whose run or turn differs from its subject");
      const llm: LlmResult = d.value;
      const t: TurnState = {
        turn: w.turn,
        llmSeq: seq,
        llm,
        results: new Array<ToolResult | undefined>(parseArgsCount(llm)).fill(undefined),
        resultCount: 0,
      };
      if (state.activeAgent !== undefined) t.agent = state.activeAgent;
      const spec = nextAgent(state)?.output;
      if (spec && llm.ok && t.results.length === 0) {
        t.output = checkOutput(spec, llm.content, llm.contentRef !== undefined);
        if (!t.output.ok) state.invalidOutputs++;
      }
      // The messages its prompt ended with: those recorded up to its command's history sequence.
      if (state.pendingMessages.length) {
        const upTo = llm.historySeq ?? seq;
        const read = state.pendingMessages.filter((m) => m.seq <= upTo);
        if (read.length) {
          t.messagesBefore = read.map((m) => m.message);
          state.pendingMessages = state.pendingMessages.filter((m) => m.seq > upTo);
        }
      }
      if (llm.ok && t.results.length === 0 && t.output?.ok !== false)
        state.answeredMessages = state.messages.length - state.pendingMessages.length;
      state.turns.push(t);
      if (llm.usage) {
        state.usage.inputTokens += llm.usage.inputTokens;
        state.usage.outputTokens += llm.usage.outputTokens;
      }
      state.toolCalls += parseArgsCount(llm);
      return { kind: "llm-result", seq, turn: w.turn };
    }
    case "tool-result": {
      const turn = state.turns[w.turn - 1];
      if (!turn) return reject(state, entry, `tool result for turn ${w.turn}, which no model response has asked for`);
      const call = turn.llm.toolCalls?.[w.index];
      if (!call)
        return reject(
          state,
          entry,
          `tool result for call ${w.index} of turn ${w.turn}, which the model did not ask for`,
        );
      if (w.tool !== undefined && w.tool !== safeToolToken(call.name))
        return reject(
          state,
          entry,
          `tool result of ${JSON.stringify(w.tool)} for a call to ${JSON.stringify(call.name)}`,
        );
      if (turn.results[w.index]) return reject(state, entry, "a result for this call is already recorded");
      const maker = turnAgent(state, turn);
      const gated = maker?.tools.some((t) => t.name === call.name && t.requiresApproval) === true;
      const gate = gated ? state.approvals.get(`${w.turn}.${w.index}`) : undefined;
      if (gated && !gate) return reject(state, entry, "tool result for a call that waits for a human's approval");
      const d = note(decode<ToolResult>("ToolResult", entry.data, MAX_MESSAGE));
      if (!d.ok) return reject(state, entry, `unreadable tool result (${d.kind}: ${d.message})`);
      {
        const r = d.value;
        // (a runner that could not read its command records the failure with no call id: kind invalid_command)
        const unreadCommand = !r.ok && r.error?.kind === "invalid_command" && r.callId === "";
        const wrong =
          r.runId !== state.runId
            ? "run"
            : r.turn !== w.turn || r.index !== w.index
              ? "turn/index"
              : r.callId !== call.id && !unreadCommand
                ? "call id"
                : r.tool !== call.name && !unreadCommand
                  ? "tool"
                  : undefined;
        if (wrong) return reject(state, entry, `tool result whose ${wrong} differs from the call it is recorded for`);
        if (gate?.decision === "deny" && (r.ok || r.error?.kind !== "denied"))
          return reject(state, entry, "a result other than the denial for a call a human denied");
      }
      turn.results[w.index] = d.value;
      turn.resultCount++;
      // A handoff the planner accepted: the next model turn is the named agent's.
      const to =
        call.name === HANDOFF_TOOL && d.value.ok && maker ? handoffTo(state, maker, call.arguments) : undefined;
      if (to !== undefined) {
        state.handoffs.push({ turn: w.turn, index: w.index, from: maker!.name, to });
        state.activeAgent = to;
      }
      if (state.loop && turn.resultCount === turn.results.length) countTurn(state.loop, turn);
      return { kind: "tool-result", seq, turn: w.turn, index: w.index };
    }
    case "signal": {
      const d = note(decode<RunSignal>("RunSignal", entry.data, MAX_MESSAGE));
      if (!d.ok || d.value.runId !== state.runId)
        return reject(state, entry, d.ok ? "signal for another run" : `unreadable signal (${d.kind}: ${d.message})`);
      if (d.value.signal === "cancel" && !state.cancel) {
        state.cancel = d.value;
        return { kind: "cancel", seq };
      }
      return { kind: "ignored", seq, reason: "signal already seen" };
    }
    case "approval": {
      const key = `${w.turn}.${w.index}`;
      if (state.approvals.has(key)) return { kind: "ignored", seq, reason: "duplicate approval" };
      const turn = state.turns[w.turn - 1];
      const call = turn?.llm.toolCalls?.[w.index];
      if (!turn || !call || !turnAgent(state, turn)?.tools.some((t) => t.name === call.name && t.requiresApproval)) {
        return reject(
          state,
          entry,
          `approval for call ${w.index} of turn ${w.turn}, which is no call waiting for approval`,
        );
      }
      if (turn.results[w.index]) return reject(state, entry, "approval for a call whose result is recorded");
      const d = note(decode<RunApproval>("RunApproval", entry.data, MAX_MESSAGE));
      if (!d.ok) return reject(state, entry, `unreadable approval (${d.kind}: ${d.message})`);
      if (d.value.callId !== call.id || d.value.turn !== w.turn || d.value.index !== w.index)
        return reject(state, entry, "approval whose call differs from the call it is recorded for");
      if (d.value.arguments !== undefined) {
        const spec = turnAgent(state, turn)?.tools.find((t) => t.name === call.name);
        if (!spec?.argsEditable || d.value.decision !== "approve")
          return reject(
            state,
            entry,
            d.value.decision !== "approve"
              ? "a denial with edited arguments"
              : `an approval with edited arguments for tool ${JSON.stringify(call.name)}, whose arguments the agent does not let an approver edit (argsEditable)`,
          );
        if (!isJsonObject(d.value.arguments))
          return reject(state, entry, "an approval whose edited arguments are not a JSON object");
      }
      state.approvals.set(key, d.value);
      return { kind: "approval", seq, turn: w.turn, index: w.index };
    }
    case "tool-started": {
      // A marker the tool-runner writes for itself (the next delivery reads it): nothing to decide.
      return { kind: "ignored", seq, reason: "a tool's start marker (the tool-runner's own)" };
    }
    case "tool-ambiguous": {
      const turn = state.turns[w.turn - 1];
      const call = turn?.llm.toolCalls?.[w.index];
      if (!turn || !call || w.tool !== safeToolToken(call.name))
        return reject(state, entry, `ambiguity of call ${w.index} of turn ${w.turn}, which is no call to ${w.tool}`);
      if (turn.results[w.index]) return reject(state, entry, "ambiguity of a call whose result is recorded");
      const key = `${w.turn}.${w.index}`;
      // (a call waiting for a human's approval, or denied, was never commanded: it cannot have started)
      const gated = turnAgent(state, turn)?.tools.some((t) => t.name === call.name && t.requiresApproval) === true;
      if (gated && state.approvals.get(key)?.decision !== "approve")
        return reject(state, entry, "ambiguity of a call that no human approved to run");
      const prev = state.ambiguities.get(key);
      // round 0: the call's command; round n: the rerun a human approved after round n - 1
      const expected = prev ? prev.record.round + 1 : 0;
      if (prev && (prev.decision?.decision !== "approve" || prev.decision.result !== undefined))
        return reject(state, entry, "ambiguity of a call no human asked to run again");
      if (w.round !== expected)
        return reject(state, entry, `ambiguity of round ${w.round} of a call whose next round is ${expected}`);
      const d = note(decode<ToolAmbiguous>("ToolAmbiguous", entry.data, MAX_MESSAGE));
      if (!d.ok) return reject(state, entry, `unreadable ambiguity record (${d.kind}: ${d.message})`);
      const r = d.value;
      if (
        r.runId !== state.runId ||
        r.turn !== w.turn ||
        r.index !== w.index ||
        r.round !== w.round ||
        r.callId !== call.id
      )
        return reject(state, entry, "ambiguity record whose call differs from its subject");
      state.ambiguities.set(key, { record: r });
      return { kind: "ambiguity", seq, turn: w.turn, index: w.index };
    }
    case "ambiguity-approval": {
      const key = `${w.turn}.${w.index}`;
      const amb = state.ambiguities.get(key);
      if (!amb || amb.record.round !== w.round)
        return reject(
          state,
          entry,
          `decision on round ${w.round} of call ${w.index} of turn ${w.turn}, whose outcome is not ambiguous`,
        );
      if (amb.decision) return { kind: "ignored", seq, reason: "duplicate decision" };
      if (state.turns[w.turn - 1]?.results[w.index])
        return reject(state, entry, "decision on a call whose result is recorded");
      const d = note(decode<RunApproval>("RunApproval", entry.data, MAX_MESSAGE));
      if (!d.ok) return reject(state, entry, `unreadable decision (${d.kind}: ${d.message})`);
      const a = d.value;
      if (a.callId !== amb.record.callId || a.turn !== w.turn || a.index !== w.index || a.round !== w.round)
        return reject(state, entry, "decision whose call differs from the call it is recorded for");
      if (a.arguments !== undefined)
        return reject(state, entry, "a decision on an ambiguous call with edited arguments");
      if (a.result !== undefined && a.decision !== "approve") return reject(state, entry, "a denial with a result");
      amb.decision = a;
      return { kind: "ambiguity", seq, turn: w.turn, index: w.index };
    }
    case "budget-approval": {
      if (state.budgetApprovals.has(w.turn)) return { kind: "ignored", seq, reason: "duplicate budget approval" };
      if (w.turn !== state.turns.length + 1)
        return reject(state, entry, `budget approval for turn ${w.turn}, which is not the next model turn`);
      const d = note(decode<RunApproval>("RunApproval", entry.data, MAX_MESSAGE));
      if (!d.ok) return reject(state, entry, `unreadable budget approval (${d.kind}: ${d.message})`);
      state.budgetApprovals.set(w.turn, d.value);
      // An approval starts another budget of the same size from here: tokens, cost and time.
      if (d.value.decision === "approve")
        state.budgetBase = {
          tokens: state.usage.inputTokens + state.usage.outputTokens,
          costUsd: costUsd(state) ?? 0,
          time: entry.time,
        };
      return { kind: "budget-approval", seq, turn: w.turn };
    }
    case "loop-approval": {
      if (state.loopApprovals.has(w.turn)) return { kind: "ignored", seq, reason: "duplicate loop approval" };
      if (w.turn !== state.turns.length + 1 || !awaitsModel(state))
        return reject(state, entry, `loop approval for turn ${w.turn}, which is not the next model turn`);
      const d = note(decode<RunApproval>("RunApproval", entry.data, MAX_MESSAGE));
      if (!d.ok) return reject(state, entry, `unreadable loop approval (${d.kind}: ${d.message})`);
      if (d.value.runId !== state.runId || d.value.turn !== w.turn)
        return reject(state, entry, "loop approval whose run or turn differs from its subject");
      state.loopApprovals.set(w.turn, d.value);
      // Going on starts the guard's counts again from this turn.
      if (d.value.decision === "approve" && state.loop) resetLoop(state.loop, w.turn);
      return { kind: "loop-approval", seq, turn: w.turn };
    }
    case "message": {
      const d = note(decode<RunMessage>("RunMessage", entry.data, MAX_MESSAGE));
      if (!d.ok) return reject(state, entry, `unreadable message (${d.kind}: ${d.message})`);
      if (d.value.runId !== state.runId || d.value.n !== w.n)
        return reject(state, entry, "message whose run or number differs from its subject");
      if (d.value.text === undefined && !d.value.end)
        return reject(state, entry, "a message with neither text nor end");
      const m: RunMessage = d.value;
      state.messages.push(m);
      if (m.text !== undefined) state.pendingMessages.push({ seq, message: m });
      if (m.end && !state.endRequested) state.endRequested = m;
      return { kind: "message", seq, n: w.n };
    }
    case "guard": {
      const key = `${w.turn}.${w.point}`;
      if (state.guards.has(key)) return { kind: "ignored", seq, reason: "duplicate guardrail verdict" };
      const d = note(decode<RunGuard>("RunGuard", entry.data, MAX_MESSAGE));
      if (!d.ok) return reject(state, entry, `unreadable guardrail verdict (${d.kind}: ${d.message})`);
      if (d.value.runId !== state.runId || d.value.turn !== w.turn || d.value.point !== w.point)
        return reject(state, entry, "guardrail verdict whose run, turn or point differs from its subject");
      const fits =
        w.point === "input"
          ? w.turn === 1 && state.turns.length === 0
          : state.turns.length === w.turn && state.turns[w.turn - 1]!.results.length === 0;
      if (!fits)
        return reject(state, entry, `guardrail verdict for ${w.point} of turn ${w.turn}, which is not checked now`);
      state.guards.set(key, d.value);
      return { kind: "guard", seq, turn: w.turn };
    }
    case "guard-approval": {
      const paused = guardPause(state);
      // `.guard-input` decides the task's pause; `.guard` an answer's (and, in logs before the two
      // subjects, the task's: then it is the one recorded)
      const point = w.point ?? (paused?.turn === w.turn && paused.point === "input" ? "input" : "output");
      if (
        state.guardApprovals.has(`${w.turn}.${point}`) ||
        (w.point === undefined && !paused && state.guardApprovals.has(`${w.turn}.input`))
      )
        return { kind: "ignored", seq, reason: "duplicate guardrail approval" };
      if (!paused || paused.turn !== w.turn || paused.point !== point)
        return reject(
          state,
          entry,
          `guardrail approval for the ${point === "input" ? "task" : "answer"} of turn ${w.turn}, where no tripped guardrail waits`,
        );
      const d = note(decode<RunApproval>("RunApproval", entry.data, MAX_MESSAGE));
      if (!d.ok) return reject(state, entry, `unreadable guardrail approval (${d.kind}: ${d.message})`);
      if (d.value.runId !== state.runId || d.value.turn !== w.turn)
        return reject(state, entry, "guardrail approval whose run or turn differs from its subject");
      state.guardApprovals.set(`${w.turn}.${point}`, d.value);
      return { kind: "guard-approval", seq, turn: w.turn };
    }
    case "check-result": {
      // Asked for one at a time, in order, while the point's verdict waits for it (see decide's gate).
      if (w.n <= state.checks.length) return { kind: "ignored", seq, reason: "duplicate check" };
      if (w.n !== state.checks.length + 1)
        return reject(state, entry, `check ${w.n}, which the run has not asked for (next: ${state.checks.length + 1})`);
      const d = note(decode<CheckResult>("CheckResult", entry.data, MAX_MESSAGE));
      if (!d.ok) return reject(state, entry, `unreadable check (${d.kind}: ${d.message})`);
      const c = d.value;
      if (c.runId !== state.runId || c.n !== w.n)
        return reject(state, entry, "check whose run or number differs from its subject");
      // only the check the run waits for: the first model-judged guardrail of the point not judged yet
      const p = pendingCheck(state);
      if (!p || p.turn !== c.turn || p.point !== c.point || p.guardrail !== c.guardrail)
        return reject(
          state,
          entry,
          `check of ${c.point} guardrail ${JSON.stringify(c.guardrail)} for turn ${c.turn}, which is not judged now`,
        );
      if (c.ok && typeof c.tripped !== "boolean") return reject(state, entry, "a check with no verdict (tripped)");
      state.checks.push(c);
      if (c.usage) {
        state.usage.inputTokens += c.usage.inputTokens;
        state.usage.outputTokens += c.usage.outputTokens;
      }
      return { kind: "check", seq, n: w.n };
    }
    case "summary-result": {
      // Made for the next model turn only; any other is not this run's compaction step.
      if (state.summaries.some((s) => s.turn === w.turn)) return { kind: "ignored", seq, reason: "duplicate summary" };
      if (w.turn !== state.turns.length + 1 || !awaitsModel(state))
        return reject(state, entry, `summary for turn ${w.turn}, which the run has not asked for`);
      const d = note(decode<SummaryResult>("SummaryResult", entry.data, MAX_MESSAGE));
      if (!d.ok) return reject(state, entry, `unreadable summary (${d.kind}: ${d.message})`);
      if (d.value.runId !== state.runId || d.value.turn !== w.turn || d.value.throughTurn >= w.turn)
        return reject(state, entry, "summary whose run, turn or range does not fit its subject");
      const summary: SummaryResult = d.value;
      state.summaries.push(summary);
      if (summary.usage) {
        state.usage.inputTokens += summary.usage.inputTokens;
        state.usage.outputTokens += summary.usage.outputTokens;
      }
      return { kind: "summary", seq, turn: w.turn };
    }
    case "error": {
      const d = note(decode<RunError>("RunError", entry.data, MAX_MESSAGE));
      if (d.ok && d.value.retryAt !== undefined) state.retryNotices++;
      else state.errors.push(d.ok ? d.value : syntheticError(state.runId, entry, `${d.kind}: ${d.message}`, d.kind));
      return { kind: "error", seq };
    }
    case "ended": {
      const d = note(decode<RunEnded>("RunEnded", entry.data, MAX_MESSAGE));
      state.ended = d.ok
        ? d.value
        : {
            v: 1,
            type: "run.ended",
            runId: state.runId,
            status: "failed",
            reason: "corrupt end event",
            turns: state.turns.length,
            usage: { ...state.usage },
            endedAt: entry.time,
          };
      return { kind: "ended", seq };
    }
    default:
      return { kind: "ignored", seq, reason: `not an event subject: ${entry.subject}` };
  }
}

/**
 * The run waits for its next model turn: none yet, the last one's calls all have results, or its
 * final answer failed the output schema and goes back to the model (see outputRetry).
 */
export function awaitsModel(state: RunState): boolean {
  const last = state.turns[state.turns.length - 1];
  return (
    !last ||
    (last.llm.ok && last.results.length > 0 && last.resultCount === last.results.length) ||
    continuesAfterAnswer(state, last)
  );
}

/** The last turn is an answer (no tool calls) and yet the run goes on: a correction, or a conversation's next message. */
export function continuesAfterAnswer(state: RunState, last: TurnState): boolean {
  return outputRetry(state, last) || conversationGoesOn(state, last);
}

/**
 * The agent of a conversation whose last turn is an answer that stands (valid, for an agent with
 * an output schema), in a run that has not ended; undefined otherwise.
 */
export function conversationAnswer(state: RunState, last: TurnState): AgentSpec | undefined {
  const a = turnAgent(state, last);
  return a?.conversation === true &&
    !state.ended &&
    last.llm.ok &&
    last.results.length === 0 &&
    last.output?.ok !== false
    ? a
    : undefined;
}

/** The last turn answered a conversation, and a message came after it: the next turn reads it (while turns remain). */
export function conversationGoesOn(state: RunState, last: TurnState): boolean {
  const a = conversationAnswer(state, last);
  return a !== undefined && state.pendingMessages.length > 0 && last.turn < a.maxTurns;
}

/** A conversation that answered and waits for the next message (nor has one asked it to end). */
export function awaitingMessage(state: RunState): boolean {
  const last = state.turns[state.turns.length - 1];
  return (
    last !== undefined &&
    conversationAnswer(state, last) !== undefined &&
    !state.cancel &&
    !state.endRequested &&
    state.pendingMessages.length === 0
  );
}

/**
 * A final answer that failed the agent's output schema goes back to the model as a new turn while
 * fewer than `output.maxAttempts` answers failed and turns remain (maxTurns); otherwise the run
 * ends failed (`invalid_output`).
 */
export function outputRetry(state: RunState, last: TurnState): boolean {
  const a = turnAgent(state, last);
  if (!a?.output || last.output?.ok !== false || state.ended) return false;
  return state.invalidOutputs < (a.output.maxAttempts ?? DEFAULT_OUTPUT_ATTEMPTS) && last.turn < a.maxTurns;
}

function isJsonObject(text: string): boolean {
  try {
    const v: unknown = JSON.parse(text);
    return typeof v === "object" && v !== null && !Array.isArray(v);
  } catch {
    return false;
  }
}

function syntheticError(runId: string, entry: HistoryEntry, message: string, kind: string): RunError {
  return {
    v: 1,
    type: "run.error",
    runId,
    service: "reducer",
    subject: entry.subject,
    seq: entry.seq,
    error: { kind, message },
    at: entry.time,
  };
}

/** Folds a whole history. */
export function reduceRun(runId: string, entries: Iterable<HistoryEntry>, subjects: Subjects): RunState {
  const s = emptyRun(runId);
  for (const e of entries) applyEntry(s, e, subjects);
  return s;
}

/**
 * Whether a guardrail holds the run before its next model call: the point before it (the task, or
 * a conversation's last answer) has guardrails and no verdict yet, or a verdict that tripped and
 * waits for a human. A model response then is none the run asked for.
 */
function guardHolds(state: RunState): boolean {
  const sub = state.submitted;
  if (!sub) return false;
  const last = state.turns[state.turns.length - 1];
  let key: string;
  if (!last) {
    if (!sub.agent.guardrails?.input?.length) return false;
    key = "1.input";
  } else {
    const a = conversationAnswer(state, last);
    if (!a?.guardrails?.output?.length) return false;
    key = `${last.turn}.output`;
  }
  const v = state.guards.get(key);
  return !v || (v.tripped && state.guardApprovals.get(key)?.decision !== "approve");
}

/**
 * The model-judged guardrail the run waits on: the point (the task before turn 1, or the last
 * answer) whose verdict is not recorded, and its first model-judged guardrail without a recorded
 * check. (Read from the log alone: a pure or code guardrail before it that trips is recorded by
 * the planner at once, ending the wait.)
 */
export function pendingCheck(
  state: RunState,
): { turn: number; point: "input" | "output"; guardrail: string; provider: string } | undefined {
  const sub = state.submitted;
  if (!sub || state.ended || state.cancel) return undefined;
  const last = state.turns[state.turns.length - 1];
  let at: { turn: number; point: "input" | "output"; agent: AgentSpec };
  if (!last) at = { turn: 1, point: "input", agent: sub.agent };
  else if (last.llm.ok && !last.llm.toolCalls?.length && last.output?.ok !== false)
    at = { turn: last.turn, point: "output", agent: turnAgent(state, last) ?? sub.agent };
  else return undefined;
  if (state.guards.has(`${at.turn}.${at.point}`)) return undefined;
  const g = at.agent.guardrails?.[at.point]?.find(
    (x) => x.model && !state.checks.some((c) => c.turn === at.turn && c.point === at.point && c.guardrail === x.name),
  );
  return g
    ? {
        turn: at.turn,
        point: at.point,
        guardrail: g.name,
        provider: safeToolToken(judgeProvider(g, at.agent)),
      }
    : undefined;
}

/** Status of a run as `cairn status` shows it. */
export function runStatus(state: RunState): RunStatus {
  const last = state.turns[state.turns.length - 1];
  const waitingFor: string[] = [];
  const waitingOn: { kind: "llm" | "tool"; name: string }[] = [];
  const check = pendingCheck(state);
  if (!state.ended && (state.submitted || state.invalidSubmission)) {
    if (check) {
      waitingFor.push(`guardrail check ${check.guardrail} (${check.point} of turn ${check.turn})`);
      waitingOn.push({ kind: "llm", name: check.provider });
    } else if (awaitsModel(state)) {
      waitingFor.push(`llm turn ${state.turns.length + 1}`);
      const next = nextAgent(state);
      if (next) waitingOn.push({ kind: "llm", name: next.provider });
    } else if (awaitingMessage(state)) {
      waitingFor.push("a message (cairn send)");
    } else if (last) {
      last.results.forEach((r, i) => {
        const name = last.llm.toolCalls?.[i]?.name;
        if (r) return;
        const amb = state.ambiguities.get(`${last.turn}.${i}`);
        if (amb && !amb.decision) {
          waitingFor.push(
            `a human's decision on tool ${name ?? "?"} (turn ${last.turn}, call ${i}): its outcome is ambiguous — ${amb.record.reason}; approve runs it again, deny records a failure, approve with a result records that result`,
          );
          return;
        }
        waitingFor.push(`tool ${name ?? "?"} (turn ${last.turn}, call ${i})`);
        if (name !== undefined && !waitingOn.some((w) => w.name === name)) waitingOn.push({ kind: "tool", name });
      });
    }
  }
  const approvals = pendingApprovals(state);
  const pause = budgetPause(state);
  const loop = loopPause(state);
  const guard = guardPause(state);
  const s: RunStatus = {
    v: 1,
    runId: state.runId,
    status: state.ended
      ? state.ended.status
      : approvals.length || pause || loop || guard
        ? "awaiting_approval"
        : "running",
    task: state.submitted?.task ?? "",
    agent: state.submitted?.agent.name ?? "",
    turn: state.turns.length,
    toolCalls: state.toolCalls,
    usage: { ...state.usage },
    errors: state.errors.length,
    submittedAt: state.submittedAt ?? "",
    lastSeq: state.lastSeq,
  };
  if (waitingFor.length) s.waitingFor = waitingFor;
  if (waitingOn.length && s.status === "running") s.waitingOn = waitingOn;
  if (approvals.length) s.approvals = approvals;
  if (pause) s.budgetPause = pause;
  if (loop) s.loopPause = loop;
  if (guard) s.guardPause = guard;
  if (state.retryNotices) s.retries = state.retryNotices;
  if (state.messages.length) {
    s.messages = state.messages.length;
    s.answeredMessages = state.answeredMessages;
  }
  if (awaitingMessage(state)) {
    s.awaitingMessage = true;
    const answer = last?.llm.content;
    if (answer !== undefined && answer !== null) s.answer = answer;
    if (last?.output?.ok) s.output = last.output.value;
  }
  const cost = costUsd(state);
  if (cost !== undefined) s.costUsd = cost;
  if (state.ended?.answer !== undefined) s.answer = state.ended.answer;
  if (state.ended?.output !== undefined) s.output = state.ended.output;
  if (state.ended?.reason !== undefined) s.reason = state.ended.reason;
  if (state.ended) s.endedAt = state.ended.endedAt;
  const traceId = traceIdOf(state.submitted?.trace);
  if (traceId) s.traceId = traceId;
  if (state.submitted?.tenant !== undefined) s.tenant = state.submitted.tenant;
  if (state.submitted?.metadata !== undefined) s.metadata = { ...state.submitted.metadata };
  if (state.activeAgent !== undefined && state.activeAgent !== state.submitted?.agent.name)
    s.activeAgent = state.activeAgent;
  return s;
}

/** The trace id of a stored W3C trace context (its `traceparent`), if it holds a valid one. */
function traceIdOf(trace: Record<string, string | undefined> | undefined): string | undefined {
  const m = /^[0-9a-f]{2}-([0-9a-f]{32})-[0-9a-f]{16}-[0-9a-f]{2}$/.exec(
    trace?.["traceparent"]?.trim().toLowerCase() ?? "",
  );
  return m && !/^0+$/.test(m[1]!) ? m[1] : undefined;
}

/** Cost of the run so far in USD, when the agent has pricing. */
export function costUsd(state: RunState): number | undefined {
  const p = state.submitted?.agent.pricing;
  if (!p) return undefined;
  return (state.usage.inputTokens * p.inputPerMTokUsd + state.usage.outputTokens * p.outputPerMTokUsd) / 1_000_000;
}

/** Calls of the last turn that require approval and have neither a decision nor a result. */
export function pendingApprovals(state: RunState): NonNullable<RunStatus["approvals"]> {
  const last = state.turns[state.turns.length - 1];
  const maker = last && turnAgent(state, last);
  if (!last || !maker || state.ended) return [];
  const needs = new Set(maker.tools.filter((t) => t.requiresApproval).map((t) => t.name));
  const editable = new Set(maker.tools.filter((t) => t.requiresApproval && t.argsEditable).map((t) => t.name));
  const out: NonNullable<RunStatus["approvals"]> = [];
  (last.llm.toolCalls ?? []).forEach((c, index) => {
    const amb = last.results[index] ? undefined : state.ambiguities.get(`${last.turn}.${index}`);
    if (amb && !amb.decision) {
      const { round, effect, reason } = amb.record;
      out.push({
        turn: last.turn,
        index,
        callId: c.id,
        tool: c.name,
        arguments: state.approvals.get(`${last.turn}.${index}`)?.arguments ?? c.arguments,
        ambiguous: { round, effect, reason },
      });
      return;
    }
    if (!needs.has(c.name) || last.results[index] || state.approvals.has(`${last.turn}.${index}`)) return;
    out.push({
      turn: last.turn,
      index,
      callId: c.id,
      tool: c.name,
      arguments: c.arguments,
      ...(editable.has(c.name) ? { argsEditable: true } : {}),
      ...(last.llm.content ? { reason: last.llm.content } : {}),
    });
  });
  return out;
}

/**
 * The budget a run has exhausted at `time`, if any: tokens, cost, or deadline. After a human let
 * the run go past a budget (agent `onBudgetExceeded: "approve"`), each budget counts again from
 * that approval: another `maxTokens`, `maxCostUsd` and `deadlineMs` of the same size.
 */
export function overBudget(state: RunState, time: string): { kind: string; message: string } | undefined {
  const a = nextAgent(state);
  if (!a) return undefined;
  const base = state.budgetBase;
  const since = base ? " since the last approval" : "";
  const tokens = state.usage.inputTokens + state.usage.outputTokens - (base?.tokens ?? 0);
  if (a.maxTokens !== undefined && tokens >= a.maxTokens)
    return { kind: "token_budget_exceeded", message: `${tokens} tokens used${since}, budget ${a.maxTokens}` };
  const total = costUsd(state);
  const cost = total === undefined ? undefined : total - (base?.costUsd ?? 0);
  if (a.maxCostUsd !== undefined && cost !== undefined && cost >= a.maxCostUsd)
    return { kind: "cost_budget_exceeded", message: `$${cost.toFixed(6)} spent${since}, budget $${a.maxCostUsd}` };
  if (a.deadlineMs !== undefined && state.submitted) {
    const elapsed = Date.parse(time) - Date.parse(base?.time ?? state.submitted.submittedAt);
    if (elapsed > a.deadlineMs)
      return {
        kind: "deadline_exceeded",
        message: `${elapsed} ms since ${base ? "the last approval" : "submission"}, deadline ${a.deadlineMs} ms`,
      };
  }
  return undefined;
}

/**
 * When the run waits for a human to let it go past a budget (agent `onBudgetExceeded:
 * "approve"`): the model turn it would start next, and the budget it exhausted — at the time of
 * the last event the planner decided on, so status and decision agree.
 */
export function budgetPause(state: RunState): { turn: number; kind: string; message: string } | undefined {
  const agent = nextAgent(state);
  if (!agent || state.ended || state.cancel || agent.onBudgetExceeded !== "approve") return undefined;
  const last = state.turns[state.turns.length - 1];
  const next = !last
    ? 1
    : (last.llm.ok &&
          last.results.length > 0 &&
          last.resultCount === last.results.length &&
          last.turn < agent.maxTurns) ||
        continuesAfterAnswer(state, last)
      ? last.turn + 1
      : undefined;
  if (next === undefined || state.budgetApprovals.has(next)) return undefined;
  const over = overBudget(state, state.decisionTime);
  return over ? { turn: next, ...over } : undefined;
}

/**
 * When the run waits for a human because a guardrail with `onTrip: "pause"` tripped: the verdict's
 * turn and point, the guardrail and why. `cairn approve <runId> guard` goes on as if it had not
 * tripped; `cairn deny <runId> guard` ends the run failed.
 */
export function guardPause(state: RunState): RunStatus["guardPause"] {
  if (state.ended || state.cancel || !state.submitted) return undefined;
  const last = state.turns[state.turns.length - 1];
  const g = !last
    ? state.guards.get("1.input")
    : last.results.length === 0
      ? state.guards.get(`${last.turn}.output`)
      : undefined;
  if (!g?.tripped || g.onTrip !== "pause" || state.guardApprovals.has(`${g.turn}.${g.point}`)) return undefined;
  return { turn: g.turn, point: g.point, guardrail: g.guardrail ?? "?", message: g.message ?? "" };
}
