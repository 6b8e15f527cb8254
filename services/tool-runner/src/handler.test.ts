// The tool-runner's command handler: a recorded result is never executed again, a tool's
// non-retryable kinds are not retried, the idempotency key is the command's on every attempt, and
// the trace context of a command is carried to its result. The handler's dependencies are plain
// functions here; the last test runs it on a real nats-server through the real consume loop.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { connect, headers, type NatsConnection } from "@nats-io/transport-node";
import { jetstream, jetstreamManager } from "@nats-io/jetstream";
import { decode, encode, Subjects, type RunSubmitted, type ToolCommand, type ToolResult } from "@cairn/protocol";
import { RetryableError, toolIdempotencyKey } from "@cairn/runtime";
import { appendOnce, ensureConsumer, runStreamConfig, type AppendResult, type WorkContext } from "@cairn/bus";
import { ToolRegistry, type ToolContext, type ToolDefinition } from "@cairn/tools";
import { silentLogger, withSpan } from "@cairn/telemetry";
import { startNatsServer, uniquePrefix, waitFor, type RunningNatsServer } from "@cairn/testing";
import { createToolHandler, type ToolHandlerDeps } from "./handler.js";
import { startWorkQueue } from "@cairn/worker";
import { startTracing } from "@cairn/tracing";

const S = new Subjects("t");
const RUN = "r1";
const KEY = toolIdempotencyKey(RUN, 1, 0);

const submitted = (tools: string[]): RunSubmitted => ({
  v: 1,
  type: "run.submitted",
  runId: RUN,
  task: "t",
  agent: {
    name: "a",
    provider: "scripted",
    model: "m",
    systemPrompt: "",
    tools: tools.map((name) => ({ name, description: "d", inputSchema: { type: "object" } })),
    maxTurns: 5,
  },
  submittedAt: new Date(0).toISOString(),
});

const command = (tool: string): ToolCommand => ({
  v: 1,
  type: "tool.command",
  runId: RUN,
  turn: 1,
  index: 0,
  callId: "c1",
  tool,
  arguments: "{}",
  idempotencyKey: KEY,
  historySeq: 3,
});

/** A tool that records every execution (its context) and does what `behave` says on each attempt. */
function countingTool(name: string, behave: (ctx: ToolContext) => unknown, extra: Partial<ToolDefinition> = {}) {
  const calls: ToolContext[] = [];
  const def: ToolDefinition = {
    name,
    description: "test tool",
    input: { type: "object" },
    run: (_args, ctx) => {
      calls.push(ctx);
      return behave(ctx);
    },
    ...extra,
  };
  return { def, calls };
}

interface Harness {
  handle: ReturnType<typeof createToolHandler>;
  appended: { subject: string; result: ToolResult }[];
  recorded: Set<string>;
}

/** The dependencies every handler in these tests shares: no crash points, fast retries, quiet logs. */
function fixedDeps(
  maxAttempts: number,
): Omit<ToolHandlerDeps, "subjects" | "registry" | "exists" | "submission" | "approval" | "append"> {
  return {
    crash: { hit: () => undefined },
    retry: { maxAttempts, initialDelayMs: 50, maxDelayMs: 1_000, multiplier: 2 },
    timeoutMs: 10_000,
    maxMessageBytes: 1024 * 1024,
    workspaceRoot: "/tmp/cairn-tool-handler-test",
    largePayloadBytes: 512 * 1024,
    watchCancel: () => () => undefined,
    stored: async () => undefined,
    log: silentLogger(),
    now: () => Date.now(),
  };
}

function harness(tool: ToolDefinition, opts: { maxAttempts?: number } = {}): Harness {
  const appended: Harness["appended"] = [];
  const recorded = new Set<string>();
  const deps: ToolHandlerDeps = {
    subjects: S,
    registry: new ToolRegistry([tool]),
    exists: async (subject) => recorded.has(subject),
    submission: async () => submitted([tool.name]),
    approval: async () => undefined,
    append: async (subject, data): Promise<AppendResult> => {
      const duplicate = recorded.has(subject);
      recorded.add(subject);
      const d = decode<ToolResult>("ToolResult", data);
      if (d.ok && !duplicate) appended.push({ subject, result: d.value });
      return { seq: duplicate ? 0 : appended.length, duplicate };
    },
    ...fixedDeps(opts.maxAttempts ?? 3),
  };
  return { handle: createToolHandler(deps), appended, recorded };
}

