import { describe, expect, it } from "vitest";
import {
  activeSpan,
  beginRun,
  endRun,
  formatTraceparent,
  parseTraceparent,
  runSpanId,
  startAttemptSpan,
  traceHeaders,
  traceIdOf,
  tracingEnabled,
  withSpan,
} from "@cairn/telemetry";
import { runStepOf } from "@cairn/protocol";
import { startTracing, tracingChoice, TracingConfigError } from "./tracing.js";

describe("tracingChoice: the standard OTEL_* variables decide", () => {
  it("is off without an OTLP endpoint, with OTEL_TRACES_EXPORTER=none, or with the SDK disabled", () => {
    expect(tracingChoice({})).toBeUndefined();
    expect(
      tracingChoice({ OTEL_EXPORTER_OTLP_ENDPOINT: "http://jaeger:4318", OTEL_TRACES_EXPORTER: "none" }),
    ).toBeUndefined();
    expect(
      tracingChoice({ OTEL_EXPORTER_OTLP_ENDPOINT: "http://jaeger:4318", OTEL_SDK_DISABLED: "true" }),
    ).toBeUndefined();
    expect(tracingChoice({ OTEL_EXPORTER_OTLP_ENDPOINT: "  " })).toBeUndefined();
  });

  it("is on with an endpoint: http/protobuf by default, else the (traces) protocol named", () => {
    expect(tracingChoice({ OTEL_EXPORTER_OTLP_ENDPOINT: "http://jaeger:4318" })).toEqual({
      exporter: "otlp",
      protocol: "http/protobuf",
    });
    expect(
      tracingChoice({
        OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: "http://jaeger:4318/v1/traces",
        OTEL_EXPORTER_OTLP_PROTOCOL: "http/json",
      }),
    ).toEqual({ exporter: "otlp", protocol: "http/json" });
    expect(
      tracingChoice({
        OTEL_EXPORTER_OTLP_ENDPOINT: "http://jaeger:4317",
        OTEL_EXPORTER_OTLP_PROTOCOL: "http/json",
        OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: "grpc",
      }),
    ).toEqual({ exporter: "otlp", protocol: "grpc" });
    expect(tracingChoice({ OTEL_TRACES_EXPORTER: "otlp" })).toEqual({ exporter: "otlp", protocol: "http/protobuf" });
    expect(tracingChoice({ OTEL_TRACES_EXPORTER: "console" })).toEqual({ exporter: "console" });
  });

  it("rejects values it cannot act on, naming the variable", () => {
    expect(() =>
      tracingChoice({ OTEL_EXPORTER_OTLP_ENDPOINT: "http://x", OTEL_EXPORTER_OTLP_PROTOCOL: "thrift" }),
    ).toThrow(TracingConfigError);
    expect(() => tracingChoice({ OTEL_TRACES_EXPORTER: "zipkin" })).toThrow(/OTEL_TRACES_EXPORTER/);
  });
});

describe("tracing off", () => {
  it("starts no SDK, and every helper is a pass-through", async () => {
    const t = await startTracing({ serviceName: "test", env: {} });
    expect(t).toMatchObject({ enabled: false, exporter: "none" });
    expect(tracingEnabled()).toBe(false);
    expect(withSpan("x", {}, (span) => (span === undefined ? 42 : 0))).toBe(42);
    expect(activeSpan()).toBeUndefined();
    expect(traceHeaders()).toBeUndefined();
    expect(
      startAttemptSpan({
        subject: "c.run.r1.cmd.llm.1",
        seq: 1,
        stream: "S",
        consumer: "c",
        deliveryCount: 1,
        bodySize: 0,
        header: () => "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01",
        headerNames: () => ["traceparent"],
      }),
    ).toBeUndefined();
    // The submitter's context is stored as given; there is no run span to emit.
    const parent = { traceparent: "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01" };
    const run = beginRun({ runId: "r1", agent: "a", provider: "scripted", model: "m" }, parent);
    expect(run.trace).toBe(parent);
    expect(run.within(() => 7)).toBe(7);
    expect(() =>
      endRun({
        runId: "r1",
        agent: "a",
        provider: "scripted",
        model: "m",
        trace: parent,
        submittedAt: "",
        endedAt: "",
        status: "completed",
        turns: 1,
        toolCalls: 0,
        usage: { inputTokens: 0, outputTokens: 0 },
      }),
    ).not.toThrow();
  });
});

describe("trace context values", () => {
  it("parses and formats W3C traceparent, refusing invalid ones", () => {
    const tp = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";
    const sc = parseTraceparent(tp)!;
    expect(sc).toMatchObject({
      traceId: "0af7651916cd43dd8448eb211c80319c",
      spanId: "b7ad6b7169203331",
      traceFlags: 1,
    });
    expect(formatTraceparent(sc)).toBe(tp);
    expect(parseTraceparent("00-00000000000000000000000000000000-b7ad6b7169203331-01")).toBeUndefined();
    expect(parseTraceparent("ff-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01")).toBeUndefined();
    expect(parseTraceparent("00-abc-def-01")).toBeUndefined();
    expect(traceIdOf({ traceparent: tp })).toBe("0af7651916cd43dd8448eb211c80319c");
    expect(traceIdOf(undefined)).toBeUndefined();
  });

  it("derives a run's root span id from its trace id and run id alone", () => {
    const a = runSpanId("0af7651916cd43dd8448eb211c80319c", "r1");
    expect(a).toMatch(/^[0-9a-f]{16}$/);
    expect(runSpanId("0af7651916cd43dd8448eb211c80319c", "r1")).toBe(a);
    expect(runSpanId("0af7651916cd43dd8448eb211c80319c", "r2")).not.toBe(a);
    expect(runSpanId("1af7651916cd43dd8448eb211c80319c", "r1")).not.toBe(a);
  });

  it("reads run, step and tool from run subjects, with low-cardinality templates", () => {
    expect(runStepOf("cairn.run.r1.evt.submitted")).toEqual({
      prefix: "cairn",
      runId: "r1",
      family: "evt",
      kind: "submitted",
      template: "cairn.run.{runId}.evt.submitted",
    });
    expect(runStepOf("t.x-1.run.r1.cmd.llm.3.scripted")).toMatchObject({
      runId: "r1",
      kind: "llm",
      turn: 3,
      template: "t.x-1.run.{runId}.cmd.llm.{turn}.scripted",
    });
    expect(runStepOf("cairn.run.r1.cmd.tool.2.1.ledger")).toMatchObject({
      runId: "r1",
      family: "cmd",
      kind: "tool",
      turn: 2,
      index: 1,
      tool: "ledger",
      template: "cairn.run.{runId}.cmd.tool.{turn}.{index}.ledger",
    });
    expect(runStepOf("cairn.run.r1.evt.tool.2.1")).toMatchObject({
      kind: "tool",
      turn: 2,
      index: 1,
      template: "cairn.run.{runId}.evt.tool.{turn}.{index}",
    });
    expect(runStepOf("cairn.run.r1.evt.tool.2.1.ledger")).toMatchObject({
      kind: "tool",
      turn: 2,
      index: 1,
      tool: "ledger",
      template: "cairn.run.{runId}.evt.tool.{turn}.{index}.ledger",
    });
    expect(runStepOf("cairn.run.r1.evt.error.s42")?.template).toBe("cairn.run.{runId}.evt.error.{id}");
    expect(runStepOf("cairn.run.run.evt.ended")).toMatchObject({ runId: "run", kind: "ended" });
    expect(runStepOf("cairn.api.submit")).toBeUndefined();
  });
});
