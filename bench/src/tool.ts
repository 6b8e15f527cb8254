// The benchmark's tool module (loaded by tool-runners with CAIRN_TOOLS_MODULE): a tool that
// returns at once, so a tool step costs only what Cairn adds around it.
import { defineTool } from "@cairn/tools";

export const noop = defineTool<{ i: number }>({
  name: "noop",
  description: "Returns at once (benchmark tool).",
  input: { type: "object", additionalProperties: false, required: ["i"], properties: { i: { type: "integer" } } },
  run(args) {
    return `ok ${args.i}`;
  },
});
