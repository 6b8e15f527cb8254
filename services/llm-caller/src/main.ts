#!/usr/bin/env node
// The llm-caller as its own process: configuration from the environment, signals, nothing else.
import { routeSdkWarnings } from "@cairn/providers";
import { runServiceProcess } from "@cairn/worker";
import { loadConfig } from "./config.js";
import { startLlmCaller } from "./service.js";

await runServiceProcess({
  name: "llm-caller",
  config: loadConfig(process.env),
  start: (config, deps) => {
    // The AI SDK's warnings (a setting a model does not take) go to the log, not to stderr.
    routeSdkWarnings((warnings) => deps.log.warn({ warnings }, "model provider warning: a setting was not sent"));
    return startLlmCaller(config, deps);
  },
});
