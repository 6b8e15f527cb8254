#!/usr/bin/env node
// The llm-caller as its own process: configuration from the environment, signals, nothing else.
import { runServiceProcess } from "@cairn/worker";
import { loadConfig } from "./config.js";
import { startLlmCaller } from "./service.js";

await runServiceProcess({ name: "llm-caller", config: loadConfig(process.env), start: startLlmCaller });
