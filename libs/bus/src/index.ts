/**
 * Cairn on NATS: connect (refusing servers older than 2.10), provision the runs stream, durable
 * consumers and KV buckets, append a message once, run a consumer with ack/nak/working, and read
 * run logs back (with a cached, catch-up-on-miss fold).
 */
export { connectNats, NatsVersionError, MIN_SERVER_VERSION, versionAtLeast } from "./connect.js";
export type { NatsConnectOptions } from "./connect.js";
export { archiveStreamConfig, consumerDifferences, ensureConsumer, NotProvisionedError, payloadStreamConfig, PLANNER_DURABLE, provisionDeployment, runStreamConfig, streamDifferences, verifyConsumer, verifyStreams } from "./provision.js";
export type { DeploymentSpec, DurableConsumerOptions, ProvisionOptions, ProvisionReport } from "./provision.js";
export { appendOnce } from "./publish.js";
export type { AppendResult } from "./publish.js";
export { startConsumer } from "./consume.js";
export type { ConsumeOptions, Disposition, RunningConsumer, RunningService, WorkContext } from "./consume.js";
export { DEFAULT_RUN_CACHE, EVENTS_HEADER, isReflected, MULTI_READ_MAX, RunHistory, readRange, readRun, readRunLog, type RunCacheBounds, republishedEntry, SEQS_HEADER, SINCE_HEADER, toEntry } from "./history.js";
export type { FoldHint } from "./history.js";
export type { JsMsg, JetStreamClient, JetStreamManager } from "@nats-io/jetstream";
export type { NatsConnection } from "@nats-io/transport-node";
export { commonEnv, parseEnv, parseLimits, toCommonConfig, ConfigError } from "./config.js";
export type { CommonConfig } from "./config.js";
export { CrashPoints } from "./crash.js";
export type { CrashPoint } from "./crash.js";
export { openBus } from "./bus.js";
export { PayloadStore, preview, PREVIEW_CHARS } from "./payloads.js";
export { ARCHIVE_CHUNK_BYTES, ArchiveIntegrityError, archivedRecordOf, decodeArchive, encodeArchive, findArchived, readArchive, rebuildArchiveDirectory, retireRun, writeArchive } from "./archive.js";
export type { ArchiveRef } from "./archive.js";
export type { PayloadRef } from "./payloads.js";
export type { Bus } from "./bus.js";
export { startWorkQueue } from "./workqueue.js";
export type { WorkMessage, WorkQueueOptions } from "./workqueue.js";
export { applyNatsClientFixes, requestCancelTrimmed, writesBatched } from "./nats-patch.js";
export { isConsumerNotFound, isKvValue, isMissingStream, isWrongLastSequence } from "./jetstream-answers.js";
