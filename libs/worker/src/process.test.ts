// A service's main: the service starts with its config and a logger named after it, and each of
// SIGINT and SIGTERM stops it before the process exits 0 (never the other way round).
import { describe, expect, it } from "vitest";
import { runServiceProcess, type ServiceProcessHost } from "./process.js";

function host() {
  const handlers = new Map<string, () => void>();
  const events: string[] = [];
  const h = {
    env: {},
    once: (sig: string, fn: () => void) => {
      handlers.set(sig, fn);
      return h;
    },
    exit: (code?: number) => {
      events.push(`exit ${code}`);
    },
  } as unknown as ServiceProcessHost;
  return { h, handlers, events };
}

describe("runServiceProcess", () => {
  for (const sig of ["SIGINT", "SIGTERM"]) {
    it(`starts the service with its config and logger; ${sig} stops it, then exits 0`, async () => {
      const { h, handlers, events } = host();
      const config = { instance: "p-1", logLevel: "silent", extra: 7 };
      let seen: unknown;
      await runServiceProcess({
        name: "planner",
        config,
        host: h,
        start: (c, deps) => {
          seen = { c, hasLog: typeof deps.log.info === "function", bindings: deps.log.bindings() };
          return Promise.resolve({ stop: () => (events.push("stopped"), Promise.resolve()) });
        },
      });
      expect(seen).toMatchObject({ c: config, hasLog: true, bindings: { service: "planner" } });
      expect([...handlers.keys()].sort()).toEqual(["SIGINT", "SIGTERM"]);
      expect(events).toEqual([]);
      handlers.get(sig)!();
      await new Promise((r) => setTimeout(r, 20));
      expect(events).toEqual(["stopped", "exit 0"]);
    });
  }
});
