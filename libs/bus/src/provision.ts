import {
  AckPolicy,
  DeliverPolicy,
  DiscardPolicy,
  JetStreamApiError,
  RetentionPolicy,
  StorageType,
  type ConsumerConfig,
  type ConsumerInfo,
  type JetStreamManager,
  type StreamConfig,
  type StreamInfo,
} from "@nats-io/jetstream";
import { Kvm } from "@nats-io/kv";
import type { NatsConnection } from "@nats-io/transport-node";
import type { Subjects } from "@cairn/protocol";
import { isConsumerNotFound } from "./jetstream-answers.js";

/**
 * Provisioning is an admin act (`cairn provision`, with the admin credential; `cairn dev` does it
 * for you): it creates and updates the runs stream, the payload stream, the KV buckets and every
 * durable consumer. Services never create, update, delete, purge or seal any of them: at start they
 * read what is there and refuse to run on a layout that differs from what they need
 * (`NotProvisionedError`, naming each difference).
 */

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
 * for up to `forMs` instead of failing.
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

type StreamSpec = Partial<StreamConfig> & { name: string };

/**
 * A stream whose every subject is written once, ever: one message per subject, a second one
 * rejected (discard new per subject), no rollups, no deletes of single messages, no age limit.
 */
function writeOnceStream(name: string, subject: string, opts: ProvisionOptions, description: string): StreamSpec {
  const cfg: StreamSpec = {
    name,
    subjects: [subject],
    retention: RetentionPolicy.Limits,
    storage: StorageType.File,
    num_replicas: opts.replicas,
    max_msgs_per_subject: 1,
    discard: DiscardPolicy.New,
    discard_new_per_subject: true,
    allow_direct: true,
    allow_rollup_hdrs: false,
    deny_delete: true,
    description,
  };
  if (opts.placementTags?.length) cfg.placement = { cluster: "", tags: opts.placementTags };
  return cfg;
}

/**
 * The runs stream is the checkpoint log: every step result and command subject is written once,
 * ever, for the life of the run (no Nats-Msg-Id: the subject is the identity). History is removed
 * only by an operator's purge of finished runs. Every stored message is republished to its tap
 * subject (see Subjects.runRepublish).
 */
export function runStreamConfig(subjects: Subjects, opts: ProvisionOptions): StreamSpec {
  return {
    ...writeOnceStream(
      subjects.stream,
      subjects.allRuns(),
      opts,
      "Cairn run logs: every fact of every run, one message per subject",
    ),
    max_msg_size: opts.maxMsgSize ?? -1,
    republish: subjects.runRepublish(),
  };
}

/**
 * Large payloads (tool results, model replies): content-addressed chunks, each written once
 * (`<p>.payload.<runId>.<sha256>.<n>`), read back with Direct Get.
 */
export function payloadStreamConfig(subjects: Subjects, opts: ProvisionOptions): StreamSpec {
  return writeOnceStream(
    subjects.payloadStream,
    subjects.allPayloads(),
    opts,
    "Cairn large payloads: content-addressed chunks, each written once",
  );
}

/**
 * Archived runs (`cairn archive`): an ended run's whole log sealed into one record (chunks), on
 * one of a fixed set of subjects (Subjects.archive), so the stream's per-subject state does not
 * grow with the runs it holds. Only admin publishes here (it is not exported to the services'
 * account); records are never deleted one by one.
 */
export function archiveStreamConfig(subjects: Subjects, opts: ProvisionOptions): StreamSpec {
  const cfg: StreamSpec = {
    name: subjects.archiveStream,
    subjects: [subjects.allArchives()],
    retention: RetentionPolicy.Limits,
    storage: StorageType.File,
    num_replicas: opts.replicas,
    discard: DiscardPolicy.New,
    allow_direct: true,
    allow_rollup_hdrs: false,
    deny_delete: true,
    description: "Cairn archived runs: each ended run's log sealed into one record",
  };
  if (opts.placementTags?.length) cfg.placement = { cluster: "", tags: opts.placementTags };
  return cfg;
}

/** The integrity-relevant fields a service checks on a stream (not sizes, replicas or placement). */
const CHECKED_STREAM_FIELDS = [
  "subjects",
  "retention",
  "storage",
  "max_msgs_per_subject",
  "discard",
  "discard_new_per_subject",
  "allow_direct",
  "allow_rollup_hdrs",
  "deny_delete",
  "republish",
] as const;

