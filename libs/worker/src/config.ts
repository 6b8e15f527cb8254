import { z } from "zod";
import { RESERVED_PREFIX_PARTS, type RetryPolicy } from "@cairn/protocol";

/** An on/off variable: "true"/"1" or "false"/"0", `dflt` when unset; parsed to a boolean. */
export function envFlag(dflt: boolean) {
  return z
    .enum(["true", "false", "1", "0"])
    .default(dflt ? "true" : "false")
    .transform((v) => v === "true" || v === "1");
}

/**
 * Settings every Cairn service shares, parsed from environment variables. Each service's
 * `loadConfig(env)` extends this; problems are reported all at once, never one per restart.
 */
export const commonEnv = {
  NATS_URL: z
    .string({ error: "NATS_URL is required (e.g. nats://nats-1:4222,nats://nats-2:4222)" })
    .min(1, "NATS_URL is required (e.g. nats://nats-1:4222,nats://nats-2:4222)")
    .describe("NATS server(s), comma-separated (e.g. nats://nats-1:4222,nats://nats-2:4222)"),
  NATS_USER: z.string().optional().describe("NATS user name (with NATS_PASSWORD)"),
  NATS_PASSWORD: z.string().optional().describe("NATS password"),
  NATS_TOKEN: z.string().optional().describe("NATS token"),
  NATS_CREDS: z.string().optional().describe("path of a NATS credentials file (JWT and nkey seed)"),
  NATS_CA: z
    .string()
    .optional()
    .describe("TLS: PEM file of the CA that signed the server's certificate (makes TLS required; as the nats CLI)"),
  NATS_CERT: z
    .string()
    .optional()
    .describe("TLS: PEM client certificate, for servers that verify clients (with NATS_KEY)"),
  NATS_KEY: z.string().optional().describe("TLS: PEM private key of NATS_CERT"),
  /**
   * DEVELOPMENT ONLY: "1"/"true" accepts a nats-server >= 2.10 without the fixes for the 2026
   * advisories (CVE-2026-33223, CVE-2026-33222, CVE-2026-33247; patched: >= 2.11.16 within 2.11.x,
   * >= 2.12.7 within 2.12.x, or any 2.13.0+), with a warning. Off by default; never for production.
   */
  CAIRN_ALLOW_UNPATCHED_NATS: z
    .enum(["true", "false", "1", "0"])
    .transform((v) => v === "true" || v === "1")
    .optional()
    .describe("development only: accept a nats-server 2.10+ without the 2026 security fixes (with a warning)"),
  // Lower case, digits and '-' (not first), parts joined by '.': the mapping to stream and bucket names is then injective.
  CAIRN_PREFIX: z
    .string()
    .regex(
      /^[a-z0-9][a-z0-9-]{0,31}(\.[a-z0-9][a-z0-9-]{0,31})*$/,
      "CAIRN_PREFIX must be lower-case letters, digits and '-' (not first), parts joined by '.' (e.g. cairn, acme.prod-1)",
    )
    .refine(
      (p) => !p.split(".").some((t) => RESERVED_PREFIX_PARTS.has(t)),
      `CAIRN_PREFIX may not have a part ${[...RESERVED_PREFIX_PARTS].join(", ")} (Cairn's own subject tokens)`,
    )
    .default("cairn")
    .describe("subject prefix: isolates deployments on one NATS (lower-case letters, digits, -; parts joined by .)"),
  CAIRN_REPLICAS: z.coerce
    .number()
    .int()
    .min(1)
    .max(5)
    .default(1)
    .describe("replicas of streams, consumers and KV buckets (3 on a cluster)"),
  CAIRN_PLACEMENT_TAGS: z
    .string()
    .optional()
    .describe("JetStream placement tags for the streams and buckets (server tags, comma-separated)"),
  CAIRN_ACK_WAIT_MS: z.coerce
    .number()
    .int()
    .min(200)
    .default(10_000)
    .describe("ack deadline of the consumers cairn provision makes; long steps keep it alive with working()"),
  CAIRN_MAX_DELIVER: z.coerce
    .number()
    .int()
    .min(2)
    .default(20)
    .describe("deliveries of a message before JetStream gives up on it"),
  CAIRN_MAX_MESSAGE_BYTES: z.coerce
    .number()
    .int()
    .min(1024)
    .default(1024 * 1024)
    .describe("largest message in the runs stream"),
  CAIRN_DOUBLE_ACK: envFlag(false).describe(
    "wait for the server to confirm each ack (not needed: every step is idempotent)",
  ),
  CAIRN_CRASH_AT: z.string().optional().describe("tests only: SIGKILL the process at a crash point (<point>[:<n>])"),
  CAIRN_LARGE_PAYLOAD_BYTES: z.coerce
    .number()
    .int()
    .min(1024)
    .default(256 * 1024)
    .describe(
      "tool outputs and model replies larger than this go to the payload stream (a preview and a reference stay in the event)",
    ),
  CAIRN_INSTANCE: z.string().optional().describe("this process's name in logs and spans (default <service>-<pid>)"),
  LOG_LEVEL: z
    .enum(["trace", "debug", "info", "warn", "error", "fatal", "silent"])
    .default("info")
    .describe(
      "pino level; logs are JSON lines on stderr with runId, turn, step, attempt (and trace_id, span_id when tracing)",
    ),
};

