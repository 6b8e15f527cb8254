/**
 * Logging and tracing for every Cairn process: pino, JSON lines on stderr, secrets redacted,
 * child loggers carrying run/step context (`log.child({ runId, turn, step, attempt })`) and every
 * line carrying the active span's `trace_id` / `span_id`; the OpenTelemetry SDK configured by the
 * standard `OTEL_*` variables (tracing.ts), W3C trace context in NATS headers and one span per
 * handler attempt (messaging.ts), and one trace per run (run-trace.ts).
 */
import { trace } from "@opentelemetry/api";
import { pino, type LogFn, type Logger, type LoggerOptions } from "pino";

export { tracingEnabled } from "./tracing-state.js";
export {
  activeSpan,
  CairnAttr,
  currentTraceCarrier,
  extractContext,
  formatTraceparent,
  parseTraceparent,
  recordError,
  SpanKind,
  SpanStatusCode,
  traceHeaders,
  traceIdOf,
  tracer,
  withSpan,
} from "./spans.js";
export type { Attributes, Span, SpanContext } from "./spans.js";
export { beginRun, endRun, PARENT_KEY, runSpanId, withRunTrace } from "./run-trace.js";
export type { BegunRun, EndedRun, RunTraceInfo } from "./run-trace.js";
export { startAttemptSpan } from "./messaging.js";
export type { AttemptSpan, Delivery } from "./messaging.js";

export type { Logger } from "pino";

/** What a handler logs with: a logger bound to one run step (see `stepLogger`). */
export interface StepLogger {
  error: LogFn;
  warn: LogFn;
  info: LogFn;
  debug: LogFn;
}

/**
 * A logger carrying a run step's context (`{ runId, turn, step, attempt }`), made for every message
 * a service handles. The pino child is only created when a line is actually written at an enabled
 * level — most messages log nothing at info — so a handled message does not pay for it.
 */
export function stepLogger(log: Logger, bindings: Record<string, unknown>): StepLogger {
  let child: Logger | undefined;
  const at =
    (level: "error" | "warn" | "info" | "debug"): LogFn =>
    (...args: Parameters<LogFn>) => {
      if (!log.isLevelEnabled(level)) return;
      child ??= log.child(bindings);
      child[level](...args);
    };
  return { error: at("error"), warn: at("warn"), info: at("info"), debug: at("debug") };
}

export interface LoggerConfig {
  service: string;
  /** pino level: trace, debug, info, warn, error, fatal, silent. */
  level?: string;
  /** File descriptor or path to write to; stderr (fd 2) by default. */
  destination?: number | string;
}

/** Keys whose values never reach a log line. */
export const REDACT_PATHS = [
  "apiKey",
  "*.apiKey",
  "password",
  "*.password",
  "pass",
  "*.pass",
  "token",
  "*.token",
  "authorization",
  "*.authorization",
  "headers.authorization",
  "*.headers.authorization",
  "creds",
  "*.creds",
];

/**
 * The active span's ids for a log line (`trace_id`, `span_id`, as in the OpenTelemetry log data
 * model), so a line can be found from its trace and the other way round. Nothing when no span is
 * active (always, with tracing off).
 */
export function traceFields(): { trace_id?: string; span_id?: string } {
  const sc = trace.getActiveSpan()?.spanContext();
  return sc && trace.isSpanContextValid(sc) ? { trace_id: sc.traceId, span_id: sc.spanId } : {};
}

export function createLogger(cfg: LoggerConfig): Logger {
  const opts: LoggerOptions = {
    level: cfg.level ?? "info",
    base: { service: cfg.service, pid: process.pid },
    redact: { paths: REDACT_PATHS, censor: "[redacted]" },
    timestamp: pino.stdTimeFunctions.isoTime,
    mixin: traceFields,
  };
  return pino(opts, pino.destination({ dest: cfg.destination ?? 2, sync: true }));
}

/** A logger that writes nothing (tests, embedded use). */
export function silentLogger(): Logger {
  return pino({ level: "silent" });
}
