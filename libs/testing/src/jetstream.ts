import { connect, type NatsConnection } from "@nats-io/transport-node";
import { jetstream, jetstreamManager, type JetStreamClient, type JetStreamManager } from "@nats-io/jetstream";
import { startNatsServer, type NatsServerOptions, type RunningNatsServer } from "@cairn/natsd";

/** A real nats-server of a test file's own, with one connection and its JetStream clients. */
export interface JetStreamFixture {
  server: RunningNatsServer;
  nc: NatsConnection;
  js: JetStreamClient;
  jsm: JetStreamManager;
  /** Closes the connection, stops the server and removes its store. */
  stop(): Promise<void>;
}

/** Starts a nats-server (random port, temp store) and connects to it: for a test file's `beforeAll`. */
export async function startJetStream(opts: NatsServerOptions = {}): Promise<JetStreamFixture> {
  const server = await startNatsServer(opts);
  const nc = await connect({ servers: server.url });
  return {
    server,
    nc,
    js: jetstream(nc),
    jsm: await jetstreamManager(nc),
    async stop() {
      await nc.close();
      await server.stop({ clean: true });
    },
  };
}
