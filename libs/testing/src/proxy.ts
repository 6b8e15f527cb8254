import { createServer, connect, type Server, type Socket } from "node:net";

/**
 * A TCP proxy between clients and a nats-server that tests drive, to put faults at the NATS
 * boundary on purpose while every process stays alive: pass bytes through, drop them (a stall) in
 * one or both directions, delay them, cut one direction, close the connections it carries, refuse
 * new ones. node:net only; it knows nothing of the NATS protocol (tests match bytes in `when`).
 *
 * Directions: "up" is client → server (publishes, acks, pull requests), "down" is server → client
 * (deliveries, publish acks, replies).
 */
export type ProxyDirection = "up" | "down";
export type ProxyDirections = ProxyDirection | "both";

export interface TcpProxy {
  /** `nats://127.0.0.1:<port>`: give it to clients instead of the server's URL. */
  readonly url: string;
  readonly port: number;
  /** Connections carried now. */
  connections(): number;
  /** Bytes forwarded and dropped so far, per direction. */
  stats(): Record<ProxyDirection, { passed: number; dropped: number }>;
  /** Forward bytes again (no delay) in these directions, and accept new connections. */
  heal(dir?: ProxyDirections): void;
  /** Discard every byte in these directions (a stall: the connection stays open, nothing arrives). */
  drop(dir?: ProxyDirections): void;
  /** Forward bytes in these directions `ms` later (order kept). */
  delay(ms: number, dir?: ProxyDirections): void;
  /**
   * Ends one direction of every connection carried now (the receiving side sees EOF; a nats-server
   * or client then closes the connection); until `heal`, bytes that way are discarded, on new
   * connections too.
   */
  cut(dir: ProxyDirection): void;
  /** Destroys every connection carried now (clients see their connection drop). */
  closeConnections(): void;
  /** New connections are accepted and closed at once (true), or carried again (false). */
  refuseNew(refuse: boolean): void;
  /**
   * Resolves with the first chunk in `dir` for which `match` is true (seen whether it is passed or
   * dropped). `then` runs synchronously at that moment — after the chunk was handled, before the
   * next one — so a test can change the proxy exactly at a point in the byte stream.
   */
  when(dir: ProxyDirection, match: (chunk: Buffer) => boolean, then?: () => void): Promise<Buffer>;
  /** Closes the listener and every connection. */
  close(): Promise<void>;
}

type Mode = { kind: "pass" } | { kind: "drop" } | { kind: "delay"; ms: number } | { kind: "cut" };

interface Pipe {
  client: Socket;
  server: Socket;
}

/** Starts a proxy on a random loopback port forwarding to `target` (a nats:// URL or host:port). */
export async function startTcpProxy(target: string): Promise<TcpProxy> {
  const u = new URL(target.includes("://") ? target : `nats://${target}`);
  const host = u.hostname || "127.0.0.1";
  const targetPort = Number(u.port || 4222);
  const modes: Record<ProxyDirection, Mode> = { up: { kind: "pass" }, down: { kind: "pass" } };
  const counts = { up: { passed: 0, dropped: 0 }, down: { passed: 0, dropped: 0 } };
  const pipes = new Set<Pipe>();
  const watchers: {
    dir: ProxyDirection;
    match: (c: Buffer) => boolean;
    then: (() => void) | undefined;
    resolve: (c: Buffer) => void;
  }[] = [];
  let refusing = false;

  const dirs = (d: ProxyDirections): ProxyDirection[] => (d === "both" ? ["up", "down"] : [d]);

  const forward = (dir: ProxyDirection, to: Socket, chunk: Buffer): void => {
    const mode = modes[dir];
    if (mode.kind === "pass") {
      counts[dir].passed += chunk.length;
      if (!to.destroyed && to.writable) to.write(chunk);
    } else if (mode.kind === "delay") {
      counts[dir].passed += chunk.length;
      // Timers of equal delay fire in order, so the stream's order is kept.
      setTimeout(() => {
        if (!to.destroyed && to.writable) to.write(chunk);
      }, mode.ms);
    } else {
      counts[dir].dropped += chunk.length;
    }
    for (const w of [...watchers]) {
      if (w.dir === dir && w.match(chunk)) {
        watchers.splice(watchers.indexOf(w), 1);
        w.then?.();
        w.resolve(chunk);
      }
    }
  };

  const server: Server = createServer((client) => {
    if (refusing) {
      client.destroy();
      return;
    }
    client.pause();
    const upstream = connect({ host, port: targetPort });
    const pipe: Pipe = { client, server: upstream };
    pipes.add(pipe);
    const end = (): void => {
      pipes.delete(pipe);
      client.destroy();
      upstream.destroy();
    };
    client.on("error", end);
    upstream.on("error", end);
    client.on("close", end);
    upstream.on("close", end);
    upstream.once("connect", () => client.resume());
    client.on("data", (c: Buffer) => forward("up", upstream, c));
    upstream.on("data", (c: Buffer) => forward("down", client, c));
    // A half-close from either side is passed on as a close of both: NATS has no half-open use.
    client.on("end", end);
    upstream.on("end", end);
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  const port = (server.address() as { port: number }).port;

  const proxy: TcpProxy = {
    url: `nats://127.0.0.1:${port}`,
    port,
    connections: () => pipes.size,
    stats: () => ({ up: { ...counts.up }, down: { ...counts.down } }),
    heal(d = "both") {
      for (const x of dirs(d)) modes[x] = { kind: "pass" };
      refusing = false;
    },
    drop(d = "both") {
      for (const x of dirs(d)) modes[x] = { kind: "drop" };
    },
    delay(ms, d = "both") {
      for (const x of dirs(d)) modes[x] = ms > 0 ? { kind: "delay", ms } : { kind: "pass" };
    },
    cut(d) {
      modes[d] = { kind: "cut" };
      for (const p of pipes) (d === "up" ? p.server : p.client).end();
    },
    closeConnections() {
      for (const p of [...pipes]) {
        pipes.delete(p);
        p.client.destroy();
        p.server.destroy();
      }
    },
    refuseNew(refuse) {
      refusing = refuse;
    },
    when(dir, match, then) {
      return new Promise<Buffer>((resolve) => watchers.push({ dir, match, then, resolve }));
    },
    async close() {
      proxy.closeConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
  return proxy;
}
