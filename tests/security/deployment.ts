import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { connect, PermissionViolationError, type NatsConnection, type Status } from "@nats-io/transport-node";
import { jetstreamManager } from "@nats-io/jetstream";
import { CairnClient } from "@cairn/client";
import { provision } from "@cairn/cli";
import { loadConfig as llmConfig, startLlmCaller } from "@cairn/llm-caller";
import { loadConfig as plannerConfig, parseAgents, startPlanner, type Agents } from "@cairn/planner";
import { loadConfig as toolConfig, startToolRunner } from "@cairn/tool-runner";
import { readRunLog, type RunningService } from "@cairn/bus";
import { decodeEntry, Subjects } from "@cairn/protocol";
import { silentLogger } from "@cairn/telemetry";
import {
  credentialsEnv,
  ledgerToolModule,
  shippedAccounts,
  startNatsServer,
  tempDir,
  TENANT_USERS,
  tenantPassword,
  testPassword,
  type RunningNatsServer,
  type ShippedUser,
  type TenantUser,
} from "@cairn/testing";
import { checkRunLog, type LoggedEntry } from "../chaos/invariants.js";
import type { ScriptTurn } from "../helpers.js";

/**
 * A real nats-server with the shipped deploy/nats/accounts.conf, provisioned by its admin, and
 * Cairn's services each on its own user: the planner, the llm-caller, the built-in tools' runner
 * (`tool-runner`) and the app tools' runner (`tool-runner-app`, serving the test ledger tools).
 */
export interface SecuredDeployment {
  server: RunningNatsServer;
  prefix: string;
  subjects: Subjects;
  env: Record<string, string>;
  agents: Agents;
  ledgerFile: string;
  logFile: string;
  /** A connection as one of the shipped users, or an example tenant's user (closed by `stop`). */
  as(user: ShippedUser | TenantUser): Promise<NatsConnection>;
  /** A client as the `client` user. */
  client: CairnClient;
  /** Starts one more instance of a service on its own user (a replica); returns its stop. */
  startService(name: "planner" | "llm-caller" | "tool-runner" | "tool-runner-app"): Promise<RunningService>;
  /** The permission violations the server logged. */
  violations(): string[];
  /** A run's log as stored. */
  log(runId: string): Promise<LoggedEntry[]>;
  /** The invariant checker over a run's log (empty: ok). */
  check(runId: string): Promise<string[]>;
  stop(): Promise<void>;
}

export async function startSecuredDeployment(
  scripts: Record<string, ScriptTurn[]>,
  agents: Record<string, { tools: string[]; approve?: string[]; provider?: string; model?: string }>,
  extraEnv: Record<string, string> = {},
): Promise<SecuredDeployment> {
  const dir = tempDir("cairn-security-");
  const logFile = join(dir, "nats.log");
  const server = await startNatsServer({ extraConfig: shippedAccounts(), logFile });
  const prefix = "cairn";
  const scriptsDir = join(dir, "scripts");
  mkdirSync(scriptsDir);
  for (const [name, turns] of Object.entries(scripts))
    writeFileSync(join(scriptsDir, `${name}.json`), JSON.stringify({ turns }));
  const agentsJson = JSON.stringify({
    default: Object.keys(agents)[0],
    agents: Object.fromEntries(
      Object.entries(agents).map(([name, a]) => [
        name,
        {
          provider: a.provider ?? "scripted",
          model: a.model ?? name,
          systemPrompt: "test agent",
          tools: a.tools,
          ...(a.approve ? { approve: a.approve } : {}),
          maxTurns: 5,
        },
      ]),
    ),
  });
  const agentsFile = join(dir, "agents.json");
  writeFileSync(agentsFile, agentsJson);
  const parsed = parseAgents(agentsJson);
  const workspaceRoot = join(dir, "ws");
  const env: Record<string, string> = {
    NATS_URL: server.url,
    CAIRN_PREFIX: prefix,
    CAIRN_SCRIPTS_DIR: scriptsDir,
    CAIRN_AGENTS_FILE: agentsFile,
    CAIRN_WORKSPACE_ROOT: workspaceRoot,
    CAIRN_TOOLS_MODULE: ledgerToolModule(),
    CAIRN_ACK_WAIT_MS: "2000",
    CAIRN_TOOL_RETRY_DELAY_MS: "50",
    CAIRN_LLM_RETRY_DELAY_MS: "50",
    LOG_LEVEL: "silent",
    ...extraEnv,
  };
  const open: NatsConnection[] = [];
  const services: RunningService[] = [];
  const as = async (user: ShippedUser | TenantUser): Promise<NatsConnection> => {
    const pass = user in TENANT_USERS ? tenantPassword(user as TenantUser) : testPassword(user as ShippedUser);
    const nc = await connect({ servers: server.url, user, pass, maxReconnectAttempts: 0 });
    open.push(nc);
    return nc;
  };
  // The admin provisions (the services may not): everything the agents, the llm-caller and both
  // runner groups need, with the same settings the services read.
  const admin = await as("admin");
  await provision(admin, { ...env, CAIRN_TOOLS: "" }, "all", { agents: parsed });
  const log = silentLogger();
  const startService: SecuredDeployment["startService"] = async (name) => {
    let s: RunningService;
    if (name === "planner")
      s = await startPlanner(plannerConfig({ ...env, ...credentialsEnv("planner") }), { log, agents: parsed });
    else if (name === "llm-caller")
      s = await startLlmCaller(llmConfig({ ...env, ...credentialsEnv("llm-caller") }), { log });
    // the built-in tools' group: no tool module
    else if (name === "tool-runner")
      s = await startToolRunner(toolConfig({ ...env, CAIRN_TOOLS_MODULE: "", ...credentialsEnv("tool-runner") }), {
        log,
      });
    // your tools' group: only the module's tools (CAIRN_TOOLS), none of the built-ins
    else
      s = await startToolRunner(
        toolConfig({ ...env, CAIRN_TOOLS: "ledger,gated_ledger,always_fails", ...credentialsEnv("tool-runner-app") }),
        { log },
      );
    services.push(s);
    return s;
  };
  for (const name of ["tool-runner", "tool-runner-app", "llm-caller", "planner"] as const) await startService(name);
  const clientNc = await as("client");
  const client = await CairnClient.connect({ nc: clientNc, prefix });
  const subjects = new Subjects(prefix);
  const logOf = async (runId: string): Promise<LoggedEntry[]> => {
    const jsm = await jetstreamManager(admin);
    return (await readRunLog(jsm, subjects, runId)).map((e) => ({
      seq: e.seq,
      subject: e.subject,
      entry: decodeEntry(subjects, e.subject, e.data),
    }));
  };
  return {
    server,
    prefix,
    subjects,
    env,
    agents: parsed,
    ledgerFile: join(workspaceRoot, "ledger.jsonl"),
    logFile,
    as,
    client,
    startService,
    violations: () =>
      readFileSync(logFile, "utf8")
        .split("\n")
        .filter((l) => /Violation/.test(l)),
    log: logOf,
    check: async (runId) => checkRunLog(runId, await logOf(runId)),
    async stop() {
      for (const s of services.reverse()) await s.stop().catch(() => undefined);
      await client.close();
      await Promise.all(open.map((nc) => nc.close().catch(() => undefined)));
      await server.stop();
    },
  };
}

