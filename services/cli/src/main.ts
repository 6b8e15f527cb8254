import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve, dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { Command, InvalidArgumentError, Option } from "commander";
import pc from "picocolors";
import { CairnClient, CairnApiError } from "@cairn/client";
import { addConn, client, type ConnFlags } from "./conn.js";
import { createLogger, type Logger } from "@cairn/telemetry";
import { loadAgents } from "@cairn/planner";
import { startEmbedded } from "./embedded.js";
import { provision, PROVISION_SCOPES, type ProvisionScope } from "./provision.js";
import { renderEntry, renderRuns, renderStatus } from "./render.js";
import { terminalJson, terminalSafe } from "@cairn/replay";
import { registerReplayCommands } from "./replay-cli.js";
import {
  cairnHome,
  clearDevInfo,
  devTokenFile,
  newDevToken,
  readDevInfo,
  resolveConnection,
  writeDevInfo,
  writeDevToken,
} from "./server.js";
import { startTracing } from "@cairn/tracing";

const env = process.env;
const here = dirname(fileURLToPath(import.meta.url));
/** The repository's examples/ (scripted demo model and agents). */
const examples = resolve(here, "..", "..", "..", "examples");

async function follow(c: CairnClient, runId: string, json: boolean): Promise<string> {
  let status = "running";
  // Model output tokens arrive live (plain NATS) while a call runs; the recorded response follows.
  // They are the model's raw text: shown terminal-safe (newlines kept, other controls escaped).
  let streaming = false;
  const tokens = json
    ? undefined
    : c.nc.subscribe(c.subjects.tokens(runId, "*"), {
        callback: (_err, m) => {
          if (!streaming) process.stdout.write(pc.dim("  ⋯ "));
          streaming = true;
          process.stdout.write(pc.dim(terminalSafe(m.string(), { keepNewlines: true })));
        },
      });
  for await (const e of c.watch(runId)) {
    if (streaming) {
      process.stdout.write("\n");
      streaming = false;
    }
    if (json) process.stdout.write(terminalJson({ seq: e.seq, subject: e.subject, time: e.time, ...e.entry }) + "\n");
    else {
      const line = renderEntry(e);
      if (line !== undefined) process.stdout.write(line + "\n");
    }
    if (e.entry.kind === "ended") status = e.entry.message.status;
  }
  tokens?.unsubscribe();
  return status;
}

function fail(err: unknown): never {
  const msg =
    err instanceof CairnApiError ? `${err.kind}: ${err.message}` : err instanceof Error ? err.message : String(err);
  // an error can quote a run's text (a tool's message, a model's): escaped like everything else printed
  process.stderr.write(`${pc.red("error")} ${terminalSafe(msg)}\n`);
  process.exit(1);
}

/** `--meta key=value`, repeatable: collected into one object (commander's option parser). */
function keyValue(v: string, acc: Record<string, string>): Record<string, string> {
  const i = v.indexOf("=");
  if (i < 1) throw new InvalidArgumentError(`expected key=value, got ${JSON.stringify(v)}`);
  return { ...acc, [v.slice(0, i)]: v.slice(i + 1) };
}

const program = new Command("cairn")
  .description("Cairn: durable execution for AI agent loops on NATS JetStream")
  .showHelpAfterError();

