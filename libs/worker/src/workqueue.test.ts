// A service's start against a real nats-server: openBus refuses an unprovisioned deployment and
// opens a provisioned one; a work queue runs only on the consumer `cairn provision` made, with its
// ack wait, hands handlers the message as stored, and passes the after-ack crash point.
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { connect, headers, type NatsConnection } from "@nats-io/transport-node";
import { jetstream, jetstreamManager, type JetStreamManager } from "@nats-io/jetstream";
import { Subjects } from "@cairn/protocol";
import { NotProvisionedError, provisionDeployment, type RunningConsumer } from "@cairn/bus";
import { silentLogger } from "@cairn/telemetry";
import { startNatsServer, uniquePrefix, waitFor, type RunningNatsServer } from "@cairn/testing";
import { openBus } from "./bus.js";
import { parseEnv, commonEnv, toCommonConfig } from "./config.js";
import { CrashPoints } from "./crash.js";
import { startWorkQueue, startWorkQueues, type WorkMessage } from "./workqueue.js";

let server: RunningNatsServer;
let nc: NatsConnection;
let jsm: JetStreamManager;
const running: RunningConsumer[] = [];

beforeAll(async () => {
  server = await startNatsServer();
  nc = await connect({ servers: server.url });
  jsm = await jetstreamManager(nc);
});
afterAll(async () => {
  await Promise.all(running.map((c) => c.stop()));
  await nc?.close();
  await server?.stop({ clean: true });
});

const config = (prefix: string) =>
  toCommonConfig(parseEnv(commonEnv, { NATS_URL: server.url, CAIRN_PREFIX: prefix }), "test");

async function provisioned(tools: string[] = ["echo"], ackWaitMs = 3_000): Promise<Subjects> {
  const subjects = new Subjects(uniquePrefix("wq"));
  await provisionDeployment(nc, jsm, subjects, {
    replicas: 1,
    ackWaitMs,
    maxDeliver: 5,
    providers: new Map(),
    tools: new Map(tools.map((t) => [t, 10])),
  });
  return subjects;
}

describe("openBus", () => {
  it("refuses a deployment that cairn provision has not made, and closes the connection it opened", async () => {
    const subjects = new Subjects(uniquePrefix("nb"));
    await expect(openBus(config(subjects.prefix), { name: "t", log: silentLogger(), nc })).rejects.toBeInstanceOf(
      NotProvisionedError,
    );
    expect(nc.isClosed()).toBe(false); // a connection handed in is the caller's
    await expect(openBus(config(subjects.prefix), { name: "t", log: silentLogger() })).rejects.toThrow(
      /not provisioned|stream/i,
    );
  });

  it("opens a provisioned deployment; close() drains only a connection it opened", async () => {
    const subjects = await provisioned();
    const own = await openBus(config(subjects.prefix), { name: "t", log: silentLogger() });
    expect(own.subjects.stream).toBe(subjects.stream);
    expect((await own.jsm.streams.info(subjects.stream)).config.name).toBe(subjects.stream);
    await own.close();
    expect(own.nc.isClosed()).toBe(true);
    const shared = await openBus(config(subjects.prefix), { name: "t", log: silentLogger(), nc });
    await shared.close();
    expect(nc.isClosed()).toBe(false);
  });
});

