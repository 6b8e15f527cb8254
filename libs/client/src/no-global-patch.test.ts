// An application that imports Cairn's client keeps its NATS client as installed: importing
// `@cairn/client` and connecting through it patches nothing in `@nats-io/nats-core`. Only a
// service's process applies Cairn's client fixes (applyNatsClientFixes, at start). Checked in a
// fresh Node process: this test runner's own module state may hold services started by others.
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startNatsServer, type RunningNatsServer } from "@cairn/testing";

const run = promisify(execFile);
let server: RunningNatsServer;
beforeAll(async () => {
  server = await startNatsServer();
});
afterAll(async () => {
  await server?.stop({ clean: true });
});

/** Runs `code` (an ES module) in a fresh Node process from this package's folder; its stdout as JSON. */
async function inFreshProcess(code: string): Promise<unknown> {
  const { stdout } = await run(process.execPath, ["--input-type=module", "-e", code], {
    cwd: import.meta.dirname,
    env: { ...process.env, NATS_URL: server.url },
    timeout: 30_000,
  });
  return JSON.parse(stdout.trim().split("\n").at(-1)!);
}

const PROBE = `
import { ProtocolHandler, RequestOne } from "@nats-io/nats-core/internal";
const probe = () => ({ batched: ProtocolHandler.prototype.__cairnBatched === true, trimmed: RequestOne.prototype.__cairnTrimmed === true });
`;

describe("@cairn/client applies nothing global", () => {
  it("leaves @nats-io/nats-core unpatched when imported and when it connects", async () => {
    const seen = await inFreshProcess(`${PROBE}
      const before = probe();
      const { CairnClient } = await import("@cairn/client");
      const imported = probe();
      const c = await CairnClient.connect({ connect: { servers: process.env.NATS_URL } });
      const connected = probe();
      await c.close();
      console.log(JSON.stringify({ before, imported, connected }));`);
    const unpatched = { batched: false, trimmed: false };
    expect(seen).toEqual({ before: unpatched, imported: unpatched, connected: unpatched });
  });

  it("while a service's explicit call applies both fixes (so the probe above can see them)", async () => {
    const seen = await inFreshProcess(`${PROBE}
      const { applyNatsClientFixes } = await import("@cairn/bus/internal");
      const said = applyNatsClientFixes();
      console.log(JSON.stringify({ said, probed: probe() }));`);
    expect(seen).toEqual({
      said: { requestCancelTrimmed: true, writesBatched: true },
      probed: { batched: true, trimmed: true },
    });
  });
});
