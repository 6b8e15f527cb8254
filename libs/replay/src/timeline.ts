import { decodeEntry, Subjects, type RunEnded, type RunStatus } from "@cairn/protocol";
import { applyEntry, emptyRun, runStatus } from "@cairn/runtime";
import { relativeSubject, stepsOf, type RunLog } from "./log.js";

type Usage = { inputTokens: number; outputTokens: number };
type ErrorInfo = { kind: string; message: string; retryable?: boolean };

/** What every timeline item has: where it is in the log and when it was written. */
export interface ItemBase {
  seq: number;
  /** Server timestamp of the message (ISO 8601, ms). */
  time: string;
  /** Milliseconds since the first message of the log. */
  atMs: number;
  /** Subject below `<p>.run.<runId>.`. */
  subject: string;
  /** Step number, for events (see `Step`); commands have none. */
  step?: number;
  /** In a fork: this result was copied from the source run (it precedes the fork's submission). */
  copied?: boolean;
  /** In a fork: this tool result was replaced or supplied (`cairn fork --set-result`). */
  edited?: boolean;
  /** Set when the reducer ignored this event, with its reason (a duplicate, a result after the end, …). */
  ignored?: string;
  /** Set when the reducer refused this message (never folded): a result nobody asked for, a forgery; with the reason. */
  rejected?: string;
}

/** One message of the run's log, decoded for reading. `attempts` > 1 means the step was redelivered and redone. */
export type TimelineItem = ItemBase &
  (
    | {
        kind: "submitted";
        task: string;
        agent: TimelineAgent;
        submittedAt: string;
        idempotencyKey?: string;
        forkedFrom?: { runId: string; step: number; seq: number; editedCalls?: string[] };
      }
    | { kind: "llm-command"; turn: number; historySeq: number }
    | {
        kind: "llm-result";
        turn: number;
        ok: boolean;
        content: string | null;
        toolCalls: { id: string; name: string; arguments: string }[];
        finishReason?: string;
        provider?: string;
        model?: string;
        usage?: Usage;
        /** Provider call time, as measured by the llm-caller. */
        latencyMs?: number;
        /** Deliveries of the command when this result was recorded (1 = first try). */
        attempts: number;
        promptHash?: string;
        historySeq?: number;
        error?: ErrorInfo;
        /** Time from the command to this result in the log (queueing, retries and redeliveries included). */
        waitMs?: number;
      }
    | { kind: "summary-command"; turn: number; throughTurn: number; historySeq: number }
    | {
        kind: "summary-result";
        turn: number;
        throughTurn: number;
        ok: boolean;
        content?: string;
        model?: string;
        usage?: Usage;
        latencyMs?: number;
        attempts: number;
        promptHash?: string;
        error?: ErrorInfo;
        waitMs?: number;
      }
    /** A model-judged guardrail's check asked for (the run's `n`-th): the judging model reads the task (input) or the answer of `turn` (output). */
    | {
        kind: "check-command";
        n: number;
        turn: number;
        point: "input" | "output";
        guardrail: string;
        historySeq: number;
      }
    /** The judging model's verdict on check `n` (ok false: no verdict — the guardrail trips with a pause). */
    | {
        kind: "check-result";
        n: number;
        turn: number;
        point: "input" | "output";
        guardrail: string;
        ok: boolean;
        /** The model's verdict (ok true). */
        tripped?: boolean;
        /** Why, in the model's words. */
        reason?: string;
        provider?: string;
        model?: string;
        usage?: Usage;
        latencyMs?: number;
        attempts: number;
        promptHash?: string;
        historySeq?: number;
        error?: ErrorInfo;
        waitMs?: number;
      }
    | {
        kind: "tool-command";
        turn: number;
        index: number;
        callId: string;
        tool: string;
        arguments: string;
        idempotencyKey: string;
        historySeq?: number;
        /** A rerun a human asked for after the call's outcome was ambiguous (round ≥ 1). */
        round?: number;
      }
    /** A call that was started and left no result, of a tool whose effect cannot be re-run blindly: a human decides. */
    | {
        kind: "ambiguous";
        turn: number;
        index: number;
        callId: string;
        tool: string;
        round: number;
        effect: "reconcile" | "irreversible";
        reason: string;
      }
    | {
        kind: "tool-result";
        turn: number;
        index: number;
        callId: string;
        tool: string;
        ok: boolean;
        output?: string;
        error?: ErrorInfo;
        /** Deliveries of the command when this result was recorded (1 = first try). */
        attempts: number;
        /** Time the tool took, as measured by the tool-runner. */
        durationMs?: number;
        idempotencyKey?: string;
        waitMs?: number;
        /** A sub-agent call (`run_agent`): the child run whose outcome this is. */
        childRunId?: string;
        /** The tool's reconcile found the effect of a run that left no result: its answer. */
        reconciled?: boolean;
        /** A result a human recorded by hand for an ambiguous call: who. */
        recordedBy?: string;
      }
    | { kind: "signal"; signal: string; reason?: string; at: string }
    /** A human's decision: on a tool call (`callId`), on going past a budget (`budget`), or on going on after a stuck loop (`loop`). */
    | {
        kind: "approval";
        turn: number;
        callId: string;
        budget: boolean;
        loop?: boolean;
        /** A decision on a run a tripped guardrail paused. */
        guard?: boolean;
        decision: "approve" | "deny";
        reason?: string;
        by?: string;
        /** The arguments an approver replaced the call's with (JSON text). */
        arguments?: string;
        /** A decision on an ambiguous call: the round it decides; `result` is a result recorded by hand. */
        round?: number;
        result?: string;
      }
    /** The verdict of the agent's guardrails on the task (input) or an answer (output). */
    | {
        kind: "guard";
        turn: number;
        point: "input" | "output";
        tripped: boolean;
        checked: string[];
        guardrail?: string;
        message?: string;
        onTrip?: "fail" | "pause";
      }
    /** A user's message to the run (cairn send): read by the next model call; `end` ends a conversation. */
    | { kind: "message"; n: number; text?: string; end?: boolean; by?: string }
    | {
        kind: "error";
        service: string;
        about: string;
        aboutSeq?: number;
        error: ErrorInfo;
        /** A retry notice: the attempt that failed and when the next is due. */
        retry?: { attempt: number; at: string };
      }
    | {
        kind: "ended";
        status: RunEnded["status"];
        answer?: string;
        reason?: string;
        error?: ErrorInfo;
        turns: number;
        usage: Usage;
        endedAt: string;
      }
    | { kind: "invalid"; reason: string }
  );

