import { readFileSync } from "node:fs";
import { join } from "node:path";
import { workspaceRoot } from "./util.js";

/** The users of the shipped deploy/nats/accounts.conf, with the variable each one's password comes from. */
export const SHIPPED_USERS = {
  admin: "CAIRN_ADMIN_PASSWORD",
  planner: "CAIRN_PLANNER_PASSWORD",
  "llm-caller": "CAIRN_LLM_CALLER_PASSWORD",
  "tool-runner": "CAIRN_TOOL_RUNNER_PASSWORD",
  "tool-runner-app": "CAIRN_TOOLS_APP_PASSWORD",
  client: "CAIRN_CLIENT_PASSWORD",
} as const;

export type ShippedUser = keyof typeof SHIPPED_USERS;

/** A test password per user (and the system account's). */
export function testPassword(user: ShippedUser | "sys"): string {
  return `pw-${user}`;
}

/** The example tenants' users of deploy/nats/tenants.conf: user → [account, password variable]. */
export const TENANT_USERS = {
  "acme-dev": ["ACME", "ACME_DEV_PASSWORD"],
  "acme-approver": ["ACME", "ACME_APPROVER_PASSWORD"],
  "acme-auditor": ["ACME", "ACME_AUDITOR_PASSWORD"],
  "globex-dev": ["GLOBEX", "GLOBEX_DEV_PASSWORD"],
} as const;
export type TenantUser = keyof typeof TENANT_USERS;

/** The password variables accounts.conf (and tenants.conf) read from the server's environment, with the test passwords. */
export function shippedPasswordEnv(): Record<string, string> {
  const env: Record<string, string> = { NATS_SYS_PASSWORD: testPassword("sys") };
  for (const [user, v] of Object.entries(SHIPPED_USERS)) env[v] = testPassword(user as ShippedUser);
  for (const [user, [, v]] of Object.entries(TENANT_USERS)) env[v] = tenantPassword(user as TenantUser);
  return env;
}

export function tenantPassword(user: TenantUser): string {
  return `pw-${user}`;
}

/** deploy/nats/accounts.conf as shipped. */
export function shippedAccountsConf(): string {
  return readFileSync(join(workspaceRoot(), "deploy", "nats", "accounts.conf"), "utf8");
}

/**
 * The shipped accounts.conf for a nats-server a test starts (`startNatsServer({ extraConfig })`):
 * the file itself, rewritten for another prefix as its header says (`cairn.` → `<prefix>.`,
 * `CAIRN_` names → `<PREFIX>_`), preceded by the password variables it references.
 */
export function shippedAccounts(prefix = "cairn"): string {
  const part = prefix.replace(/\./g, "_").toUpperCase();
  // the tenants file, inlined where accounts.conf includes it (the test server's config is elsewhere)
  const tenants = readFileSync(join(workspaceRoot(), "deploy", "nats", "tenants.conf"), "utf8");
  const text = shippedAccountsConf()
    .replace(/^\s*include \.\/tenants\.conf\s*$/m, tenants)
    .replace(/"cairn\./g, `"${prefix}.`)
    .replace(/CAIRN_(RUNS|PAYLOADS|ARCHIVE|runs|tools|archived|admission)\b/g, `${part}_$1`);
  const vars = Object.entries(shippedPasswordEnv()).map(([k, v]) => `${k}: "${v}"`);
  return `${vars.join("\n")}\n${text}`;
}

/** NATS_USER / NATS_PASSWORD for a service or client connecting as `user`. */
export function credentialsEnv(user: ShippedUser): { NATS_USER: string; NATS_PASSWORD: string } {
  return { NATS_USER: user, NATS_PASSWORD: testPassword(user) };
}

/** The admin's credentials, for `cairn provision` (see spawnService's `admin`). */
export function adminAuth(): { user: string; pass: string } {
  return { user: "admin", pass: testPassword("admin") };
}
