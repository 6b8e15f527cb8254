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
import { identifier } from "./redact.js";
import type { HttpCall } from "./http.js";
import type { CallOptions, ModelProvider, ModelResponse } from "./types.js";

/** Options for {@link createAnthropicProvider}. */
export interface AnthropicProviderOptions {
  /**
   * API root without the version segment (default `https://api.anthropic.com`); requests go to
   * `{baseUrl}/v1/messages` (a `baseUrl` already ending in `/v1` is not doubled).
   */
  baseUrl?: string;
  /** Sent as `x-api-key` when set; never included in error messages, in any form. */
  apiKey?: string;
  /** The provider's name (default "anthropic"). */
  name?: string;
  /** Time limit per call in ms when the call gives no `timeoutMs` (default 60000). */
  defaultTimeoutMs?: number;
  /** `max_tokens` of every request (required by the API; default 4096). */
  maxTokens?: number;
  /** The `anthropic-version` header (default "2023-06-01"). */
  anthropicVersion?: string;
  /** Extra request headers (e.g. `anthropic-beta`); their values are redacted from error messages too. */
  headers?: Record<string, string>;
  /** The fetch to use (default: Node's global fetch). */
  fetch?: typeof fetch;
}

const DEFAULT_BASE_URL = "https://api.anthropic.com";
const DEFAULT_MAX_TOKENS = 4096;
const DEFAULT_VERSION = "2023-06-01";

/**
 * A provider for the Anthropic Messages API: one `POST {baseUrl}/v1/messages` per `complete` call.
 *
 * Request: system messages become the top-level `system` (joined by a blank line); user and
 * assistant messages keep their roles; an assistant's tool calls become `tool_use` blocks whose
 * `input` is the parsed arguments (`{}` when the recorded arguments are not a JSON object); tool
 * results become `tool_result` blocks in a user message, and consecutive messages that land on the
 * same role are merged into one message (so several tool results, and a user message right after
 * them, make one user turn). Tools are sent as `{ name, description, input_schema }`.
 *
 * Response: text blocks joined are the content (null when there are none); `tool_use` blocks are
 * the tool calls (`arguments` = the JSON text of `input`); `stop_reason` end_turn → "stop",
 * tool_use → "tool_calls", max_tokens → "length", anything else as is; usage from `input_tokens`
 * (plus any cache read/creation input tokens) and `output_tokens`.
 *
 * With `onToken` the request asks for a stream (`stream: true`) and reads its events
 * (message_start, content_block_start, content_block_delta with text_delta / input_json_delta,
 * message_delta, message_stop), calling `onToken` with each text delta and returning the same
 * ModelResponse. A stream that ends before `message_stop` is a retryable "network" error; an
 * `error` event is mapped by its type (overloaded_error and api_error retried). An `onToken` that
 * throws is ignored.
 *
 * HTTP failures are mapped exactly as for the OpenAI-compatible provider: 429 → retryable
 * "rate_limited"; 408, 409, 5xx and 529 (overloaded) → retryable "server_error" (both with
 * `retryAfterMs` from `retry-after-ms` / `Retry-After`); time limit → retryable "timeout";
 * connection failures → retryable "network"; 401/403 → terminal "auth"; other 4xx → terminal
 * "bad_request"; a 200 that is not a message → terminal "invalid_response"; the caller's signal →
 * terminal "aborted". Messages carry the status and the error type, never the key (see http.ts).
 */
