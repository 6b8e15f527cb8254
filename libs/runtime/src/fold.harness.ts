// Test harness (not built into dist: see tsconfig.json): a run folded entry by entry, as the
// planner does, with what each entry decided.
import { encode, type HistoryEntry, type Subjects } from "@cairn/protocol";
import { decide, type Output } from "./decide.js";
import type { CodeGuards } from "./guard.js";
import { applyEntry, emptyRun, type Applied, type RunState } from "./state.js";

export interface FoldingRun {
  state: RunState;
  /** Every entry appended, in order (what replay folds from scratch). */
  log: HistoryEntry[];
  /** Appends `message` on `subject` (one second after the previous entry), folds it and decides. */
  add(subject: string, message: unknown): { applied: Applied; out: Output[] };
}

export function foldingRun(runId: string, subjects: Subjects, code?: CodeGuards): FoldingRun {
  const state = emptyRun(runId);
  const log: HistoryEntry[] = [];
  return {
    state,
    log,
    add(subject, message) {
      const seq = log.length + 1;
      const e = { seq, subject, data: encode(message), time: new Date(Date.UTC(2025, 0, 1, 0, 0, seq)).toISOString() };
      log.push(e);
      const applied = applyEntry(state, e, subjects);
      return { applied, out: decide(state, applied, subjects, code) };
    },
  };
}
