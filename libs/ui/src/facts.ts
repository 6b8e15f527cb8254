import { decodeEntry, Subjects, type RunSubmitted } from "@cairn/protocol";
import type { RunLog, Timeline } from "@cairn/replay";
import { childRunId, costUsd, reduceRun, SUB_AGENT_TOOL } from "@cairn/runtime";

/** One of the agent's budgets (its snapshot in the run's submission) and how much of it the run used. */
export interface BudgetUse {
  budget: "tokens" | "cost" | "deadline";
  /** Tokens (in + out), US dollars, or milliseconds elapsed (to the run's end, or to `now`). */
  used: number | undefined;
  limit: number;
  /**
   * When a human let the run go past a budget (agent `onBudgetExceeded: "approve"`): every budget
   * counts again from then (the time of that approval), as the planner counts it.
   */
  since?: string;
}

/** A `run_agent` call of the run and the sub-agent run it starts (or started). */
export interface SubAgentCall {
  turn: number;
  index: number;
  callId: string;
  /** The child run: from the call's result once recorded, else the id the planner derives for it. */
  runId: string;
  /** The task and agent the call asks for (from its arguments, when they are JSON). */
  task?: string;
  agent?: string;
  /** The call's result: undefined while the child runs. */
  ok?: boolean;
}

export interface RunFacts {
  budgets: BudgetUse[];
  /** The run that started this one (a sub-agent run), and its call. */
  parent?: NonNullable<RunSubmitted["parent"]>;
  subAgents: SubAgentCall[];
}

/**
 * What the run page shows besides the timeline, from the run's log (pure): usage against the
 * agent's budgets as the planner counts them (`overBudget`), the parent run, and the sub-agent
 * runs of its `run_agent` calls. `now` (ms) measures a running run's deadline.
 */
export function runFacts(log: RunLog, timeline: Timeline, now: number): RunFacts {
  const subjects = new Subjects(log.prefix);
  const head = subjects.runEventsHead(log.runId);
  const state = reduceRun(
    log.runId,
    log.entries.filter((e) => e.subject.startsWith(head)),
    subjects,
  );
  const agent = state.submitted?.agent;
  const base = state.budgetBase;
  const budgets: BudgetUse[] = [];
  const since = base ? { since: base.time } : {};
  if (agent?.maxTokens !== undefined)
    budgets.push({
      budget: "tokens",
      used: state.usage.inputTokens + state.usage.outputTokens - (base?.tokens ?? 0),
      limit: agent.maxTokens,
      ...since,
    });
  if (agent?.maxCostUsd !== undefined) {
    const cost = costUsd(state);
    budgets.push({
      budget: "cost",
      used: cost === undefined ? undefined : cost - (base?.costUsd ?? 0),
      limit: agent.maxCostUsd,
      ...since,
    });
  }
  if (agent?.deadlineMs !== undefined && state.submitted) {
    const end = state.ended ? Date.parse(state.ended.endedAt) : now;
    budgets.push({
      budget: "deadline",
      used: Math.max(0, end - Date.parse(base?.time ?? state.submitted.submittedAt)),
      limit: agent.deadlineMs,
      ...since,
    });
  }

  const calls = new Map<string, SubAgentCall>();
  for (const i of timeline.items) {
    if ((i.kind !== "tool-command" && i.kind !== "tool-result") || i.tool !== SUB_AGENT_TOOL) continue;
    const key = `${i.turn}.${i.index}`;
    const call = calls.get(key) ?? {
      turn: i.turn,
      index: i.index,
      callId: i.callId,
      runId: childRunId(log.runId, i.turn, i.index),
    };
    if (i.kind === "tool-command") {
      try {
        const args = JSON.parse(i.arguments) as { task?: unknown; agent?: unknown };
        if (typeof args.task === "string") call.task = args.task;
        if (typeof args.agent === "string") call.agent = args.agent;
      } catch {
        // arguments that are not JSON: the tool refuses them
      }
    } else if (!i.ignored && !i.rejected) {
      call.ok = i.ok;
      if (i.childRunId) call.runId = i.childRunId;
    }
    calls.set(key, call);
  }
  // The submission as recorded (the timeline keeps no parent).
  let parent: RunFacts["parent"];
  for (const e of log.entries) {
    if (e.subject !== subjects.submitted(log.runId)) continue;
    const d = decodeEntry(subjects, e.subject, e.data);
    if (d.kind === "submitted" && d.message.parent) parent = d.message.parent;
  }
  return { budgets, ...(parent ? { parent } : {}), subAgents: [...calls.values()] };
}
