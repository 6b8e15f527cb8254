/**
 * One trace per run. A run outlives processes, and a span is exported only once it has ended, so
 * the run's root span cannot be held open by anyone. Instead its identity is fixed at submission
 * and the span is emitted, whole, when the run ends:
 *
 * - At submission the planner starts the run span through the SDK (so the configured sampler
 *   decides, and a submitter's own trace context becomes its parent) with a span id derived from
 *   the trace id and the run id, and stores the span's context in `run.submitted.trace`
 *   (`traceparent`, `tracestate`, and the submitter's `parent-traceparent`). That unended span is
 *   never exported; only its ids are used.
 * - Every step span parents on the run span: its id is a function of the trace id (carried in
 *   the message's `traceparent` header) and the run id (in the subject), so any process can
 *   compute it without reading the run (see messaging.ts).
 * - When the run ends, the planner that handles `evt.ended` emits the run span with those very
 *   ids (the SDK's id generator is told them for that one span), its start time the submission's
 *   and its end time the end event's — both from the log, so it is right after any crash.
 */
import { createHash } from "node:crypto";
import {
  context,
  ROOT_CONTEXT,
  SpanKind,
  SpanStatusCode,
  trace,
  TraceFlags,
  type Attributes,
  type Context,
  type Span,
} from "@opentelemetry/api";
import { CairnAttr, extractContext, formatTraceparent, parseTraceparent, tracer } from "./spans.js";
import { idGenerator, randomId, tracingEnabled } from "./tracing-state.js";

/** Key of a run's `trace` map holding the submitter's `traceparent`: the run span's parent. */
export const PARENT_KEY = "parent-traceparent";

/** The run span's id: derived, so that every process can parent a step on it from the trace id and run id alone. */
export function runSpanId(traceId: string, runId: string): string {
  for (let salt = 0; ; salt++) {
    const id = createHash("sha256").update(`cairn.run:${traceId}:${runId}:${salt}`).digest("hex").slice(0, 16);
    if (!/^0+$/.test(id)) return id;
  }
}

type Carrier = Record<string, string | undefined>;

const recordGetter = {
  get: (c: Carrier, k: string) => c[k],
  keys: (c: Carrier) => Object.keys(c),
};

export interface RunTraceInfo {
  runId: string;
  agent: string;
  provider: string;
  model: string;
}

function runSpanName(agent: string): string {
  return `invoke_agent ${agent}`;
}

function runAttributes(r: RunTraceInfo): Attributes {
  return {
    "gen_ai.operation.name": "invoke_agent",
    "gen_ai.agent.name": r.agent,
    "gen_ai.agent.id": r.runId,
    "gen_ai.system": r.provider,
    "gen_ai.provider.name": r.provider,
    "gen_ai.request.model": r.model,
    [CairnAttr.RUN_ID]: r.runId,
  };
}

export interface BegunRun {
  /** What to store as `run.submitted.trace` (undefined: the run is not traced). */
  trace: Carrier | undefined;
  /** Runs `fn` with the run span active: the submission is appended, and logged, in the run's trace. */
  within<T>(fn: () => T): T;
}

/**
 * Fixes a new run's trace: its trace id (the submitter's, from `parent`, or a new one) and its root
 * span's context, returned as the `trace` map to store with the submission. With tracing off the
 * submitter's map is stored as given.
 */
