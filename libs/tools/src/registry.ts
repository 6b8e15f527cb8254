import { Ajv2020 } from "ajv/dist/2020.js";
import type { ErrorObject, ValidateFunction } from "ajv/dist/2020.js";
import addFormatsModule from "ajv-formats";
import type { ToolSpec } from "@cairn/runtime";
import { TOOL_EFFECTS, type ToolDefinition } from "./define.js";

/** Tool names become NATS subject tokens and provider function names. */
const TOOL_NAME = /^[A-Za-z0-9_-]{1,64}$/;
/** How many schema errors `parseArguments` reports. */
const MAX_REPORTED_ERRORS = 5;

// ajv-formats is CommonJS: under NodeNext its default import is `module.exports`, typed as the
// module object whose `default` is the plugin. At run time both shapes are the plugin.
type FormatsPlugin = (ajv: Ajv2020) => unknown;
const addFormats: FormatsPlugin =
  (addFormatsModule as unknown as { default?: FormatsPlugin }).default ??
  (addFormatsModule as unknown as FormatsPlugin);

export type ParseArgumentsResult =
  | { ok: true; args: Record<string, unknown> }
  | { ok: false; error: { kind: "unknown_tool" | "invalid_arguments"; message: string } };

interface Entry {
  tool: ToolDefinition<any>;
  validate: ValidateFunction;
}

/**
 * The tools a tool-runner (or planner) offers: validates the definitions once, exposes their
 * specs for the model, and parses and validates the model's argument JSON against each tool's
 * JSON Schema (draft 2020-12; defaults from the schema are filled in).
 */
export class ToolRegistry {
  readonly #entries = new Map<string, Entry>();

  /** Throws if a name is invalid or repeated, or if a tool's input schema does not compile. */
  constructor(tools: ToolDefinition<any>[]) {
    const ajv = new Ajv2020({ allErrors: true, strict: false, useDefaults: true });
    addFormats(ajv);
    for (const [i, tool] of tools.entries()) {
      if (!tool || typeof tool !== "object") throw new Error(`tool #${i} is not an object`);
      const { name } = tool;
      if (typeof name !== "string" || !TOOL_NAME.test(name)) {
        throw new Error(`tool #${i} has an invalid name ${JSON.stringify(name)}: use 1-64 letters, digits, '_' or '-'`);
      }
      if (this.#entries.has(name)) throw new Error(`duplicate tool name "${name}"`);
      if (typeof tool.description !== "string") throw new Error(`tool "${name}" has no description`);
      if (typeof tool.run !== "function") throw new Error(`tool "${name}" has no run function`);
      if (!tool.input || typeof tool.input !== "object" || Array.isArray(tool.input)) {
        throw new Error(`tool "${name}" has no input schema (expected a JSON Schema object)`);
      }
      const effect = tool.effect ?? "idempotent";
      if (!TOOL_EFFECTS.includes(effect))
        throw new Error(
          `tool "${name}" has effect ${JSON.stringify(effect)}: use one of ${TOOL_EFFECTS.map((e) => JSON.stringify(e)).join(", ")}`,
        );
      if (effect === "reconcile" && typeof tool.reconcile !== "function")
        throw new Error(`tool "${name}" has effect "reconcile" and no reconcile function: add reconcile(args, ctx)`);
      if (effect !== "reconcile" && tool.reconcile !== undefined)
        throw new Error(
          `tool "${name}" has a reconcile function and effect ${JSON.stringify(effect)}: set effect "reconcile"`,
        );
      let validate: ValidateFunction;
      try {
        validate = ajv.compile(tool.input);
      } catch (err) {
        throw new Error(
          `tool "${name}" has an input schema that does not compile: ${err instanceof Error ? err.message : String(err)}`,
          {
            cause: err,
          },
        );
      }
      this.#entries.set(name, { tool, validate });
    }
  }

  get(name: string): ToolDefinition<any> | undefined {
    return this.#entries.get(name)?.tool;
  }

  /** Tool names, in registration order. */
  names(): string[] {
    return [...this.#entries.keys()];
  }

  /** What the model is shown, in registration order. */
  specs(): ToolSpec[] {
    return [...this.#entries.values()].map(({ tool }) => ({
      name: tool.name,
      description: tool.description,
      inputSchema: tool.input,
    }));
  }

  /**
   * Parses the model's argument text for tool `name` and validates it against the tool's schema
   * (filling in schema defaults). Empty text counts as `{}` (some providers send "" for tools
   * without parameters).
   */
  parseArguments(name: string, raw: string): ParseArgumentsResult {
    const entry = this.#entries.get(name);
    if (!entry) {
      const known = this.names();
      return {
        ok: false,
        error: {
          kind: "unknown_tool",
          message: `unknown tool "${name}"; available tools: ${known.length > 0 ? known.join(", ") : "(none)"}`,
        },
      };
    }
    let args: unknown;
    if (raw.trim() === "") {
      args = {};
    } else {
      try {
        args = JSON.parse(raw);
      } catch (err) {
        return invalid(`arguments are not valid JSON: ${err instanceof Error ? err.message : String(err)}`);
      }
    }
    if (args === null || typeof args !== "object" || Array.isArray(args)) {
      return invalid(
        `arguments must be a JSON object, got ${args === null ? "null" : Array.isArray(args) ? "an array" : typeof args}`,
      );
    }
    if (!entry.validate(args)) {
      return invalid(`arguments do not match the input schema of "${name}": ${summarise(entry.validate.errors ?? [])}`);
    }
    return { ok: true, args: args as Record<string, unknown> };
  }
}

function invalid(message: string): ParseArgumentsResult {
  return { ok: false, error: { kind: "invalid_arguments", message } };
}

function summarise(errors: ErrorObject[]): string {
  if (errors.length === 0) return "validation failed";
  const parts = errors.slice(0, MAX_REPORTED_ERRORS).map((e) => {
    const at = e.instancePath === "" ? "/" : e.instancePath;
    let msg = e.message ?? "is invalid";
    if (e.keyword === "additionalProperties" && typeof e.params["additionalProperty"] === "string") {
      msg += ` ("${e.params["additionalProperty"]}")`;
    } else if (e.keyword === "enum" && Array.isArray(e.params["allowedValues"])) {
      msg += `: ${(e.params["allowedValues"] as unknown[]).map((v) => JSON.stringify(v)).join(", ")}`;
    }
    return `${at} ${msg}`;
  });
  const more = errors.length - MAX_REPORTED_ERRORS;
  return parts.join("; ") + (more > 0 ? `; and ${more} more` : "");
}
