import type { JetStreamManager } from "@nats-io/jetstream";
import { type Subjects, type HistoryEntry } from "@cairn/protocol";
import { applyEntry, emptyRun, RetryableError, type Applied, type RunState } from "@cairn/runtime";
import { isReflected, readRun, toEntry, type DeliveryInHand } from "@cairn/bus";

/** Folds an entry into a cached run, counting what it costs. */
function fold(c: Cached, e: HistoryEntry, subjects: Subjects): Applied {
  c.bytes += entryBytes(e);
  return applyEntry(c.state, e, subjects);
}

/** What a kept entry costs, roughly: its data, its subject and the objects around them. */
function entryBytes(e: HistoryEntry): number {
  return e.data.length + 2 * e.subject.length + 200;
}

/** Gaps in a run's events up to this many stream sequences are read with a walk (`readRun`). */
const SCAN_WINDOW = 256;

interface Cached {
  state: RunState;
  /** What the folded entries cost, roughly (see `entryBytes`): the cache's byte bound counts it. */
  bytes: number;
  /** `bytes` as counted in the cache's total when it was last remembered. */
  counted: number;
  lastApplied: Applied | undefined;
  /**
   * Set when the state was read from the stream while handling a first delivery of its last
   * event: no later event of the run can have been handed to this process before, so every later
   * one is folded into this entry (or the consumer's coverage lapses).
   */
  trusted: boolean;
  /** An event this process appended itself after the cached state (see `noteOwn`), not folded yet. */
  own?: HistoryEntry;
}

/**
 * Headers of an LLM command (transport hints, not part of the decision): how many events of the run
 * the planner had folded up to its historySeq, the sequence of the run's last model response, and
 * the sequences of every event after it (see `FoldHint`).
 */
export const EVENTS_HEADER = "Cairn-Events";
export const SINCE_HEADER = "Cairn-Since";
export const SEQS_HEADER = "Cairn-Seqs";

/** What the command says about the run's history up to its historySeq (all optional; see foldTo). */
export interface FoldHint {
  /** Events of the run up to the target sequence. */
  events?: number;
  /** Sequence of the run's last model response, and of every event after it. */
  since?: number;
  seqs?: number[];
}

/** Bounds of the fold cache: runs and bytes of folded entries; past either, the least recently used runs go. */
export interface RunCacheBounds {
  runs: number;
  bytes: number;
}

export const DEFAULT_RUN_CACHE: RunCacheBounds = { runs: 100_000, bytes: 256 * 1024 * 1024 };

/**
 * Run states folded from the log, cached in memory and caught up from the stream on a miss, so
 * any instance (a restarted one, or a second one that saw none of the run) continues any run.
 * Reading is O(new events): a cached run only reads the events after the ones it has folded.
 * The fold is the same whichever way an event arrives: an entry's time is the stream's timestamp,
 * truncated to the millisecond like a Direct Get's. `foldTo` lists its fast paths.
 */
export class RunHistory {
  private readonly cache = new Map<string, Cached>();
  private cachedBytes = 0;
  /** Events handed over before any fold asked for them (see `prefetch`), by stream sequence, oldest first. */
  private readonly prefetched = new Map<number, HistoryEntry>();
  private prefetchedBytes = 0;

  constructor(
    private readonly jsm: JetStreamManager,
    private readonly subjects: Subjects,
    private readonly bounds: RunCacheBounds = DEFAULT_RUN_CACHE,
    /** Bounds of the prefetched events: the oldest go first. */
    private readonly maxPrefetched = { entries: 4096, bytes: 16 * 1024 * 1024 },
  ) {}

  /**
   * Keeps a stored event that arrived before a fold needs it — a tool result the stream
   * republished (`Subjects.toolResultRepublish`) — so the fold that a command's `Cairn-Seqs` hint
   * points at takes it from memory instead of a Direct Get. It is the stream's own copy (sequence,
   * subject, data and time as stored), and the count check in `foldTo` applies to it exactly as
   * to a read. Entries nobody asks for (runs another instance serves) age out.
   */
  prefetch(e: HistoryEntry): void {
    const size = entryBytes(e);
    if (this.prefetched.has(e.seq) || size > this.maxPrefetched.bytes) return;
    this.prefetched.set(e.seq, e);
    this.prefetchedBytes += size;
    while (this.prefetched.size > this.maxPrefetched.entries || this.prefetchedBytes > this.maxPrefetched.bytes) {
      const [oldest, old] = this.prefetched.entries().next().value as [number, HistoryEntry];
      this.prefetched.delete(oldest);
      this.prefetchedBytes -= entryBytes(old);
    }
  }

