import { InvalidArgumentError, type Command } from "commander";
import { CairnClient } from "@cairn/client";
import { NatsVersionError, type NatsTlsOptions } from "@cairn/bus";
import { resolveNatsContext, type NatsContext } from "./natscontext.js";
import { resolveConnection } from "./server.js";

const env = process.env;

/** Connection flags every command that talks to NATS takes. */
export interface ConnFlags {
  server?: string;
  context?: string;
  creds?: string;
  nkey?: string;
  user?: string;
  password?: string;
  token?: string;
  tlsCa?: string;
  tlsCert?: string;
  tlsKey?: string;
  /** Request timeout, ms (parsed by parseDuration). */
  timeout?: number;
  prefix?: string;
}

/** The request timeout when neither --timeout nor NATS_TIMEOUT gives one (the `nats` CLI's default). */
export const DEFAULT_TIMEOUT_MS = 5_000;

/**
 * How long the CLI retries a request nobody answers (no planner serving the API) or one lost with a
 * restarting planner: short, so a missing planner is said within about two seconds.
 */
export const CLI_RETRY_MS = 1_000;

const UNIT_MS: Record<string, number> = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000 };

/**
 * A duration: milliseconds as a bare number ("1500"), or Go-style units ("500ms", "5s", "1m30s",
 * "1.5s"). Positive, at most a day. Throws InvalidArgumentError (commander reports it) otherwise.
 */
export function parseDuration(v: string): number {
  const s = v.trim();
  let ms: number | undefined;
  if (/^\d+(\.\d+)?$/.test(s)) ms = Number(s);
  else if (/^(\d+(\.\d+)?(ms|s|m|h))+$/.test(s)) {
    ms = 0;
    for (const m of s.matchAll(/(\d+(?:\.\d+)?)(ms|s|m|h)/g)) ms += Number(m[1]) * UNIT_MS[m[2]!]!;
  }
  if (ms === undefined || !Number.isFinite(ms) || ms <= 0 || ms > 86_400_000)
    throw new InvalidArgumentError(
      `expected a duration: milliseconds (e.g. 1500) or with a unit (e.g. 500ms, 5s, 1m), more than 0 and at most 24h; got ${JSON.stringify(v)}`,
    );
  return Math.round(ms);
}

export function addConn(cmd: Command): Command {
  return cmd
    .option(
      "-s, --server <url>",
      "NATS URL: nats:// or tls:// (default: $NATS_URL, the NATS context, else `cairn dev`'s)",
    )
    .option(
      "--context <name>",
      "a `nats` CLI context (~/.config/nats/context/<name>.json; default: $NATS_CONTEXT, else the selected one)",
    )
    .option("--creds <file>", "NATS credentials file (default: $NATS_CREDS)")
    .option("--nkey <file>", "NATS user nkey seed file (default: $NATS_NKEY)")
    .option("--user <user>", "NATS user (default: $NATS_USER)")
    .option("--password <password>", "NATS password (default: $NATS_PASSWORD)")
    .option("--token <token>", "NATS token (default: $NATS_TOKEN)")
    .option("--tls-ca <file>", "TLS: CA certificate of the server, PEM (default: $NATS_CA); makes TLS required")
    .option("--tls-cert <file>", "TLS: client certificate, PEM (default: $NATS_CERT)")
    .option("--tls-key <file>", "TLS: client key, PEM (default: $NATS_KEY)")
    .option(
      "--timeout <duration>",
      `request timeout: ms or e.g. 5s (default: $NATS_TIMEOUT, else ${DEFAULT_TIMEOUT_MS / 1000}s)`,
      parseDuration,
    )
    .option("--prefix <prefix>", "deployment prefix (default: $CAIRN_PREFIX or cairn)");
}

/** CAIRN_ALLOW_UNPATCHED_NATS=1: connect to a nats-server without the 2026 security fixes (development only). */
export function allowUnpatched(e: Record<string, string | undefined>): boolean {
  return e["CAIRN_ALLOW_UNPATCHED_NATS"] === "1" || e["CAIRN_ALLOW_UNPATCHED_NATS"] === "true";
}

