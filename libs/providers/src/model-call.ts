import {
  generateText,
  jsonSchema,
  streamText,
  tool,
  wrapLanguageModel,
  type FinishReason,
  type JSONValue,
  type LanguageModel,
  type LanguageModelUsage,
  type ModelMessage,
  type ProviderMetadata,
  type TextStreamPart,
  type Tool,
  type ToolSet,
} from "ai";
import { outputInstructions, TerminalError, type ModelRequest, type ToolCall, type ToolSpec } from "@cairn/runtime";
import { isObject, streamCutOff, streamError, toCairnError, type CallContext } from "./errors.js";
import { toModelMessages, type SystemPlacement } from "./messages.js";
import { safeUrl, scrubText, secretRedactor, urlSecrets } from "./redact.js";
import type { CallOptions, ModelProvider, ModelResponse } from "./types.js";

/** A language model object of the SDK (not a model id string, which would go to Vercel's gateway). */
export type SdkModel = Exclude<LanguageModel, string>;

/** Default time limit of a call when neither the call nor the endpoint gives one. */
export const DEFAULT_TIMEOUT_MS = 60_000;

/** How one endpoint is called through the AI SDK (filled in by each provider's factory). */
export interface SdkEndpoint {
  /** The provider's name: first word of every error message, and the agent's `provider`. */
  name: string;
  /** The SDK's model for a model id, making its requests with `fetch`. */
  model: (modelId: string, fetch: typeof globalThis.fetch) => SdkModel;
  /** The URL a call goes to (for messages: shown without userinfo, query or fragment). */
  url: string;
  /** Values removed from every error message, in every form: the API key, header values. */
  secrets: readonly (string | undefined)[];
  /** Where the system prompt goes (see messages.ts). */
  system: SystemPlacement;
  /**
   * Structured output (ModelRequest.output): "native" asks for the SDK's JSON response format
   * with the schema (OpenAI's `response_format: json_schema`); "instructions" puts the schema
   * into the system prompt (runtime `outputInstructions`). Either way Cairn checks the answer.
   */
  output: "native" | "instructions";
  /** Input tokens as the API counts them apart, summed (Anthropic: cache reads and writes). */
  usage: "openai" | "anthropic";
  defaultTimeoutMs: number;
  maxOutputTokens?: number;
  /** The SDK's providerOptions of every call (reasoning effort, thinking budget, …). */
  providerOptions?: Record<string, Record<string, JSONValue>>;
}

/**
 * A server's whole JSON answer to a streaming request (some servers ignore `stream: true`): thrown
 * by {@link guardedFetch} so that the answer is read as a non-streamed one, without asking again.
 */
class JsonAnswer extends Error {
  override readonly name = "JsonAnswer";
  constructor(
    readonly status: number,
    readonly headers: Headers,
    readonly text: string,
  ) {
    super("the server answered a streaming request with JSON");
  }

  /** A fetch that answers with this response again (no request is made). */
  replay(): typeof globalThis.fetch {
    const headers = new Headers(this.headers);
    headers.delete("content-encoding");
    headers.delete("content-length");
    return () => Promise.resolve(new Response(this.text, { status: this.status, headers }));
  }
}

function asksForStream(body: unknown): boolean {
  if (typeof body !== "string") return false;
  try {
    const v: unknown = JSON.parse(body);
    return isObject(v) && v["stream"] === true;
  } catch {
    return false;
  }
}

/**
 * The fetch of every call: it never follows a redirect (following one would send the key's header
 * to wherever the Location says; the 3xx becomes a terminal error), sends no credential header
 * when no key is configured (the SDK's clients write an empty one), and turns a 2xx JSON answer to
 * a streaming request into a {@link JsonAnswer}.
 */
function guardedFetch(
  base: typeof globalThis.fetch = globalThis.fetch,
  onHeaders?: (headers: Headers) => void,
): typeof globalThis.fetch {
  return async (input, init) => {
    const headers = new Headers(init?.headers);
    for (const h of ["authorization", "x-api-key", "api-key"]) {
      const v = headers.get(h)?.trim();
      if (v === "" || v === "Bearer") headers.delete(h);
    }
    const res = await base(input, { ...init, headers, redirect: "manual" });
    try {
      onHeaders?.(res.headers);
    } catch {
      // only an observer (admission learns the rate-limit headers): never fails the call
    }
    if (res.ok && (res.headers.get("content-type") ?? "").toLowerCase().includes("json") && asksForStream(init?.body))
      throw new JsonAnswer(res.status, res.headers, await res.text());
    return res;
  };
}

