import { setMaxListeners } from "node:events";
import type { JetStreamClient, JsMsg, ConsumerMessages } from "@nats-io/jetstream";
import type { Logger } from "@cairn/telemetry";
import { attemptSpanFor } from "./trace.js";
import { backoffDelay, type RetryPolicy } from "@cairn/protocol";

/** Redelivery delays of a message whose handler threw (not a step's own retry policy): 250 ms doubling, capped at 30 s. */
const HANDLER_FAILURE_BACKOFF: RetryPolicy = {
  maxAttempts: Number.POSITIVE_INFINITY,
  initialDelayMs: 250,
  maxDelayMs: 30_000,
  multiplier: 2,
};

/** What to do with a message once its handler is done. */
export type Disposition =
  /** Done: the result (if any) is durably recorded. */
  | { ack: true }
  /** Hand it back to be redelivered after `delayMs` (a retry or a shutdown). */
  | { nak: number }
  /** Never redeliver (the failure was recorded). */
  | { term: string };

export interface WorkContext {
  /** Aborted when the consumer stops (SIGTERM): give the work back quickly. */
  signal: AbortSignal;
  /** Extends the ack deadline (JetStream `working()`); also sent automatically (at most ackWait/2 apart). */
  heartbeat: () => void;
  /** A keyed consumer's delivery and what it vouches for, for a fold cache's fast path (RunHistory.foldTo). */
  delivery?: DeliveryInHand;
}

export interface ConsumeOptions {
  js: JetStreamClient;
  stream: string;
  durable: string;
  /** Messages handled at once by this process. */
  concurrency: number;
  /** The consumer's ack_wait, to pace automatic heartbeats. */
  ackWaitMs: number;
  /** Messages with the same key are handled one at a time, in delivery order. */
  keyOf?: (msg: JsMsg) => string;
  /** Wait for the server to confirm each ack (`ackAck`). Off by default: every Cairn step is idempotent, so a lost ack costs one harmless redelivery. */
  doubleAck?: boolean;
  handle(msg: JsMsg, ctx: WorkContext): Promise<Disposition>;
  /** Called after each message was acked, nak'd or terminated (tests hook a crash point here). */
  afterSettle?: (d: Disposition, subject: string) => void;
  log: Logger;
}

/** A started service: `stop` hands in-flight work back (nak) and disconnects. */
export interface RunningService {
  stop: () => Promise<void>;
}

export interface RunningConsumer {
  /** Stops pulling, aborts in-flight handlers, naks what they had not finished, and resolves when all are settled. */
  stop(): Promise<void>;
  /** Messages currently being handled. */
  inFlight(): number;
}

/**
 * What a keyed consumer (one message at a time per key, in delivery order) can prove about the
 * messages it was handed: every message matching its filter with a stream sequence in
 * `(floor, frontier]` was delivered to this process, and was handled — acked after its run was
 * folded into `history`, or else the floor was raised past it — before the next message of its key.
 *
 * First deliveries of a consumer follow stream order and every delivery (redeliveries too) takes
 * the next delivery sequence, so a process that has seen each delivery sequence since `floor` has
 * seen every matching message up to `frontier`. A missing delivery sequence (another instance
 * took it, a pull was abandoned, the consumer was recreated) or any message not acked moves the
 * floor up to the frontier: nothing before it is vouched for. A fold cache (`RunHistory` in @cairn/runlog) uses this to fold the
 * message in hand without reading it back and checking the run for a gap (see its `foldTo`).
 */
export class DeliveryCoverage {
  floor = Number.POSITIVE_INFINITY;
  frontier = 0;
  /** The fold cache this consumer's handlers fold into (bound on first use; one only). */
  history: object | undefined;
  private nextDelivery: number | undefined;

  constructor(
    readonly stream: string,
    /** The consumer's filter subjects. */
    readonly filters: string[],
  ) {}