export interface CommonConfig {
  /** `allowUnpatchedServer` is set (true) only when CAIRN_ALLOW_UNPATCHED_NATS is on: development only. */
  nats: {
    servers: string;
    user?: string;
    pass?: string;
    token?: string;
    credsFile?: string;
    /** TLS files (NATS_CA, NATS_CERT, NATS_KEY); a `tls://` URL requires TLS too. */
    tls?: { caFile?: string; certFile?: string; keyFile?: string };
    allowUnpatchedServer?: boolean;
  };
  prefix: string;
  replicas: number;
  /** JetStream placement tags for the stream and buckets (server tags, e.g. a region); none by default. */
  placementTags: string[];
  ackWaitMs: number;
  maxDeliver: number;
  maxMessageBytes: number;
  /** Tool results and model replies larger than this go to the Object Store (a reference stays in the event). */
  largePayloadBytes: number;
  doubleAck: boolean;
  /** Test-only deterministic crash point ("<point>[:<n>]"). */
  crashAt?: string;
  instance: string;
  logLevel: string;
}

/** Thrown by loadConfig with every problem found. */
export class ConfigError extends Error {
  override readonly name = "ConfigError";
  readonly retryable = false;
}

/** Parses `env` against `shape` and throws one ConfigError listing every problem. */
export function parseEnv<S extends z.ZodRawShape>(
  shape: S,
  env: Record<string, string | undefined>,
): z.infer<z.ZodObject<S>> {
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ""));
  const r = z.object(shape).safeParse(cleaned);
  if (!r.success) {
    const lines = r.error.issues.map((i) => `  ${i.path.join(".") || "(env)"}: ${i.message}`);
    throw new ConfigError(`invalid configuration:\n${lines.join("\n")}`);
  }
  return r.data;
}

export function toCommonConfig(e: z.infer<z.ZodObject<typeof commonEnv>>, service: string): CommonConfig {
  const c: CommonConfig = {
    nats: { servers: e.NATS_URL },
    prefix: e.CAIRN_PREFIX,
    replicas: e.CAIRN_REPLICAS,
    placementTags: (e.CAIRN_PLACEMENT_TAGS ?? "")
      .split(",")
      .map((t) => t.trim())
      .filter(Boolean),
    ackWaitMs: e.CAIRN_ACK_WAIT_MS,
    maxDeliver: e.CAIRN_MAX_DELIVER,
    maxMessageBytes: e.CAIRN_MAX_MESSAGE_BYTES,
    largePayloadBytes: e.CAIRN_LARGE_PAYLOAD_BYTES,
    doubleAck: e.CAIRN_DOUBLE_ACK,
    instance: e.CAIRN_INSTANCE ?? `${service}-${process.pid}`,
    logLevel: e.LOG_LEVEL,
  };
  if (e.NATS_USER !== undefined) c.nats.user = e.NATS_USER;
  if (e.NATS_PASSWORD !== undefined) c.nats.pass = e.NATS_PASSWORD;
  if (e.NATS_TOKEN !== undefined) c.nats.token = e.NATS_TOKEN;
  if (e.NATS_CREDS !== undefined) c.nats.credsFile = e.NATS_CREDS;
  if (e.NATS_CA !== undefined || e.NATS_CERT !== undefined || e.NATS_KEY !== undefined)
    c.nats.tls = {
      ...(e.NATS_CA !== undefined ? { caFile: e.NATS_CA } : {}),
      ...(e.NATS_CERT !== undefined ? { certFile: e.NATS_CERT } : {}),
      ...(e.NATS_KEY !== undefined ? { keyFile: e.NATS_KEY } : {}),
    };
  if (e.CAIRN_ALLOW_UNPATCHED_NATS) c.nats.allowUnpatchedServer = true;
  if (e.CAIRN_CRASH_AT !== undefined) c.crashAt = e.CAIRN_CRASH_AT;
  return c;
}

/** Parses "a=2,b=1" into a map of positive integers; throws ConfigError naming the variable. */
export function parseLimits(name: string, value: string | undefined): Map<string, number> {
  const out = new Map<string, number>();
  for (const part of (value ?? "")
    .split(",")
    .map((x) => x.trim())
    .filter(Boolean)) {
    const m = /^([A-Za-z0-9_-]{1,64})=(\d+)$/.exec(part);
    if (!m || Number(m[2]) < 1)
      throw new ConfigError(`invalid configuration:\n  ${name}: "${part}" is not <name>=<positive integer>`);
    out.set(m[1]!, Number(m[2]));
  }
  return out;
}

/**
 * A worker's (llm-caller, tool-runner) policy for a failed step: its configured attempts and first
 * delay (CAIRN_LLM_/CAIRN_TOOL_MAX_ATTEMPTS and _RETRY_INITIAL_DELAY_MS), doubling, capped at a
 * minute. Stated here once for both.
 */
export function workerRetryPolicy(maxAttempts: number, initialDelayMs: number): RetryPolicy {
  return { maxAttempts, initialDelayMs, maxDelayMs: 60_000, multiplier: 2 };
}
