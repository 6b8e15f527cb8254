// A package of tools of your own. The tool-runner serves it with CAIRN_TOOLS_MODULE=cairn-example-tools
// (a package name, or a path to the built module): every tool exported here is registered, its
// arguments are validated against `input` before `run`, and each call's result is recorded once.
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { defineTool } from "@cairn/tools";

/** Counts the words of a text: a pure tool (no side effect), so a re-run after a crash is harmless. */
export const countWords = defineTool<{ text: string }>({
  name: "count_words",
  description: "Counts the words (runs of non-space characters) in a text.",
  input: {
    type: "object",
    properties: { text: { type: "string", description: "the text whose words to count" } },
    required: ["text"],
    additionalProperties: false,
  },
  run: ({ text }) => {
    const words = text.split(/\s+/).filter((w) => w.length > 0);
    return { words: words.length, longest: words.reduce((a, w) => (w.length > a.length ? w : a), "") };
  },
});

/**
 * A tool with an external effect passes the call's idempotency key on, so a re-execution after a
 * crash between the effect and the recording of its result does not repeat the effect. Here the
 * "effect" is a line in the run's workspace, named by the key, written once.
 */
export const stampNote = defineTool<{ note: string }>({
  name: "stamp_note",
  description: "Stores a short note once per call (the call's idempotency key names it).",
  input: {
    type: "object",
    properties: { note: { type: "string", maxLength: 200 } },
    required: ["note"],
    additionalProperties: false,
  },
  run: async ({ note }, ctx) => {
    await mkdir(join(ctx.workspaceDir, "stamps"), { recursive: true });
    const file = join(ctx.workspaceDir, "stamps", `${ctx.idempotencyKey.replaceAll(":", "_")}.txt`);
    await writeFile(file, note, { flag: "w" });
    return `stored as ${file.slice(ctx.workspaceDir.length + 1)}`;
  },
});

export default [countWords, stampNote];
