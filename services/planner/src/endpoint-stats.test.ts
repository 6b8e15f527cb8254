import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { connect, type NatsConnection } from "@nats-io/transport-node";
import { Svcm, type ServiceMsg, type ServiceStats } from "@nats-io/services";
import { startNatsServer, uniquePrefix, type RunningNatsServer } from "@cairn/testing";
import { trackEndpointStats } from "./endpoint-stats.js";

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

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe("trackEndpointStats", () => {
  it("$SRV.STATS counts each request to its answer (async part included) and each respondError as an error", async () => {
    const name = `stats-${uniquePrefix().replace(/\./g, "-")}`;
    const svc = await new Svcm(nc as unknown as ConstructorParameters<typeof Svcm>[0]).add({ name, version: "1.2.3" });
    const stats = trackEndpointStats(svc);
    svc.addEndpoint("slow", {
      subject: `${name}.slow`,
      handler: (_err: Error | null, msg: ServiceMsg) => {
        const t = stats.begin("slow");
        // Answered after 80 ms: the library would time only the synchronous part (well under 1 ms).
        void sleep(80).then(() => {
          if (msg.string() === "fail") {
            msg.respondError(409, "it failed", JSON.stringify({ v: 1, error: { kind: "conflict", message: "x" } }));
            t.done("it failed");
          } else {
            msg.respond("ok");
            t.done();
          }
        });
      },
    });
    try {
      expect((await nc.request(`${name}.slow`, "go", { timeout: 2_000 })).string()).toBe("ok");
      const failed = await nc.request(`${name}.slow`, "fail", { timeout: 2_000 });
      expect(failed.headers?.get("Nats-Service-Error-Code")).toBe("409");
      expect(failed.headers?.get("Nats-Service-Error")).toBe("it failed");

      const s = (await nc.request(`$SRV.STATS.${name}`, "", { timeout: 2_000 })).json<ServiceStats>();
      const e = s.endpoints?.find((x) => x.name === "slow");
      expect(e).toMatchObject({ num_requests: 2, num_errors: 1, last_error: "it failed" });
      // Two requests of 80 ms each, in nanoseconds.
      expect(e!.processing_time).toBeGreaterThanOrEqual(2 * 75e6);
      expect(e!.average_processing_time).toBeGreaterThanOrEqual(75e6);
      expect(e!.average_processing_time).toBe(Math.trunc(e!.processing_time / 2));

      svc.reset();
      const r = (await nc.request(`$SRV.STATS.${name}`, "", { timeout: 2_000 })).json<ServiceStats>();
      expect(r.endpoints?.find((x) => x.name === "slow")).toMatchObject({
        num_requests: 0,
        num_errors: 0,
        processing_time: 0,
        average_processing_time: 0,
        last_error: "",
      });
    } finally {
      await svc.stop();
    }
  });
});
