import { createLogger, type Logger } from "@cairn/telemetry";
import { startTracing } from "@cairn/tracing";
import type { RunningService } from "@cairn/bus";

/** What `runServiceProcess` uses of the process: its environment, its signals, its exit. */
export type ServiceProcessHost = Pick<NodeJS.Process, "env" | "once" | "exit">;

/**
 * A service as its own process: tracing first (the `OTEL_*` variables; the SDK must be registered
 * before any span starts), then the logger, then the service; SIGINT/SIGTERM stop the service
 * (in-flight work handed back), flush the spans and exit 0. A service's `main.ts` is this one call.
 */
export async function runServiceProcess<C extends { instance: string; logLevel: string }>(o: {
  /** The service's name ("planner"): the logger's `service`, and `cairn-<name>` as the spans' service.name. */
  name: string;
  config: C;
  start(config: C, deps: { log: Logger }): Promise<RunningService>;
  /** The process (tests hand in their own). */
  host?: ServiceProcessHost;
}): Promise<void> {
  const host = o.host ?? process;
  const tracing = await startTracing({
    serviceName: `cairn-${o.name}`,
    attributes: { "service.instance.id": o.config.instance },
    env: host.env,
  });
  const log = createLogger({ service: o.name, level: o.config.logLevel });
  if (tracing.enabled) log.info({ exporter: tracing.exporter }, "tracing on");
  const service = await o.start(o.config, { log });
  for (const sig of ["SIGINT", "SIGTERM"] as const) {
    host.once(sig, () => {
      void service
        .stop()
        .then(() => tracing.shutdown())
        .then(() => host.exit(0));
    });
  }
}