function same(a: unknown, b: unknown): boolean {
  return JSON.stringify(a ?? null) === JSON.stringify(b ?? null);
}

/** How a stream as found differs from what Cairn needs, one line per difference (empty when it fits). */
export function streamDifferences(want: StreamSpec, got: StreamConfig): string[] {
  const out: string[] = [];
  for (const k of CHECKED_STREAM_FIELDS) {
    const w = want[k] ?? (k === "allow_rollup_hdrs" || k === "deny_delete" ? false : undefined);
    const g = got[k] ?? (k === "allow_rollup_hdrs" || k === "deny_delete" ? false : undefined);
    if (!same(w, g))
      out.push(`stream ${want.name}: ${k} is ${JSON.stringify(g ?? null)}, needs ${JSON.stringify(w ?? null)}`);
  }
  if ((got.max_age ?? 0) !== 0)
    out.push(
      `stream ${want.name}: max_age is ${got.max_age} ns, needs 0 (history is removed only by purging finished runs)`,
    );
  if (got.sealed) out.push(`stream ${want.name}: sealed, needs to accept new messages`);
  if ((got.max_msgs ?? -1) !== -1 || (got.max_bytes ?? -1) !== -1)
    out.push(
      `stream ${want.name}: max_msgs/max_bytes are ${got.max_msgs}/${got.max_bytes}, need -1 (a limit would drop history)`,
    );
  const transform = (got as { subject_transform?: unknown }).subject_transform;
  if (transform) out.push(`stream ${want.name}: has a subject_transform ${JSON.stringify(transform)}, needs none`);
  if (got.mirror || got.sources?.length) out.push(`stream ${want.name}: is a mirror or has sources, needs neither`);
  return out;
}

/** Thrown by a service whose streams, buckets or consumers are missing or differ from what it needs; never retried. */
export class NotProvisionedError extends Error {
  override readonly name = "NotProvisionedError";
  readonly retryable = false;
  constructor(readonly differences: string[]) {
    super(
      `this deployment is not provisioned as Cairn needs it:\n  ${differences.join("\n  ")}\nAn admin runs 'cairn provision' (with the admin credential) to create or update them.`,
    );
  }
}

async function streamInfo(jsm: JetStreamManager, name: string): Promise<StreamInfo | undefined> {
  try {
    return await jsm.streams.info(name);
  } catch (err) {
    if (
      (err as { name?: string }).name === "StreamNotFoundError" ||
      (err instanceof JetStreamApiError && err.code === 10059)
    )
      return undefined;
    throw err;
  }
}

/** Checks the streams and buckets a service needs; throws NotProvisionedError naming every difference. */
export async function verifyStreams(
  jsm: JetStreamManager,
  subjects: Subjects,
  opts: { payloads?: boolean } = {},
): Promise<void> {
  const wants: StreamSpec[] = [runStreamConfig(subjects, { replicas: 1 })];
  if (opts.payloads) wants.push(payloadStreamConfig(subjects, { replicas: 1 }));
  const problems: string[] = [];
  for (const w of wants) {
    const si = await retryProvisioning(`stream ${w.name}`, () => streamInfo(jsm, w.name));
    if (!si) problems.push(`stream ${w.name} does not exist`);
    else problems.push(...streamDifferences(w, si.config));
  }
  for (const b of [subjects.runsBucket, subjects.toolsBucket]) {
    if (!(await retryProvisioning(`bucket ${b}`, () => streamInfo(jsm, `KV_${b}`))))
      problems.push(`KV bucket ${b} does not exist`);
  }
  if (problems.length) throw new NotProvisionedError(problems);
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
  /** Only create it when missing; never change an existing one (e.g. a work queue whose limits its workers' deployment sets). */
  createOnly?: boolean;
}

function consumerConfig(opts: DurableConsumerOptions): Partial<ConsumerConfig> {
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
  return cfg;
}

/** Creates a durable pull consumer with explicit acks, or updates it (admin). Says what it did. */
export async function ensureConsumer(
  jsm: JetStreamManager,
  stream: string,
  opts: DurableConsumerOptions,
): Promise<"created" | "updated" | "kept"> {
  return retryProvisioning(`consumer ${opts.durable}`, () => ensureConsumerOnce(jsm, stream, opts));
}

