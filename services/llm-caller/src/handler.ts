import {
  decode,
  encode,
  type CheckCommand,
  type CheckResult,
  type LlmCommand,
  type LlmResult,
  type RetryPolicy,
  type RunSubjectKind,
  type Subjects,
  type SummaryCommand,
  type SummaryResult,
} from "@cairn/protocol";
import {
  buildCheckRequest,
  buildSummaryRequest,
  checkTarget,
  estimateTokens,
  parseVerdict,
  nextAgent,
  PromptCache,
  promptHash,
  summaryPayloadRefs,
  type ModelRequest,
  type RunState,
} from "@cairn/runtime";
import type { AppendResult, Disposition, PayloadRef, WorkContext } from "@cairn/bus";
import { parseRateLimitHeaders, type ModelProvider } from "@cairn/providers";
import { activeSpan, CairnAttr, SpanKind, stepLogger, withSpan, type Logger, type StepLogger } from "@cairn/telemetry";
import type { FoldHint } from "@cairn/runlog";
import { StepRecorder, type CrashPoint, type StepError, type StepWords } from "@cairn/worker";
import { priorityOf, tokensOfFailedCall, type HeaderInfo, type Reservation } from "./admission.js";
import type { AdmissionStore, ModelBudget } from "./admission-store.js";

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
  /** Time limit of every model call; unset: each provider's own (its endpoint's). */
  timeoutMs?: number;
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
  /**
   * Token-aware admission (admission.ts): a model's budget, when its endpoint has limits, and the
   * store shared by every llm-caller. A command that must wait is handed back with a nak delay; one
   * delivered `forceAfter` times or more is admitted anyway (JetStream would give up on it).
   */
  admission?: {
    budgetOf(provider: string, model: string): ModelBudget | undefined;
    store: Pick<AdmissionStore, "reserve" | "settle">;
    forceAfter: number;
  };
}

/** How long after a model request is sent the provider surely has it (the admission charge starts then, at the latest). */
export const SENT_MARGIN_MS = 1_000;

/** A request's estimated tokens: its messages and tools at 4 characters a token (the provider's count settles it). */
export function estimateRequestTokens(req: ModelRequest): number {
  let chars = 0;
  for (const t of req.tools) chars += t.name.length + t.description.length + JSON.stringify(t.inputSchema).length;
  return estimateTokens(req.messages) + Math.ceil(chars / 4);
}

/** What differs between a model turn, a summarisation and a guardrail check: the command, the model, the request, the record. */
interface Work {
  resultSubject: string;
  historySeq: number;
  /** The provider and model to call, or why there is none; unset: the agent whose turn it is. */
  pick?(state: RunState): { provider: string; model: string } | { error: StepError };
  /** The payloads to load, then the request and its prompt hash. */
  plan(state: RunState): {
    refs: PayloadRef[];
    build(loaded: Map<string, string>): { req: ModelRequest; hash: string };
  };
  /** Records a failure (ok false) or a response. */
  fail(base: StepBase, error: StepError): Promise<AppendResult>;
  succeed(
    base: StepBase & { latencyMs: number; promptHash: string; provider: string },
    res: ModelResponse,
  ): Promise<AppendResult>;
  /** A model turn's number (its tokens stream to watchers); undefined for a summary or a check. */
  streamTurn?: number;
  /** Logged when recorded: "response", "summary", "check". */
  what: "response" | "summary" | "check";
}

type StepBase = { attempts: number; latencyMs?: number; promptHash?: string; provider?: string; model?: string };
type ModelResponse = Awaited<ReturnType<ModelProvider["complete"]>>;

const WORDS: StepWords = { call: "model call", result: "response", skipped: "acked without calling the model" };

/**
 * The llm-caller's command handler: rebuild the prompt from the run's history, call the model,
 * append the response (once, ever), then ack — the workers' step skeleton (StepRecorder in
 * @cairn/worker). Summarisation commands (context compaction) go the same way, with the summary
 * request and the turn's summary subject.
 */
