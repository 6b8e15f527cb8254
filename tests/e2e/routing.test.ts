import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { CairnClient } from "@cairn/client";
import { provision } from "@cairn/cli";
import { headers as natsHeaders } from "@nats-io/transport-node";
import {
  appendOnce,
  connectNats,
  ensureConsumer,
  republishedEntry,
  runStreamConfig,
  toEntry,
  type NatsConnection,
  type RunningService,
} from "@cairn/bus";
import { encode, Subjects, type ToolResult } from "@cairn/protocol";
import { AckPolicy, jetstream, jetstreamManager } from "@nats-io/jetstream";
import { loadConfig as llmConfig, startLlmCaller } from "@cairn/llm-caller";
import { loadConfig as plannerConfig, parseAgents, startPlanner } from "@cairn/planner";
import { loadConfig as toolConfig, startToolRunner } from "@cairn/tool-runner";
import { silentLogger } from "@cairn/telemetry";
import { readLedger, startNatsServer, uniquePrefix, waitFor, type RunningNatsServer } from "@cairn/testing";
import {
  LEDGER_ANSWER,
  LEDGER_SCRIPT,
  makeFixture,
  serviceEnv,
  waitRun,
  type Fixture,
  type ScriptTurn,
} from "../helpers.js";
import { applyNatsClientFixes, requestCancelTrimmed, writesBatched } from "@cairn/bus/internal";

let server: RunningNatsServer;
let nc: NatsConnection | undefined;
let client: CairnClient | undefined;
const services: RunningService[] = [];

beforeAll(async () => {
  server = await startNatsServer();
});
afterEach(async () => {
  for (const s of services.splice(0).reverse()) await s.stop();
  await client?.close();
  await nc?.close();
  client = undefined;
  nc = undefined;
});
afterAll(async () => {
  await server?.stop();
});

async function setup(script: ScriptTurn[], tools: string[], extra: Record<string, string> = {}) {
  const f: Fixture = makeFixture({ work: script }, { work: tools });
  const prefix = uniquePrefix();
  const env = serviceEnv(server.url, prefix, f, { LOG_LEVEL: "silent", ...extra });
  nc = await connectNats({ servers: server.url, name: "routing-test" });
  const log = silentLogger();
  const runner = async (serve: string, more: Record<string, string> = {}) => {
    const e = { ...env, CAIRN_TOOLS: serve, ...more };
    await provision(nc!, e, "tool-runner");
    const s = await startToolRunner(toolConfig(e), { log, nc: nc! });
    services.push(s);
    return s;
  };
  const core = async () => {
    const agents = parseAgents(
      JSON.stringify({ agents: { work: { provider: "scripted", model: "work", tools, maxTurns: 5 } } }),
    );
    await provision(nc!, env, "llm-caller");
    await provision(nc!, env, "planner", { agents });
    services.push(await startLlmCaller(llmConfig(env), { log, nc: nc! }));
    services.push(await startPlanner(plannerConfig(env), { log, nc: nc!, agents }));
  };
  client = await CairnClient.connect({ nc, prefix });
  return { f, env, runner, core, c: client };
}

/** Largest number of ledger executions whose [startedAt, at] intervals overlap. */
function maxOverlap(f: Fixture): number {
  const ev = readLedger(f.ledgerFile).flatMap((e) => [
    { t: Date.parse(e.startedAt), d: 1 },
    { t: Date.parse(e.at), d: -1 },
  ]);
  ev.sort((a, b) => a.t - b.t || a.d - b.d);
  let cur = 0;
  let max = 0;
  for (const e of ev) max = Math.max(max, (cur += e.d));
  return max;
}

