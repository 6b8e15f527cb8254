import { rm } from "node:fs/promises";
import { join } from "node:path";
import { jetstreamManager, type JetStreamManager } from "@nats-io/jetstream";
import { Kvm, type KV } from "@nats-io/kv";
import type { NatsConnection } from "@nats-io/transport-node";
import { decode, encode, isToken, type RunStatus, type Subjects, type HistoryEntry } from "@cairn/protocol";
import { jetstream } from "@nats-io/jetstream";
import { isMissingStream, JETSTREAM_TIMEOUT_MS, readRange, readRunLog } from "@cairn/bus";
import { reduceRun, runStatus } from "@cairn/runtime";
import type { RunLog } from "./log.js";
import { findArchived, readArchive, retireRun, writeArchive } from "@cairn/runlog";

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
    super(
      `run ${runId} was purged at ${purgedAt}: its history is no longer in the stream (it ended ${status.status}${status.endedAt ? ` at ${status.endedAt}` : ""}, ${status.turn} turns, ${status.toolCalls} tool calls)`,
    );
  }
}

/**
 * Purging refuses runs that have not ended — their history is still being written and read — and,
 * unless forced, ended runs with commands still unanswered (a cancelled run's tool call may still
 * be running; its result would land on a purged subject).
 */
export class RunInFlightError extends Error {
  override readonly name = "RunInFlightError";
  constructor(
    readonly runId: string,
    /** Commands without a recorded result, for an ended run (subjects below `<p>.run.<runId>.`). */
    readonly unanswered: string[] = [],
  ) {
    super(
      unanswered.length
        ? `run ${runId} has ended but ${unanswered.length} command${unanswered.length > 1 ? "s have" : " has"} no result yet (${unanswered.join(", ")}): a call may still be running; purge later, or force it`
        : `run ${runId} has not ended: only ended runs can be purged (cancel it first, or wait)`,
    );
  }
}

/**
 * The runs index, for a purge or an archive: those move each run's record out of it into the
 * archive directory, which must exist (a deployment provisioned before it existed: `cairn provision`).
 */
async function indexForRetiring(
  nc: NatsConnection,
  jsm: JetStreamManager,
  subjects: Subjects,
): Promise<KV | undefined> {
  const kv = await runsIndex(nc, subjects);
  // No runs index (a stream provisioned by hand): nothing to move out of it.
  if (!kv || !(await jsm.streams.info(`KV_${subjects.runsBucket}`).catch(() => undefined))) return undefined;
  for (const [kind, name] of [
    ["stream", subjects.archiveStream],
    ["KV bucket", subjects.archiveBucket],
  ] as const) {
    try {
      await jsm.streams.info(kind === "stream" ? name : `KV_${name}`);
    } catch (err) {
      if (isMissingStream(err))
        throw new Error(
          `the ${kind} ${name} does not exist: run \`cairn provision\` (as admin) once before purging or archiving runs with this version`,
        );
      throw err;
    }
  }
  return kv;
}

async function runsIndex(nc: NatsConnection, subjects: Subjects): Promise<KV | undefined> {
  try {
    return await new Kvm(nc).open(subjects.runsBucket);
  } catch {
    return undefined;
  }
}

/** The run's record in the runs index, or (once it left it: retireRun) in the archive directory. */
async function indexEntry(
  jsm: JetStreamManager,
  kv: KV | undefined,
  subjects: Subjects,
  runId: string,
): Promise<RunStatus | undefined> {
  if (kv) {
    try {
      const e = await kv.get(runId);
      if (e && e.operation === "PUT") {
        const d = decode<RunStatus>("RunStatus", e.value);
        if (d.ok) return d.value;
      }
    } catch {
      // unreadable: the directory may know the run
    }
  }
  return findArchived(jsm, subjects, runId);
}

/**
 * Reads a run's whole log from the stream. A run with no messages is either purged (the runs index
 * says when: RunPurgedError) or unknown (RunNotFoundError).
 */
