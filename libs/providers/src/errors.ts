import { STATUS_CODES } from "node:http";
import {
  APICallError,
  InvalidPromptError,
  InvalidResponseDataError,
  JSONParseError,
  LoadAPIKeyError,
  NoSuchModelError,
  TypeValidationError,
  UnsupportedFunctionalityError,
} from "ai";
import { RetryableError, TerminalError } from "@cairn/runtime";
import { identifier, plainText, scrubText } from "./redact.js";

/**
 * Every failure of a model call, mapped to Cairn's errors: a RetryableError (Cairn retries the
 * step durably; the AI SDK's own retries are off) or a TerminalError, each with a `kind` and, for
 * HTTP failures, the `status`. Internal to this package (only {@link parseRetryAfter} is exported
 * from the index).
 *
 * Error messages end up in the run's log, readable by everyone who may read the run. So they are
 * built from what cannot carry a credential: the provider's name, the URL without userinfo, query
 * or fragment, the HTTP status and its standard reason phrase, and the error type and code parsed
 * from the provider's JSON error (OpenAI `error.type`/`error.code`, Anthropic `error.type`) when
 * they are short identifiers. Free text from a body or from the SDK's own message is quoted only
 * when it passes the strict filter of redact.ts `plainText` (short plain words, no digits, no URL,
 * no word like "key" or "token"); otherwise only its size and media type are said. Last, the whole
 * message goes through the redactor: the API key, the URL's userinfo and query values and the
 * configured header values, in literal, URL-encoded, base64, hex and partial (8+ character) forms.
 * No SDK error is attached as `cause` (it holds the request and response bodies).
 */

export function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
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

function withStatus<E extends Error>(err: E, status: number): E & { status: number } {
  return Object.assign(err, { status });
}

type HeaderBag = Headers | Record<string, string | undefined> | undefined;

function header(headers: HeaderBag, name: string): string | null {
  if (headers === undefined) return null;
  if (headers instanceof Headers) return headers.get(name);
  for (const [k, v] of Object.entries(headers)) if (k.toLowerCase() === name && v !== undefined) return v;
  return null;
}