describe("routing tools to tool-runners", () => {
  it("a call to a tool no live runner serves waits (shown by status) and proceeds when one starts", async () => {
    const { f, runner, core, c } = await setup(
      [{ toolCalls: [{ name: "ledger", arguments: { item: "gpu" } }] }, { content: "{{toolResults}}" }],
      ["ledger", "sleep"],
    );
    // A runner serving `ledger` registers it, then goes away; another serves only `sleep`.
    const gpu = await runner("ledger");
    await gpu.stop();
    services.splice(services.indexOf(gpu), 1);
    await runner("sleep");
    await core();
    const { runId } = await c.submit({ task: "needs the gpu tool" });
    const waiting = await waitFor(
      "the run to wait for a ledger runner",
      async () => {
        const s = await c.status(runId);
        return s.waitingForRunner?.includes("ledger") ? s : undefined;
      },
      20_000,
      200,
    );
    expect(waiting.status).toBe("running");
    expect(waiting.waitingFor?.[0]).toMatch(/^tool ledger/);
    await new Promise((r) => setTimeout(r, 1000));
    expect((await c.status(runId)).status).toBe("running"); // still waiting, not failed
    await runner("ledger");
    const s = await waitRun(c, runId);
    expect(s.status).toBe("completed");
    expect(s.answer).toBe("recorded gpu");
    expect(readLedger(f.ledgerFile)).toHaveLength(1);
  });

  it("a per-tool limit holds across all runners: max_ack_pending of the tool's consumer", async () => {
    const calls = Array.from({ length: 6 }, (_, i) => ({ name: "ledger", arguments: { item: `c${i}`, delayMs: 600 } }));
    const { f, runner, core, c } = await setup([{ toolCalls: calls }, { content: "done" }], ["ledger"], {
      CAIRN_TOOL_LIMITS: "ledger=2",
    });
    await runner("ledger");
    await runner("ledger");
    await core();
    const { runId } = await c.submit({ task: "six calls, two at a time" });
    const s = await waitRun(c, runId);
    expect(s.status).toBe("completed");
    expect(readLedger(f.ledgerFile)).toHaveLength(6);
    // The mechanism: the tool's one consumer, shared by both runners, allows 2 unacked calls.
    const jsm = await jetstreamManager(nc!);
    expect(
      (await jsm.consumers.info(c.subjects.stream, c.subjects.toolConsumer("ledger"))).config.max_ack_pending,
    ).toBe(2);
    // Its effect, from the ledger's start/end stamps (no speed claim): never more than 2 calls at
    // once across both runners, and the limit was reached (the calls did run side by side).
    expect(maxOverlap(f)).toBeLessThanOrEqual(2);
    expect(maxOverlap(f)).toBe(2);
  });

  it("without a limit the same calls run in parallel across runners", async () => {
    const calls = Array.from({ length: 6 }, (_, i) => ({ name: "ledger", arguments: { item: `c${i}`, delayMs: 600 } }));
    const { f, runner, core, c } = await setup([{ toolCalls: calls }, { content: "done" }], ["ledger"]);
    await runner("ledger");
    await runner("ledger");
    await core();
    const { runId } = await c.submit({ task: "six calls at once" });
    await waitRun(c, runId);
    expect(readLedger(f.ledgerFile)).toHaveLength(6);
    // No limit on the consumer that these 6 calls could reach (the provisioning default)...
    const jsm = await jetstreamManager(nc!);
    expect(
      (await jsm.consumers.info(c.subjects.stream, c.subjects.toolConsumer("ledger"))).config.max_ack_pending,
    ).toBeGreaterThanOrEqual(6);
    // ...and more calls ran side by side than a limit of 2 would have let through (not "all 6 at
    // once": how many overlap depends on the machine's speed, which is the benchmark's business).
    expect(maxOverlap(f)).toBeGreaterThan(2);
  });
});

