// Deterministic faults at the NATS boundary while the process stays alive: a tool-runner whose
// connection goes through a proxy the test drives (libs/testing proxy.ts). The test plays the
// planner (it appends the run's submission and the tool command itself) and watches the tool
// consumer and the ledger tool's executions over its own, direct connection.
//
// - "an append failed while the process stays alive": the proxy drops server→client bytes while
//   the tool runs, so the result's publish ack never arrives and the append times out. The step
//   must not be acked (the consume loop naks it); once the proxy heals, the command is redelivered,
//   found recorded and acked — the tool ran once, the result is recorded once.
// - "an ack lost": the proxy drops client→server bytes right after the result's publish went
//   through, so the ack never reaches the server. The command is redelivered after ack_wait, and
//   the already-recorded check acks it without executing the tool a second time.
import { afterEach, beforeAll, afterAll, describe, expect, it } from "vitest";
import { jetstreamManager, type ConsumerInfo, type JetStreamManager } from "@nats-io/jetstream";
import { connect } from "@nats-io/transport-node";
import { appendOnce, connectNats, provisionDeployment, type NatsConnection, type RunningService } from "@cairn/bus";
import { decode, encode, Subjects, type RunSubmitted, type ToolCommand, type ToolResult } from "@cairn/protocol";
import { toolIdempotencyKey } from "@cairn/runtime";
import { silentLogger } from "@cairn/telemetry";
import { loadConfig, startToolRunner } from "@cairn/tool-runner";
import {
  ledgerToolModule,
  readLedger,
  startNatsServer,
  startTcpProxy,
  tempDir,
  uniquePrefix,
  waitFor,
  type RunningNatsServer,
  type TcpProxy,
} from "@cairn/testing";
import { join } from "node:path";

const ACK_WAIT_MS = 2_000;
const RUN = "rfault1";

let server: RunningNatsServer;
let direct: NatsConnection;
let jsm: JetStreamManager;
const cleanups: (() => Promise<unknown>)[] = [];

beforeAll(async () => {
  server = await startNatsServer();
  direct = await connectNats({ servers: server.url, name: "faults-test" });
  jsm = await jetstreamManager(direct);
});
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c().catch(() => undefined);
});
afterAll(async () => {
  await direct?.close();
  await server?.stop({ clean: true });
});

/** A deployment under a fresh prefix, and a tool-runner (ledger tool) connected through a proxy. */
async function setup() {
  const prefix = uniquePrefix("f");
  const subjects = new Subjects(prefix);
  const ws = join(tempDir("cairn-faults-"), "ws");
  await provisionDeployment(direct, jsm, subjects, {
    replicas: 1,
    ackWaitMs: ACK_WAIT_MS,
    maxDeliver: 20,
    providers: new Map(),
    tools: new Map([["ledger", 100]]),
  });
  const proxy: TcpProxy = await startTcpProxy(server.url);
  cleanups.push(() => proxy.close());
  const env = {
    NATS_URL: proxy.url,
    CAIRN_PREFIX: prefix,
    CAIRN_WORKSPACE_ROOT: ws,
    CAIRN_TOOLS_MODULE: ledgerToolModule(),
    CAIRN_TOOLS: "ledger",
    CAIRN_ACK_WAIT_MS: String(ACK_WAIT_MS),
    CAIRN_TOOL_CONCURRENCY: "1",
  };
  const nc = await connectNats({ servers: proxy.url, name: "tool-runner via proxy" });
  cleanups.push(() => nc.close());
  const runner: RunningService = await startToolRunner(loadConfig(env), { log: silentLogger(), nc });
  cleanups.push(() => runner.stop());

  const durable = subjects.toolConsumer("ledger");
  const info = (): Promise<ConsumerInfo> => jsm.consumers.info(subjects.stream, durable);
  const figures = async (): Promise<string> => {
    const i = await info();
    return JSON.stringify({
      ack_floor: i.ack_floor,
      delivered: i.delivered,
      num_ack_pending: i.num_ack_pending,
      num_redelivered: i.num_redelivered,
      proxy: proxy.stats(),
      executions: readLedger(join(ws, "ledger.jsonl")),
    });
  };
  const executions = () => readLedger(join(ws, "ledger.jsonl")).filter((l) => l.runId === RUN);

  const js = (await import("@nats-io/jetstream")).jetstream(direct);
  const submitted: RunSubmitted = {
    v: 1,
    type: "run.submitted",
    runId: RUN,
    task: "fault test",
    agent: {
      name: "a",
      provider: "scripted",
      model: "m",
      systemPrompt: "",
      tools: [{ name: "ledger", description: "d", inputSchema: { type: "object" } }],
      maxTurns: 3,
    },
    submittedAt: new Date().toISOString(),
  };
  await appendOnce(js, subjects.submitted(RUN), encode(submitted));
  /** The planner's tool command for call (1, 0); returns its stream sequence. */
  const command = async (args: Record<string, unknown>): Promise<number> => {
    const cmd: ToolCommand = {
      v: 1,
      type: "tool.command",
      runId: RUN,
      turn: 1,
      index: 0,
      callId: "call_1_0",
      tool: "ledger",
      arguments: JSON.stringify(args),
      idempotencyKey: toolIdempotencyKey(RUN, 1, 0),
      historySeq: 1,
    };
    return (await appendOnce(js, subjects.toolCommand(RUN, 1, 0, "ledger"), encode(cmd))).seq;
  };
  const resultSubject = subjects.toolResult(RUN, 1, 0, "ledger");
  /** Every message on the call's result subject (it holds at most one, ever). */
  const results = async () => {
    const m = await jsm.streams.getMessage(subjects.stream, { last_by_subj: resultSubject });
    if (!m) return [];
    const d = decode<ToolResult>("ToolResult", m.data);
    return [{ seq: m.seq, data: d.ok ? d.value : d.message }];
  };
  const acked = async (seq: number) => {
    const i = await info();
    return i.ack_floor.stream_seq >= seq && i.num_ack_pending === 0 ? i : false;
  };
  return { proxy, subjects, info, figures, executions, command, results, resultSubject, acked };
}

