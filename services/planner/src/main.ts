#!/usr/bin/env node
// The planner as its own process: configuration from the environment, signals, nothing else.
import { createLogger } from "@cairn/telemetry";
import { loadConfig } from "./config.js";
import { startPlanner } from "./service.js";

const config = loadConfig(process.env);
const log = createLogger({ service: "planner", level: config.logLevel });
const planner = await startPlanner(config, { log });
for (const sig of ["SIGINT", "SIGTERM"] as const) {
  process.once(sig, () => {
    void planner.stop().then(() => process.exit(0));
  });
}