describe("startWorkQueue", () => {
  it("refuses to run without the provisioned consumer", async () => {
    const subjects = await provisioned([]);
    await expect(
      startWorkQueue({
        js: jetstream(nc),
        jsm,
        stream: subjects.stream,
        durable: subjects.toolConsumer("missing"),
        filters: [subjects.toolCommands("missing")],
        concurrency: 1,
        config: { ackWaitMs: 3_000, maxDeliver: 5, replicas: 1, doubleAck: false },
        crash: { hit: () => undefined },
        handle: () => Promise.resolve({ ack: true }),
        log: silentLogger(),
      }),
    ).rejects.toBeInstanceOf(NotProvisionedError);
  });

  it("hands each message as stored (subject, sequence, deliveries, data, stream time, headers), acks it, then passes after-ack", async () => {
    const subjects = await provisioned(["echo", "other"]);
    const js = jetstream(nc);
    const seen: WorkMessage[] = [];
    const crashed: string[] = [];
    const started = await startWorkQueues(
      ["echo", "other"],
      (tool) => ({ durable: subjects.toolConsumer(tool), filters: [subjects.toolCommands(tool)] }),
      {
        js,
        jsm,
        stream: subjects.stream,
        concurrency: 2,
        config: { ackWaitMs: 1_000, maxDeliver: 5, replicas: 1, doubleAck: false },
        crash: { hit: (p, subject) => crashed.push(`${p} ${subject ?? ""}`) },
        handle: (m) => {
          seen.push(m);
          return Promise.resolve({ ack: true });
        },
        log: silentLogger(),
      },
    );
    running.push(...started);
    expect(started).toHaveLength(2);
    const h = headers();
    h.set("Cairn-Test", "yes");
    const subject = subjects.toolCommand("r1", 1, 0, "echo");
    const before = Date.now();
    const ack = await js.publish(subject, new TextEncoder().encode("hi"), { headers: h });
    await waitFor("the message handled and acked", () => crashed.length === 1, 10_000);
    const m = seen[0]!;
    expect({
      subject: m.subject,
      seq: m.seq,
      deliveries: m.deliveries,
      data: new TextDecoder().decode(m.data),
    }).toEqual({ subject, seq: ack.seq, deliveries: 1, data: "hi" });
    expect(m.headers?.get("Cairn-Test")).toBe("yes");
    expect(Math.abs(m.issuedAt - before)).toBeLessThan(60_000);
    expect(crashed).toEqual([`after-ack ${subject}`]);
    await waitFor(
      "no ack pending",
      async () => (await jsm.consumers.info(subjects.stream, subjects.toolConsumer("echo"))).num_ack_pending === 0,
      10_000,
    );
  });

  it("when one queue cannot start, those already started are stopped and the error is thrown", async () => {
    const subjects = await provisioned(["echo"]);
    const handle = () => Promise.resolve({ ack: true } as const);
    await expect(
      startWorkQueues(
        ["echo", "missing"],
        (tool) => ({ durable: subjects.toolConsumer(tool), filters: [subjects.toolCommands(tool)] }),
        {
          js: jetstream(nc),
          jsm,
          stream: subjects.stream,
          concurrency: 1,
          config: { ackWaitMs: 3_000, maxDeliver: 5, replicas: 1, doubleAck: false },
          crash: { hit: () => undefined },
          handle,
          log: silentLogger(),
        },
      ),
    ).rejects.toBeInstanceOf(NotProvisionedError);
    // the echo queue was stopped: a command published now stays unhandled (no one pulls)
    await jetstream(nc).publish(subjects.toolCommand("r1", 1, 0, "echo"), new Uint8Array([1]));
    await new Promise((r) => setTimeout(r, 300));
    const info = await jsm.consumers.info(subjects.stream, subjects.toolConsumer("echo"));
    expect(info.num_pending + info.num_ack_pending).toBe(1);
    expect(info.num_ack_pending).toBe(0);
  });
});

describe("startWorkQueue's ack wait", () => {
  it("heartbeats against the consumer's ack wait (set by cairn provision), and says so when the service's own differs", async () => {
    const subjects = await provisioned(["echo"], 4_000);
    const lines: { msg: string; obj: Record<string, unknown> }[] = [];
    const log = {
      info: (obj: Record<string, unknown>, msg: string) => lines.push({ obj, msg }),
      debug: () => undefined,
      warn: () => undefined,
      error: () => undefined,
    } as unknown as Parameters<typeof startWorkQueue>[0]["log"];
    const common = {
      js: jetstream(nc),
      jsm,
      stream: subjects.stream,
      durable: subjects.toolConsumer("echo"),
      filters: [subjects.toolCommands("echo")],
      concurrency: 1,
      crash: { hit: () => undefined },
      handle: () => Promise.resolve({ ack: true } as const),
      log,
    };
    running.push(
      await startWorkQueue({ ...common, config: { ackWaitMs: 4_000, maxDeliver: 5, replicas: 1, doubleAck: false } }),
    );
    expect(lines).toEqual([]);
    running.push(
      await startWorkQueue({ ...common, config: { ackWaitMs: 1_000, maxDeliver: 5, replicas: 1, doubleAck: false } }),
    );
    expect(lines).toEqual([
      {
        msg: "using the consumer's ack wait (set by cairn provision), not CAIRN_ACK_WAIT_MS",
        obj: { consumer: subjects.toolConsumer("echo"), ackWaitMs: 4_000, configured: 1_000 },
      },
    ]);
  });
});

describe("openBus with payloads", () => {
  it("also requires the payload stream when the service stores payloads", async () => {
    const subjects = await provisioned();
    await jsm.streams.delete(subjects.payloadStream);
    const bus = await openBus(config(subjects.prefix), { name: "t", log: silentLogger(), nc });
    await bus.close();
    await expect(
      openBus(config(subjects.prefix), { name: "t", log: silentLogger(), nc, payloads: true }),
    ).rejects.toBeInstanceOf(NotProvisionedError);
  });
});

describe("CrashPoints (tests' CAIRN_CRASH_AT)", () => {
  it("kills the process at the n-th time its point is reached, and at no other point", () => {
    const kill = vi.spyOn(process, "kill").mockImplementation(() => true);
    try {
      const c = new CrashPoints("after-ack:2");
      c.hit("after-publish");
      c.hit("after-ack");
      expect(kill).not.toHaveBeenCalled();
      c.hit("after-ack", "s");
      expect(kill).toHaveBeenCalledWith(process.pid, "SIGKILL");
      expect(kill).toHaveBeenCalledTimes(1);
      c.hit("after-ack");
      expect(kill).toHaveBeenCalledTimes(1);
      const first = new CrashPoints("after-llm");
      first.hit("after-llm");
      expect(kill).toHaveBeenCalledTimes(2);
      new CrashPoints(undefined).hit("after-llm");
      new CrashPoints("").hit("after-llm");
      expect(kill).toHaveBeenCalledTimes(2);
    } finally {
      kill.mockRestore();
    }
  });
});
