#!/usr/bin/env node
// Generates libs/protocol/src/generated/{types.ts,validators.ts} from schemas/*.schema.json.
// schemas/ is the single source of truth: never edit the generated files by hand.
// `--check` regenerates in memory and exits 1 if the committed files differ (run in CI).
import { readFileSync, readdirSync, writeFileSync, mkdirSync } from "node:fs";
import { join, dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { compile } from "json-schema-to-typescript";
import Ajv2020 from "ajv/dist/2020.js";
import standaloneCode from "ajv/dist/standalone/index.js";

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, "..", "..", "..");
const schemaDir = join(root, "schemas");
const outDir = join(here, "..", "src", "generated");
const check = process.argv.includes("--check");
const BANNER = "// DO NOT EDIT: generated from schemas/*.schema.json by libs/protocol/scripts/generate.mjs\n";

const files = readdirSync(schemaDir)
  .filter((f) => f.endsWith(".schema.json"))
  .sort();
const schemas = files.map((f) => JSON.parse(readFileSync(join(schemaDir, f), "utf8")));
const titleById = new Map(schemas.map((s) => [s.$id, s.title]));

function withTsRefs(node) {
  if (Array.isArray(node)) return node.map(withTsRefs);
  if (node && typeof node === "object") {
    if (typeof node.$ref === "string" && titleById.has(node.$ref)) return { tsType: titleById.get(node.$ref) };
    return Object.fromEntries(Object.entries(node).map(([k, v]) => [k, withTsRefs(v)]));
  }
  return node;
}

let types = BANNER + "/* eslint-disable */\n\n";
for (const s of schemas) {
  const { $id, $schema, ...rest } = withTsRefs(s);
  types += await compile(rest, s.title, {
    bannerComment: "",
    additionalProperties: false,
    strictIndexSignatures: true,
    format: true,
  });
  types += "\n";
}
types += "/** `$id` of every schema, by message type name. */\nexport const schemaIds = {\n";
for (const s of schemas) types += `  ${s.title}: ${JSON.stringify(s.$id)},\n`;
types += "} as const;\n\nexport type MessageTypeName = keyof typeof schemaIds;\n";

const ajv = new Ajv2020({ code: { source: true, esm: true }, allErrors: true, strict: true });
for (const s of schemas) ajv.addSchema(s);
const refs = Object.fromEntries(schemas.map((s) => [s.title, s.$id]));
let validators = standaloneCode(ajv, refs);
validators = validators.replace(/require\("ajv\/dist\/runtime\/([a-z0-9]+)"\)/g, (_m, n) => {
  return `__runtime_${n}`;
});
const runtimeImports = [...new Set([...validators.matchAll(/__runtime_([a-z0-9]+)/g)].map((m) => m[1]))]
  .map(
    (n) =>
      `import __runtime_${n}_mod from "ajv/dist/runtime/${n}.js";\n// CommonJS interop differs between Node (module.exports) and bundlers (exports.default).\nconst __runtime_${n} = typeof __runtime_${n}_mod === "function" ? { default: __runtime_${n}_mod } : __runtime_${n}_mod;`,
  )
  .join("\n");
validators = BANNER + "// @ts-nocheck\n/* eslint-disable */\n" + runtimeImports + "\n" + validators + "\n";

// Formatted like every other source file (the workspace's prettier settings), so the formatter check passes on them too.
const prettier = await import("prettier");
const formatted = async (name, text) =>
  prettier.format(text, { ...(await prettier.resolveConfig(join(outDir, name))), filepath: join(outDir, name) });
const outputs = {
  "types.ts": await formatted("types.ts", types),
  "validators.ts": await formatted("validators.ts", validators),
};
if (check) {
  let drift = false;
  for (const [name, text] of Object.entries(outputs)) {
    let current = "";
    try {
      current = readFileSync(join(outDir, name), "utf8");
    } catch {
      /* missing */
    }
    if (current !== text) {
      console.error(`generated file out of date: libs/protocol/src/generated/${name} (run npm run generate)`);
      drift = true;
    }
  }
  if (drift) process.exit(1);
  console.log(`generated protocol files are up to date (${schemas.length} schemas)`);
} else {
  mkdirSync(outDir, { recursive: true });
  for (const [name, text] of Object.entries(outputs)) writeFileSync(join(outDir, name), text);
  console.log(`generated ${Object.keys(outputs).length} files from ${schemas.length} schemas`);
}
