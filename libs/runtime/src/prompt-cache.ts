import { createHash, type Hash } from "node:crypto";
import type { ChatMessage, ModelRequest } from "./model.js";
import { buildModelRequest, canonicalJson, payloadRefs, promptHash, pushTurns, refsOf, requestOf, resolver } from "./prompt.js";
import type { RunState } from "./state.js";

type Ref = ReturnType<typeof payloadRefs>[number];

/** The canonical JSON of a request starts with its messages ("messages" sorts first among its keys). */
const HEAD = '{"messages":[';

interface Entry {
  /** The model turn these messages were the prompt of. */
  turn: number;
  messages: ChatMessage[];
  /** sha256 fed with HEAD and the canonical JSON of `messages`, comma-separated: copied, never finished. */
  hash: Hash;
  /** The canonical JSON after the messages (model, tools, temperature): fixed for a run. */
  tail: string;
}

/**
 * The llm-caller's per-run cache of the last prompt it built, so the next turn's prompt costs
 * only its new messages: without compaction a run's prompt only grows at the end (the messages of
 * the turns since), so the earlier messages are reused as they are and the prompt hash continues
 * from a copy of the running sha256. The result is exactly `buildModelRequest` and `promptHash`
 * (tested), so replay's rebuild-and-compare is unchanged. With a context budget (truncation or
 * summaries may rewrite earlier messages) or for an earlier turn than the cached one, the prompt
 * is built and hashed in full.
 */
export class PromptCache {
  private readonly runs = new Map<string, Entry>();

  constructor(private readonly maxRuns = 2_000) {}

  private usable(state: RunState, turn: number): Entry | undefined {
    const e = this.runs.get(state.runId);
    return e && e.turn < turn && this.cacheable(state) ? e : undefined;
  }

  private cacheable(state: RunState): boolean {
    return state.submitted !== undefined && state.submitted.agent.contextBudgetTokens === undefined;
  }

  /** The stored payloads the request for `turn` still needs loaded (the cached part has them inline). */
  refs(state: RunState, turn: number): Ref[] {
    const e = this.usable(state, turn);
    return e ? refsOf(state, undefined, e.turn - 1, turn) : payloadRefs(state, turn);
  }

  /** The request for model turn `turn` and its prompt hash (as `buildModelRequest` and `promptHash`). */
  request(state: RunState, turn: number, payloads?: ReadonlyMap<string, string>): { req: ModelRequest; hash: string } {
    const sub = state.submitted;
    if (!sub || !this.cacheable(state)) {
      const req = buildModelRequest(state, turn, payloads);
      return { req, hash: promptHash(req) };
    }
    const e = this.usable(state, turn);
    let messages: ChatMessage[];
    let h: Hash;
    let fresh: ChatMessage[];
    if (e) {
      fresh = [];
      pushTurns(fresh, state, e.turn - 1, turn, resolver(payloads));
      messages = e.messages.concat(fresh);
      h = e.hash.copy();
    } else {
      messages = buildModelRequest(state, turn, payloads).messages;
      fresh = messages;
      h = createHash("sha256").update(HEAD);
    }
    let n = messages.length - fresh.length;
    for (const m of fresh) h.update(n++ === 0 ? canonicalJson(m) : `,${canonicalJson(m)}`);
    const req = requestOf(sub.agent, messages);
    const tail = e?.tail ?? canonicalJson({ ...req, messages: [] }).slice(HEAD.length);
    this.runs.delete(state.runId);
    this.runs.set(state.runId, { turn, messages, hash: h.copy(), tail });
    if (this.runs.size > this.maxRuns) this.runs.delete(this.runs.keys().next().value!);
    if (!tail.startsWith("]")) return { req, hash: promptHash(req) };
    return { req, hash: h.update(tail).digest("hex") };
  }

  size(): number {
    return this.runs.size;
  }
}
