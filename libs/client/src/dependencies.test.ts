// What an application installs with @cairn/client: its production dependency tree, walked the way
// Node resolves packages (each package's `dependencies`, found in the nearest node_modules up from
// it). The client speaks the OpenTelemetry API only: the SDK, its exporters and gRPC are the
// services' (@cairn/tracing), never an application's.
import { existsSync, readFileSync, realpathSync } from "node:fs";
import { dirname, join } from "node:path";
import { describe, expect, it } from "vitest";

interface Manifest {
  name: string;
  dependencies?: Record<string, string>;
}

function packageDir(name: string, from: string): string {
  for (let dir = from; ; dir = dirname(dir)) {
    const candidate = join(dir, "node_modules", name);
    if (existsSync(join(candidate, "package.json"))) return realpathSync(candidate);
    if (dirname(dir) === dir) throw new Error(`${name} is not installed (looked up from ${from})`);
  }
}

/** Every package in the production dependency tree of the package at `root` (itself excluded). */
function dependencyTree(root: string): Set<string> {
  const seen = new Set<string>();
  const dirs = new Set<string>();
  const visit = (dir: string): void => {
    if (dirs.has(dir)) return;
    dirs.add(dir);
    const m = JSON.parse(readFileSync(join(dir, "package.json"), "utf8")) as Manifest;
    for (const dep of Object.keys(m.dependencies ?? {})) {
      seen.add(dep);
      visit(packageDir(dep, dir));
    }
  };
  visit(root);
  return seen;
}

describe("@cairn/client's dependency tree", () => {
  const tree = dependencyTree(join(import.meta.dirname, ".."));

  it("has the NATS client and the OpenTelemetry API", () => {
    expect(tree).toContain("@nats-io/transport-node");
    expect(tree).toContain("@opentelemetry/api");
  });

  it("has no OpenTelemetry SDK, no exporter, no gRPC, and none of the services' packages", () => {
    const heavy = [...tree].filter(
      (d) =>
        /^@opentelemetry\/(sdk-|exporter-|otlp-|resources$|core$)|^@grpc\/|^protobufjs$/.test(d) ||
        ["@cairn/runtime", "@cairn/runlog", "@cairn/worker", "@cairn/tracing"].includes(d),
    );
    expect(heavy).toEqual([]);
  });

  it("the walk sees the SDK where it is (the tracing package), so the check above can fail", () => {
    const services = dependencyTree(packageDir("@cairn/tracing", import.meta.dirname));
    expect([...services].filter((d) => d.startsWith("@opentelemetry/sdk-") || d.startsWith("@grpc/"))).not.toEqual([]);
  });
});
