/**
 * One span per handler attempt of a consumed message, following the messaging semantic
 * conventions (`process <destination>`, kind CONSUMER, `messaging.*` attributes).
 *
 * Parent and link: a message's `traceparent` header is the context of the span that published it
 * (the producer). A step of a run is parented on the run's root span — whose id follows from the
 * trace id and the run id (run-trace.ts) — and links to its producer. So a run's trace is a
 * readable tree of bounded depth — run → each planner decision, model call and tool execution, in
 * time order, each attempt of a step a sibling of the others — while the links keep the causal
 * chain (which decision issued which command, which result led to which decision). A message
 * under no run subject is parented on its producer.
 *
 * A message without trace context (published with tracing off) gets no span: its run is not
 * traced, and a stray root span per step would only scatter it.
 */
import {
  context,
  ROOT_CONTEXT,
  SpanKind,
  SpanStatusCode,
  trace,
  type Attributes,
  type Link,
  type Span,
} from "@opentelemetry/api";
import { runStepOf } from "@cairn/protocol";
import { runSpanId } from "./run-trace.js";
import { CairnAttr, extractContext, recordError, tracer } from "./spans.js";
import { tracingEnabled } from "./tracing-state.js";

/** What a consumer knows about a message it is about to handle (no NATS types here). */
export interface Delivery {
  subject: string;
  /** Stream sequence. */
  seq: number;
  stream: string;
  /** The durable consumer's name. */
  consumer: string;
  /** JetStream's delivery count: 1 on the first delivery. */
  deliveryCount: number;
  bodySize: number;
  /** A header's value, undefined when absent. */
  header(name: string): string | undefined;
  headerNames(): string[];
}

/** A started attempt span: run the handler inside it, then end it with the outcome. */
export interface AttemptSpan {
  span: Span;
  /** Calls `fn` synchronously with the attempt span active (its publishes carry its context). */
  run<T>(fn: () => T): T;
  /** Ends the span: `error` (a thrown handler error) sets status ERROR; `term` does too. */
  end(outcome: { disposition: "ack" | "nak" | "term"; error?: unknown; reason?: string }): void;
}

const headerGetter = {
  get: (d: Delivery, k: string) => d.header(k),
  keys: (d: Delivery) => d.headerNames(),
};

/**
 * Starts the span of one handler attempt for a delivered message, or returns undefined when
 * tracing is off or the message carries no trace context.
 */
export function startAttemptSpan(d: Delivery): AttemptSpan | undefined {
  if (!tracingEnabled()) return undefined;
  const producerCtx = extractContext(d, headerGetter, ROOT_CONTEXT);
  const producer = trace.getSpanContext(producerCtx);
  if (!producer || !trace.isSpanContextValid(producer)) return undefined;
  const step = runStepOf(d.subject);
  let parentCtx = producerCtx;
  const links: Link[] = [];
  if (step) {
    const runSpan = { ...producer, spanId: runSpanId(producer.traceId, step.runId), isRemote: true };
    parentCtx = trace.setSpanContext(ROOT_CONTEXT, runSpan);
    if (producer.spanId !== runSpan.spanId) links.push({ context: producer });
  }
  const attempt = d.deliveryCount;
  const attributes: Attributes = {
    "messaging.system": "nats",
    "messaging.operation.type": "process",
    "messaging.operation.name": "process",
    "messaging.destination.name": d.subject,
    "messaging.consumer.group.name": d.consumer,
    // A run subject is written once, ever: it is the message's identity.
    "messaging.message.id": d.header("Nats-Msg-Id") ?? (step ? d.subject : `${d.stream}:${d.seq}`),
    "messaging.message.body.size": d.bodySize,
    "messaging.nats.stream": d.stream,
    "messaging.nats.stream.sequence": d.seq,
    "messaging.nats.message.delivery_count": attempt,
    [CairnAttr.ATTEMPT]: attempt,
    [CairnAttr.REDELIVERED]: attempt > 1,
  };
  if (step) {
    attributes["messaging.destination.template"] = step.template;
    attributes[CairnAttr.RUN_ID] = step.runId;
    if (step.turn !== undefined) attributes[CairnAttr.TURN] = step.turn;
    if (step.kind === "llm" && step.turn !== undefined) attributes[CairnAttr.STEP] = `llm.${step.turn}`;
    if (step.kind === "tool" && step.turn !== undefined && step.index !== undefined) {
      attributes[CairnAttr.STEP] = `tool.${step.turn}.${step.index}`;
      attributes[CairnAttr.TOOL_INDEX] = step.index;
    }
    if (step.tool) attributes[CairnAttr.TOOL_NAME] = step.tool;
  }
  const name = step ? `process ${step.family}.${step.kind}` : `process ${d.subject}`;
  const span = tracer().startSpan(name, { kind: SpanKind.CONSUMER, attributes, links }, parentCtx);
  const active = trace.setSpan(context.active(), span);
  return {
    span,
    run: (fn) => context.with(active, fn),
    end(o) {
      span.setAttribute(CairnAttr.DISPOSITION, o.disposition);
      if (o.error !== undefined) recordError(span, o.error);
      else if (o.disposition === "term")
        span.setStatus({ code: SpanStatusCode.ERROR, message: o.reason ?? "terminated" });
      span.end();
    },
  };
}