export interface TimelineAgent {
  name: string;
  provider: string;
  model: string;
  maxTurns: number;
  tools: string[];
  /** A conversation: an answer does not end the run (see the agent spec). */
  conversation?: boolean;
  /** Structured output: the answer's schema. */
  output?: { name?: string; schema: Record<string, unknown> };
}

/** A run's story, read from its log in order: what `cairn replay` prints (and `--json` emits). */
export interface Timeline {
  runId: string;
  prefix: string;
  /** Status folded from the whole log (`running` when it has no end). */
  status: RunStatus;
  task?: string;
  agent?: TimelineAgent;
  forkedFrom?: { runId: string; step: number; seq: number; editedCalls?: string[] };
  totals: {
    /** Highest step number. */
    steps: number;
    messages: number;
    turns: number;
    toolCalls: number;
    inputTokens: number;
    outputTokens: number;
    /** Redone steps: the sum over results of (attempts − 1). */
    retries: number;
    /** Error events recorded in the run. */
    errors: number;
    /** From the first message to the end event (or the last message while running). */
    durationMs: number;
  };
  items: TimelineItem[];
}

function ms(a: string, b: string): number {
  return Date.parse(b) - Date.parse(a);
}

/** Builds the timeline of a run from its log (pure; the same for the stream and an export). */
export function buildTimeline(log: RunLog): Timeline {
  const subjects = new Subjects(log.prefix);
  const steps = stepsOf(log);
  const stepBySeq = new Map(steps.map((s) => [s.seq, s.step]));
  const state = emptyRun(log.runId);
  const first = log.entries[0]?.time ?? new Date(0).toISOString();
  const commandTime = new Map<string, string>();
  const submissionSeq = steps.find((s) => s.step === 0)?.seq ?? 0;
  let forked = false;
  let edited = new Set<string>();
  let retries = 0;
  const items: TimelineItem[] = [];

  // A fork's submission comes after its copied results: look for it first.
  for (const e of log.entries) {
    if (e.seq !== submissionSeq) continue;
    const d = decodeEntry(subjects, e.subject, e.data);
    forked = d.kind === "submitted" && !!d.message.forkedFrom;
    if (d.kind === "submitted") edited = new Set(d.message.forkedFrom?.editedCalls ?? []);
  }

  for (const e of log.entries) {
    const rel = relativeSubject(log, e.subject);
    const base: ItemBase = { seq: e.seq, time: e.time, atMs: ms(first, e.time), subject: rel };
    const step = stepBySeq.get(e.seq);
    if (step !== undefined) {
      base.step = step;
      const a = applyEntry(state, e, subjects);
      if (a.kind === "ignored") base.ignored = a.reason;
      if (a.kind === "rejected") base.rejected = a.reason;
      if (forked && e.seq < submissionSeq) base.copied = true;
    }
    const d = decodeEntry(subjects, e.subject, e.data);
    switch (d.kind) {
      case "submitted": {
        const m = d.message;
        items.push({
          ...base,
          kind: "submitted",
          task: m.task,
          agent: {
            name: m.agent.name,
            provider: m.agent.provider,
            model: m.agent.model,
            maxTurns: m.agent.maxTurns,
            tools: m.agent.tools.map((t) => t.name),
            ...(m.agent.conversation ? { conversation: true } : {}),
            ...(m.agent.output ? { output: m.agent.output } : {}),
          },
          submittedAt: m.submittedAt,
          ...(m.idempotencyKey ? { idempotencyKey: m.idempotencyKey } : {}),
          ...(m.forkedFrom ? { forkedFrom: m.forkedFrom } : {}),
        });
        break;
      }
      case "llm-command":
        commandTime.set(`llm.${d.message.turn}`, e.time);
        items.push({ ...base, kind: "llm-command", turn: d.message.turn, historySeq: d.message.historySeq });
        break;
      case "llm-result": {
        const m = d.message;
        retries += Math.max(0, m.attempts - 1);
        const sent = commandTime.get(`llm.${m.turn}`);
        items.push({
          ...base,
          kind: "llm-result",
          turn: m.turn,
          ok: m.ok,
          content: m.content ?? null,
          toolCalls: m.toolCalls ?? [],
          attempts: m.attempts,
          ...(m.finishReason !== undefined ? { finishReason: m.finishReason } : {}),
          ...(m.provider !== undefined ? { provider: m.provider } : {}),
          ...(m.model !== undefined ? { model: m.model } : {}),
          ...(m.usage ? { usage: m.usage } : {}),
          ...(m.latencyMs !== undefined ? { latencyMs: m.latencyMs } : {}),
          ...(m.promptHash !== undefined ? { promptHash: m.promptHash } : {}),
          ...(m.historySeq !== undefined ? { historySeq: m.historySeq } : {}),
          ...(m.error ? { error: m.error } : {}),
          ...(sent ? { waitMs: ms(sent, e.time) } : {}),
        });
        break;
      }
      case "summary-command":
        commandTime.set(`summary.${d.message.turn}`, e.time);
        items.push({
          ...base,
          kind: "summary-command",
          turn: d.message.turn,
          throughTurn: d.message.throughTurn,
          historySeq: d.message.historySeq,
        });
        break;
      case "summary-result": {
        const m = d.message;
        retries += Math.max(0, m.attempts - 1);
        const sent = commandTime.get(`summary.${m.turn}`);
        items.push({
          ...base,
          kind: "summary-result",
          turn: m.turn,
          throughTurn: m.throughTurn,
          ok: m.ok,
          attempts: m.attempts,
          ...(m.content !== undefined ? { content: m.content } : {}),
          ...(m.model !== undefined ? { model: m.model } : {}),
          ...(m.usage ? { usage: m.usage } : {}),
          ...(m.latencyMs !== undefined ? { latencyMs: m.latencyMs } : {}),
          ...(m.promptHash !== undefined ? { promptHash: m.promptHash } : {}),
          ...(m.error ? { error: m.error } : {}),
          ...(sent ? { waitMs: ms(sent, e.time) } : {}),
        });
        break;
      }
      case "check-command": {
        const m = d.message;
        commandTime.set(`check.${m.n}`, e.time);
        items.push({
          ...base,
          kind: "check-command",
          n: m.n,
          turn: m.turn,
          point: m.point,
          guardrail: m.guardrail,
          historySeq: m.historySeq,
        });
        break;
      }
      case "check-result": {
        const m = d.message;
        retries += Math.max(0, m.attempts - 1);
        const sent = commandTime.get(`check.${m.n}`);
        items.push({
          ...base,
          kind: "check-result",
          n: m.n,
          turn: m.turn,
          point: m.point,
          guardrail: m.guardrail,
          ok: m.ok,
          attempts: m.attempts,
          ...(m.tripped !== undefined ? { tripped: m.tripped } : {}),
          ...(m.reason !== undefined ? { reason: m.reason } : {}),
          ...(m.provider !== undefined ? { provider: m.provider } : {}),
          ...(m.model !== undefined ? { model: m.model } : {}),
          ...(m.usage ? { usage: m.usage } : {}),
          ...(m.latencyMs !== undefined ? { latencyMs: m.latencyMs } : {}),
          ...(m.promptHash !== undefined ? { promptHash: m.promptHash } : {}),
          ...(m.historySeq !== undefined ? { historySeq: m.historySeq } : {}),
          ...(m.error ? { error: m.error } : {}),
          ...(sent ? { waitMs: ms(sent, e.time) } : {}),
        });
        break;
      }
      case "tool-started":
        break; // the tool-runner's own marker (see the tool's effect): the ambiguity, if any, follows
      case "tool-ambiguous": {
        const m = d.message;
        items.push({
          ...base,
          kind: "ambiguous",
          turn: m.turn,
          index: m.index,
          callId: m.callId,
          tool: m.tool,
          round: m.round,
          effect: m.effect,
          reason: m.reason,
        });
        break;
      }
      case "tool-rerun":
      case "tool-command": {
        const m = d.message;
        const w = d.kind === "tool-rerun" ? subjects.parse(e.subject)?.what : undefined;
        const round = w?.kind === "tool-rerun" ? w.round : undefined;
        commandTime.set(`tool.${m.turn}.${m.index}`, e.time);
        items.push({
          ...base,
          kind: "tool-command",
          turn: m.turn,
          index: m.index,
          callId: m.callId,
          tool: m.tool,
          arguments: m.arguments,
          idempotencyKey: m.idempotencyKey,
          ...(m.historySeq !== undefined ? { historySeq: m.historySeq } : {}),
          ...(round !== undefined ? { round } : {}),
        });
        break;
      }
      case "tool-result": {
        const m = d.message;
        retries += Math.max(0, m.attempts - 1);
        const sent = commandTime.get(`tool.${m.turn}.${m.index}`);
        if (base.copied && edited.has(m.callId)) base.edited = true;
        items.push({
          ...base,
          kind: "tool-result",
          turn: m.turn,
          index: m.index,
          callId: m.callId,
          tool: m.tool,
          ok: m.ok,
          attempts: m.attempts,
          ...(m.output !== undefined ? { output: m.output } : {}),
          ...(m.error ? { error: m.error } : {}),
          ...(m.durationMs !== undefined ? { durationMs: m.durationMs } : {}),
          ...(m.idempotencyKey !== undefined ? { idempotencyKey: m.idempotencyKey } : {}),
          ...(sent ? { waitMs: ms(sent, e.time) } : {}),
          ...(m.childRunId !== undefined ? { childRunId: m.childRunId } : {}),
          ...(m.reconciled ? { reconciled: true } : {}),
          ...(m.recordedBy !== undefined ? { recordedBy: m.recordedBy } : {}),
        });
        break;
      }
      case "approval":
      case "ambiguity-approval":
      case "budget-approval":
      case "loop-approval":
      case "guard-approval": {
        const m = d.message;
        items.push({
          ...base,
          kind: "approval",
          turn: m.turn,
          callId: m.callId,
          budget: d.kind === "budget-approval",
          ...(d.kind === "loop-approval" ? { loop: true } : {}),
          ...(d.kind === "guard-approval" ? { guard: true } : {}),
          decision: m.decision,
          ...(m.reason !== undefined ? { reason: m.reason } : {}),
          ...(m.by !== undefined ? { by: m.by } : {}),
          ...(m.arguments !== undefined ? { arguments: m.arguments } : {}),
          ...(d.kind === "ambiguity-approval" && m.round !== undefined ? { round: m.round } : {}),
          ...(m.result !== undefined ? { result: m.result } : {}),
        });
        break;
      }
      case "guard": {
        const m = d.message;
        items.push({
          ...base,
          kind: "guard",
          turn: m.turn,
          point: m.point,
          tripped: m.tripped,
          checked: m.checked ?? [],
          ...(m.guardrail !== undefined ? { guardrail: m.guardrail } : {}),
          ...(m.message !== undefined ? { message: m.message } : {}),
          ...(m.onTrip !== undefined ? { onTrip: m.onTrip } : {}),
        });
        break;
      }
      case "message": {
        const m = d.message;
        items.push({
          ...base,
          kind: "message",
          n: m.n,
          ...(m.text !== undefined ? { text: m.text } : {}),
          ...(m.end ? { end: true } : {}),
          ...(m.by !== undefined ? { by: m.by } : {}),
        });
        break;
      }
      case "signal":
        items.push({
          ...base,
          kind: "signal",
          signal: d.message.signal,
          at: d.message.at,
          ...(d.message.reason !== undefined ? { reason: d.message.reason } : {}),
        });
        break;
      case "error":
        items.push({
          ...base,
          kind: "error",
          service: d.message.service,
          about: d.message.subject,
          ...(d.message.seq !== undefined ? { aboutSeq: d.message.seq } : {}),
          error: d.message.error,
          ...(d.message.retryAt !== undefined
            ? { retry: { attempt: d.message.attempt ?? 1, at: d.message.retryAt } }
            : {}),
        });
        break;
      case "ended": {
        const m = d.message;
        items.push({
          ...base,
          kind: "ended",
          status: m.status,
          turns: m.turns,
          usage: m.usage,
          endedAt: m.endedAt,
          ...(m.answer !== undefined ? { answer: m.answer } : {}),
          ...(m.reason !== undefined ? { reason: m.reason } : {}),
          ...(m.error ? { error: m.error } : {}),
        });
        break;
      }
      case "invalid":
        items.push({ ...base, kind: "invalid", reason: d.reason });
        break;
    }
  }

  // Messages held until the submission were folded (a fork's declared prefix) or rejected then.
  const rejectedAt = new Map(state.rejected.map((r) => [r.seq, r.reason]));
  for (const i of items) {
    if (!i.ignored?.startsWith("before the run's submission")) continue;
    delete i.ignored;
    const reason = rejectedAt.get(i.seq);
    if (reason !== undefined) i.rejected = reason;
  }

  const status = runStatus(state);
  const sub = state.submitted;
  const endItem = items.find((i) => i.kind === "ended");
  const last = log.entries[log.entries.length - 1];
  const t: Timeline = {
    runId: log.runId,
    prefix: log.prefix,
    status,
    totals: {
      steps: steps.reduce((m, s) => Math.max(m, s.step), 0),
      messages: log.entries.length,
      turns: state.turns.length,
      toolCalls: state.toolCalls,
      inputTokens: state.usage.inputTokens,
      outputTokens: state.usage.outputTokens,
      retries,
      errors: state.errors.length,
      durationMs: endItem ? endItem.atMs : last ? ms(first, last.time) : 0,
    },
    items,
  };
  if (sub) {
    t.task = sub.task;
    t.agent = {
      name: sub.agent.name,
      provider: sub.agent.provider,
      model: sub.agent.model,
      maxTurns: sub.agent.maxTurns,
      tools: sub.agent.tools.map((x) => x.name),
      ...(sub.agent.conversation ? { conversation: true } : {}),
      ...(sub.agent.output ? { output: sub.agent.output } : {}),
    };
    if (sub.forkedFrom) t.forkedFrom = sub.forkedFrom;
  }
  return t;
}