export function createLlmHandler(deps: LlmHandlerDeps): (m: CommandMessage, ctx: WorkContext) => Promise<Disposition> {
  const { subjects, log } = deps;
  // The last prompt built per run: the next turn's prompt and hash cost only its new messages.
  const prompts = new PromptCache();
  const steps = new StepRecorder({ ...deps, service: "llm-caller" });

  const record = (result: LlmResult): Promise<AppendResult> =>
    steps.record(subjects.llmResult(result.runId, result.turn), result, {
      text: "content",
      ref: "contentRef",
      tooLarge: ({ content: _c, toolCalls: _t, ...rest }, n) => ({
        ...rest,
        ok: false,
        error: steps.tooLarge("model response", n),
      }),
    });
  const recordCheck = (result: CheckResult): Promise<AppendResult> =>
    // small (a verdict, a reason of at most 4 KiB, an error cut to 4 KiB): never a payload
    deps.append(
      subjects.checkResult(result.runId, result.n),
      encode(
        result.error ? { ...result, error: { ...result.error, message: result.error.message.slice(0, 4096) } } : result,
      ),
    );
  const recordSummary = (result: SummaryResult): Promise<AppendResult> =>
    steps.record(subjects.summaryResult(result.runId, result.turn), result, {
      text: "content",
      ref: "contentRef",
      tooLarge: ({ content: _c, ...rest }, n) => ({ ...rest, ok: false, error: steps.tooLarge("summary", n) }),
    });

  /** A model turn's command as Work, or why it cannot be done. */
  const turnWork = (
    m: CommandMessage,
    runId: string,
    turn: number,
  ): Work | { invalid: [kind: string, reason: string]; fail: Work["fail"] } => {
    const fail = (b: StepBase & { historySeq?: number }, error: StepError) =>
      record({ v: 1, type: "llm.result", runId, turn, ok: false, ...b, error });
    const d = decode<LlmCommand>("LlmCommand", m.data, deps.maxMessageBytes);
    if (!d.ok) return { invalid: [d.kind, d.message], fail };
    if (d.value.runId !== runId || d.value.turn !== turn)
      return { invalid: ["schema_invalid", "command fields do not match its subject"], fail };
    const historySeq = d.value.historySeq;
    return {
      resultSubject: subjects.llmResult(runId, turn),
      historySeq,
      plan: (state) =>
        prompts.plan(state, turn, d.value.instructions !== undefined ? { instructions: d.value.instructions } : {}),
      fail: (b, error) => fail({ ...b, historySeq }, error),
      succeed: (b, res) =>
        record({
          v: 1,
          type: "llm.result",
          runId,
          turn,
          ok: true,
          ...b,
          historySeq,
          content: res.content,
          toolCalls: res.toolCalls,
          finishReason: res.finishReason,
          model: res.model,
          usage: res.usage,
        }),
      streamTurn: turn,
      what: "response",
    };
  };

  /** A model-judged guardrail's check as Work, or why it cannot be done. */
  const checkWork = (
    m: CommandMessage,
    runId: string,
    n: number,
  ): Work | { invalid: [kind: string, reason: string]; fail: Work["fail"] } => {
    const d = decode<CheckCommand>("CheckCommand", m.data, deps.maxMessageBytes);
    const cmd = d.ok ? d.value : undefined;
    const check = (
      b: StepBase & { historySeq?: number },
      r: { ok: true; tripped: boolean; reason?: string } | { ok: false; error: StepError },
      c: CheckCommand,
      extra: Partial<CheckResult> = {},
    ) =>
      recordCheck({
        v: 1,
        type: "check.result",
        runId,
        n,
        turn: c.turn,
        point: c.point,
        guardrail: c.guardrail,
        ...b,
        ...extra,
        ...r,
      });
    // (a command that cannot be read names no guardrail: nothing fits it; the run's planner is told by the error event)
    const fail = (b: StepBase & { historySeq?: number }, error: StepError) =>
      cmd ? check(b, { ok: false, error }, cmd) : Promise.resolve({ seq: 0, duplicate: true });
    if (!d.ok) return { invalid: [d.kind, d.message], fail };
    if (d.value.runId !== runId || d.value.n !== n)
      return { invalid: ["schema_invalid", "command fields do not match its subject"], fail };
    const c = d.value;
    let target: ReturnType<typeof checkTarget> | undefined;
    const targetOf = (state: RunState) => (target ??= checkTarget(state, c));
    return {
      resultSubject: subjects.checkResult(runId, n),
      historySeq: c.historySeq,
      pick: (state) => {
        const t = targetOf(state);
        return typeof t === "string"
          ? { error: { kind: "invalid_command", message: t } }
          : { provider: t.provider, model: t.model };
      },
      plan: (state) => {
        const t = targetOf(state) as Exclude<ReturnType<typeof checkTarget>, string>;
        return {
          refs: t.textRef ? [t.textRef] : [],
          build: (loaded) => {
            const req = buildCheckRequest(t, t.textRef ? (loaded.get(t.textRef.name) ?? t.text) : t.text);
            return { req, hash: promptHash(req) };
          },
        };
      },
      fail: (b, error) => fail({ ...b, historySeq: c.historySeq }, error),
      // An answer that is no verdict is recorded as a failed check: the guardrail then pauses the run.
      succeed: (b, res) => {
        const v = parseVerdict(res.content);
        const extra = { model: res.model, usage: res.usage };
        return v
          ? check({ ...b, historySeq: c.historySeq }, { ok: true, ...v }, c, extra)
          : check(
              { ...b, historySeq: c.historySeq },
              {
                ok: false,
                error: {
                  kind: "invalid_verdict",
                  message: `the judging model's answer is not {"tripped": boolean, "reason"}: ${JSON.stringify((res.content ?? "").slice(0, 200))}`,
                },
              },
              c,
              extra,
            );
      },
      what: "check",
    };
  };

  /** A summarisation command as Work, or why it cannot be done. */
  const summaryWork = (
    m: CommandMessage,
    runId: string,
    turn: number,
  ): Work | { invalid: [kind: string, reason: string]; fail: Work["fail"] } => {
    const d = decode<SummaryCommand>("SummaryCommand", m.data, deps.maxMessageBytes);
    const through = d.ok ? d.value.throughTurn : 1;
    const summary = (
      b: StepBase & { historySeq?: number },
      r:
        | { ok: true; content: string; model: string; usage: SummaryResult["usage"] }
        | { ok: false; model?: string; usage?: SummaryResult["usage"]; error: StepError },
    ) =>
      recordSummary({
        v: 1,
        type: "summary.result",
        runId,
        turn,
        throughTurn: r.ok ? through : Math.min(through, Math.max(1, turn - 1)),
        ...b,
        ...r,
      });
    const fail = (b: StepBase & { historySeq?: number }, error: StepError) => summary(b, { ok: false, error });
    if (!d.ok) return { invalid: [d.kind, d.message], fail };
    if (d.value.runId !== runId || d.value.turn !== turn || d.value.throughTurn >= turn)
      return { invalid: ["schema_invalid", "command fields do not match its subject"], fail };
    const historySeq = d.value.historySeq;
    return {
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
          ? summary({ ...b, historySeq }, { ok: true, content: res.content, model: res.model, usage: res.usage })
          : summary(
              { ...b, historySeq },
              {
                ok: false,
                model: res.model,
                usage: res.usage,
                error: { kind: "empty_summary", message: "the model answered the summarisation request with no text" },
              },
            ),
      what: "summary",
    };
  };

  /** The model call, in its own span with the GenAI semantic conventions' attributes; tokens stream to watchers for a model turn. */
  const callModel = (
    provider: ModelProvider,
    model: string,
    req: ModelRequest,
    at: { runId: string; turn: number; attempt: number; streamTurn?: number },
    signal: AbortSignal,
    onHeaders?: (h: Headers) => void,
  ): Promise<ModelResponse> => {
    const attributes = {
      "gen_ai.operation.name": "chat",
      "gen_ai.system": provider.name,
      "gen_ai.provider.name": provider.name,
      "gen_ai.request.model": model,
      [CairnAttr.RUN_ID]: at.runId,
      [CairnAttr.TURN]: at.turn,
      [CairnAttr.ATTEMPT]: at.attempt,
      ...(req.purpose ? { "cairn.purpose": req.purpose } : {}),
      ...(req.temperature !== undefined ? { "gen_ai.request.temperature": req.temperature } : {}),
    };
    return withSpan(`chat ${model}`, { kind: SpanKind.CLIENT, attributes }, async (span) => {
      const publish = at.streamTurn !== undefined ? deps.publishToken : undefined;
      const r = await provider.complete(req, {
        signal,
        ...(deps.timeoutMs !== undefined ? { timeoutMs: deps.timeoutMs } : {}),
        ...(publish ? { onToken: (text: string) => publish(at.runId, at.turn, text) } : {}),
        ...(onHeaders ? { onHeaders } : {}),
      });
      span?.setAttributes({
        "gen_ai.response.model": r.model,
        "gen_ai.response.finish_reasons": [r.finishReason],
        "gen_ai.usage.input_tokens": r.usage.inputTokens,
        "gen_ai.usage.output_tokens": r.usage.outputTokens,
      });
      return r;
    });
  };

  return async (m, ctx) => {
    const parsed = subjects.parse(m.subject);
    const kind = parsed?.what.kind;
    if (!parsed || (kind !== "llm-command" && kind !== "summary-command" && kind !== "check-command")) {
      log.error({ subject: m.subject }, "message on the LLM command filter with an unexpected subject; dropped");
      return { term: "unexpected subject" };
    }
    const { runId } = parsed;
    const w = parsed.what as Extract<RunSubjectKind, { kind: "llm-command" | "summary-command" | "check-command" }>;
    // (a check's number stands in for a turn in logs and spans: checks are numbered per run)
    const turn = w.kind === "check-command" ? w.n : w.turn;
    const isTurn = kind === "llm-command";
    const rlog: StepLogger = stepLogger(log, {
      runId,
      turn,
      step: `${isTurn ? "llm" : kind === "summary-command" ? "summary" : "check"}.${turn}`,
      attempt: m.deliveries,
    });
    deps.crash.hit("after-receive", m.subject);

    const work = isTurn
      ? turnWork(m, runId, turn)
      : kind === "summary-command"
        ? summaryWork(m, runId, turn)
        : checkWork(m, runId, turn);
    if ("invalid" in work) {
      const what = isTurn
        ? "invalid LLM command: recorded as the turn's failed result"
        : kind === "summary-command"
          ? "invalid summary command: recorded as the summary's failed result"
          : "invalid check command: recorded as the check's failed result when it names its guardrail";
      return steps.invalid(runId, m, rlog, what, work.invalid[0], work.invalid[1], (error) =>
        work.fail({ attempts: m.deliveries }, error),
      );
    }
    if (await steps.alreadyRecorded(m, work.resultSubject, rlog, WORDS)) {
      activeSpan()?.setAttribute(CairnAttr.RESULT_REUSED, true);
      return { ack: true };
    }

    const state = await deps.foldTo(runId, work.historySeq, m.hint);
    // the agent whose turn it is (the submitted one, or the one the run was handed to), or the check's judge
    const agent = nextAgent(state);
    const picked = work.pick
      ? work.pick(state)
      : agent
        ? { provider: agent.provider, model: agent.model }
        : { error: { kind: "no_submission", message: "the run has no valid submission" } };
    const provider = "error" in picked ? undefined : deps.providers.get(picked.provider);
    if ("error" in picked || !provider) {
      const error =
        "error" in picked
          ? picked.error
          : {
              kind: "unknown_provider",
              message: `no provider "${picked.provider}" is configured in this llm-caller (have: ${[...deps.providers.keys()].join(", ")})`,
            };
      await work.fail({ attempts: m.deliveries }, error);
      return { ack: true };
    }
    const model = picked.model;
    const plan = work.plan(state);
    const loaded = new Map<string, string>();
    for (const ref of plan.refs) loaded.set(ref.name, await deps.payloads!.get(ref));
    const { req, hash } = plan.build(loaded);

    // Admission: reserve the call's estimate in its model's budget, or hand the command back to wait.
    const budget = deps.admission?.budgetOf(provider.name, model);
    let reservation: Reservation | undefined;
    // The call's attempt: its deliveries less those that were waits for admission (never a failure of the call).
    let attempt = m.deliveries;
    let headers: HeaderInfo = {};
    if (deps.admission && budget) {
      const tokens =
        estimateRequestTokens(req) + (budget.outputTokens ?? req.maxOutputTokens ?? budget.defaultOutputTokens);
      const force = m.deliveries >= deps.admission.forceAfter;
      const r = await deps.admission.store.reserve(budget, {
        seq: m.seq,
        tokens,
        tenant: state.submitted?.tenant ?? "",
        priority: priorityOf(state.submitted?.metadata),
        force,
      });
      if (!r.admit) {
        rlog.debug({ tokens, delayMs: r.delayMs, reason: r.reason }, "model call waits for admission");
        return { nak: r.delayMs };
      }
      if (force)
        rlog.warn(
          { tokens, deliveries: m.deliveries },
          "model call admitted over its budget: the command is near its last delivery",
        );
      reservation = r.reservation;
      attempt = Math.max(1, m.deliveries - r.waits);
    }
    const base = { provider: provider.name, model, promptHash: hash, attempts: attempt };
    /** When the request went out: the call is charged from a second after it (see settleWith). */
    let sentAt = deps.now();
    /**
     * The reservation settled with what the call used, charged from when
     * the provider surely had the request: a second after it was sent (the network's share), or
     * the call's end if that came first. The provider counts a call when it arrives, so charged
     * from then, the call counts in every provider-side window that its arrival is in. A failure to
     * settle costs only accuracy.
     */
    const settleWith = async (used: number): Promise<void> => {
      if (!deps.admission || !budget || !reservation) return;
      try {
        await deps.admission.store.settle(
          budget,
          reservation,
          used,
          headers,
          Math.min(sentAt + SENT_MARGIN_MS, deps.now()),
        );
      } catch (err) {
        rlog.warn({ err: (err as Error).message }, "admission reservation not settled (its estimate stays counted)");
      }
    };
    const learnHeaders = budget ? (h: Headers) => (headers = parseRateLimitHeaders(h, deps.now())) : undefined;

    return steps.run({
      m: { ...m, deliveries: attempt },
      log: rlog,
      signal: ctx.signal,
      policy: deps.retry,
      words: WORDS,
      failureLevel: "error",
      effectDone: "after-llm",
      execute: async () => {
        let res: ModelResponse;
        sentAt = deps.now();
        try {
          res = await callModel(
            provider,
            model,
            req,
            {
              runId,
              turn,
              attempt,
              ...(work.streamTurn !== undefined ? { streamTurn: work.streamTurn } : {}),
            },
            ctx.signal,
            learnHeaders,
          );
        } catch (err) {
          if (reservation) await settleWith(tokensOfFailedCall(err, reservation));
          throw err;
        }
        await settleWith(res.usage.inputTokens + res.usage.outputTokens);
        return res;
      },
      succeed: (res, latencyMs) => {
        rlog.debug({ ms: latencyMs }, "model answered");
        return work.succeed({ ...base, latencyMs }, res);
      },
      after: (res, rec) => {
        // A model turn without tool calls is the run's last: its prompt is not needed again.
        if (work.streamTurn === undefined || res.toolCalls.length > 0) return;
        prompts.forget(runId);
        // Only when this delivery's response is the one recorded (a duplicate's may have asked for tools).
        if (!rec.duplicate) deps.forget?.(runId);
      },
      // Every response is in the run's log (cairn replay): debug, like each tool call.
      recorded: (res, ms) =>
        (req.purpose ? rlog.info : rlog.debug)(
          {
            provider: provider.name,
            model: res.model,
            ms,
            toolCalls: res.toolCalls.length,
            inputTokens: res.usage.inputTokens,
            outputTokens: res.usage.outputTokens,
          },
          req.purpose ? `${work.what} recorded` : "model call completed",
        ),
      fail: (error, latencyMs) => work.fail({ ...base, latencyMs }, error),
      failed: () => {
        prompts.forget(runId); // a cache entry is only a cache
        // A failed model turn ends the run; a failed summary does not (the turn's model call follows).
        if (work.streamTurn !== undefined) deps.forget?.(runId);
      },
    });
  };
}
