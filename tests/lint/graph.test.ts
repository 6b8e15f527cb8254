// The project graph as Nx computes it (`npx nx graph --file=graph.json`) follows the layer table
// of eslint.config.mjs: every edge goes to the project's own layer or one it may import. Edges to
// @cairn/testing and @cairn/tracing are allowed from any project's test files only (lint checks
// production files without them); the graph does not say which file an edge comes from.
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
// @ts-expect-error: no declaration file for an .mjs config
// eslint-disable-next-line @nx/enforce-module-boundaries
import { LAYERS } from "../../eslint.config.mjs";

const root = join(import.meta.dirname, "..", "..");

interface Graph {
  graph: {
    nodes: Record<string, { data: { tags?: string[] } }>;
    dependencies: Record<string, { source: string; target: string }[]>;
  };
}

describe("the project graph (nx graph)", () => {
  it("has no edge up a layer, and every project has a layer", () => {
    const dir = mkdtempSync(join(tmpdir(), "cairn-graph-"));
    let g: Graph;
    try {
      const file = join(dir, "graph.json");
      execFileSync("npx", ["nx", "graph", `--file=${file}`], { cwd: root, stdio: "ignore", timeout: 120_000 });
      g = JSON.parse(readFileSync(file, "utf8")) as Graph;
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    const layers = LAYERS as Record<string, string[]>;
    const layerOf = (p: string): string | undefined => g.graph.nodes[p]?.data.tags?.find((t) => t.startsWith("layer:"));
    const projects = Object.keys(g.graph.nodes);
    expect(projects).toEqual(
      expect.arrayContaining(["protocol", "runtime", "bus", "runlog", "worker", "client", "tracing", "planner", "cli"]),
    );
    expect(projects.filter((p) => !layerOf(p) || !(layerOf(p)! in layers))).toEqual([]);
    const upward: string[] = [];
    for (const [source, deps] of Object.entries(g.graph.dependencies)) {
      const from = layerOf(source)!;
      const allowed = layers[from]!;
      for (const { target } of deps) {
        if (!g.graph.nodes[target]) continue; // npm packages
        const to = layerOf(target)!;
        if (allowed.includes("*") || to === from || allowed.includes(to) || to === "layer:test" || to === "layer:sdk")
          continue;
        upward.push(`${source} (${from}) -> ${target} (${to})`);
      }
    }
    expect(upward).toEqual([]);
    // the table itself: the transport never carries the fold, and the client never the fold cache
    expect(layers["layer:transport"]).not.toContain("layer:core");
    expect(layers["layer:client"]).not.toContain("layer:runlog");
  });
});
