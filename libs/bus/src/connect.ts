import { readFileSync } from "node:fs";
import { connect, credsAuthenticator, type NatsConnection } from "@nats-io/transport-node";
import type { Logger } from "@cairn/telemetry";
import { batchWrites, trimRequestCancel } from "./nats-patch.js";

trimRequestCancel();
batchWrites();

/** Cairn needs nats-server 2.10 or newer (multi-filter consumers, `sync_interval`). */
export const MIN_SERVER_VERSION = "2.10.0";

/** How to reach NATS. Only `main.ts` files read these from the environment. */
export interface NatsConnectOptions {
  /** One URL or a comma-separated list, or an array (a cluster's seeds). */
  servers: string | string[];
  /** Connection name shown by the server (`nats server report connections`). */
  name: string;
  user?: string;
  pass?: string;
  token?: string;
  /** Path to a `.creds` file (JWT + nkey seed). */
  credsFile?: string;
  log?: Logger;
}

/** Thrown when the server is older than Cairn supports; never retried. */
export class NatsVersionError extends Error {
  override readonly name = "NatsVersionError";
  readonly retryable = false;
  constructor(readonly found: string, readonly url: string) {
    super(`nats-server ${found} at ${url} is too old: Cairn needs nats-server >= ${MIN_SERVER_VERSION} (2.10.23+ for production). Run 'npm run setup:nats' or point NATS_URL at a newer server.`);
  }
}

export function versionAtLeast(version: string, min: string): boolean {
  const a = version.split(/[.-]/).map((x) => Number.parseInt(x, 10) || 0);
  const b = min.split(".").map(Number);
  for (let i = 0; i < 3; i++) {
    const x = a[i] ?? 0;
    const y = b[i] ?? 0;
    if (x !== y) return x > y;
  }
  return true;
}

/**
 * Connects with reconnects forever (a restarted or failed-over server is picked up by itself),
 * then refuses servers older than 2.10 with a NatsVersionError.
 */
export async function connectNats(opts: NatsConnectOptions): Promise<NatsConnection> {
  const servers = Array.isArray(opts.servers) ? opts.servers : opts.servers.split(",").map((s) => s.trim()).filter(Boolean);
  const nc = await connect({
    servers,
    name: opts.name,
    maxReconnectAttempts: -1,
    // No stack-trace capture on every request (about 15% of client CPU per step, measured by bench/).
    noAsyncTraces: true,
    reconnectTimeWait: 250,
    reconnectJitter: 100,
    pingInterval: 10_000,
    ...(opts.user !== undefined ? { user: opts.user, pass: opts.pass ?? "" } : {}),
    ...(opts.token !== undefined ? { token: opts.token } : {}),
    ...(opts.credsFile ? { authenticator: credsAuthenticator(readFileSync(opts.credsFile)) } : {}),
  });
  const version = nc.info?.version ?? "0.0.0";
  if (!versionAtLeast(version, MIN_SERVER_VERSION)) {
    await nc.close();
    throw new NatsVersionError(version, servers.join(","));
  }
  if (opts.log) {
    const log = opts.log;
    void (async () => {
      for await (const s of nc.status()) {
        if (s.type === "disconnect" || s.type === "reconnect" || s.type === "error") log.warn({ nats: s.type, server: "server" in s ? s.server : undefined }, `nats ${s.type}`);
      }
    })().catch(() => undefined);
  }
  return nc;
}
