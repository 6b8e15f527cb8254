import { decodeEntry, Subjects, type RunSubjectKind, type HistoryEntry } from "@cairn/protocol";
import { applyEntry, emptyRun, safeToolToken, type Applied, type RunState } from "@cairn/runtime";

/**
 * One run's whole log — commands and events, in stream order — as read from the runs stream or
 * from an exported file. Everything in this library works on this value, so a run replays the same
 * from NATS and offline.
 */
export interface RunLog {
  /** Deployment prefix the log was written under (decides how subjects parse). */
  prefix: string;
  runId: string;
  /** Every message of the run, in stream order (ascending `seq`). */
  entries: HistoryEntry[];
}

/**
 * A step is one event of the run (a message on `<p>.run.<id>.evt.>`: what the reducer folds).
 * The submission is step 0; every other event is numbered 1, 2, … in stream order. Commands are
 * not steps: they are the decisions taken after one.
 *
 * A fork's copied results precede its submission in the stream; numbering the submission 0
 * wherever it is keeps a fork's step numbers equal to its source's.
 */
export interface Step {
  step: number;
  seq: number;
  /** Position in `RunLog.entries`. */
  index: number;
  /** Subject below `<p>.run.<id>.` (e.g. `evt.llm.2`). */
  rel: string;
  kind: RunSubjectKind["kind"];
}

/** Thrown for a step, turn or call that the log does not have, or a log that cannot be used. */
export class ReplayError extends Error {
  override readonly name = "ReplayError";
  constructor(
    readonly kind: "no_such_step" | "no_such_turn" | "no_such_call" | "bad_result" | "no_submission" | "empty_log",
    message: string,
    readonly runId?: string,
  ) {
    super(message);
  }
}

/** The subject below `<p>.run.<runId>.`, or the whole subject when it is not one of this run. */
export function relativeSubject(log: Pick<RunLog, "prefix" | "runId">, subject: string): string {
  const head = new Subjects(log.prefix).runHead(log.runId);
  return subject.startsWith(head) ? subject.slice(head.length) : subject;
}

/** The run's steps, numbered as described on `Step`. */
export function stepsOf(log: RunLog): Step[] {
  const subjects = new Subjects(log.prefix);
  const out: Step[] = [];
  let next = 1;
  let submission = false;
  log.entries.forEach((e, index) => {
    const rel = relativeSubject(log, e.subject);
    if (!rel.startsWith("evt.") || rel === e.subject) return;
    const kind = subjects.parse(e.subject)?.what.kind ?? "unknown";
    if (kind === "submitted" && !submission) {
      submission = true;
      out.push({ step: 0, seq: e.seq, index, rel, kind });
    } else out.push({ step: next++, seq: e.seq, index, rel, kind });
  });
  return out;
}

/** The highest step number of the log (0 for a log with only its submission). */
export function lastStep(steps: Step[]): number {
  return steps.reduce((m, s) => Math.max(m, s.step), 0);
}

/** The step with this number, or a ReplayError naming the range. */
export function stepAt(log: RunLog, steps: Step[], step: number): Step {
  const s = steps.find((x) => x.step === step);
  if (!s) {
    const range = steps.length ? `0..${lastStep(steps)}` : "none: the log has no events";
    throw new ReplayError("no_such_step", `run ${log.runId} has no step ${step} (steps: ${range})`, log.runId);
  }
  return s;
}

/**
 * The run's state after `step`: the reducer folds every event numbered up to `step`, in stream
 * order (a fork's copied results first, then its submission — the reducer keeps results folded
 * before the submission). Returns what folding each event did, by sequence.
 */
export function foldToStep(
  log: RunLog,
  steps: Step[],
  step: number,
): { state: RunState; applied: Map<number, Applied> } {
  const subjects = new Subjects(log.prefix);
  const state = emptyRun(log.runId);
  const applied = new Map<number, Applied>();
  for (const s of [...steps].sort((a, b) => a.seq - b.seq)) {
    if (s.step > step) continue;
    applied.set(s.seq, applyEntry(state, log.entries[s.index]!, subjects));
  }
  return { state, applied };
}

/** Folds the run's events with sequence up to and including `seq`, as a service does for a command's `historySeq`. */
export function foldToSeq(log: RunLog, seq: number): RunState {
  const subjects = new Subjects(log.prefix);
  const state = emptyRun(log.runId);
  for (const e of log.entries) {
    if (e.seq > seq) break;
    if (relativeSubject(log, e.subject).startsWith("evt.")) applyEntry(state, e, subjects);
  }
  return state;
}

/**
 * The log's messages by subject. A log recorded before the tool joined the result subject holds
 * `evt.tool.<turn>.<index>`: such a result is found under today's subject as well
 * (`evt.tool.<turn>.<index>.<tool>`), so a decision on today's subject is compared with it.
 */
export function recordedBySubject(log: RunLog): Map<string, HistoryEntry> {
  const subjects = new Subjects(log.prefix);
  const recorded = new Map<string, HistoryEntry>(log.entries.map((e) => [e.subject, e]));
  for (const e of log.entries) {
    const w = subjects.parse(e.subject)?.what;
    if (w?.kind !== "tool-result" || w.tool !== undefined) continue;
    const d = decodeEntry(subjects, e.subject, e.data);
    if (d.kind === "tool-result")
      recorded.set(subjects.toolResult(log.runId, w.turn, w.index, safeToolToken(d.message.tool)), e);
  }
  return recorded;
}
