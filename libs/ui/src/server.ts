import { createHash, randomBytes, timingSafeEqual } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { CairnApiError, type CairnClient } from "@cairn/client";
import { APPROVE_ROLE_PROBE, type ListReply, type RunStatus } from "@cairn/protocol";
import {
  buildTimeline,
  exportRunLog,
  forkRun,
  loadRunLog,
  mayFork,
  pendingOf,
  promptAt,
  stateAt,
  terminalSafe,
  waitsOf,
  type RunLog,
} from "@cairn/replay";
import { SCRIPT, STYLE } from "./assets.js";
import { runFacts } from "./facts.js";
import type { Html } from "./html.js";
import {
  countsBar,
  errorPage,
  leftRunPage,
  runPage,
  runRows,
  runsPage,
  STATUSES,
  summary,
  timelineList,
  type RunFilters,
  type RunView,
} from "./pages.js";

export interface UiOptions {
  /** The connection every read and action goes through: the user's own credential and roles. */
  client: CairnClient;
  /** Address to listen on; 127.0.0.1 by default. Anything but a loopback address requires `token`. */
  host?: string;
  /** TCP port; 0 (the default) picks a free one. */
  port?: number;
  /**
   * A secret every request must carry (a cookie set from the `?token=` of the printed URL, or
   * `Authorization: Bearer`). Required to listen beyond loopback; optional on loopback.
   */
  token?: string;
  /** Jaeger UI base URL (e.g. http://localhost:16686): a run's trace id links to `<base>/trace/<traceId>`. */
  jaegerUrl?: string;
  /** Runs per page (default 50, at most 500). */
  pageSize?: number;
  /** How often a live runs list asks for its page again (ms, default 1000). */
  pollMs?: number;
  /** Told of a request that failed unexpectedly (the page says so too). */
  onError?: (err: unknown) => void;
}

export interface RunningUi {
  /** `http://<host>:<port>/` */
  url: string;
  /** The URL to open: with `?token=` when a token is required. */
  openUrl: string;
  stop(): Promise<void>;
}

/** An error a request is answered with: its HTTP status and a message for the page. */
class HttpError extends Error {
  override readonly name = "HttpError";
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/** The call id of the dry check of the approve role: the planner answers it without deciding anything. */
export const ROLE_PROBE_CALL_ID = APPROVE_ROLE_PROBE;

/** Sub-agent runs whose status the run page asks for (the others are listed with a link only). */
const SUB_AGENT_STATUSES = 25;

/** A run that is not in the stream any more and whose log this connection cannot read: what the page says instead. */
class RunLeftError extends Error {
  override readonly name = "RunLeftError";
  constructor(
    readonly status: RunStatus,
    message: string,
  ) {
    super(message);
  }
}

const LOOPBACK = new Set(["127.0.0.1", "::1", "localhost"]);
export function isLoopback(host: string): boolean {
  return LOOPBACK.has(host) || /^127\.\d+\.\d+\.\d+$/.test(host);
}

/**
 * Nothing inline runs, nothing loads from elsewhere: even text that escaped escaping stays inert.
 * The one inline element allowed is the page's own style sheet, by its hash (inline, the first
 * paint waits for no second request).
 */
const SECURITY_HEADERS: Record<string, string> = {
  "content-security-policy": `default-src 'none'; script-src 'self'; style-src 'self' 'sha256-${createHash("sha256").update(STYLE).digest("base64")}'; img-src 'self'; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'`,
  "x-content-type-options": "nosniff",
  "referrer-policy": "same-origin",
  "x-frame-options": "DENY",
  "cache-control": "no-store",
};

const AUTH_COOKIE = "cairn_ui";

function same(a: string, b: string): boolean {
  const x = createHash("sha256").update(a).digest();
  const y = createHash("sha256").update(b).digest();
  return timingSafeEqual(x, y);
}

function cookie(req: IncomingMessage, name: string): string | undefined {
  for (const part of (req.headers.cookie ?? "").split(";")) {
    const i = part.indexOf("=");
    if (i > 0 && part.slice(0, i).trim() === name) {
      try {
        return decodeURIComponent(part.slice(i + 1).trim());
      } catch {
        return undefined; // not percent-encoding: no token
      }
    }
  }
  return undefined;
}

async function formBody(req: IncomingMessage): Promise<URLSearchParams> {
  const type = req.headers["content-type"] ?? "";
  if (!type.startsWith("application/x-www-form-urlencoded"))
    throw new HttpError(415, "expected a form (application/x-www-form-urlencoded)");
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const c of req as AsyncIterable<Buffer>) {
    size += c.length;
    if (size > 64 * 1024) throw new HttpError(413, "form too large (at most 64 KiB)");
    chunks.push(c);
  }
  return new URLSearchParams(Buffer.concat(chunks).toString("utf8"));
}

