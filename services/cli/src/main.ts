import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve, dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { Command, InvalidArgumentError, Option } from "commander";
import pc from "picocolors";
import { CairnClient, CairnApiError } from "@cairn/client";
import { addConn, client, CliError, type ConnFlags } from "./conn.js";
import { follow } from "./follow.js";
import { completionScript, COMPLETION_SHELLS, type CompletionShell } from "./completion.js";
import { createLogger, type Logger } from "@cairn/telemetry";
import { loadAgents } from "@cairn/planner";
import { startEmbedded } from "./embedded.js";
import { provision, PROVISION_SCOPES, type ProvisionScope } from "./provision.js";
import { renderCounts, renderRuns, renderStatus } from "./render.js";
import { terminalJson, terminalSafe } from "@cairn/replay";
import type { ListReply } from "@cairn/protocol";
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
/** This CLI's version: its package.json's, read when it runs (dist/ sits next to it). */
const version = (JSON.parse(readFileSync(join(here, "..", "package.json"), "utf8")) as { version: string }).version;
/**
 * The demo's agents and scripted model: the package's own examples/ (copied in when it is packed),
 * else the repository's examples/.
 */
const examples =
  [resolve(here, "..", "examples"), resolve(here, "..", "..", "..", "examples")].find((d) =>
    existsSync(join(d, "agents.json")),
  ) ?? resolve(here, "..", "..", "..", "examples");

/**
 * `--json` on the command line (before a `--`): errors are then a JSON object on stdout, as the
 * command's output would have been, `{"error":{"kind":...,"message":...}}`.
 */
function wantsJson(argv: string[]): boolean {
  const end = argv.indexOf("--");
  return (end < 0 ? argv : argv.slice(0, end)).includes("--json");
}

/** The kind of an error, as `--json` reports it: the API's kind, or the CLI's own. */
function errorKind(err: unknown): { kind: string; message: string } {
  if (err instanceof CairnApiError) return { kind: err.kind, message: err.message };
  if (err instanceof CliError) return { kind: err.kind, message: err.message };
  const e = err instanceof Error ? err : new Error(String(err));
  if (e.name === "NatsVersionError") return { kind: "server_version", message: e.message };
  if (e.name === "ConfigError") return { kind: "config", message: e.message };
  if (e.name === "TimeoutError" || /^timeout$/i.test(e.message))
    return {
      kind: "timeout",
      message: "no reply in time (raise --timeout or NATS_TIMEOUT; is the planner overloaded or partitioned away?)",
    };
  return { kind: "error", message: e.message };
}

/** Reports an error (stderr, or with --json a JSON object on stdout) and exits 1. */
function fail(err: unknown): never {
  const { kind, message } = errorKind(err);
  if (wantsJson(process.argv.slice(2))) process.stdout.write(terminalJson({ error: { kind, message } }) + "\n");
  else {
    const msg = err instanceof CairnApiError ? `${kind}: ${message}` : message;
    // an error can quote a run's text (a tool's message, a model's): escaped like everything else printed
    process.stderr.write(`${pc.red("error")} ${terminalSafe(msg)}\n`);
  }
  process.exit(1);
}

/** `--args '{…}'`: a JSON object (commander's option parser). */
function parseJsonObject(v: string): Record<string, unknown> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(v);
  } catch (err) {
    throw new InvalidArgumentError(`expected a JSON object: ${err instanceof Error ? err.message : String(err)}`);
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed))
    throw new InvalidArgumentError(`expected a JSON object, got ${v.length > 80 ? `${v.slice(0, 80)}…` : v}`);
  return parsed as Record<string, unknown>;
}

/** `--meta key=value`, repeatable: collected into one object (commander's option parser). */
function keyValue(v: string, acc: Record<string, string>): Record<string, string> {
  const i = v.indexOf("=");
  if (i < 1) throw new InvalidArgumentError(`expected key=value, got ${JSON.stringify(v)}`);
  return { ...acc, [v.slice(0, i)]: v.slice(i + 1) };
}