export function beginRun(r: RunTraceInfo, parent: Carrier | undefined): BegunRun {
  const ids = idGenerator();
  if (!tracingEnabled() || !ids) return { trace: parent, within: (fn) => fn() };
  const parentCtx = parent ? extractContext(parent, recordGetter, ROOT_CONTEXT) : ROOT_CONTEXT;
  const parentSc = trace.getSpanContext(parentCtx);
  const hasParent = !!parentSc && trace.isSpanContextValid(parentSc);
  const traceId = hasParent ? parentSc.traceId : randomId(16);
  let span: Span;
  ids.override({ traceId, spanId: runSpanId(traceId, r.runId) });
  try {
    span = tracer().startSpan(
      runSpanName(r.agent),
      { kind: SpanKind.INTERNAL, attributes: runAttributes(r), root: !hasParent },
      parentCtx,
    );
  } finally {
    ids.clear();
  }
  const sc = span.spanContext();
  const carrier: Record<string, string> = { traceparent: formatTraceparent(sc) };
  const ts = sc.traceState?.serialize();
  if (ts) carrier["tracestate"] = ts;
  if (hasParent) carrier[PARENT_KEY] = formatTraceparent(parentSc);
  const ctx: Context = trace.setSpan(context.active(), span);
  return { trace: carrier, within: (fn) => context.with(ctx, fn) };
}

export interface EndedRun extends RunTraceInfo {
  /** The run's stored `trace` map (from its submission). */
  trace: Carrier | undefined;
  /** Submission time and end time, from the log (ISO 8601). */
  submittedAt: string;
  endedAt: string;
  status: "completed" | "failed" | "cancelled";
  reason?: string;
  turns: number;
  toolCalls: number;
  usage: { inputTokens: number; outputTokens: number };
}

/**
 * Emits the run's root span, now that the run has ended: the span `beginRun` fixed, from the
 * submission to the end. Does nothing when tracing is off, the run was not traced by Cairn (its
 * `trace` is a submitter's context only), or its trace is not sampled. Handling `evt.ended` twice
 * (a redelivery) emits it twice, with the same ids.
 */
export function endRun(r: EndedRun): void {
  const ids = idGenerator();
  if (!tracingEnabled() || !ids) return;
  const sc = parseTraceparent(r.trace?.["traceparent"]);
  if (!sc || sc.spanId !== runSpanId(sc.traceId, r.runId) || !(sc.traceFlags & TraceFlags.SAMPLED)) return;
  const parentSc = parseTraceparent(r.trace?.[PARENT_KEY]);
  const parentCtx =
    parentSc && parentSc.traceId === sc.traceId ? trace.setSpanContext(ROOT_CONTEXT, parentSc) : ROOT_CONTEXT;
  const start = new Date(r.submittedAt);
  const end = new Date(r.endedAt);
  let span: Span;
  ids.override({ traceId: sc.traceId, spanId: sc.spanId });
  try {
    span = tracer().startSpan(
      runSpanName(r.agent),
      {
        kind: SpanKind.INTERNAL,
        root: !parentSc,
        ...(Number.isNaN(start.getTime()) ? {} : { startTime: start }),
        attributes: {
          ...runAttributes(r),
          [CairnAttr.RUN_STATUS]: r.status,
          [CairnAttr.TURN]: r.turns,
          "cairn.tool_calls": r.toolCalls,
          "gen_ai.usage.input_tokens": r.usage.inputTokens,
          "gen_ai.usage.output_tokens": r.usage.outputTokens,
          ...(r.reason ? { "cairn.run.reason": r.reason } : {}),
        },
      },
      parentCtx,
    );
  } finally {
    ids.clear();
  }
  if (r.status === "failed") span.setStatus({ code: SpanStatusCode.ERROR, message: r.reason ?? "run failed" });
  span.end(Number.isNaN(end.getTime()) ? undefined : end);
}

/**
 * Runs `fn` in the run's trace (the run span's context, from its stored `trace` map), for what
 * is done to a run outside any of its steps — a cancel signal — so what it publishes joins the
 * run's trace. Just runs `fn` when tracing is off or the run has no trace.
 */
export function withRunTrace<T>(stored: Carrier | undefined, fn: () => T): T {
  const sc = tracingEnabled() ? parseTraceparent(stored?.["traceparent"]) : undefined;
  return sc ? context.with(trace.setSpanContext(context.active(), sc), fn) : fn();
}