export function createAnthropicProvider(opts: AnthropicProviderOptions = {}): ModelProvider {
  const name = opts.name ?? "anthropic";
  const root = (opts.baseUrl ?? DEFAULT_BASE_URL).replace(/\/+$/, "");
  const url = /\/v1$/.test(root) ? `${root}/messages` : `${root}/v1/messages`;
  const defaultTimeoutMs = opts.defaultTimeoutMs ?? DEFAULT_TIMEOUT_MS;
  const maxTokens = opts.maxTokens ?? DEFAULT_MAX_TOKENS;
  const version = opts.anthropicVersion ?? DEFAULT_VERSION;

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
      const headers: Record<string, string> = { "anthropic-version": version, ...opts.headers };
      if (opts.apiKey) headers["x-api-key"] = opts.apiKey;
      return completeOverHttp(http, req, call, {
        headers,
        body: (r, stream) => toWireRequest(r, maxTokens, stream),
        fromResponse: fromWireResponse,
        readStream,
      });
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Request mapping

type WireBlock =
  | { type: "text"; text: string }
  | { type: "tool_use"; id: string; name: string; input: Record<string, unknown> }
  | { type: "tool_result"; tool_use_id: string; content: string };

interface WireMessage {
  role: "user" | "assistant";
  content: string | WireBlock[];
}

/** The recorded arguments as a JSON object, or `{}` when they are not one (the API needs an object). */
function toolInput(args: string): Record<string, unknown> {
  try {
    const v: unknown = JSON.parse(args);
    return isObject(v) ? v : {};
  } catch {
    return {};
  }
}

function blocks(content: string | WireBlock[]): WireBlock[] {
  if (typeof content !== "string") return content;
  return content === "" ? [] : [{ type: "text", text: content }];
}

function toWireMessages(messages: ChatMessage[]): { system: string[]; messages: WireMessage[] } {
  const system: string[] = [];
  const out: WireMessage[] = [];
  const push = (m: WireMessage): void => {
    const last = out[out.length - 1];
    if (last && last.role === m.role) {
      last.content = [...blocks(last.content), ...blocks(m.content)];
      return;
    }
    out.push(m);
  };
  for (const m of messages) {
    switch (m.role) {
      case "system":
        system.push(m.content);
        break;
      case "user":
        push({ role: "user", content: m.content });
        break;
      case "assistant": {
        const calls = m.toolCalls ?? [];
        if (calls.length === 0) {
          push({ role: "assistant", content: m.content ?? "" });
          break;
        }
        const content: WireBlock[] = m.content ? [{ type: "text", text: m.content }] : [];
        for (const c of calls)
          content.push({ type: "tool_use", id: c.id, name: c.name, input: toolInput(c.arguments) });
        push({ role: "assistant", content });
        break;
      }
      case "tool":
        push({ role: "user", content: [{ type: "tool_result", tool_use_id: m.toolCallId, content: m.content }] });
        break;
    }
  }
  return { system, messages: out };
}

function toWireTool(t: ToolSpec): unknown {
  return { name: t.name, description: t.description, input_schema: t.inputSchema };
}

function toWireRequest(req: ModelRequest, maxTokens: number, stream: boolean): Record<string, unknown> {
  const { system, messages } = toWireMessages(req.messages);
  const body: Record<string, unknown> = { model: req.model, max_tokens: maxTokens };
  if (system.length > 0) body["system"] = system.join("\n\n");
  body["messages"] = messages;
  if (req.tools.length > 0) body["tools"] = req.tools.map(toWireTool);
  if (req.temperature !== undefined) body["temperature"] = req.temperature;
  if (stream) body["stream"] = true;
  return body;
}

// ---------------------------------------------------------------------------------------------
// Response mapping

function mapStopReason(v: unknown): string {
  if (typeof v !== "string" || v === "") return "stop";
  switch (v) {
    case "end_turn":
      return "stop";
    case "tool_use":
      return "tool_calls";
    case "max_tokens":
      return "length";
    default:
      return v;
  }
}

function inputTokens(usage: Record<string, unknown>): number {
  return (
    tokenCount(usage["input_tokens"]) +
    tokenCount(usage["cache_creation_input_tokens"]) +
    tokenCount(usage["cache_read_input_tokens"])
  );
}

function fromWireResponse(json: unknown, req: ModelRequest, invalid: (msg: string) => Error): ModelResponse {
  if (!isObject(json)) throw invalid("response is not a JSON object");
  const content = json["content"];
  if (!Array.isArray(content)) throw invalid("response has no content array");

  const texts: string[] = [];
  const toolCalls: ToolCall[] = [];
  content.forEach((block: unknown, i) => {
    if (!isObject(block)) throw invalid(`content block ${i} is not an object`);
    if (block["type"] === "text") {
      if (typeof block["text"] === "string") texts.push(block["text"]);
    } else if (block["type"] === "tool_use") {
      if (typeof block["name"] !== "string" || block["name"] === "") throw invalid(`tool_use block ${i} has no name`);
      const input = block["input"];
      toolCalls.push({
        id: typeof block["id"] === "string" && block["id"] !== "" ? block["id"] : `toolu_${i}`,
        name: block["name"],
        arguments: input === undefined || input === null ? "{}" : JSON.stringify(input),
      });
    }
    // Other blocks (thinking, redacted_thinking, server tools, ...) carry nothing for the runtime.
  });

  const usage = isObject(json["usage"]) ? json["usage"] : {};
  return {
    content: texts.length > 0 ? texts.join("") : null,
    toolCalls,
    finishReason: mapStopReason(json["stop_reason"]),
    model: typeof json["model"] === "string" && json["model"] !== "" ? json["model"] : req.model,
    usage: { inputTokens: inputTokens(usage), outputTokens: tokenCount(usage["output_tokens"]) },
  };
}

// ---------------------------------------------------------------------------------------------
// Streaming

type BlockAcc =
  | { kind: "text"; text: string }
  | { kind: "tool_use"; id: string; name: string; json: string; input: unknown }
  | { kind: "other" };

/** Streamed tool input: the JSON text normalised like `JSON.stringify(input)` of a non-streamed answer. */
function streamedArguments(acc: { json: string; input: unknown }): string {
  if (acc.json.trim() === "") return acc.input === undefined || acc.input === null ? "{}" : JSON.stringify(acc.input);
  try {
    return JSON.stringify(JSON.parse(acc.json));
  } catch {
    return acc.json; // kept verbatim: the runtime reports invalid arguments to the model
  }
}

/** Later counts win; a missing or null count keeps the earlier one. */
function mergeUsage(into: Record<string, unknown>, from: Record<string, unknown>): Record<string, unknown> {
  const out = { ...into };
  for (const [k, v] of Object.entries(from)) if (typeof v === "number") out[k] = v;
  return out;
}

/** An event's name as an error message may say it: a short identifier, else "?" (it is the server's text). */
function eventName(name: string, http: HttpCall): string {
  return identifier(name, http.redact) ?? "?";
}

async function readStream(
  http: HttpCall,
  res: Response,
  req: ModelRequest,
  emit: (text: string) => void,
): Promise<ModelResponse> {
  const blocksByIndex = new Map<number, BlockAcc>();
  let model = "";
  let stop: unknown;
  let usage: Record<string, unknown> = {};
  let started = false;

  const done = await http.events(res, (ev) => {
    if (ev.data.trim() === "") return false;
    let data: unknown;
    try {
      data = JSON.parse(ev.data);
    } catch {
      throw http.invalid(res, `stream event ${eventName(ev.event, http)} is not JSON`, ev.data);
    }
    if (!isObject(data))
      throw http.invalid(res, `stream event ${eventName(ev.event, http)} is not a JSON object`, ev.data);
    const type = typeof data["type"] === "string" ? data["type"] : ev.event;
    switch (type) {
      case "message_start": {
        started = true;
        const msg = data["message"];
        if (isObject(msg)) {
          if (typeof msg["model"] === "string") model = msg["model"];
          if (isObject(msg["usage"])) usage = mergeUsage(usage, msg["usage"]);
        }
        return false;
      }
      case "content_block_start": {
        const index = data["index"];
        const block = data["content_block"];
        if (typeof index !== "number" || !isObject(block))
          throw http.invalid(res, "content_block_start without index or content_block", ev.data);
        if (block["type"] === "text") {
          const text = typeof block["text"] === "string" ? block["text"] : "";
          blocksByIndex.set(index, { kind: "text", text });
          emit(text);
        } else if (block["type"] === "tool_use") {
          if (typeof block["name"] !== "string" || block["name"] === "")
            throw http.invalid(res, `tool_use block ${index} has no name`, ev.data);
          blocksByIndex.set(index, {
            kind: "tool_use",
            id: typeof block["id"] === "string" ? block["id"] : "",
            name: block["name"],
            json: "",
            input: block["input"],
          });
        } else {
          blocksByIndex.set(index, { kind: "other" });
        }
        return false;
      }
      case "content_block_delta": {
        const index = data["index"];
        const delta = data["delta"];
        const acc = typeof index === "number" ? blocksByIndex.get(index) : undefined;
        if (!acc || !isObject(delta))
          throw http.invalid(res, "content_block_delta for a block that was not started", ev.data);
        if (delta["type"] === "text_delta" && acc.kind === "text" && typeof delta["text"] === "string") {
          acc.text += delta["text"];
          emit(delta["text"]);
        } else if (
          delta["type"] === "input_json_delta" &&
          acc.kind === "tool_use" &&
          typeof delta["partial_json"] === "string"
        ) {
          acc.json += delta["partial_json"];
        }
        // thinking_delta, signature_delta, citations_delta, ...: nothing for the runtime.
        return false;
      }
      case "message_delta": {
        const delta = data["delta"];
        if (isObject(delta) && delta["stop_reason"] !== undefined && delta["stop_reason"] !== null)
          stop = delta["stop_reason"];
        // message_delta usage is cumulative: it overrides what message_start said.
        if (isObject(data["usage"])) usage = mergeUsage(usage, data["usage"]);
        return false;
      }
      case "message_stop":
        return true;
      case "error": {
        const e = isObject(data["error"]) ? data["error"] : {};
        const errType = typeof e["type"] === "string" ? e["type"] : "";
        const message = typeof e["message"] === "string" ? e["message"] : ev.data;
        throw streamError(http.name, errType, message, http.redact);
      }
      default:
        // ping, content_block_stop and event types added later.
        return false;
    }
  });
  if (!done) throw streamCutOff(http, "message_stop");
  if (!started) throw http.invalid(res, "stream had no message_start", "");

  const texts: string[] = [];
  const toolCalls: ToolCall[] = [];
  for (const [index, acc] of [...blocksByIndex.entries()].sort(([a], [b]) => a - b)) {
    if (acc.kind === "text") texts.push(acc.text);
    else if (acc.kind === "tool_use") {
      toolCalls.push({
        id: acc.id !== "" ? acc.id : `toolu_${index}`,
        name: acc.name,
        arguments: streamedArguments(acc),
      });
    }
  }
  return {
    content: texts.length > 0 ? texts.join("") : null,
    toolCalls,
    finishReason: mapStopReason(stop),
    model: model !== "" ? model : req.model,
    usage: { inputTokens: inputTokens(usage), outputTokens: tokenCount(usage["output_tokens"]) },
  };
}
