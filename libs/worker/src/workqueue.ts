import type { JetStreamClient, JetStreamManager, JsMsg } from "@nats-io/jetstream";
import type { MsgHdrs } from "@nats-io/transport-node";
import type { Logger } from "@cairn/telemetry";
import type { CommonConfig } from "./config.js";
import { startConsumer, verifyConsumer, type Disposition, type RunningConsumer, type WorkContext } from "@cairn/bus";
import type { CrashPoint } from "./crash.js";

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
  concurrency: number;
  config: Pick<CommonConfig, "ackWaitMs" | "maxDeliver" | "replicas" | "doubleAck">;
  crash: { hit(p: CrashPoint, subject?: string): void };
  keyOf?: (msg: JsMsg) => string;
  handle(m: WorkMessage, ctx: WorkContext): Promise<Disposition>;
  log: Logger;
}

/**
 * Checks the durable pull consumer that `cairn provision` made (NotProvisionedError if it is missing
 * or differs from what the worker needs) and starts handling its messages. The consumer's ack wait
 * is the admin's to set: the worker heartbeats long work against the consumer's, not its own config.
 */
export async function startWorkQueue(o: WorkQueueOptions): Promise<RunningConsumer> {
  const info = await verifyConsumer(o.jsm, o.stream, o.durable, o.filters);
  const ackWaitMs = info.config.ack_wait ? Math.round(info.config.ack_wait / 1_000_000) : 30_000;
  if (ackWaitMs !== o.config.ackWaitMs)
    o.log.info(
      { consumer: o.durable, ackWaitMs, configured: o.config.ackWaitMs },
      "using the consumer's ack wait (set by cairn provision), not CAIRN_ACK_WAIT_MS",
    );
  return startConsumer({
    js: o.js,
    stream: o.stream,
    durable: o.durable,
    concurrency: o.concurrency,
    ackWaitMs,
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

/**
 * One work queue per name (a provider's `llm_<provider>`, a tool's `tool_<name>`), all with the same
 * handler and settings; if one cannot start, those already started are stopped and the error thrown.
 */
export async function startWorkQueues(
  names: Iterable<string>,
  queue: (name: string) => { durable: string; filters: string[] },
  o: Omit<WorkQueueOptions, "durable" | "filters">,
): Promise<RunningConsumer[]> {
  const started: RunningConsumer[] = [];
  try {
    for (const name of names) started.push(await startWorkQueue({ ...o, ...queue(name) }));
  } catch (err) {
    await Promise.all(started.map((c) => c.stop()));
    throw err;
  }
  return started;
}
