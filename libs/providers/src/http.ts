import { STATUS_CODES } from "node:http";
import { RetryableError, TerminalError } from "@cairn/runtime";
import { identifier, plainText, safeUrl, scrubText, secretRedactor, urlSecrets } from "./redact.js";
import { SseParser, type SseEvent } from "./sse.js";
import type { ModelRequest } from "@cairn/runtime";
import type { CallOptions, ModelResponse } from "./types.js";

/**
 * What the HTTP providers share: one POST with a time limit and the caller's signal, the mapping
 * of every failure to a RetryableError or TerminalError (see {@link httpError}), reading a JSON or
 * a Server-Sent Events body, and keeping credentials out of every message. Internal to this
 * package (only {@link parseRetryAfter} is exported from the index).
 *
 * Error messages end up in the run's log, readable by everyone who may read the run. So they are
 * built from what cannot carry a credential: the provider's name, the URL without userinfo, query
 * or fragment, the HTTP status and its standard reason phrase, and the error type and code parsed
 * from the provider's JSON error (OpenAI `error.type`/`error.code`, Anthropic `error.type`) when
 * they are short identifiers. Free text from a body (a message, a non-JSON body) is quoted only
 * when it passes the strict filter of redact.ts `plainText` (short plain words, no digits, no
 * URL, no word like "key" or "token"); otherwise only its size and media type are said. Last, the
 * whole message goes through the redactor: the API key, the URL's userinfo and query values and
 * the configured header values, in literal, URL-encoded, base64, hex and partial (8+ character)
 * forms. Redirects are not followed (a redirect would carry the key's header to another place and
 * its Location is not quoted).
 */

export const DEFAULT_TIMEOUT_MS = 60_000;

export function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** A token count from the wire, or 0 when missing or nonsense. */
export function tokenCount(v: unknown): number {
  return typeof v === "number" && Number.isFinite(v) && v >= 0 ? v : 0;
}

/** What an error message may say about a body: the body itself when it passes `plainText`, else its size (and media type). */
export function bodyNote(text: string, redact: (s: string) => string, contentType?: string | null): string {
  const plain = plainText(text, redact);
  if (plain !== undefined) return `: ${plain}`;
  if (text.trim() === "") return "";
  const type = (contentType ?? "").split(";")[0]!.trim().toLowerCase();
  const shownType = /^[a-z0-9.+-]{1,40}\/[a-z0-9.+-]{1,60}$/.test(type) ? `, ${type}` : "";
  return ` (body of ${Buffer.byteLength(text, "utf8")} bytes${shownType}, not quoted)`;
}

/** The type, code and (filtered) message of a provider's JSON error body, each only when it is safe to show. */
export function errorDetail(
  text: string,
  redact: (s: string) => string,
): { type?: string; code?: string; message?: string } {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    const message = plainText(text, redact);
    return message === undefined ? {} : { message };
  }
  if (!isObject(json)) return {};
  // OpenAI {error: {message, type, code}}; Anthropic {type: "error", error: {type, message}};
  // others {error: "text"}, {message}, {detail}.
  const e = isObject(json["error"]) ? json["error"] : json;
  const type = identifier(e["type"], redact);
  const code = identifier(e["code"], redact);
  const raw =
    typeof json["error"] === "string"
      ? json["error"]
      : typeof e["message"] === "string"
        ? e["message"]
        : typeof json["detail"] === "string"
          ? json["detail"]
          : undefined;
  const message = plainText(raw, redact);
  return {
    ...(type !== undefined && type !== "error" ? { type } : {}),
    ...(code !== undefined ? { code } : {}),
    ...(message !== undefined ? { message } : {}),
  };
}

