// The layering is enforced, not just written down: @nx/enforce-module-boundaries, configured from
// the layer table in eslint.config.mjs, refuses an upward import and accepts a downward one. Each
// case lints one import as if it were a file of that project (the rule alone: no type
// information is needed for it).
import { ESLint } from "eslint";
import nx from "@nx/eslint-plugin";
import tseslint from "typescript-eslint";
import { describe, expect, it } from "vitest";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import importX from "eslint-plugin-import-x";
// The workspace's lint config itself, a plain ES module (no type declarations), so the test
// checks the table lint uses, not a copy.
// @ts-expect-error: no declaration file for an .mjs config
// eslint-disable-next-line @nx/enforce-module-boundaries
import { boundaries, moduleSettings, NO_CYCLE } from "../../eslint.config.mjs";

const root = join(import.meta.dirname, "..", "..");

async function lintImport(file: string, from: string): Promise<string[]> {
  const eslint = new ESLint({
    cwd: root,
    overrideConfigFile: true,
    overrideConfig: [
      {
        files: ["**/*.ts"],
        languageOptions: { parser: tseslint.parser },
        plugins: { "@nx": nx as unknown as ESLint.Plugin },
        rules: { "@nx/enforce-module-boundaries": (boundaries as (tests: boolean) => unknown)(false) as never },
      },
    ],
  });
  const [r] = await eslint.lintText(`import * as m from "${from}";\nexport const x = m;\n`, {
    filePath: join(root, file),
  });
  return r!.messages.map((m) => `${m.ruleId ?? "parse"}: ${m.message}`);
}

describe("module boundaries (lint)", () => {
  it("refuses an upward import, and one that would close a cycle between projects", async () => {
    const layer = (tag: string) =>
      new RegExp(`^@nx/enforce-module-boundaries: A project tagged with "${tag}" can only depend on libs tagged with`);
    expect(await lintImport("libs/telemetry/src/probe.ts", "@cairn/runtime")).toEqual([
      expect.stringMatching(layer("layer:base")),
    ]);
    expect(await lintImport("libs/providers/src/probe.ts", "@cairn/planner")).toEqual([
      expect.stringMatching(layer("layer:kit")),
    ]);
    // production code may not import the test fixtures
    expect(await lintImport("libs/bus/src/probe.ts", "@cairn/testing")).toEqual([
      expect.stringMatching(layer("layer:transport")),
    ]);
    // upward and circular (the bus imports the protocol; the planner the runtime)
    // the transport never carries the fold, and the client library never the fold cache
    expect(await lintImport("libs/bus/src/probe.ts", "@cairn/runtime")).toEqual([
      expect.stringMatching(layer("layer:transport")),
    ]);
    expect(await lintImport("libs/client/src/probe.ts", "@cairn/runlog")).toEqual([
      expect.stringMatching(layer("layer:client")),
    ]);
    expect(await lintImport("libs/runlog/src/probe.ts", "@cairn/worker")).toEqual([
      expect.stringMatching(layer("layer:runlog")),
    ]);
    expect(await lintImport("libs/protocol/src/probe.ts", "@cairn/bus")).toEqual([
      expect.stringMatching(
        /^@nx\/enforce-module-boundaries: Circular dependency between "protocol" and "bus" detected/,
      ),
    ]);
    expect(await lintImport("libs/runtime/src/probe.ts", "@cairn/planner")).toEqual([
      expect.stringMatching(
        /^@nx\/enforce-module-boundaries: Circular dependency between "runtime" and "planner" detected/,
      ),
    ]);
  });

  it("accepts what each layer needs: downward imports", async () => {
    expect(await lintImport("libs/bus/src/probe.ts", "@cairn/protocol")).toEqual([]);
    expect(await lintImport("libs/runlog/src/probe.ts", "@cairn/runtime")).toEqual([]);
    expect(await lintImport("libs/runlog/src/probe.ts", "@cairn/bus")).toEqual([]);
    expect(await lintImport("libs/worker/src/probe.ts", "@cairn/runlog")).toEqual([]);
    expect(await lintImport("libs/client/src/probe.ts", "@cairn/bus")).toEqual([]);
    expect(await lintImport("services/planner/src/probe.ts", "@cairn/bus")).toEqual([]);
    expect(await lintImport("services/tool-runner/src/probe.ts", "@cairn/client")).toEqual([]);
    expect(await lintImport("services/cli/src/probe.ts", "@cairn/planner")).toEqual([]);
  });
});

describe("no cycle between modules (lint)", () => {
  // The rule and resolver of eslint.config.mjs itself, on two real files that import each other.
  async function lintPair(bImportsA: boolean): Promise<string[]> {
    const dir = mkdtempSync(join(tmpdir(), "cairn-cycle-"));
    try {
      writeFileSync(join(dir, "a.ts"), 'import { b } from "./b.js";\nexport const a = (): number => b + 1;\n');
      writeFileSync(
        join(dir, "b.ts"),
        bImportsA ? 'import { a } from "./a.js";\nexport const b = 1;\nexport const c = a;\n' : "export const b = 1;\n",
      );
      const eslint = new ESLint({
        cwd: dir,
        overrideConfigFile: true,
        overrideConfig: [
          {
            files: ["**/*.ts"],
            languageOptions: { parser: tseslint.parser },
            plugins: { "import-x": importX as unknown as ESLint.Plugin },
            settings: (moduleSettings as () => Record<string, unknown>)(),
            rules: { "import-x/no-cycle": NO_CYCLE as never },
          },
        ],
      });
      const results = await eslint.lintFiles([join(dir, "a.ts")]);
      return results.flatMap((r) => r.messages.map((m) => `${m.ruleId ?? "parse"}: ${m.message}`));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }

  it("refuses two modules that import each other, and accepts the same two without the back edge", async () => {
    expect(await lintPair(true)).toEqual([expect.stringMatching(/^import-x\/no-cycle: Dependency cycle detected/)]);
    expect(await lintPair(false)).toEqual([]);
  });
});
