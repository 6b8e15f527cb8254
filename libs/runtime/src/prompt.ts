import { createHash } from "node:crypto";
import type { RunSubmitted, SummaryResult } from "@cairn/protocol";
import type { ChatMessage, ModelRequest, ToolSpec } from "./model.js";
import type { RunState } from "./state.js";
import { outputCorrection } from "./output.js";
import { handoffTool, nextAgent } from "./team.js";

type Ref = { bucket: string; name: string; bytes: number; sha256: string };

/** Text the model sees for a tool result. */
export function toolResultText(r: { ok: boolean; output?: string; error?: { kind: string; message: string } }): string {
  if (r.ok) return r.output ?? "";
  return `Error (${r.error?.kind ?? "error"}): ${r.error?.message ?? "the tool failed"}`;
}

/**
 * The exact request for model turn `turn`, rebuilt from the run's history: system prompt, task,
 * then every earlier turn's assistant message and tool results, in call order.
 */
export function buildModelRequest(
  state: RunState,
  turn: number,
  payloads?: ReadonlyMap<string, string>,
  opts: { instructions?: string } = {},
): ModelRequest {
  const full = resolver(payloads);
  const sub = state.submitted;
  if (!sub) throw new Error(`run ${state.runId} has no valid submission`);
  // The agent whose turn this is: the submitted one, or the one the run was handed to.
  const agent = nextAgent(state) ?? sub.agent;
  const messages: ChatMessage[] = [];
  // (instructions in code: the turn's command carries its system prompt)
  const system = opts.instructions ?? agent.systemPrompt;
  if (system) messages.push({ role: "system", content: system });
  // A recorded summary stands in for the turns it covers, after the task (one user message, so
  // providers that want user/assistant alternation get it).
  const summary = latestSummary(state, turn);
  messages.push({
    role: "user",
    content: summary
      ? `${sub.task}\n\n${summaryHeader(summary.throughTurn)}\n${full(summary.contentRef, summary.content) ?? ""}`
      : sub.task,
    ...(sub.images?.length ? { images: sub.images.map((i) => ({ ...i })) } : {}),
  });
  pushTurns(messages, state, summary?.throughTurn ?? 0, turn, full);
  messages.push(...pendingUserMessages(state));
  if (agent.contextBudgetTokens !== undefined) compact(messages, agent.contextBudgetTokens);
  return requestOf(agent, messages, handoffTool(state, agent));
}

// The model's tool list per agent (as submitted): one array for every request of a run.
/** Users' messages recorded since the last turn (steering, or a conversation's next message): they end the prompt. */
export function pendingUserMessages(state: RunState): ChatMessage[] {
  return state.pendingMessages.map((m) => ({ role: "user", content: m.message.text ?? "" }));
}

const toolLists = new WeakMap<RunSubmitted["agent"]["tools"], ModelRequest["tools"]>();

/**
 * The request for an agent with these messages (its `tools` list is shared: read it, never
 * change it), and the `handoff` tool last for an agent with handoffs.
 */
export function requestOf(agent: RunSubmitted["agent"], messages: ChatMessage[], handoff?: ToolSpec): ModelRequest {
  let tools = toolLists.get(agent.tools);
  if (!tools) {
    tools = Object.freeze([
      ...agent.tools.map((t) =>
        Object.freeze({ name: t.name, description: t.description, inputSchema: t.inputSchema }),
      ),
      ...(handoff ? [handoff] : []),
    ]) as ModelRequest["tools"];
    toolLists.set(agent.tools, tools);
  }
  const req: ModelRequest = { model: agent.model, messages, tools };
  if (agent.temperature !== undefined) req.temperature = agent.temperature;
  if (agent.maxOutputTokens !== undefined) req.maxOutputTokens = agent.maxOutputTokens;
  if (agent.output) req.output = { name: agent.output.name ?? "output", schema: agent.output.schema };
  return req;
}

// Payloads too large to inline were recorded as references (Object Store); callers load them first.
export function resolver(payloads: ReadonlyMap<string, string> | undefined) {
  return (ref: { name: string } | undefined, inline: string | null | undefined): string | null => {
    if (!ref) return inline ?? null;
    const text = payloads?.get(ref.name);
    if (text === undefined)
      throw new Error(`payload ${ref.name} is needed to rebuild the prompt: load it first (payloadRefs)`);
    return text;
  };
}

/**
 * Appends the messages of turns `after`+1 .. `before`-1: each assistant message, then its tool
 * results in call order (a result of a call an approver edited says so, with the arguments it ran
 * with), or — after a structured answer that failed the output schema — the correction.
 */