/** An error the CLI reports with a kind of its own (`--json`: `{"error":{"kind","message"}}`). */
export class CliError extends Error {
  override readonly name = "CliError";
  constructor(
    readonly kind: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** Everything a connection needs, resolved: flags, then NATS_* variables, then the context, then `cairn dev`. */
export interface ResolvedConnection {
  servers: string;
  /** Where the servers came from: "flag", "env", "context" or "cairn dev". */
  source: string;
  context?: NatsContext;
  creds?: string;
  nkey?: string;
  user?: string;
  pass?: string;
  token?: string;
  tls?: NatsTlsOptions;
  timeoutMs: number;
}

const pick = (...vs: (string | undefined)[]): string | undefined => vs.find((v) => v !== undefined && v !== "");

export function resolveConn(f: ConnFlags, e: Record<string, string | undefined>): ResolvedConnection {
  const ctx = resolveNatsContext(f.context, e);
  let servers: string;
  let source: string;
  let devToken: string | undefined;
  if (f.server) [servers, source] = [f.server, "flag"];
  else if (e["NATS_URL"]) [servers, source] = [e["NATS_URL"], "env"];
  else if (ctx?.url) [servers, source] = [ctx.url, "context"];
  else {
    let dev: { servers: string; devToken?: string };
    try {
      dev = resolveConnection(undefined, e);
    } catch (err) {
      throw new CliError("no_server", (err as Error).message);
    }
    [servers, source, devToken] = [dev.servers, "cairn dev", dev.devToken];
  }
  const creds = pick(f.creds, e["NATS_CREDS"], ctx?.creds);
  const nkey = pick(f.nkey, e["NATS_NKEY"], ctx?.nkey);
  const user = pick(f.user, e["NATS_USER"], ctx?.user);
  const pass = pick(f.password, e["NATS_PASSWORD"], ctx?.password);
  // The server `cairn dev` started here requires its token, unless other credentials are given.
  const token = pick(f.token, e["NATS_TOKEN"], ctx?.token) ?? (creds || user || nkey ? undefined : devToken);
  const caFile = pick(f.tlsCa, e["NATS_CA"], ctx?.ca);
  const certFile = pick(f.tlsCert, e["NATS_CERT"], ctx?.cert);
  const keyFile = pick(f.tlsKey, e["NATS_KEY"], ctx?.key);
  const tls: NatsTlsOptions = {
    ...(caFile ? { caFile } : {}),
    ...(certFile ? { certFile } : {}),
    ...(keyFile ? { keyFile } : {}),
  };
  let timeoutMs = f.timeout;
  if (timeoutMs === undefined && e["NATS_TIMEOUT"]) {
    try {
      timeoutMs = parseDuration(e["NATS_TIMEOUT"]);
    } catch (err) {
      throw new CliError("usage", `NATS_TIMEOUT: ${(err as Error).message}`);
    }
  }
  return {
    servers,
    source,
    ...(ctx ? { context: ctx } : {}),
    ...(creds ? { creds } : {}),
    ...(nkey ? { nkey } : {}),
    ...(user ? { user, pass: pass ?? "" } : {}),
    ...(token ? { token } : {}),
    ...(Object.keys(tls).length ? { tls } : {}),
    timeoutMs: timeoutMs ?? DEFAULT_TIMEOUT_MS,
  };
}

/** A connection failure said plainly, naming the address (and, for TLS, what to give). */
export function connectFailure(servers: string, err: unknown): Error {
  if (err instanceof NatsVersionError || err instanceof CliError) return err;
  const e = err as Error & { code?: string; cause?: { code?: string; message?: string } };
  const text = `${e.message ?? String(err)} ${e.code ?? ""} ${e.cause?.code ?? ""} ${e.cause?.message ?? ""}`;
  const at = `cannot connect to ${servers}`;
  if (/ECONNREFUSED|connection refused|CONNECTION_REFUSED/i.test(text))
    return new CliError(
      "connection",
      `${at}: connection refused (is a nats-server running there? check --server, NATS_URL or the NATS context, or start one with \`cairn dev\`)`,
      { cause: err },
    );
  if (/ENOTFOUND|EAI_AGAIN/i.test(text)) return new CliError("connection", `${at}: unknown host`, { cause: err });
  if (/certificate|self[- ]signed|UNABLE_TO_VERIFY|CERT_|ERR_TLS|ssl|tls/i.test(text))
    return new CliError(
      "connection",
      `${at}: TLS: ${e.message} (give the CA that signed the server's certificate: --tls-ca, NATS_CA or the context's "ca"; a client certificate: --tls-cert/--tls-key)`,
      { cause: err },
    );
  if (/timeout/i.test(text))
    return new CliError("connection", `${at}: no answer from the server in time (${e.message})`, { cause: err });
  return new CliError("connection", `${at}: ${e.message ?? String(err)}`, { cause: err });
}

/** A client for the server the flags, NATS_* variables, a NATS context or `cairn dev` name. */
export async function client(f: ConnFlags): Promise<CairnClient> {
  const r = resolveConn(f, env);
  try {
    return await CairnClient.connect({
      prefix: f.prefix ?? env["CAIRN_PREFIX"] ?? "cairn",
      timeoutMs: r.timeoutMs,
      retryForMs: CLI_RETRY_MS,
      connect: {
        servers: r.servers,
        timeoutMs: r.timeoutMs,
        ...(r.creds ? { credsFile: r.creds } : {}),
        ...(r.nkey ? { nkeyFile: r.nkey } : {}),
        ...(r.user ? { user: r.user, pass: r.pass ?? "" } : {}),
        ...(r.token ? { token: r.token } : {}),
        ...(r.tls ? { tls: r.tls } : {}),
        ...(allowUnpatched(env) ? { allowUnpatchedServer: true } : {}),
      },
    });
  } catch (err) {
    throw connectFailure(r.servers, err);
  }
}
