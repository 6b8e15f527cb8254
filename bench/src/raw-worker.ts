// A raw-baseline worker process: RAW_ROLES (planner,llm,tool) on one connection to NATS_URL.
import { connect } from "@nats-io/transport-node";
import { RAW_ROLES, startRawWorkers, type RawRole } from "./raw.js";

const env = process.env;
const roles = (env["RAW_ROLES"] ?? RAW_ROLES.join(",")).split(",").filter((r): r is RawRole => (RAW_ROLES as string[]).includes(r));
const nc = await connect({ servers: env["NATS_URL"] ?? "", name: `raw-${roles.join("+")}` });
const workers = await startRawWorkers(nc, env["RAW_PREFIX"] ?? "rawb", roles, { maxMessages: Number(env["RAW_MAX_MESSAGES"] ?? 256) });
for (const sig of ["SIGINT", "SIGTERM"] as const) {
  process.once(sig, () => {
    void workers
      .stop()
      .then(() => nc.drain())
      .finally(() => process.exit(0));
  });
}
