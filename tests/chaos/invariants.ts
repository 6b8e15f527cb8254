import type { DecodedEntry } from "@cairn/protocol";
import type { LedgerCommit, LedgerEntry } from "@cairn/testing";

export interface LoggedEntry {
  seq: number;
  subject: string;
  entry: DecodedEntry;
}

/**
 * Checks one run's log: a submission first; every subject written once; model turns 1..N with no
 * gaps, each answering its command; every command answered by exactly one result and every
 * result answering a command; turns monotone (turn N+1 is asked for only after every result of
 * turn N); an end event, after which nothing is commanded. Returns the violations (empty = ok).
 */
export function checkRunLog(runId: string, log: LoggedEntry[]): string[] {
  const v: string[] = [];
  const say = (m: string): void => void v.push(`${runId}: ${m}`);
  if (log.length === 0) return [`${runId}: empty log`];
  if (log[0]!.entry.kind !== "submitted") say(`first entry is ${log[0]!.entry.kind}, not the submission`);
  const subjects = new Set<string>();
  for (const e of log) {
    if (subjects.has(e.subject)) say(`subject written twice: ${e.subject}`);
    subjects.add(e.subject);
    if (e.entry.kind === "invalid") say(`unreadable entry at seq ${e.seq}: ${e.entry.reason}`);
    if (e.entry.kind === "error") {
      const m = e.entry.message;
      // A retry notice (a failed attempt handed back with a delay) is not a problem: it must name
      // a command written before it. (It may follow the step's result: a delivery that stalled
      // past ack_wait fails after another one recorded the result.)
      if (m.retryAt !== undefined) {
        const cmd = log.find((c) => c.subject === m.subject);
        if (!cmd || cmd.seq > e.seq) say(`retry notice at seq ${e.seq} about ${m.subject}: no such command before it`);
        if (!(m.attempt! >= 1) || !Number.isFinite(Date.parse(m.retryAt)))
          say(`retry notice at seq ${e.seq}: attempt ${m.attempt} / retryAt ${m.retryAt}`);
      } else say(`error recorded at seq ${e.seq}: ${m.error.kind}: ${m.error.message}`);
    }
  }
  const seqOf = (pred: (e: LoggedEntry) => boolean): number[] => log.filter(pred).map((e) => e.seq);
  const llmCmd = new Map<number, number>();
  const llmRes = new Map<number, number>();
  const toolCmd = new Map<string, number>();
  const toolRes = new Map<string, number>();
  // Results the planner records itself, with no command: a call a human denied, a call to a tool the agent lacks.
  const plannerAnswered = new Set<string>();
  // Calls whose outcome was recorded as ambiguous (the last round's record).
  const ambiguous = new Map<string, number>();
  // "<turn>.<index>.<round>" a human allowed to run (approve without a result on round - 1)
  const rerunAllowed = new Set<string>();
  for (const e of log) {
    const x = e.entry;
    if (x.kind === "llm-command") llmCmd.set(x.message.turn, e.seq);
    if (x.kind === "llm-result") llmRes.set(x.message.turn, e.seq);
    if (x.kind === "tool-command") toolCmd.set(`${x.message.turn}.${x.message.index}`, e.seq);
    if (x.kind === "tool-result") toolRes.set(`${x.message.turn}.${x.message.index}`, e.seq);
    if (x.kind === "tool-ambiguous") ambiguous.set(`${x.message.turn}.${x.message.index}`, e.seq);
    if (x.kind === "ambiguity-approval" && x.message.decision === "approve" && x.message.result === undefined)
      rerunAllowed.add(`${x.message.turn}.${x.message.index}.${(x.message.round ?? 0) + 1}`);
    // A rerun must follow a human's "run it again" on the round before it (itself after that round's ambiguity).
    if (x.kind === "tool-rerun") {
      const w = e.subject.split(".").at(-2)!.split("-r");
      if (!rerunAllowed.has(`${x.message.turn}.${w[0]}.${w[1]}`))
        say(`rerun ${e.subject} without a human's decision to run it again before it`);
    }
    // A human's answer to a call whose outcome was ambiguous (a failure, or a result by hand): it must follow that ambiguity.
    if (
      x.kind === "tool-result" &&
      (x.message.recordedBy !== undefined || x.message.error?.kind === "ambiguous_denied") &&
      !((ambiguous.get(`${x.message.turn}.${x.message.index}`) ?? Infinity) < e.seq)
    )
      say(`tool result ${x.message.turn}.${x.message.index} answers an ambiguity that is not recorded before it`);
    if (
      x.kind === "tool-result" &&
      !x.message.ok &&
      (x.message.error?.kind === "denied" || x.message.error?.kind === "unknown_tool")
    )
      plannerAnswered.add(`${x.message.turn}.${x.message.index}`);
  }
  const turns = [...llmRes.keys()].sort((a, b) => a - b);
  turns.forEach((t, i) => {
    if (t !== i + 1) say(`model turns have a gap: expected turn ${i + 1}, found ${t}`);
  });
  for (const [t, seq] of llmCmd) {
    const r = llmRes.get(t);
    if (r === undefined) say(`llm command for turn ${t} never answered`);
    else if (r < seq) say(`llm result for turn ${t} precedes its command`);
  }
  for (const t of llmRes.keys()) if (!llmCmd.has(t)) say(`llm result for turn ${t} without a command`);
  for (const [k, seq] of toolCmd) {
    const r = toolRes.get(k);
    if (r === undefined) say(`tool command ${k} never answered`);
    else if (r < seq) say(`tool result ${k} precedes its command`);
  }
  for (const k of toolRes.keys())
    if (!toolCmd.has(k) && !plannerAnswered.has(k)) say(`tool result ${k} without a command`);
  for (const k of plannerAnswered) if (toolCmd.has(k)) say(`tool call ${k} both commanded and answered by the planner`);
  for (const [k, seq] of toolCmd) {
    const turn = Number(k.split(".")[0]);
    const asked = llmRes.get(turn);
    if (asked === undefined || asked > seq) say(`tool command ${k} issued before the model asked for it`);
    const next = llmCmd.get(turn + 1);
    const res = toolRes.get(k);
    if (next !== undefined && res !== undefined && next < res)
      say(`turn ${turn + 1} asked for before result ${k} was in (turns not monotone)`);
  }
  const ended = seqOf((e) => e.entry.kind === "ended");
  if (ended.length !== 1) say(`expected one end event, found ${ended.length}`);
  else {
    const after = log.filter((e) => e.seq > ended[0]! && e.entry.kind !== "error");
    if (after.length) say(`${after.length} entries after the end event (first: ${after[0]!.subject})`);
  }
  return v;
}