describe("tool results republished by the stream (the llm-caller's prefetch)", () => {
  it("each stored tool result is republished once, with the sequence, subject and time a Direct Get answers with", async () => {
    const subjects = new Subjects(uniquePrefix());
    nc = await connectNats({ servers: server.url, name: "republish-test" });
    const jsm = await jetstreamManager(nc);
    await jsm.streams.add(runStreamConfig(subjects, { replicas: 1 }));
    expect((await jsm.streams.info(subjects.stream)).config.republish).toEqual(subjects.runRepublish());
    const tapped: { subject: string; data: Uint8Array; headers?: { values(k: string): string[] } }[] = [];
    nc.subscribe(subjects.toolResultTap(), {
      callback: (_e, m) => {
        tapped.push(m);
      },
    });
    await nc.flush();
    const js = jetstream(nc);
    const result: ToolResult = {
      v: 1,
      type: "tool.result",
      runId: "r1",
      turn: 2,
      index: 1,
      callId: "c",
      tool: "noop",
      ok: true,
      attempts: 1,
      output: "ok",
    };
    const first = await appendOnce(js, subjects.toolResult("r1", 2, 1, "noop"), encode(result));
    const again = await appendOnce(
      js,
      subjects.toolResult("r1", 2, 1, "noop"),
      encode({ ...result, output: "second" }),
    );
    expect(again.duplicate).toBe(true);
    await appendOnce(js, subjects.llmResult("r1", 3), encode({ v: 1 })); // not a tool result: republished to another tap subject
    await waitFor("the republished tool result", async () => (tapped.length > 0 ? true : undefined), 5_000, 20);
    await new Promise((r) => setTimeout(r, 300));
    expect(tapped).toHaveLength(1);
    expect(tapped[0]!.subject).toBe(`${subjects.prefix}.tap.r1.evt.tool.2.1.noop`);
    const stored = await jsm.direct.getMessage(subjects.stream, { seq: first.seq });
    expect(republishedEntry(subjects.stream, tapped[0]!)).toEqual(toEntry(stored!));
    expect(subjects.toolResultTapOf(stored!.subject)).toBe(tapped[0]!.subject);
    expect(republishedEntry("OTHER_RUNS", tapped[0]!)).toBeUndefined();

    // A writer of tool results cannot pass its message off as another sequence or event: the
    // server appends its own headers after the stored ones, so a claimed one makes two values.
    const forged = natsHeaders();
    forged.set("Nats-Sequence", String(first.seq));
    forged.set("Nats-Subject", subjects.signal("r1", "cancel"));
    await appendOnce(js, subjects.toolResult("r1", 2, 2, "noop"), encode({ ...result, index: 2 }), { headers: forged });
    await waitFor("the forged tool result", async () => (tapped.length > 1 ? true : undefined), 5_000, 20);
    expect(tapped[1]!.subject).toBe(`${subjects.prefix}.tap.r1.evt.tool.2.2.noop`);
    expect(republishedEntry(subjects.stream, tapped[1]!)).toBeUndefined();
  });

  it("the llm-caller folds each turn's tool results from the republished copies: no read after the first turn", async () => {
    const { env, runner, core, c } = await setup(LEDGER_SCRIPT, ["ledger"]);
    const subjects = new Subjects(env["CAIRN_PREFIX"]!);
    let bySeq = 0;
    let scans = 0;
    // Every read of the runs stream while the run goes (not the status reads after it ended).
    const spy = nc!.subscribe(`$JS.API.DIRECT.GET.${subjects.stream}`, {
      callback: (_e, m) => {
        if (m.string().includes("next_by_subj")) scans++;
        else bySeq++;
      },
    });
    let ended: () => void = () => undefined;
    const end = new Promise<void>((r) => (ended = r));
    const endSub = nc!.subscribe(`${subjects.prefix}.run.*.evt.ended`, { callback: () => ended() });
    await nc!.flush();
    await runner("ledger");
    await core();
    const { runId } = await c.submit({ task: "record four items" });
    await end;
    spy.unsubscribe();
    endSub.unsubscribe();
    const s = await waitRun(c, runId);
    expect(s.status).toBe("completed");
    expect(s.answer).toBe(LEDGER_ANSWER);
    expect(bySeq).toBe(0); // the four tool results of turns 1 and 2 were not read back by sequence...
    expect(scans).toBeGreaterThan(0); // ...nor by scanning: the only scans are the first turn's reads
    expect(scans).toBeLessThanOrEqual(2); // (the planner's and the llm-caller's first read of the run)
  });
});