/** Delay asked for by `retry-after-ms` (ms) or `Retry-After` (seconds or an HTTP date), if any. */
export function parseRetryAfter(headers: HeaderBag, now: number = Date.now()): number | undefined {
  const ms = header(headers, "retry-after-ms");
  if (ms !== null && ms.trim() !== "") {
    const n = Number(ms);
    if (Number.isFinite(n) && n >= 0) return Math.round(n);
  }
  const ra = header(headers, "retry-after");
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
export function httpError(
  name: string,
  status: number,
  headers: HeaderBag,
  text: string,
  redact: (s: string) => string,
): Error {
  const reason = STATUS_CODES[status];
  const head = `${name}: HTTP ${status}${reason ? ` ${reason}` : ""}`;
  const tail =
    status >= 300 && status < 400
      ? ": redirects are not followed (configure the API's own URL)"
      : detailText(errorDetail(text, redact));
  const message = redact(scrubText(head + tail));
  if (status === 429) {
    return withStatus(
      new RetryableError(message, { kind: "rate_limited", retryAfterMs: parseRetryAfter(headers) }),
      status,
    );
  }
  if (status === 408 || status === 409 || status >= 500) {
    return withStatus(
      new RetryableError(message, { kind: "server_error", retryAfterMs: parseRetryAfter(headers) }),
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

/** The socket-level failure under an error (its messages and code, e.g. `connect ECONNREFUSED …: ECONNREFUSED`). */
function networkDetail(err: unknown): string {
  const parts: string[] = [];
  const seen = new Set<unknown>();
  for (let e: unknown = err; e instanceof Error && !seen.has(e); e = e.cause) {
    seen.add(e);
    if (!APICallError.isInstance(e)) parts.push(e.message);
    const code = (e as { code?: unknown }).code;
    if (typeof code === "string" && !parts.includes(code)) parts.push(code);
  }
  return parts.filter(Boolean).join(": ");
}

/** What a call knows to classify its failure. */
export interface CallContext {
  name: string;
  /** The endpoint as messages show it (no userinfo, query or fragment). */
  url: string;
  /** Removes every credential form (see redact.ts) after URLs are scrubbed. */
  redact: (s: string) => string;
  timeoutMs: number;
  /** The call's own time limit. */
  timeout: AbortSignal;
  /** The caller's signal, if any. */
  caller?: AbortSignal;
}

/** The terminal "invalid_response" for a 2xx answer that is not what the API promises. */
export function invalidResponse(c: CallContext, what: string, status?: number, body?: string, type?: string): Error {
  const note = body !== undefined ? bodyNote(body, c.redact, type) : "";
  const err = new TerminalError(
    c.redact(scrubText(`${c.name}: ${what}${status !== undefined ? ` (HTTP ${status})` : ""}${note}`)),
    { kind: "invalid_response" },
  );
  return status !== undefined ? withStatus(err, status) : err;
}

/** The retryable "network" error for a response stream that ended before the model finished. */
export function streamCutOff(c: CallContext): Error {
  return new RetryableError(`${c.name}: the response stream from ${c.url} ended before the model finished`, {
    kind: "network",
  });
}

/**
 * The SDK's Anthropic client reports an error that is the first event of a 200 stream as an
 * APICallError with a made-up status (529 or 500) and the event's error as the body; that error
 * is mapped by what it is (its type, or an event that was not JSON), not by the invented status.
 */
function inStreamError(body: string, c: CallContext): Error {
  let e: unknown;
  try {
    e = JSON.parse(body);
  } catch {
    e = undefined;
  }
  if (!isObject(e)) return streamError(c.name, "", "", c.redact);
  if (e["name"] === "AI_JSONParseError") return invalidResponse(c, "a stream event is not JSON");
  if (e["name"] === "AI_TypeValidationError") return invalidResponse(c, "a stream event is not in the API's format");
  return streamError(
    c.name,
    typeof e["type"] === "string" ? e["type"] : "",
    typeof e["message"] === "string" ? e["message"] : "",
    c.redact,
  );
}

const isCairnError = (err: unknown): err is Error =>
  err instanceof Error && (err.name === "RetryableError" || err.name === "TerminalError");

/**
 * Any failure of a call through the AI SDK, as a Cairn error (see the module comment):
 * - the caller's signal → terminal "aborted"; the call's time limit → retryable "timeout";
 * - an HTTP error answer → {@link httpError}; no answer at all (refused, reset, DNS, …) or a body
 *   cut off while read → retryable "network";
 * - a 2xx answer that is not JSON or not the API's shape, or a stream event that is not →
 *   terminal "invalid_response";
 * - a request the SDK refuses to send (invalid provider options, unsupported content) → terminal
 *   "bad_request";
 * - anything else → retryable "unknown" (an unknown error is retried).
 */
export function toCairnError(err: unknown, c: CallContext): Error {
  if (isCairnError(err)) return err;
  if (c.caller?.aborted)
    return new TerminalError(`${c.name}: call to ${c.url} aborted`, { kind: "aborted", cause: c.caller.reason });
  if (c.timeout.aborted || (err instanceof Error && err.name === "TimeoutError"))
    return new RetryableError(`${c.name}: no answer within ${c.timeoutMs} ms from ${c.url}`, { kind: "timeout" });
  const clean = (s: string): string => c.redact(scrubText(s));
  if (APICallError.isInstance(err)) {
    const status = err.statusCode;
    const headers = err.responseHeaders;
    if (status === undefined)
      return new RetryableError(clean(`${c.name}: network error calling ${c.url}: ${networkDetail(err.cause)}`), {
        kind: "network",
      });
    if (status >= 200 && status < 300) {
      if (err.isRetryable)
        return withStatus(
          new RetryableError(
            clean(`${c.name}: network error reading the response from ${c.url}: ${networkDetail(err.cause)}`),
            { kind: "network" },
          ),
          status,
        );
      const what = JSONParseError.isInstance(err.cause)
        ? "response is not JSON"
        : TypeValidationError.isInstance(err.cause)
          ? "response is not in the API's format"
          : "response could not be read";
      return invalidResponse(c, what, status, err.responseBody ?? "", header(headers, "content-type") ?? undefined);
    }
    if ((header(headers, "content-type") ?? "").toLowerCase().includes("text/event-stream"))
      return inStreamError(err.responseBody ?? "", c);
    return httpError(c.name, status, headers, err.responseBody ?? "", c.redact);
  }
  if (JSONParseError.isInstance(err)) return invalidResponse(c, "a stream event is not JSON");
  if (TypeValidationError.isInstance(err)) return invalidResponse(c, "a stream event is not in the API's format");
  if (InvalidResponseDataError.isInstance(err)) {
    const plain = plainText(err.message, c.redact);
    return invalidResponse(c, `invalid response${plain !== undefined ? `: ${plain}` : ""}`);
  }
  // The SDK has two (`ai`'s names a `parameter`, @ai-sdk/provider's, e.g. for providerOptions, an `argument`).
  if (err instanceof Error && err.name === "AI_InvalidArgumentError") {
    const a = err as { argument?: unknown; parameter?: unknown };
    return new TerminalError(
      clean(`${c.name}: invalid ${identifier(a.argument ?? a.parameter, c.redact) ?? "argument"}`),
      {
        kind: "bad_request",
      },
    );
  }
  if (
    InvalidPromptError.isInstance(err) ||
    UnsupportedFunctionalityError.isInstance(err) ||
    NoSuchModelError.isInstance(err) ||
    LoadAPIKeyError.isInstance(err)
  ) {
    const plain = plainText(err.message, c.redact);
    return new TerminalError(
      clean(`${c.name}: the request cannot be sent (${err.name})${plain !== undefined ? `: ${plain}` : ""}`),
      { kind: "bad_request" },
    );
  }
  const errName = err instanceof Error ? (identifier(err.name, c.redact) ?? "Error") : typeof err;
  return new RetryableError(`${c.name}: unexpected failure calling ${c.url} (${errName})`, { kind: "unknown" });
}
