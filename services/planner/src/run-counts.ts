import type { JetStreamManager, StoredMsg } from "@nats-io/jetstream";
import { decode, type RunStatus, type Subjects } from "@cairn/protocol";
import { isMissingStream, isReflected } from "@cairn/bus";
import { archivedRecordOf } from "@cairn/runlog";

export type StatusName = RunStatus["status"];

/** Every run status, in the order the runs page shows them (a run waiting for a human first). */
export const STATUS_NAMES: readonly StatusName[] = ["awaiting_approval", "running", "completed", "failed", "cancelled"];

/** How many runs of one tenant (undefined: the deployment's own) and agent have each status. */
export interface StatusCountGroup {
  tenant?: string;
  agent: string;
  counts: Record<StatusName, number>;
}

/**
 * Which record of a run a status came from. A run's status is its archive record's once it left
 * the runs index, else its status record's, else its submission record's (what `RunIndex.get` reads).
 */
export type RecordSource = "submission" | "status" | "archive";

type Codes = Partial<Record<RecordSource, number>>;

/**
 * Runs by status and (tenant, agent), kept from the records of the runs index as they are read:
 * each record replaces the run's earlier one from the same source, and the counts move with the
 * run's status. Pure: what is read, and from where, is RunCounts'.
 */
export class StatusTally {
  private readonly runs = new Map<string, Codes>();
  private readonly groupList: { tenant?: string; agent: string; counts: number[] }[] = [];
  private readonly groupIds = new Map<string, number>();

  /** Runs counted. */
  get size(): number {
    return this.runs.size;
  }

  /** The run's record from `source` is now `record` (undefined: that record was deleted). */
  set(source: RecordSource, runId: string, record: Pick<RunStatus, "status" | "tenant" | "agent"> | undefined): void {
    const codes = this.runs.get(runId) ?? {};
    const before = effective(codes);
    if (record) {
      const status = STATUS_NAMES.indexOf(record.status);
      if (status < 0) return;
      codes[source] = this.group(record.tenant, record.agent) * 8 + status;
      this.runs.set(runId, codes);
    } else {
      delete codes[source];
      if (effective(codes) === undefined) this.runs.delete(runId);
    }
    const after = effective(codes);
    if (before === after) return;
    if (before !== undefined) this.groupList[before >> 3]!.counts[before & 7]!--;
    if (after !== undefined) this.groupList[after >> 3]!.counts[after & 7]!++;
  }

  /** The counts of every (tenant, agent) that has a run now. */
  groups(): StatusCountGroup[] {
    return this.groupList
      .filter((g) => g.counts.some((n) => n > 0))
      .map((g) => ({
        ...(g.tenant !== undefined ? { tenant: g.tenant } : {}),
        agent: g.agent,
        counts: Object.fromEntries(STATUS_NAMES.map((s, i) => [s, g.counts[i]!])) as Record<StatusName, number>,
      }));
  }

  private group(tenant: string | undefined, agent: string): number {
    const key = `${tenant ?? ""}\n${agent}`;
    let id = this.groupIds.get(key);
    if (id === undefined) {
      id = this.groupList.length;
      this.groupList.push({ ...(tenant !== undefined ? { tenant } : {}), agent, counts: STATUS_NAMES.map(() => 0) });
      this.groupIds.set(key, id);
    }
    return id;
  }
}

function effective(c: Codes): number | undefined {
  return c.archive ?? c.status ?? c.submission;
}

/** The counts summed over the groups `keep` accepts, every status present. */
export function sumCounts(
  groups: readonly StatusCountGroup[],
  keep: (g: StatusCountGroup) => boolean,
): Record<StatusName, number> {
  const out = Object.fromEntries(STATUS_NAMES.map((s) => [s, 0])) as Record<StatusName, number>;
  for (const g of groups) if (keep(g)) for (const s of STATUS_NAMES) out[s] += g.counts[s];
  return out;
}

/**
 * Runs by status, kept by reading the runs index's writes as they come: the first call reads the
 * runs bucket's stream and the archive's run records once (every record: O(runs indexed), about
 * 5 s for 100,000 runs on a 2-core machine), in the background; each later call reads only what was written since
 * (one stream info, then a batch Direct Get of the new records, and one of new archive records),
 * so a runs page that shows counts costs what changed, not what the index holds. Memory: one
 * small entry per run.
 *
 * A run's record is removed from the runs index without a marker when it is archived or purged
 * (retireRun purges its subjects), after its archive record is written: that record, read next,
 * takes its place. A bucket made again (a lost index, rebuilt) is read again from the start.
 */