const program = new Command("cairn")
  .description("Cairn: durable execution for AI agent loops on NATS JetStream")
  .version(version, "-V, --version", "print the version of this CLI")
  // Under --json a usage error is one JSON object, without the help text after it.
  .showHelpAfterError(!wantsJson(process.argv.slice(2)))
  .configureOutput({
    // A usage error (unknown option, bad argument) under --json: the same JSON error object.
    outputError: (str, write) => {
      if (wantsJson(process.argv.slice(2)))
        process.stdout.write(
          terminalJson({ error: { kind: "usage", message: str.replace(/^error: /, "").trim() } }) + "\n",
        );
      else write(str);
    },
  });

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
  .option(
    "-i, --image <url>",
    "an image the model sees with the task (an http or https URL; repeatable, at most 8)",
    (v: string, acc: string[]) => [...acc, v],
    [],
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
        image: string[];
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
          ...(o.image.length ? { images: o.image.map((url) => ({ url })) } : {}),
        });
        if (o.follow) {
          const status = await follow(c, r.runId, { json: !!o.json });
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
  .option(
    "--counts",
    "instead of the runs: how many of your runs have each status (awaiting approval first), with --agent and --tenant",
  )
  .option("--json", "machine-readable output")
  .action(
    async (
      o: ConnFlags & {
        counts?: boolean;
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
        if (o.counts) {
          // A planner counts once it has read its runs index, the first time it is asked: ask until it has.
          let counts: ListReply["counts"];
          for (let i = 0; i < 60 && !counts; i++) {
            if (i) await new Promise((r) => setTimeout(r, 500));
            counts = (
              await c.listPage({
                limit: 1,
                counts: true,
                ...(o.agent ? { agent: o.agent } : {}),
                ...(o.tenant ? { tenant: o.tenant } : {}),
              })
            ).counts;
          }
          if (!counts)
            throw new CliError("unavailable", "the planner answered no counts for 30 s (a planner older than counts?)");
          process.stdout.write((o.json ? terminalJson(counts) : renderCounts(counts)) + "\n");
          return;
        }
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

addConn(program.command("follow <runId>"))
  .description(
    "show a run live, from its first message (an ended run's whole log); while it waits, what for (exit 0 completed, 2 otherwise)",
  )
  .option("--json", "machine-readable output: the log's messages as JSON lines")
  .action(async (runId: string, o: ConnFlags & { json?: boolean }) => {
    const c = await client(o);
    try {
      // A run that does not exist is an error (not a wait for a log that never comes).
      await c.status(runId);
      const status = await follow(c, runId, { json: !!o.json });
      process.exitCode = status === "completed" ? 0 : 2;
    } finally {
      await c.close();
    }
  });

addConn(program.command("cancel <runId>"))
  .description("cancel a run durably")
  .option("--reason <text>", "why")
  .option("--json", "machine-readable output: the run's status")
  .action(async (runId: string, o: ConnFlags & { reason?: string; json?: boolean }) => {
    const c = await client(o);
    try {
      const s = await c.cancel(runId, o.reason);
      process.stdout.write(o.json ? terminalJson(s) + "\n" : `cancel requested for ${terminalSafe(runId)}\n`);
    } finally {
      await c.close();
    }
  });

addConn(program.command("send <runId> [text]"))
  .description(
    "send a message to a running run: the next model call reads it (steering), or a conversation waiting for a message goes on; --end ends a conversation after its next answer",
  )
  .option("--end", "end the conversation after its next answer (at once when it waits for a message)")
  .option("-w, --wait", "wait for the answer that follows the message, and print it")
  .option("--json", "machine-readable output: the message's number, or with --wait the run's status")
  .action(
    async (
      runId: string,
      text: string | undefined,
      o: ConnFlags & { end?: boolean; wait?: boolean; json?: boolean },
    ) => {
      if (text === undefined && !o.end) throw new InvalidArgumentError("give the message's text, --end, or both");
      const c = await client(o);
      try {
        const sent = await c.send(runId, text, o.end ? { end: true } : {});
        if (!o.wait) {
          process.stdout.write(
            o.json ? terminalJson(sent) + "\n" : `message ${sent.n} sent to ${terminalSafe(runId)}\n`,
          );
          return;
        }
        const s = await c.reply(runId, sent.n);
        if (o.json) process.stdout.write(terminalJson(s) + "\n");
        else if (s.output !== undefined) process.stdout.write(terminalJson(s.output) + "\n");
        else if (s.answer !== undefined && (s.answeredMessages ?? 0) >= sent.n)
          process.stdout.write(terminalSafe(s.answer) + "\n");
        else
          process.stdout.write(
            `run ${terminalSafe(runId)} ${s.status}${s.reason ? `: ${terminalSafe(s.reason)}` : ""}\n`,
          );
        if (s.status === "failed" || s.status === "cancelled") process.exitCode = 1;
      } finally {
        await c.close();
      }
    },
  );

for (const decision of ["approve", "deny"] as const) {
  const cmd = addConn(program.command(`${decision} <runId> <callId>`))
    .description(
      decision === "approve"
        ? "approve a tool call that waits for approval, or (callId 'budget') let a run paused at a budget go on with another budget, or (callId 'loop') let a run its stuck-loop guard paused go on"
        : "deny a tool call that waits for approval (the model is told), or (callId 'budget' / 'loop') end a run paused at a budget / by its stuck-loop guard",
    )
    .option("--reason <text>", "why (the model sees a denial's reason)")
    .option("--json", "machine-readable output: the run's status");
  if (decision === "approve")
    cmd
      .option(
        "--args <json>",
        "run the call with these arguments (a JSON object) instead of the model's: only for a tool the agent lets an approver edit (editableArgs)",
        parseJsonObject,
      )
      .option(
        "--result <text>",
        "for a call whose outcome is ambiguous (cairn status: started, no result): record this as its result instead of running it again",
      );
  cmd.action(
    async (
      runId: string,
      callId: string,
      o: ConnFlags & { reason?: string; json?: boolean; args?: Record<string, unknown>; result?: string },
    ) => {
      const edited = o.args;
      const c = await client(o);
      try {
        // who decided is recorded from this connection's identity, not from anything said here
        const opts = {
          ...(o.reason ? { reason: o.reason } : {}),
          ...(edited ? { args: edited } : {}),
          ...(o.result !== undefined ? { result: o.result } : {}),
        };
        const s = await (decision === "approve" ? c.approve(runId, callId, opts) : c.deny(runId, callId, opts));
        process.stdout.write(
          o.json
            ? terminalJson(s) + "\n"
            : `${decision === "approve" ? (edited ? "approved with edited arguments" : o.result !== undefined ? "recorded the result of" : "approved") : "denied"} ${terminalSafe(callId)} of ${terminalSafe(runId)}\n`,
        );
      } finally {
        await c.close();
      }
    },
  );
}

addConn(program.command("provision"))
  .description(
    "create or update the streams, KV buckets and consumers a deployment needs (admin credential; run once per deploy and on upgrade). Settings from the same CAIRN_* variables the services read: the agents file's providers and tools, CAIRN_TOOLS_MODULE, CAIRN_LLM_LIMITS, CAIRN_TOOL_LIMITS, ...",
  )
  .addOption(
    new Option("--for <service>", "only what one service needs").choices(PROVISION_SCOPES.filter((s) => s !== "all")),
  )
  .option("--json", "machine-readable output: what was created, updated or left as it was")
  .action(async (o: ConnFlags & { for?: ProvisionScope; json?: boolean }) => {
    const c = await client(o);
    try {
      const e = { ...env, NATS_URL: c.nc.getServer(), ...(o.prefix ? { CAIRN_PREFIX: o.prefix } : {}) };
      const report = await provision(c.nc, e, o.for ?? "all");
      if (o.json) process.stdout.write(terminalJson({ lines: report.lines }) + "\n");
      else for (const line of report.lines) process.stdout.write(`${line}\n`);
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
  .option(
    "--ui-port <port>",
    "port for the run inspector in the browser (cairn ui; 0, the default, picks a free one)",
    "0",
  )
  .option("--no-ui", "do not start the run inspector")
  .action(async (o: { port?: string; uiPort: string; ui: boolean }) => {
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
    const { parsePort, serveUi } = await import("./ui.js");
    const uiClient = o.ui
      ? await CairnClient.connect({ nc: emb.nc, prefix: env["CAIRN_PREFIX"] ?? "cairn" })
      : undefined;
    const ui = uiClient ? await serveUi(uiClient, { port: parsePort(o.uiPort) }) : undefined;
    if (ui) process.stdout.write(`  see your runs: ${pc.bold(ui.openUrl)}\n`);
    const stop = async (): Promise<void> => {
      await ui?.stop();
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
    "the end-to-end demo: embedded nats-server, the three services, the scripted model doing a multi-turn task with parallel tool calls and a structured answer",
  )
  .option("--keep", "keep the demo's temporary store and workspace")
  .action(async (o: { keep?: boolean }) => {
    const home = mkdtempSync(join(tmpdir(), "cairn-demo-"));
    const log: Logger = createLogger({ service: "cairn-demo", level: env["LOG_LEVEL"] ?? "warn" });
    const agents = loadAgents(join(examples, "agents.json"));
    process.stdout.write(
      `${pc.bold("Cairn demo")} ${pc.dim("— the model here is the SCRIPTED MODEL (examples/scripts/report.json): deterministic, not an LLM")}\n` +
        pc.dim(
          "The agent has an output schema (examples/agents.json, report): its prose answer goes back to the model with the validation error, and the run ends with the JSON answer, parsed.\n",
        ),
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
        agent: "report",
      });
      status = await follow(c, r.runId, { json: false });
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
(await import("./eval-cli.js")).registerEvalCommand(program);
(await import("./ui.js")).registerUiCommand(program);
(await import("./mcp.js")).registerMcpCommand(program);

program
  .command("completion <shell>")
  .description(
    "print a shell completion script: bash (source <(cairn completion bash)), zsh (source <(cairn completion zsh)) or fish (cairn completion fish | source)",
  )
  .action((shell: string) => {
    if (!(COMPLETION_SHELLS as readonly string[]).includes(shell))
      throw new CliError("usage", `unknown shell ${JSON.stringify(shell)}: use ${COMPLETION_SHELLS.join(", ")}`);
    process.stdout.write(completionScript(program, shell as CompletionShell));
  });

program.parseAsync(process.argv).catch(fail);
