import { mkdirSync } from "node:fs";
import { startNatsServer, type RunningNatsServer } from "@cairn/natsd";
import { connectNats, type NatsConnection } from "@cairn/bus";
import { loadConfig as plannerConfig, startPlanner, type Agents } from "@cairn/planner";
import { loadConfig as llmConfig, startLlmCaller } from "@cairn/llm-caller";
import { loadConfig as toolConfig, startToolRunner } from "@cairn/tool-runner";
import type { Logger } from "@cairn/telemetry";
import { allowUnpatched } from "./conn.js";
import { provision } from "./provision.js";
import { applyNatsClientFixes } from "@cairn/bus/internal";

export interface EmbeddedOptions {
  /** Use this server instead of starting one. */
  natsUrl?: string;
  /** Store dir for the started nats-server. */
  storeDir?: string;
  port?: number;
  /**
   * The started nats-server requires this token (kept in its 0600 config file, never on its command
   * line), and the services' connection presents it; with `natsUrl`, the token that server wants.
   */
  token?: string;
  /** Extra environment (CAIRN_* settings) for the three services. */
  env: Record<string, string | undefined>;
  agents?: Agents;
  log: Logger;
}

export interface Embedded {
  url: string;
  server: RunningNatsServer | undefined;
  nc: NatsConnection;
  stop(): Promise<void>;
}

/**
 * Everything in one process: a local nats-server (unless `natsUrl` is given), the streams, buckets
 * and consumers (provisioned as `cairn provision` would, on the same connection), and the planner,
 * llm-caller and tool-runner sharing that connection.
 */
export async function startEmbedded(o: EmbeddedOptions): Promise<Embedded> {
  let server: RunningNatsServer | undefined;
  let url = o.natsUrl;
  if (!url) {
    if (o.storeDir) mkdirSync(o.storeDir, { recursive: true });
    server = await startNatsServer({
      ...(o.storeDir ? { storeDir: o.storeDir } : {}),
      ...(o.port ? { port: o.port } : {}),
      ...(o.token !== undefined ? { token: o.token } : {}),
    });
    url = server.url;
  }
  const env = { ...o.env, NATS_URL: url };
  // The services' process: their NATS client fixes apply before the shared connection opens.
  applyNatsClientFixes();
  const nc = await connectNats({
    servers: url,
    name: "cairn-embedded",
    log: o.log,
    ...(o.token !== undefined ? { token: o.token } : {}),
    // a TLS server named by NATS_URL (not its own): its CA and a client certificate, as the services take them
    ...(o.natsUrl && (o.env["NATS_CA"] || o.env["NATS_CERT"] || o.env["NATS_KEY"])
      ? {
          tls: {
            ...(o.env["NATS_CA"] ? { caFile: o.env["NATS_CA"] } : {}),
            ...(o.env["NATS_CERT"] ? { certFile: o.env["NATS_CERT"] } : {}),
            ...(o.env["NATS_KEY"] ? { keyFile: o.env["NATS_KEY"] } : {}),
          },
        }
      : {}),
    ...(allowUnpatched(env) ? { allowUnpatchedServer: true } : {}),
  });
  const stops: (() => Promise<void>)[] = [];
  try {
    await provision(nc, env, "all", o.agents ? { agents: o.agents } : {});
    const tr = await startToolRunner(toolConfig(env), { log: o.log.child({ service: "tool-runner" }), nc });
    stops.push(() => tr.stop());
    const llm = await startLlmCaller(llmConfig(env), { log: o.log.child({ service: "llm-caller" }), nc });
    stops.push(() => llm.stop());
    const pl = await startPlanner(plannerConfig(env), {
      log: o.log.child({ service: "planner" }),
      nc,
      ...(o.agents ? { agents: o.agents } : {}),
    });
    stops.push(() => pl.stop());
  } catch (err) {
    for (const s of stops.reverse()) await s().catch(() => undefined);
    await nc.close();
    await server?.stop({ clean: false });
    throw err;
  }
  return {
    url,
    server,
    nc,
    async stop() {
      for (const s of stops.reverse()) await s().catch(() => undefined);
      await nc.drain().catch(() => undefined);
      await server?.stop({ clean: false });
    },
  };
}
