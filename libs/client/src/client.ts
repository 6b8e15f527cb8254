import { randomUUID } from "node:crypto";
import { jetstreamManager } from "@nats-io/jetstream";
import type { NatsConnection } from "@nats-io/transport-node";
import {
  decodeEntry,
  errorKindOfCode,
  Subjects,
  type ApiEndpoint,
  type DecodedEntry,
  type HistoryEntry,
  type ListReply,
  type ReadReply,
  type RunStatus,
  type SendReply,
  type SubmitReply,
} from "@cairn/protocol";
import { connectNats, readRange, type NatsConnectOptions } from "@cairn/bus";
import { currentTraceCarrier } from "@cairn/telemetry";

/** An error answered by the Cairn API (`kind` says which: not_found, bad_request, unknown_agent, ...). */
export class CairnApiError extends Error {
  override readonly name = "CairnApiError";
  constructor(
    readonly kind: string,
    message: string,
    readonly retryable = false,
  ) {
    super(message);
  }
}

export interface SubmitOptions {
  task: string;
  /** Agent name from the planner's agents file; the default agent when omitted. */
  agent?: string;
  /** Resubmitting with the same key returns the same run (created: false). */
  idempotencyKey?: string;
  metadata?: Record<string, string>;
  /** Images the model sees with the task: http or https URLs the provider fetches (at most 8). */
  images?: { url: string; mediaType?: string }[];
  /**
   * W3C trace context (`traceparent`, `tracestate`) the run's trace joins. By default the caller's
   * active OpenTelemetry context, if it has one: a run submitted from traced code is part of that trace.
   */
  trace?: Record<string, string>;
}

/** What `list` filters on (every one given must hold). */
export interface ListOptions {
  limit?: number;
  status?: RunStatus["status"];
  agent?: string;
  /** Operators only: runs of this tenant. */
  tenant?: string;
  /** Runs whose submission metadata has each of these key/value pairs. */
  meta?: Record<string, string>;
  /** Submitted at or after / before these times (RFC 3339). */
  since?: string;
  until?: string;
  /**
   * Also answer ListReply.counts: how many of the caller's runs have each status (with the tenant
   * and agent filters; see docs/protocol.md). A planner that is still reading the runs index for
   * them (the first time it is asked) answers without them.
   */
  counts?: boolean;
}

/** One message of a run's log, as `watch` yields it. */
export interface LogEntry {
  seq: number;
  subject: string;
  time: string;
  /** Deliveries of this message to the watcher (always 1 for an ordered consumer). */
  entry: DecodedEntry;
}

export interface ClientOptions {
  /** Use this connection (not closed by `close()`). */
  nc?: NatsConnection;
  /** Or connect with these options. */
  connect?: Omit<NatsConnectOptions, "name"> & { name?: string };
  /** Deployment prefix; "cairn" by default. */
  prefix?: string;
  /** Request timeout (ms). */
  timeoutMs?: number;
  /**
   * How long a request nobody answers (no planner serving the API) or one that timed out is retried
   * (ms; 30000 by default: rides out a planner's restart). A command line wants a short one.
   */
  retryForMs?: number;
}

/**
 * Submit, inspect, cancel and watch runs. Requests go to the `cairn` micro service on
 * `<prefix>.api.*`; a submit is answered only once the submission is durably in the stream.
 */
/** Status reads after an answer in the log before `reply` goes on watching (about 4.5 s in all). */
const REPLY_STATUS_POLLS = 9;

export class CairnClient {
  readonly subjects: Subjects;

  private constructor(
    readonly nc: NatsConnection,
    private readonly own: boolean,
    prefix: string,
    private readonly timeoutMs: number,
    private readonly retryForMs = 30_000,
  ) {
    this.subjects = new Subjects(prefix);
  }

  static async connect(opts: ClientOptions): Promise<CairnClient> {
    if (opts.nc)
      return new CairnClient(opts.nc, false, opts.prefix ?? "cairn", opts.timeoutMs ?? 5_000, opts.retryForMs);
    if (!opts.connect) throw new Error("CairnClient.connect needs `nc` or `connect` options");
    const nc = await connectNats({ name: "cairn-client", ...opts.connect });
    return new CairnClient(nc, true, opts.prefix ?? "cairn", opts.timeoutMs ?? 5_000, opts.retryForMs);
  }

