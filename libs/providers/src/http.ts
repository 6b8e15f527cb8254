import { RetryableError, TerminalError } from "@cairn/runtime";
import { SseParser, type SseEvent } from "./sse.js";
import type { ModelRequest } from "@cairn/runtime";
import type { CallOptions, ModelResponse } from "./types.js";

/**
 * What the HTTP providers share: one POST with a time limit and the caller's signal, the mapping
 * of every failure to a RetryableError or TerminalError (see {@link httpError}), reading a JSON or
 * a Server-Sent Events body, and keeping the API key out of every message. Internal to this
 * package (only {@link parseRetryAfter} is exported from the index).
 */

export const DEFAULT_TIMEOUT_MS = 60_000;
const BODY_SLICE = 500;

export function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** A token count from the wire, or 0 when missing or nonsense. */
export function tokenCount(v: unknown): number {
  return typeof v === "number" && Number.isFinite(v) && v >= 0 ? v : 0;
}

/** At most 500 characters of a body, for error messages. */
export function slice(text: string): string {
  const t = text.trim();
  return t.length > BODY_SLICE ? `${t.slice(0, BODY_SLICE)}…` : t;
}

export function withStatus<E extends Error>(err: E, status: number): E & { status: number } {
  return Object.assign(err, { status });
}

/** Delay asked for by `retry-after-ms` (ms) or `Retry-After` (seconds or an HTTP date), if any. */
export function parseRetryAfter(headers: Headers, now: number = Date.now()): number | undefined {
  const ms = headers.get("retry-after-ms");
  if (ms !== null && ms.trim() !== "") {
    const n = Number(ms);
    if (Number.isFinite(n) && n >= 0) return Math.round(n);
  }
  const ra = headers.get("retry-after");
  if (ra === null || ra.trim() === "") return undefined;
  const secs = Number(ra);
  if (Number.isFinite(secs)) return secs >= 0 ? Math.round(secs * 1000) : undefined;
  const at = Date.parse(ra);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, at - now);
}

/**
 * The error for a non-2xx answer: 429 → retryable "rate_limited"; 408, 409 and 5xx (including
 * Anthropic's 529 "overloaded") → retryable "server_error", both with `retryAfterMs` when the
 * server sent one; 401/403 → terminal "auth"; other 4xx → terminal "bad_request"; anything else
 * → terminal "invalid_response". Every error carries `status`.
 */
export function httpError(name: string, res: Response, text: string, redact: (s: string) => string): Error {
  const status = res.status;
  const message = redact(`${name}: HTTP ${status}${res.statusText ? ` ${res.statusText}` : ""}: ${slice(text)}`);
  if (status === 429) {
    return withStatus(new RetryableError(message, { kind: "rate_limited", retryAfterMs: parseRetryAfter(res.headers) }), status);
  }
  if (status === 408 || status === 409 || status >= 500) {
    return withStatus(new RetryableError(message, { kind: "server_error", retryAfterMs: parseRetryAfter(res.headers) }), status);
  }
  if (status === 401 || status === 403) return withStatus(new TerminalError(message, { kind: "auth" }), status);
  if (status >= 400) return withStatus(new TerminalError(message, { kind: "bad_request" }), status);
  return withStatus(new TerminalError(message, { kind: "invalid_response" }), status);
}

/**
 * The error for an error reported inside a successful (200) event stream, by the error's `type`
 * as Anthropic and OpenAI name them: overloaded/server/api errors and unknown types are retried.
 */
export function streamError(name: string, errorType: string, message: string, redact: (s: string) => string): Error {
  const text = redact(`${name}: error in the response stream (${errorType || "unknown"}): ${slice(message)}`);
  switch (errorType) {
    case "rate_limit_error":
    case "rate_limit_exceeded":
      return new RetryableError(text, { kind: "rate_limited" });
    case "authentication_error":
    case "permission_error":
      return new TerminalError(text, { kind: "auth" });
    case "invalid_request_error":
    case "not_found_error":
    case "request_too_large":
      return new TerminalError(text, { kind: "bad_request" });
    default:
      return new RetryableError(text, { kind: "server_error" });
  }
}

export function describeNetworkError(err: unknown): string {
  // Node's fetch throws TypeError("fetch failed") with the socket error (code ECONNREFUSED, ...) as cause.
  const cause = err instanceof Error ? err.cause : undefined;
  const code = isObject(cause) && typeof cause["code"] === "string" ? cause["code"] : undefined;
  const causeMsg = cause instanceof Error ? cause.message : undefined;
  const base = err instanceof Error ? err.message : String(err);
  return [base, code, causeMsg && causeMsg !== code ? causeMsg : undefined].filter(Boolean).join(": ");
}

/** Wraps a token callback so that a throwing watcher never fails the model call. */
export function tokenSink(onToken: ((text: string) => void) | undefined): (text: string) => void {
  if (!onToken) return () => undefined;
  return (text) => {
    if (text === "") return;
    try {
      onToken(text);
    } catch {
      // Streaming is best effort: the durable record is the final response.
    }
  };
}

export function isEventStream(res: Response): boolean {
  // Anything but JSON is read as an event stream (some servers send no or an odd content type).
  const type = (res.headers.get("content-type") ?? "").toLowerCase();
  return !type.includes("json");
}

/** How one provider speaks its wire protocol, for {@link completeOverHttp}. */
export interface WireProtocol {
  /** Headers besides content-type and accept (authentication, API version, the caller's own). */
  headers: Record<string, string>;
  /** The request body for `req`; `stream` asks the server for an event stream. */
  body(req: ModelRequest, stream: boolean): unknown;
  /** The answer from a JSON response body. */
  fromResponse(json: unknown, req: ModelRequest, invalid: (msg: string) => Error): ModelResponse;
  /** The answer from an event-stream body, sending text deltas to `emit` as they come. */
  readStream(http: HttpCall, res: Response, req: ModelRequest, emit: (text: string) => void): Promise<ModelResponse>;
}

