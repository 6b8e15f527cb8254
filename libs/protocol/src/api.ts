import { schemaIds, type MessageTypeName } from "./generated/types.js";
import { PROTOCOL_VERSION } from "./codec.js";
import type { ApiEndpoint } from "./subjects.js";

/**
 * The run API as a client in any language sees it: one JSON request, one JSON reply, on
 * `<prefix>.api.<endpoint>` (the `cairn` NATS micro service). docs/protocol.md is rendered from
 * these tables and schemas/ (scripts/protocol-doc.mjs), and the planner announces each endpoint's
 * schemas in its micro service metadata (ENDPOINT_METADATA_KEYS).
 */
export interface ApiEndpointSpec {
  /** The request's message type (schemas/<name>.v1.schema.json). */
  readonly request: MessageTypeName;
  /** The reply's message type when the request succeeds; an error is always an ApiError. */
  readonly reply: MessageTypeName;
  /** What the endpoint does, in one sentence. */
  readonly does: string;
}

/** Every endpoint of the `cairn` micro service, with its request and reply types. */
export const API_ENDPOINTS: Readonly<Record<ApiEndpoint, ApiEndpointSpec>> = {
  submit: {
    request: "SubmitRequest",
    reply: "SubmitReply",
    does: "Starts a run (or answers the run an idempotency key already names); answered once the submission is stored.",
  },
  status: { request: "RunRequest", reply: "RunStatus", does: "A run's status." },
  list: { request: "ListRequest", reply: "ListReply", does: "Runs, newest first, in pages (`cursor`)." },
  cancel: { request: "RunRequest", reply: "RunStatus", does: "Cancels a running run (answers its status before)." },
  approve: {
    request: "ApprovalRequest",
    reply: "RunStatus",
    does: "Approves or denies a tool call (or going past a budget, or going on after a stuck loop) that waits for a human.",
  },
  send: {
    request: "SendRequest",
    reply: "SendReply",
    does: "A message to a run: the next model call reads it (steering), or it starts the next turn of a conversation; `end` ends a conversation after its next answer.",
  },
  spawn: {
    request: "SpawnRequest",
    reply: "SubmitReply",
    does: "Starts the sub-agent run of a pending `run_agent` call (the tool-runner's; operators only).",
  },
  read: {
    request: "ReadRequest",
    reply: "ReadReply",
    does: "A page of a run's log (each message msgpack, base64): for callers that may not read the stream.",
  },
};

/**
 * Keys of each endpoint's micro service metadata (`$SRV.INFO`): the schema of its request, of its
 * reply, and of its error reply, each named as its file in schemas/ without `.schema.json`
 * (e.g. `submit-request.v1`). The NATS micro spec (ADR-32) leaves metadata keys free; keys that
 * start with `_nats` are the server's (ADR-33), so these do not.
 */
export const ENDPOINT_METADATA_KEYS = {
  request: "request_schema",
  reply: "reply_schema",
  error: "error_schema",
} as const;

/** A message type's schema name: its file in schemas/ without `.schema.json` (`SubmitRequest` → `submit-request.v1`). */
export function schemaName(type: MessageTypeName): string {
  const id = schemaIds[type];
  return id.slice(id.lastIndexOf("/") + 1).replace(/\.schema\.json$/, "");
}

/** An endpoint's micro service metadata (see ENDPOINT_METADATA_KEYS). */
export function endpointMetadata(endpoint: ApiEndpoint): Record<string, string> {
  const spec = API_ENDPOINTS[endpoint];
  return {
    [ENDPOINT_METADATA_KEYS.request]: schemaName(spec.request),
    [ENDPOINT_METADATA_KEYS.reply]: schemaName(spec.reply),
    [ENDPOINT_METADATA_KEYS.error]: schemaName("ApiError"),
  };
}

/** An error kind the API answers, its `Nats-Service-Error-Code`, and what it means. */
export interface ApiErrorSpec {
  /** HTTP-like status code sent as `Nats-Service-Error-Code`. */
  readonly code: number;
  readonly meaning: string;
}

/**
 * Every error kind (ApiError `error.kind`) the planner answers, and its `Nats-Service-Error-Code`.
 * `unavailable` is the TypeScript client's own (no planner answered); a kind not listed here is
 * answered with 500.
 */
export const API_ERRORS: Readonly<Record<string, ApiErrorSpec>> = {
  bad_request: { code: 400, meaning: "The request is not valid (not JSON, or not its schema); the message says why." },
  unsupported_version: {
    code: 400,
    meaning: "The request's `v` is not a version this planner speaks (omit `v` for the current one).",
  },
  unauthenticated: { code: 401, meaning: "A tenant request without an identity the planner can map to a tenant." },
  forbidden: { code: 403, meaning: "The caller lacks the role (read, submit, cancel, approve) for this request." },
  not_found: { code: 404, meaning: "No such run (or not the caller's tenant's), or no such call in it." },
  unknown_agent: { code: 404, meaning: "No agent of that name in the planner's agents file." },
  not_running: { code: 409, meaning: "The run already ended (cancel)." },
  not_awaiting: {
    code: 409,
    meaning:
      "No such call waits for approval, or the call already has its result (or the run is not paused at a budget or by its loop guard).",
  },
  already_decided: { code: 409, meaning: "Another approve/deny of the same call was recorded first." },
  not_editable: {
    code: 409,
    meaning: "Approve with edited arguments for a call whose tool does not allow it (the agent's `editableArgs`).",
  },
  not_approved: { code: 409, meaning: "A gated `run_agent` call has no recorded approval (spawn)." },
  idempotency_conflict: { code: 409, meaning: "The idempotency key already names a run with another task or agent." },
  unknown_tool: { code: 503, meaning: "The agent uses tools no tool-runner has registered (start one)." },
  not_provisioned: {
    code: 503,
    meaning: "The agent's work queues do not exist (an admin runs `cairn provision`).",
  },
  unavailable: { code: 503, meaning: "No planner answered (the TypeScript client's; never sent by the planner)." },
  internal: { code: 500, meaning: "The planner failed to answer (retryable)." },
};

/** The `Nats-Service-Error-Code` of an error kind (500 for a kind not in API_ERRORS). */
export function serviceErrorCode(kind: string): number {
  return Object.hasOwn(API_ERRORS, kind) ? API_ERRORS[kind]!.code : 500;
}

/**
 * The error kind a client reports for an error reply that has only the micro headers (no ApiError
 * body: another implementation, or a handler that failed before it could answer).
 */
export function errorKindOfCode(code: number): string {
  switch (code) {
    case 400:
      return "bad_request";
    case 401:
      return "unauthenticated";
    case 403:
      return "forbidden";
    case 404:
      return "not_found";
    case 409:
      return "conflict";
    case 503:
      return "unavailable";
    default:
      return "internal";
  }
}

/** The version a request without `v` is taken to be (see docs/protocol.md, versioning). */
export const API_VERSION = PROTOCOL_VERSION;

/**
 * The call id of a dry check of the approve role (what `cairn ui` sends to know whether to show
 * approve buttons): the planner answers `forbidden` without the role and `not_awaiting` with it,
 * whatever the run holds — never a decision, even if a call had this id.
 */
export const APPROVE_ROLE_PROBE = "cairn-ui-role-probe";
