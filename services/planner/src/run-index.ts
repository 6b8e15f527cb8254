import type { JetStreamClient, JetStreamManager, StoredMsg } from "@nats-io/jetstream";
import type { KV } from "@nats-io/kv";
import { decode, encode, type RunStatus, type Subjects } from "@cairn/protocol";
import { isKvValue, isMissingStream, isWrongLastSequence, readRange, readRunLog } from "@cairn/bus";
import { reduceRun, runStatus } from "@cairn/runtime";
import type { Logger } from "@cairn/telemetry";
import type { IndexedRun, NewestPage, NewestQuery, RunIndexReader } from "./handler.js";
import { archivedRecordOf, findArchived, rebuildArchiveDirectory, retireRun } from "@cairn/runlog";
import { collect, RunCounts, type StatusCountGroup } from "./run-counts.js";

/**
 * The runs index: a projection of the run log into the runs KV bucket, written by the planner as
 * it folds each run, read by `status` and `list` without touching the log. Two records per run:
 *
 * - `<runId>`: the run's status now (RunStatus, with `lastSeq`: the last event folded into it).
 *   Written at once when a run ends, or starts or stops waiting for a human, and at most every
 *   `progressMs` while it runs (the latest state wins). A write never replaces a record of a later
 *   point of the run (`lastSeq`), whichever planner instance wrote it: each is a compare-and-set on
 *   the key's revision, but the end, which no later point follows (it is put as is).
 * - `s.<runId>`: the run as submitted (RunStatus at its submission: tenant, agent, metadata,
 *   submission time), written once when the run starts; its status until `<runId>` is written.
 *   These records stay in the bucket's stream in the order the runs were indexed, which is
 *   submission order, so `list` reads the newest from the stream's end backwards, a window at a
 *   time, and never reads every key.
 *
 * Lost or from an older version: `cairn index rebuild` writes both records of every run from the
 * log (see rebuildRunIndex).
 */
export class RunIndex implements RunIndexReader {
  /** What this instance last wrote or read for a run: the key's revision and the point of the run it holds. */
  private readonly known = new Map<string, { revision: number; seq: number }>();
  private readonly pending = new Map<string, RunStatus>();
  private timer: NodeJS.Timeout | undefined;
  private flushing: Promise<void> | undefined;
  /** Runs by status, kept from the index's writes once first asked for (see RunCounts). */
  private tally: RunCounts | undefined;

  constructor(
    private readonly kv: KV,
    private readonly jsm: JetStreamManager,
    private readonly subjects: Subjects,
    private readonly log: Logger,
    private readonly opts: { progressMs: number; knownRuns: number } = { progressMs: 1_000, knownRuns: 100_000 },
  ) {}

  private get stream(): string {
    return `KV_${this.subjects.runsBucket}`;
  }
  private subject(key: string): string {
    return this.subjects.runsKey(key);
  }

  /**
   * A run started: its submission record, which is also its status until the first status record
   * is written (`get` falls back to it). False when the index held it already.
   */
  async submitted(s: RunStatus): Promise<boolean> {
    try {
      await this.kv.create(this.subjects.submissionKey(s.runId), encode(s));
      return true;
    } catch (err) {
      if (!isWrongLastSequence(err)) throw err;
      return false; // already indexed (a redelivered submission)
    }
  }

  /**
   * The run's status changed in a way a reader must see at once (ended, waits for a human, a
   * decision recorded). An end is the run's last point: it is put as is, with no read and no
   * compare-and-set (every other write compares, so none replaces it).
   */
  async changed(s: RunStatus): Promise<void> {
    if (s.status === "running" || s.status === "awaiting_approval") {
      await this.write(s);
      return;
    }
    this.supersede(s);
    await this.kv.put(s.runId, encode(s));
    this.known.delete(s.runId);
  }

  /** The run moved on: its status is written within `progressMs` (the latest one per run). */
  progress(s: RunStatus): void {
    this.pending.set(s.runId, s);
    this.timer ??= setTimeout(() => {
      this.timer = undefined;
      this.flushing = this.flush().finally(() => (this.flushing = undefined));
    }, this.opts.progressMs);
  }

  /** Writes every pending progress record now. */
  async flush(): Promise<void> {
    const batch = [...this.pending.values()];
    this.pending.clear();
    await Promise.all(
      batch.map((s) =>
        this.write(s).catch((err: unknown) => {
          // The next change of the run writes it again; `status` reads the log while the record is missing.
          this.log.warn({ err, runId: s.runId }, "runs index: progress not written");
        }),
      ),
    );
  }

