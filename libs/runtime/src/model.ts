/** The conversation as the model sees it: provider-neutral chat messages. */
export interface ToolCall {
  id: string;
  name: string;
  /** JSON text as produced by the model (may be invalid JSON). */
  arguments: string;
}

export type ChatMessage =
  | { role: "system"; content: string }
  /** `images`: images the model sees with the text (the task's). */
  | { role: "user"; content: string; images?: { url: string; mediaType?: string }[] }
  | { role: "assistant"; content: string | null; toolCalls?: ToolCall[] }
  | { role: "tool"; toolCallId: string; name: string; content: string };

/** A tool as shown to the model. */
export interface ToolSpec {
  name: string;
  description: string;
  inputSchema: Record<string, unknown>;
}

/** Everything a provider needs for one model call. */
export interface ModelRequest {
  model: string;
  messages: ChatMessage[];
  tools: ToolSpec[];
  temperature?: number;
  /** The most tokens the response may have (the agent's maxOutputTokens; the endpoint's otherwise). */
  maxOutputTokens?: number;
  /**
   * Structured output: the final answer must be JSON validating against `schema`. A provider with
   * native structured output asks for it; the others put the schema in the instructions.
   */
  output?: { name: string; schema: Record<string, unknown> };
  /** Set on Cairn's own requests that are not agent turns: "summary" for context compaction, "check" for a model-judged guardrail. */
  purpose?: "summary" | "check";
}