addConn(program.command("submit <task>"))
  .description("submit a task; prints the run id")
  .option("-a, --agent <name>", "agent from the agents file (default agent when omitted)")
  .option("-k, --idempotency-key <key>", "resubmitting with the same key returns the same run")
  .option(
    "-m, --meta <key=value>",
    "metadata of the run (repeatable): shown by status, filtered on by runs --meta",
    keyValue,
    {},
  )
  .addOption(new Option("--wait", "wait for the run to end and print its outcome").conflicts("follow"))
  .option("-f, --follow", "show the run live: every turn, tool call and result")
  .option("--json", "machine-readable output")
  .action(
    async (
      task: string,
      o: ConnFlags & {
        agent?: string;
        idempotencyKey?: string;
        meta: Record<string, string>;
        wait?: boolean;
        follow?: boolean;
        json?: boolean;
      },
    ) => {
      const c = await client(o);
      try {
        const r = await c.submit({
          task,
          ...(o.agent ? { agent: o.agent } : {}),
          ...(o.idempotencyKey ? { idempotencyKey: o.idempotencyKey } : {}),
          ...(Object.keys(o.meta).length ? { metadata: o.meta } : {}),
        });
        if (o.follow) {
          const status = await follow(c, r.runId, !!o.json);
          process.exitCode = status === "completed" ? 0 : 2;
        } else if (o.wait) {
          const s = await c.wait(r.runId);
          process.stdout.write((o.json ? terminalJson(s) : renderStatus(s)) + "\n");
          process.exitCode = s.status === "completed" ? 0 : 2;
        } else {
          process.stdout.write(
            o.json
              ? JSON.stringify(r) + "\n"
              : `${r.runId}${r.created ? "" : pc.dim(" (existing run for this idempotency key)")}\n`,
          );
        }
      } finally {
        await c.close();
      }
    },
  );

addConn(program.command("status <runId>"))
  .description("a run's status, from the runs index (a running run's progress at most a second behind its log)")
  .option("--json", "machine-readable output")
  .action(async (runId: string, o: ConnFlags & { json?: boolean }) => {
    const c = await client(o);
    try {
      const s = await c.status(runId);
      process.stdout.write((o.json ? terminalJson(s) : renderStatus(s)) + "\n");
    } finally {
      await c.close();
    }
  });

addConn(program.command("runs"))
  .description("list runs, newest first, from the runs index")
  .option("--status <status>", "only runs with this status (running, awaiting_approval, completed, failed, cancelled)")
  .option("-a, --agent <name>", "only runs of this agent")
  .option("--tenant <tenant>", "only runs of this tenant (operators)")
  .option(
    "-m, --meta <key=value>",
    "only runs submitted with this metadata (repeatable: every pair must match)",
    keyValue,
    {},
  )
  .option("--since <time>", "only runs submitted at or after this time (RFC 3339, e.g. 2026-12-05T10:00:00Z)")
  .option("--until <time>", "only runs submitted before this time (RFC 3339)")
  .option("-n, --limit <n>", "at most this many", "50")
  .option("--json", "machine-readable output")
  .action(
    async (
      o: ConnFlags & {
        status?: "running";
        agent?: string;
        tenant?: string;
        meta: Record<string, string>;
        since?: string;
        until?: string;
        limit: string;
        json?: boolean;
      },
    ) => {
      const limit = Number(o.limit);
      if (!Number.isInteger(limit) || limit < 1 || limit > 10_000)
        throw new Error(`--limit must be a whole number from 1 to 10000, got ${JSON.stringify(o.limit)}`);
      const c = await client(o);
      try {
        const runs = await c.list({
          limit,
          ...(o.status ? { status: o.status } : {}),
          ...(o.agent ? { agent: o.agent } : {}),
          ...(o.tenant ? { tenant: o.tenant } : {}),
          ...(Object.keys(o.meta).length ? { meta: o.meta } : {}),
          ...(o.since ? { since: o.since } : {}),
          ...(o.until ? { until: o.until } : {}),
        });
        process.stdout.write((o.json ? terminalJson(runs) : renderRuns(runs)) + "\n");
      } finally {
        await c.close();
      }
    },
  );

addConn(program.command("cancel <runId>"))
  .description("cancel a run durably")
  .option("--reason <text>", "why")
  .action(async (runId: string, o: ConnFlags & { reason?: string }) => {
    const c = await client(o);
    try {
      await c.cancel(runId, o.reason);
      process.stdout.write(`cancel requested for ${runId}\n`);
    } finally {
      await c.close();
    }
  });

