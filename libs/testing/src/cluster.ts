import { createServer, type AddressInfo, type Server } from "node:net";
import { existsSync, mkdirSync, readFileSync } from "node:fs";
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

/** `n` distinct free ports: every listener stays open until all are chosen, so none is handed out twice. */
async function freePorts(n: number): Promise<number[]> {
  const servers = await Promise.all(
    Array.from(
      { length: n },
      () =>
        new Promise<Server>((resolve, reject) => {
          const s = createServer();
          s.once("error", reject);
          s.listen(0, "127.0.0.1", () => resolve(s));
        }),
    ),
  );
  const ports = servers.map((s) => (s.address() as AddressInfo).port);
  await Promise.all(servers.map((s) => new Promise<void>((r) => s.close(() => r()))));
  return ports;
}

function tail(file: string): string {
  return existsSync(file) ? readFileSync(file, "utf8").slice(-1500) : "(no log)";
}

/**
 * Starts `size` nats-servers with JetStream, clustered over loopback routes, and waits until the
 * JetStream meta group has a leader and every peer is known (streams can then be created with
 * replicas up to `size`). The ports are chosen before the servers bind them, so another test's
 * server can take one in between — a node that cannot listen on its route port never joins: the
 * cluster is then started again on other ports, once, and a second failure reports each node's log.
 */
export async function startNatsCluster(size = 3, opts: ClusterOptions = {}): Promise<NatsCluster> {
  try {
    return await startClusterOnce(size, opts);
  } catch (first) {
    try {
      return await startClusterOnce(size, opts);
    } catch (second) {
      throw new Error(
        `${(second as Error).message}\n(a first attempt failed too: ${(first as Error).message.split("\n")[0]})`,
      );
    }
  }
}

/** Extra configuration for every node (e.g. the shipped accounts), and the user that checks the cluster is ready. */
export interface ClusterOptions {
  extraConfig?: string;
  /** A user allowed to manage JetStream in the account Cairn uses (with accounts: its admin). */
  auth?: { user: string; pass: string };
}

async function startClusterOnce(size: number, opts: ClusterOptions): Promise<NatsCluster> {
  const base = tempDir("cairn-cluster-");
  const ports = await freePorts(2 * size);
  const clientPorts = ports.slice(0, size);
  const routePorts = ports.slice(size);
  const names = clientPorts.map((_, i) => `n${i + 1}`);
  const logs = names.map((n) => join(base, `${n}.log`));
  const started = await Promise.allSettled(
    clientPorts.map((port, i) => {
      const storeDir = join(base, names[i]!);
      mkdirSync(storeDir, { recursive: true });
      const routes = routePorts.filter((_, j) => j !== i).map((p) => `"nats-route://127.0.0.1:${p}"`);
      return startNatsServer({
        port,
        storeDir,
        serverName: names[i]!,
        logFile: logs[i]!,
        extraConfig: `cluster {\n  name: cairn-test\n  listen: "127.0.0.1:${routePorts[i]}"\n  routes: [${routes.join(", ")}]\n}\n${opts.extraConfig ?? ""}`,
      });
    }),
  );
  const nodes = started.flatMap((r) => (r.status === "fulfilled" ? [r.value] : []));
  const failed = started.find((r): r is PromiseRejectedResult => r.status === "rejected");
  if (failed) {
    // A node could not even listen (its client port was taken): stop the others, try again.
    await Promise.all(nodes.map((n) => n.stop()));
    throw failed.reason;
  }
  const urls = nodes.map((n) => n.url).join(",");
  try {
    const nc = await connect({
      servers: urls.split(","),
      ...(opts.auth ? { user: opts.auth.user, pass: opts.auth.pass } : {}),
    });
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
        40_000,
        500,
      );
    } finally {
      await nc.close();
    }
  } catch (err) {
    const detail = names
      .map((n, i) => `--- ${n} (client ${clientPorts[i]}, route ${routePorts[i]}):\n${tail(logs[i]!)}`)
      .join("\n");
    await Promise.all(nodes.map((n) => n.stop()));
    throw new Error(`${(err as Error).message}\n${detail}`);
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