  /** Events held by `prefetch` and not yet taken by a fold. */
  prefetchedCount(): number {
    return this.prefetched.size;
  }

  /** The event at `seq`: from the prefetched ones (taken out), else read by sequence (Direct Get). */
  private async eventAt(seq: number): Promise<HistoryEntry | undefined> {
    const e = this.prefetched.get(seq);
    if (e) {
      this.prefetched.delete(seq);
      this.prefetchedBytes -= entryBytes(e);
      return e;
    }
    const m = await this.jsm.direct.getMessage(this.subjects.stream, { seq });
    return m ? toEntry(m) : undefined;
  }

  /**
   * The run's state after folding every event up to and including `seq`, and what folding the
   * event at `seq` did (undefined if no event of this run has that sequence).
   *
   * Fast paths, each taken only when its precondition holds, else the next row applies:
   *
   * | path | precondition | reads |
   * |---|---|---|
   * | repeat | the cached state ends at `seq` and its last fold was `seq` (a redelivery) | none |
   * | delivery in hand | `opts.delivery` is `seq`'s own delivery by a keyed consumer over every run's events; the cached state was read while handling a first delivery (`trusted`); the consumer's coverage vouches that every event of the run after the cached state was handed here and folded | none: the delivered message is folded as is |
   * | own event | `opts.hint.events` is given and this process noted its own append (`noteOwn`) after the cached state | none for that event; the count check below proves nothing came between |
   * | hinted sequences | `opts.hint.since` is where the cached state ends and `hint.seqs` lists the events after it | one Direct Get per event (or a `prefetch`ed copy) |
   * | gap | always (what is left) | a walk of at most 256 sequences, else one `multi_last` read of the run |
   *
   * When a hint was used, the run's event count must equal `hint.events`, or the run is folded
   * again from the stream without hints. A read that ends short of `seq` throws a RetryableError
   * (a replica behind its leader): the caller naks and the event comes back.
   */
  async foldTo(
    runId: string,
    seq: number,
    opts: { hint?: FoldHint; delivery?: DeliveryInHand } = {},
  ): Promise<{ state: RunState; applied: Applied | undefined }> {
    const hint = opts.hint ?? {};
    const expectEvents = hint.events;
    const hand = this.handFor(runId, seq, opts.delivery);
    let c = this.cache.get(runId);
    if (c && c.state.lastSeq === seq && c.lastApplied?.seq === seq) {
      if (hand) hand.folded = true;
      return { state: c.state, applied: c.lastApplied };
    }
    if (c && hand && c.trusted && c.state.lastSeq < seq && hand.coverage.covers(c.state.lastSeq, seq)) {
      // Every event of the run after the cached state and before this one was handed to this
      // process and folded here: the delivered message is the next event.
      const m = hand.msg;
      const a = fold(
        c,
        {
          seq,
          subject: m.subject,
          data: m.data,
          time: new Date(Number(m.timestampNanos / 1_000_000n)).toISOString(),
          ...(isReflected(m.headers, 0) ? { reflected: true } : {}),
        },
        this.subjects,
      );
      c.lastApplied = a;
      this.remember(runId, c);
      hand.folded = true;
      return { state: c.state, applied: a };
    }
    let cacheable = true;
    if (!c || c.state.lastSeq > seq) {
      // Not cached, or asked for an older point (a redelivery of an old event): fold from the start.
      cacheable = !c;
      c = {
        state: emptyRun(runId),
        bytes: 0,
        counted: 0,
        lastApplied: undefined,
        trusted: hand !== undefined && hand.msg.info.deliveryCount === 1,
      };
    }
    let applied: Applied | undefined;
    let unverified = false;
    // The fold changes the cached state in place: a read that fails half-way must not leave a
    // state that the retry would take as complete (its own event and hint already used up).
    try {
      // The event this process appended itself (its own step result) is folded as written, without
      // reading it back — only when the caller knows how many events the run has up to `seq`, which
      // proves after the read that no other event came between the cached state and it.
      const own = c.own;
      c.own = undefined;
      if (expectEvents !== undefined && own && own.seq > c.state.lastSeq && own.seq <= seq) {
        const a = fold(c, own, this.subjects);
        c.lastApplied = a;
        if (own.seq === seq) applied = a;
        unverified = true;
      }
      // The events after our own response, fetched by sequence (no filtered scan on the server), when
      // the command lists them and the cache ends at that response; the count check below proves it.
      if (expectEvents !== undefined && hint.seqs && hint.since !== undefined && hint.since === c.state.lastSeq) {
        const head = this.subjects.runEventsHead(runId);
        for (const s of hint.seqs) {
          if (s <= c.state.lastSeq || s > seq) continue;
          const m = await this.eventAt(s);
          if (!m || !m.subject.startsWith(head)) break;
          const a = fold(c, m, this.subjects);
          c.lastApplied = a;
          if (m.seq === seq) applied = a;
          unverified = true;
        }
      }
      // What is left: a short gap is walked (the server checks each message in it), a long one
      // (a run not cached, or one whose events this process did not see) is read by subject.
      for (const e of await readRun(
        this.jsm,
        this.subjects.stream,
        this.subjects.runEvents(runId),
        c.state.lastSeq + 1,
        seq,
        SCAN_WINDOW,
      )) {
        const a = fold(c, e, this.subjects);
        c.lastApplied = a;
        if (e.seq === seq) applied = a;
      }
    } catch (err) {
      this.drop(runId);
      throw err;
    }
    if (unverified && c.state.events !== expectEvents) {
      // Another event came before our own one: fold the run again from the stream.
      this.drop(runId);
      return this.foldTo(runId, seq); // no hint: read from the start
    }
    if (cacheable) this.remember(runId, c);
    if (c.state.lastSeq < seq) {
      // The event at `seq` exists (it was delivered, or a command names it) but the read stopped
      // short: Direct Get may be answered by a replica that is behind the leader (R3 streams), or
      // the run was purged. Folding without it would decide from a partial history: retry instead.
      throw new RetryableError(
        `run ${runId}: history read reached seq ${c.state.lastSeq}, not ${seq} (a replica behind the leader?)`,
        { kind: "history_behind", runId },
      );
    }
    if (hand) hand.folded = true;
    return { state: c.state, applied };
  }

