import { jetstream, jetstreamManager, type JetStreamClient, type JetStreamManager } from "@nats-io/jetstream";
import type { NatsConnection } from "@nats-io/transport-node";
import { Subjects } from "@cairn/protocol";
import type { Logger } from "@cairn/telemetry";
import { connectNats, JETSTREAM_TIMEOUT_MS, retryProvisioning, verifyStreams } from "@cairn/bus";
import { applyNatsClientFixes } from "@cairn/bus/internal";
import type { CommonConfig } from "./config.js";

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
 * Applies Cairn's NATS client fixes (applyNatsClientFixes: a service's process only), connects
 * (or reuses `nc`) and checks that the runs stream and KV buckets (and, with `payloads`,
 * the payload stream) are provisioned as Cairn needs them; throws NotProvisionedError naming each
 * difference otherwise. It never creates or changes them: that is `cairn provision`'s, an admin's.
 */
export async function openBus(
  cfg: CommonConfig,
  opts: { name: string; log: Logger; nc?: NatsConnection; payloads?: boolean },
): Promise<Bus> {
  // A service's own process: the NATS client fixes (see nats-patch.ts) apply from here on.
  applyNatsClientFixes();
  const own = !opts.nc;
  const nc = opts.nc ?? (await connectNats({ ...cfg.nats, servers: cfg.nats.servers, name: opts.name, log: opts.log }));
  const subjects = new Subjects(cfg.prefix);
  const jsm = await retryProvisioning("JetStream", () => jetstreamManager(nc, { timeout: JETSTREAM_TIMEOUT_MS }));
  const js = jetstream(nc, { timeout: JETSTREAM_TIMEOUT_MS });
  try {
    await verifyStreams(jsm, subjects, { payloads: opts.payloads === true });
  } catch (err) {
    if (own) await nc.close().catch(() => undefined);
    throw err;
  }
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