  /**
   * One request to the run API. Every endpoint is safe to repeat (submit carries an idempotency
   * key), so a request lost with a planner that crashed or restarted is retried until `retryForMs`.
   */
  private async call<T>(endpoint: ApiEndpoint, body: object, retryForMs = this.retryForMs): Promise<T> {
    const until = Date.now() + retryForMs;
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.callOnce<T>(endpoint, body);
      } catch (err) {
        const retryable =
          (err instanceof CairnApiError && err.retryable) ||
          (err as Error).name === "TimeoutError" ||
          /timeout/i.test((err as Error).message);
        if (!retryable || Date.now() >= until) throw err;
        // the last wait ends at the window's end: a short window is not overrun by the back-off
        await new Promise((r) => setTimeout(r, Math.max(0, Math.min(2_000, 100 * 2 ** attempt, until - Date.now()))));
      }
    }
  }

  private async callOnce<T>(endpoint: ApiEndpoint, body: object): Promise<T> {
    let msg;
    try {
      msg = await this.nc.request(this.subjects.api(endpoint), JSON.stringify(body), { timeout: this.timeoutMs });
    } catch (err) {
      const e = err as Error;
      if (/no responders/i.test(e.message) || e.name === "NoRespondersError") {
        throw new CairnApiError(
          "unavailable",
          `no planner is serving ${this.subjects.api(endpoint)} (start one: cairn service planner, or cairn dev)`,
          true,
        );
      }
      throw err;
    }
    // An error is answered the NATS micro way (Nats-Service-Error-Code and Nats-Service-Error
    // headers), with the ApiError JSON as its body; a reply with only the headers is an error too.
    const code = msg.headers?.get("Nats-Service-Error-Code");
    let reply: T & { error?: { kind: string; message: string; retryable?: boolean } };
    try {
      reply = JSON.parse(msg.string()) as typeof reply;
    } catch (err) {
      if (!code) throw err;
      reply = {} as typeof reply;
    }
    if (reply && typeof reply === "object" && "error" in reply && reply.error)
      throw new CairnApiError(reply.error.kind, reply.error.message, reply.error.retryable ?? false);
    if (code) {
      const n = Number(code);
      throw new CairnApiError(
        errorKindOfCode(n),
        msg.headers?.get("Nats-Service-Error") || `error ${code} from ${this.subjects.api(endpoint)}`,
        n === 500 || n === 503,
      );
    }
    return reply;
  }

  /**
   * Submits a task. Every submission carries an idempotency key (yours, or a fresh one), so a
   * request lost with a crashing planner is retried safely: the retry names the same run.
   */
  submit(o: SubmitOptions, opts: { retryForMs?: number } = {}): Promise<SubmitReply> {
    const trace = o.trace ?? currentTraceCarrier();
    return this.call<SubmitReply>(
      "submit",
      { v: 1, ...o, idempotencyKey: o.idempotencyKey ?? `auto-${randomUUID()}`, ...(trace ? { trace } : {}) },
      opts.retryForMs,
    );
  }

  status(runId: string): Promise<RunStatus> {
    return this.call<RunStatus>("status", { v: 1, runId });
  }
  /**
   * Runs, newest first, at most `limit` (default 100): the pages `listPage` gives, followed until
   * there are `limit` runs or no more. A filter that matches few runs costs more pages (each
   * examines a bounded part of the index); `maxPages` bounds that (default 50).
   */
  async list(opts: ListOptions & { maxPages?: number } = {}): Promise<RunStatus[]> {
    // (counts come with a page: listPage)
    const { maxPages = 50, counts: _counts, ...q } = opts;
    const limit = q.limit ?? 100;
    const out: RunStatus[] = [];
    let cursor: string | undefined;
    for (let page = 0; page < maxPages; page++) {
      const r = await this.listPage({ ...q, limit: limit - out.length, ...(cursor ? { cursor } : {}) });
      out.push(...r.runs);
      cursor = r.cursor;
      if (!cursor || out.length >= limit) break;
    }
    return out;
  }
  /**
   * One page of runs, newest first, text fields clipped. `cursor` (when more may follow) asks for
   * the next page; a page can be short, or empty, and still have one (see ListReply).
   */
  listPage(opts: ListOptions & { cursor?: string } = {}): Promise<ListReply> {
    return this.call<ListReply>("list", { v: 1, ...opts });
  }
  /**
   * Approves a tool call that waits for approval; the run resumes durably. Who approved is recorded
   * from this connection's identity, as the server gives it (see docs/security.md). `args`
   * replaces the model's arguments (the agent must allow it for the tool: `editableArgs`; they must
   * validate against the tool's input schema); the edit is recorded with who made it.
   *
   * A call whose outcome is ambiguous (status `approvals[].ambiguous`: a reconcile or irreversible
   * tool started and left no result): approve runs it again; `result` records that text as the
   * call's result instead (the effect landed, and this is what it gave); deny records a failure.
   */
  approve(
    runId: string,
    callId: string,
    opts: { reason?: string; args?: Record<string, unknown>; result?: string } = {},
  ): Promise<RunStatus> {
    return this.call<RunStatus>("approve", {
      v: 1,
      runId,
      callId,
      decision: "approve",
      ...(opts.args !== undefined ? { arguments: opts.args } : {}),
      ...(opts.result !== undefined ? { result: opts.result } : {}),
      ...(opts.reason ? { reason: opts.reason } : {}),
    });
  }
  /** Denies a tool call that waits for approval; the denial goes back to the model as the tool's result. */
  deny(runId: string, callId: string, opts: { reason?: string } = {}): Promise<RunStatus> {
    return this.call<RunStatus>("approve", {
      v: 1,
      runId,
      callId,
      decision: "deny",
      ...(opts.reason ? { reason: opts.reason } : {}),
    });
  }
  /**
   * Starts the sub-agent run of a pending `run_agent` call (the tool-runner's built-in): the planner
   * checks the parent's log for that call and derives the child run, its task and agent from it.
   */
  spawn(parent: { runId: string; turn: number; index: number; callId: string }): Promise<SubmitReply> {
    return this.call<SubmitReply>("spawn", { v: 1, ...parent });
  }
  /**
   * Sends a message to a running run: the next model call reads it (steering), or — a
   * conversation waiting for a message — it starts the next turn. `end` ends a conversation after
   * its next answer. Resolves with the message's number once it is stored; `reply` waits for the
   * answer. Who sent it is recorded from this connection's identity.
   */
  send(runId: string, text: string | undefined, opts: { end?: boolean } = {}): Promise<SendReply> {
    return this.call<SendReply>("send", {
      v: 1,
      runId,
      ...(text !== undefined ? { text } : {}),
      ...(opts.end ? { end: true } : {}),
    });
  }

  /**
   * Resolves with the run's status once a model answer has followed message `n` (its
   * `answeredMessages` is `n` or more; the answer is `answer`, and `output` for structured output),
   * or once the run has ended. Watches the log, so it holds no consumer.
   */
  async reply(runId: string, n: number, opts: { signal?: AbortSignal } = {}): Promise<RunStatus> {
    const done = (s: RunStatus): boolean =>
      (s.answeredMessages ?? 0) >= n || (s.status !== "running" && s.status !== "awaiting_approval");
    for await (const e of this.watch(runId, opts)) {
      const answer = e.entry.kind === "llm-result" && e.entry.message.ok && !e.entry.message.toolCalls?.length;
      if (!answer && e.entry.kind !== "ended") continue;
      // The planner records what the answer means (an invalid structured answer is no answer) as it
      // folds it: the status catches up within moments of the entry.
      for (let i = 0; i < REPLY_STATUS_POLLS; i++) {
        const s = await this.status(runId);
        if (done(s)) return s;
        await new Promise((r) => setTimeout(r, 100 * (i + 1)));
      }
    }
    return this.status(runId);
  }

  cancel(runId: string, reason?: string): Promise<RunStatus> {
    return this.call<RunStatus>("cancel", { v: 1, runId, ...(reason ? { reason } : {}) });
  }

  /**
   * A reader of the run's log from a sequence on: Direct Get when this connection may read the
   * stream; the API's `read` when it may not (a tenant's client, whose account has no access to the
   * deployment's stream). It remembers which, for the next pages.
   */
  private async logReader(runId: string): Promise<(from: number) => AsyncGenerator<HistoryEntry>> {
    const jsm = await jetstreamManager(this.nc, { timeout: this.timeoutMs, checkAPI: false });
    const filter = this.subjects.run(runId);
    let viaApi = false;
    const stream = this.subjects.stream;
    const read = (fromSeq: number): Promise<ReadReply> => this.call<ReadReply>("read", { v: 1, runId, fromSeq });
    return async function* page(from: number): AsyncGenerator<HistoryEntry> {
      if (!viaApi) {
        try {
          for await (const e of readRange(jsm, stream, filter, from)) yield e;
          return;
        } catch (err) {
          if (
            !/permissions violation|no responders|jetstream not enabled|503/i.test(
              `${(err as Error).message} ${(err as Error).name}`,
            )
          )
            throw err;
          viaApi = true;
        }
      }
      for (let seq = from; ;) {
        const r = await read(seq);
        for (const e of r.entries)
          yield { seq: e.seq, subject: e.subject, time: e.time, data: Buffer.from(e.data, "base64") };
        if (!r.more || r.entries.length === 0) return;
        seq = r.entries[r.entries.length - 1]!.seq + 1;
      }
    };
  }

  /**
   * The run's log as stored now, from `fromSeq` (1: the whole log), raw (what @cairn/replay's
   * `RunLog` holds): read like `watch` reads it, through the API when this connection may not read
   * the stream. Empty for a run with no messages from there (unknown to this caller, or purged).
   */
  async readLog(runId: string, fromSeq = 1): Promise<HistoryEntry[]> {
    const page = await this.logReader(runId);
    const out: HistoryEntry[] = [];
    for await (const e of page(fromSeq)) out.push(e);
    return out;
  }

  /**
   * Yields the run's whole log from its first message, then live messages as they are written,
   * ending after the run's end event (or when `signal` aborts). The log is read with Direct Get, in
   * stream order; the stream's republished copy of each new message (`<p>.tap.<runId>.>`) only wakes
   * the reader, and a poll every `pollMs` covers any it missed — so watching needs no consumer and
   * no right to create one. Survives server restarts and cluster fail-overs: it resumes after the
   * last message it yielded, retrying for up to `retryForMs` without progress.
   */
  async *watch(
    runId: string,
    opts: { signal?: AbortSignal; retryForMs?: number; pollMs?: number } = {},
  ): AsyncGenerator<LogEntry> {
    const page = await this.logReader(runId);
    let nextSeq = 1;
    let lastProgress = Date.now();
    const retryForMs = opts.retryForMs ?? 120_000;
    const pollMs = opts.pollMs ?? 1_000;
    let wake: (() => void) | undefined;
    const ring = (): void => {
      wake?.();
      wake = undefined;
    };
    const tap = this.nc.subscribe(this.subjects.runTap(runId), { callback: ring });
    opts.signal?.addEventListener("abort", ring, { once: true });
    try {
      for (let attempt = 0; ;) {
        if (opts.signal?.aborted) return;
        // Armed before the read: a message stored while reading rings it.
        const woken = new Promise<void>((r) => (wake = r));
        try {
          for await (const e of page(nextSeq)) {
            nextSeq = e.seq + 1;
            lastProgress = Date.now();
            attempt = 0;
            const entry = decodeEntry(this.subjects, e.subject, e.data);
            yield { seq: e.seq, subject: e.subject, time: e.time, entry };
            if (entry.kind === "ended") return;
          }
        } catch (err) {
          if (opts.signal?.aborted) return;
          if (Date.now() - lastProgress > retryForMs) throw err;
          attempt++;
          await new Promise((r) => setTimeout(r, Math.min(2_000, 100 * 2 ** Math.min(attempt, 5))));
          continue;
        }
        let timer: NodeJS.Timeout | undefined;
        await Promise.race([woken, new Promise<void>((r) => (timer = setTimeout(r, pollMs)))]);
        clearTimeout(timer);
      }
    } finally {
      opts.signal?.removeEventListener("abort", ring);
      tap.unsubscribe();
    }
  }

  /** Resolves with the run's final status once it has ended. */
  async wait(runId: string, opts: { signal?: AbortSignal } = {}): Promise<RunStatus> {
    for await (const e of this.watch(runId, opts)) {
      if (e.entry.kind === "ended") break;
    }
    return this.status(runId);
  }

  async close(): Promise<void> {
    if (this.own && !this.nc.isClosed()) await this.nc.drain().catch(() => this.nc.close());
  }
}