const ctx = (): WorkContext => ({ signal: new AbortController().signal, heartbeat: () => undefined });
const delivery = (tool: string, deliveries: number) => ({
  subject: S.toolCommand(RUN, 1, 0, tool),
  seq: 5,
  deliveries,
  data: encode(command(tool)),
  issuedAt: 0,
});

describe("tool-runner handler: a recorded result is never executed again", () => {
  it("a redelivered command whose result is recorded is acked without executing the tool", async () => {
    const t = countingTool("alpha", () => "ok");
    const h = harness(t.def);
    expect(await h.handle(delivery("alpha", 1), ctx())).toEqual({ ack: true });
    expect(t.calls.length).toBe(1);
    expect(h.appended.map((a) => a.subject)).toEqual([S.toolResult(RUN, 1, 0, "alpha")]);
    // The ack was lost (or the process died after the append): the command comes back.
    expect(await h.handle(delivery("alpha", 2), ctx())).toEqual({ ack: true });
    expect(await h.handle(delivery("alpha", 3), ctx())).toEqual({ ack: true });
    expect(t.calls.length, "the tool was executed again for a call whose result is recorded").toBe(1);
    expect(h.appended.length).toBe(1);
  });
});

describe("tool-runner handler: retries", () => {
  it("a retryable failure is handed back (nak with backoff) until maxAttempts, then recorded as the call's failure", async () => {
    const t = countingTool("alpha", () => {
      throw new RetryableError("flaky", { kind: "unavailable" });
    });
    const h = harness(t.def, { maxAttempts: 3 });
    const d1 = await h.handle(delivery("alpha", 1), ctx());
    const d2 = await h.handle(delivery("alpha", 2), ctx());
    expect(d1).toEqual({ nak: 50 });
    expect(d2).toEqual({ nak: 100 });
    expect(h.appended).toEqual([]);
    expect(await h.handle(delivery("alpha", 3), ctx())).toEqual({ ack: true });
    expect(t.calls.length).toBe(3);
    expect(h.appended[0]!.result).toMatchObject({
      ok: false,
      attempts: 3,
      error: { kind: "unavailable", retryable: true },
    });
  });

  it("a tool's nonRetryable kinds are not retried: the first failure is recorded and acked, not nak'd", async () => {
    const t = countingTool(
      "quota_tool",
      () => {
        throw Object.assign(new Error("monthly quota used up"), { kind: "quota" });
      },
      { nonRetryable: ["quota"] },
    );
    const h = harness(t.def, { maxAttempts: 5 });
    const d = await h.handle(delivery("quota_tool", 1), ctx());
    expect(d, "a non-retryable kind was retried").toEqual({ ack: true });
    expect(t.calls.length).toBe(1);
    expect(h.appended.map((a) => a.result)).toMatchObject([
      { ok: false, attempts: 1, error: { kind: "quota", retryable: false } },
    ]);
  });

  it("the same error kind, not declared non-retryable, is retried", async () => {
    const t = countingTool("quota_tool", () => {
      throw Object.assign(new Error("monthly quota used up"), { kind: "quota" });
    });
    const h = harness(t.def, { maxAttempts: 5 });
    expect(await h.handle(delivery("quota_tool", 1), ctx())).toEqual({ nak: 50 });
    expect(h.appended).toEqual([]);
  });
});

describe("tool-runner handler: the idempotency key", () => {
  it("is the command's key, identical on every attempt and redelivery", async () => {
    const t = countingTool("alpha", (c) => {
      if (c.attempt < 3) throw new RetryableError(`attempt ${c.attempt} failed`, { kind: "unavailable" });
      return "ok";
    });
    const h = harness(t.def, { maxAttempts: 5 });
    for (const n of [1, 2, 3]) await h.handle(delivery("alpha", n), ctx());
    expect(t.calls.map((c) => c.attempt)).toEqual([1, 2, 3]);
    expect(t.calls.map((c) => c.idempotencyKey)).toEqual([KEY, KEY, KEY]);
    expect(KEY).toBe(`${RUN}:1:0`);
    expect(h.appended.map((a) => a.result)).toMatchObject([
      { ok: true, output: "ok", attempts: 3, idempotencyKey: KEY },
    ]);
  });
});

