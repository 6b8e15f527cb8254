import { describe, it, expect, beforeAll, afterAll } from "vitest";
import { promises as fs } from "node:fs";
import os from "node:os";
import path from "node:path";
import { loadToolModule, resolveToolModule } from "./loader.js";
import { ToolRegistry } from "./registry.js";

let dir: string;

beforeAll(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), "cairn-tools-loader-"));
});
afterAll(async () => {
  await fs.rm(dir, { recursive: true, force: true });
});

async function writeModule(name: string, source: string): Promise<string> {
  const file = path.join(dir, name);
  await fs.writeFile(file, source);
  return file;
}

describe("loadToolModule", () => {
  it("loads a module that default-exports an array of two tools", async () => {
    const file = await writeModule(
      "two.mjs",
      `
      const schema = { type: "object", properties: { x: { type: "number" } }, required: ["x"], additionalProperties: false };
      export const double = { name: "double", description: "Doubles x.", input: schema, run: ({ x }) => x * 2 };
      const triple = { name: "triple", description: "Triples x.", input: schema, run: ({ x }) => x * 3 };
      export const notATool = { name: "n" };
      export default [double, triple];
      `,
    );
    const tools = await loadToolModule(file);
    expect(tools.map((t) => t.name)).toEqual(["double", "triple"]);
    const registry = new ToolRegistry(tools);
    const parsed = registry.parseArguments("triple", '{"x": 4}');
    expect(parsed.ok).toBe(true);
    if (parsed.ok) expect(await registry.get("triple")?.run(parsed.args, undefined as never)).toBe(12);
  });

  it("loads a cwd-relative path, a default tool and named tools", async () => {
    const file = await writeModule(
      "named.mjs",
      `
      export default { name: "one", description: "One.", input: { type: "object" }, run: () => 1 };
      export const two = { name: "two", description: "Two.", input: { type: "object" }, run: () => 2 };
      `,
    );
    const tools = await loadToolModule(path.relative(process.cwd(), file));
    expect(tools.map((t) => t.name)).toEqual(["one", "two"]);
  });

  it("throws naming the path when there are no tools or the import fails", async () => {
    const empty = await writeModule("empty.mjs", `export const x = 1; export default { name: "x" };`);
    await expect(loadToolModule(empty)).rejects.toThrow(`tool module ${empty} exports no tools`);
    const missing = path.join(dir, "missing.mjs");
    await expect(loadToolModule(missing)).rejects.toThrow(`cannot load tool module ${missing}`);
    const broken = await writeModule("broken.mjs", `export default {;`);
    await expect(loadToolModule(broken)).rejects.toThrow(`cannot load tool module ${broken}`);
    const badArray = await writeModule("bad-array.mjs", `export default [{ name: "x" }];`);
    await expect(loadToolModule(badArray)).rejects.toThrow(/default export element #0 is not a tool/);
  });

  it("resolves an installed package's name from the given directory, its exports map included", async () => {
    const app = path.join(dir, "app");
    const pkg = path.join(app, "node_modules", "@acme", "tools");
    await fs.mkdir(path.join(pkg, "dist"), { recursive: true });
    await fs.writeFile(
      path.join(pkg, "package.json"),
      JSON.stringify({
        name: "@acme/tools",
        type: "module",
        exports: { ".": "./dist/index.js", "./billing": "./dist/billing.js" },
      }),
    );
    await fs.writeFile(path.join(pkg, "dist", "index.js"), "export default [];");
    await fs.writeFile(path.join(pkg, "dist", "billing.js"), "export default [];");
    expect(resolveToolModule("@acme/tools", app)).toBe(path.join(pkg, "dist", "index.js"));
    expect(resolveToolModule("@acme/tools/billing", app)).toBe(path.join(pkg, "dist", "billing.js"));
    // paths stay paths, relative to the directory
    expect(resolveToolModule("./tools.js", app)).toBe(path.join(app, "tools.js"));
    expect(resolveToolModule("dist/tools.mjs", app)).toBe(path.join(app, "dist", "tools.mjs"));
    expect(() => resolveToolModule("not-installed-tools", app)).toThrow(
      /cannot find tool package "not-installed-tools" from .*app \(install it there, or give a path/,
    );
  });
});
