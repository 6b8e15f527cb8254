import { decode, encode, type LlmCommand, type LlmResult, type RunError, type Subjects, type SummaryCommand, type SummaryResult } from "@cairn/protocol";
import { backoffDelay, buildSummaryRequest, PromptCache, errorKind, errorMessage, isRetryable, promptHash, retryAfterOf, summaryPayloadRefs, type ModelRequest, type RetryPolicy, type RunState } from "@cairn/runtime";
import { preview, type AppendResult, type FoldHint, type CrashPoint, type Disposition, type PayloadRef, type WorkContext } from "@cairn/bus";
import type { ModelProvider } from "@cairn/providers";
import { activeSpan, CairnAttr, SpanKind, stepLogger, withSpan, type Logger, type StepLogger } from "@cairn/telemetry";

export interface CommandMessage {
  subject: string;
  seq: number;
  deliveries: number;
  data: Uint8Array;
  /** What the planner said about the run's history up to the command's historySeq (its headers). */
  hint?: FoldHint;
}

export interface LlmHandlerDeps {
  subjects: Subjects;
  providers: Map<string, ModelProvider>;
  foldTo(runId: string, seq: number, hint?: FoldHint): Promise<RunState>;
  /** True when the run's log already holds a message on `subject`. */
  exists(subject: string): Promise<boolean>;
  append(subject: string, data: Uint8Array): Promise<AppendResult>;
  crash: { hit(p: CrashPoint, subject?: string): void };
  retry: RetryPolicy;
  timeoutMs: number;
  /** Large model replies go to the payload stream; earlier large payloads are loaded to rebuild prompts. */
  payloads?: { put(runId: string, text: string): Promise<PayloadRef>; get(ref: PayloadRef): Promise<string> };
  largePayloadBytes: number;
  /** Streams output tokens to watchers (not durable); omitted: no streaming. */
  publishToken?: (runId: string, turn: number, text: string) => void;
  maxMessageBytes: number;
  /** Drops what is cached about a run whose model turns are over (its final answer or failure is recorded). */
  forget?: (runId: string) => void;
  log: Logger;
  now(): number;
}

/**
 * The llm-caller's command handler: rebuild the prompt from the run's history, call the model,
 * append the response (once, ever), then ack. A redelivered command whose response is already in
 * the log is acked without calling the model again. Retryable provider errors are nak'd with
 * backoff (so the wait survives a crash); the last failure is recorded as the turn's result.
 * Summarisation commands (context compaction) go the same way, with the summary request and the
 * turn's summary subject.
 */
