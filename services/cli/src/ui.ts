// `cairn ui`: the run inspector in the browser, on the caller's own NATS connection flags and so
// the caller's credential and roles (see @cairn/ui and docs/security.md).
import { randomBytes } from "node:crypto";
import { InvalidArgumentError, type Command } from "commander";
import type { CairnClient } from "@cairn/client";
import { startUi, type RunningUi } from "@cairn/ui";
import { addConn, client, type ConnFlags } from "./conn.js";

const env = process.env;

export function parsePort(v: string): number {
  const n = Number(v);
  if (!/^\d+$/.test(v) || !Number.isInteger(n) || n < 0 || n > 65_535)
    throw new InvalidArgumentError(`not a TCP port (0 to 65535; 0 picks a free one): ${v}`);
  return n;
}

/** Resolves on SIGINT/SIGTERM. */
function untilStopped(): Promise<void> {
  return new Promise((resolve) => {
    for (const s of ["SIGINT", "SIGTERM"] as const) process.once(s, () => resolve());
  });
}

/**
 * Starts the UI over `c`, always with a token (CAIRN_UI_TOKEN, else a random one, in the URL it
 * prints): on loopback too, where any local user could otherwise act with this credential.
 */
export async function serveUi(
  c: CairnClient,
  o: { port: number; listen?: string; jaegerUrl?: string },
): Promise<RunningUi> {
  const host = o.listen ?? "127.0.0.1";
  const given = env["CAIRN_UI_TOKEN"];
  const token = given || randomBytes(24).toString("base64url");
  const jaegerUrl = o.jaegerUrl ?? env["CAIRN_JAEGER_URL"];
  return startUi({
    client: c,
    host,
    port: o.port,
    token,
    ...(jaegerUrl ? { jaegerUrl } : {}),
    onError: (err) => process.stderr.write(`cairn ui: ${(err as Error).stack ?? String(err)}\n`),
  });
}

export function registerUiCommand(program: Command): void {
  addConn(program.command("ui"))
    .description(
      "the run inspector in the browser: runs, timelines, live tokens, approvals (127.0.0.1 by default; your own NATS credential)",
    )
    .option("--port <port>", "TCP port (0 picks a free one)", parsePort, 7373)
    .option(
      "--listen <host>",
      "address to listen on beyond 127.0.0.1 (e.g. 0.0.0.0); either way the UI requires a token: $CAIRN_UI_TOKEN, or a random one printed in the URL",
    )
    .option("--jaeger-url <url>", "Jaeger UI base URL for the runs' trace links (default: $CAIRN_JAEGER_URL)")
    .action(async (o: ConnFlags & { port: number; listen?: string; jaegerUrl?: string }) => {
      const c = await client(o);
      try {
        const ui = await serveUi(c, o);
        process.stdout.write(`cairn ui: open ${ui.openUrl}\n`);
        await untilStopped();
        await ui.stop();
      } finally {
        await c.close();
      }
    });
}
