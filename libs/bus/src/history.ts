import type { JetStreamManager, StoredMsg } from "@nats-io/jetstream";
import type { Subjects } from "@cairn/protocol";
import { applyEntry, emptyRun, type Applied, type HistoryEntry, type RunState } from "@cairn/runtime";

/** Turns a stored message into a log entry (times normalised to ms ISO strings). */
export function toEntry(m: StoredMsg): HistoryEntry {
  return { seq: m.seq, subject: m.subject, data: m.data, time: new Date(m.time).toISOString() };
}

/**
 * Reads messages of a subject filter in stream order with Direct Get (`next_by_subj`), from
 * `fromSeq` up to and including `toSeq`.
 */
export async function* readRange(jsm: JetStreamManager, stream: string, filter: string, fromSeq: number, toSeq = Number.MAX_SAFE_INTEGER): AsyncGenerator<HistoryEntry> {
  let seq = Math.max(1, fromSeq);
  while (seq <= toSeq) {
    const m = await jsm.direct.getMessage(stream, { seq, next_by_subj: filter });
    if (!m || m.seq > toSeq) return;
    yield toEntry(m);
    seq = m.seq + 1;
  }
}

/** One run's whole log (commands and events, or events only), in order. */
export async function readRunLog(jsm: JetStreamManager, subjects: Subjects, runId: string, opts: { eventsOnly?: boolean } = {}): Promise<HistoryEntry[]> {
  const out: HistoryEntry[] = [];
  for await (const e of readRange(jsm, subjects.stream, opts.eventsOnly ? subjects.runEvents(runId) : subjects.run(runId), 1)) out.push(e);
  return out;
}

interface Cached {
  state: RunState;
  lastApplied: Applied | undefined;
}

/**
 * Run states folded from the log, cached in memory and caught up from the stream on a miss, so
 * any instance (a restarted one, or a second one that saw none of the run) continues any run.
 * Reading is O(new events): a cached run only reads the events after the ones it has folded.
 */
export class RunHistory {
  private readonly cache = new Map<string, Cached>();

  constructor(
    private readonly jsm: JetStreamManager,
    private readonly subjects: Subjects,
    private readonly maxRuns = 10_000,
  ) {}

  /**
   * The run's state after folding every event up to and including `seq`, and what folding the
   * event at `seq` did (undefined if no event of this run has that sequence).
   */
  async foldTo(runId: string, seq: number): Promise<{ state: RunState; applied: Applied | undefined }> {
    let c = this.cache.get(runId);
    if (c && c.state.lastSeq === seq && c.lastApplied?.seq === seq) return { state: c.state, applied: c.lastApplied };
    let cacheable = true;
    if (!c || c.state.lastSeq > seq) {
      // Not cached, or asked for an older point (a redelivery of an old event): fold from the start.
      cacheable = !c;
      c = { state: emptyRun(runId), lastApplied: undefined };
    }
    let applied: Applied | undefined;
    for await (const e of readRange(this.jsm, this.subjects.stream, this.subjects.runEvents(runId), c.state.lastSeq + 1, seq)) {
      const a = applyEntry(c.state, e, this.subjects);
      c.lastApplied = a;
      if (e.seq === seq) applied = a;
    }
    if (cacheable) this.remember(runId, c);
    return { state: c.state, applied };
  }

  private remember(runId: string, c: Cached): void {
    this.cache.delete(runId);
    if (c.state.ended) return;
    this.cache.set(runId, c);
    if (this.cache.size > this.maxRuns) {
      const oldest = this.cache.keys().next().value;
      if (oldest !== undefined) this.cache.delete(oldest);
    }
  }

  /** Drops a run from the cache (e.g. after it ended). */
  forget(runId: string): void {
    this.cache.delete(runId);
  }

  size(): number {
    return this.cache.size;
  }
}
