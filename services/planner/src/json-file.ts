import type { z } from "zod";

/**
 * Parses a JSON configuration text (agents file, access file) against its schema, or throws an
 * error naming the source and each invalid path.
 */
export function parseJsonFile<S extends z.ZodTypeAny>(schema: S, text: string, source: string): z.output<S> {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw new Error(`${source} is not JSON: ${(err as Error).message}`);
  }
  const r = schema.safeParse(raw);
  if (!r.success)
    throw new Error(
      `${source} is invalid: ${r.error.issues.map((i) => `${i.path.join(".") || "(root)"}: ${i.message}`).join("; ")}`,
    );
  return r.data;
}
