// Agents in code: the planner loads this module with CAIRN_AGENTS_MODULE=examples/code-agents/agents.mjs
// (next to, or instead of, an agents file). Every export made with defineAgent is an agent.
//
// What influences a decision must be a deterministic function of what it is given — no clock, no
// I/O, no randomness: the planner records each guardrail's verdict in the run's log, and
// `cairn replay <runId> --check --agents examples/code-agents/agents.mjs` re-runs these checks
// over recorded runs and names the first decision a change would alter, before you deploy it.
import { defineAgent } from "@cairn/runtime";

const CARD_NUMBER = /\b\d{4}[ -]?\d{4}[ -]?\d{4}[ -]?\d{4}\b/;

export const invoices = defineAgent({
  name: "invoices",
  provider: "scripted", // the deterministic scripted model (examples/scripts/invoices.json); "openai" etc. for a real one
  model: "invoices",
  // A pure function of the run (its submission, messages, turns): computed by the planner for each
  // model turn and recorded with that turn's command, so replays rebuild the same prompt.
  instructions: (ctx) =>
    [
      'You answer questions about the customer\'s invoices, as JSON: {"invoice", "status", "note"}.',
      ctx.metadata.tier === "gold" ? "This is a gold customer: mention the account manager in the note." : "",
    ]
      .filter(Boolean)
      .join(" "),
  tools: ["read_file", "list_files"],
  maxTurns: 6,
  // Structured output: the answer must validate; an invalid one goes back to the model.
  output: {
    name: "invoice_answer",
    schema: {
      type: "object",
      additionalProperties: false,
      required: ["invoice", "status"],
      properties: {
        invoice: { type: "string" },
        status: { enum: ["paid", "open", "overdue"] },
        note: { type: "string" },
      },
    },
  },
  guardrails: {
    // Data, like the agents file's: the task is refused before any model call.
    input: [
      { name: "no_injection", pattern: "ignore (all|previous|prior) instructions", ignoreCase: true, onTrip: "fail" },
    ],
    // Code: a pure check of the answer; a trip waits for a human (cairn approve|deny <runId> guard).
    output: [
      {
        name: "no_card_numbers",
        onTrip: "pause",
        check: (text) =>
          CARD_NUMBER.test(text) ? { tripped: true, message: "the answer contains a card number" } : false,
      },
    ],
  },
  hooks: {
    // Before each tool call runs: refuse reads outside the workspace. A refusal is recorded as the
    // call's failed result (kind denied_by_hook), which the model reads; nothing returned: it runs.
    toolCall: (call) => {
      const path = typeof call.arguments?.path === "string" ? call.arguments.path : "";
      if (path.startsWith("/") || path.split(/[\\/]/).includes(".."))
        return { deny: `${call.name} reads inside the workspace only, not ${JSON.stringify(path)}` };
    },
  },
});
