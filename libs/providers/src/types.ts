import type { ModelRequest, ToolCall } from "@cairn/runtime";

/** One model response, provider-neutral. */
export interface ModelResponse {
  content: string | null;
  toolCalls: ToolCall[];
  /** Normalised: "stop", "tool_calls", "length", "content_filter", or the provider's own word. */
  finishReason: string;
  /** The model that answered, as the provider reports it. */
  model: string;
  usage: { inputTokens: number; outputTokens: number };
}

export interface CallOptions {
  signal?: AbortSignal;
  /** Per-call time limit in ms (for a streamed call: until the whole stream has been read). */
  timeoutMs?: number;
  /**
   * Ask for a streamed answer and receive its text as it arrives, one delta per call, in order.
   * Best effort and for watching only: an exception thrown here is ignored, and the returned
   * ModelResponse (the durable record) is the same as without streaming. Providers that cannot
   * stream may ignore it.
   */
  onToken?: (text: string) => void;
  /**
   * Every HTTP answer's headers (an error's too, before it is thrown), for the rate-limit headers
   * (see parseRateLimitHeaders). An exception thrown here is ignored. The scripted model sends none.
   */
  onHeaders?: (headers: Headers) => void;
}

/**
 * A model provider. `complete` throws a RetryableError (kind "rate_limited", "server_error",
 * "timeout", "network"; `retryAfterMs` from Retry-After when the server sent one) or a
 * TerminalError (kind "bad_request", "auth", "invalid_response", ...) from @cairn/runtime.
 */
export interface ModelProvider {
  readonly name: string;
  complete(req: ModelRequest, opts?: CallOptions): Promise<ModelResponse>;
}
