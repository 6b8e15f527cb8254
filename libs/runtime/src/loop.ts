import { createHash } from "node:crypto";
import type { AgentSpec, RunStatus, ToolResult } from "@cairn/protocol";
import { canonicalJson } from "./prompt.js";
import type { RunState, TurnState } from "./state.js";

/**
 * The stuck-loop guard's counts (agent `loopGuard`), kept by the fold as each turn's last result is
 * recorded — so they are a function of the log alone, and `decide` and `status` read the same. A
 * human's approval to go on (`evt.approval.<turn>.loop`) starts them again from that turn; the
 * results seen stay (the model has read them).
 */
export interface LoopCounts {
  /** The first turn counted: 1, or the turn of the last approval to go on. */
  since: number;
  /** Each distinct call (tool and canonical arguments) of the counted turns: where it was first asked for, and how often. */
  calls: Map<string, LoopCall>;
  /** The call asked for most often (the first to reach that count). */
  top?: LoopCall;
  /** Every (tool, canonical arguments, outcome) recorded in the run, hashed: the results the model has seen. */
  seen: Set<string>;
  /** Consecutive idle turns (no new result) ending at the last completed turn, counted turns only. */
  idle: number;
}

interface LoopCall {
  turn: number;
  index: number;
  count: number;
}

/** What tripped the guard. */
export type LoopTrip = Omit<NonNullable<RunStatus["loopPause"]>, "turn">;

/** Counts for a run whose agent has a loop guard; undefined otherwise (no cost for other runs). */
export function loopCounts(agent: AgentSpec): LoopCounts | undefined {
  return agent.loopGuard ? { since: 1, calls: new Map(), seen: new Set(), idle: 0 } : undefined;
}

/** A call's arguments as canonical JSON (keys sorted, no spacing); arguments that are not JSON, as they are. */
export function canonicalArguments(args: string): string {
  try {
    return canonicalJson(JSON.parse(args)) ?? args;
  } catch {
    return args;
  }
}

const hash = (s: string): string => createHash("sha256").update(s).digest("base64");

function outcome(r: ToolResult): string {
  if (!r.ok) return `error ${r.error?.kind ?? ""}\n${r.error?.message ?? ""}`;
  return r.outputRef ? `ref ${r.outputRef.sha256}` : `output ${r.output ?? ""}`;
}

/**
 * Counts a turn whose every call has its result (called by the fold once, when its last result is
 * recorded): each call, in call order, by tool and canonical arguments; and whether any result is
 * new — a (tool, arguments, outcome) not recorded earlier in the run, in an earlier turn or an
 * earlier call of this one. A turn with none is idle.
 */
export function countTurn(loop: LoopCounts, turn: TurnState): void {
  let fresh = false;
  (turn.llm.toolCalls ?? []).forEach((call, index) => {
    const key = hash(`${call.name}\n${canonicalArguments(call.arguments)}`);
    let c = loop.calls.get(key);
    if (!c) loop.calls.set(key, (c = { turn: turn.turn, index, count: 0 }));
    c.count++;
    if (!loop.top || c.count > loop.top.count) loop.top = c;
    const r = turn.results[index];
    const seen = r ? hash(`${key}\n${outcome(r)}`) : undefined;
    if (seen !== undefined && !loop.seen.has(seen)) {
      loop.seen.add(seen);
      fresh = true;
    }
  });
  loop.idle = fresh ? 0 : loop.idle + 1;
}

/** A human let the run go on before `turn`: the counts start again from it. */
export function resetLoop(loop: LoopCounts, turn: number): void {
  loop.since = turn;
  loop.calls.clear();
  loop.top = undefined;
  loop.idle = 0;
}

const clip = (s: string, n: number): string => (s.length > n ? `${s.slice(0, n)}…` : s);

/**
 * Whether the run's stuck-loop guard trips now, over the turns completed since `since`: the same
 * call (tool and canonical arguments) asked for `sameCall` times, or `idleTurns` idle turns in a
 * row. `same_call` is named first when both hold. Undefined for a run without a guard.
 */
export function loopTrip(state: RunState): LoopTrip | undefined {
  const g = state.submitted?.agent.loopGuard;
  const l = state.loop;
  if (!g || !l) return undefined;
  const since = l.since > 1 ? ` since turn ${l.since} (when a human let the run go on)` : "";
  const top = l.top;
  if (g.sameCall !== undefined && top && top.count >= g.sameCall) {
    const call = state.turns[top.turn - 1]?.llm.toolCalls?.[top.index];
    const tool = call?.name ?? "?";
    const args = canonicalArguments(call?.arguments ?? "");
    return {
      pattern: "same_call",
      tool,
      arguments: args,
      count: top.count,
      sinceTurn: l.since,
      message: `stuck loop (same_call): ${tool} was called ${top.count} times with the same arguments ${clip(args, 200)}${since}; loopGuard.sameCall is ${g.sameCall}`,
    };
  }
  if (g.idleTurns !== undefined && l.idle >= g.idleTurns) {
    const last = state.turns.length;
    return {
      pattern: "idle_turns",
      count: l.idle,
      sinceTurn: l.since,
      message: `stuck loop (idle_turns): ${l.idle} turn${l.idle === 1 ? "" : "s"} in a row (${l.idle === 1 ? `turn ${last}` : `turns ${last - l.idle + 1}-${last}`}) brought no new tool result, only results already seen in the run${since}; loopGuard.idleTurns is ${g.idleTurns}`,
    };
  }
  return undefined;
}

/**
 * When the run waits for a human because its stuck-loop guard tripped (agent `loopGuard` with
 * `onTrip: "pause"`): the model turn it would start next, and what tripped. `cairn approve <runId>
 * loop` lets it go on (the counts start again from that turn); `cairn deny <runId> loop` ends it.
 */
export function loopPause(state: RunState): RunStatus["loopPause"] {
  const sub = state.submitted;
  if (!sub || state.ended || state.cancel || sub.agent.loopGuard?.onTrip !== "pause") return undefined;
  const last = state.turns[state.turns.length - 1];
  if (
    !last ||
    !last.llm.ok ||
    last.results.length === 0 ||
    last.resultCount < last.results.length ||
    last.turn >= sub.agent.maxTurns
  )
    return undefined;
  const next = last.turn + 1;
  if (state.loopApprovals.has(next)) return undefined;
  const trip = loopTrip(state);
  return trip ? { turn: next, ...trip } : undefined;
}