export function pushTurns(
  messages: ChatMessage[],
  state: RunState,
  after: number,
  before: number,
  full: ReturnType<typeof resolver>,
): void {
  for (const t of state.turns) {
    if (t.turn >= before) break;
    if (t.turn <= after) continue;
    const calls = t.llm.toolCalls ?? [];
    const content = full(t.llm.contentRef, t.llm.content);
    for (const m of t.messagesBefore ?? []) messages.push({ role: "user", content: m.text ?? "" });
    messages.push(calls.length ? { role: "assistant", content, toolCalls: calls } : { role: "assistant", content });
    if (t.output?.ok === false) messages.push({ role: "user", content: outputCorrection(t.output.error) });
    calls.forEach((call, i) => {
      const r = t.results[i];
      const text = !r
        ? "Error (missing): no result recorded"
        : r.ok && r.outputRef
          ? (full(r.outputRef, r.output) ?? "")
          : toolResultText(r);
      const edit = state.approvals.size ? state.approvals.get(`${t.turn}.${i}`) : undefined;
      messages.push({
        role: "tool",
        toolCallId: call.id,
        name: call.name,
        content: edit?.arguments !== undefined ? `${editedNote(edit.arguments, edit.by)}\n${text}` : text,
      });
    });
  }
}

/** What the model reads before the result of a call whose arguments an approver replaced. */
export function editedNote(args: string, by: string | undefined): string {
  return `[Cairn: ${by ? `the approver ${by}` : "a human approver"} edited this call's arguments before it ran; it ran with ${args}]`;
}

/** The line that introduces a summary in the prompt; the scripted model reads the turn count from it. */
export function summaryHeader(throughTurn: number): string {
  return `[Cairn: summary of turns 1-${throughTurn} of this run, made by a model call recorded in the run's log]`;
}