  /** Called for each message in delivery order, before it is dispatched. */
  delivered(msg: JsMsg): void {
    const { deliverySequence, streamSequence, deliveryCount } = msg.info;
    const contiguous = this.nextDelivery === deliverySequence;
    this.nextDelivery = deliverySequence + 1;
    const first = deliveryCount === 1;
    if (!contiguous) {
      // Deliveries before this one may have gone elsewhere: vouch only for this message on.
      this.floor = first ? streamSequence - 1 : Number.POSITIVE_INFINITY;
      this.frontier = first ? streamSequence : 0;
    } else if (first) {
      if (streamSequence <= this.frontier) this.floor = Number.POSITIVE_INFINITY;
      else if (this.floor === Number.POSITIVE_INFINITY) this.floor = streamSequence - 1;
      this.frontier = Math.max(this.frontier, streamSequence);
    }
  }

  /** A message was not acked, or acked without being folded: vouch for nothing before the frontier. */
  lapsed(): void {
    if (this.floor !== Number.POSITIVE_INFINITY) this.floor = Math.max(this.floor, this.frontier);
  }

  /** True when every matching message with a sequence in `(after, upTo]` was delivered here and handled. */
  covers(after: number, upTo: number): boolean {
    return after >= this.floor && upTo <= this.frontier;
  }
}

/**
 * A keyed consumer's delivery, handed to its handler in `WorkContext.delivery`: the message, its
 * key and what the consumer can vouch for (`DeliveryCoverage`). A fold cache that folds this very
 * message sets `folded`; the consumer keeps its coverage only for messages acked after that.
 */
export interface DeliveryInHand {
  msg: JsMsg;
  key: string;
  coverage: DeliveryCoverage;
  /** Set by the fold cache (RunHistory) once the message's run is folded up to it. */
  folded: boolean;
}

/** Longest wait for more free slots before pulling, when the consumer is busy (see startConsumer). */
const PULL_GATHER_MS = 2;

/**
 * Runs a durable pull consumer with explicit acks. Each message is handed to `handle`; its
 * disposition is applied afterwards (never before the handler's own publishes resolved). A handler
 * that throws is treated as retryable: nak with a growing delay. While a handler runs, the loop
 * sends `working()` so a short ack_wait only fires for a process that is really gone.
 */
