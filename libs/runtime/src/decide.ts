import type { LlmCommand, RunEnded, Subjects, ToolCommand } from "@cairn/protocol";
import type { Applied, RunState } from "./state.js";

/** A message the planner must append to the log; its subject is its identity (written once). */
export type Output =
  | { type: "LlmCommand"; subject: string; message: LlmCommand }
  | { type: "ToolCommand"; subject: string; message: ToolCommand }
  | { type: "RunEnded"; subject: string; message: RunEnded };

/** The idempotency key handed to a tool for one call: stable across redeliveries and crashes. */
export function toolIdempotencyKey(runId: string, turn: number, index: number): string {
  return `${runId}:${turn}:${index}`;
}

/**
 * The planner's decision: what to append after the entry described by `applied` was folded into
 * `state`. Pure and deterministic — it depends only on the history up to that entry (times come
 * from the log), so a redelivered or concurrently handled event produces the same outputs, and
 * the stream's one-message-per-subject rule turns repeats into no-ops.
 */
export function decide(state: RunState, applied: Applied, subjects: Subjects): Output[] {
  const entryTime = applied.time;
  if (state.ended) return [];
  const runId = state.runId;
  const end = (status: RunEnded["status"], fields: Partial<RunEnded>): Output[] => [
    {
      type: "RunEnded",
      subject: subjects.ended(runId),
      message: { v: 1, type: "run.ended", runId, status, turns: state.turns.length, usage: { ...state.usage }, endedAt: entryTime, ...fields },
    },
  ];
  const llm = (turn: number): Output[] => [
    { type: "LlmCommand", subject: subjects.llmCommand(runId, turn), message: { v: 1, type: "llm.command", runId, turn, historySeq: applied.seq } },
  ];

  switch (applied.kind) {
    case "submitted":
      if (state.invalidSubmission) return end("failed", { reason: "invalid_submission", error: { kind: "invalid_submission", message: state.invalidSubmission } });
      return llm(1);
    case "cancel":
      return end("cancelled", { reason: state.cancel?.reason ?? "cancelled" });
    case "llm-result": {
      const turn = state.turns[applied.turn - 1];
      if (!turn || !state.submitted) return [];
      if (!turn.llm.ok) {
        return end("failed", { reason: "llm_failed", error: turn.llm.error ?? { kind: "llm_failed", message: "the model call failed" } });
      }
      const calls = turn.llm.toolCalls ?? [];
      if (calls.length === 0) return end("completed", { answer: turn.llm.content ?? "" });
      if (applied.turn >= state.submitted.agent.maxTurns) {
        return end("failed", {
          reason: "max_turns_exceeded",
          error: { kind: "max_turns_exceeded", message: `the model still asked for tools after maxTurns=${state.submitted.agent.maxTurns} turns` },
        });
      }
      return calls.map((call, index) => ({
        type: "ToolCommand" as const,
        subject: subjects.toolCommand(runId, applied.turn, index, safeToolToken(call.name)),
        message: {
          v: 1 as const,
          type: "tool.command" as const,
          runId,
          turn: applied.turn,
          index,
          callId: call.id,
          tool: call.name,
          arguments: call.arguments,
          idempotencyKey: toolIdempotencyKey(runId, applied.turn, index),
          historySeq: applied.seq,
        },
      }));
    }
    case "tool-result": {
      const last = state.turns[state.turns.length - 1];
      if (!last || last.turn !== applied.turn || last.resultCount < last.results.length) return [];
      return llm(applied.turn + 1);
    }
    default:
      return [];
  }
}

/**
 * Tool names come from the model and may be anything; the subject token must be safe. Unknown or
 * unsafe names still get a command (routed to "_invalid") so a tool-runner answers with an error
 * result the model can read, instead of the call waiting forever.
 */
export function safeToolToken(name: string): string {
  return /^[A-Za-z0-9_-]{1,64}$/.test(name) ? name : "_invalid";
}
