import { Ajv2020, type ValidateFunction } from "ajv/dist/2020.js";
import type { AgentSpec } from "@cairn/protocol";

/** What the check of a final answer against the agent's output schema found (see checkOutput). */
export type OutputCheck = { ok: true; value: unknown } | { ok: false; error: string };

/** Answers a model may give in all, unless the agent's `output.maxAttempts` says otherwise. */
export const DEFAULT_OUTPUT_ATTEMPTS = 3;

/** The longest validation message kept (the model reads it, and the run's end may carry it). */
const MAX_ERROR_CHARS = 2000;

type OutputSpec = NonNullable<AgentSpec["output"]>;

/**
 * Compiled checks by the snapshot's `output` object: a run's state holds one submission, whose
 * objects are never replaced, so each run compiles its schema once (and the entry goes with it).
 */
const compiled = new WeakMap<OutputSpec, ValidateFunction | string>();

/**
 * Compiles a JSON Schema (draft 2020-12; an output schema, or a tool's input schema to check edited
 * arguments), each in its own Ajv instance: two runs' schemas may use the same `$id`. Returns the
 * check, or the reason the schema does not compile.
 */
export function compileJsonSchema(schema: Record<string, unknown>): ValidateFunction | string {
  try {
    return new Ajv2020({ strict: false, allErrors: true, validateFormats: false }).compile(schema);
  } catch (err) {
    return `the schema does not compile: ${err instanceof Error ? err.message : String(err)}`;
  }
}

function validatorOf(spec: OutputSpec): ValidateFunction | string {
  let v = compiled.get(spec);
  if (v === undefined) {
    v = compileJsonSchema(spec.schema);
    compiled.set(spec, v);
  }
  return v;
}

/** The reason an agent's output schema cannot be used, if it cannot (checked at the submission's fold). */
export function outputSchemaProblem(agent: AgentSpec): string | undefined {
  if (!agent.output) return undefined;
  const v = validatorOf(agent.output);
  return typeof v === "string" ? v : undefined;
}

/**
 * The JSON text of an answer: the whole answer, or the body of a single fenced code block
 * (```json … ```) that is all of it — models often fence JSON. Deterministic.
 */
function jsonText(answer: string): string {
  const t = answer.trim();
  const fenced = /^```[A-Za-z0-9_-]*[ \t]*\r?\n([\s\S]*?)\r?\n?```$/.exec(t);
  return fenced ? fenced[1]! : t;
}

/**
 * Checks a final answer against the agent's output schema: parsed as JSON, then validated. A pure
 * function of the answer and the snapshot, so the planner, `cairn status` and replay agree. An
 * answer stored by reference (larger than the inline limit) is not read here: it fails the check.
 */
export function checkOutput(spec: OutputSpec, answer: string | null | undefined, storedByRef: boolean): OutputCheck {
  if (storedByRef)
    return {
      ok: false,
      error:
        "the answer is larger than the inline limit (CAIRN_LARGE_PAYLOAD_BYTES) and was stored by reference; a structured answer must fit inline",
    };
  const v = validatorOf(spec);
  if (typeof v === "string") return { ok: false, error: v };
  let value: unknown;
  try {
    value = JSON.parse(jsonText(answer ?? ""));
  } catch (err) {
    return { ok: false, error: `the answer is not JSON (${err instanceof Error ? err.message : String(err)})` };
  }
  if (v(value)) return { ok: true, value };
  const errors = (v.errors ?? []).map((e) => `${e.instancePath || "(root)"} ${e.message ?? "is invalid"}`);
  const text = `the answer does not validate against the output schema: ${[...new Set(errors)].join("; ")}`;
  return { ok: false, error: text.length > MAX_ERROR_CHARS ? `${text.slice(0, MAX_ERROR_CHARS)}…` : text };
}

/** The message that returns an invalid answer to the model (a user turn in the next prompt). */
export function outputCorrection(error: string): string {
  return `[Cairn: your answer was not accepted: ${error}. Answer again with only the JSON value the output schema asks for.]`;
}

/** The instructions that carry the schema to a provider without native structured output. */
export function outputInstructions(spec: { name?: string; schema: Record<string, unknown> }): string {
  return `Your final answer (when you call no tool) must be only a JSON value, with no other text, that validates against this JSON Schema:\n${JSON.stringify(spec.schema)}`;
}
