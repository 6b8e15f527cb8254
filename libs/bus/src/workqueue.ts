import type { JetStreamClient, JetStreamManager, JsMsg } from "@nats-io/jetstream";
import type { MsgHdrs } from "@nats-io/transport-node";
import type { Logger } from "@cairn/telemetry";
import type { CommonConfig } from "./config.js";
import { startConsumer, type Disposition, type RunningConsumer, type WorkContext } from "./consume.js";
import type { CrashPoint } from "./crash.js";
import { ensureConsumer } from "./provision.js";

/** A message as handlers see it: subject, stream sequence, delivery count, bytes, stream time. */
export interface WorkMessage {
  subject: string;
  seq: number;
  deliveries: number;
  data: Uint8Array;
  /** The message's stream timestamp (epoch ms). */
  issuedAt: number;
  headers?: MsgHdrs;
}

export interface WorkQueueOptions {
  js: JetStreamClient;
  jsm: JetStreamManager;
  stream: string;
  durable: string;
  /** Subject filters (more than one makes a multi-filter consumer, nats-server 2.10+). */
  filters: string[];
  /** The consumer's max_ack_pending: a limit on messages in flight across every instance. */
  maxAckPending: number;
  description: string;
  concurrency: number;
  config: Pick<CommonConfig, "ackWaitMs" | "maxDeliver" | "replicas" | "doubleAck">;
  crash: { hit(p: CrashPoint, subject?: string): void };
  keyOf?: (msg: JsMsg) => string;
  handle(m: WorkMessage, ctx: WorkContext): Promise<Disposition>;
  log: Logger;
}

/** Creates (or updates) a durable pull consumer and starts handling its messages. */
export async function startWorkQueue(o: WorkQueueOptions): Promise<RunningConsumer> {
  await ensureConsumer(o.jsm, o.stream, {
    durable: o.durable,
    filterSubjects: o.filters,
    ackWaitMs: o.config.ackWaitMs,
    maxDeliver: o.config.maxDeliver,
    replicas: o.config.replicas,
    maxAckPending: o.maxAckPending,
    description: o.description,
  });
  return startConsumer({
    js: o.js,
    stream: o.stream,
    durable: o.durable,
    concurrency: o.concurrency,
    ackWaitMs: o.config.ackWaitMs,
    doubleAck: o.config.doubleAck,
    afterSettle: (_d, subject) => o.crash.hit("after-ack", subject),
    ...(o.keyOf ? { keyOf: o.keyOf } : {}),
    // Headers and the timestamp are parsed only when a handler reads them (the llm-caller reads
    // its hints, the tool-runner the issue time): not on every message of every service.
    handle: (msg, ctx) =>
      o.handle(
        {
          subject: msg.subject,
          seq: msg.seq,
          deliveries: msg.info.deliveryCount,
          data: msg.data,
          get issuedAt() {
            return msg.time.getTime();
          },
          get headers() {
            return msg.headers;
          },
        },
        ctx,
      ),
    log: o.log,
  });
}
