/**
 * Cairn's transport on NATS JetStream: connect (refusing servers without the 2026 security
 * fixes), provision and verify streams and consumers, append a message once, run a durable pull
 * consumer with ack/nak/working, read a run's log back, and keep large payloads by reference.
 * Nothing here knows what a run's events mean: that is the fold (@cairn/runtime), cached by
 * @cairn/runlog. The NATS client fixes a service applies at start are in `@cairn/bus/internal`.
 */
export { connectNats, JETSTREAM_TIMEOUT_MS, NatsVersionError, MIN_SERVER_VERSION, versionAtLeast } from "./connect.js";
export type { NatsConnectOptions, NatsTlsOptions } from "./connect.js";
export {
  archiveStreamConfig,
  consumerDifferences,
  ensureConsumer,
  NotProvisionedError,
  payloadStreamConfig,
  PLANNER_DURABLE,
  provisionDeployment,
  retryProvisioning,
  runStreamConfig,
  streamDifferences,
  verifyConsumer,
  verifyStreams,
} from "./provision.js";
export type { DeploymentSpec, DurableConsumerOptions, ProvisionOptions, ProvisionReport } from "./provision.js";
export { appendOnce } from "./publish.js";
export type { AppendResult } from "./publish.js";
export { startConsumer } from "./consume.js";
export type {
  ConsumeOptions,
  DeliveryCoverage,
  DeliveryInHand,
  Disposition,
  RunningConsumer,
  RunningService,
  WorkContext,
} from "./consume.js";
export { isReflected, MULTI_READ_MAX, readRange, readRun, readRunLog, republishedEntry, toEntry } from "./log.js";
export { PayloadStore, preview, PREVIEW_CHARS } from "./payloads.js";
export type { PayloadRef } from "./payloads.js";
export { isConsumerNotFound, isKvValue, isMissingStream, isWrongLastSequence } from "./jetstream-answers.js";
export type { JsMsg, JetStreamClient, JetStreamManager } from "@nats-io/jetstream";
export type { NatsConnection } from "@nats-io/transport-node";