export async function startConsumer(o: ConsumeOptions): Promise<RunningConsumer> {
  const abort = new AbortController();
  // Every handler in flight (and the tools and model calls it runs) listens on this one signal.
  setMaxListeners(0, abort.signal);
  const inflight = new Set<Promise<void>>();
  const chains = new Map<string, Promise<void>>();
  let free = o.concurrency;
  let slotWaiter: (() => void) | undefined;
  let batch: ConsumerMessages | undefined;
  let stopped = false;

  const release = (): void => {
    free++;
    const w = slotWaiter;
    slotWaiter = undefined;
    w?.();
  };
  const waitForSlot = (): Promise<void> =>
    free > 0 || stopped ? Promise.resolve() : new Promise<void>((r) => (slotWaiter = r));
  // Under load, slots free up one by one: rather than a pull request per freed slot, wait a moment
  // (at most PULL_GATHER_MS) for a few to gather. An idle consumer pulls at once.
  const gather = Math.max(1, Math.floor(o.concurrency / 4));
  const waitForSlots = async (): Promise<void> => {
    await waitForSlot();
    const until = Date.now() + PULL_GATHER_MS;
    while (!stopped && free < gather && inflight.size > 0 && Date.now() < until) {
      await new Promise<void>((r) => {
        slotWaiter = r;
        setTimeout(r, Math.max(0, until - Date.now()));
      });
    }
  };

  const settle = async (msg: JsMsg, d: Disposition): Promise<void> => {
    if ("ack" in d) {
      if (o.doubleAck) await msg.ackAck();
      else msg.ack();
    } else if ("nak" in d) msg.nak(d.nak);
    else msg.term(d.term);
  };

  // Heartbeats: one ticker for every message held (a timer per message costs more). A message is
  // sent `working()` on the first tick at least heartbeatMs after it arrived, then on every tick:
  // at most 2 × heartbeatMs = ack_wait / 2 apart, well inside its ack_wait. (Started below, once
  // the consumer is found.)
  const heartbeatMs = Math.max(100, Math.floor(o.ackWaitMs / 4));
  const held = new Map<JsMsg, number>();

  const handleOne = async (msg: JsMsg, key: string | undefined): Promise<void> => {
    let d: Disposition;
    const hand: DeliveryInHand | undefined =
      coverage && key !== undefined ? { msg, key, coverage, folded: false } : undefined;
    // One span per handler attempt, active while the handler runs (its appends carry its context).
    const span = attemptSpanFor(msg, o.stream, o.durable);
    let failure: unknown;
    try {
      if (abort.signal.aborted) d = { nak: 0 };
      else {
        const ctx: WorkContext = { signal: abort.signal, heartbeat: () => msg.working(), delivery: hand };
        const work = () => o.handle(msg, ctx);
        d = await (span ? span.run(work) : work());
      }
      if (abort.signal.aborted && !("ack" in d) && !("term" in d)) d = { nak: 0 };
    } catch (err) {
      failure = err;
      const delay = abort.signal.aborted ? 0 : backoffDelay(HANDLER_FAILURE_BACKOFF, msg.info.deliveryCount);
      o.log.error(
        { err, subject: msg.subject, seq: msg.seq, deliveries: msg.info.deliveryCount },
        "handler failed; message will be redelivered",
      );
      d = { nak: delay };
    } finally {
      held.delete(msg);
    }
    if (hand && !("ack" in d && hand.folded)) coverage?.lapsed();
    try {
      await settle(msg, d);
    } catch (err) {
      o.log.warn(
        { err, subject: msg.subject },
        "ack failed; the message will be redelivered and its recorded result reused",
      );
    }
    o.log.debug({ subject: msg.subject, seq: msg.seq, disposition: Object.keys(d)[0] }, "message settled");
    span?.end({
      disposition: "ack" in d ? "ack" : "nak" in d ? "nak" : "term",
      error: failure,
      ...("term" in d ? { reason: d.term } : {}),
    });
    o.afterSettle?.(d, msg.subject);
  };

  const dispatch = (msg: JsMsg): void => {
    const deliveries = msg.info.deliveryCount;
    if (deliveries > 1) o.log.info({ subject: msg.subject, seq: msg.seq, deliveries }, "redelivered message taken up");
    else o.log.debug({ subject: msg.subject, seq: msg.seq, deliveries }, "message received");
    // Heartbeats start now, while the message may still wait behind another of the same key.
    held.set(msg, Date.now());
    const key = o.keyOf?.(msg);
    coverage?.delivered(msg);
    const prev = key !== undefined ? chains.get(key) : undefined;
    const p: Promise<void> = (prev ?? Promise.resolve())
      .then(() => handleOne(msg, key))
      .finally(() => {
        release();
        inflight.delete(p);
        if (key !== undefined && chains.get(key) === p) chains.delete(key);
      });
    if (key !== undefined) chains.set(key, p);
    inflight.add(p);
  };

  // Pull only as many messages as there are free slots: a message is never held by this process
  // without being handled (and heartbeated), so its ack_wait cannot expire while it waits here.
  const consumer = await o.js.consumers.get(o.stream, o.durable);
  const cfg = (await consumer.info(true)).config;
  const ticker = setInterval(() => {
    const due = Date.now() - heartbeatMs;
    for (const [msg, since] of held) if (since <= due) msg.working();
  }, heartbeatMs);
  ticker.unref();
  const coverage = o.keyOf
    ? new DeliveryCoverage(o.stream, cfg.filter_subjects ?? (cfg.filter_subject ? [cfg.filter_subject] : []))
    : undefined;
  const loop = (async () => {
    while (!stopped) {
      await waitForSlots();
      if (stopped) break;
      try {
        batch = await consumer.fetch({ max_messages: free, expires: 2_000 });
        for await (const msg of batch) {
          if (stopped) {
            msg.nak(0);
            continue;
          }
          free--;
          dispatch(msg);
        }
      } catch (err) {
        if (stopped) break;
        o.log.warn({ err, durable: o.durable }, "pulling messages failed; retrying");
        await new Promise((r) => setTimeout(r, 500));
      }
    }
  })();

  return {
    inFlight: () => inflight.size,
    async stop() {
      if (stopped) return;
      stopped = true;
      abort.abort();
      // Handlers see the abort and return { nak: 0 }; work is handed back at once, not after ack_wait.
      await Promise.allSettled([...inflight]);
      clearInterval(ticker);
      try {
        await batch?.close();
      } catch {
        /* already closed */
      }
      slotWaiter?.();
      await Promise.race([loop, new Promise((r) => setTimeout(r, 2_000))]);
    },
  };
}