export class RunCounts {
  private tally = new StatusTally();
  private indexSeq = 0;
  private archiveSeq = 0;
  private created: string | undefined;
  /** Whether the whole index was read once (the counts are complete up to the last catch-up). */
  private read = false;
  /** The catch-up under way, and the one that follows it (shared by every caller that came meanwhile). */
  private running: Promise<void> | undefined;
  private again: Promise<void> | undefined;

  constructor(
    private readonly jsm: JetStreamManager,
    private readonly subjects: Subjects,
    private readonly batch = 4096,
  ) {}

  /**
   * The counts by (tenant, agent) once every index write made before this call is read. With
   * `waitMs`: undefined when that takes longer, and at once while the first read of the index is
   * under way (it goes on; a later call answers), so no caller waits for the whole index.
   */
  counts(): Promise<StatusCountGroup[]>;
  counts(waitMs: number | undefined): Promise<StatusCountGroup[] | undefined>;
  async counts(waitMs = Number.POSITIVE_INFINITY): Promise<StatusCountGroup[] | undefined> {
    const first = !this.read;
    const done = this.catchUpSoon().then(() => this.tally.groups());
    if (waitMs === Number.POSITIVE_INFINITY) return done;
    if (first) {
      done.catch(() => undefined); // the next call says what failed
      return undefined;
    }
    let timer: NodeJS.Timeout | undefined;
    try {
      return await Promise.race([
        done,
        new Promise<undefined>((r) => (timer = setTimeout(() => r(undefined), waitMs))),
      ]);
    } finally {
      clearTimeout(timer);
    }
  }

  private catchUpSoon(): Promise<void> {
    if (!this.running) {
      this.running = this.catchUp().finally(() => (this.running = undefined));
      return this.running;
    }
    this.again ??= this.running
      .catch(() => undefined)
      .then(() => {
        this.again = undefined;
        return this.catchUpSoon();
      });
    return this.again;
  }

  private async catchUp(): Promise<void> {
    const stream = `KV_${this.subjects.runsBucket}`;
    const info = await this.jsm.streams.info(stream);
    if (this.created !== info.created || info.state.last_seq < this.indexSeq) {
      this.tally = new StatusTally();
      this.indexSeq = 0;
      this.archiveSeq = 0;
      this.created = info.created;
      this.read = false;
    }
    const last = info.state.last_seq;
    let from = this.indexSeq + 1;
    while (from <= last) {
      const msgs = await collect(this.jsm.direct.getBatch(stream, { seq: from, batch: this.batch }));
      if (!msgs.length) from = last + 1;
      for (const m of msgs) {
        if (m.seq > last) {
          from = last + 1;
          break;
        }
        this.indexRecord(m);
        from = m.seq + 1;
      }
      this.indexSeq = from - 1;
    }
    await this.catchUpArchive();
    this.read = true;
  }

  private indexRecord(m: StoredMsg): void {
    const head = this.subjects.runsKey("");
    if (!m.subject.startsWith(head) || isReflected(m.header, 1)) return;
    const key = m.subject.slice(head.length);
    const submission = key.startsWith(this.subjects.submissionKeyHead());
    const runId = submission ? key.slice(this.subjects.submissionKeyHead().length) : key;
    if (!runId || runId.includes(".")) return;
    const source: RecordSource = submission ? "submission" : "status";
    const op = m.header?.get("KV-Operation");
    if (op) {
      if (op === "DEL" || op === "PURGE") this.tally.set(source, runId, undefined);
      return;
    }
    const d = decode<RunStatus>("RunStatus", m.data);
    if (d.ok && d.value.runId === runId) this.tally.set(source, runId, d.value);
  }

  private async catchUpArchive(): Promise<void> {
    const filter = this.subjects.archivedRuns();
    for (;;) {
      let msgs: StoredMsg[];
      try {
        msgs = await collect(
          this.jsm.direct.getBatch(this.subjects.archiveStream, {
            seq: this.archiveSeq + 1,
            batch: this.batch,
            next_by_subj: filter,
          }),
        );
      } catch (err) {
        // not provisioned (no archive stream answers): nothing archived
        if (isMissingStream(err)) return;
        throw err;
      }
      for (const m of msgs) {
        const r = archivedRecordOf(m, this.subjects);
        if (r) this.tally.set("archive", r.runId, r);
        this.archiveSeq = Math.max(this.archiveSeq, m.seq);
      }
      if (msgs.length < this.batch) return;
    }
  }
}

/** The messages of a batch Direct Get; none when the server found none (404). */
export async function collect(batch: Promise<AsyncIterable<StoredMsg>>): Promise<StoredMsg[]> {
  const out: StoredMsg[] = [];
  try {
    for await (const m of await batch) out.push(m);
  } catch (err) {
    if ((err as { code?: unknown }).code !== 404) throw err;
  }
  return out;
}
