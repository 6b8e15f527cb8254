import { randomBytes } from "node:crypto";

/**
 * What the OpenTelemetry SDK, once @cairn/tracing started it, tells the API-side helpers here:
 * that tracing is on (the hot paths skip their tracing work otherwise), and the id generator that
 * lets a run's root span take the ids fixed when the run was submitted (run-trace.ts), and how to
 * stop it. Like the OpenTelemetry API's own registered provider (which stays registered after a
 * shutdown), this is one per process: set by `startTracing`, never at import.
 */
export interface RunIdOverride {
  /** The next span started gets these ids (span starts are synchronous: nothing slips in). */
  override(ids: { traceId?: string; spanId: string }): void;
  clear(): void;
}

interface TracingState {
  ids: RunIdOverride;
  /** Flushes and stops the SDK (once, however often it is called). */
  shutdown(): Promise<void>;
}

const PROCESS = { state: undefined as TracingState | undefined };

/** True once the OpenTelemetry SDK was started in this process (`startTracing` in @cairn/tracing). Cheap: the hot paths test it first. */
export function tracingEnabled(): boolean {
  return PROCESS.state !== undefined;
}

/** The running SDK's id generator (run-trace.ts emits a run's root span with it). */
export function idGenerator(): RunIdOverride | undefined {
  return PROCESS.state?.ids;
}

/** @internal The running SDK, as @cairn/tracing registered it. */
export function runningTracing(): TracingState | undefined {
  return PROCESS.state;
}

/** @internal Called by @cairn/tracing when it starts the SDK (with its id generator and its shutdown). */
export function setTracingState(s: TracingState): void {
  PROCESS.state = s;
}

/** A random, valid (not all-zero) W3C id of `bytes` bytes, in lowercase hex. */
export function randomId(bytes: 8 | 16): string {
  for (;;) {
    const h = randomBytes(bytes).toString("hex");
    if (!/^0+$/.test(h)) return h;
  }
}