async function ensureConsumerOnce(
  jsm: JetStreamManager,
  stream: string,
  opts: DurableConsumerOptions,
): Promise<"created" | "updated" | "kept"> {
  const cfg = consumerConfig(opts);
  try {
    await jsm.consumers.info(stream, opts.durable);
    if (opts.createOnly) return "kept";
    const { deliver_policy: _d, durable_name: _n, ...mutable } = cfg;
    // The client merges the update into the current config: clear the other filter form, so a
    // queue made with one filter can become a multi-filter one and back.
    if (opts.filterSubjects.length === 1) mutable.filter_subjects = [];
    else mutable.filter_subject = "";
    await jsm.consumers.update(stream, opts.durable, mutable);
    return "updated";
  } catch (err) {
    if (isConsumerNotFound(err)) {
      await jsm.consumers.add(stream, cfg);
      return "created";
    }
    throw err;
  }
}

/** The filters a consumer has (one or several). */
function filtersOf(c: ConsumerConfig): string[] {
  return c.filter_subjects?.length ? [...c.filter_subjects] : c.filter_subject ? [c.filter_subject] : [];
}

/**
 * How a durable consumer as found differs from what a worker needs: explicit acks, pull (no
 * deliver subject), every message from the start, exactly these filters. Ack wait, max deliver
 * and max ack pending are the admin's to set; the worker adopts them.
 */
export function consumerDifferences(durable: string, filters: string[], c: ConsumerConfig): string[] {
  const out: string[] = [];
  const got = filtersOf(c).sort();
  const want = [...filters].sort();
  if (!same(got, want))
    out.push(`consumer ${durable}: filters are ${JSON.stringify(got)}, needs ${JSON.stringify(want)}`);
  if (c.ack_policy !== AckPolicy.Explicit)
    out.push(`consumer ${durable}: ack_policy is ${c.ack_policy}, needs explicit`);
  if (c.deliver_subject)
    out.push(
      `consumer ${durable}: is a push consumer (deliver_subject ${c.deliver_subject}), needs to be a pull consumer`,
    );
  if (c.deliver_policy !== DeliverPolicy.All)
    out.push(`consumer ${durable}: deliver_policy is ${c.deliver_policy}, needs all`);
  return out;
}

/** Reads a worker's durable consumer and checks it; throws NotProvisionedError if it is missing or differs. */
export async function verifyConsumer(
  jsm: JetStreamManager,
  stream: string,
  durable: string,
  filters: string[],
): Promise<ConsumerInfo> {
  let info: ConsumerInfo;
  try {
    info = await retryProvisioning(`consumer ${durable}`, () => jsm.consumers.info(stream, durable));
  } catch (err) {
    if (isConsumerNotFound(err)) {
      throw new NotProvisionedError([
        `consumer ${durable} on stream ${stream} does not exist (filters ${JSON.stringify(filters)})`,
      ]);
    }
    throw err;
  }
  const diffs = consumerDifferences(durable, filters, info.config);
  if (diffs.length) throw new NotProvisionedError(diffs);
  return info;
}

/** Creates a stream or updates it to `cfg` (admin). */
async function ensureStream(jsm: JetStreamManager, cfg: StreamSpec): Promise<"created" | "updated"> {
  return retryProvisioning(`stream ${cfg.name}`, async () => {
    const si = await streamInfo(jsm, cfg.name);
    if (!si) {
      await jsm.streams.add(cfg);
      return "created";
    }
    // Undo what provisioning does not set (a transform, an age limit, a seal) along with the rest.
    const fixed: Partial<StreamConfig> = { ...si.config, ...cfg, max_age: 0, max_msgs: -1, max_bytes: -1 };
    delete (fixed as { subject_transform?: unknown }).subject_transform;
    if (si.config.sealed)
      throw new Error(`stream ${cfg.name} is sealed: a sealed stream cannot be unsealed; restore it from a backup`);
    await jsm.streams.update(cfg.name, fixed);
    return "updated";
  });
}

/** What a deployment needs: the durable consumers besides the planner's, with their limits. */
export interface DeploymentSpec extends ProvisionOptions {
  ackWaitMs: number;
  maxDeliver: number;
  /** Consumers to provision: "planner" and each provider and tool, by name, with a max_ack_pending. */
  planner?: { maxAckPending: number };
  providers: Map<string, number>;
  tools: Map<string, number>;
  /** Create missing work queues (llm_/tool_ consumers) only; keep existing ones as they are (their limits included). */
  workQueuesCreateOnly?: boolean;
}