/** The filters of the runs list from a query string; a bad value is a 400 naming it. */
export function parseFilters(q: URLSearchParams): { filters: RunFilters; meta?: Record<string, string> } {
  const f: RunFilters = {};
  const status = q.get("status");
  if (status) {
    if (!(STATUSES as readonly string[]).includes(status))
      throw new HttpError(400, `unknown status ${JSON.stringify(status)}: use one of ${STATUSES.join(", ")}`);
    f.status = status as RunStatus["status"];
  }
  for (const k of ["agent", "tenant"] as const) {
    const v = q.get(k)?.trim();
    if (v) f[k] = v;
  }
  for (const k of ["since", "until"] as const) {
    const v = q.get(k)?.trim();
    if (!v) continue;
    if (!/^\d{4}-\d\d-\d\dT\d\d:\d\d(:\d\d(\.\d+)?)?(Z|[+-]\d\d:\d\d)$/.test(v) || Number.isNaN(Date.parse(v)))
      throw new HttpError(
        400,
        `${k}: expected an RFC 3339 time such as 2026-12-05T10:00:00Z, got ${JSON.stringify(v)}`,
      );
    f[k] = v;
  }
  const metaText = q.get("meta")?.trim();
  if (!metaText) return { filters: f };
  const meta: Record<string, string> = {};
  for (const pair of metaText.split(",")) {
    const p = pair.trim();
    if (!p) continue;
    const i = p.indexOf("=");
    if (i < 1)
      throw new HttpError(400, `metadata: expected key=value pairs separated by commas, got ${JSON.stringify(p)}`);
    meta[p.slice(0, i).trim()] = p.slice(i + 1).trim();
  }
  f.meta = metaText;
  return { filters: f, meta };
}

function httpStatusOf(err: unknown): number {
  if (err instanceof HttpError) return err.status;
  // archived where this credential cannot read; purged (gone); neither (no log yet)
  if (err instanceof RunLeftError) return err.status.archive ? 403 : err.status.purgedAt !== undefined ? 410 : 404;
  // a fork the log does not allow (no such step, no submission)
  if ((err as Error)?.name === "ReplayError") return 400;
  // a write into the stream this credential may not make
  if ((err as Error)?.name === "PermissionViolationError") return 403;
  if (err instanceof CairnApiError) {
    if (err.kind === "forbidden") return 403;
    if (err.kind === "not_found") return 404;
    if (err.kind === "bad_request") return 400;
    if (err.kind === "unavailable") return 503;
    return 409; // not_awaiting, already_decided, not_running, ...
  }
  return 500;
}

function messageOf(err: unknown): string {
  if (err instanceof CairnApiError) return `${err.kind}: ${err.message}`;
  return err instanceof Error ? err.message : String(err);
}

/**
 * Serves the run inspector: server-rendered pages over `client` (node:http, no framework), live
 * updates by Server-Sent Events, actions as form POSTs with a CSRF token. Every read and action
 * goes through `client`, so the API applies the connection's tenant and roles.
 */
