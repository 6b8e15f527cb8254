import { createHash } from "node:crypto";
import type {
  LlmCommand,
  RunEnded,
  RunGuard,
  CheckCommand,
  RunSignal,
  RunSubmitted,
  Subjects,
  SummaryCommand,
  ToolCommand,
  ToolResult,
} from "@cairn/protocol";
import { summaryDue } from "./prompt.js";
import {
  conversationAnswer,
  conversationGoesOn,
  continuesAfterAnswer,
  outputRetry,
  overBudget,
  pendingCheck,
  type Applied,
  type RunState,
  type TurnState,
} from "./state.js";
import { loopPause, loopTrip } from "./loop.js";
import {
  evaluateGuards,
  judgeProvider,
  type CodeGuards,
  type InstructionsContext,
  type ToolCallHook,
} from "./guard.js";
import { HANDOFF_TOOL, handoffTo, nextAgent, turnAgent } from "./team.js";
import { safeToolToken } from "./tokens.js";

export { safeToolToken };

/**
 * Whether the message just folded decides anything now: only for a conversation whose last turn
 * is an answer and that was waiting for a message. Otherwise (steering) the next model call reads
 * it whenever that call is due: the run is working (tool calls in flight), a model call is already
 * commanded (a correction, or a turn for an earlier message), or a run that is not a conversation
 * is ending with its answer.
 */
function messageWakes(state: RunState): boolean {
  const last = state.turns[state.turns.length - 1];
  const m = state.messages[state.messages.length - 1];
  // (an answer that failed its schema is no answer: its correction is already commanded)
  if (!last || !m || !conversationAnswer(state, last)) return false;
  return state.pendingMessages.length <= (m.text !== undefined ? 1 : 0);
}

/** A message the planner must append to the log; its subject is its identity (written once). */
export type Output =
  | { type: "LlmCommand"; subject: string; message: LlmCommand }
  /** Context compaction: summarise older turns (a journaled model call) before the next turn. */
  | { type: "SummaryCommand"; subject: string; message: SummaryCommand }
  | { type: "ToolCommand"; subject: string; message: ToolCommand }
  | { type: "RunEnded"; subject: string; message: RunEnded }
  /** A call to a tool the agent does not have is answered by the planner itself, with an error the model reads. */
  | { type: "ToolResult"; subject: string; message: ToolResult }
  /** A cancel passed on to a sub-agent run when its parent is cancelled. */
  | { type: "RunSignal"; subject: string; message: RunSignal }
  /** The verdict of the agent's guardrails on the task (input) or an answer (output). */
  | { type: "RunGuard"; subject: string; message: RunGuard }
  /** A model-judged guardrail's check (a journaled model call by the llm-caller), before the verdict. */
  | { type: "CheckCommand"; subject: string; message: CheckCommand };

/** The idempotency key handed to a tool for one call: stable across redeliveries and crashes. */
export function toolIdempotencyKey(runId: string, turn: number, index: number): string {
  return `${runId}:${turn}:${index}`;
}

/**
 * The planner's decision: what to append after the entry described by `applied` was folded into
 * `state`. Pure and deterministic — it depends only on the history up to that entry (times come
 * from the log), so a redelivered or concurrently handled event produces the same outputs, and
 * the stream's one-message-per-subject rule turns repeats into no-ops.
 *
 * The outputs are what the state makes due (see `due`); an event that cannot change what is due
 * (an error record, an ignored entry, a tool result while others of its turn are pending) decides
 * nothing, so a fan-in of N results does not re-send N commands N times — except that, with an
 * in-flight window (agent `maxParallelToolCalls`), a result that frees a place in the window
 * decides the one call that takes it (see `planTurn`).
 */
