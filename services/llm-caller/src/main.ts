#!/usr/bin/env node
// The llm-caller as its own process: configuration from the environment, signals, nothing else.
import { createLogger } from "@cairn/telemetry";
import { loadConfig } from "./config.js";
import { startLlmCaller } from "./service.js";

const config = loadConfig(process.env);
const log = createLogger({ service: "llm-caller", level: config.logLevel });
const service = await startLlmCaller(config, { log });
for (const sig of ["SIGINT", "SIGTERM"] as const) {
  process.once(sig, () => {
    void service.stop().then(() => process.exit(0));
  });
}