for (const decision of ["approve", "deny"] as const) {
  addConn(program.command(`${decision} <runId> <callId>`))
    .description(
      decision === "approve"
        ? "approve a tool call that waits for approval, or (callId 'budget') let a run paused at a budget go on with another budget"
        : "deny a tool call that waits for approval (the model is told), or (callId 'budget') end a run paused at a budget",
    )
    .option("--reason <text>", "why (the model sees a denial's reason)")
    .action(async (runId: string, callId: string, o: ConnFlags & { reason?: string }) => {
      const c = await client(o);
      try {
        // who decided is recorded from this connection's identity, not from anything said here
        const opts = o.reason ? { reason: o.reason } : {};
        await (decision === "approve" ? c.approve(runId, callId, opts) : c.deny(runId, callId, opts));
        process.stdout.write(`${decision === "approve" ? "approved" : "denied"} ${callId} of ${runId}\n`);
      } finally {
        await c.close();
      }
    });
}

addConn(program.command("provision"))
  .description(
    "create or update the streams, KV buckets and consumers a deployment needs (admin credential; run once per deploy and on upgrade). Settings from the same CAIRN_* variables the services read: the agents file's providers and tools, CAIRN_TOOLS_MODULE, CAIRN_LLM_LIMITS, CAIRN_TOOL_LIMITS, ...",
  )
  .addOption(
    new Option("--for <service>", "only what one service needs").choices(PROVISION_SCOPES.filter((s) => s !== "all")),
  )
  .action(async (o: ConnFlags & { for?: ProvisionScope }) => {
    const c = await client(o);
    try {
      const e = { ...env, NATS_URL: c.nc.getServer(), ...(o.prefix ? { CAIRN_PREFIX: o.prefix } : {}) };
      const report = await provision(c.nc, e, o.for ?? "all");
      for (const line of report.lines) process.stdout.write(`${line}\n`);
    } finally {
      await c.close();
    }
  });

program
  .command("service <name>")
  .description(
    "run one service as its own process: planner, llm-caller or tool-runner (settings from CAIRN_* / NATS_* variables)",
  )
  .option("-s, --server <url>", "NATS URL (default: $NATS_URL, else the server `cairn dev` started)")
  .action(async (name: string, o: { server?: string }) => {
    // The server `cairn dev` started takes its token (unless credentials are given).
    const conn = resolveConnection(o.server, env);
    const hasAuth = env["NATS_CREDS"] || env["NATS_USER"] || env["NATS_TOKEN"];
    const e = { ...env, NATS_URL: conn.servers, ...(conn.devToken && !hasAuth ? { NATS_TOKEN: conn.devToken } : {}) };
    const tracing = await startTracing({ serviceName: `cairn-${name}`, env: e });
    let stop: () => Promise<void>;
    if (name === "planner") {
      const m = await import("@cairn/planner");
      const cfg = m.loadConfig(e);
      stop = (await m.startPlanner(cfg, { log: createLogger({ service: name, level: cfg.logLevel }) })).stop;
    } else if (name === "llm-caller") {
      const m = await import("@cairn/llm-caller");
      const cfg = m.loadConfig({ CAIRN_SCRIPTS_DIR: join(examples, "scripts"), ...e });
      stop = (await m.startLlmCaller(cfg, { log: createLogger({ service: name, level: cfg.logLevel }) })).stop;
    } else if (name === "tool-runner") {
      const m = await import("@cairn/tool-runner");
      const cfg = m.loadConfig(e);
      stop = (await m.startToolRunner(cfg, { log: createLogger({ service: name, level: cfg.logLevel }) })).stop;
    } else {
      fail(new Error(`unknown service ${JSON.stringify(name)}: use planner, llm-caller or tool-runner`));
    }
    for (const sig of ["SIGINT", "SIGTERM"] as const)
      process.once(
        sig,
        () =>
          void stop()
            .then(() => tracing.shutdown())
            .then(() => process.exit(0)),
      );
  });

function embeddedEnv(home: string): Record<string, string | undefined> {
  return {
    CAIRN_SCRIPTS_DIR: join(examples, "scripts"),
    CAIRN_AGENTS_FILE: join(examples, "agents.json"),
    CAIRN_WORKSPACE_ROOT: join(home, "workspaces"),
    ...env,
  };
}