/** `: type (code): message`, with the parts that are there. */
function detailText(d: { type?: string; code?: string; message?: string }): string {
  const id = [d.type, d.code !== undefined && d.code !== d.type ? `(${d.code})` : undefined].filter(Boolean).join(" ");
  return `${id ? `: ${id}` : ""}${d.message !== undefined ? `: ${d.message}` : ""}`;
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
 * → terminal "invalid_response" (a 3xx: redirects are not followed). Every error carries
 * `status`. The message: `<name>: HTTP <status> <standard reason>: <type> (<code>): <message>`,
 * each part only when safe to show (see the module comment); never the server's own reason phrase.
 */
export function httpError(name: string, res: Response, text: string, redact: (s: string) => string): Error {
  const status = res.status;
  const reason = STATUS_CODES[status];
  const head = `${name}: HTTP ${status}${reason ? ` ${reason}` : ""}`;
  const tail =
    status >= 300 && status < 400
      ? ": redirects are not followed (configure the API's own URL)"
      : detailText(errorDetail(text, redact));
  const message = redact(scrubText(head + tail));
  if (status === 429) {
    return withStatus(
      new RetryableError(message, { kind: "rate_limited", retryAfterMs: parseRetryAfter(res.headers) }),
      status,
    );
  }
  if (status === 408 || status === 409 || status >= 500) {
    return withStatus(
      new RetryableError(message, { kind: "server_error", retryAfterMs: parseRetryAfter(res.headers) }),
      status,
    );
  }
  if (status === 401 || status === 403) return withStatus(new TerminalError(message, { kind: "auth" }), status);
  if (status >= 400) return withStatus(new TerminalError(message, { kind: "bad_request" }), status);
  return withStatus(new TerminalError(message, { kind: "invalid_response" }), status);
}

/**
 * The error for an error reported inside a successful (200) event stream, by the error's `type`
 * as Anthropic and OpenAI name them: overloaded/server/api errors and unknown types are retried.
 * The type is quoted when it is a short identifier, the message only when it passes `plainText`.
 */
export function streamError(name: string, errorType: string, message: string, redact: (s: string) => string): Error {
  const shownType = identifier(errorType, redact) ?? "unknown";
  const plain = plainText(message, redact);
  const text = redact(
    scrubText(`${name}: error in the response stream (${shownType})${plain !== undefined ? `: ${plain}` : ""}`),
  );
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

/** The failure of fetch itself, for a message (the caller scrubs and redacts it). */
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
export async function completeOverHttp(
  http: HttpCall,
  req: ModelRequest,
  call: CallOptions,
  wire: WireProtocol,
): Promise<ModelResponse> {
  const streaming = call.onToken !== undefined;
  const headers = {
    "content-type": "application/json",
    accept: streaming ? "text/event-stream" : "application/json",
    ...wire.headers,
  };
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
  /** Removed from every error message, in every form (see redact.ts). */
  apiKey?: string;
  /** More values removed from every error message (e.g. the configured extra header values). */
  secrets?: readonly string[];
  fetch?: typeof fetch;
  defaultTimeoutMs: number;
  call: CallOptions;
}

/** One model call over HTTP: posting, reading, and the errors of both. */
export interface HttpCall {
  readonly name: string;
  /** The URL as error messages show it: no userinfo, query string or fragment. */
  readonly url: string;
  readonly redact: (s: string) => string;
  /** POSTs `body`; a non-2xx answer is read and thrown as {@link httpError}. */
  readonly post: (headers: Record<string, string>, body: string) => Promise<Response>;
  /** The whole body as text. */
  readonly text: (res: Response) => Promise<string>;
  /** The body text parsed as JSON, or a terminal "invalid_response". */
  readonly json: (res: Response, text: string) => unknown;
  /** A terminal "invalid_response" naming `msg` and describing `text` (quoted only when it passes `plainText`). */
  readonly invalid: (res: Response, msg: string, text: string) => Error;
  /**
   * Reads the body as an event stream, calling `onEvent` for each event until it returns true
   * (then the rest of the body is dropped) or the body ends. Returns whether `onEvent` said done.
   */
  readonly events: (res: Response, onEvent: (ev: SseEvent) => boolean | void) => Promise<boolean>;
}

export function startCall(o: HttpCallOptions): HttpCall {
  const { name, url: target, apiKey, call } = o;
  const redact = secretRedactor([apiKey, ...urlSecrets(target), ...(o.secrets ?? [])]);
  /** Every message: URLs shown without userinfo or query, then every credential form redacted. */
  const clean = (s: string): string => redact(scrubText(s));
  const url = safeUrl(target);
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
    return new RetryableError(clean(`${name}: network error ${during}: ${describeNetworkError(err)}`), {
      kind: "network",
      cause: err,
    });
  };

  const text = async (res: Response): Promise<string> => {
    try {
      return await res.text();
    } catch (err) {
      throw transportError(err, `reading the response from ${url}`);
    }
  };

  const invalid = (res: Response, msg: string, body: string): Error =>
    withStatus(
      new TerminalError(
        clean(`${name}: ${msg} (HTTP ${res.status})${bodyNote(body, redact, res.headers.get("content-type"))}`),
        { kind: "invalid_response" },
      ),
      res.status,
    );

  return {
    name,
    url,
    redact: clean,
    post: async (headers, body) => {
      const doFetch = o.fetch ?? globalThis.fetch;
      let parsed: URL | undefined;
      try {
        parsed = new URL(target);
      } catch {
        parsed = undefined;
      }
      if (parsed && (parsed.username !== "" || parsed.password !== "")) {
        // fetch refuses such URLs, quoting them whole; say it without the credentials, once.
        throw new TerminalError(
          `${name}: the provider URL ${url} carries credentials (a user name or password): give the key as the provider's API key instead`,
          { kind: "bad_request" },
        );
      }
      let res: Response;
      try {
        // No redirects: following one would send the key's header to wherever the Location says.
        res = await doFetch(target, { method: "POST", headers, body, signal, redirect: "manual" });
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
        throw invalid(res, "response is not JSON", body);
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
  return new RetryableError(`${call.name}: the response stream from ${call.url} ended before ${what}`, {
    kind: "network",
  });
}
