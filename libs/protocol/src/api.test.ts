import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import {
  API_ENDPOINTS,
  API_ERRORS,
  ENDPOINT_METADATA_KEYS,
  endpointMetadata,
  errorKindOfCode,
  schemaName,
  serviceErrorCode,
} from "./api.js";
import { messageSha256, validate } from "./codec.js";
import { schemaIds } from "./generated/types.js";
import { runStepOf, Subjects } from "./subjects.js";

describe("the API's tables", () => {
  it("every endpoint names request and reply types that have schemas, and says what it does in a sentence", () => {
    expect(Object.keys(API_ENDPOINTS).sort()).toEqual([
      "approve",
      "cancel",
      "list",
      "read",
      "send",
      "spawn",
      "status",
      "submit",
    ]);
    for (const [name, e] of Object.entries(API_ENDPOINTS)) {
      expect(schemaIds[e.request], `${name} request`).toMatch(/^https:\/\/cairn\.dev\/schemas\/.+\.schema\.json$/);
      expect(schemaIds[e.reply], `${name} reply`).toMatch(/^https:\/\/cairn\.dev\/schemas\/.+\.schema\.json$/);
      expect(e.does, name).toMatch(/^[A-Z].{10,}\.$/);
    }
    expect(API_ENDPOINTS.submit).toMatchObject({ request: "SubmitRequest", reply: "SubmitReply" });
    expect(API_ENDPOINTS.status).toMatchObject({ request: "RunRequest", reply: "RunStatus" });
    expect(API_ENDPOINTS.list).toMatchObject({ request: "ListRequest", reply: "ListReply" });
    expect(API_ENDPOINTS.cancel).toMatchObject({ request: "RunRequest", reply: "RunStatus" });
    expect(API_ENDPOINTS.approve).toMatchObject({ request: "ApprovalRequest", reply: "RunStatus" });
    expect(API_ENDPOINTS.send).toMatchObject({ request: "SendRequest", reply: "SendReply" });
    expect(API_ENDPOINTS.spawn).toMatchObject({ request: "SpawnRequest", reply: "SubmitReply" });
    expect(API_ENDPOINTS.read).toMatchObject({ request: "ReadRequest", reply: "ReadReply" });
  });

  it("schemaName and endpointMetadata name each endpoint's schemas by their files", () => {
    expect(schemaName("SubmitRequest")).toBe("submit-request.v1");
    expect(schemaName("ApiError")).toBe("api-error.v1");
    expect(ENDPOINT_METADATA_KEYS).toEqual({ request: "request_schema", reply: "reply_schema", error: "error_schema" });
    expect(endpointMetadata("send")).toEqual({
      request_schema: "send-request.v1",
      reply_schema: "send-reply.v1",
      error_schema: "api-error.v1",
    });
    expect(endpointMetadata("status")).toEqual({
      request_schema: "run-request.v1",
      reply_schema: "run-status.v1",
      error_schema: "api-error.v1",
    });
  });

  it("every error kind has its code and a meaning; the codes map back to kinds", () => {
    const codes = Object.fromEntries(Object.entries(API_ERRORS).map(([k, e]) => [k, e.code]));
    expect(codes).toEqual({
      bad_request: 400,
      unsupported_version: 400,
      unauthenticated: 401,
      forbidden: 403,
      not_found: 404,
      unknown_agent: 404,
      not_running: 409,
      not_awaiting: 409,
      already_decided: 409,
      not_editable: 409,
      not_approved: 409,
      idempotency_conflict: 409,
      unknown_tool: 503,
      not_provisioned: 503,
      unavailable: 503,
      internal: 500,
    });
    for (const [k, e] of Object.entries(API_ERRORS)) expect(e.meaning, k).toMatch(/^[A-Z`].{10,}\.$/);
    expect(serviceErrorCode("not_editable")).toBe(409);
    expect(serviceErrorCode("no_such_kind")).toBe(500);
    expect(serviceErrorCode("toString")).toBe(500); // own properties only
    expect([400, 401, 403, 404, 409, 503, 500, 418].map((c) => errorKindOfCode(c))).toEqual([
      "bad_request",
      "unauthenticated",
      "forbidden",
      "not_found",
      "conflict",
      "unavailable",
      "internal",
      "internal",
    ]);
  });
});

describe("codec and subjects: what the other tests leave", () => {
  it("validate names a type it has no schema for; messageSha256 is the hex sha256 of the bytes", () => {
    expect(validate("NoSuchType" as "RunRequest", {})).toEqual({
      ok: false,
      kind: "schema_invalid",
      message: "no schema named NoSuchType",
    });
    const bytes = new Uint8Array([1, 2, 3]);
    expect(messageSha256(bytes)).toBe(createHash("sha256").update(bytes).digest("hex"));
  });

  it("runStepOf names every kind of run subject with its template", () => {
    const s = new Subjects("p");
    const cases: [string, Record<string, unknown>][] = [
      [s.ended("r"), { kind: "ended", family: "evt", template: "p.run.{runId}.evt.ended" }],
      [
        s.toolResult("r", 2, 1, "ledger"),
        { kind: "tool", turn: 2, index: 1, tool: "ledger", template: "p.run.{runId}.evt.tool.{turn}.{index}.ledger" },
      ],
      ["p.run.r.evt.tool.2.1", { kind: "tool", turn: 2, index: 1, template: "p.run.{runId}.evt.tool.{turn}.{index}" }],
      [s.signal("r", "cancel"), { kind: "signal", template: "p.run.{runId}.evt.signal.cancel" }],
      [s.budgetApproval("r", 3), { kind: "approval", turn: 3, template: "p.run.{runId}.evt.approval.{turn}.budget" }],
      [s.loopApproval("r", 3), { kind: "approval", turn: 3, template: "p.run.{runId}.evt.approval.{turn}.loop" }],
      [s.error("r", "s9"), { kind: "error", template: "p.run.{runId}.evt.error.{id}" }],
      [
        s.llmCommand("r", 4, "openai"),
        { kind: "llm", family: "cmd", turn: 4, template: "p.run.{runId}.cmd.llm.{turn}.openai" },
      ],
      [
        s.summaryCommand("r", 4, "openai"),
        { kind: "summary", family: "cmd", turn: 4, template: "p.run.{runId}.cmd.summary.{turn}.openai" },
      ],
    ];
    for (const [subject, want] of cases)
      expect(runStepOf(subject), subject).toMatchObject({ prefix: "p", runId: "r", ...want });
    expect(runStepOf("p.run.r.evt.nothing")).toBeUndefined();
    expect(s.llmWork("openai")).toEqual(["p.run.*.cmd.*.*.openai"]);
    expect(s.llmWork("*")).toEqual(["p.run.*.cmd.*.*.*"]);
  });
});