  async stop(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    await this.flushing;
    await this.flush();
  }

  /** Writes `s` unless the index holds this point of the run or a later one; true when written. */
  async rewrite(s: RunStatus): Promise<boolean> {
    const written = await this.write(s);
    this.known.delete(s.runId);
    return written;
  }

  /**
   * Writes `s` unless the index already holds this point of the run or a later one; true when
   * written. A record this instance has not seen is read first (compare-and-set on its revision).
   */
  private async write(s: RunStatus): Promise<boolean> {
    const key = s.runId;
    const seq = s.lastSeq ?? 0;
    this.supersede(s);
    const data = encode(s);
    for (let attempt = 0; attempt < 4; attempt++) {
      const known = this.known.get(key) ?? (await this.read(key));
      if (known && known.seq >= seq) return false;
      try {
        const revision = known ? await this.kv.update(key, data, known.revision) : await this.kv.create(key, data);
        this.remember(key, { revision, seq });
        return true;
      } catch (err) {
        if (!isWrongLastSequence(err)) throw err;
        // Another write came first (another instance, or a record this one had not seen): read it and decide again.
        this.known.delete(key);
      }
    }
    throw new Error(`runs index: the record of run ${key} kept changing under this write`);
  }

  /** Drops a pending progress record that `s`, about to be written, is as recent as or newer than. */
  private supersede(s: RunStatus): void {
    const queued = this.pending.get(s.runId);
    if (queued && (queued.lastSeq ?? 0) <= (s.lastSeq ?? 0)) this.pending.delete(s.runId);
  }

  private remember(key: string, v: { revision: number; seq: number }): void {
    this.known.delete(key);
    this.known.set(key, v);
    if (this.known.size > this.opts.knownRuns) this.known.delete(this.known.keys().next().value!);
  }

  /** The stored record's revision and point of the run, if any (a deleted or unreadable one holds no point: -1). */
  private async read(key: string): Promise<{ revision: number; seq: number } | undefined> {
    const m = await this.jsm.direct.getMessage(this.stream, { last_by_subj: this.subject(key) });
    if (!m) return undefined;
    const r = recordOf(m);
    return { revision: m.seq, seq: r ? (r.lastSeq ?? 0) : -1 };
  }

  /**
   * The run's status as indexed (one Direct Get by key; a second one, of its submission record,
   * for a run whose status was not written yet), or, for a run that left the runs index (archived
   * or purged), its record in the archive directory (two more); undefined when none has it.
   */
  async get(runId: string): Promise<RunStatus | undefined> {
    const m = await this.jsm.direct.getMessage(this.stream, { last_by_subj: this.subject(runId) });
    if (m) return recordOf(m);
    const sub = await this.jsm.direct.getMessage(this.stream, {
      last_by_subj: this.subject(this.subjects.submissionKey(runId)),
    });
    if (sub) return recordOf(sub);
    return findArchived(this.jsm, this.subjects, runId);
  }

  /**
   * Runs by status and (tenant, agent): the index read once when first asked, then only its new
   * writes (see RunCounts); undefined while that first read takes longer than `waitMs`.
   */
  counts(): Promise<StatusCountGroup[]>;
  counts(waitMs: number | undefined): Promise<StatusCountGroup[] | undefined>;
  counts(waitMs?: number): Promise<StatusCountGroup[] | undefined> {
    this.tally ??= new RunCounts(this.jsm, this.subjects);
    return this.tally.counts(waitMs);
  }

  /**
   * Runs newest first, each with its status now, keeping those `keep` accepts: until `limit` are
   * kept, or `budget` records were examined, or the index ends. First the runs in the runs index
   * (its submission records, read backwards from the end of the bucket's stream: submission order),
   * then the runs that left it for the archive (their records, newest first: the order they left).
   * `before`: continue below this position (a cursor). Returns where the walk stopped (`next`:
   * undefined when the index ended).
   */
  async newest(opts: NewestQuery): Promise<NewestPage> {
    const page: NewestPage = { runs: [], next: undefined, examined: 0 };
    if (!opts.before?.archived) {
      const more = await this.newestIndexed(opts, page);
      if (more) return page;
    }
    await this.newestArchived(opts, page);
    return page;
  }

