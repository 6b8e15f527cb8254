import { runStepOf, type RunStatus } from "@cairn/protocol";
import type { Timeline } from "./timeline.js";

/** A `sleep` tool call in flight: due at its command's time + its `ms` argument (epoch ms). */
export interface PendingSleep {
  callId: string;
  wakeAt: number;
}

/** A failed attempt whose retry is due (a retry notice in the log, its step not recorded yet). */
export interface PendingRetry {
  /** The command's subject. */
  subject: string;
  attempt: number;
  /** When the next attempt is due (epoch ms). */
  retryAt: number;
  /** `kind: message` of the failure. */
  error: string;
}

/**
 * One thing a run waits for now, structured: what `cairn follow` says in a line and `cairn ui` in
 * a sentence. Strings are the run's own text (a tool's name, arguments, a budget's message): the
 * caller makes them safe for where they are shown (a terminal, HTML).
 */
export type Wait =
  | {
      kind: "approval";
      callId: string;
      tool: string;
      arguments: string;
      reason?: string;
      argsEditable?: boolean;
      /** The call was started and left no result (see the tool's effect): approve runs it again, deny records a failure, or a result by hand. */
      ambiguous?: { round: number; effect: "reconcile" | "irreversible"; reason: string };
    }
  | { kind: "budget"; budget: string; message: string; turn: number }
  /** Paused by the agent's loop guard (the pattern in words in `message`): approve `loop` to go on. */
  | { kind: "loop"; pattern: string; message: string; turn: number }
  /** Paused by a tripped guardrail (onTrip pause): approve `guard` to go on, deny to end the run. */
  | { kind: "guard"; point: "input" | "output"; guardrail: string; message: string; turn: number }
  /** A conversation that answered and waits for the next message (cairn send). */
  | { kind: "message" }
  /** Work no live worker serves: the run goes on when one starts. */
  | { kind: "worker"; missing: { name: string; kind: "llm" | "tool" }[] }
  | { kind: "sleep"; callId: string; wakeAt: number; due: boolean }
  | { kind: "retry"; subject: string; attempt: number; retryAt: number; error: string; due: boolean }
  /** Nothing above: the ordinary wait for the model or a tool at work (`RunStatus.waitingFor`). */
  | { kind: "working"; on: string[] };

/**
 * What a run waits for now, from its status and the sleeps and retries its log shows in flight
 * (`pendingOf` for a whole log; `cairn follow` tracks them as messages arrive). Empty for an
 * ended run. `working` comes only when nothing else is waited for.
 */
export function waitsOf(s: RunStatus, sleeps: PendingSleep[], now: number, retries: PendingRetry[] = []): Wait[] {
  if (s.status !== "running" && s.status !== "awaiting_approval") return [];
  const out: Wait[] = [];
  for (const a of s.approvals ?? [])
    out.push({
      kind: "approval",
      callId: a.callId,
      tool: a.tool,
      arguments: a.arguments,
      ...(a.reason !== undefined ? { reason: a.reason } : {}),
      ...(a.argsEditable ? { argsEditable: true } : {}),
      ...(a.ambiguous ? { ambiguous: a.ambiguous } : {}),
    });
  if (s.budgetPause)
    out.push({ kind: "budget", budget: s.budgetPause.kind, message: s.budgetPause.message, turn: s.budgetPause.turn });
  if (s.loopPause && s.status === "awaiting_approval")
    out.push({ kind: "loop", pattern: s.loopPause.pattern, message: s.loopPause.message, turn: s.loopPause.turn });
  if (s.guardPause)
    out.push({
      kind: "guard",
      point: s.guardPause.point,
      guardrail: s.guardPause.guardrail,
      message: s.guardPause.message,
      turn: s.guardPause.turn,
    });
  if (s.awaitingMessage) out.push({ kind: "message" });
  if (s.waitingForRunner?.length) {
    const kinds = new Map((s.waitingOn ?? []).map((w) => [w.name, w.kind]));
    out.push({
      kind: "worker",
      missing: s.waitingForRunner.map((name) => ({ name, kind: kinds.get(name) === "llm" ? "llm" : "tool" })),
    });
  }
  for (const sl of sleeps) out.push({ kind: "sleep", callId: sl.callId, wakeAt: sl.wakeAt, due: sl.wakeAt <= now });
  for (const r of retries) out.push({ kind: "retry", ...r, due: r.retryAt <= now });
  if (!out.length && s.waitingFor?.length) out.push({ kind: "working", on: s.waitingFor });
  return out;
}

