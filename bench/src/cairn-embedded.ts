// Cairn's three services in one process on one connection (what `cairn dev` runs), for the
// benchmark's "embedded" mode. Settings come from the environment, as for the services' mains;
// tracing too (on when OTEL_EXPORTER_OTLP_ENDPOINT is set), as `cairn dev` starts it.
import { startEmbedded } from "@cairn/cli";
import { createLogger } from "@cairn/telemetry";
import { startTracing } from "@cairn/tracing";

const tracing = await startTracing({ serviceName: "cairn-bench-embedded", env: process.env });
const log = createLogger({ service: "cairn-embedded", level: process.env["LOG_LEVEL"] ?? "info" });
const running = await startEmbedded({ natsUrl: process.env["NATS_URL"] ?? "", env: process.env, log });
for (const sig of ["SIGINT", "SIGTERM"] as const) {
  process.once(sig, () => {
    void running
      .stop()
      .then(() => tracing.shutdown())
      .finally(() => process.exit(0));
  });
}
