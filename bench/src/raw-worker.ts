// A raw-baseline worker process: RAW_ROLES (planner,llm,tool) on one connection to NATS_URL.
//
// The floor must not pay client costs that Cairn does not: by default (RAW_CLIENT=cairn) this
// process runs on the NATS client exactly as Cairn's services do — `noAsyncTraces` (no stack
// captured per request) and the two fixes Cairn's services apply to @nats-io/nats-core 3.4.0 at
// start (libs/bus/src/nats-patch.ts: writes batched per event-loop turn; no stack for
// the error a settled request's cancel() builds). Those are client settings, not Cairn logic: the
// loop below uses no Cairn code. RAW_CLIENT=stock (`--raw-stock-client`) runs the stock client.
import { connect } from "@nats-io/transport-node";
import { RAW_ROLES, startRawWorkers, type RawRole } from "./raw.js";

const env = process.env;
const stock = env["RAW_CLIENT"] === "stock";
if (!stock) {
  const bus = await import("@cairn/bus/internal");
  const fixed = bus.applyNatsClientFixes();
  if (!fixed.writesBatched || !fixed.requestCancelTrimmed)
    throw new Error(
      "Cairn's nats-core fixes did not apply to the installed client: the raw baseline would not match Cairn's client",
    );
}
const roles = (env["RAW_ROLES"] ?? RAW_ROLES.join(","))
  .split(",")
  .filter((r): r is RawRole => (RAW_ROLES as string[]).includes(r));
const nc = await connect({
  servers: env["NATS_URL"] ?? "",
  name: `raw-${roles.join("+")}`,
  ...(stock ? {} : { noAsyncTraces: true }),
});
// RAW_LOOP=cairn: the same handlers on Cairn's consume loop and appendOnce (the breakdown scenario).
const workers = await startRawWorkers(nc, env["RAW_PREFIX"] ?? "rawb", roles, {
  maxMessages: Number(env["RAW_MAX_MESSAGES"] ?? 256),
  loop: env["RAW_LOOP"] === "cairn" ? "cairn" : "consume",
});
for (const sig of ["SIGINT", "SIGTERM"] as const) {
  process.once(sig, () => {
    void workers
      .stop()
      .then(() => nc.drain())
      .finally(() => process.exit(0));
  });
}
