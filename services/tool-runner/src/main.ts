#!/usr/bin/env node
// The tool-runner as its own process: configuration from the environment, signals, nothing else.
import { createLogger } from "@cairn/telemetry";
import { loadConfig } from "./config.js";
import { startToolRunner } from "./service.js";

const config = loadConfig(process.env);
const log = createLogger({ service: "tool-runner", level: config.logLevel });
const service = await startToolRunner(config, { log });
for (const sig of ["SIGINT", "SIGTERM"] as const) {
  process.once(sig, () => {
    void service.stop().then(() => process.exit(0));
  });
}
