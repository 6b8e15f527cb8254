import { decode, encode, type LlmCommand, type LlmResult, type RunError, type Subjects } from "@cairn/protocol";
import { backoffDelay, buildModelRequest, payloadRefs, errorKind, errorMessage, isRetryable, promptHash, retryAfterOf, type RetryPolicy, type RunState } from "@cairn/runtime";
import { preview, type AppendResult, type CrashPoint, type Disposition, type PayloadRef, type WorkContext } from "@cairn/bus";
import type { ModelProvider } from "@cairn/providers";
import { activeSpan, CairnAttr, SpanKind, withSpan, type Logger } from "@cairn/telemetry";

export interface CommandMessage {
  subject: string;
  seq: number;
  deliveries: number;
  data: Uint8Array;
}

export interface LlmHandlerDeps {
  subjects: Subjects;
  providers: Map<string, ModelProvider>;
  foldTo(runId: string, seq: number): Promise<RunState>;
  /** True when the run's log already holds a message on `subject`. */
  exists(subject: string): Promise<boolean>;
  append(subject: string, data: Uint8Array): Promise<AppendResult>;
  crash: { hit(p: CrashPoint, subject?: string): void };
  retry: RetryPolicy;
  timeoutMs: number;
  /** Large model replies go to the Object Store; earlier large payloads are loaded to rebuild prompts. */
  payloads?: { put(name: string, text: string): Promise<PayloadRef>; get(ref: PayloadRef): Promise<string> };
  largePayloadBytes: number;
  /** Streams output tokens to watchers (not durable); omitted: no streaming. */
  publishToken?: (runId: string, turn: number, text: string) => void;
  maxMessageBytes: number;
  log: Logger;
  now(): number;
}

/**
 * The llm-caller's command handler: rebuild the prompt from the run's history, call the model,
 * append the response (once, ever), then ack. A redelivered command whose response is already in
 * the log is acked without calling the model again. Retryable provider errors are nak'd with
 * backoff (so the wait survives a crash); the last failure is recorded as the turn's result.
 */