  /** The delivery this fold may use: `seq`'s own, by a keyed consumer (one run at a time) over every run's events. */
  private handFor(runId: string, seq: number, h: DeliveryInHand | undefined): DeliveryInHand | undefined {
    if (!h || h.key !== runId || h.msg.seq !== seq || h.coverage.stream !== this.subjects.stream) return undefined;
    if (!h.msg.subject.startsWith(this.subjects.runEventsHead(runId))) return undefined;
    if (!h.coverage.filters.some((f) => f === this.subjects.allEvents() || f === this.subjects.allRuns()))
      return undefined;
    h.coverage.history ??= this;
    return h.coverage.history === this ? h : undefined;
  }

  private remember(runId: string, c: Cached): void {
    this.drop(runId);
    if (c.state.ended) return;
    this.cache.set(runId, c);
    c.counted = c.bytes;
    this.cachedBytes += c.bytes;
    // The least recently folded runs go first; a run that alone exceeds the byte bound is not kept.
    while (this.cache.size > this.bounds.runs || this.cachedBytes > this.bounds.bytes) {
      const oldest = this.cache.keys().next().value;
      if (oldest === undefined) break;
      this.drop(oldest);
    }
  }

  private drop(runId: string): void {
    const c = this.cache.get(runId);
    if (!c) return;
    this.cache.delete(runId);
    this.cachedBytes -= c.counted;
  }

  /**
   * Notes an event this process has just appended to a cached run (its seq from the server's ack),
   * so the next `foldTo` with an event count need not read it back. `time` is this process's clock:
   * nothing the llm-caller builds from the state depends on an event's time.
   */
  noteOwn(runId: string, entry: HistoryEntry): void {
    const c = this.cache.get(runId);
    if (c && entry.seq > c.state.lastSeq && (!c.own || entry.seq > c.own.seq)) c.own = entry;
  }

  /** Drops a run from the cache (e.g. after it ended). */
  forget(runId: string): void {
    this.drop(runId);
  }

  size(): number {
    return this.cache.size;
  }

  /** What the cached runs' folded entries cost, roughly (bytes; see RunCacheBounds). */
  bytes(): number {
    return this.cachedBytes;
  }
}