  /** The runs index's part of `newest`; true when the page is complete (limit or budget reached). */
  private async newestIndexed(opts: NewestQuery, page: NewestPage): Promise<boolean> {
    const hi =
      opts.before !== undefined ? opts.before.seq - 1 : (await this.jsm.streams.info(this.stream)).state.last_seq;
    const head = this.subject(this.subjects.submissionKeyHead());
    // No subject filter: with one, the server counts the filter's pending messages for every
    // answer by matching it against every subject of the bucket (O(index)).
    // The first window sized for the page: a run's submission record is followed by its status
    // records, so a page of `limit` runs needs at least twice that many messages (64 at least).
    const first = Math.max(64, 2 * opts.limit + 16);
    for await (const { lo, msgs } of windowsBelow(this.jsm, this.stream, hi, undefined, first)) {
      const candidates: { sub: RunStatus; seq: number }[] = [];
      let stop = false;
      for (const m of msgs) {
        if (!m.subject.startsWith(head)) continue;
        page.examined++;
        const sub = recordOf(m);
        if (!sub) continue;
        const verdict = opts.keepSubmission(sub);
        if (verdict === "stop") {
          stop = true;
          break;
        }
        if (verdict) candidates.push({ sub, seq: m.seq });
      }
      for (const c of await this.withStatus(candidates, opts.keep, opts.limit - page.runs.length)) {
        page.runs.push(c);
        if (page.runs.length >= opts.limit) {
          page.next = c.at;
          return true;
        }
      }
      // Submitted before `since`: so is every run below; the archived runs may still hold some.
      if (stop) return false;
      if (page.examined >= opts.budget && lo > 1) {
        page.next = { archived: false, seq: lo };
        return true;
      }
    }
    return false;
  }

  /**
   * The archive's part of `newest`: the records of runs that left the runs index (retireRun),
   * newest first, read in windows with the records' subject as filter (the archive stream has a
   * fixed number of subjects, so the filter costs the server little), each as it was when it left.
   */
  private async newestArchived(opts: NewestQuery, page: NewestPage): Promise<void> {
    const stream = this.subjects.archiveStream;
    let hi: number;
    if (opts.before?.archived) hi = opts.before.seq - 1;
    else {
      // From the newest record (one Direct Get; the planner needs no stream info of the archive).
      let newest: StoredMsg | null = null;
      try {
        newest = await this.jsm.direct.getMessage(stream, { last_by_subj: this.subjects.archivedRuns() });
      } catch (err) {
        // not provisioned yet (no archive stream answers): nothing archived
        if (isMissingStream(err)) return;
        throw err;
      }
      if (!newest) return;
      hi = newest.seq;
    }
    for await (const { lo, msgs } of windowsBelow(this.jsm, stream, hi, this.subjects.archivedRuns())) {
      for (const m of msgs) {
        const r = archivedRecordOf(m, this.subjects);
        if (!r) continue;
        page.examined++;
        const left = Date.parse(r.archivedAt ?? r.purgedAt ?? r.submittedAt);
        if (opts.archivedSince !== undefined && left < opts.archivedSince) {
          page.next = undefined;
          return;
        }
        if (opts.keepSubmission(r) === true && opts.keep(r)) {
          page.runs.push({ status: r, at: { archived: true, seq: m.seq } });
          if (page.runs.length >= opts.limit) {
            page.next = page.runs.at(-1)!.at;
            return;
          }
        }
      }
      if (page.examined >= opts.budget && lo > 1) {
        page.next = { archived: true, seq: lo };
        return;
      }
    }
    page.next = undefined;
  }

  /**
   * The candidates' statuses now, those `keep` accepts, in order, at most `limit`: one request per
   * chunk of keys, the first as many as are wanted (at least 32), each next four times the last
   * (at most 256): a page without a status filter reads the statuses it shows and no more, a
   * filter that keeps few runs reads in large chunks after the first.
   */
  private async withStatus(
    candidates: { sub: RunStatus; seq: number }[],
    keep: (s: RunStatus) => boolean,
    limit: number,
  ): Promise<IndexedRun[]> {
    const out: IndexedRun[] = [];
    for (let i = 0, size = Math.min(256, Math.max(32, limit)); i < candidates.length && out.length < limit;) {
      const chunk = candidates.slice(i, i + size);
      i += chunk.length;
      size = Math.min(256, size * 4);
      const now = new Map<string, RunStatus>();
      for (const m of await collect(
        this.jsm.direct.getLastMessagesFor(this.stream, { multi_last: chunk.map((c) => this.subject(c.sub.runId)) }),
      )) {
        const s = recordOf(m);
        if (s) now.set(s.runId, s);
      }
      for (const c of chunk) {
        // A run indexed at submission whose status record is not written yet (or was lost): as submitted.
        const status = now.get(c.sub.runId) ?? c.sub;
        if (keep(status)) out.push({ status, at: { archived: false, seq: c.seq } });
        if (out.length >= limit) break;
      }
    }
    return out;
  }
}

