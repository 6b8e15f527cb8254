import { createHash } from "node:crypto";
import { Packr } from "msgpackr";
import * as validators from "./generated/validators.js";
import type { MessageTypeName } from "./generated/types.js";

/** Version of every message this code writes (each schema pins `v`). */
export const PROTOCOL_VERSION = 1 as const;

// Plain msgpack maps (no records extension) so any msgpack implementation can read the log.
const packr = new Packr({ useRecords: false, mapsAsObjects: true, int64AsType: "number" });

/** msgpack-encodes a message. */
export function encode(value: unknown): Uint8Array {
  return packr.pack(value);
}

/** Why a message could not be used. */
export type DecodeErrorKind = "oversized" | "malformed" | "schema_invalid";

export interface DecodeFailure {
  ok: false;
  kind: DecodeErrorKind;
  message: string;
}
export type Decoded<T> = { ok: true; value: T } | DecodeFailure;

interface GeneratedValidator {
  (data: unknown): boolean;
  errors?: { instancePath: string; message?: string }[] | null;
}

// Looked up by name once (a module namespace is slow to index on every message).
const byName = new Map<string, GeneratedValidator>(
  Object.entries(validators as unknown as Record<string, GeneratedValidator>),
);

/** Validates a plain value against the named schema. */
export function validate<T>(type: MessageTypeName, value: unknown): Decoded<T> {
  const fn = byName.get(type);
  if (!fn) return { ok: false, kind: "schema_invalid", message: `no schema named ${type}` };
  if (fn(value)) return { ok: true, value: value as T };
  const detail = (fn.errors ?? [])
    .slice(0, 5)
    .map((e) => `${e.instancePath || "/"} ${e.message ?? "is invalid"}`)
    .join("; ");
  return { ok: false, kind: "schema_invalid", message: `not a valid ${type}: ${detail}` };
}

/**
 * Decodes msgpack bytes and validates them against the named schema. Never throws: a message
 * that is too big, is not msgpack, or fails its schema comes back as a DecodeFailure.
 */
export function decode<T>(type: MessageTypeName, data: Uint8Array, maxBytes = Number.POSITIVE_INFINITY): Decoded<T> {
  if (data.length > maxBytes) {
    return {
      ok: false,
      kind: "oversized",
      message: `message of ${data.length} bytes exceeds the limit of ${maxBytes} bytes`,
    };
  }
  let value: unknown;
  try {
    value = packr.unpack(data);
  } catch (err) {
    return { ok: false, kind: "malformed", message: `not msgpack: ${(err as Error).message}` };
  }
  return validate<T>(type, value);
}

/** The sha256 (hex) of a message's bytes, as a fork declares its copied prefix and the payload store names a payload. */
export function messageSha256(data: Uint8Array): string {
  return createHash("sha256").update(data).digest("hex");
}
