import { decodeEntry, Subjects, type RunStatus } from "@cairn/protocol";
import { buildModelRequest, due, promptHash, runStatus, type ModelRequest, type ToolCall } from "@cairn/runtime";
import {
  foldToSeq,
  foldToStep,
  lastStep,
  recordedBySubject,
  relativeSubject,
  ReplayError,
  stepAt,
  stepsOf,
  type RunLog,
} from "./log.js";

/** A message of the conversation as the model will see it; `pending` marks a tool call without a result yet. */
export interface ViewMessage {
  role: "system" | "user" | "assistant" | "tool";
  content: string | null;
  toolCalls?: ToolCall[];
  toolCallId?: string;
  name?: string;
  pending?: boolean;
}

/** The run as it was after one step (`cairn replay <runId> --at <step>`). */
export interface StateAtStep {
  runId: string;
  step: number;
  seq: number;
  /** Subject of that step's event, below `<p>.run.<runId>.`. */
  subject: string;
  time: string;
  /** Highest step of the log. */
  lastStep: number;
  status: RunStatus;
  /** The model turn the conversation below leads to. */
  nextTurn: number;
  /** The messages the model would see next: system prompt, task, every turn so far and its tool results. */
  messages: ViewMessage[];
  /**
   * What the planner's code makes due in this state (commands or the end; subjects below
   * `<p>.run.<runId>.`), with the sequence of the message the log holds on that subject, if any.
   */
  due: { subject: string; message: unknown; recordedSeq?: number }[];
}

/** The run's state after `step`: status, the conversation so far, and what is due next. */
export function stateAt(log: RunLog, step: number): StateAtStep {
  const steps = stepsOf(log);
  const s = stepAt(log, steps, step);
  const entry = log.entries[s.index]!;
  const { state } = foldToStep(log, steps, step);
  const nextTurn = state.turns.length + 1;
  const messages: ViewMessage[] = [];
  if (state.submitted) {
    const pending = new Set<string>();
    const last = state.turns[state.turns.length - 1];
    last?.llm.toolCalls?.forEach((c, i) => {
      if (!last.results[i]) pending.add(c.id);
    });
    for (const m of buildModelRequest(state, nextTurn).messages) {
      if (m.role === "tool" && pending.has(m.toolCallId))
        messages.push({ role: "tool", toolCallId: m.toolCallId, name: m.name, content: null, pending: true });
      else messages.push({ ...m });
    }
  }
  const subjects = new Subjects(log.prefix);
  const recorded = recordedBySubject(log);
  return {
    runId: log.runId,
    step,
    seq: s.seq,
    subject: s.rel,
    time: entry.time,
    lastStep: lastStep(steps),
    status: runStatus(state),
    nextTurn,
    messages,
    due: due(state, s.seq, entry.time, subjects).map((o) => {
      const rec = recorded.get(o.subject);
      // where the log holds it (a log recorded before the tool joined result subjects: its own subject)
      return {
        subject: relativeSubject(log, rec?.subject ?? o.subject),
        message: o.message,
        ...(rec ? { recordedSeq: rec.seq } : {}),
      };
    }),
  };
}

/** The request of one model turn rebuilt from the log, and its hash checked against the recorded one. */
export interface PromptCheck {
  runId: string;
  turn: number;
  /** Sequence of the last event the prompt includes (what the llm-caller folded). */
  historySeq: number;
  /** Sequence of the recorded response, when there is one. */
  resultSeq?: number;
  request: ModelRequest;
  /** sha256 of the rebuilt request (runtime `promptHash`). */
  hash: string;
  /** The hash recorded with the response by the llm-caller. */
  recordedHash?: string;
  /** True: the rebuilt request is the one sent; false: MISMATCH; undefined: nothing recorded to compare with. */
  match?: boolean;
  /** Why there is nothing to compare with. */
  note?: string;
}

/**
 * Rebuilds the exact request of model turn `turn` (runtime `buildModelRequest` over the events up
 * to the turn's `historySeq`, as the llm-caller did) and compares its hash with the `promptHash`
 * recorded with the response.
 */
export function promptAt(log: RunLog, turn: number): PromptCheck {
  const subjects = new Subjects(log.prefix);
  let cmdSeq: number | undefined;
  let instructions: string | undefined;
  let result: { seq: number; historySeq?: number; promptHash?: string } | undefined;
  let asked = 0;
  for (const e of log.entries) {
    const w = subjects.parse(e.subject)?.what;
    if (w?.kind === "llm-command") {
      asked++;
      if (w.turn !== turn) continue;
      const d = decodeEntry(subjects, e.subject, e.data);
      if (d.kind === "llm-command") {
        cmdSeq = d.message.historySeq;
        instructions = d.message.instructions;
      }
    } else if (w?.kind === "llm-result" && w.turn === turn) {
      const d = decodeEntry(subjects, e.subject, e.data);
      result =
        d.kind === "llm-result"
          ? {
              seq: e.seq,
              ...(d.message.historySeq !== undefined ? { historySeq: d.message.historySeq } : {}),
              ...(d.message.promptHash !== undefined ? { promptHash: d.message.promptHash } : {}),
            }
          : { seq: e.seq };
    }
  }
  // A fork's copied response was recorded for the source's request: rebuild the turn from the
  // fork's own history (its copied results and its submission, which comes after them).
  const sub = stepsOf(log).find((x) => x.step === 0);
  const subEntry = sub ? log.entries[sub.index] : undefined;
  const subMsg = subEntry ? decodeEntry(subjects, subEntry.subject, subEntry.data) : undefined;
  const copiedAt =
    result && sub && subMsg?.kind === "submitted" && subMsg.message.forkedFrom && result.seq < sub.seq
      ? sub.seq
      : undefined;
  const copied = copiedAt !== undefined;
  const historySeq = copiedAt ?? result?.historySeq ?? cmdSeq;
  if (historySeq === undefined) {
    throw new ReplayError(
      "no_such_turn",
      `run ${log.runId} has no model turn ${turn} with a recorded history point (model calls asked for: ${asked})`,
      log.runId,
    );
  }
  const state = foldToSeq(log, historySeq);
  if (!state.submitted)
    throw new ReplayError(
      "no_submission",
      `run ${log.runId} has no valid submission up to seq ${historySeq}`,
      log.runId,
    );
  const request = buildModelRequest(state, turn, undefined, instructions !== undefined ? { instructions } : {});
  const hash = promptHash(request);
  const out: PromptCheck = { runId: log.runId, turn, historySeq, request, hash };
  if (result) out.resultSeq = result.seq;
  if (result?.promptHash) {
    out.recordedHash = result.promptHash;
    out.match = result.promptHash === hash;
    if (copied && subMsg?.kind === "submitted")
      out.note = `response copied from run ${subMsg.message.forkedFrom?.runId}: its hash is that of the source's request`;
  } else
    out.note = result
      ? "the response has no promptHash (the model was never called for it)"
      : "no response recorded for this turn yet";
  return out;
}
