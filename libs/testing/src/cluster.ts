import { createServer } from "node:net";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { jetstreamManager } from "@nats-io/jetstream";
import { connect } from "@nats-io/transport-node";
import { startNatsServer, type RunningNatsServer } from "@cairn/natsd";
import { tempDir, waitFor } from "./util.js";

/** A JetStream cluster of real nats-server processes on loopback (routes between all nodes). */
export interface NatsCluster {
  nodes: RunningNatsServer[];
  /** Server names, index-aligned with `nodes` ("n1", "n2", ...). */
  names: string[];
  /** All client URLs, comma-separated (a client's seed list). */
  urls: string;
  /** The node whose server name is `name`. */
  node(name: string): RunningNatsServer;
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

/**
 * Starts `size` nats-servers with JetStream, clustered over loopback routes, and waits until the
 * JetStream meta group has a leader (streams can then be created with replicas up to `size`).
 */
export async function startNatsCluster(size = 3): Promise<NatsCluster> {
  const base = tempDir("cairn-cluster-");
  const clientPorts: number[] = [];
  const routePorts: number[] = [];
  for (let i = 0; i < size; i++) {
    clientPorts.push(await freePort());
    routePorts.push(await freePort());
  }
  const names = clientPorts.map((_, i) => `n${i + 1}`);
  const nodes = await Promise.all(
    clientPorts.map((port, i) => {
      const storeDir = join(base, names[i]!);
      mkdirSync(storeDir, { recursive: true });
      const routes = routePorts.filter((_, j) => j !== i).map((p) => `"nats-route://127.0.0.1:${p}"`);
      return startNatsServer({
        port,
        storeDir,
        serverName: names[i]!,
        extraConfig: `cluster {\n  name: cairn-test\n  listen: "127.0.0.1:${routePorts[i]}"\n  routes: [${routes.join(", ")}]\n}\n`,
      });
    }),
  );
  const urls = nodes.map((n) => n.url).join(",");
  const nc = await connect({ servers: urls.split(",") });
  try {
    const jsm = await jetstreamManager(nc, { checkAPI: false, timeout: 2_000 });
    await waitFor("the JetStream meta leader", async () => (await jsm.getAccountInfo()) !== undefined, 30_000, 250);
    // Every peer known: a stream with one replica per node can be placed.
    await waitFor(
      `JetStream peers for R${size}`,
      async () => {
        await jsm.streams.add({ name: "CLUSTER_READY", subjects: ["cluster.ready"], num_replicas: size });
        await jsm.streams.delete("CLUSTER_READY");
        return true;
      },
      60_000,
      500,
    );
  } finally {
    await nc.close();
  }
  return {
    nodes,
    names,
    urls,
    node(name) {
      const i = names.indexOf(name);
      if (i < 0) throw new Error(`no node named ${name}`);
      return nodes[i]!;
    },
    async stop() {
      await Promise.all(nodes.map((n) => n.stop()));
    },
  };
}
