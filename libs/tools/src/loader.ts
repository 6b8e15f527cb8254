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
 * Imports a module of tools (absolute path, or relative to the current directory) and returns
 * its tools: a default export that is a tool or an array of tools, plus any named exports that
 * look like tools. A tool exported under several names is returned once. Throws an error naming
 * the path if the import fails or the module exports no tools.
 */
export async function loadToolModule(modulePath: string): Promise<ToolDefinition[]> {
  const abs = path.resolve(process.cwd(), modulePath);
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