/**
 * A ModelProvider that makes one model call per `complete` through the Vercel AI SDK: `generateText`
 * without `onToken`, `streamText` with it (text deltas to `onToken` in order as they arrive; an
 * `onToken` that throws is ignored), the same ModelResponse either way:
 *
 * - content: the text parts joined (null when there is none); toolCalls: id, name and the JSON
 *   text of the arguments (`JSON.stringify` of what the model wrote; text that is not JSON is kept
 *   as written, so the runtime can tell the model); no tool is executed (tools are given without
 *   `execute`, `jsonSchema(inputSchema)`), and there is one step (no multi-step loop);
 * - finishReason: "stop", "tool_calls", "length", "content_filter" (the SDK's "other" as is; a
 *   non-streamed answer without a reason the SDK knows is "stop");
 * - model: as the API reports it, else the requested one; usage: input and output tokens (0 when
 *   not reported).
 *
 * The SDK's retries are off (`maxRetries: 0`): Cairn retries the step durably. Failures are mapped
 * by errors.ts `toCairnError`; a stream that ends before the model's finish reason is a retryable
 * "network" error, an error event inside it is mapped by its type.
 */
export function createSdkProvider(e: SdkEndpoint): ModelProvider {
  const redact = secretRedactor([...e.secrets, ...urlSecrets(e.url)]);
  const clean = (s: string): string => redact(scrubText(s));
  const url = safeUrl(e.url);
  let withCredentials = false;
  try {
    const u = new URL(e.url);
    withCredentials = u.username !== "" || u.password !== "";
  } catch {
    // an unparsable URL fails the call as a network error, without quoting it
  }

  return {
    name: e.name,
    async complete(req: ModelRequest, call: CallOptions = {}): Promise<ModelResponse> {
      if (withCredentials)
        // fetch refuses such URLs, quoting them whole; say it without the credentials, once.
        throw new TerminalError(
          `${e.name}: the provider URL ${url} carries credentials (a user name or password): give the key as the provider's API key instead`,
          { kind: "bad_request" },
        );
      const timeoutMs = call.timeoutMs ?? e.defaultTimeoutMs;
      const timeout = AbortSignal.timeout(timeoutMs);
      const ctx: CallContext = {
        name: e.name,
        url,
        redact: clean,
        timeoutMs,
        timeout,
        ...(call.signal ? { caller: call.signal } : {}),
      };
      const native = req.output !== undefined && e.output === "native";
      const prompt = toModelMessages(
        req.messages,
        e.system,
        req.output && !native ? outputInstructions(req.output) : undefined,
      );
      const modelWith = (fetch: typeof globalThis.fetch): SdkModel => {
        const model = e.model(req.model, fetch);
        if (!native || !req.output) return model;
        const responseFormat = { type: "json" as const, name: req.output.name, schema: req.output.schema };
        return wrapLanguageModel({
          model,
          middleware: { transformParams: async ({ params }) => ({ ...params, responseFormat }) },
        });
      };
      const settings = {
        model: modelWith(guardedFetch(globalThis.fetch, call.onHeaders)),
        ...(prompt.system !== undefined ? { system: prompt.system } : {}),
        messages: prompt.messages,
        allowSystemInMessages: true,
        ...(req.tools.length > 0 ? { tools: toolSet(req.tools) } : {}),
        ...(req.temperature !== undefined ? { temperature: req.temperature } : {}),
        ...((req.maxOutputTokens ?? e.maxOutputTokens) !== undefined
          ? { maxOutputTokens: req.maxOutputTokens ?? e.maxOutputTokens }
          : {}),
        ...(e.providerOptions ? { providerOptions: e.providerOptions } : {}),
        maxRetries: 0,
        // Images go to the provider as their URLs, never fetched here: the llm-caller downloads
        // nothing a submission names (no request from inside the deployment on a user's behalf).
        experimental_download: (list: readonly unknown[]) => Promise.resolve(list.map(() => null)),
        abortSignal: call.signal ? AbortSignal.any([timeout, call.signal]) : timeout,
      };
      let answer: Answer;
      try {
        if (!call.onToken) answer = await generated(settings);
        else {
          const emit = tokenSink(call.onToken);
          try {
            answer = await streamed(settings, emit, ctx);
          } catch (err) {
            if (!(err instanceof JsonAnswer)) throw err;
            // The server answered with the whole answer as JSON: read it as such, then hand it to the watcher in one piece.
            answer = await generated({ ...settings, model: modelWith(err.replay()) });
            emit(answer.texts.join(""));
          }
        }
      } catch (err) {
        throw toCairnError(err, ctx);
      }
      return toResponse(answer, req, e.usage);
    },
  };
}

type Settings = Parameters<typeof generateText>[0] & { messages: ModelMessage[] };

/** What one call produced, before normalisation. */
interface Answer {
  texts: string[];
  toolCalls: { toolCallId: string; toolName: string; input: unknown; invalid?: boolean }[];
  finishReason: FinishReason;
  modelId: string | undefined;
  usage: LanguageModelUsage;
  providerMetadata: ProviderMetadata | undefined;
}

