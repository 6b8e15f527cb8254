/** For @cairn/tracing (the OpenTelemetry SDK), not for applications. */
export { randomId, setTracingState } from "./tracing-state.js";
export type { RunIdOverride } from "./tracing-state.js";
