import { readFileSync } from "node:fs";
import { z } from "zod";
import { parseJsonFile } from "./json-file.js";

/**
 * Who may do what to a run. Identity comes from NATS, never from a request body:
 *
 * - A request on `<p>.api.*` comes from a user of the deployment's own account (its permissions
 *   let only the operators' users publish there): an **operator**, every role on every tenant's
 *   runs (`cairn dev` is one).
 * - A request on `<p>.tapi.*` comes from a **tenant** account that imports the API with
 *   `share: true`: the server adds `Nats-Request-Info` with the caller's account and user (it
 *   replaces any such header the caller set: nats-server 2.11.16+/2.12.7+/2.14+). The account is
 *   the tenant; the user's roles come from the access file (`CAIRN_ACCESS_FILE`), or, without
 *   one, every role but none outside its own tenant.
 */
export type Role = "submit" | "read" | "approve" | "cancel";
export const ROLES: readonly Role[] = ["submit", "read", "approve", "cancel"];

export interface Caller {
  /** The deployment's own account: every tenant's runs. */
  operator: boolean;
  /** The caller's tenant (its NATS account); undefined for an operator. */
  tenant?: string;
  /** `<account>/<user>`, or `operator`: what `by` records. */
  identity: string;
  roles: ReadonlySet<Role>;
}

const accessSchema = z
  .object({
    tenants: z.record(
      z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, "a tenant is a NATS account name (letters, digits, '_', '-')"),
      z
        .object({ users: z.record(z.string().min(1), z.array(z.enum(["submit", "read", "approve", "cancel"]))) })
        .strict(),
    ),
  })
  .strict();

/** Roles by tenant and user; undefined: no access file (every tenant user has every role in its tenant). */
export type Access = Map<string, Map<string, ReadonlySet<Role>>> | undefined;

export function parseAccess(json: string, source = "access file"): Access {
  const data = parseJsonFile(accessSchema, json, source);
  return new Map(
    Object.entries(data.tenants).map(([t, v]) => [
      t,
      new Map(Object.entries(v.users).map(([u, roles]) => [u, new Set(roles)])),
    ]),
  );
}

export function loadAccess(file: string | undefined): Access {
  return file ? parseAccess(readFileSync(file, "utf8"), file) : undefined;
}

export const OPERATOR: Caller = { operator: true, identity: "operator", roles: new Set(ROLES) };

/**
 * The caller of a tenant request, from the server's `Nats-Request-Info` header values (exactly
 * one is expected); a string saying why when there is no usable identity.
 */
export function tenantCaller(access: Access, requestInfo: string[] | undefined): Caller | string {
  if (!requestInfo || requestInfo.length !== 1)
    return "the request carries no identity from the server (Nats-Request-Info): tenants reach the API through their account's import with share: true";
  let info: { acc?: unknown; user?: unknown; name?: unknown };
  try {
    info = JSON.parse(requestInfo[0]!) as typeof info;
  } catch {
    return "the request's Nats-Request-Info is not JSON";
  }
  const tenant = typeof info.acc === "string" && /^[A-Za-z0-9_-]{1,64}$/.test(info.acc) ? info.acc : undefined;
  if (!tenant) return "the request's Nats-Request-Info names no account";
  const user =
    typeof info.user === "string" && info.user
      ? info.user
      : typeof info.name === "string" && info.name
        ? info.name
        : "?";
  const identity = `${tenant}/${user}`;
  if (!access) return { operator: false, tenant, identity, roles: new Set(ROLES) };
  const roles = access.get(tenant)?.get(user);
  return { operator: false, tenant, identity, roles: roles ?? new Set() };
}

/** Whether `caller` may act on a run of `runTenant` (undefined: the deployment's own). */
export function sameTenant(caller: Caller, runTenant: string | undefined): boolean {
  return caller.operator || caller.tenant === runTenant;
}
