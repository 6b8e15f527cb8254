import type { Command } from "commander";
import { CairnClient } from "@cairn/client";
import { resolveConnection } from "./server.js";

const env = process.env;

/** Connection flags every command that talks to NATS takes. */
export interface ConnFlags {
  server?: string;
  creds?: string;
  user?: string;
  password?: string;
  token?: string;
  prefix?: string;
}

export function addConn(cmd: Command): Command {
  return cmd
    .option("-s, --server <url>", "NATS URL (default: $NATS_URL, else the server `cairn dev` started)")
    .option("--creds <file>", "NATS credentials file (default: $NATS_CREDS)")
    .option("--user <user>", "NATS user (default: $NATS_USER)")
    .option("--password <password>", "NATS password (default: $NATS_PASSWORD)")
    .option("--token <token>", "NATS token (default: $NATS_TOKEN)")
    .option("--prefix <prefix>", "deployment prefix (default: $CAIRN_PREFIX or cairn)");
}

/** CAIRN_ALLOW_UNPATCHED_NATS=1: connect to a nats-server without the 2026 security fixes (development only). */
export function allowUnpatched(e: Record<string, string | undefined>): boolean {
  return e["CAIRN_ALLOW_UNPATCHED_NATS"] === "1" || e["CAIRN_ALLOW_UNPATCHED_NATS"] === "true";
}

/** A client for the server the flags, NATS_* variables or `cairn dev` name. */
export async function client(f: ConnFlags): Promise<CairnClient> {
  const { servers, devToken } = resolveConnection(f.server, env);
  const creds = f.creds ?? env["NATS_CREDS"];
  const user = f.user ?? env["NATS_USER"];
  const pass = f.password ?? env["NATS_PASSWORD"];
  // The server `cairn dev` started here requires its token, unless other credentials are given.
  const token = f.token ?? env["NATS_TOKEN"] ?? (creds || user ? undefined : devToken);
  return CairnClient.connect({
    prefix: f.prefix ?? env["CAIRN_PREFIX"] ?? "cairn",
    connect: {
      servers,
      ...(creds ? { credsFile: creds } : {}),
      ...(user ? { user, pass: pass ?? "" } : {}),
      ...(token ? { token } : {}),
      ...(allowUnpatched(env) ? { allowUnpatchedServer: true } : {}),
    },
  });
}
