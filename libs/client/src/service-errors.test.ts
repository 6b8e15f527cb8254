// The client reads an error reply the NATS micro way (Nats-Service-Error-Code and
// Nats-Service-Error headers) as well as from the ApiError body, against a real nats-server with a
// stand-in responder on the API subject.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { connect, headers, type NatsConnection } from "@nats-io/transport-node";
import { startNatsServer, uniquePrefix, type RunningNatsServer } from "@cairn/testing";
import { CairnClient } from "./client.js";

let server: RunningNatsServer;
let nc: NatsConnection;
beforeAll(async () => {
  server = await startNatsServer();
  nc = await connect({ servers: server.url });
});
afterAll(async () => {
  await nc?.close();
  await server?.stop({ clean: true });
});

/** Answers every request on `<prefix>.api.status` with these headers and body. */
function responder(prefix: string, h: Record<string, string>, body: string): void {
  nc.subscribe(`${prefix}.api.status`, {
    callback: (_err, msg) => {
      const hd = headers();
      for (const [k, v] of Object.entries(h)) hd.set(k, v);
      msg.respond(body, { headers: hd });
    },
  });
}

describe("CairnClient reads error replies", () => {
  it("takes the kind, message and retryable from the ApiError body of a micro error reply", async () => {
    const prefix = uniquePrefix();
    responder(
      prefix,
      { "Nats-Service-Error-Code": "404", "Nats-Service-Error": "no run r1" },
      JSON.stringify({ v: 1, error: { kind: "not_found", message: "no run r1 (never submitted)", retryable: false } }),
    );
    const c = await CairnClient.connect({ nc, prefix, timeoutMs: 2_000 });
    await expect(c.status("r1")).rejects.toMatchObject({
      name: "CairnApiError",
      kind: "not_found",
      message: "no run r1 (never submitted)",
      retryable: false,
    });
  });

  it("reads an error reply with only the micro headers (no JSON body) as an error, its kind from the code", async () => {
    const prefix = uniquePrefix();
    responder(prefix, { "Nats-Service-Error-Code": "403", "Nats-Service-Error": "no read role" }, "");
    const c = await CairnClient.connect({ nc, prefix, timeoutMs: 2_000 });
    await expect(c.status("r1")).rejects.toMatchObject({
      name: "CairnApiError",
      kind: "forbidden",
      message: "no read role",
      retryable: false,
    });
  });
});
