import type { ChatMessage, ModelRequest, ToolCall, ToolSpec } from "@cairn/runtime";
import {
  completeOverHttp,
  DEFAULT_TIMEOUT_MS,
  isObject,
  startCall,
  streamCutOff,
  streamError,
  tokenCount,
} from "./http.js";
import type { HttpCall } from "./http.js";
import type { CallOptions, ModelProvider, ModelResponse } from "./types.js";

export { parseRetryAfter } from "./http.js";

/** Options for {@link createOpenAiProvider}. */
export interface OpenAiProviderOptions {
  /** API root including the version segment, e.g. `https://api.openai.com/v1` or `http://127.0.0.1:1234/v1`. */
  baseUrl: string;
  /** Sent as `Authorization: Bearer <apiKey>` when set; never included in error messages, in any form. */
  apiKey?: string;
  /** The provider's name (default "openai"). */
  name?: string;
  /** Time limit per call in ms when the call gives no `timeoutMs` (default 60000). */
  defaultTimeoutMs?: number;
  /** Extra request headers (e.g. an organisation or project header); their values are redacted from error messages too. */
  headers?: Record<string, string>;
  /** The fetch to use (default: Node's global fetch). */
  fetch?: typeof fetch;
}

/**
 * A provider for any OpenAI-compatible Chat Completions server (OpenAI, vLLM, Ollama, llama.cpp
 * server, ...): one `POST {baseUrl}/chat/completions` per `complete` call.
 *
 * Without `onToken` the request is non-streaming (`stream: false`). With `onToken` it asks for a
 * stream (`stream: true, stream_options: { include_usage: true }`), reads the Server-Sent Events
 * (`data: {chunk}` … `data: [DONE]`), calls `onToken` with each content delta in order, assembles
 * tool calls from their deltas by `index` (id, function name, concatenated arguments), takes the
 * finish reason and usage from the stream, and returns the same ModelResponse as a non-streaming
 * call. A stream that ends before `[DONE]` (or, for servers that never send `[DONE]`, before any
 * finish reason) is a retryable "network" error; an `error` object in the stream is mapped by its
 * type (see `streamError`). A server that ignores `stream: true` and answers with JSON is read as
 * a non-streaming answer whose content goes to `onToken` in one piece. An `onToken` that throws
 * is ignored: streaming is best effort, the durable record is the returned response.
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
 * Error messages carry the status and the error type and code from the body (free text only when
 * it passes a strict filter), never the API key, URL userinfo or query strings (see http.ts).
 */
export function createOpenAiProvider(opts: OpenAiProviderOptions): ModelProvider {
  const name = opts.name ?? "openai";
  const url = `${opts.baseUrl.replace(/\/+$/, "")}/chat/completions`;
  const defaultTimeoutMs = opts.defaultTimeoutMs ?? DEFAULT_TIMEOUT_MS;

  return {
    name,
    async complete(req: ModelRequest, call: CallOptions = {}): Promise<ModelResponse> {
      const http = startCall({
        name,
        url,
        apiKey: opts.apiKey,
        secrets: Object.values(opts.headers ?? {}),
        fetch: opts.fetch,
        defaultTimeoutMs,
        call,
      });
      const headers: Record<string, string> = { ...opts.headers };
      if (opts.apiKey) headers["authorization"] = `Bearer ${opts.apiKey}`;
      return completeOverHttp(http, req, call, {
        headers,
        body: toWireRequest,
        fromResponse: fromWireResponse,
        readStream,
      });
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
        tool_calls: calls.map((c) => ({
          id: c.id,
          type: "function",
          function: { name: c.name, arguments: c.arguments },
        })),
      };
    }
    case "tool":
      return { role: "tool", tool_call_id: m.toolCallId, content: m.content };
  }
}

function toWireTool(t: ToolSpec): unknown {
  return { type: "function", function: { name: t.name, description: t.description, parameters: t.inputSchema } };
}

function toWireRequest(req: ModelRequest, stream: boolean): Record<string, unknown> {
  const body: Record<string, unknown> = {
    model: req.model,
    messages: req.messages.map(toWireMessage),
    stream,
  };
  if (stream) body["stream_options"] = { include_usage: true };
  if (req.tools.length > 0) body["tools"] = req.tools.map(toWireTool);
  if (req.temperature !== undefined) body["temperature"] = req.temperature;
  return body;
}

// ---------------------------------------------------------------------------------------------
// Response mapping

function contentText(v: unknown): string | null {
  if (typeof v === "string") return v;
  // Some servers answer with content parts: [{ type: "text", text: "..." }, ...].
  if (Array.isArray(v)) {
    const parts = v.flatMap((p) => (isObject(p) && typeof p["text"] === "string" ? [p["text"]] : []));
    return parts.length > 0 ? parts.join("") : null;
  }
  return null;
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
    finishReason:
      typeof finish === "string" && finish !== "" ? (finish === "function_call" ? "tool_calls" : finish) : "stop",
    model: typeof json["model"] === "string" && json["model"] !== "" ? json["model"] : req.model,
    usage: { inputTokens: tokenCount(usage["prompt_tokens"]), outputTokens: tokenCount(usage["completion_tokens"]) },
  };
}

