import { createHash } from "node:crypto";
import type { ChatMessage, ModelRequest } from "./model.js";
import type { RunState } from "./state.js";

/** Text the model sees for a tool result. */
export function toolResultText(r: { ok: boolean; output?: string; error?: { kind: string; message: string } }): string {
  if (r.ok) return r.output ?? "";
  return `Error (${r.error?.kind ?? "error"}): ${r.error?.message ?? "the tool failed"}`;
}

/**
 * The exact request for model turn `turn`, rebuilt from the run's history: system prompt, task,
 * then every earlier turn's assistant message and tool results, in call order.
 */
export function buildModelRequest(state: RunState, turn: number, payloads?: ReadonlyMap<string, string>): ModelRequest {
  // Payloads too large to inline were recorded as references (Object Store); callers load them first.
  const full = (ref: { name: string } | undefined, inline: string | null | undefined): string | null => {
    if (!ref) return inline ?? null;
    const text = payloads?.get(ref.name);
    if (text === undefined) throw new Error(`payload ${ref.name} is needed to rebuild the prompt: load it first (payloadRefs)`);
    return text;
  };
  const sub = state.submitted;
  if (!sub) throw new Error(`run ${state.runId} has no valid submission`);
  const messages: ChatMessage[] = [];
  if (sub.agent.systemPrompt) messages.push({ role: "system", content: sub.agent.systemPrompt });
  messages.push({ role: "user", content: sub.task });
  for (const t of state.turns) {
    if (t.turn >= turn) break;
    const calls = t.llm.toolCalls ?? [];
    const content = full(t.llm.contentRef, t.llm.content);
    messages.push(calls.length ? { role: "assistant", content, toolCalls: calls } : { role: "assistant", content });
    calls.forEach((call, i) => {
      const r = t.results[i];
      const text = !r ? "Error (missing): no result recorded" : r.ok && r.outputRef ? (full(r.outputRef, r.output) ?? "") : toolResultText(r);
      messages.push({ role: "tool", toolCallId: call.id, name: call.name, content: text });
    });
  }
  if (sub.agent.contextBudgetTokens !== undefined) compact(messages, sub.agent.contextBudgetTokens);
  const req: ModelRequest = {
    model: sub.agent.model,
    messages,
    tools: sub.agent.tools.map((t) => ({ name: t.name, description: t.description, inputSchema: t.inputSchema })),
  };
  if (sub.agent.temperature !== undefined) req.temperature = sub.agent.temperature;
  return req;
}

/** The stored payloads the request for `turn` needs (see buildModelRequest). */
export function payloadRefs(state: RunState, turn: number): { bucket: string; name: string; bytes: number; sha256: string }[] {
  const out: { bucket: string; name: string; bytes: number; sha256: string }[] = [];
  for (const t of state.turns) {
    if (t.turn >= turn) break;
    if (t.llm.contentRef) out.push(t.llm.contentRef);
    for (const r of t.results) if (r?.ok && r.outputRef) out.push(r.outputRef);
  }
  return out;
}

/** JSON with object keys sorted, so equal values always give equal text. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_k, v: unknown) => {
    if (v && typeof v === "object" && !Array.isArray(v)) {
      return Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
    }
    return v;
  });
}

/** sha256 (hex) of the canonical request: recorded with each response, checked by replay. */
export function promptHash(req: ModelRequest): string {
  return createHash("sha256").update(canonicalJson(req)).digest("hex");
}

/** Rough token estimate used for the context budget: 4 characters a token. */
export function estimateTokens(messages: ChatMessage[]): number {
  let chars = 0;
  for (const m of messages) {
    chars += (m.content ?? "").length;
    if (m.role === "assistant") for (const c of m.toolCalls ?? []) chars += c.name.length + c.arguments.length;
  }
  return Math.ceil(chars / 4);
}

const KEEP_CHARS = 200;

/**
 * Context compaction, deterministic (so replay rebuilds the same prompt): while the prompt is
 * over `budgetTokens`, the oldest tool results longer than a short head are cut to that head with
 * a note saying how much was removed. The last turn's results (the ones the model is about to
 * read) are never cut.
 */
export function compact(messages: ChatMessage[], budgetTokens: number): void {
  let lastAssistant = -1;
  messages.forEach((m, i) => {
    if (m.role === "assistant") lastAssistant = i;
  });
  for (let i = 0; i < lastAssistant && estimateTokens(messages) > budgetTokens; i++) {
    const m = messages[i]!;
    if (m.role !== "tool" || m.content.length <= KEEP_CHARS + 80) continue;
    const removed = m.content.length - KEEP_CHARS;
    messages[i] = { ...m, content: `${m.content.slice(0, KEEP_CHARS)}… [truncated by Cairn to fit the context budget: ${removed} characters removed]` };
  }
}
