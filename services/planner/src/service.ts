import { readFileSync } from "node:fs";
import { Kvm } from "@nats-io/kv";
import { Svcm, type ServiceMsg } from "@nats-io/services";
import {
  API_VERSION,
  decode,
  endpointMetadata,
  serviceErrorCode,
  type ApiEndpoint,
  type ApiError,
  type ToolRegistration,
  type HistoryEntry,
} from "@cairn/protocol";
import {
  appendOnce,
  isConsumerNotFound,
  isKvValue,
  PLANNER_DURABLE,
  readRun,
  readRunLog,
  type NatsConnection,
  type RunningService,
} from "@cairn/bus";
import type { Logger } from "@cairn/telemetry";
import { loadAgentSources, loadPrices, type Agents } from "./agents.js";
import type { PlannerConfig } from "./config.js";
import { createApi, createPlannerHandler } from "./handler.js";
import { RunIndex } from "./run-index.js";
import { loadAccess, OPERATOR, tenantCaller, type Caller } from "./access.js";
import { readArchive, RunHistory } from "@cairn/runlog";
import { CrashPoints, openBus, startWorkQueue } from "@cairn/worker";
import { trackEndpointStats } from "./endpoint-stats.js";

/** The `cairn` micro service's version: this package's (semver, as the micro spec asks). */
function plannerVersion(): string {
  return (JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")) as { version: string }).version;
}

/** An ApiError reply (every endpoint answers its reply type or this). */
function isApiError(x: unknown): x is ApiError {
  return typeof x === "object" && x !== null && "error" in x && typeof (x as ApiError).error?.kind === "string";
}

/** A message as a header value (Nats-Service-Error): one line, bounded. */
function headerText(message: string): string {
  const line = message.replace(/[\r\n]+/g, " ");
  return line.length > 1024 ? `${line.slice(0, 1023)}…` : line;
}

export interface PlannerDeps {
  log: Logger;
  /** Reuse a connection (embedded mode); the planner connects by itself when omitted. */
  nc?: NatsConnection;
  /** Agents to use instead of `config.agentsFile`. */
  agents?: Agents;
}

export { PLANNER_DURABLE };

/** How long the planner reuses a tool's registration it read (see lookupTools). */
const TOOL_CACHE_MS = 1_000;

/**
 * Starts a planner instance: the durable `planner` consumer over every run's events, and the
 * `cairn` micro service (submit, status, list, cancel) on `<prefix>.api.*`. Any number of
 * instances may run; each continues any run by catching up from the stream.
 */
export async function startPlanner(config: PlannerConfig, deps: PlannerDeps): Promise<RunningService> {
  const log = deps.log;
  const agents = deps.agents ?? (await loadAgentSources(config.agentsFile, config.agentsModule));
  const bus = await openBus(config, {
    name: `cairn-planner ${config.instance}`,
    log,
    ...(deps.nc ? { nc: deps.nc } : {}),
  });
  const { subjects, js, jsm, nc } = bus;
  const kvm = new Kvm(nc);
  const runsKv = await kvm.open(subjects.runsBucket);
  const index = new RunIndex(runsKv, jsm, subjects, log);
  /** An archived run's log (cairn archive), as sealed; undefined for a run that is not archived. */
  const archived = async (runId: string): Promise<HistoryEntry[] | undefined> => {
    const st = await index.get(runId);
    return st?.archive ? readArchive(jsm, subjects, runId, st.archive) : undefined;
  };
  const history = new RunHistory(jsm, subjects, config.cache);
  const crash = new CrashPoints(config.crashAt, log);
  const append = (subject: string, data: Uint8Array, headers?: Record<string, string>) =>
    appendOnce(js, subject, data, headers ? { headers } : {});

  const handle = createPlannerHandler({
    subjects,
    history,
    append,
    index,
    crash,
    log,
    maxMessageBytes: config.maxMessageBytes,
    ...(agents.code ? { code: agents.code } : {}),
  });
  const consumer = await startWorkQueue({
    js,
    jsm,
    stream: subjects.stream,
    durable: PLANNER_DURABLE,
    filters: [subjects.allEvents()],
    concurrency: config.concurrency,
    config,
    crash,
    keyOf: (msg) => subjects.parse(msg.subject)?.runId ?? msg.subject,
    handle: (m, ctx) => handle(m, ctx.delivery),
    log,
  });

  const provisioned = new Set<string>();
  const toolCache = new Map<string, { at: number; reg: ToolRegistration }>();
  const api = createApi({
    subjects,
    agents,
    prices: loadPrices(config.pricesFile),
    // Each registration read as stored, so one reflected onto a tool's key (a JetStream response
    // with the stream's own headers, not a runner's put) is not taken for the tool's.
    // A registration read within the last second is reused: a burst of submissions reads each
    // tool's registration about once a second, not once per submission.
    lookupTools: async (names) => {
      const out = new Map<string, ToolRegistration>();
      const now = Date.now();
      await Promise.all(
        names.map(async (name) => {
          const hit = toolCache.get(name);
          if (hit && now - hit.at < TOOL_CACHE_MS) {
            out.set(name, hit.reg);
            return;
          }
          const m = await jsm.direct.getMessage(`KV_${subjects.toolsBucket}`, { last_by_subj: subjects.toolKey(name) });
          let reg: ToolRegistration | undefined;
          if (m && isKvValue(m)) {
            const d = decode<ToolRegistration>("ToolRegistration", m.data);
            if (d.ok && d.value.name === name) reg = d.value;
          }
          // Only found registrations are kept: a tool that is not there yet is looked up again next time.
          if (reg) {
            toolCache.set(name, { at: now, reg });
            out.set(name, reg);
          } else toolCache.delete(name);
        }),
      );
      return out;
    },
    append,
    readEvents: async (runId) => {
      const events = await readRunLog(jsm, subjects, runId, { eventsOnly: true });
      if (events.length) return events;
      const head = subjects.runEventsHead(runId);
      return (await archived(runId))?.filter((e) => e.subject.startsWith(head)) ?? events;
    },
    // The run's messages from `fromSeq`, read by subject (readRun): from the stream, or the archive.
    readLog: async function* (runId, fromSeq) {
      const stored = await readRun(jsm, subjects.stream, subjects.run(runId), fromSeq);
      if (stored.length) yield* stored;
      else for (const e of (await archived(runId)) ?? []) if (e.seq >= fromSeq) yield e;
    },
    limits: config.apiLimits,
    index,
    hasEnded: async (runId) =>
      (await jsm.direct.getMessage(subjects.stream, { last_by_subj: subjects.ended(runId) })) !== null,
    // The planner creates no consumer (cairn provision does): a work queue that is missing is named.
    missingWorkQueues: async (provider, tools) => {
      const missing: string[] = [];
      for (const durable of [subjects.llmConsumer(provider), ...tools.map((t) => subjects.toolConsumer(t))]) {
        if (provisioned.has(durable)) continue;
        try {
          await jsm.consumers.info(subjects.stream, durable);
          provisioned.add(durable);
        } catch (err) {
          if (!isConsumerNotFound(err)) throw err;
          missing.push(durable);
        }
      }
      return missing;
    },
    workerAvailable: async (kind, name) => {
      try {
        const info = await jsm.consumers.info(
          subjects.stream,
          kind === "tool" ? subjects.toolConsumer(name) : subjects.llmConsumer(name),
        );
        return info.num_waiting > 0 || info.num_ack_pending > 0;
      } catch {
        return false;
      }
    },
    now: () => new Date(),
    log,
  });

  const svc = await new Svcm(nc as unknown as ConstructorParameters<typeof Svcm>[0]).add({
    name: "cairn",
    version: plannerVersion(),
    description:
      "Cairn durable agent runs: submit, status, list, cancel, approve, send, spawn, read (docs/protocol.md)",
    metadata: { prefix: subjects.prefix, stream: subjects.stream, protocol_version: String(API_VERSION) },
  });
  const stats = trackEndpointStats(svc);
  const access = loadAccess(config.accessFile);
  // Two doors to the same endpoints: `<p>.api.*` for the deployment's own account (operators: its
  // permissions let no one else publish there), `<p>.tapi.*` for tenant accounts, which import it
  // with `share: true` so the server says who is calling (Nats-Request-Info).
  const doors = [
    { group: svc.addGroup(subjects.apiGroup(), "q"), caller: (): Caller | string => OPERATOR, suffix: "" },
    {
      group: svc.addGroup(subjects.tenantApiGroup(), "q"),
      caller: (msg: ServiceMsg): Caller | string => tenantCaller(access, msg.headers?.values("Nats-Request-Info")),
      suffix: "_tenant",
    },
  ];
  /**
   * Answers one request; resolves with the error message when the answer is an error. An error is
   * answered the NATS micro way (`respondError`: the Nats-Service-Error and Nats-Service-Error-Code
   * headers) with the ApiError JSON as its body, so a client may read either.
   */
  const serve = async (
    name: ApiEndpoint,
    door: (typeof doors)[number],
    fn: (body: unknown, caller: Caller) => Promise<unknown>,
    msg: ServiceMsg,
  ): Promise<string | undefined> => {
    const fail = (kind: string, message: string, retryable = false): string => {
      const body: ApiError = { v: 1, error: { kind, message, retryable } };
      msg.respondError(serviceErrorCode(kind), headerText(message), JSON.stringify(body));
      return message;
    };
    // A request has a reply inbox. A message without one, or with a stored message's
    // Nats-Stream header, is a JetStream response someone pointed here (a Direct Get or
    // consumer delivery "reflected" onto this subject): never a request. And a reply
    // elsewhere than an inbox would have the planner publish onto another subject.
    const inbox = msg.reply !== undefined && /^(_INBOX\.|_R_\.)/.test(msg.reply);
    if (!inbox || msg.headers?.has("Nats-Stream") || msg.headers?.has("Nats-Sequence")) {
      log.warn(
        { endpoint: name, reply: msg.reply ?? null },
        "api message refused: not a request with an inbox reply (a reflected response?)",
      );
      return inbox ? fail("bad_request", "not a request") : "not a request";
    }
    const caller = door.caller(msg);
    if (typeof caller === "string") return fail("unauthenticated", caller);
    let body: unknown;
    try {
      body = msg.data.length ? JSON.parse(new TextDecoder().decode(msg.data)) : {};
    } catch (e) {
      return fail("bad_request", `request is not JSON: ${(e as Error).message}`);
    }
    let reply: unknown;
    try {
      reply = await fn(body, caller);
    } catch (e) {
      log.error({ err: e, endpoint: name }, "api request failed");
      return fail("internal", (e as Error).message, true);
    }
    if (isApiError(reply)) return fail(reply.error.kind, reply.error.message, reply.error.retryable ?? false);
    msg.respond(JSON.stringify(reply));
    return undefined;
  };
  const endpoint = (name: ApiEndpoint, fn: (body: unknown, caller: Caller) => Promise<unknown>) => {
    for (const door of doors) {
      const endpointName = `${name}${door.suffix}`;
      door.group.addEndpoint(endpointName, {
        subject: name,
        metadata: endpointMetadata(name),
        handler: (err: Error | null, msg: ServiceMsg) => {
          if (err) {
            log.error({ err, endpoint: name }, "api endpoint error");
            return;
          }
          // Timed to the answer, not to this handler's return (see trackEndpointStats).
          const timing = stats.begin(endpointName);
          serve(name, door, fn, msg).then(
            (error) => timing.done(error),
            (e: unknown) => {
              log.error({ err: e, endpoint: name }, "api request could not be answered");
              timing.done((e as Error).message);
            },
          );
        },
      });
    }
  };
  endpoint("submit", (b, c) => api.submit(b, c));
  endpoint("status", (b, c) => api.status(b, c));
  endpoint("list", (b, c) => api.list(b, c));
  endpoint("cancel", (b, c) => api.cancel(b, c));
  endpoint("approve", (b, c) => api.approve(b, c));
  endpoint("send", (b, c) => api.send(b, c));
  endpoint("spawn", (b, c) => api.spawn(b, c));
  endpoint("read", (b, c) => api.read(b, c));
  log.info({ prefix: subjects.prefix, stream: subjects.stream, concurrency: config.concurrency }, "planner started");

  return {
    async stop() {
      await svc.stop().catch(() => undefined);
      await consumer.stop();
      await index.stop();
      await bus.close();
      log.info("planner stopped");
    },
  };
}
