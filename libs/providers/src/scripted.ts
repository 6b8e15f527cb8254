import { readFileSync, existsSync } from "node:fs";
import { join } from "node:path";
import { summarisedTurns, TerminalError, type ChatMessage, type ModelRequest } from "@cairn/runtime";
import type { CallOptions, ModelProvider, ModelResponse } from "./types.js";

/**
 * The SCRIPTED MODEL: a deterministic stand-in for an LLM, for tests and the demo. It is not a
 * language model and never pretends to be one: every response comes from a JSON script of turns.
 *
 * Script file (`<dir>/<model>.json`):
 * ```json
 * { "turns": [
 *     { "toolCalls": [ { "name": "write_file", "arguments": { "path": "a.txt", "content": "hi" } } ] },
 *     { "content": "Done: {{toolResults}}" } ] }
 * ```
 * The turn played is the number of assistant messages already in the request, plus the turns a
 * Cairn summary in it stands for, plus one, so a replayed or retried call gives the same answer.
 * A summarisation request (context compaction) is answered with `summary` (a template where
 * `{{transcript}}` is the request's transcript) or, without one, with a fixed-form digest of
 * the transcript's tool results — deterministic, and plainly not a model's prose. In `content`, `{{toolResults}}` is replaced by
 * the previous turn's tool results (one per line), `{{toolResult:N}}` by the N-th of them and
 * `{{task}}` by the user's task. `argumentsRaw` sends arguments verbatim (e.g. invalid JSON).
 * A model-judged guardrail's check is answered by `check`: `{"tripped": true}` when the text
 * judged matches its `trips` pattern (a JavaScript regular expression, case-insensitive), with
 * its `reason`; `{"tripped": false}` otherwise and without `check`; `answer` is sent verbatim.
 * Usage is counted as ceil(characters / 4) for input and output.
 */
export interface ScriptTurn {
  content?: string | null;
  toolCalls?: { name: string; arguments?: unknown; argumentsRaw?: string }[];
  finishReason?: string;
}

export interface Script {
  turns: ScriptTurn[];
  /** Answer to summarisation requests; `{{transcript}}` is replaced by the transcript sent. */
  summary?: string;
  /** How a model-judged guardrail's check is answered (see the file comment). */
  check?: { trips?: string; reason?: string; answer?: string };
}

export interface ScriptedProviderOptions {
  /** Directory of `<model>.json` scripts. */
  dir?: string;
  /** Scripts given inline, by model name (win over files). */
  scripts?: Record<string, Script>;
  /** Provider name; "scripted" by default. */
  name?: string;
}

function loadScript(opts: ScriptedProviderOptions, model: string): Script {
  const inline = opts.scripts?.[model];
  if (inline) return inline;
  if (!/^[A-Za-z0-9_.-]+$/.test(model) || model.includes(".."))
    throw new TerminalError(`scripted model name ${JSON.stringify(model)} is not a file name`, { kind: "bad_request" });
  const file = opts.dir ? join(opts.dir, `${model}.json`) : undefined;
  if (!file || !existsSync(file))
    throw new TerminalError(
      `no script for scripted model "${model}" (looked for ${file ?? "<no scripts dir configured>"})`,
      { kind: "bad_request" },
    );
  let parsed: Script;
  try {
    parsed = JSON.parse(readFileSync(file, "utf8")) as Script;
  } catch (err) {
    throw new TerminalError(`scripted model file ${file} is not JSON: ${(err as Error).message}`, {
      kind: "bad_request",
      cause: err,
    });
  }
  if (!Array.isArray(parsed.turns))
    throw new TerminalError(`scripted model file ${file} has no "turns" array`, { kind: "bad_request" });
  return parsed;
}

function tokens(text: string): number {
  return Math.ceil(text.length / 4);
}

// JSON length of each message object and tool list seen: a run's prompt reuses its earlier
// messages (the llm-caller's PromptCache) and sends the same tool list every turn, so counting a
// turn's input costs only its new messages.
const jsonLengths = new WeakMap<object, number>();

/** `JSON.stringify(value).length`, serialised once per object. */
function jsonLength(value: object): number {
  let l = jsonLengths.get(value);
  if (l === undefined) {
    l = JSON.stringify(value).length;
    jsonLengths.set(value, l);
  }
  return l;
}

/** `JSON.stringify(messages).length`, without serialising the messages seen before. */
function messagesJsonLength(messages: readonly ChatMessage[]): number {
  let n = 2 + Math.max(0, messages.length - 1);
  for (const m of messages) n += jsonLength(m);
  return n;
}

function assistantTurns(messages: readonly ChatMessage[]): number {
  let n = 0;
  for (const m of messages) if (m.role === "assistant") n++;
  return n;
}

