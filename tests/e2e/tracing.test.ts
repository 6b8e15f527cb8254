import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { CairnClient } from "@cairn/client";
import {
  readLedger,
  spawnService,
  startNatsServer,
  uniquePrefix,
  waitFor,
  type RunningNatsServer,
  type ServiceName,
  type ServiceProcess,
} from "@cairn/testing";
import { clientFor, LEDGER_SCRIPT, makeFixture, runLog, serviceEnv, waitRun, type ScriptTurn } from "../helpers.js";
import { Kind, Status, startOtlpReceiver, type OtlpReceiver, type ReceivedSpan } from "../otlp.js";

let server: RunningNatsServer;
let receiver: OtlpReceiver;
const procs: ServiceProcess[] = [];
let client: CairnClient | undefined;

beforeAll(async () => {
  server = await startNatsServer();
  receiver = await startOtlpReceiver();
});
afterEach(async () => {
  await client?.close();
  client = undefined;
  await Promise.all(procs.splice(0).map((p) => p.kill("SIGKILL")));
});
afterAll(async () => {
  await receiver?.close();
  await server?.stop();
});

/** A span's step as "turn.index", from its attributes. */
const stepOf = (s: ReceivedSpan): string =>
  `${Number(s.attributes["cairn.turn"])}.${Number(s.attributes["cairn.tool.index"])}`;

async function spawn(name: ServiceName, env: Record<string, string>): Promise<ServiceProcess> {
  const p = await spawnService(name, env);
  procs.push(p);
  return p;
}

// Three turns: three parallel ledger calls (b takes 4 s: the tool-runner is killed during it), one
// more call, then the answer.
const SCRIPT: ScriptTurn[] = [
  {
    content: "Recording three items in parallel.",
    toolCalls: [
      { name: "ledger", arguments: { item: "a" } },
      { name: "ledger", arguments: { item: "b", delayMs: 4000 } },
      { name: "ledger", arguments: { item: "c" } },
    ],
  },
  { content: "One more.", toolCalls: [{ name: "ledger", arguments: { item: "d" } }] },
  { content: "Recorded: {{toolResults}}" },
];

