import { RetryableError, TerminalError } from "@cairn/runtime";
import type { ChatMessage, ModelRequest, ToolCall, ToolSpec } from "@cairn/runtime";
import type { CallOptions, ModelProvider, ModelResponse } from "./types.js";

/** Options for {@link createOpenAiProvider}. */
export interface OpenAiProviderOptions {
  /** API root including the version segment, e.g. `https://api.openai.com/v1` or `http://127.0.0.1:1234/v1`. */
  baseUrl: string;
  /** Sent as `Authorization: Bearer <apiKey>` when set; never included in error messages. */
  apiKey?: string;
  /** The provider's name (default "openai"). */
  name?: string;
  /** Time limit per call in ms when the call gives no `timeoutMs` (default 60000). */
  defaultTimeoutMs?: number;
  /** Extra request headers (e.g. an organisation or project header). */
  headers?: Record<string, string>;
  /** The fetch to use (default: Node's global fetch). */
  fetch?: typeof fetch;
}

const DEFAULT_TIMEOUT_MS = 60_000;
const BODY_SLICE = 500;

/**
 * A provider for any OpenAI-compatible Chat Completions server (OpenAI, vLLM, Ollama, llama.cpp
 * server, ...): one non-streaming `POST {baseUrl}/chat/completions` per `complete` call.
 *
 * Failures are thrown as errors from @cairn/runtime, each with a `kind` and, for HTTP failures,
 * the `status`:
 * - retried (RetryableError): HTTP 429 → "rate_limited"; HTTP 408, 409 and 5xx → "server_error"
 *   (both with `retryAfterMs` from `retry-after-ms` or `Retry-After` when the server sent one);
 *   the call's time limit running out → "timeout"; connection failures (refused, reset, DNS,
 *   ...) → "network".
 * - not retried (TerminalError): HTTP 401/403 → "auth"; any other 4xx → "bad_request"; a success
 *   response that is not JSON or has no `choices[0].message` (or any other unexpected status) →
 *   "invalid_response"; the caller's `signal` aborting → "aborted".
 *
 * Error messages carry the status and at most 500 characters of the response body, never the API key.
 */
