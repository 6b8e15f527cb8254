/**
 * Find and start a real `nats-server` (>= 2.10) for `cairn dev`, the demo and tests.
 *
 * Nothing here talks NATS: it manages the server *process* (config file, store dir, ports file,
 * PID). Servers started here listen on loopback, on a random port unless one is given, with
 * JetStream storing under a directory of the caller's choosing.
 */
export { findNatsServer, parseNatsVersion, NatsServerNotFoundError } from "./find.js";
export {
  isPatchedServerVersion,
  MIN_SERVER_VERSION,
  NATS_SERVER_CVES,
  PATCHED_FLOOR,
  PATCHED_FROM_VERSION,
  PATCHED_SERVER_VERSIONS,
  versionAtLeast,
} from "./version.js";
export type { NatsServerBinary } from "./find.js";
export { startNatsServer } from "./server.js";
export type { NatsServerOptions, RunningNatsServer } from "./server.js";
