/**
 * Cairn's wire protocol: message types and validators generated from `schemas/` (the single
 * source of truth), the msgpack codec, and subject names.
 */
export type * from "./generated/types.js";
export { schemaIds } from "./generated/types.js";
export { encode, decode, validate, PROTOCOL_VERSION } from "./codec.js";
export type { Decoded, DecodeFailure, DecodeErrorKind } from "./codec.js";
export { ARCHIVE_PAGES, ARCHIVE_SUBJECTS, Subjects, isToken, RESERVED_PREFIX_PARTS, runStepOf } from "./subjects.js";
export type { ApiEndpoint, ParsedRunSubject, RunStep, RunSubjectKind } from "./subjects.js";
export {
  API_ENDPOINTS,
  API_ERRORS,
  API_VERSION,
  ENDPOINT_METADATA_KEYS,
  endpointMetadata,
  errorKindOfCode,
  schemaName,
  serviceErrorCode,
  APPROVE_ROLE_PROBE,
} from "./api.js";
export type { ApiEndpointSpec, ApiErrorSpec } from "./api.js";
export { decodeEntry } from "./entry.js";
export type { DecodedEntry } from "./entry.js";
export { backoffDelay } from "./retry.js";
export type { RetryPolicy } from "./retry.js";
export { messageSha256 } from "./codec.js";
export type { HistoryEntry } from "./entry.js";
