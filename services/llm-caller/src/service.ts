import {
  appendOnce,
  NotProvisionedError,
  republishedEntry,
  PayloadStore,
  type NatsConnection,
  type RunningConsumer,
  type RunningService,
} from "@cairn/bus";
import { Kvm } from "@nats-io/kv";
import { createEndpointProvider, createScriptedProvider, type ModelProvider } from "@cairn/providers";
import type { Logger } from "@cairn/telemetry";
import type { LlmCallerConfig } from "./config.js";
import { createLlmHandler } from "./handler.js";
import { AdmissionStore, budgetOf } from "./admission-store.js";
import { EVENTS_HEADER, SEQS_HEADER, SINCE_HEADER, type FoldHint, RunHistory } from "@cairn/runlog";
import { CrashPoints, openBus, startWorkQueues, workerRetryPolicy } from "@cairn/worker";

export interface LlmCallerDeps {
  log: Logger;
  nc?: NatsConnection;
  /** Providers to use instead of the configured ones (tests). */
  providers?: Map<string, ModelProvider>;
}

/** The planner's history hint from an LLM command's headers; anything malformed is left out. */
export function foldHintOf(h: { get(k: string): string } | undefined): FoldHint {
  const int = (v: string | undefined): number | undefined => (v && /^\d{1,15}$/.test(v) ? Number(v) : undefined);
  const events = int(h?.get(EVENTS_HEADER));
  if (events === undefined) return {};
  const since = int(h?.get(SINCE_HEADER));
  const list = h?.get(SEQS_HEADER);
  const seqs = list === undefined || list === "" ? [] : list.split(",").map(int);
  if (since === undefined || list === undefined || seqs.some((s) => s === undefined)) return { events };
  return { events, since, seqs: seqs as number[] };
}

/** max_ack_pending of a provider's consumer when CAIRN_LLM_LIMITS names no limit for it. */
export const DEFAULT_MAX_IN_FLIGHT = 10_000;

/** The providers this config enables: the scripted model always, and every configured endpoint by its name. */
export function configuredProviders(config: LlmCallerConfig): Map<string, ModelProvider> {
  const m = new Map<string, ModelProvider>();
  m.set("scripted", createScriptedProvider(config.scriptsDir ? { dir: config.scriptsDir } : {}));
  for (const [name, endpoint] of config.endpoints)
    m.set(name, createEndpointProvider(name, endpoint, { defaultTimeoutMs: config.timeoutMs }));
  return m;
}

