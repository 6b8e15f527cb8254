import { existsSync, readFileSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";

/**
 * A context of the `nats` CLI: a named connection profile in
 * `$XDG_CONFIG_HOME/nats/context/<name>.json` (`~/.config/nats/context/` without XDG_CONFIG_HOME),
 * the selected one named in `.../nats/context.txt`. The fields Cairn uses, by the names the `nats`
 * CLI writes (nats-io/jsm.go natscontext): url, user, password, token, creds, nkey (a seed file),
 * cert, key, ca. Other fields (description, jetstream_domain, inbox_prefix, ...) are ignored.
 */
export interface NatsContext {
  name: string;
  file: string;
  url?: string;
  user?: string;
  password?: string;
  token?: string;
  creds?: string;
  nkey?: string;
  cert?: string;
  key?: string;
  ca?: string;
}

const FIELDS = ["url", "user", "password", "token", "creds", "nkey", "cert", "key", "ca"] as const;

/** `$XDG_CONFIG_HOME/nats`, else `~/.config/nats` (as the `nats` CLI). */
export function natsConfigDir(env: Record<string, string | undefined>): string {
  const xdg = env["XDG_CONFIG_HOME"];
  return join(xdg ? xdg : join(env["HOME"] || homedir(), ".config"), "nats");
}

/** The context selected with `nats context select` (context.txt), if any. */
export function selectedContextName(env: Record<string, string | undefined>): string | undefined {
  try {
    const n = readFileSync(join(natsConfigDir(env), "context.txt"), "utf8").trim();
    return n || undefined;
  } catch {
    return undefined;
  }
}

/** A file path in a context: `~/` expanded (the `nats` CLI writes them so). */
function expandHome(p: string, env: Record<string, string | undefined>): string {
  return p.startsWith("~/") ? join(env["HOME"] || homedir(), p.slice(2)) : p;
}

/** Reads the named context; throws a clear error for a bad name, a missing file or bad JSON. */
export function loadNatsContext(name: string, env: Record<string, string | undefined>): NatsContext {
  if (!name || name.includes("..") || name.includes("/") || name.includes("\\"))
    throw new Error(`invalid NATS context name ${JSON.stringify(name)}`);
  const dir = join(natsConfigDir(env), "context");
  const file = join(dir, `${name}.json`);
  if (!existsSync(file)) throw new Error(`unknown NATS context ${JSON.stringify(name)}: no file ${file}`);
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, "utf8"));
  } catch (err) {
    throw new Error(`NATS context ${JSON.stringify(name)} (${file}) is not valid JSON: ${(err as Error).message}`);
  }
  if (!raw || typeof raw !== "object" || Array.isArray(raw))
    throw new Error(`NATS context ${JSON.stringify(name)} (${file}) is not a JSON object`);
  const ctx: NatsContext = { name, file };
  for (const f of FIELDS) {
    const v = (raw as Record<string, unknown>)[f];
    if (v === undefined || v === null || v === "") continue;
    if (typeof v !== "string")
      throw new Error(`NATS context ${JSON.stringify(name)} (${file}): "${f}" must be a string`);
    ctx[f] = f === "creds" || f === "nkey" || f === "cert" || f === "key" || f === "ca" ? expandHome(v, env) : v;
  }
  return ctx;
}

/**
 * The context to use: `--context`, else NATS_CONTEXT, else the selected one (context.txt); none
 * when nothing names one. A context named but missing is an error.
 */
export function resolveNatsContext(
  flag: string | undefined,
  env: Record<string, string | undefined>,
): NatsContext | undefined {
  const name = flag ?? (env["NATS_CONTEXT"] || undefined) ?? selectedContextName(env);
  return name === undefined ? undefined : loadNatsContext(name, env);
}