export function createLlmHandler(deps: LlmHandlerDeps): (m: CommandMessage, ctx: WorkContext) => Promise<Disposition> {
  const { subjects, log } = deps;
  // The last prompt built per run: the next turn's prompt and hash cost only its new messages.
  const prompts = new PromptCache();

  /**
   * Appends a step's record: content larger than CAIRN_LARGE_PAYLOAD_BYTES goes to the payload
   * stream (a preview and a reference stay inline); a record still over the message limit is
   * replaced by the failure `tooLarge` makes of it.
   */
  const appendRecord = async <R extends { runId: string; content?: string | null; contentRef?: PayloadRef }>(subject: string, result: R, tooLarge: (r: R, bytes: number) => unknown): Promise<AppendResult> => {
    if (result.content && deps.payloads && Buffer.byteLength(result.content) > deps.largePayloadBytes) {
      const ref = await deps.payloads.put(result.runId, result.content);
      result = { ...result, content: preview(result.content), contentRef: ref };
    }
    let data = encode(result);
    if (data.length > deps.maxMessageBytes) data = encode(tooLarge(result, data.length));
    return deps.append(subject, data);
  };
  const tooLargeError = (what: string, bytes: number) => ({ kind: "result_too_large", message: `${what} of ${bytes} bytes exceeds the ${deps.maxMessageBytes}-byte message limit` });

  const record = (result: LlmResult): Promise<AppendResult> =>
    appendRecord(subjects.llmResult(result.runId, result.turn), result, ({ content: _c, toolCalls: _t, ...rest }, n) => ({ ...rest, ok: false, error: tooLargeError("model response", n) }));

  const recordSummary = (result: SummaryResult): Promise<AppendResult> =>
    appendRecord(subjects.summaryResult(result.runId, result.turn), result, ({ content: _c, ...rest }, n) => ({ ...rest, ok: false, error: tooLargeError("summary", n) }));

  /** What differs between a model turn and a summarisation: the command, the request, the record. */
  interface Work {
    step: string;
    resultSubject: string;
    historySeq: number;
    /** The payloads to load, then the request and its prompt hash. */
    plan(state: RunState): { refs: { bucket: string; name: string; bytes: number; sha256: string }[]; build(loaded: Map<string, string>): { req: ModelRequest; hash: string } };
    /** Records a failure (ok false) or a response. */
    fail(base: { attempts: number; latencyMs?: number; promptHash?: string; provider?: string; model?: string; historySeq?: number }, error: { kind: string; message: string; retryable?: boolean }): Promise<AppendResult>;
    succeed(base: { attempts: number; latencyMs: number; promptHash: string; provider: string }, res: Awaited<ReturnType<ModelProvider["complete"]>>): Promise<AppendResult>;
    streamTurn?: number;
  }

  const invalid = async (m: CommandMessage, runId: string, kind: string, reason: string, rlog: StepLogger, work: Pick<Work, "fail">): Promise<Disposition> => {
    rlog.error({ kind, reason }, subjects.parse(m.subject)?.what.kind === "summary-command" ? "invalid summary command: recorded as the summary's failed result" : "invalid LLM command: recorded as the turn's failed result");
    const err: RunError = { v: 1, type: "run.error", runId, service: "llm-caller", subject: m.subject, seq: m.seq, error: { kind, message: reason }, at: new Date(deps.now()).toISOString() };
    await deps.append(subjects.error(runId, `s${m.seq}`), encode(err));
    await work.fail({ attempts: m.deliveries }, { kind: "invalid_command", message: `${kind}: ${reason}` });
    return { ack: true };
  };

  /** Decodes the command into its Work, or records why it cannot be done. */
  const workOf = async (m: CommandMessage, rlog: StepLogger): Promise<Work | Disposition> => {
    const parsed = subjects.parse(m.subject)!;
    const { runId } = parsed;
    if (parsed.what.kind === "llm-command") {
      const turn = parsed.what.turn;
      const fail: Work["fail"] = (b, error) => record({ v: 1, type: "llm.result", runId, turn, ok: false, ...b, error });
      const d = decode<LlmCommand>("LlmCommand", m.data, deps.maxMessageBytes);
      if (!d.ok || d.value.runId !== runId || d.value.turn !== turn) {
        return invalid(m, runId, d.ok ? "schema_invalid" : d.kind, d.ok ? "command fields do not match its subject" : d.message, rlog, { fail });
      }
      const historySeq = d.value.historySeq;
      return {
        step: `llm.${turn}`,
        resultSubject: subjects.llmResult(runId, turn),
        historySeq,
        plan: (state) => prompts.plan(state, turn),
        fail: (b, error) => fail({ ...b, historySeq }, error),
        succeed: (b, res) => record({ v: 1, type: "llm.result", runId, turn, ok: true, ...b, historySeq, content: res.content, toolCalls: res.toolCalls, finishReason: res.finishReason, model: res.model, usage: res.usage }),
        streamTurn: turn,
      };
    }
    const turn = (parsed.what as { turn: number }).turn;
    const d = decode<SummaryCommand>("SummaryCommand", m.data, deps.maxMessageBytes);
    const through = d.ok ? d.value.throughTurn : 1;
    const fail: Work["fail"] = (b, error) => recordSummary({ v: 1, type: "summary.result", runId, turn, throughTurn: Math.min(through, Math.max(1, turn - 1)), ok: false, ...b, error });
    if (!d.ok || d.value.runId !== runId || d.value.turn !== turn || d.value.throughTurn >= turn) {
      return invalid(m, runId, d.ok ? "schema_invalid" : d.kind, d.ok ? "command fields do not match its subject" : d.message, rlog, { fail });
    }
    const historySeq = d.value.historySeq;
    return {
      step: `summary.${turn}`,
      resultSubject: subjects.summaryResult(runId, turn),
      historySeq,
      plan: (state) => ({
        refs: summaryPayloadRefs(state, turn, through),
        build: (loaded) => {
          const req = buildSummaryRequest(state, turn, through, loaded);
          return { req, hash: promptHash(req) };
        },
      }),
      fail: (b, error) => fail({ ...b, historySeq }, error),
      // An empty summary would silently drop the turns it covers: it is recorded as a failure.
      succeed: (b, res) =>
        res.content?.trim()
          ? recordSummary({ v: 1, type: "summary.result", runId, turn, throughTurn: through, ok: true, ...b, historySeq, content: res.content, model: res.model, usage: res.usage })
          : recordSummary({ v: 1, type: "summary.result", runId, turn, throughTurn: through, ok: false, ...b, historySeq, model: res.model, usage: res.usage, error: { kind: "empty_summary", message: "the model answered the summarisation request with no text" } }),
    };
  };

  return async (m, ctx) => {
    const parsed = subjects.parse(m.subject);
    if (!parsed || (parsed.what.kind !== "llm-command" && parsed.what.kind !== "summary-command")) {
      log.error({ subject: m.subject }, "message on the LLM command filter with an unexpected subject; dropped");
      return { term: "unexpected subject" };
    }
    const { runId } = parsed;
    const turn = parsed.what.turn;
    const rlog = stepLogger(log, { runId, turn, step: `${parsed.what.kind === "llm-command" ? "llm" : "summary"}.${turn}`, attempt: m.deliveries });
    deps.crash.hit("after-receive", m.subject);

    const work = await workOf(m, rlog);
    if (!("resultSubject" in work)) return work;
    if (m.deliveries > 1 && (await deps.exists(work.resultSubject))) {
      activeSpan()?.setAttribute(CairnAttr.RESULT_REUSED, true);
      rlog.info("redelivered command already has its recorded response: acked without calling the model");
      return { ack: true };
    }

    const state = await deps.foldTo(runId, work.historySeq, m.hint);
    const agent = state.submitted?.agent;
    if (!agent) {
      await work.fail({ attempts: m.deliveries }, { kind: "no_submission", message: "the run has no valid submission" });
      return { ack: true };
    }
    const provider = deps.providers.get(agent.provider);
    if (!provider) {
      await work.fail({ attempts: m.deliveries }, { kind: "unknown_provider", message: `no provider "${agent.provider}" is configured in this llm-caller (have: ${[...deps.providers.keys()].join(", ")})` });
      return { ack: true };
    }
    const plan = work.plan(state);
    const loaded = new Map<string, string>();
    for (const ref of plan.refs) loaded.set(ref.name, await deps.payloads!.get(ref));
    const { req, hash } = plan.build(loaded);
    const started = deps.now();
    const base = { provider: provider.name, model: agent.model, promptHash: hash, attempts: m.deliveries };
    try {
      // The model call's own span, with the GenAI semantic conventions' attributes.
      const genAi = { "gen_ai.operation.name": "chat", "gen_ai.system": provider.name, "gen_ai.provider.name": provider.name, "gen_ai.request.model": agent.model, [CairnAttr.RUN_ID]: runId, [CairnAttr.TURN]: turn, [CairnAttr.ATTEMPT]: m.deliveries, ...(req.purpose ? { "cairn.purpose": req.purpose } : {}) };
      const res = await withSpan(`chat ${agent.model}`, { kind: SpanKind.CLIENT, attributes: { ...genAi, ...(req.temperature !== undefined ? { "gen_ai.request.temperature": req.temperature } : {}) } }, async (span) => {
        const publish = work.streamTurn !== undefined ? deps.publishToken : undefined;
        const r = await provider.complete(req, { signal: ctx.signal, timeoutMs: deps.timeoutMs, ...(publish ? { onToken: (text: string) => publish(runId, turn, text) } : {}) });
        span?.setAttributes({ "gen_ai.response.model": r.model, "gen_ai.response.finish_reasons": [r.finishReason], "gen_ai.usage.input_tokens": r.usage.inputTokens, "gen_ai.usage.output_tokens": r.usage.outputTokens });
        return r;
      });
      const latencyMs = deps.now() - started;
      rlog.debug({ ms: latencyMs }, "model answered");
      deps.crash.hit("after-llm", m.subject);
      const rec = await work.succeed({ ...base, latencyMs }, res);
      // A model turn without tool calls is the run's last: its prompt is not needed again.
      if (work.streamTurn !== undefined && res.toolCalls.length === 0) {
        prompts.forget(runId);
        // Only when this delivery's response is the one recorded (a duplicate's may have asked for tools).
        if (!rec.duplicate) deps.forget?.(runId);
      }
      if (rec.duplicate) {
        rlog.warn({ ms: latencyMs }, "late response discarded: this step's response was already recorded by another delivery (this one stalled past ack_wait)");
      } else {
        // Every response is in the run's log (cairn replay): debug, like each tool call.
        (req.purpose === "summary" ? rlog.info : rlog.debug)({ provider: provider.name, model: res.model, ms: latencyMs, toolCalls: res.toolCalls.length, inputTokens: res.usage.inputTokens, outputTokens: res.usage.outputTokens }, req.purpose === "summary" ? "summary recorded" : "model call completed");
      }
    } catch (err) {
      if (ctx.signal.aborted) return { nak: 0 };
      const retryable = isRetryable(err);
      if (retryable && m.deliveries < deps.retry.maxAttempts) {
        const delay = backoffDelay(deps.retry, m.deliveries, retryAfterOf(err));
        rlog.warn({ err: errorMessage(err), kind: errorKind(err), delayMs: delay }, "model call failed; retrying after backoff");
        return { nak: delay };
      }
      rlog.error({ err: errorMessage(err), kind: errorKind(err), retryable }, "model call failed for good: recorded as the step's result");
      await work.fail({ ...base, latencyMs: deps.now() - started }, { kind: errorKind(err), message: errorMessage(err), retryable });
      prompts.forget(runId); // a cache entry is only a cache
      // A failed model turn ends the run; a failed summary does not (the turn's model call follows).
      if (work.streamTurn !== undefined) deps.forget?.(runId);
    }
    deps.crash.hit("after-publish", m.subject);
    return { ack: true };
  };
}
