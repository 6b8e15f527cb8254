/**
 * Replay a run from its log: the timeline, the state after any step, the exact prompt of any turn
 * (checked against its recorded hash), a determinism check of the planner's decisions against the
 * recorded commands, export/import of a run's log, and — on NATS — fork and purge.
 *
 * The pure functions take a `RunLog` (read from the stream with `loadRunLog`, or from an export
 * with `parseRunExport`), so everything but fork and purge works offline.
 */
export { relativeSubject, stepsOf, foldToStep, foldToSeq, ReplayError } from "./log.js";
export type { RunLog, Step } from "./log.js";
export { exportRunLog, parseRunExport, ExportFormatError, EXPORT_FORMAT } from "./format.js";
export type { ExportHeader, ExportLine } from "./format.js";
export { buildTimeline } from "./timeline.js";
export type { Timeline, TimelineItem, TimelineAgent } from "./timeline.js";
export { stateAt, promptAt } from "./inspect.js";
export type { StateAtStep, PromptCheck, ViewMessage } from "./inspect.js";
export { checkRun } from "./check.js";
export type { CheckOptions, CheckReport, DecideFn, Divergence } from "./check.js";
export { planFork, forkRun, mayFork, newForkRunId } from "./fork.js";
export type { ForkOptions, ForkPlan, ForkResult } from "./fork.js";
export {
  loadRunLog,
  purgeRun,
  purgeOlderThan,
  parseDuration,
  RunArchivedError,
  RunNotFoundError,
  RunPurgedError,
  RunInFlightError,
} from "./store.js";
export type { PurgedRun, PurgeOlderResult } from "./store.js";
export { renderTimeline, renderState, renderPromptCheck, renderCheck } from "./render.js";
export type { RenderOptions } from "./render.js";
export { terminalSafe, terminalLine, terminalArgs, terminalJson, isTerminalUnsafe } from "./terminal.js";
export type { TerminalSafeOptions } from "./terminal.js";
export { waitsOf, pendingOf, sleepWakeAt, stepKey, trackPending } from "./waiting.js";
export type { Wait, PendingSleep, PendingRetry, PendingTracker } from "./waiting.js";
export {
  evalRun,
  evalTotals,
  judgeRun,
  judgeRequest,
  parseJudgeAnswer,
  renderEval,
  JUDGE_INSTRUCTIONS,
} from "./eval.js";
export type {
  EvalChange,
  EvalDeps,
  EvalJudge,
  EvalModelResponse,
  EvalOptions,
  EvalPair,
  EvalReport,
  EvalRunReport,
  EvalSide,
  EvalToolChoice,
  EvalTotals,
  EvalTurnView,
} from "./eval.js";
