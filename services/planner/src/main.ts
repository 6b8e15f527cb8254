#!/usr/bin/env node
// The planner as its own process: configuration from the environment, signals, nothing else.
import { runServiceProcess } from "@cairn/worker";
import { loadConfig } from "./config.js";
import { startPlanner } from "./service.js";

await runServiceProcess({ name: "planner", config: loadConfig(process.env), start: startPlanner });