export function decide(state: RunState, applied: Applied, subjects: Subjects, code?: CodeGuards): Output[] {
  switch (applied.kind) {
    case "error":
    case "ignored":
      return [];
    case "rejected":
      // A refused message decides nothing, unless it took the result subject of a call still
      // pending: that call can never be recorded, and `due` ends the run saying so.
      return slotTaken(state, subjects) ? due(state, applied.seq, applied.time, subjects, code) : [];
    case "ended":
      return outcomeToParent(state, subjects);
    case "message":
      return messageWakes(state) ? due(state, applied.seq, applied.time, subjects, code) : [];
    case "cancel":
      return [
        ...due(state, applied.seq, applied.time, subjects, code),
        ...cancelChildren(state, applied.time, subjects),
      ];
    case "tool-result": {
      const t = state.turns[applied.turn - 1];
      if (!t || t !== state.turns[state.turns.length - 1]) return [];
      if (t.resultCount < t.results.length) return nextInWindow(state, t, applied.index, applied.seq, subjects, code);
      return due(state, applied.seq, applied.time, subjects, code);
    }
    default:
      return due(state, applied.seq, applied.time, subjects, code);
  }
}

/**
 * Everything the run's state makes due now: the first model call, the tool calls a response
 * asked for (those without a result yet and inside the in-flight window, and the planner's own
 * error results for calls it does not run: see `planTurn`), the next model call once every result
 * is in (preceded by a summary of older turns when the agent asks for one and the prompt outgrows
 * its budget), or the end (answer, failure, maxTurns, cancel). `historySeq` is the sequence the
 * commands refer to.
 */