describe("tool-runner handler on a real nats-server", () => {
  let server: RunningNatsServer;
  let nc: NatsConnection;
  beforeAll(async () => {
    server = await startNatsServer();
    nc = await connect({ servers: server.url });
  });
  afterAll(async () => {
    await nc?.close();
    await server?.stop({ clean: true });
  });

  it("keeps the trace context: the result of a command that carries a traceparent is in the same trace", async () => {
    const subjects = new Subjects(uniquePrefix("tr"));
    const js = jetstream(nc);
    const jsm = await jetstreamManager(nc);
    await jsm.streams.add(runStreamConfig(subjects, { replicas: 1 }));
    const durable = subjects.toolConsumer("alpha");
    const filters = [subjects.toolCommands("alpha")];
    await ensureConsumer(jsm, subjects.stream, {
      durable,
      filterSubjects: filters,
      ackWaitMs: 5_000,
      maxDeliver: 5,
      replicas: 1,
    });
    await startTracing({
      serviceName: "tool-handler-test",
      env: { OTEL_EXPORTER_OTLP_ENDPOINT: "http://127.0.0.1:9", OTEL_EXPORTER_OTLP_PROTOCOL: "http/json" },
    });

    const t = countingTool("alpha", () => "ok");
    const handle = createToolHandler({
      subjects,
      registry: new ToolRegistry([t.def]),
      exists: async (subject) => (await jsm.streams.getMessage(subjects.stream, { last_by_subj: subject })) !== null,
      submission: async () => submitted(["alpha"]),
      approval: async () => undefined,
      append: (subject, data) => appendOnce(js, subject, data),
      ...fixedDeps(3),
    });
    const consumer = await startWorkQueue({
      js,
      jsm,
      stream: subjects.stream,
      durable,
      filters,
      concurrency: 2,
      config: { ackWaitMs: 5_000, maxDeliver: 5, replicas: 1, doubleAck: false },
      crash: { hit: () => undefined },
      handle,
      log: silentLogger(),
    });
    try {
      // The planner's decision, published under its span: the command carries its traceparent.
      let traceId = "";
      await withSpan("decide", {}, async (span) => {
        traceId = span!.spanContext().traceId;
        await appendOnce(js, subjects.toolCommand(RUN, 1, 0, "alpha"), encode(command("alpha")));
      });
      const cmd = await jsm.streams.getMessage(subjects.stream, {
        last_by_subj: subjects.toolCommand(RUN, 1, 0, "alpha"),
      });
      expect(cmd?.header.get("traceparent")).toContain(traceId);
      const result = await waitFor(
        "the tool's result",
        () =>
          jsm.streams
            .getMessage(subjects.stream, { last_by_subj: subjects.toolResult(RUN, 1, 0, "alpha") })
            .then((m) => m ?? undefined),
        10_000,
      );
      expect(result.header.get("traceparent"), "the result lost its command's trace context").toMatch(
        new RegExp(`^00-${traceId}-`),
      );
      // A command without trace context gets a result without one (no stray traces).
      const plain = headers();
      plain.set("X-Other", "1");
      await js.publish(
        subjects.toolCommand(RUN, 2, 0, "alpha"),
        encode({ ...command("alpha"), turn: 2, idempotencyKey: toolIdempotencyKey(RUN, 2, 0) }),
        { headers: plain },
      );
      const r2 = await waitFor(
        "the second result",
        () =>
          jsm.streams
            .getMessage(subjects.stream, { last_by_subj: subjects.toolResult(RUN, 2, 0, "alpha") })
            .then((m) => m ?? undefined),
        10_000,
      );
      expect(r2.header?.get("traceparent") ?? "").toBe("");
      expect(t.calls.map((c) => c.idempotencyKey)).toEqual([KEY, toolIdempotencyKey(RUN, 2, 0)]);
    } finally {
      await consumer.stop();
    }
  });
});
