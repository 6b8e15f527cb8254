import { jetstreamManager, type JetStreamManager } from "@nats-io/jetstream";
import { Kvm, type KV } from "@nats-io/kv";
import type { NatsConnection } from "@nats-io/transport-node";
import { decode, encode, type RunStatus, type Subjects } from "@cairn/protocol";
import { readRange, readRunLog } from "@cairn/bus";
import { reduceRun, runStatus } from "@cairn/runtime";
import type { RunLog } from "./log.js";

/** No message of the run is in the stream, and the runs index does not say it was purged. */
export class RunNotFoundError extends Error {
  override readonly name = "RunNotFoundError";
  constructor(readonly runId: string) {
    super(`no run ${runId} in the stream (never submitted here — check --prefix and the server)`);
  }
}

/** The run's history was removed with `cairn purge`; the runs index keeps when, and how it ended. */
export class RunPurgedError extends Error {
  override readonly name = "RunPurgedError";
  constructor(
    readonly runId: string,
    readonly purgedAt: string,
    readonly status: RunStatus,
  ) {
    super(`run ${runId} was purged at ${purgedAt}: its history is no longer in the stream (it had ${status.status}${status.endedAt ? ` at ${status.endedAt}` : ""}, ${status.turn} turns, ${status.toolCalls} tool calls)`);
  }
}

/** Purging refuses runs that have not ended: their history is still being written and read. */
export class RunInFlightError extends Error {
  override readonly name = "RunInFlightError";
  constructor(readonly runId: string) {
    super(`run ${runId} has not ended: only ended runs can be purged (cancel it first, or wait)`);
  }
}

async function runsIndex(nc: NatsConnection, subjects: Subjects): Promise<KV | undefined> {
  try {
    return await new Kvm(nc).open(subjects.runsBucket);
  } catch {
    return undefined;
  }
}

async function indexEntry(kv: KV | undefined, runId: string): Promise<RunStatus | undefined> {
  if (!kv) return undefined;
  try {
    const e = await kv.get(runId);
    if (!e || e.operation !== "PUT") return undefined;
    const d = decode<RunStatus>("RunStatus", e.value);
    return d.ok ? d.value : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Reads a run's whole log from the stream. A run with no messages is either purged (the runs index
 * says when: RunPurgedError) or unknown (RunNotFoundError).
 */
export async function loadRunLog(nc: NatsConnection, subjects: Subjects, runId: string): Promise<RunLog> {
  const jsm = await jetstreamManager(nc, { timeout: 10_000 });
  const entries = await readRunLog(jsm, subjects, runId);
  if (entries.length) return { prefix: subjects.prefix, runId, entries };
  const status = await indexEntry(await runsIndex(nc, subjects), runId);
  if (status?.purgedAt) throw new RunPurgedError(runId, status.purgedAt, status);
  throw new RunNotFoundError(runId);
}

export interface PurgedRun {
  runId: string;
  /** Messages removed from the stream. */
  purged: number;
  purgedAt: string;
  /** The run's status as folded just before the purge (kept in the runs index with `purgedAt`). */
  status: RunStatus;
}

async function purgeOne(jsm: JetStreamManager, kv: KV | undefined, subjects: Subjects, runId: string, now: Date): Promise<PurgedRun> {
  const events = await readRunLog(jsm, subjects, runId, { eventsOnly: true });
  if (!events.length) {
    const status = await indexEntry(kv, runId);
    if (status?.purgedAt) throw new RunPurgedError(runId, status.purgedAt, status);
    throw new RunNotFoundError(runId);
  }
  const state = reduceRun(runId, events, subjects);
  if (!state.ended) throw new RunInFlightError(runId);
  const purgedAt = now.toISOString();
  const status: RunStatus = { ...runStatus(state), purgedAt };
  // Mark first: if the purge then fails, the history is still there and replays; the mark only
  // matters once the history is gone.
  if (kv) await kv.put(runId, encode(status));
  const r = await jsm.streams.purge(subjects.stream, { filter: subjects.run(runId) });
  return { runId, purged: r.purged, purgedAt, status };
}

/**
 * Removes an ended run's whole history from the stream (JetStream purge by subject filter
 * `<p>.run.<runId>.>`) and marks it purged in the runs index. Refuses a run that has not ended
 * (RunInFlightError). A purged run's subjects are free again, so its idempotency key no longer
 * finds it.
 */
export async function purgeRun(nc: NatsConnection, subjects: Subjects, runId: string, opts: { now?: Date } = {}): Promise<PurgedRun> {
  const jsm = await jetstreamManager(nc, { timeout: 10_000 });
  return purgeOne(jsm, await runsIndex(nc, subjects), subjects, runId, opts.now ?? new Date());
}

export interface PurgeOlderResult {
  /** Runs purged. */
  purged: PurgedRun[];
  /** With `dryRun`: the runs that would be purged (nothing is removed). */
  wouldPurge: RunStatus[];
  /** Ended runs kept because they ended more recently. */
  kept: number;
}

/**
 * Purges every run that ended more than `olderThanMs` ago (by the server time of its end event).
 * Runs without an end event — in flight — are never touched.
 */
export async function purgeOlderThan(nc: NatsConnection, subjects: Subjects, olderThanMs: number, opts: { now?: Date; dryRun?: boolean } = {}): Promise<PurgeOlderResult> {
  const jsm = await jetstreamManager(nc, { timeout: 10_000 });
  const kv = await runsIndex(nc, subjects);
  const now = opts.now ?? new Date();
  const due: string[] = [];
  let kept = 0;
  for await (const e of readRange(jsm, subjects.stream, `${subjects.prefix}.run.*.evt.ended`, 1)) {
    const runId = subjects.parse(e.subject)?.runId;
    if (!runId) continue;
    if (now.getTime() - Date.parse(e.time) >= olderThanMs) due.push(runId);
    else kept++;
  }
  const purged: PurgedRun[] = [];
  const wouldPurge: RunStatus[] = [];
  for (const runId of due) {
    if (opts.dryRun) wouldPurge.push(runStatus(reduceRun(runId, await readRunLog(jsm, subjects, runId, { eventsOnly: true }), subjects)));
    else purged.push(await purgeOne(jsm, kv, subjects, runId, now));
  }
  return { purged, wouldPurge, kept };
}

/** Parses a duration like `30d`, `12h`, `1h30m`, `90s`, `500ms` into milliseconds. */
export function parseDuration(text: string): number {
  const units: Record<string, number> = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };
  const s = text.trim();
  if (!/^(\d+(\.\d+)?(ms|s|m|h|d|w))+$/.test(s)) throw new Error(`invalid duration ${JSON.stringify(text)}: use e.g. 30d, 12h, 1h30m, 90s, 500ms`);
  let total = 0;
  for (const m of s.matchAll(/(\d+(?:\.\d+)?)(ms|s|m|h|d|w)/g)) total += Number(m[1]) * units[m[2]!]!;
  return total;
}