/**
 * Checks the ledger against the logs: every tool call recorded as done in a log is committed
 * exactly once under its idempotency key, with the recorded result; nothing is committed that no
 * log recorded. Returns the violations and the number of re-executions (executions beyond one per key).
 */
export function checkLedger(
  logs: Map<string, LoggedEntry[]>,
  executions: LedgerEntry[],
  commits: LedgerCommit[],
): { violations: string[]; reExecutions: number; keys: number } {
  const v: string[] = [];
  const recorded = new Map<string, string>();
  for (const log of logs.values()) {
    for (const e of log) {
      if (
        e.entry.kind === "tool-result" &&
        e.entry.message.ok &&
        (e.entry.message.tool === "ledger" || e.entry.message.tool === "reconcile_ledger")
      )
        recorded.set(e.entry.message.idempotencyKey ?? "", e.entry.message.output ?? "");
    }
  }
  const byKey = new Map<string, LedgerCommit[]>();
  for (const c of commits) byKey.set(c.key, [...(byKey.get(c.key) ?? []), c]);
  for (const [key, out] of recorded) {
    const cs = byKey.get(key) ?? [];
    if (cs.length === 0) v.push(`${key}: result recorded in the log but never committed (lost)`);
    if (cs.length > 1) v.push(`${key}: committed ${cs.length} times (duplicate)`);
    if (cs[0] && cs[0].result !== out)
      v.push(`${key}: committed ${JSON.stringify(cs[0].result)} but the log recorded ${JSON.stringify(out)}`);
  }
  for (const key of byKey.keys()) if (!recorded.has(key)) v.push(`${key}: committed but no log recorded its result`);
  const execKeys = new Set(executions.map((e) => e.key));
  return { violations: v, reExecutions: executions.length - execKeys.size, keys: execKeys.size };
}

/** Percentile (nearest rank) of a list of numbers. */
export function percentile(xs: number[], p: number): number {
  if (!xs.length) return Number.NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))]!;
}
