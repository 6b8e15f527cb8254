#!/usr/bin/env node
// The llm-caller as its own process: configuration from the environment, signals, nothing else.
import { createLogger, startTracing } from "@cairn/telemetry";
import { loadConfig } from "./config.js";
import { startLlmCaller } from "./service.js";

const config = loadConfig(process.env);
// Tracing first (OTEL_* variables): the SDK must be registered before any span starts.
const tracing = await startTracing({ serviceName: "cairn-llm-caller", attributes: { "service.instance.id": config.instance }, env: process.env });
const log = createLogger({ service: "llm-caller", level: config.logLevel });
if (tracing.enabled) log.info({ exporter: tracing.exporter }, "tracing on");
const service = await startLlmCaller(config, { log });
for (const sig of ["SIGINT", "SIGTERM"] as const) {
  process.once(sig, () => {
    void service.stop().then(() => tracing.shutdown()).then(() => process.exit(0));
  });
}