export function createOpenAiProvider(opts: OpenAiProviderOptions): ModelProvider {
  const name = opts.name ?? "openai";
  const url = `${opts.baseUrl.replace(/\/+$/, "")}/chat/completions`;
  const defaultTimeoutMs = opts.defaultTimeoutMs ?? DEFAULT_TIMEOUT_MS;
  const apiKey = opts.apiKey;
  const redact = (s: string): string => (apiKey ? s.split(apiKey).join("[redacted]") : s);

  return {
    name,
    async complete(req: ModelRequest, call: CallOptions = {}): Promise<ModelResponse> {
      const doFetch = opts.fetch ?? globalThis.fetch;
      const timeoutMs = call.timeoutMs ?? defaultTimeoutMs;
      const timeoutSignal = AbortSignal.timeout(timeoutMs);
      const signal = call.signal ? AbortSignal.any([timeoutSignal, call.signal]) : timeoutSignal;

      const headers: Record<string, string> = {
        "content-type": "application/json",
        accept: "application/json",
        ...opts.headers,
      };
      if (apiKey) headers["authorization"] = `Bearer ${apiKey}`;

      const body = JSON.stringify(toWireRequest(req));

      // Classifies a failure of fetch or of reading the body: abort, timeout, or network.
      const transportError = (err: unknown, during: string): Error => {
        if (call.signal?.aborted) {
          return new TerminalError(`${name}: call aborted ${during}`, { kind: "aborted", cause: call.signal.reason });
        }
        if (timeoutSignal.aborted || (err instanceof Error && err.name === "TimeoutError")) {
          return new RetryableError(`${name}: no answer within ${timeoutMs} ms ${during}`, { kind: "timeout", cause: err });
        }
        return new RetryableError(redact(`${name}: network error ${during}: ${describeNetworkError(err)}`), {
          kind: "network",
          cause: err,
        });
      };

      let res: Response;
      try {
        res = await doFetch(url, { method: "POST", headers, body, signal });
      } catch (err) {
        throw transportError(err, `calling ${url}`);
      }

      let text: string;
      try {
        text = await res.text();
      } catch (err) {
        throw transportError(err, `reading the response from ${url}`);
      }

      if (!res.ok) throw httpError(name, res, text, redact);

      let json: unknown;
      try {
        json = JSON.parse(text);
      } catch {
        throw withStatus(
          new TerminalError(redact(`${name}: response is not JSON (HTTP ${res.status}): ${slice(text)}`), { kind: "invalid_response" }),
          res.status,
        );
      }
      return fromWireResponse(json, req, (msg) =>
        withStatus(new TerminalError(redact(`${name}: ${msg} (HTTP ${res.status}): ${slice(text)}`), { kind: "invalid_response" }), res.status),
      );
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Request mapping

type WireMessage =
  | { role: "system" | "user"; content: string }
  | { role: "assistant"; content: string | null; tool_calls?: WireToolCall[] }
  | { role: "tool"; tool_call_id: string; content: string };

interface WireToolCall {
  id: string;
  type: "function";
  function: { name: string; arguments: string };
}

function toWireMessage(m: ChatMessage): WireMessage {
  switch (m.role) {
    case "system":
    case "user":
      return { role: m.role, content: m.content };
    case "assistant": {
      const calls = m.toolCalls ?? [];
      if (calls.length === 0) return { role: "assistant", content: m.content ?? "" };
      return {
        role: "assistant",
        content: m.content,
        tool_calls: calls.map((c) => ({ id: c.id, type: "function", function: { name: c.name, arguments: c.arguments } })),
      };
    }
    case "tool":
      return { role: "tool", tool_call_id: m.toolCallId, content: m.content };
  }
}

function toWireTool(t: ToolSpec): unknown {
  return { type: "function", function: { name: t.name, description: t.description, parameters: t.inputSchema } };
}

function toWireRequest(req: ModelRequest): Record<string, unknown> {
  const body: Record<string, unknown> = {
    model: req.model,
    messages: req.messages.map(toWireMessage),
    stream: false,
  };
  if (req.tools.length > 0) body["tools"] = req.tools.map(toWireTool);
  if (req.temperature !== undefined) body["temperature"] = req.temperature;
  return body;
}

// ---------------------------------------------------------------------------------------------
// Response mapping

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function contentText(v: unknown): string | null {
  if (typeof v === "string") return v;
  // Some servers answer with content parts: [{ type: "text", text: "..." }, ...].
  if (Array.isArray(v)) {
    const parts = v.flatMap((p) => (isObject(p) && typeof p["text"] === "string" ? [p["text"]] : []));
    return parts.length > 0 ? parts.join("") : null;
  }
  return null;
}

function tokenCount(v: unknown): number {
  return typeof v === "number" && Number.isFinite(v) && v >= 0 ? v : 0;
}

function fromWireResponse(json: unknown, req: ModelRequest, invalid: (msg: string) => Error): ModelResponse {
  if (!isObject(json)) throw invalid("response is not a JSON object");
  const choices = json["choices"];
  const choice: unknown = Array.isArray(choices) ? choices[0] : undefined;
  if (!isObject(choice) || !isObject(choice["message"])) throw invalid("response has no choices[0].message");
  const message = choice["message"];

  const toolCalls: ToolCall[] = [];
  const rawCalls = message["tool_calls"];
  if (rawCalls !== undefined && rawCalls !== null) {
    if (!Array.isArray(rawCalls)) throw invalid("choices[0].message.tool_calls is not an array");
    rawCalls.forEach((raw: unknown, i) => {
      const fn = isObject(raw) ? raw["function"] : undefined;
      if (!isObject(raw) || !isObject(fn) || typeof fn["name"] !== "string" || fn["name"] === "") {
        throw invalid(`tool call ${i} has no function name`);
      }
      const args = fn["arguments"];
      toolCalls.push({
        id: typeof raw["id"] === "string" && raw["id"] !== "" ? raw["id"] : `call_${i}`,
        name: fn["name"],
        arguments: typeof args === "string" ? args : args === undefined || args === null ? "{}" : JSON.stringify(args),
      });
    });
  }

  const finish = choice["finish_reason"];
  const usage = isObject(json["usage"]) ? json["usage"] : {};
  return {
    content: contentText(message["content"]),
    toolCalls,
    finishReason: typeof finish === "string" && finish !== "" ? (finish === "function_call" ? "tool_calls" : finish) : "stop",
    model: typeof json["model"] === "string" && json["model"] !== "" ? json["model"] : req.model,
    usage: { inputTokens: tokenCount(usage["prompt_tokens"]), outputTokens: tokenCount(usage["completion_tokens"]) },
  };
}

// ---------------------------------------------------------------------------------------------
// Errors

function slice(text: string): string {
  const t = text.trim();
  return t.length > BODY_SLICE ? `${t.slice(0, BODY_SLICE)}…` : t;
}

function withStatus<E extends Error>(err: E, status: number): E & { status: number } {
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

function httpError(name: string, res: Response, text: string, redact: (s: string) => string): Error {
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

function describeNetworkError(err: unknown): string {
  // Node's fetch throws TypeError("fetch failed") with the socket error (code ECONNREFUSED, ...) as cause.
  const cause = err instanceof Error ? err.cause : undefined;
  const code = isObject(cause) && typeof cause["code"] === "string" ? cause["code"] : undefined;
  const causeMsg = cause instanceof Error ? cause.message : undefined;
  const base = err instanceof Error ? err.message : String(err);
  return [base, code, causeMsg && causeMsg !== code ? causeMsg : undefined].filter(Boolean).join(": ");
}
