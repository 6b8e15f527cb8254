#!/usr/bin/env node
// The tool-runner as its own process: configuration from the environment, signals, nothing else.
import { runServiceProcess } from "@cairn/worker";
import { loadConfig } from "./config.js";
import { startToolRunner } from "./service.js";

await runServiceProcess({ name: "tool-runner", config: loadConfig(process.env), start: startToolRunner });
