/** For @cairn/tracing (the OpenTelemetry SDK), not for applications. */
export { randomId, runningTracing, setTracingState } from "./tracing-state.js";
export type { RunIdOverride } from "./tracing-state.js";