export function due(
  state: RunState,
  historySeq: number,
  time: string,
  subjects: Subjects,
  code?: CodeGuards,
): Output[] {
  if (state.ended) return [];
  const runId = state.runId;
  const end = (status: RunEnded["status"], fields: Partial<RunEnded>): Output[] => [
    {
      type: "RunEnded",
      subject: subjects.ended(runId),
      message: {
        v: 1,
        type: "run.ended",
        runId,
        status,
        turns: state.turns.length,
        usage: { ...state.usage },
        endedAt: time,
        ...fields,
      },
    },
  ];
  if (state.cancel) return end("cancelled", { reason: state.cancel.reason ?? "cancelled" });
  if (state.invalidSubmission)
    return end("failed", {
      reason: "invalid_submission",
      error: { kind: "invalid_submission", message: state.invalidSubmission },
    });
  const sub = state.submitted;
  if (!sub) return [];
  const taken = slotTaken(state, subjects);
  if (taken) {
    return end("failed", {
      reason: "result_slot_taken",
      error: {
        kind: "result_slot_taken",
        message: `the result subject of ${taken.what} holds a message the run rejected (${taken.reason}): that result can never be recorded`,
      },
    });
  }
  // The agent whose turn comes next (the submitted one, or the one the run was handed to).
  const next = nextAgent(state) ?? sub.agent;
  const provider = safeToolToken(next.provider);
  // The stuck-loop guard, then budgets, are checked before every new model call: the expensive step.
  const llm = (turn: number): Output[] => {
    const trip = loopTrip(state);
    if (trip) {
      // (the run's loop guard is the submitted agent's: its counts span every agent's turns)
      if (sub.agent.loopGuard?.onTrip !== "pause")
        return end("failed", { reason: "stuck_loop", error: { kind: "stuck_loop", message: trip.message } });
      const d = state.loopApprovals.get(turn);
      if (!d) return []; // paused: a human decides whether the run may go on (see loopPause)
      if (d.decision === "deny")
        return end("failed", {
          reason: "stuck_loop",
          error: {
            kind: "stuck_loop",
            message: `${trip.message}; a human declined to go on${d.reason ? `: ${d.reason}` : ""}`,
          },
        });
      // (an approval resets the counts as it is folded: no trip is left to go past)
    }
    const over = overBudget(state, time);
    if (over) {
      if (next.onBudgetExceeded !== "approve") return end("failed", { reason: over.kind, error: over });
      const d = state.budgetApprovals.get(turn);
      if (!d) return []; // paused: a human decides whether the run may go on (see budgetPause)
      if (d.decision === "deny")
        return end("failed", {
          reason: over.kind,
          error: {
            kind: over.kind,
            message: `${over.message}; a human declined to go on${d.reason ? `: ${d.reason}` : ""}`,
          },
        });
      // approved for this turn, even if it still exceeds the budget the approvals have granted
    }
    // Instructions in code (agent instructionsInCode): computed now, recorded with the command.
    let instructions: string | undefined;
    if (next.instructionsInCode) {
      let why = `agent ${next.name}'s instructions are code that this planner has not loaded (CAIRN_AGENTS_MODULE)`;
      try {
        instructions = code?.instructions?.(next.name, codeContext(state, sub, next.name, turn));
      } catch (err) {
        why = `agent ${next.name}'s instructions threw: ${err instanceof Error ? err.message : String(err)}`;
      }
      if (typeof instructions !== "string")
        return end("failed", {
          reason: "instructions_unavailable",
          error: { kind: "instructions_unavailable", message: why },
        });
    }
    const through = summaryDue(state, turn);
    if (through !== undefined) {
      return [
        {
          type: "SummaryCommand",
          subject: subjects.summaryCommand(runId, turn, provider),
          message: { v: 1, type: "summary.command", runId, turn, throughTurn: through, historySeq },
        },
      ];
    }
    return [
      {
        type: "LlmCommand",
        subject: subjects.llmCommand(runId, turn, provider),
        message: {
          v: 1,
          type: "llm.command",
          runId,
          turn,
          historySeq,
          ...(instructions !== undefined ? { instructions } : {}),
        },
      },
    ];
  };
  const last = state.turns[state.turns.length - 1];
  // Guardrails (agent `guardrails`): their verdict is recorded first, then decides.
  const gate = (agent: RunSubmitted["agent"], point: "input" | "output", turn: number, text: string) => {
    const list = agent.guardrails?.[point];
    if (!list?.length) return undefined;
    const v = state.guards.get(`${turn}.${point}`);
    if (!v) {
      const r = evaluateGuards(list, text, { runId, agent: agent.name, point, turn }, code, (name) =>
        state.checks.find((c) => c.turn === turn && c.point === point && c.guardrail === name),
      );
      if (r.pending !== undefined) {
        // A model judges this one: its check first (one at a time, numbered in the run's order).
        const g = list.find((x) => x.name === r.pending)!;
        const n = state.checks.length + 1;
        return [
          {
            type: "CheckCommand",
            subject: subjects.checkCommand(runId, n, safeToolToken(judgeProvider(g, agent))),
            message: {
              v: 1,
              type: "check.command",
              runId,
              n,
              turn,
              point,
              guardrail: g.name,
              historySeq,
            },
          } as Output,
        ];
      }
      const message: RunGuard = {
        v: 1,
        type: "run.guard",
        runId,
        turn,
        point,
        tripped: r.tripped,
        ...(r.guardrail !== undefined ? { guardrail: r.guardrail } : {}),
        ...(r.message !== undefined ? { message: r.message } : {}),
        ...(r.onTrip !== undefined ? { onTrip: r.onTrip } : {}),
        checked: r.checked,
        at: time,
      };
      return [{ type: "RunGuard", subject: subjects.guard(runId, turn, point), message } as Output];
    }
    if (!v.tripped) return undefined;
    const failed = (extra = ""): Output[] =>
      end("failed", {
        reason: "guardrail_tripped",
        error: {
          kind: "guardrail_tripped",
          message: `${point} guardrail ${v.guardrail ?? "?"} tripped: ${v.message ?? ""}${extra}`,
        },
      });
    if (v.onTrip !== "pause") return failed();
    const d = state.guardApprovals.get(`${turn}.${point}`);
    if (!d) return []; // paused: a human decides (see guardPause)
    if (d.decision === "deny") return failed(`; a human declined to go on${d.reason ? `: ${d.reason}` : ""}`);
    return undefined; // approved: as if it had not tripped
  };
  if (!last) return gate(sub.agent, "input", 1, sub.task) ?? llm(1);
  if (!last.llm.ok)
    return end("failed", {
      reason: "llm_failed",
      error: last.llm.error ?? { kind: "llm_failed", message: "the model call failed" },
    });
  const calls = last.llm.toolCalls ?? [];
  if (calls.length === 0) {
    const checked = last.output;
    if (checked && !checked.ok) {
      // Structured output: an invalid answer goes back to the model while attempts remain.
      if (outputRetry(state, last)) return llm(last.turn + 1);
      return end("failed", {
        reason: "invalid_output",
        error: {
          kind: "invalid_output",
          message: `${state.invalidOutputs} answer${state.invalidOutputs === 1 ? "" : "s"} failed the output schema; the last: ${checked.error}`,
        },
      });
    }
    const answering = turnAgent(state, last) ?? sub.agent;
    const guarded = gate(answering, "output", last.turn, last.llm.content ?? "");
    if (guarded) return guarded;
    if (answering.conversation) {
      // A conversation: the next message starts the next turn; it ends once a message asked it to.
      if (conversationGoesOn(state, last)) return llm(last.turn + 1);
      if (!state.endRequested) {
        if (state.pendingMessages.length > 0)
          return end("failed", {
            reason: "max_turns_exceeded",
            error: {
              kind: "max_turns_exceeded",
              message: `the conversation used its maxTurns=${answering.maxTurns} model turns with a message still unanswered`,
            },
          });
        return []; // waits for the next message (cairn send)
      }
    }
    return end("completed", {
      answer: last.llm.content ?? "",
      ...(last.llm.contentRef ? { answerRef: last.llm.contentRef } : {}),
      ...(checked?.ok ? { output: checked.value } : {}),
    });
  }
  if (last.turn >= next.maxTurns) {
    return end("failed", {
      reason: "max_turns_exceeded",
      error: {
        kind: "max_turns_exceeded",
        message: `the model still asked for tools after maxTurns=${next.maxTurns} turns`,
      },
    });
  }
  if (last.resultCount === last.results.length) return llm(last.turn + 1);
  const plan = planTurn(state, last, sub, code);
  const open = new Set(plan.queue.slice(0, plan.open));
  const out: Output[] = [];
  calls.forEach((call, index) => {
    if (last.results[index]) return;
    const amb = state.ambiguities.get(`${last.turn}.${index}`);
    if (amb) {
      // A call whose outcome was ambiguous: what the human decided (nothing yet: the run waits).
      const out1 = ambiguityDecided(state, last, index, amb, historySeq, subjects);
      if (out1) out.push(out1);
      return;
    }
    const error = plan.answered.get(index);
    if (error) out.push(plannerResult(runId, last.turn, index, call, subjects, error));
    else if (open.has(index)) out.push(toolCommand(state, last, index, historySeq, subjects));
    // else: waiting for a human's approve/deny, or for a place in the in-flight window
  });
  return out;
}

