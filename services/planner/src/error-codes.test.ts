import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { API_ERRORS, serviceErrorCode } from "@cairn/protocol";

/** Every error kind the planner's source answers with (apiError("kind", …), { kind: "…" } in an error, fail("kind", …)). */
function kindsIn(file: string): string[] {
  const src = readFileSync(new URL(file, import.meta.url), "utf8");
  const found = [
    ...src.matchAll(/apiError\(\s*"([a-z_]+)"/g),
    ...src.matchAll(/error: \{\s*kind: "([a-z_]+)"/g),
    ...src.matchAll(/fail\(\s*"([a-z_]+)"/g),
  ].map((m) => m[1]!);
  return [...new Set(found)].sort();
}

describe("error kinds and their Nats-Service-Error-Code", () => {
  it("lists every kind the planner answers (docs/protocol.md's table is rendered from API_ERRORS)", () => {
    const kinds = [...kindsIn("./handler.ts"), ...kindsIn("./service.ts")];
    expect(kinds).toEqual(expect.arrayContaining(["bad_request", "not_found", "unsupported_version", "internal"]));
    for (const kind of kinds) expect(Object.keys(API_ERRORS), `kind ${kind}`).toContain(kind);
  });

  it("maps kinds to HTTP-like codes, 500 for a kind it does not know", () => {
    expect(serviceErrorCode("bad_request")).toBe(400);
    expect(serviceErrorCode("unauthenticated")).toBe(401);
    expect(serviceErrorCode("forbidden")).toBe(403);
    expect(serviceErrorCode("not_found")).toBe(404);
    expect(serviceErrorCode("idempotency_conflict")).toBe(409);
    expect(serviceErrorCode("not_provisioned")).toBe(503);
    expect(serviceErrorCode("internal")).toBe(500);
    expect(serviceErrorCode("no_such_kind")).toBe(500);
    expect(serviceErrorCode("toString")).toBe(500);
  });
});
