import { existsSync, readFileSync } from "node:fs";
import { connect, credsAuthenticator, nkeyAuthenticator, type NatsConnection } from "@nats-io/transport-node";
import type { Logger } from "@cairn/telemetry";
import {
  isPatchedServerVersion,
  MIN_SERVER_VERSION,
  NATS_SERVER_CVES,
  PATCHED_FLOOR,
  versionAtLeast,
} from "@cairn/natsd";

// The patched floor lives in @cairn/natsd (which finds the server tests and `cairn dev` start).
export {
  isPatchedServerVersion,
  MIN_SERVER_VERSION,
  NATS_SERVER_CVES,
  PATCHED_FLOOR,
  PATCHED_FROM_VERSION,
  PATCHED_SERVER_VERSIONS,
  versionAtLeast,
} from "@cairn/natsd";

/** How long Cairn waits for a JetStream API answer or a publish acknowledgement. */
export const JETSTREAM_TIMEOUT_MS = 10_000;

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
  /** Path to a file holding a user nkey seed (`SU...`): nkey authentication. */
  nkeyFile?: string;
  /**
   * TLS: the CA that signed the server's certificate (PEM file), and a client certificate and key
   * (PEM files) for servers that verify clients. Giving any of them, or a `tls://` URL, requires
   * TLS; a server that offers TLS is otherwise used over TLS too (with the system's CAs).
   */
  tls?: NatsTlsOptions;
  /** How long to wait for the server's greeting and the connection's handshake (ms, default 20000). */
  timeoutMs?: number;
  /**
   * DEVELOPMENT ONLY (`CAIRN_ALLOW_UNPATCHED_NATS=1`): accept a server >= 2.10 that lacks the
   * fixes for the 2026 advisories (see PATCHED_FLOOR), logging a warning. Servers older than
   * 2.10 are refused regardless.
   */
  allowUnpatchedServer?: boolean;
  log?: Logger;
}

/** TLS files for a NATS connection (PEM). */
export interface NatsTlsOptions {
  caFile?: string;
  certFile?: string;
  keyFile?: string;
}

/** The servers of a URL list, split and trimmed. */
export function serverList(servers: string | string[]): string[] {
  return Array.isArray(servers)
    ? servers
    : servers
        .split(",")
        .map((s) => s.trim())
        .filter(Boolean);
}

/**
 * The `tls` connect option for these settings: undefined (TLS when the server offers it), or the
 * files, which also make TLS required. A certificate without its key (or the reverse) is refused.
 */
export function tlsConnectOption(
  servers: string[],
  tls: NatsTlsOptions | undefined,
): { caFile?: string; certFile?: string; keyFile?: string } | undefined {
  const t = tls ?? {};
  if ((t.certFile === undefined) !== (t.keyFile === undefined))
    throw new Error(
      "NATS TLS: a client certificate needs its key and a key its certificate (give both: NATS_CERT and NATS_KEY, or --tls-cert and --tls-key)",
    );
  for (const [what, f] of [
    ["CA", t.caFile],
    ["certificate", t.certFile],
    ["key", t.keyFile],
  ] as const)
    if (f !== undefined && !existsSync(f)) throw new Error(`NATS TLS ${what} file ${f} does not exist`);
  const wantsTls = servers.some((s) => /^tls:\/\//i.test(s));
  if (!wantsTls && t.caFile === undefined && t.certFile === undefined) return undefined;
  return {
    ...(t.caFile !== undefined ? { caFile: t.caFile } : {}),
    ...(t.certFile !== undefined ? { certFile: t.certFile } : {}),
    ...(t.keyFile !== undefined ? { keyFile: t.keyFile } : {}),
  };
}

/**
 * Thrown when the server is older than Cairn supports; never retried. `reason` is "too-old" for a
 * server older than 2.10 (refused even with the override) and "unpatched" for a 2.10+ server
 * without the 2026 security fixes.
 */
export class NatsVersionError extends Error {
  override readonly name = "NatsVersionError";
  readonly retryable = false;
  constructor(
    readonly found: string,
    readonly url: string,
    readonly reason: "too-old" | "unpatched" = "too-old",
  ) {
    const fixes = `the fixes for ${NATS_SERVER_CVES.join(", ")} (Nats-Request-Info identity spoofing, stream-restore authorization bypass, credentials exposed to monitoring)`;
    super(
      reason === "too-old"
        ? `nats-server ${found} at ${url} is too old: Cairn needs nats-server >= 2.10 to run at all, and a release with ${fixes}: ${PATCHED_FLOOR}. ` +
            `CAIRN_ALLOW_UNPATCHED_NATS=1 does not accept servers older than 2.10. Run 'npm run setup:nats' or point NATS_URL at a patched server.`
        : `nats-server ${found} at ${url} lacks ${fixes}: Cairn needs nats-server ${PATCHED_FLOOR}. ` +
            `Upgrade the server ('npm run setup:nats' fetches one for development), or, for development only, set CAIRN_ALLOW_UNPATCHED_NATS=1 (connect option allowUnpatchedServer) to accept it.`,
    );
  }
}

/**
 * What connectNats does with a server of `version`: "ok" (patched), "unpatched-allowed" (2.10+
 * without the fixes, accepted because of the override), or the NatsVersionError reason.
 */
export function checkServerVersion(
  version: string,
  allowUnpatchedServer = false,
): "ok" | "unpatched-allowed" | "too-old" | "unpatched" {
  if (!versionAtLeast(version, MIN_SERVER_VERSION)) return "too-old";
  if (isPatchedServerVersion(version)) return "ok";
  return allowUnpatchedServer ? "unpatched-allowed" : "unpatched";
}

/**
 * Connects with reconnects forever (a restarted or failed-over server is picked up by itself),
 * then refuses servers without the 2026 security fixes (see PATCHED_FLOOR) with a
 * NatsVersionError — unless `allowUnpatchedServer` is set and the server is at least 2.10.
 */
export async function connectNats(opts: NatsConnectOptions): Promise<NatsConnection> {
  const servers = serverList(opts.servers);
  const tls = tlsConnectOption(servers, opts.tls);
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
    ...(opts.nkeyFile
      ? { authenticator: nkeyAuthenticator(new TextEncoder().encode(readFileSync(opts.nkeyFile, "utf8").trim())) }
      : {}),
    ...(tls ? { tls } : {}),
    ...(opts.timeoutMs !== undefined ? { timeout: opts.timeoutMs } : {}),
  });
  const version = nc.info?.version ?? "0.0.0";
  const verdict = checkServerVersion(version, opts.allowUnpatchedServer === true);
  if (verdict === "too-old" || verdict === "unpatched") {
    await nc.close();
    throw new NatsVersionError(version, servers.join(","), verdict);
  }
  if (verdict === "unpatched-allowed") {
    opts.log?.warn(
      { natsServerVersion: version, floor: PATCHED_FLOOR, cves: NATS_SERVER_CVES },
      `nats-server ${version} lacks the fixes for ${NATS_SERVER_CVES.join(", ")}: accepted only because CAIRN_ALLOW_UNPATCHED_NATS is set (development only)`,
    );
  }
  if (opts.log) {
    const log = opts.log;
    void (async () => {
      for await (const s of nc.status()) {
        if (s.type === "disconnect" || s.type === "reconnect" || s.type === "error")
          log.warn({ nats: s.type, server: "server" in s ? s.server : undefined }, `nats ${s.type}`);
      }
    })().catch(() => undefined);
  }
  return nc;
}
