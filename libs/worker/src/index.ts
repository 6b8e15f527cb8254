/**
 * What every Cairn service process shares: its configuration from the environment (one schema,
 * errors reported all at once), opening the bus at start (NATS client fixes applied, streams
 * verified), a work queue over a provisioned durable consumer, test crash points, and the one
 * step skeleton both workers run (`StepRecorder`), and a service process's main (`runServiceProcess`).
 */
export { commonEnv, ConfigError, envFlag, workerRetryPolicy, parseEnv, parseLimits, toCommonConfig } from "./config.js";
export type { CommonConfig } from "./config.js";
export { CrashPoints } from "./crash.js";
export type { CrashPoint } from "./crash.js";
export { openBus } from "./bus.js";
export type { Bus } from "./bus.js";
export { startWorkQueue, startWorkQueues } from "./workqueue.js";
export type { WorkMessage, WorkQueueOptions } from "./workqueue.js";
export { runErrorEvent, StepRecorder } from "./step.js";
export type { RecordShape, StepError, StepMessage, StepRecorderOptions, StepRun, StepWords } from "./step.js";
export { runServiceProcess } from "./process.js";
export type { ServiceProcessHost } from "./process.js";