/**
 * One model call: POST the request (streaming when the caller wants tokens), then read an event
 * stream or a JSON answer. A server that ignored the stream request still gets its answer to the
 * watcher, in one piece.
 */
export async function completeOverHttp(http: HttpCall, req: ModelRequest, call: CallOptions, wire: WireProtocol): Promise<ModelResponse> {
  const streaming = call.onToken !== undefined;
  const headers = { "content-type": "application/json", accept: streaming ? "text/event-stream" : "application/json", ...wire.headers };
  const res = await http.post(headers, JSON.stringify(wire.body(req, streaming)));
  if (streaming && isEventStream(res)) return wire.readStream(http, res, req, tokenSink(call.onToken));
  const text = await http.text(res);
  const out = wire.fromResponse(http.json(res, text), req, (msg) => http.invalid(res, msg, text));
  if (streaming && out.content !== null) tokenSink(call.onToken)(out.content);
  return out;
}

export interface HttpCallOptions {
  /** The provider's name, first word of every error message. */
  name: string;
  url: string;
  /** Removed from every error message. */
  apiKey?: string;
  fetch?: typeof fetch;
  defaultTimeoutMs: number;
  call: CallOptions;
}

/** One model call over HTTP: posting, reading, and the errors of both. */
export interface HttpCall {
  readonly name: string;
  readonly url: string;
  readonly redact: (s: string) => string;
  /** POSTs `body`; a non-2xx answer is read and thrown as {@link httpError}. */
  readonly post: (headers: Record<string, string>, body: string) => Promise<Response>;
  /** The whole body as text. */
  readonly text: (res: Response) => Promise<string>;
  /** The body text parsed as JSON, or a terminal "invalid_response". */
  readonly json: (res: Response, text: string) => unknown;
  /** A terminal "invalid_response" naming `msg` and quoting (a slice of) `text`. */
  readonly invalid: (res: Response, msg: string, text: string) => Error;
  /**
   * Reads the body as an event stream, calling `onEvent` for each event until it returns true
   * (then the rest of the body is dropped) or the body ends. Returns whether `onEvent` said done.
   */
  readonly events: (res: Response, onEvent: (ev: SseEvent) => boolean | void) => Promise<boolean>;
}

export function startCall(o: HttpCallOptions): HttpCall {
  const { name, url, apiKey, call } = o;
  const redact = (s: string): string => (apiKey ? s.split(apiKey).join("[redacted]") : s);
  const timeoutMs = call.timeoutMs ?? o.defaultTimeoutMs;
  const timeoutSignal = AbortSignal.timeout(timeoutMs);
  const signal = call.signal ? AbortSignal.any([timeoutSignal, call.signal]) : timeoutSignal;

  // Classifies a failure of fetch or of reading the body: abort, timeout, or network.
  const transportError = (err: unknown, during: string): Error => {
    if (call.signal?.aborted) {
      return new TerminalError(`${name}: call aborted ${during}`, { kind: "aborted", cause: call.signal.reason });
    }
    if (timeoutSignal.aborted || (err instanceof Error && err.name === "TimeoutError")) {
      return new RetryableError(`${name}: no answer within ${timeoutMs} ms ${during}`, { kind: "timeout", cause: err });
    }
    return new RetryableError(redact(`${name}: network error ${during}: ${describeNetworkError(err)}`), { kind: "network", cause: err });
  };

  const text = async (res: Response): Promise<string> => {
    try {
      return await res.text();
    } catch (err) {
      throw transportError(err, `reading the response from ${url}`);
    }
  };

  const invalid = (res: Response, msg: string, body: string): Error =>
    withStatus(new TerminalError(redact(`${name}: ${msg} (HTTP ${res.status}): ${slice(body)}`), { kind: "invalid_response" }), res.status);

  return {
    name,
    url,
    redact,
    post: async (headers, body) => {
      const doFetch = o.fetch ?? globalThis.fetch;
      let res: Response;
      try {
        res = await doFetch(url, { method: "POST", headers, body, signal });
      } catch (err) {
        throw transportError(err, `calling ${url}`);
      }
      if (!res.ok) throw httpError(name, res, await text(res), redact);
      return res;
    },
    text,
    json: (res, body) => {
      try {
        return JSON.parse(body);
      } catch {
        throw withStatus(new TerminalError(redact(`${name}: response is not JSON (HTTP ${res.status}): ${slice(body)}`), { kind: "invalid_response" }), res.status);
      }
    },
    invalid,
    events: async (res, onEvent) => {
      if (!res.body) throw invalid(res, "response has no body", "");
      const reader = res.body.getReader();
      const decoder = new TextDecoder();
      let done = false;
      const parser = new SseParser((ev) => {
        if (!done && onEvent(ev) === true) done = true;
      });
      try {
        while (!done) {
          let chunk;
          try {
            chunk = await reader.read();
          } catch (err) {
            throw transportError(err, `reading the response stream from ${url}`);
          }
          if (chunk.done) {
            parser.push(decoder.decode());
            parser.end();
            break;
          }
          parser.push(decoder.decode(chunk.value, { stream: true }));
        }
      } finally {
        // Done early, or failed: drop the rest of the body (a no-op once it has ended).
        reader.cancel().catch(() => undefined);
      }
      return done;
    },
  };
}

/** The retryable error for an event stream that ended before its final event. */
export function streamCutOff(call: HttpCall, what: string): Error {
  return new RetryableError(`${call.name}: the response stream from ${call.url} ended before ${what}`, { kind: "network" });
}