/**
 * How the planner handles the calls of a turn (the run's last), from the folded state alone:
 *
 * - **Cap** (agent `maxToolCallsPerTurn`): a call at an index at or past the cap is not run; the
 *   planner records its result itself, an error of kind `too_many_calls` that the model reads. A
 *   call to a tool that requires approval is capped too, but only once a human has decided on it
 *   (the log takes no result for such a call before its decision): approve → `too_many_calls`,
 *   deny → `denied`.
 * - **Answered by the planner**: calls past the cap, calls a human denied (`denied`), calls to a
 *   tool the agent does not have (`unknown_tool`). They never run and take no place in the window.
 * - **Queue**: every other call runs through its tool's consumer, in this order: the calls that
 *   need no approval by index, then the approved calls in the order their approvals are in the
 *   log. A call waiting for a human is not in the queue (it takes no place in the window, so the
 *   other calls of the turn go on while a human decides); once approved it joins at the end.
 * - **Window** (agent `maxParallelToolCalls`, W): the first W + D calls of the queue are open —
 *   commanded — where D is how many calls of the queue have a recorded result. In flight (open,
 *   no result yet: running, retrying, asleep, or waiting on a sub-agent run) is thus at most W.
 *   Each result recorded for a queued call opens exactly the next one, commanded after that
 *   result (its historySeq); an approval whose call falls inside the window is commanded after
 *   the approval. Queue order only grows at its end (new approvals), so a call once open stays
 *   open, whatever order results come in.
 *
 * Runs submitted before these settings existed have neither in their agent snapshot: no cap, no
 * window (every call commanded at once), so their recorded logs decide as they did.
 */