const text = (b: Buffer): string => b.toString("latin1");

const LATE: unique symbol = Symbol("late");

/** Waits for `p` at most `ms`; the failure names what was awaited, with the figures at that moment. */
async function within<T>(what: string, p: Promise<T>, ms: number, figures: () => Promise<string>): Promise<T> {
  let t: NodeJS.Timeout | undefined;
  const late = new Promise<typeof LATE>((r) => (t = setTimeout(() => r(LATE), ms)));
  try {
    const v = await Promise.race([p, late]);
    if (v === LATE) throw new Error(`timed out after ${ms} ms waiting for ${what}: ${await figures()}`);
    return v;
  } finally {
    clearTimeout(t);
  }
}

/** Polls `fn` until it returns a value, at most `ms`; the failure carries the figures at that moment. */
async function until<T>(
  what: string,
  fn: () => Promise<T | false>,
  ms: number,
  figures: () => Promise<string>,
): Promise<T> {
  return within(what, waitFor(what, fn, ms + 1_000), ms, figures);
}

describe("faults at the NATS boundary, process alive", () => {
  it("an append failed while the process stays alive: the step is not acked, and after the proxy heals it is redelivered and recorded once", async () => {
    const s = await setup();
    // The stall starts while the tool runs: right after the tool-runner read the run's submission
    // (its last read before the tool runs; the reply names the submission's subject).
    const checked = s.proxy.when(
      "down",
      (c) => text(c).includes(s.subjects.submitted(RUN)),
      () => s.proxy.drop("down"),
    );
    const seq = await s.command({ item: "a", delayMs: 300 });
    await within(`the tool-runner to read the submission for command ${seq}`, checked, 15_000, s.figures);
    // The tool finishes and appends its result: the publish goes out, its ack is dropped, the
    // append times out (10 s) and the handler fails. What the consumer then sends for the message
    // is its settlement: a nak, never an ack.
    const settlement = await within(
      `the settlement of command ${seq}`,
      s.proxy.when("up", (c) => /\+ACK|-NAK/.test(text(c))),
      30_000,
      s.figures,
    );
    expect(text(settlement), `a failed append was acked: ${await s.figures()}`).toMatch(/-NAK/);
    expect(text(settlement)).not.toMatch(/\+ACK/);
    const held = await s.info();
    expect(held.ack_floor.stream_seq, `acked while its append failed: ${await s.figures()}`).toBeLessThan(seq);
    expect(s.executions().length).toBe(1);

    s.proxy.heal();
    const i = await until(`command ${seq} acked after the proxy healed`, () => s.acked(seq), 30_000, s.figures);
    expect(i.delivered.consumer_seq, `never redelivered: ${await s.figures()}`).toBeGreaterThanOrEqual(2);
    // Recorded once, executed once (the redelivery found the result the timed-out publish stored).
    expect(await s.results()).toMatchObject([
      { data: { ok: true, output: "recorded a", idempotencyKey: `${RUN}:1:0` } },
    ]);
    expect(
      s.executions().map((e) => e.key),
      await s.figures(),
    ).toEqual([`${RUN}:1:0`]);
  });

  it("an ack lost: the command is redelivered after ack_wait, and the already-recorded check prevents a second execution", async () => {
    const s = await setup();
    // Right after the result's publish passes the proxy, everything client→server is dropped: the
    // publish is stored and confirmed, the ack that follows never reaches the server.
    const published = s.proxy.when(
      "up",
      (c) => text(c).includes(s.resultSubject),
      () => s.proxy.drop("up"),
    );
    const ackDropped = s.proxy.when("up", (c) => text(c).includes("+ACK"));
    const seq = await s.command({ item: "b", delayMs: 200 });
    await within(`the result of command ${seq} to be published`, published, 15_000, s.figures);
    await within(`the tool-runner to ack command ${seq}`, ackDropped, 15_000, s.figures);
    expect(s.proxy.stats().up.dropped, await s.figures()).toBeGreaterThan(0);
    const lost = await s.info();
    expect(lost.ack_floor.stream_seq, `the ack arrived: ${await s.figures()}`).toBeLessThan(seq);
    expect(s.executions().length).toBe(1);
    expect((await s.results()).length).toBe(1);

    s.proxy.heal();
    const i = await until(`command ${seq} acked after its redelivery`, () => s.acked(seq), 30_000, s.figures);
    expect(i.delivered.consumer_seq, `never redelivered: ${await s.figures()}`).toBeGreaterThanOrEqual(2);
    expect(
      s.executions().map((e) => `${e.key}#${e.attempt}`),
      `the tool ran again for a recorded result: ${await s.figures()}`,
    ).toEqual([`${RUN}:1:0#1`]);
    expect(await s.results()).toMatchObject([{ data: { ok: true, output: "recorded b" } }]);
  });

  it("the proxy: passes, delays, drops, cuts, closes and refuses as the tests above rely on", async () => {
    const proxy = await startTcpProxy(server.url);
    cleanups.push(() => proxy.close());
    const subject = `${uniquePrefix("echo")}.ping`;
    const echo = direct.subscribe(subject, { callback: (_e, m) => void m.respond(m.data) });
    cleanups.push(async () => echo.unsubscribe());
    await direct.flush();
    const nc = await connect({ servers: proxy.url, reconnect: false });
    cleanups.push(() => nc.close());
    const ask = (timeout: number) =>
      nc.request(subject, "x", { timeout }).then(
        () => "answered",
        (e: Error) => e.name,
      );
    expect(await ask(2_000)).toBe("answered");
    proxy.delay(200);
    expect(await ask(5_000)).toBe("answered");
    proxy.drop("down");
    expect(await ask(300)).toMatch(/timeout/i);
    proxy.heal();
    expect(await ask(2_000)).toBe("answered");
    expect(proxy.connections()).toBe(1);
    const closed = nc.closed();
    proxy.cut("up");
    await within("the connection to close after its client→server direction was cut", closed, 10_000, async () =>
      JSON.stringify(proxy.stats()),
    );
    proxy.refuseNew(true);
    const refused = await connect({ servers: proxy.url, reconnect: false, timeout: 1_000 }).then(
      (c) => c.close().then(() => "connected"),
      (e: Error) => e.name,
    );
    expect(refused).not.toBe("connected");
    // heal(): bytes flow both ways again (the cut applied to every connection), new connections are carried.
    proxy.heal();
    const again = await connect({ servers: proxy.url, reconnect: false });
    cleanups.push(() => again.close());
    const gone = again.closed();
    proxy.closeConnections();
    await within("the connection to close when the proxy closed it", gone, 10_000, async () =>
      JSON.stringify(proxy.stats()),
    );
    expect(proxy.connections()).toBe(0);
  });
});