function errorText(err: unknown): string {
  const e = err as Error & { cause?: Error; kind?: string };
  return `${e?.name ?? ""} ${e?.kind ?? ""} ${e?.message ?? String(err)} ${e?.cause?.message ?? ""}`;
}

/**
 * Publishes `data` to `subject` as a request and tells whether the server let it through: false on
 * a permissions violation; true when something answered or the server routed it to nobody (no
 * responders). A timeout proves nothing by itself (a slow denial looks the same), so the message is
 * published once more and the connection flushed: the server handles a connection's messages in
 * order, so a denial of that publish arrives before the flush's PONG.
 */
export async function canPublish(
  nc: NatsConnection,
  subject: string,
  data: string | Uint8Array = "{}",
): Promise<boolean> {
  try {
    await nc.request(subject, data, { timeout: 1_000 });
    return true;
  } catch (err) {
    const t = errorText(err);
    if (/Permissions Violation for Publish/i.test(t)) return false;
    if (/no responders/i.test(t)) return true;
    if (/timeout/i.test(t)) return !(await deniedOnFlush(nc, subject, data));
    throw err;
  }
}

/** Publishes once and flushes: whether the server reported a publish permission violation for `subject`. */
async function deniedOnFlush(nc: NatsConnection, subject: string, data: string | Uint8Array): Promise<boolean> {
  const status = nc.status() as AsyncIterable<Status> & { stop(): void };
  let denied = false;
  const watching = (async () => {
    for await (const s of status) {
      if (
        s.type === "error" &&
        s.error instanceof PermissionViolationError &&
        s.error.operation === "publish" &&
        s.error.subject === subject
      )
        denied = true;
    }
  })();
  nc.publish(subject, data);
  await nc.flush();
  status.stop();
  await watching;
  return denied;
}

/** Subscribes and tells whether the server kept the subscription. */
export async function canSubscribe(nc: NatsConnection, subject: string, queue?: string): Promise<boolean> {
  const sub = nc.subscribe(subject, queue ? { queue } : {});
  await nc.flush();
  const closed = await Promise.race([
    sub.closed.then(() => true),
    new Promise<boolean>((r) => setTimeout(() => r(false), 150)),
  ]);
  if (!closed) sub.unsubscribe();
  return !closed;
}

/** Runs `fn` and returns the error text it failed with ("" when it did not fail). */
export async function failure(fn: () => Promise<unknown>): Promise<string> {
  try {
    await fn();
    return "";
  } catch (err) {
    return errorText(err);
  }
}