export function planTurn(
  state: RunState,
  last: TurnState,
  sub: RunSubmitted,
  code?: CodeGuards,
): { answered: Map<number, PlannerAnswer>; queue: number[]; open: number; done: number } {
  const calls = last.llm.toolCalls ?? [];
  const agent = turnAgent(state, last) ?? sub.agent;
  const hook = agent.toolCallHook ? code?.toolCall?.(agent.name) : undefined;
  const cap = agent.maxToolCallsPerTurn ?? Number.POSITIVE_INFINITY;
  const known = new Set(agent.tools.map((t) => t.name));
  const gated = new Set(agent.tools.filter((t) => t.requiresApproval).map((t) => t.name));
  const answered = new Map<number, PlannerAnswer>();
  // Handoffs (agent `handoffs`): answered by the planner; the first valid one of a response hands the run over.
  if (agent.handoffs?.length) {
    let taken: { index: number; to: string } | undefined;
    calls.forEach((call, index) => {
      if (call.name !== HANDOFF_TOOL) return;
      const to = handoffTo(state, agent, call.arguments);
      if (to === undefined)
        answered.set(index, {
          kind: "invalid_handoff",
          message: `handoff needs {"agent": one of ${agent.handoffs!.map((n) => JSON.stringify(n)).join(", ")}}; got ${call.arguments.slice(0, 200)}`,
        });
      else if (taken)
        answered.set(index, {
          kind: "invalid_handoff",
          message: `one handoff per response: call ${taken.index} already hands the run to ${taken.to}`,
        });
      else {
        taken = { index, to };
        answered.set(index, { output: `Handed off to ${to}: it continues the conversation from here.` });
      }
    });
  }
  const queue: number[] = [];
  const tooMany = (index: number): { kind: string; message: string } => ({
    kind: "too_many_calls",
    message: `this response asked for ${calls.length} tool calls; the agent runs at most ${cap} per turn (maxToolCallsPerTurn), so call ${index} was not run: ask for fewer calls in one response`,
  });
  for (let index = 0; index < calls.length; index++) {
    const call = calls[index]!;
    if (answered.has(index)) continue; // a handoff
    if (gated.has(call.name)) {
      const decision = state.approvals.get(`${last.turn}.${index}`);
      if (!decision) continue; // paused: awaiting a human's approve/deny (outside the window)
      if (decision.decision === "deny")
        answered.set(index, {
          kind: "denied",
          message: `a human denied this call${decision.reason ? `: ${decision.reason}` : ""}`,
        });
      else if (index >= cap) answered.set(index, tooMany(index));
      continue; // approved: queued below, in approval order
    }
    if (index >= cap) answered.set(index, tooMany(index));
    else if (!known.has(call.name))
      answered.set(index, {
        kind: "unknown_tool",
        message: `no tool named ${JSON.stringify(call.name)}; available: ${[...known].join(", ") || "none"}`,
      });
    else {
      const refused = agent.toolCallHook ? hookRefusal(state, sub, agent.name, last, index, hook) : undefined;
      if (refused) answered.set(index, refused);
      else queue.push(index);
    }
  }
  if (gated.size > 0) {
    // The approvals map holds them in the order they were folded: log order.
    for (const a of state.approvals.values()) {
      if (a.turn === last.turn && a.decision === "approve" && a.index < cap && gated.has(calls[a.index]?.name ?? ""))
        queue.push(a.index);
    }
  }
  let done = 0;
  for (const index of queue) if (last.results[index]) done++;
  const window = agent.maxParallelToolCalls ?? Number.POSITIVE_INFINITY;
  return { answered, queue, open: Math.min(queue.length, window + done), done };
}

/** A call's result the planner records itself: an error the model reads, or (a handoff) its output. */
type PlannerAnswer = { kind: string; message: string } | { output: string };

/** What code of the agents module is given about the run (instructions, hooks): read from its log. */
function codeContext(
  state: RunState,
  sub: RunSubmitted,
  agent: string,
  turn: number,
  asked?: TurnState,
): InstructionsContext {
  // For a hook on the calls of `asked`: the run as that turn's response found it — the messages its
  // prompt and the earlier ones read, the handoffs before it — so every decision of the turn asks
  // the same question, whatever arrives while its calls run. (A copy: code cannot change the state.)
  const messages = asked ? state.turns.slice(0, asked.turn).flatMap((t) => t.messagesBefore ?? []) : state.messages;
  return Object.freeze({
    runId: state.runId,
    agent,
    turn,
    task: sub.task,
    metadata: Object.freeze({ ...(sub.metadata ?? {}) }),
    toolCalls: state.toolCalls,
    messages: Object.freeze(messages.flatMap((m) => (m.text !== undefined ? [m.text] : []))),
    handedFrom: Object.freeze(state.handoffs.filter((h) => !asked || h.turn < asked.turn).map((h) => h.from)),
  });
}