export const PLANNER_DURABLE = "planner";

/** One line per object provisioned, for `cairn provision` to print. */
export interface ProvisionReport {
  lines: string[];
}

/**
 * Creates or updates everything a deployment needs, idempotently (admin; `cairn provision`): the
 * runs stream, the payload stream, the KV buckets and the consumers of `spec`.
 */
export async function provisionDeployment(
  nc: NatsConnection,
  jsm: JetStreamManager,
  subjects: Subjects,
  spec: DeploymentSpec,
): Promise<ProvisionReport> {
  const lines: string[] = [];
  const opts: ProvisionOptions = {
    replicas: spec.replicas,
    ...(spec.maxMsgSize !== undefined ? { maxMsgSize: spec.maxMsgSize } : {}),
    ...(spec.placementTags?.length ? { placementTags: spec.placementTags } : {}),
  };
  lines.push(`stream ${subjects.stream}: ${await ensureStream(jsm, runStreamConfig(subjects, opts))}`);
  lines.push(`stream ${subjects.payloadStream}: ${await ensureStream(jsm, payloadStreamConfig(subjects, opts))}`);
  lines.push(`stream ${subjects.archiveStream}: ${await ensureStream(jsm, archiveStreamConfig(subjects, opts))}`);
  await retryProvisioning("KV buckets", async () => {
    const kvm = new Kvm(nc);
    const placement = opts.placementTags?.length ? { placement: { cluster: "", tags: opts.placementTags } } : {};
    await kvm.create(subjects.runsBucket, {
      replicas: opts.replicas,
      history: 1,
      description: "Cairn runs index (projection of the runs stream)",
      ...placement,
    });
    await kvm.create(subjects.toolsBucket, {
      replicas: opts.replicas,
      history: 1,
      description: "Cairn tool registry",
      ...placement,
    });
    await kvm.create(subjects.admissionBucket, {
      replicas: opts.replicas,
      history: 1,
      description: "Cairn token-aware admission: one key per model budget, shared by the llm-callers",
      ...placement,
    });
    await kvm.create(subjects.archiveBucket, {
      replicas: opts.replicas,
      history: 1,
      description: "Cairn archive directory: pages of run id -> record in the archive stream",
      ...placement,
    });
  });
  // Tool-runners only put their own registrations: no rollup ("Nats-Rollup: all" would purge every
  // tool's registration) and no deletes through the API.
  // The archive directory likewise: pages are only ever replaced (compare-and-set), never deleted.
  // The admission bucket too: an llm-caller only compare-and-sets its budgets' states.
  for (const bucket of [subjects.toolsBucket, subjects.archiveBucket, subjects.admissionBucket]) {
    const cfg = (await jsm.streams.info(`KV_${bucket}`)).config;
    if (cfg.allow_rollup_hdrs || !cfg.deny_delete)
      await jsm.streams.update(`KV_${bucket}`, { ...cfg, allow_rollup_hdrs: false, deny_delete: true });
  }
  lines.push(
    `KV buckets ${subjects.runsBucket}, ${subjects.toolsBucket}, ${subjects.archiveBucket}, ${subjects.admissionBucket}: ok`,
  );
  const base = { ackWaitMs: spec.ackWaitMs, maxDeliver: spec.maxDeliver, replicas: spec.replicas };
  const consumer = async (
    durable: string,
    filterSubjects: string[],
    maxAckPending: number,
    description: string,
    createOnly = false,
  ) => {
    lines.push(
      `consumer ${durable}: ${await ensureConsumer(jsm, subjects.stream, { ...base, durable, filterSubjects, maxAckPending, description, createOnly })}`,
    );
  };
  const queuesCreateOnly = spec.workQueuesCreateOnly === true;
  if (spec.planner)
    await consumer(
      PLANNER_DURABLE,
      [subjects.allEvents()],
      spec.planner.maxAckPending,
      "Cairn planner: every run's events",
    );
  for (const [p, max] of spec.providers)
    await consumer(
      subjects.llmConsumer(p),
      subjects.llmWork(p),
      max,
      `Cairn llm-caller: model calls to provider ${p}`,
      queuesCreateOnly,
    );
  for (const [t, max] of spec.tools)
    await consumer(
      subjects.toolConsumer(t),
      [subjects.toolCommands(t)],
      max,
      `Cairn tool-runner: calls to ${t}`,
      queuesCreateOnly,
    );
  return { lines };
}