describe("tracing: one run is one trace across the service processes", () => {
  it("exports the run's span tree over OTLP, with a crashed tool call's retry in the same trace", async () => {
    const f = makeFixture({ work: SCRIPT });
    const prefix = uniquePrefix();
    const env = serviceEnv(server.url, prefix, f, {
      OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
      OTEL_BSP_SCHEDULE_DELAY: "100",
      OTEL_RESOURCE_ATTRIBUTES: `deployment.environment.name=e2e,cairn.prefix=${prefix}`,
      LOG_LEVEL: "debug",
    });
    const toolRunner = await spawn("tool-runner", env);
    const llm = await spawn("llm-caller", env);
    const planner = await spawn("planner", env);
    client = await clientFor(server.url, prefix);

    const { runId } = await client.submit({ task: "record a, b, c, then d" });
    const ofRun = (s: ReceivedSpan) => s.attributes["cairn.run.id"] === runId;
    const toolSpan = (s: ReceivedSpan, index: number) =>
      s.name === "execute_tool ledger" &&
      ofRun(s) &&
      s.attributes["cairn.turn"] === 1 &&
      s.attributes["cairn.tool.index"] === index;

    // a and c are recorded, and their spans exported: b is in the middle of its 4 s call. Kill the
    // tool-runner holding it; a new one takes the redelivered command.
    await waitFor(
      "a and c recorded and exported",
      () =>
        readLedger(f.ledgerFile).length >= 2 &&
        receiver.spans.some((s) => toolSpan(s, 0)) &&
        receiver.spans.some((s) => toolSpan(s, 2)),
      20_000,
    );
    expect(
      readLedger(f.ledgerFile)
        .map((l) => l.item)
        .sort(),
    ).toEqual(["a", "c"]);
    await toolRunner.kill("SIGKILL");
    const toolRunner2 = await spawn("tool-runner", env);

    const status = await waitRun(client, runId);
    expect(status.status).toBe("completed");
    expect(status.traceId).toMatch(/^[0-9a-f]{32}$/);
    const traceId = status.traceId!;

    // The root span is emitted by the planner when the run ends; wait for it and every step's span.
    const inTrace = () => receiver.spans.filter((s) => s.traceId === traceId);
    const root = await waitFor(
      "the run's root span",
      () => inTrace().find((s) => s.name === "invoke_agent work"),
      15_000,
    );
    await waitFor(
      "every step's spans",
      () =>
        inTrace().filter((s) => s.kind === Kind.CONSUMER).length >= 16 &&
        inTrace().filter((s) => s.name.startsWith("execute_tool")).length >= 4,
      15_000,
    );
    expect(receiver.failures).toEqual([]);
    const spans = inTrace();
    const byId = new Map(spans.map((s) => [s.spanId, s]));

    // One trace for the whole run: every span naming the run is in it.
    expect(new Set(receiver.spans.filter(ofRun).map((s) => s.traceId))).toEqual(new Set([traceId]));
    expect(spans.every((s) => s.spanId.length === 16 && s.endMs >= s.startMs)).toBe(true);
    expect(new Set(spans.map((s) => s.spanId)).size).toBe(spans.length);

    // The root: no parent, from submission to end, with the run's outcome and totals.
    expect(root.parentSpanId).toBe("");
    expect(root.kind).toBe(Kind.INTERNAL);
    expect(root.attributes).toMatchObject({
      "gen_ai.operation.name": "invoke_agent",
      "gen_ai.agent.name": "work",
      "gen_ai.request.model": "work",
      "cairn.run.id": runId,
      "cairn.run.status": "completed",
      "cairn.turn": 3,
      "cairn.tool_calls": 4,
    });
    expect(root.attributes["gen_ai.usage.input_tokens"]).toBe(status.usage.inputTokens);
    expect(root.attributes["gen_ai.usage.output_tokens"]).toBe(status.usage.outputTokens);
    expect(root.startMs).toBe(Date.parse(status.submittedAt));
    expect(root.endMs).toBe(Date.parse(status.endedAt!));
    expect(root.resource["service.name"]).toBe("cairn-planner");
    expect(root.status.code).toBe(Status.UNSET);

    // Every step attempt is a CONSUMER span right under the run, linked to the span that published
    // its message (the traceparent header), and carrying the messaging attributes.
    const consumers = spans.filter((s) => s.kind === Kind.CONSUMER);
    for (const s of consumers) {
      expect(s.parentSpanId, s.name).toBe(root.spanId);
      expect(s.attributes).toMatchObject({
        "messaging.system": "nats",
        "messaging.operation.type": "process",
        "cairn.run.id": runId,
      });
      expect(s.attributes["messaging.destination.name"]).toMatch(
        new RegExp(`^${prefix.replace(/\./g, "\\.")}\\.run\\.${runId}\\.`),
      );
      expect(s.attributes["messaging.message.id"]).toBe(s.attributes["messaging.destination.name"]);
      expect(s.attributes["cairn.attempt"]).toBe(s.attributes["messaging.nats.message.delivery_count"]);
    }
    const named = (name: string, by: string) =>
      consumers.filter((s) => s.name === name && s.resource["service.name"] === by);
    expect(named("process evt.submitted", "cairn-planner")).toHaveLength(1);
    expect(named("process evt.llm", "cairn-planner")).toHaveLength(3);
    expect(named("process evt.tool", "cairn-planner")).toHaveLength(4);
    expect(named("process evt.ended", "cairn-planner")).toHaveLength(1);
    expect(named("process cmd.llm", "cairn-llm-caller")).toHaveLength(3);
    expect(named("process cmd.tool", "cairn-tool-runner")).toHaveLength(4);
    // The submission was published under the run span itself; every other message by a step span.
    expect(named("process evt.submitted", "cairn-planner")[0]!.links).toEqual([]);
    for (const s of consumers.filter((c) => c.name !== "process evt.submitted")) {
      expect(s.links, s.name).toHaveLength(1);
      expect(s.links[0]!.traceId).toBe(traceId);
      expect(byId.has(s.links[0]!.spanId), `${s.name} links to an exported span`).toBe(true);
    }
    // The causal chain through the headers: each model call was issued by a planner decision, each
    // tool call by the decision on the model's answer, each decision by the step that reported.
    for (const s of named("process cmd.llm", "cairn-llm-caller"))
      expect(byId.get(s.links[0]!.spanId)!.name).toMatch(/^process evt\.(submitted|tool)$/);
    for (const s of named("process cmd.tool", "cairn-tool-runner"))
      expect(byId.get(s.links[0]!.spanId)!.name).toBe("process evt.llm");
    for (const s of named("process evt.llm", "cairn-planner"))
      expect(byId.get(s.links[0]!.spanId)!.name).toBe("process cmd.llm");
    for (const s of named("process evt.tool", "cairn-planner"))
      expect(byId.get(s.links[0]!.spanId)!.name).toBe("process cmd.tool");

    // Model calls: GenAI attributes, token counts as recorded in the run's llm results.
    const log = await runLog(client.nc, prefix, runId);
    const llmResults = log.flatMap((e) => (e.entry.kind === "llm-result" ? [e.entry.message] : []));
    expect(llmResults).toHaveLength(3);
    const chats = spans.filter((s) => s.name === "chat work");
    expect(chats).toHaveLength(3);
    for (const r of llmResults) {
      const chat = chats.find((s) => s.attributes["cairn.turn"] === r.turn)!;
      expect(chat.kind).toBe(Kind.CLIENT);
      expect(chat.resource["service.name"]).toBe("cairn-llm-caller");
      expect(chat.attributes).toMatchObject({
        "gen_ai.operation.name": "chat",
        "gen_ai.system": "scripted",
        "gen_ai.request.model": "work",
        "gen_ai.response.model": r.model,
        "gen_ai.usage.input_tokens": r.usage!.inputTokens,
        "gen_ai.usage.output_tokens": r.usage!.outputTokens,
        "gen_ai.response.finish_reasons": [r.finishReason],
      });
      expect(r.usage!.inputTokens).toBeGreaterThan(0);
      const parent = byId.get(chat.parentSpanId)!;
      expect(parent.name).toBe("process cmd.llm");
      expect(parent.attributes["cairn.turn"]).toBe(r.turn);
      expect(chat.startMs).toBeGreaterThanOrEqual(parent.startMs);
      expect(chat.endMs).toBeLessThanOrEqual(parent.endMs);
    }

    // Tool executions: one per call, under the attempt that ran it; b's is the redelivered one.
    const tools = spans.filter((s) => s.name === "execute_tool ledger");
    expect(tools.map(stepOf).sort()).toEqual(["1.0", "1.1", "1.2", "2.0"]);
    for (const t of tools) {
      const parent = byId.get(t.parentSpanId)!;
      expect(parent.name).toBe("process cmd.tool");
      expect(parent.attributes["cairn.step"]).toBe(`tool.${stepOf(t)}`);
      expect(t.attributes).toMatchObject({
        "gen_ai.operation.name": "execute_tool",
        "gen_ai.tool.name": "ledger",
        "cairn.tool.name": "ledger",
      });
      expect(t.startMs).toBeGreaterThanOrEqual(parent.startMs);
      expect(t.endMs).toBeLessThanOrEqual(parent.endMs);
    }
    const b = tools.find((s) => s.attributes["cairn.tool.index"] === 1 && s.attributes["cairn.turn"] === 1)!;
    const bAttempt = byId.get(b.parentSpanId)!;
    expect(bAttempt.attributes).toMatchObject({
      "cairn.attempt": 2,
      "messaging.nats.message.delivery_count": 2,
      "cairn.redelivered": true,
      "cairn.disposition": "ack",
    });
    expect(bAttempt.resource["service.instance.id"]).toBe(`tool-runner-${toolRunner2.pid}`);
    expect(b.attributes["cairn.attempt"]).toBe(2);
    for (const t of tools.filter((s) => s !== b)) expect(byId.get(t.parentSpanId)!.attributes["cairn.attempt"]).toBe(1);
    // The standard resource variables reach every process's spans.
    expect(new Set(spans.map((s) => s.resource["deployment.environment.name"]))).toEqual(new Set(["e2e"]));

    // Logs of the run, from every process (the killed tool-runner's too), carry its trace id.
    const lines = [toolRunner, toolRunner2, llm, planner].flatMap((p) => p.logs).filter((l) => l["runId"] === runId);
    expect(lines.length).toBeGreaterThanOrEqual(20);
    expect(lines.filter((l) => l["trace_id"] !== traceId)).toEqual([]);
    expect(lines.filter((l) => typeof l["span_id"] !== "string" || !/^[0-9a-f]{16}$/.test(l["span_id"]))).toEqual([]);
    // ... and, but for the killed process (whose attempt never ended), name a span that was exported.
    const survivors = [toolRunner2, llm, planner].flatMap((p) => p.logs).filter((l) => l["runId"] === runId);
    expect(survivors.filter((l) => !byId.has(l["span_id"] as string))).toEqual([]);
  });

  it("flushes the spans it still holds when a service is stopped with SIGTERM", async () => {
    const f = makeFixture({ work: LEDGER_SCRIPT });
    const prefix = uniquePrefix();
    // A batch delay far longer than the test: spans leave the processes only when they are flushed.
    const env = serviceEnv(server.url, prefix, f, {
      OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
      OTEL_BSP_SCHEDULE_DELAY: "600000",
    });
    const all = [await spawn("tool-runner", env), await spawn("llm-caller", env), await spawn("planner", env)];
    client = await clientFor(server.url, prefix);
    const { runId } = await client.submit({ task: "record a, b, c, then d" });
    const status = await waitRun(client, runId);
    expect(status.status).toBe("completed");
    const inTrace = () => receiver.spans.filter((s) => s.traceId === status.traceId);
    await new Promise((r) => setTimeout(r, 300));
    expect(inTrace()).toEqual([]);
    await Promise.all(all.map((p) => p.kill("SIGTERM")));
    for (const p of all) expect((await p.exited).code).toBe(0);
    const spans = inTrace();
    expect(spans.filter((s) => s.name === "invoke_agent work")).toHaveLength(1);
    expect(spans.filter((s) => s.kind === Kind.CONSUMER)).toHaveLength(16);
    expect(spans.filter((s) => s.name === "chat work")).toHaveLength(3);
    expect(spans.filter((s) => s.name === "execute_tool ledger")).toHaveLength(4);
  });

  it("keeps a cancelled run in one trace: the signal, the end and the root span with its outcome", async () => {
    const f = makeFixture({
      work: [{ toolCalls: [{ name: "ledger", arguments: { item: "slow", delayMs: 3000 } }] }, { content: "never" }],
    });
    const prefix = uniquePrefix();
    const env = serviceEnv(server.url, prefix, f, {
      OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
      OTEL_BSP_SCHEDULE_DELAY: "100",
    });
    for (const name of ["tool-runner", "llm-caller", "planner"] as const) await spawn(name, env);
    client = await clientFor(server.url, prefix);
    const { runId } = await client.submit({ task: "slow" });
    await waitFor(
      "the tool call to start",
      () => receiver.spans.some((s) => s.name === "process evt.llm" && s.attributes["cairn.run.id"] === runId),
      20_000,
    );
    await client.cancel(runId, "user asked");
    const status = await waitRun(client, runId);
    expect(status.status).toBe("cancelled");
    const inTrace = () => receiver.spans.filter((s) => s.traceId === status.traceId);
    const root = await waitFor(
      "the run's root span",
      () => inTrace().find((s) => s.name === "invoke_agent work"),
      15_000,
    );
    expect(root.attributes).toMatchObject({ "cairn.run.status": "cancelled", "cairn.run.reason": status.reason });
    const signal = await waitFor(
      "the cancel's span",
      () => inTrace().find((s) => s.name === "process evt.signal"),
      15_000,
    );
    expect(signal.parentSpanId).toBe(root.spanId);
    expect(signal.attributes["cairn.decided"]).toEqual(["evt.ended"]);
    const ended = await waitFor("the end's span", () => inTrace().find((s) => s.name === "process evt.ended"), 15_000);
    expect(ended.parentSpanId).toBe(root.spanId);
    expect(ended.links.map((l) => l.spanId)).toEqual([signal.spanId]);
  });
});