/** The request's tools for the SDK: no `execute` (the SDK never runs a tool), the schema as given. */
function toolSet(tools: readonly ToolSpec[]): Record<string, Tool> {
  // fromEntries: a tool named like an Object.prototype key is an own property all the same.
  return Object.fromEntries(
    tools.map((t) => [t.name, tool({ description: t.description, inputSchema: jsonSchema<unknown>(t.inputSchema) })]),
  );
}

async function generated(settings: Settings): Promise<Answer> {
  const r = await generateText(settings);
  return {
    texts: r.content.flatMap((p) => (p.type === "text" ? [p.text] : [])),
    toolCalls: r.content.flatMap((p) => (p.type === "tool-call" ? [p] : [])),
    finishReason: r.finishReason,
    modelId: r.response.modelId,
    usage: r.usage,
    providerMetadata: r.providerMetadata,
  };
}

async function streamed(settings: Settings, emit: (text: string) => void, ctx: CallContext): Promise<Answer> {
  const r = streamText({
    ...settings,
    // Errors are read from the stream below; the default handler would print them.
    onError: () => undefined,
  });
  const texts: string[] = [];
  const toolCalls: Answer["toolCalls"] = [];
  let finish: Extract<TextStreamPart<ToolSet>, { type: "finish-step" }> | undefined;
  for await (const p of r.fullStream) {
    switch (p.type) {
      case "text-delta":
        texts.push(p.text);
        emit(p.text);
        break;
      case "tool-call":
        toolCalls.push(p);
        break;
      case "finish-step":
        finish = p;
        break;
      case "error":
        throw streamPartError(p.error, ctx);
      case "abort":
        throw toCairnError(new Error("aborted"), ctx);
      default:
        // start, text-start/end, reasoning, tool-input-*, tool-error (an invalid call), finish, …
        break;
    }
  }
  // No finish reason: the stream was cut off (or the API said a reason the SDK does not know).
  if (!finish || finish.finishReason === "unknown") throw streamCutOff(ctx);
  return {
    texts,
    toolCalls,
    finishReason: finish.finishReason,
    modelId: finish.response.modelId,
    usage: finish.usage,
    providerMetadata: finish.providerMetadata,
  };
}

/** An error part of a stream: an SDK error, or the API's own error object (OpenAI `{type, code, message}`, Anthropic `{type, message}`). */
function streamPartError(err: unknown, ctx: CallContext): Error {
  if (err instanceof JsonAnswer) return err;
  if (err instanceof Error) return toCairnError(err, ctx);
  const e = isObject(err) ? err : {};
  const type = typeof e["type"] === "string" ? e["type"] : typeof e["code"] === "string" ? e["code"] : "";
  const message = typeof e["message"] === "string" ? e["message"] : "";
  return streamError(ctx.name, type, message, ctx.redact);
}

/** Wraps a token callback so that a throwing watcher never fails the model call. */
function tokenSink(onToken: (text: string) => void): (text: string) => void {
  return (text) => {
    if (text === "") return;
    try {
      onToken(text);
    } catch {
      // Streaming is best effort: the durable record is the final response.
    }
  };
}

/** The JSON text of a call's arguments: what the model wrote, re-serialised; text that is not JSON as written; none: `{}`. */
function argumentsText(c: { input: unknown; invalid?: boolean }): string {
  if (c.invalid === true && typeof c.input === "string") return c.input.trim() === "" ? "{}" : c.input;
  return c.input === undefined || c.input === null ? "{}" : JSON.stringify(c.input);
}

function finishReason(r: FinishReason): string {
  switch (r) {
    case "tool-calls":
      return "tool_calls";
    case "content-filter":
      return "content_filter";
    case "unknown":
      return "stop";
    default:
      return r;
  }
}

const count = (v: unknown): number => (typeof v === "number" && Number.isFinite(v) && v >= 0 ? v : 0);

function toResponse(a: Answer, req: ModelRequest, usage: SdkEndpoint["usage"]): ModelResponse {
  let inputTokens = count(a.usage.inputTokens);
  if (usage === "anthropic") {
    // The Messages API counts cache reads and writes apart from input_tokens: the total is their sum.
    const meta = a.providerMetadata?.["anthropic"];
    inputTokens += count(a.usage.cachedInputTokens) + count(isObject(meta) ? meta["cacheCreationInputTokens"] : 0);
  }
  const toolCalls: ToolCall[] = a.toolCalls.map((c) => ({
    id: c.toolCallId,
    name: c.toolName,
    arguments: argumentsText(c),
  }));
  return {
    content: a.texts.length > 0 ? a.texts.join("") : null,
    toolCalls,
    finishReason: finishReason(a.finishReason),
    model: a.modelId !== undefined && a.modelId !== "" ? a.modelId : req.model,
    usage: { inputTokens, outputTokens: count(a.usage.outputTokens) },
  };
}
