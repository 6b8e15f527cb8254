import { jetstream, jetstreamManager, type JetStreamClient, type JetStreamManager } from "@nats-io/jetstream";
import type { NatsConnection } from "@nats-io/transport-node";
import { Subjects } from "@cairn/protocol";
import type { Logger } from "@cairn/telemetry";
import { connectNats } from "./connect.js";
import type { CommonConfig } from "./config.js";
import { ensureBuckets, ensureRunStream, retryProvisioning } from "./provision.js";

/** A service's handles on NATS. */
export interface Bus {
  nc: NatsConnection;
  js: JetStreamClient;
  jsm: JetStreamManager;
  subjects: Subjects;
  /** Closes the connection if this bus opened it. */
  close(): Promise<void>;
}

/**
 * Connects (or reuses `nc`) and provisions the runs stream and KV buckets — idempotent, so every
 * service instance can do it at start and the first one creates them.
 */
export async function openBus(cfg: CommonConfig, opts: { name: string; log: Logger; nc?: NatsConnection }): Promise<Bus> {
  const own = !opts.nc;
  const nc = opts.nc ?? (await connectNats({ ...cfg.nats, servers: cfg.nats.servers, name: opts.name, log: opts.log }));
  const subjects = new Subjects(cfg.prefix);
  const jsm = await retryProvisioning("JetStream", () => jetstreamManager(nc, { timeout: 10_000 }));
  const js = jetstream(nc, { timeout: 10_000 });
  const p = { replicas: cfg.replicas, maxMsgSize: cfg.maxMessageBytes, ...(cfg.placementTags.length ? { placementTags: cfg.placementTags } : {}) };
  await ensureRunStream(jsm, subjects, p);
  await ensureBuckets(nc, subjects, p);
  return {
    nc,
    js,
    jsm,
    subjects,
    async close() {
      if (own && !nc.isClosed()) await nc.drain().catch(() => nc.close());
    },
  };
}