/**
 * An agent's tool-call hook on call `index` of `last` (agent `toolCallHook`): its refusal, or
 * undefined to let the call run. Fails closed: a planner without the hook, a hook that throws or
 * answers something else refuses the call (the tool never runs on a hook that did not decide).
 */
function hookRefusal(
  state: RunState,
  sub: RunSubmitted,
  agent: string,
  last: TurnState,
  index: number,
  hook: ToolCallHook | undefined,
): { kind: string; message: string } | undefined {
  if (!hook)
    return {
      kind: "hook_unavailable",
      message: `agent ${agent}'s tool-call hook is code that this planner has not loaded (CAIRN_AGENTS_MODULE): the call was not run`,
    };
  const call = last.llm.toolCalls![index]!;
  let args: unknown;
  try {
    args = JSON.parse(call.arguments);
  } catch {
    args = undefined;
  }
  const failed = (why: string) => ({
    kind: "hook_failed",
    message: `agent ${agent}'s tool-call hook ${why}; the call was not run`,
  });
  try {
    const r: unknown = hook(
      Object.freeze({ name: call.name, arguments: args, turn: last.turn, index }),
      codeContext(state, sub, agent, last.turn, last),
    );
    if (r === undefined || r === null || r === false) return undefined;
    if (typeof (r as { then?: unknown }).then === "function") {
      // an async hook: its promise is dropped (a decision cannot wait); never an unhandled rejection
      (r as Promise<unknown>).then(undefined, () => undefined);
      return failed("returned a promise (hooks are synchronous, pure functions)");
    }
    const deny = typeof r === "object" ? (r as { deny?: unknown }).deny : undefined;
    if (typeof deny === "string")
      return { kind: "denied_by_hook", message: deny.slice(0, 4096) || "refused by the agent's tool-call hook" };
    return failed(`answered a ${typeof r} (expected nothing or { deny: string })`);
  } catch (err) {
    let why: string;
    try {
      why = err instanceof Error ? err.message : String(err);
    } catch {
      why = "an unprintable value";
    }
    return failed(`threw: ${why.slice(0, 1000)}`);
  }
}

/**
 * A result of the last turn with others still pending: under an in-flight window, the call whose
 * place it frees (the queue's (W + D)th call, D counting this result), if that call has no result
 * yet; nothing without a window, or for a result that took no place in it (one the planner
 * recorded itself).
 */
function nextInWindow(
  state: RunState,
  last: TurnState,
  index: number,
  historySeq: number,
  subjects: Subjects,
  code?: CodeGuards,
): Output[] {
  const sub = state.submitted;
  const agent = sub && (turnAgent(state, last) ?? sub.agent);
  if (!sub || !agent || agent.maxParallelToolCalls === undefined || state.ended || state.cancel) return [];
  const plan = planTurn(state, last, sub, code);
  if (!plan.queue.includes(index)) return [];
  const next = plan.queue[plan.open - 1];
  if (plan.open !== agent.maxParallelToolCalls + plan.done || next === undefined || last.results[next]) return [];
  return [toolCommand(state, last, next, historySeq, subjects)];
}

/** The command of a call: with the arguments an approver put in place of the model's, if one did. */
function toolCommand(state: RunState, last: TurnState, index: number, historySeq: number, subjects: Subjects): Output {
  const runId = state.runId;
  const call = last.llm.toolCalls![index]!;
  const edited = state.approvals.get(`${last.turn}.${index}`)?.arguments;
  return {
    type: "ToolCommand",
    subject: subjects.toolCommand(runId, last.turn, index, safeToolToken(call.name)),
    message: {
      v: 1,
      type: "tool.command",
      runId,
      turn: last.turn,
      index,
      callId: call.id,
      tool: call.name,
      arguments: edited ?? call.arguments,
      idempotencyKey: toolIdempotencyKey(runId, last.turn, index),
      historySeq,
    },
  };
}

