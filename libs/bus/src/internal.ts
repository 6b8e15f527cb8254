/**
 * For Cairn's own packages, not for applications: the NATS client fixes a service process applies
 * once at start (never at import: importing @cairn/client patches nothing), and the consumer's
 * delivery coverage for tests of the fold cache.
 */
export { applyNatsClientFixes, requestCancelTrimmed, writesBatched } from "./nats-patch.js";
export { DeliveryCoverage } from "./consume.js";
