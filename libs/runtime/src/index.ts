/**
 * The run reducer (history → state), the planner's pure decisions, prompt rebuilding, errors
 * that say whether to retry. No I/O: the same code runs in services and replay.
 */
export {
  CairnError,
  TerminalError,
  RetryableError,
  Deferred,
  isDeferred,
  AwaitingResult,
  isAwaitingResult,
  isRetryable,
  retryAfterOf,
  errorKind,
  errorMessage,
} from "./errors.js";
export type { ChatMessage, ModelRequest, ToolCall, ToolSpec } from "./model.js";
export {
  applyEntry,
  budgetPause,
  costUsd,
  awaitsModel,
  emptyRun,
  guardPause,
  overBudget,
  pendingApprovals,
  reduceRun,
  runStatus,
} from "./state.js";
export type { Applied, Rejected, RunState, TurnState } from "./state.js";
export { canonicalArguments, loopPause, loopTrip } from "./loop.js";
export { agentNamed, HANDOFF_TOOL, nextAgent, turnAgent } from "./team.js";
export { CHECK_CONTRACT, CHECK_OUTPUT, evaluateGuards, judgeProviders, parseVerdict } from "./guard.js";
export { buildCheckRequest, checkTarget } from "./check.js";
export type { CheckTarget } from "./check.js";
export type {
  CodeGuards,
  GuardCheck,
  GuardContext,
  GuardVerdict,
  HookedCall,
  InstructionsContext,
  ToolCallHook,
} from "./guard.js";
export { agentFileEntry, codeGuards, defineAgent, isAgentDefinition } from "./define.js";
export type { CodeAgent, CodeGuardrail } from "./define.js";
export {
  checkOutput,
  compileJsonSchema,
  DEFAULT_OUTPUT_ATTEMPTS,
  outputCorrection,
  outputInstructions,
} from "./output.js";
export type { OutputCheck } from "./output.js";
export type { LoopCounts, LoopTrip } from "./loop.js";
export { childRunId, decide, due, runIdForKey, safeToolToken, SUB_AGENT_TOOL, toolIdempotencyKey } from "./decide.js";
export type { Output } from "./decide.js";
export {
  buildModelRequest,
  buildSummaryRequest,
  canonicalJson,
  compact,
  editedNote,
  DEFAULT_SUMMARY_INSTRUCTIONS,
  estimateTokens,
  latestSummary,
  payloadRefs,
  promptHash,
  summarisedTurns,
  summaryDue,
  summaryHeader,
  summaryPayloadRefs,
  toolResultText,
} from "./prompt.js";
export { PromptCache } from "./prompt-cache.js";