/**
 * What a human's decision on an ambiguous call makes due: approve → the call's rerun (round + 1,
 * same call id, arguments and idempotency key); approve with a result → that result, recorded by
 * the planner with who decided; deny → the call's failed result (kind `ambiguous_denied`), which
 * the model reads. Undefined while no decision is recorded (the run waits for it).
 */
function ambiguityDecided(
  state: RunState,
  last: TurnState,
  index: number,
  amb: RunState["ambiguities"] extends Map<string, infer V> ? V : never,
  historySeq: number,
  subjects: Subjects,
): Output | undefined {
  const d = amb.decision;
  if (!d) return undefined;
  const call = last.llm.toolCalls![index]!;
  if (d.decision === "approve" && d.result === undefined) {
    const cmd = toolCommand(state, last, index, historySeq, subjects);
    return {
      ...cmd,
      subject: subjects.toolRerun(state.runId, last.turn, index, amb.record.round + 1, safeToolToken(call.name)),
    };
  }
  const r = plannerResult(
    state.runId,
    last.turn,
    index,
    call,
    subjects,
    d.decision === "approve"
      ? { output: d.result! }
      : {
          kind: "ambiguous_denied",
          message: `the call's outcome was ambiguous (${amb.record.reason}) and a human declined to run it again${d.reason ? `: ${d.reason}` : ""}`,
        },
  );
  if (r.type === "ToolResult" && d.by !== undefined && d.decision === "approve") r.message.recordedBy = d.by;
  return r;
}

/**
 * A step the run waits for whose result subject holds a message the fold rejected (written before
 * the step was commanded, or not the step's result): one message per subject, so the step's real
 * result can never be stored there. The steps: the calls of the last turn still without a result,
 * or, when the run waits for the model, the next turn's response and summary.
 */
function slotTaken(state: RunState, subjects: Subjects): { what: string; reason: string } | undefined {
  if (state.rejectedSubjects.size === 0 || state.ended) return undefined;
  const found = (subject: string): string | undefined =>
    state.rejectedSubjects.has(subject) ? state.rejected.find((r) => r.subject === subject)?.reason : undefined;
  const last = state.turns[state.turns.length - 1];
  const calls = last?.llm.ok ? (last.llm.toolCalls ?? []) : [];
  if (last && calls.length > 0 && last.resultCount < calls.length) {
    for (let index = 0; index < calls.length; index++) {
      if (last.results[index]) continue;
      const reason = found(subjects.toolResult(state.runId, last.turn, index, safeToolToken(calls[index]!.name)));
      if (reason !== undefined) return { what: `call ${index} (${calls[index]!.name}) of turn ${last.turn}`, reason };
      // a call waiting for a human whose decision's subject is taken can never be decided
      const gated =
        turnAgent(state, last)?.tools.some((t) => t.name === calls[index]!.name && t.requiresApproval) &&
        !state.approvals.has(`${last.turn}.${index}`);
      const decision = gated ? found(subjects.approval(state.runId, last.turn, index)) : undefined;
      if (decision !== undefined)
        return { what: `the approval of call ${index} (${calls[index]!.name}) of turn ${last.turn}`, reason: decision };
      const amb = state.ambiguities.get(`${last.turn}.${index}`);
      // the decision an ambiguity waits for; after "run it again", the rerun's own ambiguity record
      const rerun = amb?.decision?.decision === "approve" && amb.decision.result === undefined;
      const ambTaken = !amb
        ? undefined
        : !amb.decision
          ? found(subjects.ambiguityApproval(state.runId, last.turn, index, amb.record.round))
          : rerun
            ? found(
                subjects.toolAmbiguous(
                  state.runId,
                  last.turn,
                  index,
                  amb.record.round + 1,
                  safeToolToken(calls[index]!.name),
                ),
              )
            : undefined;
      if (ambTaken !== undefined)
        return {
          what: `the decision on ambiguous call ${index} (${calls[index]!.name}) of turn ${last.turn}`,
          reason: ambTaken,
        };
    }
    return undefined;
  }
  // a model-judged guardrail's check the run waits for (one at a time: the next number)
  const check = subjects.checkResult(state.runId, state.checks.length + 1);
  const checkReason = pendingCheck(state) ? found(check) : undefined;
  if (checkReason !== undefined) return { what: `guardrail check ${state.checks.length + 1}`, reason: checkReason };
  // the run ends or waits for a message: nothing more is awaited (unless an invalid structured
  // answer goes back to the model, or a conversation's next message is to be read)
  if (last && (!last.llm.ok || calls.length === 0) && !continuesAfterAnswer(state, last)) return undefined;
  const next = state.turns.length + 1;
  for (const [subject, what] of [
    [subjects.llmResult(state.runId, next), `model turn ${next}`],
    [subjects.summaryResult(state.runId, next), `the summary before turn ${next}`],
    // a run its loop guard paused waits for this decision
    ...(loopPause(state)
      ? ([[subjects.loopApproval(state.runId, next), `the decision on the stuck loop before turn ${next}`]] as const)
      : []),
  ] as const) {
    const reason = found(subject);
    if (reason !== undefined) return { what, reason };
  }
  return undefined;
}

