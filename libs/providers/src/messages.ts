import type { AssistantModelMessage, ModelMessage, ToolModelMessage } from "ai";
import type { ChatMessage } from "@cairn/runtime";
import { isObject } from "./errors.js";

/**
 * How an API takes the system prompt: "inline" keeps system messages where they are in the
 * conversation (OpenAI Chat Completions); "top" joins them, with a blank line between, into one
 * system prompt before the conversation (the Anthropic Messages API).
 */
export type SystemPlacement = "inline" | "top";

/**
 * A tool call's recorded arguments as the SDK's `input`: the JSON object the model wrote, or `{}`
 * when the recorded text is not a JSON object (invalid JSON, an array, a string, nothing). The
 * runtime has already told the model its arguments were invalid (the tool result says so), and
 * every API this package speaks wants an object here. The object is sent re-serialised
 * (`JSON.stringify`), so its spacing may differ from the model's own text.
 */
export function toolInput(args: string): Record<string, unknown> {
  try {
    const v: unknown = JSON.parse(args);
    return isObject(v) ? v : {};
  } catch {
    return {};
  }
}

/**
 * Cairn's provider-neutral conversation as the AI SDK's messages, faithfully: user messages as
 * text; an assistant message as its text (when not empty) followed by its tool calls (id, name,
 * arguments by {@link toolInput}); consecutive tool results as one tool message whose results
 * keep their order and are matched by `toolCallId`. `instructions` (structured output without a
 * native form) are added to the system prompt, after the agent's own.
 *
 * An assistant message with no text and no tool calls (an empty answer) is sent as empty text
 * where the system prompt is "inline" and left out where it is "top" (the Messages API refuses
 * empty text blocks); the SDK then merges the messages around it that share a role, as it merges
 * tool results and the user message after them into one user turn for Anthropic.
 */
export function toModelMessages(
  messages: readonly ChatMessage[],
  placement: SystemPlacement,
  instructions?: string,
): { system?: string; messages: ModelMessage[] } {
  const system: string[] = [];
  const out: ModelMessage[] = [];
  let lastTools: ToolModelMessage | undefined;
  for (const m of messages) {
    if (m.role !== "tool") lastTools = undefined;
    switch (m.role) {
      case "system":
        if (placement === "top") system.push(m.content);
        else out.push({ role: "system", content: m.content });
        break;
      case "user":
        out.push(
          m.images?.length
            ? {
                role: "user",
                content: [
                  { type: "text", text: m.content },
                  ...m.images.map((i) => ({
                    type: "image" as const,
                    image: new URL(i.url),
                    ...(i.mediaType ? { mediaType: i.mediaType } : {}),
                  })),
                ],
              }
            : { role: "user", content: m.content },
        );
        break;
      case "assistant": {
        const content: Exclude<AssistantModelMessage["content"], string> = [];
        if (m.content) content.push({ type: "text", text: m.content });
        for (const c of m.toolCalls ?? [])
          content.push({ type: "tool-call", toolCallId: c.id, toolName: c.name, input: toolInput(c.arguments) });
        if (content.length > 0) out.push({ role: "assistant", content });
        else if (placement === "inline") out.push({ role: "assistant", content: "" });
        break;
      }
      case "tool": {
        const part = {
          type: "tool-result" as const,
          toolCallId: m.toolCallId,
          toolName: m.name,
          output: { type: "text" as const, value: m.content },
        };
        if (lastTools) lastTools.content.push(part);
        else {
          lastTools = { role: "tool", content: [part] };
          out.push(lastTools);
        }
        break;
      }
    }
  }
  if (instructions !== undefined) {
    if (placement === "top") system.push(instructions);
    else {
      // After the leading system messages (the agent's own), before the conversation.
      let at = 0;
      while (out[at]?.role === "system") at++;
      out.splice(at, 0, { role: "system", content: instructions });
    }
  }
  return system.length > 0 ? { system: system.join("\n\n"), messages: out } : { messages: out };
}