describe("provider queues", () => {
  it("an older queue (two filters: turns and summaries) becomes the one-filter queue on provisioning, and back", async () => {
    const prefix = uniquePrefix();
    const subjects = new Subjects(prefix);
    nc = await connectNats({ servers: server.url, name: "routing-test" });
    const jsm = await jetstreamManager(nc);
    await jsm.streams.add({ name: subjects.stream, subjects: [subjects.allRuns()] });
    const older = [subjects.llmCommands("scripted"), subjects.summaryCommands("scripted")];
    await jsm.consumers.add(subjects.stream, {
      durable_name: subjects.llmConsumer("scripted"),
      ack_policy: AckPolicy.Explicit,
      filter_subjects: older,
    });
    const opts = { durable: subjects.llmConsumer("scripted"), ackWaitMs: 2000, maxDeliver: 5, replicas: 1 };
    await ensureConsumer(jsm, subjects.stream, { ...opts, filterSubjects: subjects.llmWork("scripted") });
    let cfg = (await jsm.consumers.info(subjects.stream, opts.durable)).config;
    expect(cfg.filter_subject).toBe(subjects.llmWork("scripted")[0]);
    expect(cfg.filter_subjects ?? []).toEqual([]);
    // The one filter takes model calls and summaries of the provider, never a tool's command.
    const js = jetstream(nc);
    for (const subject of [
      subjects.llmCommand("r1", 1, "scripted"),
      subjects.summaryCommand("r1", 2, "scripted"),
      subjects.toolCommand("r1", 1, 0, "scripted"),
      subjects.llmCommand("r1", 3, "other"),
    ])
      await js.publish(subject, "{}");
    const got: string[] = [];
    const c = await js.consumers.get(subjects.stream, opts.durable);
    for await (const m of await c.fetch({ max_messages: 10, expires: 1_000 })) {
      got.push(m.subject);
      m.ack();
    }
    expect(got).toEqual([subjects.llmCommand("r1", 1, "scripted"), subjects.summaryCommand("r1", 2, "scripted")]);
    // and back to two filters, should a deployment ever need it
    await ensureConsumer(jsm, subjects.stream, { ...opts, filterSubjects: older });
    cfg = (await jsm.consumers.info(subjects.stream, opts.durable)).config;
    expect(cfg.filter_subjects).toEqual(older);
    expect(cfg.filter_subject ?? "").toBe("");
  });
});

describe("requests with Cairn's trimmed cancel (libs/bus/src/nats-patch.ts)", () => {
  it("still resolve, report no responders, time out, and are cancelled by a closing connection", async () => {
    expect(applyNatsClientFixes().requestCancelTrimmed).toBe(true); // still applies to the installed @nats-io/nats-core
    expect(requestCancelTrimmed()).toBe(true);
    nc = await connectNats({ servers: server.url, name: "patch-test" });
    const sub = nc.subscribe("echo", {
      callback: (_e, m) => {
        m.respond(m.data);
      },
    });
    nc.subscribe("silent", { callback: () => undefined });
    expect((await nc.request("echo", "hi", { timeout: 2000 })).string()).toBe("hi");
    await expect(nc.request("nobody.home", "x", { timeout: 2000 })).rejects.toThrow(/no responders/i);
    await expect(nc.request("silent", "x", { timeout: 200 })).rejects.toThrow(/timeout/i);
    const pending = nc.request("silent", "x", { timeout: 10_000 });
    await nc.flush();
    sub.unsubscribe();
    const closing = nc.close();
    await expect(pending).rejects.toThrow();
    await closing;
    nc = undefined;
  });
});

describe("writes batched per event-loop turn (libs/bus/src/nats-patch.ts)", () => {
  it("sends what several microtasks queue in one socket write, delivers all of it in order, and flushes on close", async () => {
    expect(applyNatsClientFixes().writesBatched).toBe(true); // still applies to the installed @nats-io/nats-core
    expect(writesBatched()).toBe(true);
    const sender = await connectNats({ servers: server.url, name: "batch-sender" });
    nc = await connectNats({ servers: server.url, name: "batch-receiver" });
    const got: string[] = [];
    nc.subscribe("batch.>", {
      callback: (_e, m) => {
        got.push(m.string());
      },
    });
    await nc.flush();
    try {
      const transport = (sender as unknown as { protocol: { transport: { send(frame: Uint8Array): void } } }).protocol
        .transport;
      const send = transport.send.bind(transport);
      let writes = 0;
      transport.send = (frame) => {
        writes++;
        send(frame);
      };
      // Each publish in a microtask of its own, as handlers finish: one write for all ten.
      for (let i = 0; i < 10; i++) {
        await Promise.resolve();
        sender.publish(`batch.${i}`, String(i));
      }
      expect(writes).toBe(0);
      await new Promise((r) => setImmediate(r));
      expect(writes).toBe(1);
      await waitFor("the ten messages", () => got.length === 10, 5_000);
      expect(got).toEqual(["0", "1", "2", "3", "4", "5", "6", "7", "8", "9"]);
      // Queued, not yet written, then closed: close writes it first.
      sender.publish("batch.last", "last");
      await sender.close();
      await waitFor("the message published just before close", () => got.includes("last"), 5_000);
      expect(writes).toBe(2);
    } finally {
      if (!sender.isClosed()) await sender.close();
    }
  });
});