/** A call's result that the planner records itself: failed (unknown tool, denied by a human), or a handoff's. */
function plannerResult(
  runId: string,
  turn: number,
  index: number,
  call: { id: string; name: string },
  subjects: Subjects,
  answer: PlannerAnswer,
): Output {
  return {
    type: "ToolResult",
    subject: subjects.toolResult(runId, turn, index, safeToolToken(call.name)),
    message: {
      v: 1,
      type: "tool.result",
      runId,
      turn,
      index,
      callId: call.id,
      tool: call.name,
      attempts: 1,
      idempotencyKey: toolIdempotencyKey(runId, turn, index),
      ...("output" in answer ? { ok: true, output: answer.output } : { ok: false, error: answer }),
    },
  };
}

/** The built-in tool that starts a sub-agent run and waits for its outcome. */
export const SUB_AGENT_TOOL = "run_agent";

/** Run id derived from an idempotency key (a resubmission with the key names the same run). */
export function runIdForKey(key: string): string {
  return `r${createHash("sha256")
    .update(key)
    .digest("base64url")
    .slice(0, 26)
    .replace(/[^A-Za-z0-9]/g, "x")}`;
}

/** The sub-agent run a `run_agent` call starts: derived from the call's idempotency key. */
export function childRunId(parentRunId: string, turn: number, index: number): string {
  return runIdForKey(`child:${toolIdempotencyKey(parentRunId, turn, index)}`);
}

/** When a sub-agent run ends, its outcome becomes the parent's tool result (once, ever). */
function outcomeToParent(state: RunState, subjects: Subjects): Output[] {
  const p = state.submitted?.parent;
  const end = state.ended;
  if (!p || !end) return [];
  const ok = end.status === "completed";
  return [
    {
      type: "ToolResult",
      subject: subjects.toolResult(p.runId, p.turn, p.index, SUB_AGENT_TOOL),
      message: {
        v: 1,
        type: "tool.result",
        runId: p.runId,
        turn: p.turn,
        index: p.index,
        callId: p.callId,
        tool: SUB_AGENT_TOOL,
        ok,
        attempts: 1,
        idempotencyKey: toolIdempotencyKey(p.runId, p.turn, p.index),
        childRunId: state.runId,
        ...(ok
          ? { output: end.answer ?? "" }
          : {
              error: {
                kind: `child_${end.status}`,
                message: `sub-agent run ${state.runId} ${end.status}${end.reason ? `: ${end.reason}` : ""}`,
              },
            }),
      },
    },
  ];
}

/** A cancelled run passes the cancel on to the sub-agent runs of its calls still waiting. */
function cancelChildren(state: RunState, time: string, subjects: Subjects): Output[] {
  const last = state.turns[state.turns.length - 1];
  if (!last) return [];
  const out: Output[] = [];
  (last.llm.toolCalls ?? []).forEach((c, index) => {
    if (c.name !== SUB_AGENT_TOOL || last.results[index]) return;
    const child = childRunId(state.runId, last.turn, index);
    out.push({
      type: "RunSignal",
      subject: subjects.signal(child, "cancel"),
      message: {
        v: 1,
        type: "run.signal",
        runId: child,
        signal: "cancel",
        reason: `parent run ${state.runId} was cancelled`,
        at: time,
      },
    });
  });
  return out;
}