export async function startUi(o: UiOptions): Promise<RunningUi> {
  const host = o.host ?? "127.0.0.1";
  if (!isLoopback(host) && !o.token)
    throw new Error(`listening on ${host} (beyond this machine) requires a token: refusing to serve without one`);
  if (o.token !== undefined && o.token.length < 16) throw new Error("the UI token must be at least 16 characters");
  let jaeger: string | undefined;
  if (o.jaegerUrl) {
    let u: URL;
    try {
      u = new URL(o.jaegerUrl);
    } catch {
      throw new Error(`the Jaeger URL is not a URL: ${JSON.stringify(o.jaegerUrl)}`);
    }
    if (u.protocol !== "http:" && u.protocol !== "https:")
      throw new Error(`the Jaeger URL must be http(s): ${JSON.stringify(o.jaegerUrl)}`);
    jaeger = u.href.replace(/\/+$/, "");
  }
  const pageSize = o.pageSize ?? 50;
  if (!Number.isInteger(pageSize) || pageSize < 1 || pageSize > 500)
    throw new Error(`the page size must be a whole number from 1 to 500, got ${pageSize}`);
  const pollMs = o.pollMs ?? 1_000;
  const c = o.client;
  // Forms carry this; a page of another origin cannot read it (and its POST has a foreign Origin).
  const csrf = randomBytes(24).toString("base64url");
  const streams = new Set<ServerResponse>();
  let port = 0;

  const send = (res: ServerResponse, status: number, body: Html | string, type = "text/html; charset=utf-8"): void => {
    res.writeHead(status, { ...SECURITY_HEADERS, "content-type": type });
    res.end(typeof body === "string" ? body : body.value);
  };

  /** Loopback: only loopback Host names (a DNS-rebinding page cannot talk to it). With a token: the token. */
  function admitted(req: IncomingMessage, res: ServerResponse, url: URL): boolean {
    if (isLoopback(host)) {
      const name = (req.headers.host ?? "").replace(/:\d+$/, "").replace(/^\[|\]$/g, "");
      if (!isLoopback(name)) {
        send(res, 421, errorPage("Wrong host", "This UI answers only on its loopback address."));
        return false;
      }
    }
    if (!o.token) return true;
    const given = url.searchParams.get("token");
    if (given !== null && req.method === "GET" && same(given, o.token)) {
      url.searchParams.delete("token");
      res.writeHead(303, {
        ...SECURITY_HEADERS,
        "set-cookie": `${AUTH_COOKIE}=${encodeURIComponent(o.token)}; HttpOnly; SameSite=Strict; Path=/`,
        // one leading slash only: `//host` would send the browser elsewhere
        location: `/${url.pathname.replace(/^\/+/, "")}${url.search}`,
      });
      res.end();
      return false;
    }
    const bearer = /^Bearer (.+)$/.exec(req.headers.authorization ?? "")?.[1];
    const fromCookie = cookie(req, AUTH_COOKIE);
    if ((bearer && same(bearer, o.token)) || (fromCookie && same(fromCookie, o.token))) return true;
    send(
      res,
      401,
      errorPage(
        "Sign-in needed",
        "Open the URL `cairn ui` printed (it carries the token), or send Authorization: Bearer.",
      ),
    );
    return false;
  }

  /** A POST must carry the CSRF token and, when the browser says where it comes from, come from here. */
  function checkPost(req: IncomingMessage, form: URLSearchParams): void {
    const origin = req.headers.origin;
    if (origin && origin !== `http://${req.headers.host ?? ""}`)
      throw new HttpError(403, `refused: a form sent from another origin (${origin})`);
    const site = req.headers["sec-fetch-site"];
    if (site && site !== "same-origin" && site !== "none")
      throw new HttpError(403, "refused: a form sent from another site");
    const token = form.get("csrf");
    if (!token || !same(token, csrf))
      throw new HttpError(403, "refused: the form's CSRF token is missing or wrong (reload the page)");
  }

  /**
   * The run's log: from the stream (or, for a tenant's connection, through the API, which reads an
   * archived run's from the archive); for a run that left the stream, from the archive as `cairn
   * replay` reads it (the runs index, then the archive stream) — or RunLeftError saying why not.
   */
  async function readRun(runId: string): Promise<RunLog> {
    const entries = await c.readLog(runId);
    if (entries.length) return { prefix: c.subjects.prefix, runId, entries };
    let st: RunStatus;
    try {
      st = await c.status(runId);
    } catch (err) {
      if (err instanceof CairnApiError && err.kind === "not_found")
        throw new HttpError(404, `no run ${runId} that your credential may see (never submitted, or another tenant's)`);
      throw err;
    }
    if (st.archive) {
      try {
        return await loadRunLog(c.nc, c.subjects, runId);
      } catch (err) {
        throw new RunLeftError(
          st,
          `Run ${runId} was archived at ${st.archivedAt ?? "?"}: its log is sealed in the archive stream (${c.subjects.archiveStream}), which your credential cannot read (${messageOf(err)}). Its record is below; the timeline needs a credential that may read the archive (cairn replay ${runId} with it).`,
        );
      }
    }
    if (st.purgedAt !== undefined)
      throw new RunLeftError(
        st,
        `Run ${runId} was purged at ${st.purgedAt}: its history is gone; only its record below is kept.`,
      );
    throw new RunLeftError(st, `Run ${runId} has no log in the stream yet (just submitted?): reload in a moment.`);
  }

  /** Whether this connection may write forks into the stream (asked once: mayFork writes nothing). */
  let forkable: Promise<boolean> | undefined;
  const mayForkHere = (): Promise<boolean> =>
    (forkable ??= mayFork(c.nc, c.subjects, { timeoutMs: 5_000 }).catch(() => false));

  /** Whether this connection may approve: a dry check the API refuses without the role (nothing is decided). */
  async function mayApprove(runId: string): Promise<boolean> {
    try {
      await c.approve(runId, ROLE_PROBE_CALL_ID);
      return true;
    } catch (err) {
      return !(err instanceof CairnApiError && err.kind === "forbidden");
    }
  }

  async function view(log: RunLog, tokens: ReadonlyMap<number, string>): Promise<RunView> {
    const timeline = buildTimeline(log);
    const facts = runFacts(log, timeline, Date.now());
    // The sub-agent runs' statuses (a call whose child did not start yet has none).
    const childStatus = new Map<string, RunStatus["status"]>();
    await Promise.all(
      facts.subAgents.slice(0, SUB_AGENT_STATUSES).map(async (s) => {
        try {
          childStatus.set(s.runId, (await c.status(s.runId)).status);
        } catch {
          // not started yet, or not visible to this credential: the link alone
        }
      }),
    );
    let status: RunStatus = timeline.status;
    try {
      const api = await c.status(log.runId);
      // The log's fold is exact; the API adds what only it knows (workers, cost, trace, tenant).
      status = {
        ...api,
        ...timeline.status,
        ...(timeline.status.status === "running" && api.waitingForRunner
          ? { waitingForRunner: api.waitingForRunner }
          : {}),
      };
    } catch {
      // the log's fold alone
    }
    const pending = pendingOf(timeline);
    const waits = waitsOf(status, pending.sleeps, Date.now(), pending.retries);
    const needsDecision = waits.some((w) => w.kind === "approval" || w.kind === "budget");
    return {
      timeline,
      status,
      waits,
      canApprove: needsDecision ? await mayApprove(log.runId) : false,
      csrf,
      tokens,
      facts,
      childStatus,
      ...(jaeger && status.traceId ? { traceUrl: `${jaeger}/trace/${encodeURIComponent(status.traceId)}` } : {}),
    };
  }

  async function listPage(
    q: URLSearchParams,
    withCounts: boolean,
  ): Promise<{
    runs: RunStatus[];
    next?: string;
    filters: RunFilters;
    counts?: ListReply["counts"];
  }> {
    const { filters, meta } = parseFilters(q);
    const cursor = q.get("cursor") ?? undefined;
    const r = await c.listPage({
      limit: pageSize,
      ...(withCounts ? { counts: true } : {}),
      ...(filters.status ? { status: filters.status } : {}),
      ...(filters.agent ? { agent: filters.agent } : {}),
      ...(filters.tenant ? { tenant: filters.tenant } : {}),
      ...(filters.since ? { since: filters.since } : {}),
      ...(filters.until ? { until: filters.until } : {}),
      ...(meta ? { meta } : {}),
      ...(cursor ? { cursor } : {}),
    });
    return {
      runs: r.runs,
      filters,
      ...(r.cursor ? { next: r.cursor } : {}),
      ...(r.counts ? { counts: r.counts } : {}),
    };
  }

  function openStream(req: IncomingMessage, res: ServerResponse): (event: string, data: string) => void {
    res.writeHead(200, {
      ...SECURITY_HEADERS,
      "content-type": "text/event-stream; charset=utf-8",
      connection: "keep-alive",
    });
    res.write("retry: 2000\n\n");
    streams.add(res);
    req.on("close", () => streams.delete(res));
    return (event, data) => {
      if (res.writableEnded) return;
      res.write(
        `event: ${event}\n${data
          .split(/\r\n|\r|\n/)
          .map((l) => `data: ${l}`)
          .join("\n")}\n\n`,
      );
    };
  }

  /** The runs list, live: its first page asked for again every `pollMs`, sent when it changed. */
  async function runsEvents(req: IncomingMessage, res: ServerResponse, q: URLSearchParams): Promise<void> {
    parseFilters(q);
    const emit = openStream(req, res);
    let last = "";
    let lastCounts = "";
    while (!res.writableEnded && !req.destroyed) {
      try {
        const page = await listPage(q, true);
        const rows = runRows(page.runs).value;
        if (rows !== last) emit("rows", rows);
        last = rows;
        const counts = countsBar(page.counts, page.filters).value;
        if (counts !== lastCounts) emit("counts", counts);
        lastCounts = counts;
      } catch {
        // a planner restarting: the next poll tries again
      }
      await new Promise((r) => setTimeout(r, pollMs));
    }
  }

  /**
   * A run, live: the log read on, re-rendered whenever `watch` sees a message (and every 2 s for
   * waits that change with time); tokens of a model call as they come, until the run ends.
   */
  async function runEvents(req: IncomingMessage, res: ServerResponse, runId: string): Promise<void> {
    const log = await readRun(runId);
    let emit: (event: string, data: string) => void = () => undefined;
    const ac = new AbortController();
    req.on("close", () => ac.abort());
    const tokens = new Map<number, string>();
    // Tokens are plain NATS messages (no stream); a tenant's user may not subscribe to them.
    const sub = c.nc.subscribe(c.subjects.tokens(runId, "*"), {
      callback: (err, m) => {
        if (err) return;
        const turn = Number(m.subject.slice(m.subject.lastIndexOf(".") + 1));
        if (!Number.isInteger(turn)) return;
        const text = terminalSafe(m.string(), { keepNewlines: true });
        tokens.set(turn, (tokens.get(turn) ?? "") + text);
        emit("token", JSON.stringify({ turn, text }));
      },
    });
    // Subscribed before the page hears the stream is open: no token of a call it then sees is lost.
    await c.nc.flush();
    emit = openStream(req, res);
    let last = { summary: "", timeline: "" };
    let rendering: Promise<void> | undefined;
    let again = false;
    let ended = false;
    const render = async (): Promise<void> => {
      const more = await c.readLog(runId, (log.entries[log.entries.length - 1]?.seq ?? 0) + 1);
      log.entries.push(...more);
      const v = await view(log, tokens);
      const s = summary(v).value;
      const t = timelineList(v.timeline, tokens).value;
      if (s !== last.summary) emit("summary", s);
      if (t !== last.timeline) emit("timeline", t);
      last = { summary: s, timeline: t };
      if (v.status.status !== "running" && v.status.status !== "awaiting_approval") ended = true;
    };
    const schedule = (): void => {
      if (rendering) {
        again = true;
        return;
      }
      rendering = render()
        .catch(() => undefined)
        .finally(() => {
          rendering = undefined;
          if (again && !ac.signal.aborted) {
            again = false;
            schedule();
          }
        });
    };
    const ticker = setInterval(schedule, 2_000);
    try {
      for await (const e of c.watch(runId, { signal: ac.signal })) {
        if (e.seq > (log.entries[log.entries.length - 1]?.seq ?? 0)) schedule();
      }
      while (rendering) await rendering;
      if (!ac.signal.aborted) {
        if (!ended) await render().catch(() => undefined);
        emit("end", "ended");
      }
    } finally {
      clearInterval(ticker);
      sub.unsubscribe();
      streams.delete(res);
      res.end();
    }
  }

  async function runGet(res: ServerResponse, runId: string, q: URLSearchParams): Promise<void> {
    let log: RunLog;
    try {
      log = await readRun(runId);
    } catch (err) {
      if (!(err instanceof RunLeftError)) throw err;
      return send(res, httpStatusOf(err), leftRunPage(err.status, err.message));
    }
    const v = await view(log, new Map());
    const at = q.get("at");
    const prompt = q.get("prompt");
    try {
      if (at !== null) {
        if (!/^\d+$/.test(at)) throw new HttpError(400, `at: expected a step number, got ${JSON.stringify(at)}`);
        v.at = stateAt(log, Number(at));
        v.canFork = await mayForkHere();
      }
      if (prompt !== null) {
        if (!/^\d+$/.test(prompt))
          throw new HttpError(400, `prompt: expected a turn number, got ${JSON.stringify(prompt)}`);
        v.prompt = promptAt(log, Number(prompt));
      }
    } catch (err) {
      v.viewError = messageOf(err);
    }
    send(res, v.viewError ? 400 : 200, runPage(v));
  }

  /** Edited arguments from the approve form: a JSON object, or a 400 saying why not. */
  function jsonObject(text: string): Record<string, unknown> {
    let v: unknown;
    try {
      v = JSON.parse(text);
    } catch (err) {
      throw new HttpError(
        400,
        `the edited arguments are not JSON: ${err instanceof Error ? err.message : String(err)}`,
      );
    }
    if (typeof v !== "object" || v === null || Array.isArray(v))
      throw new HttpError(400, "the edited arguments must be a JSON object");
    return v as Record<string, unknown>;
  }

  async function act(req: IncomingMessage, res: ServerResponse, runId: string, action: string): Promise<void> {
    const form = await formBody(req);
    checkPost(req, form);
    const reason = form.get("reason")?.trim();
    const opts = reason ? { reason } : {};
    if (action === "approve") {
      const callId = form.get("callId");
      const decision = form.get("decision");
      if (!callId || (decision !== "approve" && decision !== "deny"))
        throw new HttpError(400, "expected callId and decision (approve or deny)");
      const edited = form.get("arguments")?.trim();
      const original = form.get("originalArguments")?.trim();
      if (decision === "approve")
        await c.approve(runId, callId, {
          ...opts,
          ...(edited !== undefined && edited !== "" && edited !== original ? { args: jsonObject(edited) } : {}),
        });
      else await c.deny(runId, callId, opts);
    } else if (action === "send") {
      const text = form.get("text")?.trim() || undefined;
      const end = form.get("end") === "1";
      if (text === undefined && !end) throw new HttpError(400, "write a message, or end the conversation");
      await c.send(runId, text, end ? { end: true } : {});
    } else await c.cancel(runId, reason);
    res.writeHead(303, { ...SECURITY_HEADERS, location: `/runs/${encodeURIComponent(runId)}` });
    res.end();
  }

  /**
   * A new run whose history is this run's up to a step (forkRun, as `cairn fork --from` does it):
   * written into the stream with this connection, so only a credential that may write runs can
   * (the server refuses the others' writes; the form is not offered to them).
   */
  async function fork(req: IncomingMessage, res: ServerResponse, runId: string): Promise<void> {
    const form = await formBody(req);
    checkPost(req, form);
    const step = form.get("step") ?? "";
    if (!/^\d+$/.test(step)) throw new HttpError(400, `step: expected a step number, got ${JSON.stringify(step)}`);
    if (!(await mayForkHere()))
      throw new HttpError(
        403,
        "refused: forking writes a new run into the stream (as cairn fork does), and your credential may not write runs (in the shipped accounts only admin may)",
      );
    const r = await forkRun(c.nc, c.subjects, await readRun(runId), { fromStep: Number(step) });
    res.writeHead(303, { ...SECURITY_HEADERS, location: `/runs/${encodeURIComponent(r.runId)}` });
    res.end();
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? "/", "http://ui.invalid");
    if (!admitted(req, res, url)) return;
    const path = url.pathname;
    const q = url.searchParams;
    if (req.method === "GET" && path === "/assets/app.css") return send(res, 200, STYLE, "text/css; charset=utf-8");
    if (req.method === "GET" && path === "/assets/app.js")
      return send(res, 200, SCRIPT, "text/javascript; charset=utf-8");
    if (req.method === "GET" && path === "/") {
      try {
        // Without counts: the first page waits for nothing but its runs (a planner's first count
        // reads its whole index); they come over the page's live stream.
        const page = await listPage(q, false);
        return send(
          res,
          200,
          runsPage({
            ...page,
            ...(q.get("cursor") ? { cursor: q.get("cursor")! } : {}),
          }),
        );
      } catch (err) {
        const filters = err instanceof HttpError ? {} : parseFilters(q).filters;
        return send(res, httpStatusOf(err), runsPage({ runs: [], filters, error: messageOf(err) }));
      }
    }
    if (req.method === "GET" && path === "/events/runs") return runsEvents(req, res, q);
    const m = /^\/runs\/([^/]+)(\/events|\/export|\/approve|\/cancel|\/send|\/fork)?$/.exec(path);
    if (!m) return send(res, 404, errorPage("Not found", `Nothing at ${path}.`));
    let runId: string;
    try {
      runId = decodeURIComponent(m[1]!);
    } catch {
      return send(res, 400, errorPage("Bad address", "The run id in the address is not valid percent-encoding."));
    }
    const sub = m[2];
    if (req.method === "GET" && !sub) return runGet(res, runId, q);
    if (req.method === "GET" && sub === "/events") return runEvents(req, res, runId);
    if (req.method === "GET" && sub === "/export") {
      const text = exportRunLog(await readRun(runId), { exportedAt: new Date().toISOString() });
      res.writeHead(200, {
        ...SECURITY_HEADERS,
        "content-type": "application/x-ndjson; charset=utf-8",
        "content-disposition": `attachment; filename="${runId.replace(/[^A-Za-z0-9_.-]/g, "_")}.cairn.jsonl"`,
      });
      res.end(text);
      return;
    }
    if (req.method === "POST" && (sub === "/approve" || sub === "/cancel" || sub === "/send"))
      return act(req, res, runId, sub.slice(1));
    if (req.method === "POST" && sub === "/fork") return fork(req, res, runId);
    send(res, 405, errorPage("Not allowed", `${req.method ?? "?"} ${path} is not served.`));
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      const status = httpStatusOf(err);
      if (status === 500) o.onError?.(err);
      if (res.headersSent) {
        res.end();
        return;
      }
      const title = status === 403 ? "Refused" : status === 404 ? "Not found" : "Error";
      send(res, status, errorPage(title, messageOf(err)));
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(o.port ?? 0, host, () => resolve());
  });
  port = (server.address() as AddressInfo).port;
  // The first page read three times before the UI says it is ready (the answers dropped; at most
  // 3 s in all): the first visitor does not pay for the cold path (this process's first requests
  // and renders, before the JIT compiled them; the planner's first read of a large index), nor
  // share the machine with it. A failure here (a credential that may not list) is the visitor's
  // to see, not start's.
  let waited: NodeJS.Timeout | undefined;
  let ready = false;
  const warm = async (): Promise<void> => {
    // (no read starts once the UI is ready: a slow index does not share the machine with the first visitor)
    for (let i = 0; i < 3 && !ready; i++) runsPage(await listPage(new URLSearchParams(), false));
  };
  await Promise.race([
    warm().catch(() => undefined),
    new Promise<void>((resolve) => (waited = setTimeout(resolve, 3_000))),
  ]);
  ready = true;
  clearTimeout(waited);
  const shown = host.includes(":") ? `[${host}]` : host;
  const url = `http://${shown}:${port}/`;
  return {
    url,
    openUrl: o.token ? `${url}?token=${encodeURIComponent(o.token)}` : url,
    async stop() {
      for (const r of streams) r.end();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