export async function loadRunLog(nc: NatsConnection, subjects: Subjects, runId: string): Promise<RunLog> {
  const jsm = await jetstreamManager(nc, { timeout: JETSTREAM_TIMEOUT_MS });
  const entries = await readRunLog(jsm, subjects, runId);
  if (entries.length) return { prefix: subjects.prefix, runId, entries };
  const status = await indexEntry(jsm, await runsIndex(nc, subjects), subjects, runId);
  // An archived run: its log as sealed, read back and checked against its digest.
  if (status?.archive)
    return { prefix: subjects.prefix, runId, entries: await readArchive(jsm, subjects, runId, status.archive) };
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

/** Commands of the log with no result recorded on their result subject (below `<p>.run.<runId>.`). */
export function unanswered(entries: HistoryEntry[], subjects: Subjects, runId: string): string[] {
  const have = new Set(entries.map((e) => e.subject));
  const head = subjects.runHead(runId);
  const out: string[] = [];
  for (const e of entries) {
    const w = subjects.parse(e.subject)?.what;
    const result =
      w?.kind === "llm-command"
        ? subjects.llmResult(runId, w.turn)
        : w?.kind === "summary-command"
          ? subjects.summaryResult(runId, w.turn)
          : w?.kind === "check-command"
            ? subjects.checkResult(runId, w.n)
            : w?.kind === "tool-command"
              ? subjects.toolResult(runId, w.turn, w.index, w.tool)
              : undefined;
    // (a log recorded before the tool joined the result subject has `evt.tool.<turn>.<index>`)
    const legacy = w?.kind === "tool-command" ? subjects.legacyToolResult(runId, w.turn, w.index) : undefined;
    if (result && !have.has(result) && !(legacy && have.has(legacy))) out.push(e.subject.slice(head.length));
  }
  return out;
}

/** The run's archive is already sealed (`cairn archive`): it is not in the runs stream any more. */
export class RunArchivedError extends Error {
  override readonly name = "RunArchivedError";
  constructor(
    readonly runId: string,
    readonly archivedAt: string,
  ) {
    super(
      `run ${runId} was archived at ${archivedAt}: its log is sealed in the archive stream (replay, export and status read it there)`,
    );
  }
}

/** The run's status and log if it may be purged or archived; throws RunNotFoundError, RunPurgedError, RunArchivedError or RunInFlightError. */
async function settledRun(
  jsm: JetStreamManager,
  kv: KV | undefined,
  subjects: Subjects,
  runId: string,
  force: boolean,
): Promise<{ status: RunStatus; entries: HistoryEntry[] }> {
  const entries = await readRunLog(jsm, subjects, runId);
  if (!entries.length) {
    const status = await indexEntry(jsm, kv, subjects, runId);
    if (status?.archivedAt) throw new RunArchivedError(runId, status.archivedAt);
    if (status?.purgedAt) throw new RunPurgedError(runId, status.purgedAt, status);
    throw new RunNotFoundError(runId);
  }
  const state = reduceRun(runId, entries, subjects);
  if (!state.ended) throw new RunInFlightError(runId);
  const open = unanswered(entries, subjects, runId);
  if (open.length && !force) throw new RunInFlightError(runId, open);
  return { status: runStatus(state), entries };
}

async function purgeable(
  jsm: JetStreamManager,
  kv: KV | undefined,
  subjects: Subjects,
  runId: string,
  force: boolean,
): Promise<RunStatus> {
  return (await settledRun(jsm, kv, subjects, runId, force)).status;
}

/**
 * After a run's history is gone, its workspace goes too: a plain NATS notification
 * (`<p>.purged.<runId>`, empty body) that every tool-runner hears and acts on under its own
 * workspace root — wherever this purge runs — and, with `workspaceRoot` (a purge on the runners'
 * host, e.g. `cairn dev`), a direct removal. Both best effort and idempotent.
 */
async function removeWorkspace(
  nc: NatsConnection,
  subjects: Subjects,
  runId: string,
  workspaceRoot: string | undefined,
): Promise<void> {
  nc.publish(subjects.purged(runId));
  if (workspaceRoot && isToken(runId))
    await rm(join(workspaceRoot, runId), { recursive: true, force: true, maxRetries: 2 }).catch(() => undefined);
}

async function purgeOne(
  nc: NatsConnection,
  jsm: JetStreamManager,
  kv: KV | undefined,
  subjects: Subjects,
  runId: string,
  now: Date,
  opts: PurgeOptions,
): Promise<PurgedRun> {
  if (opts.archive) return archiveOne(nc, jsm, kv, subjects, runId, now, opts);
  const purgedAt = now.toISOString();
  const status: RunStatus = { ...(await purgeable(jsm, kv, subjects, runId, !!opts.force)), purgedAt };
  // Mark first: if the purge then fails, the history is still there and replays; the mark only
  // matters once the history is gone.
  if (kv) await kv.put(runId, encode(status));
  const r = await jsm.streams.purge(subjects.stream, { filter: subjects.run(runId) });
  if (kv) await retireRun(jetstream(nc), jsm, subjects, status);
  await removeWorkspace(nc, subjects, runId, opts.workspaceRoot);
  return { runId, purged: r.purged, purgedAt, status };
}

/**
 * Archives an ended run: its whole log sealed into the archive stream (writeArchive: written, read
 * back, checked), the reference recorded in the runs index, and only then the run removed from the
 * runs stream (the per-subject state nats-server keeps for each of its messages goes with it);
 * last, its index record moves into the archive directory (retireRun), so a finished run leaves no
 * per-run subject anywhere. A crash between the steps leaves the run readable: in the stream
 * still, or in the archive (found through the runs index or the directory).
 */
async function archiveOne(
  nc: NatsConnection,
  jsm: JetStreamManager,
  kv: KV | undefined,
  subjects: Subjects,
  runId: string,
  now: Date,
  opts: PurgeOptions,
): Promise<PurgedRun> {
  if (!kv)
    throw new Error(
      `the runs index (KV ${subjects.runsBucket}) is missing: archiving needs it to find archived runs (cairn provision)`,
    );
  const { status: folded, entries } = await settledRun(jsm, kv, subjects, runId, !!opts.force);
  const archive = await writeArchive(jetstream(nc), jsm, subjects, runId, entries);
  const archivedAt = now.toISOString();
  const status: RunStatus = { ...folded, archivedAt, archive };
  await kv.put(runId, encode(status));
  const r = await jsm.streams.purge(subjects.stream, { filter: subjects.run(runId) });
  await retireRun(jetstream(nc), jsm, subjects, status);
  return { runId, purged: r.purged, purgedAt: archivedAt, status };
}

export interface PurgeOptions {
  now?: Date;
  /**
   * Seal each run's log into the archive stream before removing it from the runs stream (`cairn
   * archive`): the run stays readable — replay, export, fork, status — and its workspace stays.
   */
  archive?: boolean;
  /** Also purge ended runs with commands still unanswered (see RunInFlightError). */
  force?: boolean;
  /**
   * The tool-runners' workspace root, when this process is on their host (`cairn dev`): the run's
   * workspace `<root>/<runId>` is removed here too. Either way every tool-runner is notified
   * (`<p>.purged.<runId>`) and removes it under its own root.
   */
  workspaceRoot?: string;
}

/**
 * Removes an ended run's whole history from the stream (JetStream purge by subject filter
 * `<p>.run.<runId>.>`) and marks it purged (`purgedAt`): the mark moves from the runs index into the
 * archive directory (retireRun), where status and the run's idempotency key still find it. Refuses
 * a run that has not ended, or (unless forced) whose calls are not all answered: RunInFlightError. The run's workspace is
 * removed by every tool-runner, notified on `<p>.purged.<runId>` (see PurgeOptions.workspaceRoot).
 */
export async function purgeRun(
  nc: NatsConnection,
  subjects: Subjects,
  runId: string,
  opts: PurgeOptions = {},
): Promise<PurgedRun> {
  const jsm = await jetstreamManager(nc, { timeout: JETSTREAM_TIMEOUT_MS });
  const purged = await purgeOne(
    nc,
    jsm,
    await indexForRetiring(nc, jsm, subjects),
    subjects,
    runId,
    opts.now ?? new Date(),
    opts,
  );
  await nc.flush();
  return purged;
}

/** Runs purged or archived at once by `purgeOlderThan`. */
const PURGE_CONCURRENCY = 16;

export interface PurgeOlderResult {
  /** Runs purged. */
  purged: PurgedRun[];
  /** With `dryRun`: the runs that would be purged (nothing is removed). */
  wouldPurge: RunStatus[];
  /** Ended runs kept because they ended more recently. */
  kept: number;
  /** Ended runs old enough but kept because commands are unanswered (without `force`). */
  unsettled: { runId: string; unanswered: string[] }[];
}

/**
 * Purges every run that ended more than `olderThanMs` ago (by the server time of its end event).
 * Runs without an end event — in flight — are never touched.
 */
export async function purgeOlderThan(
  nc: NatsConnection,
  subjects: Subjects,
  olderThanMs: number,
  opts: PurgeOptions & { dryRun?: boolean } = {},
): Promise<PurgeOlderResult> {
  const jsm = await jetstreamManager(nc, { timeout: JETSTREAM_TIMEOUT_MS });
  const kv = opts.dryRun ? await runsIndex(nc, subjects) : await indexForRetiring(nc, jsm, subjects);
  const now = opts.now ?? new Date();
  const due: string[] = [];
  let kept = 0;
  for await (const e of readRange(jsm, subjects.stream, subjects.allEnded(), 1)) {
    const runId = subjects.parse(e.subject)?.runId;
    if (!runId) continue;
    if (now.getTime() - Date.parse(e.time) >= olderThanMs) due.push(runId);
    else kept++;
  }
  const result: PurgeOlderResult = { purged: [], wouldPurge: [], kept, unsettled: [] };
  // Several runs at a time (each run's own steps stay in order); results in the order the runs ended.
  const outcomes: (PurgedRun | RunStatus | { runId: string; unanswered: string[] })[] = new Array<PurgedRun>(
    due.length,
  );
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < due.length) {
      const i = next++;
      const runId = due[i]!;
      try {
        outcomes[i] = opts.dryRun
          ? await purgeable(jsm, kv, subjects, runId, !!opts.force)
          : await purgeOne(nc, jsm, kv, subjects, runId, now, opts);
      } catch (err) {
        if (!(err instanceof RunInFlightError)) throw err;
        outcomes[i] = { runId, unanswered: err.unanswered };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(PURGE_CONCURRENCY, due.length) }, worker));
  for (const o of outcomes) {
    if ("unanswered" in o) result.unsettled.push(o);
    else if (opts.dryRun) result.wouldPurge.push(o as RunStatus);
    else result.purged.push(o as PurgedRun);
  }
  if (result.purged.length) await nc.flush();
  return result;
}

/** Parses a duration like `30d`, `12h`, `1h30m`, `90s`, `500ms` into milliseconds. */
export function parseDuration(text: string): number {
  const units: Record<string, number> = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };
  const s = text.trim();
  if (!/^(\d+(\.\d+)?(ms|s|m|h|d|w))+$/.test(s))
    throw new Error(`invalid duration ${JSON.stringify(text)}: use e.g. 30d, 12h, 1h30m, 90s, 500ms`);
  let total = 0;
  for (const m of s.matchAll(/(\d+(?:\.\d+)?)(ms|s|m|h|d|w)/g)) total += Number(m[1]) * units[m[2]!]!;
  return total;
}
