import type { Guardrail } from "@cairn/protocol";

/** What a guardrail written in code is given: the text checked and where. */
export interface GuardContext {
  runId: string;
  /** The agent whose guardrail it is. */
  agent: string;
  point: "input" | "output";
  /** Input: 1 (before the first model call); output: the turn that answered. */
  turn: number;
}

/**
 * A guardrail's check in code: pure and deterministic (no clock, no I/O — those belong in tools or
 * journaled steps). Returns whether it tripped, and optionally why; `true` alone means tripped.
 */
export type GuardCheck = (text: string, ctx: GuardContext) => boolean | { tripped: boolean; message?: string };

/** What an agent's instructions written in code are given (a read-only view of the run, from its log). */
export interface InstructionsContext {
  runId: string;
  agent: string;
  /** The model turn the instructions are for. */
  turn: number;
  task: string;
  metadata: Readonly<Record<string, string | undefined>>;
  /** Tool calls the run has made so far, and its users' messages (cairn send) so far. */
  toolCalls: number;
  messages: readonly string[];
  /** The agents the run was handed from, in order (handoffs). */
  handedFrom: readonly string[];
}

/** The planner's agents' code (defineAgent in CAIRN_AGENTS_MODULE): guardrails by agent and name, and instructions. */
export interface CodeGuards {
  check(agent: string, name: string): GuardCheck | undefined;
  /** The system prompt of an agent whose instructions are code; undefined when this planner has no such code. */
  instructions?(agent: string, ctx: InstructionsContext): string | undefined;
}

/** The verdict of a list of guardrails on a text: the first that tripped, or none. */
export interface GuardVerdict {
  tripped: boolean;
  guardrail?: string;
  message?: string;
  onTrip?: "fail" | "pause";
  checked: string[];
}

/**
 * Checks `text` with each guardrail in order and stops at the first that trips. A built-in
 * guardrail is data (`pattern`, `maxChars`); a `code` one is looked up in `code`: a planner without
 * it, or a check that throws, trips it with a pause (a human decides), never passes it silently.
 */
export function evaluateGuards(
  list: readonly Guardrail[],
  text: string,
  ctx: GuardContext,
  code: CodeGuards | undefined,
): GuardVerdict {
  const checked: string[] = [];
  for (const g of list) {
    checked.push(g.name);
    const trip = (message: string, onTrip: "fail" | "pause" = g.onTrip): GuardVerdict => ({
      tripped: true,
      guardrail: g.name,
      message: message.slice(0, 4096),
      onTrip,
      checked,
    });
    if (g.code) {
      const fn = code?.check(ctx.agent, g.name);
      if (!fn)
        return trip(
          `guardrail ${g.name} is written in code that this planner has not loaded (CAIRN_AGENTS_MODULE): a human decides`,
          "pause",
        );
      let r: ReturnType<GuardCheck>;
      try {
        r = fn(text, ctx);
      } catch (err) {
        return trip(`guardrail ${g.name} threw: ${err instanceof Error ? err.message : String(err)}`, "pause");
      }
      const tripped = typeof r === "boolean" ? r : r.tripped;
      if (tripped)
        return trip((typeof r === "object" ? r.message : undefined) ?? g.message ?? `guardrail ${g.name} tripped`);
      continue;
    }
    if (g.pattern !== undefined) {
      let re: RegExp;
      try {
        re = new RegExp(g.pattern, g.ignoreCase ? "i" : "");
      } catch (err) {
        return trip(`guardrail ${g.name}'s pattern is not a regular expression: ${(err as Error).message}`, "pause");
      }
      const m = re.exec(text);
      if (m) return trip(g.message ?? `guardrail ${g.name} matched ${JSON.stringify(m[0].slice(0, 80))}`);
    }
    if (g.maxChars !== undefined && text.length > g.maxChars)
      return trip(g.message ?? `guardrail ${g.name}: ${text.length} characters, more than ${g.maxChars}`);
  }
  return { tripped: false, checked };
}