/** A stored index record as written by the planner: not a delete marker, not a reflected JetStream response, a valid RunStatus. */
function recordOf(m: StoredMsg): RunStatus | undefined {
  if (!isKvValue(m)) return undefined;
  const d = decode<RunStatus>("RunStatus", m.data);
  return d.ok ? d.value : undefined;
}

/**
 * A stream read backwards from sequence `hi`, a window at a time (`first` sequences, 64 unless
 * said, then four times the last, up to 4,096), each window one batch Direct Get read forwards (with `filter`, only its messages):
 * yields each window's messages newest first, with the window's lowest sequence.
 */
async function* windowsBelow(
  jsm: JetStreamManager,
  stream: string,
  hi: number,
  filter?: string,
  first = 64,
): AsyncGenerator<{ lo: number; msgs: StoredMsg[] }> {
  let span = Math.min(Math.max(1, first), 4096);
  while (hi >= 1) {
    const lo = Math.max(1, hi - span + 1);
    const msgs: StoredMsg[] = [];
    for (const m of await collect(
      jsm.direct.getBatch(stream, { seq: lo, batch: hi - lo + 1, ...(filter ? { next_by_subj: filter } : {}) }),
    )) {
      if (m.seq > hi) break;
      msgs.push(m);
    }
    yield { lo, msgs: msgs.reverse() };
    hi = lo - 1;
    span = Math.min(span * 4, 4096);
  }
}

export interface RebuildResult {
  /** Runs found in the log (one submission each). */
  runs: number;
  /** Submission records written (the others were there already). */
  submissions: number;
  /** Status records written (the others held that point of the run or a later one). */
  statuses: number;
  /** Runs archived or purged whose records were still in the runs index (an archiver stopped between its steps): moved to the archive. */
  retired: number;
  /** Archive directory entries written anew (a lost or damaged page) from the archive's run records. */
  directory: number;
}

/**
 * Writes the runs index from the log: for every run with a submission in the stream (read in
 * stream order, which is submission order), its submission record if missing, and its status
 * folded from its log unless the index holds that point of the run already. Into an empty bucket
 * (a lost index, or one from before submission records existed) the runs list in submission order;
 * runs whose submission record was missing among others that were not are listed as of the rebuild.
 * Then the runs that left the log (archived or purged): records an interrupted archiver left in
 * the runs index move to the archive (retireRun), and the archive directory is written again from
 * the archive's run records where a page lacks them.
 */
export async function rebuildRunIndex(
  kv: KV,
  js: JetStreamClient,
  jsm: JetStreamManager,
  subjects: Subjects,
  log: Logger,
): Promise<RebuildResult> {
  const index = new RunIndex(kv, jsm, subjects, log);
  const result: RebuildResult = { runs: 0, submissions: 0, statuses: 0, retired: 0, directory: 0 };
  for await (const sub of readRange(jsm, subjects.stream, subjects.allSubmissions(), 1)) {
    const runId = subjects.parse(sub.subject)?.runId;
    if (!runId) continue;
    result.runs++;
    if (await index.submitted(runStatus(reduceRun(runId, [sub], subjects)))) result.submissions++;
    const now = runStatus(reduceRun(runId, await readRunLog(jsm, subjects, runId, { eventsOnly: true }), subjects));
    if (await index.rewrite(now)) result.statuses++;
  }
  const stream = `KV_${subjects.runsBucket}`;
  const last = (await jsm.streams.info(stream)).state.last_seq;
  const submissions = subjects.runsKey(subjects.submissionKeyHead());
  for (let lo = 1; lo <= last; lo += 1024) {
    for (const m of await collect(jsm.direct.getBatch(stream, { seq: lo, batch: 1024 }))) {
      if (m.seq > last) break;
      const r = m.subject.startsWith(submissions) ? undefined : recordOf(m);
      if (!r || (r.archivedAt === undefined && r.purgedAt === undefined)) continue;
      // Still in the log: the purge did not happen yet (the next pass does it, then retires the run).
      if (await jsm.direct.getMessage(subjects.stream, { last_by_subj: subjects.submitted(r.runId) })) continue;
      await retireRun(js, jsm, subjects, r);
      result.retired++;
    }
  }
  result.directory = (await rebuildArchiveDirectory(js, jsm, subjects)).entered;
  return result;
}