export function createLlmHandler(deps: LlmHandlerDeps): (m: CommandMessage, ctx: WorkContext) => Promise<Disposition> {
  const { subjects, log } = deps;

  const record = async (result: LlmResult): Promise<AppendResult> => {
    if (result.content && deps.payloads && Buffer.byteLength(result.content) > deps.largePayloadBytes) {
      const ref = await deps.payloads.put(`${result.runId}/llm/${result.turn}`, result.content);
      result = { ...result, content: preview(result.content), contentRef: ref };
    }
    let data = encode(result);
    if (data.length > deps.maxMessageBytes) {
      const { content: _c, toolCalls: _t, ...rest } = result;
      data = encode({ ...rest, ok: false, error: { kind: "result_too_large", message: `model response of ${data.length} bytes exceeds the ${deps.maxMessageBytes}-byte message limit` } });
    }
    return deps.append(subjects.llmResult(result.runId, result.turn), data);
  };

  return async (m, ctx) => {
    const parsed = subjects.parse(m.subject);
    if (!parsed || parsed.what.kind !== "llm-command") {
      log.error({ subject: m.subject }, "message on the LLM command filter with an unexpected subject; dropped");
      return { term: "unexpected subject" };
    }
    const { runId } = parsed;
    const turn = parsed.what.turn;
    const rlog = log.child({ runId, turn, step: `llm.${turn}`, attempt: m.deliveries });
    deps.crash.hit("after-receive", m.subject);

    const d = decode<LlmCommand>("LlmCommand", m.data, deps.maxMessageBytes);
    if (!d.ok || d.value.runId !== runId || d.value.turn !== turn) {
      const reason = d.ok ? "command fields do not match its subject" : d.message;
      const kind = d.ok ? "schema_invalid" : d.kind;
      rlog.error({ kind, reason }, "invalid LLM command: recorded as the turn's failed result");
      const err: RunError = { v: 1, type: "run.error", runId, service: "llm-caller", subject: m.subject, seq: m.seq, error: { kind, message: reason }, at: new Date(deps.now()).toISOString() };
      await deps.append(subjects.error(runId, `s${m.seq}`), encode(err));
      await record({ v: 1, type: "llm.result", runId, turn, ok: false, attempts: m.deliveries, error: { kind: `invalid_command`, message: `${kind}: ${reason}` } });
      return { ack: true };
    }
    const cmd = d.value;
    if (m.deliveries > 1 && (await deps.exists(subjects.llmResult(runId, turn)))) {
      activeSpan()?.setAttribute(CairnAttr.RESULT_REUSED, true);
      rlog.info("redelivered command already has its recorded response: acked without calling the model");
      return { ack: true };
    }

    const state = await deps.foldTo(runId, cmd.historySeq);
    const agent = state.submitted?.agent;
    if (!agent) {
      await record({ v: 1, type: "llm.result", runId, turn, ok: false, attempts: m.deliveries, error: { kind: "no_submission", message: "the run has no valid submission" } });
      return { ack: true };
    }
    const provider = deps.providers.get(agent.provider);
    if (!provider) {
      await record({ v: 1, type: "llm.result", runId, turn, ok: false, attempts: m.deliveries, error: { kind: "unknown_provider", message: `no provider "${agent.provider}" is configured in this llm-caller (have: ${[...deps.providers.keys()].join(", ")})` } });
      return { ack: true };
    }
    const loaded = new Map<string, string>();
    for (const ref of payloadRefs(state, turn)) loaded.set(ref.name, await deps.payloads!.get(ref));
    const req = buildModelRequest(state, turn, loaded);
    const hash = promptHash(req);
    const started = deps.now();
    const base = { v: 1 as const, type: "llm.result" as const, runId, turn, provider: provider.name, model: agent.model, promptHash: hash, historySeq: cmd.historySeq, attempts: m.deliveries };
    try {
      // The model call's own span, with the GenAI semantic conventions' attributes.
      const genAi = { "gen_ai.operation.name": "chat", "gen_ai.system": provider.name, "gen_ai.provider.name": provider.name, "gen_ai.request.model": agent.model, [CairnAttr.RUN_ID]: runId, [CairnAttr.TURN]: turn, [CairnAttr.ATTEMPT]: m.deliveries };
      const res = await withSpan(`chat ${agent.model}`, { kind: SpanKind.CLIENT, attributes: { ...genAi, ...(req.temperature !== undefined ? { "gen_ai.request.temperature": req.temperature } : {}) } }, async (span) => {
        const publish = deps.publishToken;
        const r = await provider.complete(req, { signal: ctx.signal, timeoutMs: deps.timeoutMs, ...(publish ? { onToken: (text: string) => publish(runId, turn, text) } : {}) });
        span?.setAttributes({ "gen_ai.response.model": r.model, "gen_ai.response.finish_reasons": [r.finishReason], "gen_ai.usage.input_tokens": r.usage.inputTokens, "gen_ai.usage.output_tokens": r.usage.outputTokens });
        return r;
      });
      const latencyMs = deps.now() - started;
      rlog.debug({ ms: latencyMs }, "model answered");
      deps.crash.hit("after-llm", m.subject);
      const rec = await record({ ...base, ok: true, content: res.content, toolCalls: res.toolCalls, finishReason: res.finishReason, model: res.model, usage: res.usage, latencyMs });
      if (rec.duplicate) {
        rlog.warn({ ms: latencyMs }, "late response discarded: this turn's response was already recorded by another delivery (this one stalled past ack_wait)");
      } else {
        rlog.info({ provider: provider.name, model: res.model, ms: latencyMs, toolCalls: res.toolCalls.length, inputTokens: res.usage.inputTokens, outputTokens: res.usage.outputTokens }, "model call completed");
      }
    } catch (err) {
      if (ctx.signal.aborted) return { nak: 0 };
      const retryable = isRetryable(err);
      if (retryable && m.deliveries < deps.retry.maxAttempts) {
        const delay = backoffDelay(deps.retry, m.deliveries, retryAfterOf(err));
        rlog.warn({ err: errorMessage(err), kind: errorKind(err), delayMs: delay }, "model call failed; retrying after backoff");
        return { nak: delay };
      }
      rlog.error({ err: errorMessage(err), kind: errorKind(err), retryable }, "model call failed for good: recorded as the turn's result");
      await record({ ...base, ok: false, latencyMs: deps.now() - started, error: { kind: errorKind(err), message: errorMessage(err), retryable } });
    }
    deps.crash.hit("after-publish", m.subject);
    return { ack: true };
  };
}
