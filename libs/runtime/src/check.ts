import type { AgentSpec, CheckCommand, Guardrail } from "@cairn/protocol";
import { CHECK_CONTRACT, CHECK_OUTPUT, judgeProvider } from "./guard.js";
import type { ModelRequest } from "./model.js";
import type { RunState } from "./state.js";
import { turnAgent } from "./team.js";

type Ref = { bucket: string; name: string; bytes: number; sha256: string };

/** What a model-judged guardrail check judges: the guardrail, its agent, and the text (inline, or in a payload). */
export interface CheckTarget {
  agent: AgentSpec;
  guardrail: Guardrail & { model: NonNullable<Guardrail["model"]> };
  /** The judge's provider and model (the guardrail's, else the agent's). */
  provider: string;
  model: string;
  text: string;
  /** The full text is this payload (a large answer); `text` is its preview. */
  textRef?: Ref;
}

/**
 * The guardrail and text a check command asks about, from the run's state at its history
 * sequence; a string saying why when the command fits nothing the run has (its agent has no such
 * model-judged guardrail at that point, or the turn is not there).
 */
export function checkTarget(state: RunState, cmd: CheckCommand): CheckTarget | string {
  const sub = state.submitted;
  if (!sub) return "the run has no valid submission";
  let agent: AgentSpec | undefined;
  let text: string;
  let textRef: Ref | undefined;
  if (cmd.point === "input") {
    if (cmd.turn !== 1) return `an input check is made before model turn 1, not ${cmd.turn}`;
    agent = sub.agent;
    text = sub.task;
  } else {
    const t = state.turns[cmd.turn - 1];
    if (!t || !t.llm.ok) return `model turn ${cmd.turn} has no answer to check`;
    agent = turnAgent(state, t) ?? sub.agent;
    text = t.llm.content ?? "";
    textRef = t.llm.contentRef;
  }
  const g = agent.guardrails?.[cmd.point]?.find((x) => x.name === cmd.guardrail);
  if (!g?.model)
    return `agent ${agent.name} has no model-judged ${cmd.point} guardrail ${JSON.stringify(cmd.guardrail)}`;
  return {
    agent,
    guardrail: g as CheckTarget["guardrail"],
    provider: judgeProvider(g, agent),
    model: g.model.model ?? agent.model,
    text,
    ...(textRef ? { textRef } : {}),
  };
}

/** The most tokens a judging model's answer may have. */
export const CHECK_MAX_OUTPUT_TOKENS = 512;

/** The judging model's request: the guardrail's instructions and the verdict's contract, then the text (as a JSON string). */
export function buildCheckRequest(t: CheckTarget, fullText: string): ModelRequest {
  return {
    model: t.model,
    messages: [
      { role: "system", content: `${t.guardrail.model.instructions}\n\n${CHECK_CONTRACT}` },
      // the text as a JSON string: data to judge, with a start and an end the text cannot forge
      { role: "user", content: `Text to judge (a JSON string):\n${JSON.stringify(fullText)}` },
    ],
    tools: [],
    temperature: 0,
    // a verdict and one sentence; a judge that writes more gives no verdict (a human decides)
    maxOutputTokens: CHECK_MAX_OUTPUT_TOKENS,
    output: { name: CHECK_OUTPUT.name, schema: structuredClone(CHECK_OUTPUT.schema) },
    purpose: "check",
  };
}