/**
 * A step's key (`tool:1:0`, `llm:2:`, `check:3:`) from a command or result subject, to pair
 * notices with results. A guardrail check is keyed by its number (checks are numbered per run,
 * not per turn), read from the token the subject's template names `{n}`.
 */
export function stepKey(subject: string): string | undefined {
  const st = runStepOf(subject);
  if (!st) return undefined;
  if (st.kind === "check") {
    const at = st.template.split(".").indexOf("{n}");
    const n = at >= 0 ? subject.split(".")[at] : undefined;
    return n === undefined ? undefined : `check:${n}:`;
  }
  return `${st.kind}:${st.turn ?? ""}:${st.index ?? ""}`;
}

/** The wake time of a `sleep` call from its arguments (`{"ms": n}`) and its command's time; undefined if unreadable. */
export function sleepWakeAt(args: string, commandTime: string): number | undefined {
  try {
    const ms = (JSON.parse(args) as { ms?: unknown }).ms;
    const t = Date.parse(commandTime);
    return typeof ms === "number" && Number.isFinite(t) ? t + ms : undefined;
  } catch {
    return undefined; // arguments that are not JSON: the tool refuses them
  }
}

/**
 * The sleeps and retries in flight, fed a run's log in order: a `sleep` call until its result; a
 * retry notice until its step's result (a notice that follows its step's result — a delivery that
 * stalled past ack_wait failed after another recorded it — waits for nothing). `cairn follow`
 * feeds it as messages arrive; `pendingOf` feeds it a whole timeline. Subjects are full run
 * subjects (commands and results).
 */
export interface PendingTracker {
  /** A `sleep` tool call, from its arguments and its command's time. */
  sleep(callId: string, args: string, commandTime: string): void;
  /** A retry notice about the command `commandSubject`. */
  retry(commandSubject: string, attempt: number, retryAt: string, error: string): void;
  /** A step's result (a tool call's with its call id): ends its sleep and its retries. */
  result(resultSubject: string, callId?: string): void;
  pending(): { sleeps: PendingSleep[]; retries: PendingRetry[] };
}

export function trackPending(): PendingTracker {
  const sleeps = new Map<string, number>();
  const retries = new Map<string, PendingRetry>();
  const recorded = new Set<string>();
  return {
    sleep(callId, args, commandTime) {
      const at = sleepWakeAt(args, commandTime);
      if (at !== undefined) sleeps.set(callId, at);
    },
    retry(subject, attempt, retryAt, error) {
      const key = stepKey(subject);
      const at = Date.parse(retryAt);
      if (key && !recorded.has(key) && Number.isFinite(at)) retries.set(key, { subject, attempt, retryAt: at, error });
    },
    result(subject, callId) {
      if (callId !== undefined) sleeps.delete(callId);
      const key = stepKey(subject);
      if (!key) return;
      recorded.add(key);
      retries.delete(key);
    },
    pending: () => ({
      sleeps: [...sleeps].map(([callId, wakeAt]) => ({ callId, wakeAt })),
      retries: [...retries.values()],
    }),
  };
}

/** The sleeps and retries in flight at the end of a timeline (what `waitsOf` needs besides the status). */
export function pendingOf(t: Timeline): { sleeps: PendingSleep[]; retries: PendingRetry[] } {
  const p = trackPending();
  const prefix = `${t.prefix}.run.${t.runId}.`;
  for (const i of t.items) {
    if (i.kind === "tool-command" && i.tool === "sleep") p.sleep(i.callId, i.arguments, i.time);
    if (i.kind === "error" && i.retry)
      p.retry(
        stepKey(i.about) ? i.about : `${prefix}${i.about}`,
        i.retry.attempt,
        i.retry.at,
        `${i.error.kind}: ${i.error.message}`,
      );
    if (i.kind === "tool-result" || i.kind === "llm-result" || i.kind === "summary-result" || i.kind === "check-result")
      p.result(`${prefix}${i.subject}`, i.kind === "tool-result" ? i.callId : undefined);
  }
  return p.pending();
}
