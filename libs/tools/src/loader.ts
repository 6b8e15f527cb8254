import { createRequire } from "node:module";
import path from "node:path";
import { pathToFileURL } from "node:url";
import type { ToolDefinition } from "./define.js";

/** Whether a value has the shape of a tool definition (name, description, input schema, run). */
function isToolLike(v: unknown): v is ToolDefinition {
  if (v === null || typeof v !== "object") return false;
  const t = v as Record<string, unknown>;
  return (
    typeof t["name"] === "string" &&
    typeof t["description"] === "string" &&
    t["input"] !== null &&
    typeof t["input"] === "object" &&
    !Array.isArray(t["input"]) &&
    typeof t["run"] === "function"
  );
}

/**
 * Where a tool module is: a path (absolute, or relative to the current directory: `./tools.js`,
 * `dist/tools.js`), or the name of an installed package (`my-tools`, `@acme/tools/billing`),
 * resolved from the current directory as Node resolves an import there.
 */
export function resolveToolModule(spec: string, cwd = process.cwd()): string {
  const bare = !path.isAbsolute(spec) && !spec.startsWith(".") && !/\.[cm]?js$/.test(spec);
  if (!bare) return path.resolve(cwd, spec);
  try {
    return createRequire(path.join(cwd, "noop.js")).resolve(spec);
  } catch (err) {
    throw new Error(
      `cannot find tool package ${JSON.stringify(spec)} from ${cwd} (install it there, or give a path such as ./${spec}.js): ${(err as Error).message.split("\n")[0]}`,
      { cause: err },
    );
  }
}

/**
 * Imports a module of tools (a path or an installed package's name, see resolveToolModule) and
 * returns its tools: a default export that is a tool or an array of tools, plus any named exports that
 * look like tools. A tool exported under several names is returned once. Throws an error naming
 * the path if the import fails or the module exports no tools.
 */
export async function loadToolModule(modulePath: string): Promise<ToolDefinition[]> {
  const abs = resolveToolModule(modulePath);
  let mod: Record<string, unknown>;
  try {
    mod = (await import(pathToFileURL(abs).href)) as Record<string, unknown>;
  } catch (err) {
    throw new Error(`cannot load tool module ${abs}: ${err instanceof Error ? err.message : String(err)}`, {
      cause: err,
    });
  }

  const found: ToolDefinition[] = [];
  const seen = new Set<unknown>();
  const add = (t: ToolDefinition): void => {
    if (seen.has(t)) return;
    seen.add(t);
    found.push(t);
  };

  const def = mod["default"];
  if (Array.isArray(def)) {
    def.forEach((t: unknown, i) => {
      if (!isToolLike(t)) {
        throw new Error(
          `tool module ${abs}: default export element #${i} is not a tool (expected { name, description, input, run })`,
        );
      }
      add(t);
    });
  } else if (isToolLike(def)) {
    add(def);
  }
  for (const [key, value] of Object.entries(mod)) {
    if (key !== "default" && isToolLike(value)) add(value);
  }

  if (found.length === 0) {
    throw new Error(
      `tool module ${abs} exports no tools: export default a tool or an array of tools, or export tools by name ` +
        `(objects with a string name, string description, object input and function run)`,
    );
  }
  return found;
}