// ---------------------------------------------------------------------------------------------
// Streaming

interface ToolCallAcc {
  id: string;
  name: string;
  arguments: string;
}

async function readStream(
  http: HttpCall,
  res: Response,
  req: ModelRequest,
  emit: (text: string) => void,
): Promise<ModelResponse> {
  const parts: string[] = [];
  let sawContent = false;
  let model = "";
  let finish: string | undefined;
  let usage: Record<string, unknown> | undefined;
  const calls = new Map<number, ToolCallAcc>();
  let lastSlot = -1;

  const slotFor = (raw: Record<string, unknown>): ToolCallAcc => {
    let slot: number;
    const id = typeof raw["id"] === "string" && raw["id"] !== "" ? raw["id"] : undefined;
    if (typeof raw["index"] === "number" && Number.isInteger(raw["index"]) && raw["index"] >= 0) slot = raw["index"];
    // No index (some servers send whole calls): a new id starts a new call, else continue the last.
    else if (lastSlot < 0 || (id !== undefined && calls.get(lastSlot)?.id !== id))
      slot = calls.size === 0 ? 0 : Math.max(...calls.keys()) + 1;
    else slot = lastSlot;
    lastSlot = slot;
    let acc = calls.get(slot);
    if (!acc) {
      acc = { id: "", name: "", arguments: "" };
      calls.set(slot, acc);
    }
    return acc;
  };

  const done = await http.events(res, (ev) => {
    const data = ev.data.trim();
    if (data === "[DONE]") return true;
    if (data === "") return false;
    let chunk: unknown;
    try {
      chunk = JSON.parse(data);
    } catch {
      throw http.invalid(res, "stream event is not JSON", data);
    }
    if (!isObject(chunk)) throw http.invalid(res, "stream event is not a JSON object", data);
    const error = chunk["error"];
    if (error !== undefined && error !== null) {
      const e = isObject(error) ? error : {};
      const type = typeof e["type"] === "string" ? e["type"] : typeof e["code"] === "string" ? e["code"] : "";
      const message = typeof e["message"] === "string" ? e["message"] : JSON.stringify(error);
      throw streamError(http.name, type, message, http.redact);
    }
    if (typeof chunk["model"] === "string" && chunk["model"] !== "" && model === "") model = chunk["model"];
    if (isObject(chunk["usage"])) usage = chunk["usage"];
    const choices = chunk["choices"];
    const choice: unknown = Array.isArray(choices) ? choices[0] : undefined;
    if (!isObject(choice)) return false;
    const delta = choice["delta"];
    if (isObject(delta)) {
      const text = delta["content"];
      if (typeof text === "string") {
        sawContent = true;
        if (text !== "") {
          parts.push(text);
          emit(text);
        }
      }
      const rawCalls = delta["tool_calls"];
      if (Array.isArray(rawCalls)) {
        for (const raw of rawCalls as unknown[]) {
          if (!isObject(raw)) continue;
          const acc = slotFor(raw);
          if (typeof raw["id"] === "string" && raw["id"] !== "") acc.id = raw["id"];
          const fn = raw["function"];
          if (isObject(fn)) {
            if (typeof fn["name"] === "string" && fn["name"] !== "") acc.name = fn["name"];
            const args = fn["arguments"];
            if (typeof args === "string") acc.arguments += args;
            else if (isObject(args)) acc.arguments += JSON.stringify(args);
          }
        }
      }
    }
    const f = choice["finish_reason"];
    if (typeof f === "string" && f !== "") finish = f;
    return false;
  });
  if (!done && finish === undefined) throw streamCutOff(http, "[DONE]");

  const toolCalls: ToolCall[] = [...calls.entries()]
    .sort(([a], [b]) => a - b)
    .map(([, acc], i) => {
      if (acc.name === "") throw http.invalid(res, `streamed tool call ${i} has no function name`, JSON.stringify(acc));
      return {
        id: acc.id !== "" ? acc.id : `call_${i}`,
        name: acc.name,
        arguments: acc.arguments !== "" ? acc.arguments : "{}",
      };
    });
  const u = usage ?? {};
  return {
    content: sawContent ? parts.join("") : null,
    toolCalls,
    finishReason: finish === undefined ? "stop" : finish === "function_call" ? "tool_calls" : finish,
    model: model !== "" ? model : req.model,
    usage: { inputTokens: tokenCount(u["prompt_tokens"]), outputTokens: tokenCount(u["completion_tokens"]) },
  };
}
