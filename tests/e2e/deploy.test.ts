import { execFile } from "node:child_process";
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { findNatsServer, workspaceRoot } from "@cairn/testing";

const run = promisify(execFile);
const dir = join(workspaceRoot(), "deploy", "nats");
const configs = readdirSync(dir).filter((f) => f.endsWith(".conf"));

describe("deploy/nats configs", () => {
  it("has configs to check", () => {
    expect(configs.length).toBeGreaterThan(0);
  });
  for (const f of configs) {
    it(`${f} passes nats-server -t`, async () => {
      const bin = findNatsServer().path;
      const r = await run(bin, ["-t", "-c", join(dir, f)]);
      expect(`${r.stdout}${r.stderr}`).toMatch(/configuration file .* is valid/);
    });
  }
});