program
  .command("dev")
  .description(
    "everything in one process: a local nats-server (store under ./.cairn) unless NATS_URL is set, the streams, and all three services",
  )
  .option("-p, --port <port>", "port for the local nats-server (random free port by default)")
  .action(async (o: { port?: string }) => {
    const home = cairnHome(env);
    const running = readDevInfo(home);
    if (running) fail(new Error(`cairn dev is already running here (pid ${running.pid}, ${running.url})`));
    const tracing = await startTracing({ serviceName: "cairn-dev", env });
    const log = createLogger({ service: "cairn-dev", level: env["LOG_LEVEL"] ?? "info" });
    const e = embeddedEnv(home);
    // Its own server requires a new random token, kept in a 0600 file under the dev home, where
    // the CLI in this directory finds it (never on a command line).
    const token = env["NATS_URL"] ? undefined : newDevToken();
    if (token) writeDevToken(home, token);
    const emb = await startEmbedded({
      ...(env["NATS_URL"] ? { natsUrl: env["NATS_URL"] } : { storeDir: join(home, "nats") }),
      ...(o.port ? { port: Number(o.port) } : {}),
      ...(token ? { token } : {}),
      env: e,
      log,
    });
    if (emb.server)
      writeDevInfo(home, {
        url: emb.url,
        pid: process.pid,
        serverPid: emb.server.pid(),
        storeDir: emb.server.storeDir,
        startedAt: new Date().toISOString(),
      });
    process.stdout.write(
      `${pc.green("cairn dev")} ready: NATS ${emb.url}${emb.server ? ` (nats-server ${emb.server.version}, store ${emb.server.storeDir}; clients need the token in ${devTokenFile(home)})` : ""}\n`,
    );
    process.stdout.write(
      `  try: ${pc.bold('cairn submit --follow "write a note"')}   (other terminals in this directory find this server)\n`,
    );
    const stop = async (): Promise<void> => {
      await emb.stop();
      await tracing.shutdown();
      clearDevInfo(home);
      process.exit(0);
    };
    for (const sig of ["SIGINT", "SIGTERM"] as const) process.once(sig, () => void stop());
  });

program
  .command("demo")
  .description(
    "the end-to-end demo: embedded nats-server, the three services, the scripted model doing a multi-turn task with parallel tool calls",
  )
  .option("--keep", "keep the demo's temporary store and workspace")
  .action(async (o: { keep?: boolean }) => {
    const home = mkdtempSync(join(tmpdir(), "cairn-demo-"));
    const log: Logger = createLogger({ service: "cairn-demo", level: env["LOG_LEVEL"] ?? "warn" });
    const agents = loadAgents(join(examples, "agents.json"));
    process.stdout.write(
      `${pc.bold("Cairn demo")} ${pc.dim("— the model here is the SCRIPTED MODEL (examples/scripts/demo.json): deterministic, not an LLM")}\n`,
    );
    const started = Date.now();
    // A server of its own, with a token of its own: nothing else on the machine can use it.
    const emb = await startEmbedded({
      storeDir: join(home, "nats"),
      token: newDevToken(),
      env: { ...embeddedEnv(home), NATS_URL: undefined },
      agents,
      log,
    });
    process.stdout.write(
      pc.dim(`nats-server ${emb.server?.version} on ${emb.url}; planner, llm-caller and tool-runner running\n\n`),
    );
    const c = await CairnClient.connect({ nc: emb.nc, prefix: env["CAIRN_PREFIX"] ?? "cairn" });
    let status = "failed";
    try {
      const r = await c.submit({
        task: "Write three short notes about durable execution into notes/, then list them and read notes/once.txt back.",
        agent: "demo",
      });
      status = await follow(c, r.runId, false);
      const s = await c.status(r.runId);
      process.stdout.write(
        pc.dim(
          `\n${s.turn} turns, ${s.toolCalls} tool calls, ${s.usage.inputTokens + s.usage.outputTokens} tokens, ${Date.now() - started} ms in all\n`,
        ),
      );
    } finally {
      await emb.stop();
      if (!o.keep) rmSync(home, { recursive: true, force: true });
      else process.stdout.write(pc.dim(`kept ${home}\n`));
    }
    process.exitCode = status === "completed" ? 0 : 1;
  });

registerReplayCommands(program);
program.parseAsync(process.argv).catch(fail);