/** Turns covered by the summaries in a request's messages (0 when none): see summaryHeader. */
export function summarisedTurns(messages: readonly ChatMessage[]): number {
  let n = 0;
  for (const m of messages) {
    if (m.role !== "user") continue;
    const found = /\[Cairn: summary of turns 1-(\d+) of this run/.exec(m.content);
    if (found) n = Math.max(n, Number(found[1]));
  }
  return n;
}

/** The summary the prompt of `turn` uses: the last successful one made for `turn` or before. */
export function latestSummary(state: RunState, turn: number): SummaryResult | undefined {
  for (let i = state.summaries.length - 1; i >= 0; i--) {
    const s = state.summaries[i]!;
    if (s.turn <= turn && s.ok) return s;
  }
  return undefined;
}

export const DEFAULT_SUMMARY_INSTRUCTIONS =
  "You compress the earlier part of an AI agent's conversation so the agent can continue its task with less context. " +
  "Write a concise summary of the transcript you are given: the facts learned, the decisions made, the results of tool calls that may still matter, and what remains to do. " +
  "Do not call tools. Answer with the summary only.";

/**
 * When the agent asks for summaries (`summarize`) and the prompt of `turn` would exceed its
 * context budget, the turn through which a summary should be made first; undefined otherwise.
 * Deterministic from the history (payload sizes come from their references), so replay and every
 * planner instance decide the same. Never twice for one turn: a failed summary leaves truncation.
 */
export function summaryDue(state: RunState, turn: number): number | undefined {
  const a = nextAgent(state);
  if (!a?.summarize || a.contextBudgetTokens === undefined) return undefined;
  if (state.summaries.some((s) => s.turn === turn)) return undefined;
  const prev = latestSummary(state, turn);
  const through = turn - 1 - a.summarize.keepRecentTurns;
  if (through < 1 || through <= (prev?.throughTurn ?? 0)) return undefined;
  const len = (ref: Ref | undefined, inline: string | null | undefined): number =>
    ref ? ref.bytes : (inline ?? "").length;
  let chars = a.systemPrompt.length + state.submitted!.task.length + (prev ? len(prev.contentRef, prev.content) : 0);
  for (const m of state.pendingMessages) chars += (m.message.text ?? "").length;
  for (const t of state.turns) {
    if (t.turn >= turn) break;
    if (t.turn <= (prev?.throughTurn ?? 0)) continue;
    for (const m of t.messagesBefore ?? []) chars += (m.text ?? "").length;
    chars += len(t.llm.contentRef, t.llm.content);
    (t.llm.toolCalls ?? []).forEach((c, i) => {
      const r = t.results[i];
      chars +=
        c.name.length +
        c.arguments.length +
        (r ? (r.ok && r.outputRef ? r.outputRef.bytes : toolResultText(r).length) : 0);
    });
  }
  return Math.ceil(chars / 4) > a.contextBudgetTokens ? through : undefined;
}

/**
 * The summarisation request made before `turn`, covering turns 1..`throughTurn`: the agent's
 * model, no tools, the instructions, then one user message holding the task, the earlier summary
 * (if any) and the transcript of the turns not yet summarised. Rebuilt from the log by replay.
 */
export function buildSummaryRequest(
  state: RunState,
  turn: number,
  throughTurn: number,
  payloads?: ReadonlyMap<string, string>,
): ModelRequest {
  const full = resolver(payloads);
  const sub = state.submitted;
  if (!sub) throw new Error(`run ${state.runId} has no valid submission`);
  // Builds on the summaries made for earlier turns (not on its own record, in a replayed state).
  const prev = latestSummary(state, turn - 1);
  const from = prev && prev.throughTurn < throughTurn ? prev.throughTurn : 0;
  const transcript: ChatMessage[] = [];
  pushTurns(transcript, state, from, throughTurn + 1, full);
  const lines = [`Task: ${sub.task}`];
  if (from > 0 && prev) lines.push("", summaryHeader(prev.throughTurn), full(prev.contentRef, prev.content) ?? "");
  lines.push("", `Transcript of turns ${from + 1}-${throughTurn}:`);
  for (const m of transcript) {
    if (m.role === "assistant") {
      if (m.content) lines.push(`assistant: ${m.content}`);
      for (const c of m.toolCalls ?? []) lines.push(`assistant called ${c.name}(${c.arguments}) [${c.id}]`);
    } else if (m.role === "tool") lines.push(`tool ${m.name} [${m.toolCallId}] returned: ${m.content}`);
    else if (m.role === "user") lines.push(`user: ${m.content}`);
  }
  const agent = nextAgent(state) ?? sub.agent;
  return {
    model: agent.model,
    messages: [
      { role: "system", content: agent.summarize?.instructions ?? DEFAULT_SUMMARY_INSTRUCTIONS },
      { role: "user", content: lines.join("\n") },
    ],
    tools: [],
    purpose: "summary",
  };
}

/** The stored payloads the request for `turn` needs (see buildModelRequest). */
export function payloadRefs(state: RunState, turn: number): Ref[] {
  const summary = latestSummary(state, turn);
  return refsOf(state, summary, summary?.throughTurn ?? 0, turn);
}

/** The stored payloads the summary request before `turn` through `throughTurn` needs (see buildSummaryRequest). */
export function summaryPayloadRefs(state: RunState, turn: number, throughTurn: number): Ref[] {
  const prev = latestSummary(state, turn - 1);
  const from = prev && prev.throughTurn < throughTurn ? prev.throughTurn : 0;
  return refsOf(state, from > 0 ? prev : undefined, from, throughTurn + 1);
}

export function refsOf(state: RunState, summary: SummaryResult | undefined, after: number, before: number): Ref[] {
  const out: Ref[] = [];
  if (summary?.contentRef) out.push(summary.contentRef);
  for (const t of state.turns) {
    if (t.turn >= before) break;
    if (t.turn <= after) continue;
    if (t.llm.contentRef) out.push(t.llm.contentRef);
    for (const r of t.results) if (r?.ok && r.outputRef) out.push(r.outputRef);
  }
  return out;
}

/** JSON with object keys sorted, so equal values always give equal text. */
export function canonicalJson(value: unknown): string {
  return canonical(value, "") as string; // undefined for undefined, as JSON.stringify
}

/** An array index as a property key ("0", "7", not "07" or "4294967295"): such keys come first in an object's own order. */
function isIndexKey(k: string): boolean {
  const c = k.charCodeAt(0);
  if (c < 48 || c > 57 || (c === 48 && k.length > 1) || k.length > 10) return false;
  for (let i = 1; i < k.length; i++) {
    const d = k.charCodeAt(i);
    if (d < 48 || d > 57) return false;
  }
  return Number(k) < 4294967295;
}

/** Index keys first (ascending), then the others in code-unit order: the order the sorted object had before. */
function keyOrder(a: string, b: string): number {
  const ia = isIndexKey(a);
  if (ia !== isIndexKey(b)) return ia ? -1 : 1;
  if (ia) return Number(a) - Number(b);
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * `JSON.stringify` with every object's keys sorted, written out directly. Its output equals
 * `JSON.stringify(value, sortingReplacer)` — each object rebuilt sorted, where index-like keys
 * ("0", "12") come first by the language's own property order — which is the form recorded prompt
 * hashes were computed with (tested against it).
 */
function canonical(v: unknown, key: string): string | undefined {
  if (v !== null && typeof v === "object" && typeof (v as { toJSON?: unknown }).toJSON === "function")
    v = (v as { toJSON(k: string): unknown }).toJSON(key);
  switch (typeof v) {
    case "string":
      return JSON.stringify(v);
    case "number":
      return Number.isFinite(v) ? JSON.stringify(v) : "null";
    case "boolean":
      return v ? "true" : "false";
    case "object": {
      if (v === null) return "null";
      if (v instanceof Number || v instanceof String || v instanceof Boolean) return JSON.stringify(v);
      if (Array.isArray(v)) {
        let out = "[";
        for (let i = 0; i < v.length; i++) out += (i ? "," : "") + (canonical(v[i], String(i)) ?? "null");
        return out + "]";
      }
      const o = v as Record<string, unknown>;
      const keys = Object.keys(o).sort(keyOrder);
      let out = "{";
      let first = true;
      for (const k of keys) {
        const s = canonical(o[k], k);
        if (s === undefined) continue;
        out += (first ? "" : ",") + JSON.stringify(k) + ":" + s;
        first = false;
      }
      return out + "}";
    }
    case "bigint":
      return JSON.stringify(v); // throws, as JSON.stringify does
    default:
      return undefined; // undefined, functions, symbols: left out (null inside arrays)
  }
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
    messages[i] = {
      ...m,
      content: `${m.content.slice(0, KEEP_CHARS)}… [truncated by Cairn to fit the context budget: ${removed} characters removed]`,
    };
  }
}
