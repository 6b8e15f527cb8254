import { createHash, type Hash } from "node:crypto";
import type { ChatMessage, ModelRequest } from "./model.js";
import {
  buildModelRequest,
  canonicalJson,
  payloadRefs,
  pendingUserMessages,
  promptHash,
  pushTurns,
  refsOf,
  requestOf,
  resolver,
} from "./prompt.js";
import type { RunState } from "./state.js";
import { handoffTool, nextAgent } from "./team.js";

type Ref = ReturnType<typeof payloadRefs>[number];

/** The canonical JSON of a request starts with its messages ("messages" sorts first among its keys). */
const HEAD = '{"messages":[';

interface Entry {
  /** The model turn these messages were the prompt of. */
  turn: number;
  /** The agent whose turn it was (its system prompt and tools are in the entry). */
  agent: string;
  messages: ChatMessage[];
  /** sha256 fed with HEAD and the canonical JSON of `messages`, comma-separated: copied, never finished. */
  hash: Hash;
  /** The canonical JSON after the messages (model, tools, temperature): fixed for a run. */
  tail: string;
  /** Characters of message content held (what the byte cap counts). */
  chars: number;
}

/** A prompt about to be built: the payloads it still needs, then the build itself (same cache entry). */
export interface PromptPlan {
  refs: Ref[];
  build(payloads?: ReadonlyMap<string, string>): { req: ModelRequest; hash: string };
}

function contentChars(messages: readonly ChatMessage[]): number {
  let n = 0;
  for (const m of messages) n += (m.content ?? "").length;
  return n;
}

/**
 * The llm-caller's per-run cache of the last prompt it built, so the next turn's prompt costs
 * only its new messages: without compaction a run's prompt only grows at the end (the messages of
 * the turns since), so the earlier messages are reused as they are and the prompt hash continues
 * from a copy of the running sha256. The result is exactly `buildModelRequest` and `promptHash`
 * (tested), so replay's rebuild-and-compare is unchanged. With a context budget (truncation or
 * summaries may rewrite earlier messages) or for an earlier turn than the cached one, the prompt
 * is built and hashed in full.
 *
 * Bounded by runs and by characters held (least recently used first out); `forget` drops a run
 * whose last model call is done.
 */
export class PromptCache {
  private readonly runs = new Map<string, Entry>();
  private chars = 0;

  constructor(
    private readonly maxRuns = 2_000,
    private readonly maxChars = 32 * 1024 * 1024,
  ) {}

  private cacheable(state: RunState): boolean {
    const agent = nextAgent(state);
    return agent !== undefined && agent.contextBudgetTokens === undefined;
  }

  /**
   * Plans the request for model turn `turn`: which stored payloads to load first, and the build
   * (as `buildModelRequest` + `promptHash`). The plan holds on to the cache entry it was made
   * from, so loading payloads in between cannot make the two disagree.
   */
  plan(state: RunState, turn: number, opts: { instructions?: string } = {}): PromptPlan {
    if (opts.instructions !== undefined) {
      // instructions in code: the system prompt may differ from turn to turn, so it is built in full
      return {
        refs: payloadRefs(state, turn),
        build: (payloads) => {
          const req = buildModelRequest(state, turn, payloads, opts);
          return { req, hash: promptHash(req) };
        },
      };
    }
    const cached = this.runs.get(state.runId);
    // (a handoff changes the system prompt and the tools: the prompt is built again in full)
    const e =
      cached && cached.turn < turn && cached.agent === nextAgent(state)?.name && this.cacheable(state)
        ? cached
        : undefined;
    return {
      refs: e ? refsOf(state, undefined, e.turn - 1, turn) : payloadRefs(state, turn),
      build: (payloads) => this.build(state, turn, e, payloads),
    };
  }

  private build(
    state: RunState,
    turn: number,
    e: Entry | undefined,
    payloads?: ReadonlyMap<string, string>,
  ): { req: ModelRequest; hash: string } {
    const sub = state.submitted;
    if (!sub || !this.cacheable(state)) {
      const req = buildModelRequest(state, turn, payloads);
      return { req, hash: promptHash(req) };
    }
    // The cached part is the prompt without the users' messages recorded since the last turn (they
    // end this prompt, and the next prompt has them where this turn read them: see pushTurns).
    const pending = pendingUserMessages(state);
    let messages: ChatMessage[];
    let h: Hash;
    let fresh: ChatMessage[];
    if (e) {
      fresh = [];
      pushTurns(fresh, state, e.turn - 1, turn, resolver(payloads));
      messages = e.messages.concat(fresh);
      h = e.hash.copy();
    } else {
      const all = buildModelRequest(state, turn, payloads).messages;
      messages = all.slice(0, all.length - pending.length);
      fresh = messages;
      h = createHash("sha256").update(HEAD);
    }
    let n = messages.length - fresh.length;
    for (const m of fresh) h.update(n++ === 0 ? canonicalJson(m) : `,${canonicalJson(m)}`);
    const agent = nextAgent(state) ?? sub.agent;
    const req = requestOf(agent, pending.length ? messages.concat(pending) : messages, handoffTool(state, agent));
    const tail = e?.tail ?? canonicalJson({ ...req, messages: [] }).slice(HEAD.length);
    this.remember(state.runId, {
      turn,
      agent: agent.name,
      messages,
      hash: h.copy(),
      tail,
      chars: (e?.chars ?? 0) + contentChars(fresh),
    });
    if (!tail.startsWith("]")) return { req, hash: promptHash(req) };
    for (const m of pending) h.update(`,${canonicalJson(m)}`);
    return { req, hash: h.update(tail).digest("hex") };
  }

  private remember(runId: string, entry: Entry): void {
    this.forget(runId);
    this.runs.set(runId, entry);
    this.chars += entry.chars;
    while (this.runs.size > this.maxRuns || (this.chars > this.maxChars && this.runs.size > 1)) {
      this.forget(this.runs.keys().next().value!);
    }
  }

  /** Drops a run (its last model call is done, or it failed). */
  forget(runId: string): void {
    const e = this.runs.get(runId);
    if (!e) return;
    this.chars -= e.chars;
    this.runs.delete(runId);
  }

  size(): number {
    return this.runs.size;
  }
}
