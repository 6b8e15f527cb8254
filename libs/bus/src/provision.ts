import { AckPolicy, DeliverPolicy, DiscardPolicy, JetStreamApiError, RetentionPolicy, StorageType, type JetStreamManager, type StreamConfig, type ConsumerConfig } from "@nats-io/jetstream";
import { Kvm } from "@nats-io/kv";
import type { NatsConnection } from "@nats-io/transport-node";
import type { Subjects } from "@cairn/protocol";

/** How streams, consumers and buckets are laid out; a single node uses replicas 1, a cluster 3. */
export interface ProvisionOptions {
  replicas: number;
  /** Largest message the runs stream accepts (bytes); -1 for the server's max_payload. */
  maxMsgSize?: number;
  /** Placement tags for a cluster (e.g. a region). */
  placementTags?: string[];
}

/**
 * A JetStream cluster that is still forming (or electing leaders) answers "no suitable peers for
 * placement", "JetStream system temporarily unavailable" or times out: provisioning retries those
 * for up to `forMs` instead of failing the service's start.
 */
export async function retryProvisioning<T>(what: string, fn: () => Promise<T>, forMs = 60_000): Promise<T> {
  const until = Date.now() + forMs;
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn();
    } catch (err) {
      const msg = (err as Error).message ?? String(err);
      const transient = /no suitable peers|temporarily unavailable|timeout|no responders|not current|leader/i.test(msg);
      if (!transient || Date.now() >= until) throw err;
      await new Promise((r) => setTimeout(r, Math.min(2_000, 100 * 2 ** attempt)));
    }
  }
}

function ns(ms: number): number {
  return ms * 1_000_000;
}

/**
 * The runs stream is the checkpoint log. One message per subject, a second one rejected
 * (discard new per subject): every step result and command subject is written once, ever, for
 * the life of the run (no Nats-Msg-Id: the subject is the identity). No age limit: history is
 * removed only by explicit purges of finished runs.
 */
export function runStreamConfig(subjects: Subjects, opts: ProvisionOptions): Partial<StreamConfig> & { name: string } {
  const cfg: Partial<StreamConfig> & { name: string } = {
    name: subjects.stream,
    subjects: [subjects.allRuns()],
    retention: RetentionPolicy.Limits,
    storage: StorageType.File,
    num_replicas: opts.replicas,
    max_msgs_per_subject: 1,
    discard: DiscardPolicy.New,
    discard_new_per_subject: true,
    allow_direct: true,
    max_msg_size: opts.maxMsgSize ?? -1,
    republish: subjects.toolResultRepublish(),
    description: "Cairn run logs: every fact of every run, one message per subject",
  };
  if (opts.placementTags?.length) cfg.placement = { cluster: "", tags: opts.placementTags };
  return cfg;
}

/** Creates the runs stream, or updates it to the current config. */
export async function ensureRunStream(jsm: JetStreamManager, subjects: Subjects, opts: ProvisionOptions): Promise<void> {
  return retryProvisioning(`stream ${subjects.stream}`, () => ensureRunStreamOnce(jsm, subjects, opts));
}

async function ensureRunStreamOnce(jsm: JetStreamManager, subjects: Subjects, opts: ProvisionOptions): Promise<void> {
  const cfg = runStreamConfig(subjects, opts);
  try {
    await jsm.streams.info(cfg.name);
    await jsm.streams.update(cfg.name, cfg);
  } catch (err) {
    if (err instanceof JetStreamApiError && err.code === 10059) {
      await jsm.streams.add(cfg);
      return;
    }
    // streams.info throws StreamNotFoundError (a JetStreamApiError subclass in v3)
    if ((err as { name?: string }).name === "StreamNotFoundError") {
      await jsm.streams.add(cfg);
      return;
    }
    throw err;
  }
}

export interface DurableConsumerOptions {
  durable: string;
  filterSubjects: string[];
  /** Ack deadline; kept alive with `working()` during long work. */
  ackWaitMs: number;
  /** Deliveries before JetStream gives up on a message. */
  maxDeliver: number;
  /** Messages in flight across all instances of the service (a concurrency limit). */
  maxAckPending?: number;
  replicas: number;
  description?: string;
  /** Only create it when missing; never change an existing one (e.g. its limits, set by the workers). */
  createOnly?: boolean;
}

/** Creates a durable pull consumer with explicit acks, or updates it. */
export async function ensureConsumer(jsm: JetStreamManager, stream: string, opts: DurableConsumerOptions): Promise<void> {
  return retryProvisioning(`consumer ${opts.durable}`, () => ensureConsumerOnce(jsm, stream, opts));
}

async function ensureConsumerOnce(jsm: JetStreamManager, stream: string, opts: DurableConsumerOptions): Promise<void> {
  const cfg: Partial<ConsumerConfig> = {
    durable_name: opts.durable,
    ack_policy: AckPolicy.Explicit,
    deliver_policy: DeliverPolicy.All,
    ack_wait: ns(opts.ackWaitMs),
    max_deliver: opts.maxDeliver,
    max_ack_pending: opts.maxAckPending ?? 1000,
    num_replicas: opts.replicas,
    description: opts.description ?? "",
  };
  if (opts.filterSubjects.length === 1) cfg.filter_subject = opts.filterSubjects[0]!;
  else cfg.filter_subjects = opts.filterSubjects;
  try {
    await jsm.consumers.info(stream, opts.durable);
    if (opts.createOnly) return;
    const { deliver_policy: _d, durable_name: _n, ...mutable } = cfg;
    // The client merges the update into the current config: clear the other filter form, so a
    // queue made with one filter (an earlier version) can become a multi-filter one and back.
    if (opts.filterSubjects.length === 1) mutable.filter_subjects = [];
    else mutable.filter_subject = "";
    await jsm.consumers.update(stream, opts.durable, mutable);
  } catch (err) {
    const name = (err as { name?: string }).name;
    if (name === "ConsumerNotFoundError" || (err instanceof JetStreamApiError && err.code === 10014)) {
      await jsm.consumers.add(stream, cfg);
      return;
    }
    throw err;
  }
}

/** Creates (or opens) the KV buckets: the runs index and the tool registry. */
export async function ensureBuckets(nc: NatsConnection, subjects: Subjects, opts: ProvisionOptions): Promise<void> {
  await retryProvisioning("KV buckets", () => ensureBucketsOnce(nc, subjects, opts));
}

async function ensureBucketsOnce(nc: NatsConnection, subjects: Subjects, opts: ProvisionOptions): Promise<void> {
  const kvm = new Kvm(nc);
  await kvm.create(subjects.runsBucket, { replicas: opts.replicas, history: 1, description: "Cairn runs index (projection of the runs stream)" });
  await kvm.create(subjects.toolsBucket, { replicas: opts.replicas, history: 1, description: "Cairn tool registry" });
}