function previousToolResults(messages: ChatMessage[]): string[] {
  const out: string[] = [];
  let last = messages.length - 1;
  // users' messages recorded after the results (steering) come last: the results are before them
  while (last >= 0 && messages[last]!.role === "user") last--;
  if (messages[last]?.role !== "tool") return out;
  for (let i = last; i >= 0; i--) {
    const m = messages[i]!;
    if (m.role === "tool") out.unshift(m.content);
    else break;
  }
  return out;
}

export function createScriptedProvider(opts: ScriptedProviderOptions = {}): ModelProvider {
  const cache = new Map<string, Script>();
  return {
    name: opts.name ?? "scripted",
    complete(req: ModelRequest, call?: CallOptions): Promise<ModelResponse> {
      let script = cache.get(req.model);
      if (!script) {
        script = loadScript(opts, req.model);
        cache.set(req.model, script);
      }
      if (req.purpose === "summary") return Promise.resolve(scriptedSummary(req, script));
      if (req.purpose === "check") return Promise.resolve(scriptedCheck(req, script));
      const turnNo = assistantTurns(req.messages) + summarisedTurns(req.messages) + 1;
      const turn = script.turns[turnNo - 1];
      if (!turn)
        return Promise.reject(
          new TerminalError(`scripted model "${req.model}" has no turn ${turnNo} (script has ${script.turns.length})`, {
            kind: "script_exhausted",
          }),
        );
      const results = previousToolResults(req.messages);
      const task = req.messages.find((m) => m.role === "user")?.content ?? "";
      // One pass, with a function: inserted text is taken verbatim ('$' patterns, '{{...}}' in tool output).
      const content =
        turn.content == null
          ? null
          : turn.content.replace(
              /\{\{(toolResults|toolResult:(\d+)|task)\}\}/g,
              (_m, what: string, n: string | undefined) =>
                what === "toolResults" ? results.join("\n") : what === "task" ? task : (results[Number(n)] ?? ""),
            );
      const toolCalls = (turn.toolCalls ?? []).map((c, i) => ({
        id: `call_${turnNo}_${i}`,
        name: c.name,
        arguments: c.argumentsRaw ?? JSON.stringify(c.arguments ?? {}),
      }));
      // Streamed like a model would, word by word, when the caller asks for tokens.
      if (call?.onToken && content) for (const piece of content.match(/\S+\s*/g) ?? []) call.onToken(piece);
      const inputChars = messagesJsonLength(req.messages) + jsonLength(req.tools);
      const outputText = (content ?? "") + toolCalls.map((c) => c.name + c.arguments).join("");
      return Promise.resolve({
        content,
        toolCalls,
        finishReason: turn.finishReason ?? (toolCalls.length ? "tool_calls" : "stop"),
        model: `scripted:${req.model}`,
        usage: { inputTokens: Math.ceil(inputChars / 4), outputTokens: tokens(outputText) },
      });
    },
  };
}

/** The scripted model's verdict on a guardrail check (see the file comment). */
function scriptedCheck(req: ModelRequest, script: Script): ModelResponse {
  const text = req.messages.find((m) => m.role === "user")?.content ?? "";
  const c = script.check;
  const tripped = c?.trips !== undefined && new RegExp(c.trips, "i").test(text);
  const content =
    c?.answer ??
    JSON.stringify(
      tripped
        ? { tripped: true, reason: c?.reason ?? `matched ${c?.trips}` }
        : { tripped: false, reason: "nothing matched" },
    );
  return {
    content,
    toolCalls: [],
    finishReason: "stop",
    model: `scripted:${req.model}`,
    usage: { inputTokens: tokens(JSON.stringify(req.messages)), outputTokens: tokens(content) },
  };
}

/** The scripted model's answer to a summarisation request (see the file comment). */
function scriptedSummary(req: ModelRequest, script: Script): ModelResponse {
  const transcript = req.messages
    .filter((m) => m.role === "user")
    .map((m) => m.content)
    .join("\n");
  const content =
    script.summary !== undefined
      ? script.summary.replace(/\{\{transcript\}\}/g, () => transcript)
      : `Scripted summary: ${transcript
          .split("\n")
          .filter((l) => l.startsWith("tool "))
          .map((l) => l.replace(/^tool (\S+) \[[^\]]*\] returned: /, "$1 -> ").slice(0, 60))
          .join("; ")}`;
  return {
    content,
    toolCalls: [],
    finishReason: "stop",
    model: `scripted:${req.model}`,
    usage: { inputTokens: tokens(JSON.stringify(req.messages)), outputTokens: tokens(content) },
  };
}
