import { decodeEntry, Subjects, type HistoryEntry } from "@cairn/protocol";
import {
  applyEntry,
  canonicalJson,
  decide as currentDecide,
  emptyRun,
  type Applied,
  type Output,
  type RunState,
} from "@cairn/runtime";
import { recordedBySubject, relativeSubject, stepsOf, type RunLog } from "./log.js";

/** The planner's decision function (runtime `decide`): injectable, so a changed planner can be checked against recorded runs. */
export type DecideFn = (state: RunState, applied: Applied, subjects: Subjects) => Output[];

export interface CheckOptions {
  /** The decision code to check; the current runtime `decide` by default. */
  decide?: DecideFn;
}

/**
 * Where the code and the log disagree:
 * - `different`: the code decides a message on a subject the log holds, with another payload;
 * - `not-recorded`: the code decides a message the (ended) run never recorded;
 * - `not-decided`: the log holds a command or end event the code never decides (other events —
 *   results — are written by the services, so only their payload is compared when decided).
 */
export interface Divergence {
  kind: "different" | "not-recorded" | "not-decided";
  /** The step after which the decision is taken (for `not-decided`: the step the recorded command refers to). */
  step: number;
  /** That step's event sequence. */
  seq: number;
  /** That step's event subject, below `<p>.run.<runId>.`. */
  event: string;
  /** The decided or recorded message's subject, below `<p>.run.<runId>.`. */
  subject: string;
  /** Sequence of the recorded message, when there is one. */
  recordedSeq?: number;
  /** What the log holds (decoded), if anything. */
  recorded?: unknown;
  /** What the code decides, if anything. */
  decided?: unknown;
  message: string;
}

/** The outcome of re-driving the planner's decisions over a recorded run (`cairn replay --check`). */
export interface CheckReport {
  runId: string;
  /** True when every decision equals what the log recorded (no divergence). */
  ok: boolean;
  /** Events re-driven. */
  events: number;
  /** Distinct messages the code decided. */
  decisions: number;
  /** Of those, equal to the recorded message on their subject. */
  matched: number;
  /** The first divergence in log order (what the report names). */
  divergence?: Divergence;
  divergences: Divergence[];
  /** Decisions the log does not hold yet, for a run still in flight (not a divergence). */
  pending: { step: number; seq: number; subject: string }[];
  /**
   * Decisions that go to another run's log — a sub-agent's outcome to its parent's call, a cancel
   * passed on to a child — which this log cannot confirm (check that run).
   */
  external: { step: number; seq: number; subject: string }[];
  ended: boolean;
}

function isDecision(rel: string): boolean {
  return rel.startsWith("cmd.") || rel === "evt.ended" || rel.startsWith("evt.guard.");
}

/**
 * Re-drives the planner (runtime `applyEntry`, then `decide` — or the one given) over the run's
 * recorded events in stream order, as the planner does, and compares every decided message with
 * the message the log holds on the same subject (payloads compared as canonical JSON). Like a
 * workflow replayer: a change to the decision code that would issue a different command for a
 * recorded history shows up here before it meets runs in flight.
 */
export function checkRun(log: RunLog, opts: CheckOptions = {}): CheckReport {
  const decide = opts.decide ?? currentDecide;
  const subjects = new Subjects(log.prefix);
  const steps = stepsOf(log);
  const stepBySeq = new Map(steps.map((s) => [s.seq, s]));
  // Any subject may hold a decision (the planner also answers some calls itself with a result);
  // only commands and the end must have been decided.
  const recorded = recordedBySubject(log);
  const ended = log.entries.some((e) => relativeSubject(log, e.subject) === "evt.ended");

  const state = emptyRun(log.runId);
  const decided = new Map<string, { step: number; seq: number }>();
  const divergences: Divergence[] = [];
  const pending: CheckReport["pending"] = [];
  const external: CheckReport["external"] = [];
  let events = 0;
  let matched = 0;
  let decisions = 0;
  let lastStep = { step: 0, seq: 0, rel: "" };

  const decodeValue = (e: HistoryEntry): { ok: true; value: unknown } | { ok: false; reason: string } => {
    const d = decodeEntry(subjects, e.subject, e.data);
    return d.kind === "invalid" ? { ok: false, reason: d.reason } : { ok: true, value: d.message };
  };

  for (const e of log.entries) {
    const rel = relativeSubject(log, e.subject);
    if (isDecision(rel) && !decided.has(e.subject)) {
      const d = decodeValue(e);
      // A command names the event it was decided after (historySeq); an end event does not.
      const hs = d.ok ? (d.value as { historySeq?: unknown }).historySeq : undefined;
      const at =
        typeof hs === "number" && stepBySeq.has(hs)
          ? { step: stepBySeq.get(hs)!.step, seq: hs, rel: stepBySeq.get(hs)!.rel }
          : lastStep;
      divergences.push({
        kind: "not-decided",
        step: at.step,
        seq: at.seq,
        event: at.rel,
        subject: rel,
        recordedSeq: e.seq,
        recorded: d.ok ? d.value : d.reason,
        message: `the log holds ${rel} (seq ${e.seq}) but the code never decides it`,
      });
      decided.set(e.subject, { step: at.step, seq: at.seq });
    }
    const s = stepBySeq.get(e.seq);
    if (!s) continue;
    events++;
    lastStep = { step: s.step, seq: s.seq, rel: s.rel };
    const applied = applyEntry(state, e, subjects);
    for (const o of decide(state, applied, subjects)) {
      if (decided.has(o.subject)) continue; // a repeat: the stream keeps the first message on a subject
      decided.set(o.subject, { step: s.step, seq: s.seq });
      if (subjects.parse(o.subject)?.runId !== log.runId) {
        external.push({ step: s.step, seq: s.seq, subject: o.subject });
        continue;
      }
      decisions++;
      const rec = recorded.get(o.subject);
      const orel = relativeSubject(log, o.subject);
      if (!rec) {
        if (ended) {
          divergences.push({
            kind: "not-recorded",
            step: s.step,
            seq: s.seq,
            event: s.rel,
            subject: orel,
            decided: o.message,
            message: `the code decides ${orel} after step ${s.step}, the log never recorded it`,
          });
        } else pending.push({ step: s.step, seq: s.seq, subject: orel });
        continue;
      }
      const d = decodeValue(rec);
      if (d.ok && canonicalJson(d.value) === canonicalJson(o.message)) {
        matched++;
        continue;
      }
      divergences.push({
        kind: "different",
        step: s.step,
        seq: s.seq,
        event: s.rel,
        subject: orel,
        recordedSeq: rec.seq,
        recorded: d.ok ? d.value : d.reason,
        decided: o.message,
        message: `after step ${s.step} the code decides ${orel} differently from the recorded message (seq ${rec.seq})`,
      });
    }
  }
  const report: CheckReport = {
    runId: log.runId,
    ok: divergences.length === 0,
    events,
    decisions,
    matched,
    divergences,
    pending,
    external,
    ended,
  };
  if (divergences[0]) report.divergence = divergences[0];
  return report;
}