/** Starts an llm-caller instance on the durable `llm_<provider>` consumers (made by `cairn provision`) of its providers. */
export async function startLlmCaller(config: LlmCallerConfig, deps: LlmCallerDeps): Promise<RunningService> {
  const log = deps.log;
  const bus = await openBus(config, {
    name: `cairn-llm-caller ${config.instance}`,
    log,
    payloads: true,
    ...(deps.nc ? { nc: deps.nc } : {}),
  });
  const { subjects, js, jsm } = bus;
  const history = new RunHistory(jsm, subjects);
  const providers = deps.providers ?? configuredProviders(config);
  const payloads = new PayloadStore(js, jsm, subjects);
  const crash = new CrashPoints(config.crashAt, log);
  // Token-aware admission when an endpoint has limits: its budgets live in the admission KV bucket (cairn provision).
  const limited = [...config.endpoints.values()].some((e) => e.limits !== undefined);
  const openAdmission = async () => {
    try {
      return await new Kvm(bus.nc).open(subjects.admissionBucket);
    } catch (err) {
      await bus.close();
      throw new NotProvisionedError([
        `KV bucket ${subjects.admissionBucket} (token-aware admission, for the endpoints with limits) cannot be opened: ${(err as Error).message}`,
      ]);
    }
  };
  const admission = limited
    ? {
        store: new AdmissionStore(await openAdmission(), { now: () => Date.now(), log }),
        budgetOf: (provider: string, model: string) => {
          const e = config.endpoints.get(provider);
          return e ? budgetOf(provider, e, model) : undefined;
        },
        forceAfter: Math.max(1, config.maxDeliver - config.maxAttempts),
      }
    : undefined;
  const handle = createLlmHandler({
    subjects,
    providers,
    payloads,
    largePayloadBytes: Math.min(config.largePayloadBytes, Math.floor(config.maxMessageBytes / 2)),
    foldTo: async (runId, seq, hint) => (await history.foldTo(runId, seq, { hint })).state,
    // Asked of the stream leader (not Direct Get, which a lagging replica may answer): a recorded result is never missed.
    exists: async (subject) => (await jsm.streams.getMessage(subjects.stream, { last_by_subj: subject })) !== null,
    append: async (subject, data) => {
      const r = await appendOnce(js, subject, data);
      // Our own event: the next fold of this run need not read it back (see RunHistory.noteOwn).
      const p = r.duplicate ? undefined : subjects.parse(subject);
      if (
        p &&
        r.seq > 0 &&
        (p.what.kind === "llm-result" ||
          p.what.kind === "summary-result" ||
          p.what.kind === "check-result" ||
          p.what.kind === "error")
      )
        history.noteOwn(p.runId, { seq: r.seq, subject, data, time: new Date().toISOString() });
      return r;
    },
    crash,
    retry: workerRetryPolicy(config.maxAttempts, config.retryInitialDelayMs),
    // Each provider has its time limit (its endpoint's timeoutMs, else CAIRN_LLM_TIMEOUT_MS).
    // Tokens go to watchers as plain NATS messages while the call runs; the durable record is the final response.
    ...(config.streamTokens
      ? {
          publishToken: (runId: string, turn: number, text: string) =>
            bus.nc.publish(subjects.tokens(runId, turn), text),
        }
      : {}),
    maxMessageBytes: config.maxMessageBytes,
    // A run whose model turns are over needs no folded state here (a redelivery would read it again).
    forget: (runId) => history.forget(runId),
    log,
    now: () => Date.now(),
    ...(admission ? { admission } : {}),
  });
  // Tool results as the stream stores them (its republish rule): the next model turn's fold usually
  // finds them here instead of reading each back. Only what the server itself republished is kept
  // (see republishedEntry, and the tap subject the server derived from the stored subject); anything
  // missed is read from the stream.
  const tap = bus.nc.subscribe(subjects.toolResultTap(), {
    callback: (err, m) => {
      if (err) {
        log.warn(
          { err },
          "subscription to republished tool results failed (permissions?): the llm-caller reads them from the stream instead",
        );
        return;
      }
      const e = republishedEntry(subjects.stream, m);
      if (e && subjects.toolResultTapOf(e.subject) === m.subject) history.prefetch(e);
    },
  });
  // One durable consumer per provider (llm_<provider>): its max_ack_pending is the global limit
  // of calls in flight to that provider across all llm-callers.
  let consumers: RunningConsumer[];
  try {
    consumers = await startWorkQueues(
      providers.keys(),
      (provider) => ({ durable: subjects.llmConsumer(provider), filters: subjects.llmWork(provider) }),
      {
        js,
        jsm,
        stream: subjects.stream,
        concurrency: config.concurrency,
        config,
        crash,
        handle: (m, ctx) =>
          handle(
            { subject: m.subject, seq: m.seq, deliveries: m.deliveries, data: m.data, hint: foldHintOf(m.headers) },
            ctx,
          ),
        log,
      },
    );
  } catch (err) {
    tap.unsubscribe();
    throw err;
  }
  log.info(
    { prefix: subjects.prefix, providers: [...providers.keys()], concurrency: config.concurrency },
    "llm-caller started",
  );
  return {
    async stop() {
      tap.unsubscribe();
      await Promise.all(consumers.map((c) => c.stop()));
      await bus.close();
      log.info("llm-caller stopped");
    },
  };
}
