import pc from "picocolors";
import { canonicalJson } from "@cairn/runtime";
import type { CheckReport, Divergence } from "./check.js";
import type { PromptCheck, StateAtStep } from "./inspect.js";
import type { Timeline, TimelineItem } from "./timeline.js";
import { terminalArgs, terminalJson, terminalLine, terminalSafe } from "./terminal.js";

/** How text is rendered: colour (ANSI, via picocolors) and the line width to clip to. */
export interface RenderOptions {
  color?: boolean;
  width?: number;
}

type Colors = ReturnType<typeof pc.createColors>;

function setup(o: RenderOptions): { c: Colors; width: number } {
  return { c: pc.createColors(o.color ?? false), width: Math.max(60, o.width ?? 100) };
}

/*
 * Every string taken from the log (task, answers, tool output, arguments, names, reasons, error
 * messages) goes through terminal.ts before it is printed: control characters, C1 and bidi
 * controls are shown escaped, never written raw. `clip` and `args` do it themselves; `safe` is
 * for the fields printed whole.
 */

/** One line of text, whitespace collapsed, terminal-safe, clipped to `n` characters with an ellipsis. */
function clip(s: string, n: number): string {
  const one = terminalLine(s);
  return one.length > n ? `${one.slice(0, Math.max(1, n - 1))}…` : one;
}

/** Tool-call arguments: one line, JSON-escaped, clipped to `n` characters. */
function args(s: string, n: number): string {
  const one = terminalArgs(s);
  return one.length > n ? `${one.slice(0, Math.max(1, n - 1))}…` : one;
}

/** A field printed whole, on one line: control characters (newlines too) escaped. */
function safe(s: string): string {
  return terminalSafe(s);
}

/** Truncates to `n` characters with an ellipsis, keeping spacing (for aligned lines); terminal-safe. */
function cut(s: string, n: number): string {
  const t = terminalSafe(s, { style: "json" });
  return t.length > n ? `${t.slice(0, Math.max(1, n - 1))}…` : t;
}

function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

function msText(n: number | undefined): string {
  return n === undefined ? "?" : `${Math.round(n)} ms`;
}

function triesPlain(attempts: number): string {
  return attempts > 1 ? `${attempts} attempts (${plural(attempts - 1, "redelivery", "redeliveries")})` : "";
}

function attemptsText(c: Colors, attempts: number): string {
  const t = triesPlain(attempts);
  return t ? c.yellow(t) : "";
}

const GUTTER = 22;

/** The text `cairn replay <runId>` prints: a header, then every message of the log in order. */
export function renderTimeline(t: Timeline, o: RenderOptions = {}): string {
  const { c, width } = setup(o);
  const s = t.status;
  const tag = statusTag(c, s.status);
  const totals = [
    plural(t.totals.turns, "turn"),
    plural(t.totals.toolCalls, "tool call"),
    `${t.totals.inputTokens} in / ${t.totals.outputTokens} out tokens`,
    plural(t.totals.retries, "retry", "retries"),
    plural(t.totals.errors, "error"),
    `${t.totals.durationMs} ms`,
  ].join(" · ");
  const out: string[] = [`${c.bold("run")}   ${safe(t.runId)}  ${tag}  ${c.dim(totals)}`];
  if (t.agent)
    out.push(
      `${c.bold("agent")} ${safe(t.agent.name)} ${c.dim(safe(`· ${t.agent.provider}:${t.agent.model} · maxTurns ${t.agent.maxTurns} · tools ${t.agent.tools.join(", ") || "none"}`))}`,
    );
  if (t.task !== undefined) out.push(`${c.bold("task")}  ${clip(t.task, width - 6)}`);
  if (t.forkedFrom) {
    const f = t.forkedFrom;
    out.push(
      `${c.bold("fork")}  of ${safe(f.runId)} at step ${f.step} (seq ${f.seq})${f.editedCalls?.length ? ` · edited ${safe(f.editedCalls.join(", "))}` : ""}`,
    );
  }
  out.push("", c.dim(`${"step".padStart(5)} ${"seq".padStart(5)} ${"+ms".padStart(8)}`));
  for (const item of t.items) out.push(...renderItem(c, width, item));
  return out.join("\n");
}

function statusTag(c: Colors, status: string): string {
  if (status === "completed") return c.green("✔ completed");
  if (status === "running") return c.cyan("… running");
  if (status === "cancelled") return c.yellow("■ cancelled");
  if (status === "awaiting_approval") return c.yellow("⏸ awaiting approval");
  return c.red("✘ failed");
}

function renderItem(c: Colors, width: number, i: TimelineItem): string[] {
  const gutter = `${i.step === undefined ? "".padStart(5) : String(i.step).padStart(5)} ${String(i.seq).padStart(5)} ${`+${i.atMs}`.padStart(8)}  `;
  const room = width - GUTTER;
  const more = (text: string): string => `${"".padStart(GUTTER + 4)}${text}`;
  const tail = [
    i.copied ? c.dim("⧉ copied") : "",
    i.edited ? c.yellow("✎ edited") : "",
    i.ignored ? c.dim(`(ignored: ${safe(i.ignored)})`) : "",
    i.rejected ? c.red(`(rejected: ${safe(i.rejected)})`) : "",
  ]
    .filter(Boolean)
    .join(" ");
  const line = (body: string): string => gutter + body + (tail ? ` ${tail}` : "");
  const meta = (parts: string[]): string => {
    const p = parts.filter(Boolean);
    return p.length ? c.dim(`(${p.join(" · ")})`) : "";
  };
  switch (i.kind) {
    case "submitted":
      return [
        line(
          `${c.bold(c.cyan("▶ submitted"))} ${c.dim(safe(`${i.submittedAt}${i.idempotencyKey ? ` · key ${i.idempotencyKey}` : ""}`))}`,
        ),
      ];
    case "llm-command":
      return [line(c.dim(`  ⋯ turn ${i.turn}: ask the model (history to seq ${i.historySeq})`))];
    case "llm-result": {
      const parts = [
        i.usage ? `${i.usage.inputTokens} in / ${i.usage.outputTokens} out tokens` : "",
        i.latencyMs !== undefined ? `model ${msText(i.latencyMs)}` : "",
        i.waitMs !== undefined ? `${msText(i.waitMs)} after its command` : "",
      ];
      const tries = attemptsText(c, i.attempts);
      if (!i.ok) {
        const err = i.error ? `${i.error.kind}: ${i.error.message}` : "the model call failed";
        return [
          line(
            [c.red(`✗ turn ${i.turn} model error`), clip(err, room - 24), meta(parts), tries].filter(Boolean).join(" "),
          ),
        ];
      }
      const what = i.toolCalls.length ? `asks for ${plural(i.toolCalls.length, "tool call")}` : "answers";
      const out = [line([c.bold(c.magenta(`◆ turn ${i.turn}`)), what, meta(parts), tries].filter(Boolean).join(" "))];
      if (i.content) out.push(more(c.italic(clip(JSON.stringify(i.content), room - 4))));
      if (i.copied)
        for (const call of i.toolCalls)
          out.push(
            more(
              c.dim(
                `↳ ${safe(call.id)} ${safe(call.name)} ${args(call.arguments, room - call.id.length - call.name.length - 8)}`,
              ),
            ),
          );
      return out;
    }
    case "summary-command":
      return [line(c.dim(`  ⋯ before turn ${i.turn}: summarise turns 1-${i.throughTurn} (context compaction)`))];
    case "summary-result": {
      const parts = [
        i.usage ? `${i.usage.inputTokens} in / ${i.usage.outputTokens} out tokens` : "",
        i.latencyMs !== undefined ? `model ${msText(i.latencyMs)}` : "",
      ];
      if (!i.ok)
        return [
          line(
            [
              c.red(`✗ summary before turn ${i.turn} failed (truncation only)`),
              clip(i.error ? `${i.error.kind}: ${i.error.message}` : "", room - 50),
              meta(parts),
              attemptsText(c, i.attempts),
            ]
              .filter(Boolean)
              .join(" "),
          ),
        ];
      const out = [
        line(
          [
            c.bold(c.blue(`≡ summary of turns 1-${i.throughTurn}`)),
            `for turn ${i.turn}`,
            meta(parts),
            attemptsText(c, i.attempts),
          ]
            .filter(Boolean)
            .join(" "),
        ),
      ];
      if (i.content) out.push(more(c.italic(clip(JSON.stringify(i.content), room - 4))));
      return out;
    }
    case "check-command":
      return [
        line(
          c.dim(
            `  ⋯ check ${i.n}: ${i.point} guardrail ${safe(i.guardrail)} asks its model about ${i.point === "input" ? "the task" : `turn ${i.turn}'s answer`} (history to seq ${i.historySeq})`,
          ),
        ),
      ];
    case "check-result": {
      const parts = [
        `check ${i.n}`,
        i.usage ? `${i.usage.inputTokens} in / ${i.usage.outputTokens} out tokens` : "",
        i.latencyMs !== undefined ? `model ${msText(i.latencyMs)}` : "",
        i.waitMs !== undefined ? `${msText(i.waitMs)} after its command` : "",
      ];
      const metaLen = parts.filter(Boolean).join(" · ").length + 3 + triesPlain(i.attempts).length;
      const headPlain = i.ok
        ? `⚖ ${i.point} guardrail ${safe(i.guardrail)} judged by ${safe(i.model ?? "?")}: ${i.tripped ? "tripped" : "passed"}`
        : `✗ ${i.point} guardrail ${safe(i.guardrail)}: no verdict (it trips, pausing for a human)`;
      const head = i.ok
        ? `${c.bold(c.blue("⚖"))} ${i.point} guardrail ${safe(i.guardrail)} judged by ${safe(i.model ?? "?")}: ${i.tripped ? c.red("tripped") : c.green("passed")}`
        : c.red(headPlain);
      // The judge's reason (or the error): inline when it fits, else on a line of its own.
      const why = terminalLine(
        i.ok ? (i.reason ?? "") : i.error ? `${i.error.kind}: ${i.error.message}` : "the model gave no verdict",
      );
      const fits = why.length <= room - headPlain.length - metaLen - 6;
      const out = [
        line(
          [head, why && fits ? (i.ok ? `— ${why}` : c.red(why)) : "", meta(parts), attemptsText(c, i.attempts)]
            .filter(Boolean)
            .join(" "),
        ),
      ];
      if (why && !fits) out.push(more((i.ok ? c.italic : c.red)(clip(why, room - 4))));
      return out;
    }
    case "tool-command":
      return [
        line(
          `  ${c.yellow("→")} tool ${i.turn}.${i.index} ${c.bold(safe(i.tool))} ${c.dim(args(i.arguments, room - i.tool.length - 16))}`,
        ),
      ];
    case "tool-result": {
      const parts = [
        i.durationMs !== undefined ? msText(i.durationMs) : "",
        i.waitMs !== undefined ? `${msText(i.waitMs)} after its command` : "",
      ].filter(Boolean);
      const metaLen =
        (parts.length ? parts.join(" · ").length + 3 : 0) +
        triesPlain(i.attempts).length +
        (i.copied ? 9 : 0) +
        (i.ignored ? i.ignored.length + 12 : 0) +
        (i.rejected ? i.rejected.length + 13 : 0);
      const headPlain = `tool ${i.turn}.${i.index} ${safe(i.tool)} [${safe(i.callId)}]`;
      const head = `tool ${i.turn}.${i.index} ${safe(i.tool)} ${c.dim(`[${safe(i.callId)}]`)}`;
      const avail = Math.max(30, room - headPlain.length - metaLen - 6);
      if (i.ok)
        return [
          line(
            [
              `${c.green("✓")} ${head} ${c.dim("→")} ${clip(i.output ?? "", avail)}`,
              meta(parts),
              attemptsText(c, i.attempts),
            ]
              .filter(Boolean)
              .join(" "),
          ),
        ];
      // An error is what the model read: when it does not fit, it gets a line of its own.
      const err = terminalLine(`${i.error?.kind ?? "error"}: ${i.error?.message ?? ""}`);
      const fits = err.length <= avail;
      const out = [
        line(
          [
            `${c.red("✗")} ${head}`,
            fits ? c.red(err) : c.red(safe(i.error?.kind ?? "error")),
            meta(parts),
            attemptsText(c, i.attempts),
          ]
            .filter(Boolean)
            .join(" "),
        ),
      ];
      if (!fits) out.push(more(c.red(clip(i.error?.message ?? "", room - 4))));
      return out;
    }
    case "ambiguous":
      return [
        line(
          `${c.yellow(`? ambiguous ${safe(i.tool)}`)} ${c.dim(safe(`(turn ${i.turn}, call ${i.index}, ${i.effect}, round ${i.round})`))} ${clip(i.reason, room - 50)}`,
        ),
      ];
    case "approval": {
      if (i.round !== undefined) {
        const head =
          i.decision === "deny"
            ? c.red(`✗ declined to run ambiguous call ${safe(i.callId)} again`)
            : i.result !== undefined
              ? c.green(`✓ recorded the result of ambiguous call ${safe(i.callId)} by hand`)
              : c.green(`✓ had ambiguous call ${safe(i.callId)} run again`);
        return [
          line(`${head}${i.by ? c.dim(` by ${safe(i.by)}`) : ""}${i.reason ? ` ${clip(i.reason, room - 50)}` : ""}`),
          ...(i.result !== undefined ? [more(clip(i.result, room - 4))] : []),
        ];
      }
      const what = i.budget
        ? `going past the budget before turn ${i.turn}`
        : i.loop
          ? `going on after a stuck loop before turn ${i.turn}`
          : i.guard
            ? `going on past a tripped guardrail at turn ${i.turn}`
            : `call ${safe(i.callId)}`;
      const head = i.decision === "approve" ? c.green(`✓ approved ${what}`) : c.red(`✗ denied ${what}`);
      return [
        line(`${head}${i.by ? c.dim(` by ${safe(i.by)}`) : ""}${i.reason ? ` ${clip(i.reason, room - 40)}` : ""}`),
        ...(i.arguments !== undefined
          ? [line(`  ${c.yellow("✎ with edited arguments")} ${clip(i.arguments, room - 28)}`)]
          : []),
      ];
    }
    case "guard":
      return [
        line(
          i.tripped
            ? `${c.red(`⛔ ${i.point} guardrail ${safe(i.guardrail ?? "?")} tripped`)} ${c.dim(`(${i.onTrip === "pause" ? "pause for a human" : "fail the run"})`)} ${clip(i.message ?? "", room - 50)}`
            : `${c.green(`✓ ${i.point} guardrails passed`)} ${c.dim(safe(i.checked.join(", ")))}`,
        ),
      ];
    case "message":
      return [
        line(
          `${c.bold(c.cyan(`✉ message ${i.n}`))}${i.by ? c.dim(` from ${safe(i.by)}`) : ""}${i.text !== undefined ? ` ${clip(i.text, room - 30)}` : ""}${i.end ? c.dim(" (end the conversation after the next answer)") : ""}`,
        ),
      ];
    case "signal":
      return [line(`${c.yellow(`⚑ ${safe(i.signal)}`)}${i.reason ? ` ${clip(i.reason, room - 12)}` : ""}`)];
    case "error":
      if (i.retry)
        return [
          line(
            `${c.yellow("↻ retry")} ${safe(i.service)}: attempt ${i.retry.attempt} failed (${clip(`${i.error.kind}: ${i.error.message}`, room - 70)}); next at ${safe(i.retry.at)} ${c.dim(`(about ${safe(i.about)})`)}`,
          ),
        ];
      return [
        line(
          `${c.red("! error")} ${safe(i.service)}: ${clip(`${i.error.kind}: ${i.error.message}`, room - 30)} ${c.dim(`(about ${safe(i.about)}${i.aboutSeq !== undefined ? ` seq ${i.aboutSeq}` : ""})`)}`,
        ),
      ];
    case "ended": {
      const out = [
        line(
          `${c.bold(statusTag(c, i.status))}${i.reason ? ` ${safe(i.reason)}` : ""} ${meta([plural(i.turns, "turn"), `${i.usage.inputTokens + i.usage.outputTokens} tokens`])}`,
        ),
      ];
      if (i.error && i.status !== "completed")
        out.push(
          more(
            c.red(clip(i.error.kind === i.reason ? i.error.message : `${i.error.kind}: ${i.error.message}`, room - 4)),
          ),
        );
      if (i.answer !== undefined) for (const l of i.answer.split("\n")) out.push(more(clip(l, room - 4)));
      return out;
    }
    case "invalid":
      return [line(`${c.red("! unreadable")} ${safe(i.subject)}: ${clip(i.reason, room - 20)}`)];
  }
}

/** The text of `cairn replay <runId> --at <step>`. */
export function renderState(s: StateAtStep, o: RenderOptions = {}): string {
  const { c, width } = setup(o);
  const st = s.status;
  const out = [
    `${c.bold("run")}    ${safe(s.runId)} ${c.dim(safe(`after step ${s.step} of ${s.lastStep} (seq ${s.seq}, ${s.subject}, ${s.time})`))}`,
    `${c.bold("status")} ${statusTag(c, st.status)}${st.reason ? ` (${safe(st.reason)})` : ""} ${c.dim(`· ${plural(st.turn, "turn")} · ${plural(st.toolCalls, "tool call")} · ${st.usage.inputTokens} in / ${st.usage.outputTokens} out tokens`)}`,
  ];
  if (st.waitingFor?.length) out.push(`${c.bold("waiting")} ${safe(st.waitingFor.join(", "))}`);
  const dueText = s.due.map(
    (d) => `${safe(d.subject)}${d.recordedSeq !== undefined ? c.dim(` (recorded at seq ${d.recordedSeq})`) : ""}`,
  );
  out.push(`${c.bold("due")}    ${dueText.length ? dueText.join(", ") : c.dim("nothing")}`);
  if (st.answer !== undefined) out.push(`${c.bold("answer")} ${clip(st.answer, width - 8)}`);
  if (!s.messages.length) return out.join("\n");
  out.push("", c.bold(`messages the model would see at turn ${s.nextTurn}:`));
  for (const m of s.messages) {
    const who = safe(m.role === "tool" ? `tool ${m.toolCallId} ${m.name}` : m.role);
    const text = m.pending ? c.yellow("(pending: no result yet)") : clip(m.content ?? "", width - who.length - 6);
    out.push(`  ${c.cyan(`[${who}]`)} ${text}`);
    for (const call of m.toolCalls ?? [])
      out.push(
        `      ${c.dim(`↳ ${safe(call.id)} ${safe(call.name)} ${args(call.arguments, width - call.id.length - call.name.length - 12)}`)}`,
      );
  }
  return out.join("\n");
}

/** The text of `cairn replay <runId> --prompt <turn>`: the exact request, then the hash check. */
export function renderPromptCheck(p: PromptCheck, o: RenderOptions = {}): string {
  const { c } = setup(o);
  // The request as JSON (C0 controls are JSON escapes already; C1 and bidi controls escaped too).
  const out = [
    c.bold(`turn ${p.turn} request, rebuilt from the log (events up to seq ${p.historySeq}):`),
    terminalJson(p.request, 2),
  ];
  if (p.match === true) out.push(`${c.bold("promptHash")} ${c.green("match")} ${safe(p.hash)}`);
  else if (p.match === false)
    out.push(
      `${c.bold("promptHash")} ${c.red("MISMATCH")} recorded ${safe(p.recordedHash ?? "")} · rebuilt ${safe(p.hash)}`,
    );
  else
    out.push(
      `${c.bold("promptHash")} ${safe(p.hash)} ${c.dim(`(nothing to compare: ${safe(p.note ?? "no hash recorded")})`)}`,
    );
  if (p.note && p.match !== undefined) out.push(c.dim(safe(p.note)));
  return out.join("\n");
}

/** The fields that differ, each as `field`, `recorded …`, `decided …` lines. */
function fieldDiff(recorded: unknown, decided: unknown): string[] {
  const isObj = (v: unknown): v is Record<string, unknown> => !!v && typeof v === "object" && !Array.isArray(v);
  const show = (v: unknown): string => (v === undefined ? "(absent)" : canonicalJson(v));
  if (!isObj(recorded) || !isObj(decided)) return [`recorded ${show(recorded)}`, `decided  ${show(decided)}`];
  const keys = [...new Set([...Object.keys(recorded), ...Object.keys(decided)])].sort();
  return keys
    .filter((k) => canonicalJson(recorded[k]) !== canonicalJson(decided[k]))
    .flatMap((k) => [`${k}:`, `  recorded ${show(recorded[k])}`, `  decided  ${show(decided[k])}`]);
}

function renderDivergence(c: Colors, width: number, d: Divergence): string[] {
  const out = [
    `${c.red(c.bold("✘ DIVERGENCE"))} at step ${d.step} (seq ${d.seq}${d.event ? `, ${safe(d.event)}` : ""}): ${safe(d.message)}`,
  ];
  if (d.kind === "different") for (const l of fieldDiff(d.recorded, d.decided)) out.push(`    ${cut(l, width - 4)}`);
  else if (d.kind === "not-recorded") out.push(`    decided  ${cut(canonicalJson(d.decided), width - 13)}`);
  else out.push(`    recorded ${cut(canonicalJson(d.recorded), width - 13)}`);
  return out;
}

/** The text of `cairn replay <runId> --check`. */
export function renderCheck(r: CheckReport, o: RenderOptions = {}): string {
  const { c, width } = setup(o);
  const summary = `${plural(r.events, "event")} re-driven, ${plural(r.decisions, "decision")}, ${r.matched} equal to the log`;
  if (r.ok) {
    const out = [`${c.green(c.bold("✔ deterministic"))} run ${safe(r.runId)}: ${summary}`];
    if (r.pending.length)
      out.push(
        c.dim(
          `  in flight: ${r.pending.map((p) => `${safe(p.subject)} (after step ${p.step})`).join(", ")} not recorded yet`,
        ),
      );
    if (r.external.length)
      out.push(
        c.dim(
          `  for other runs (check them there): ${r.external.map((p) => `${safe(p.subject)} (after step ${p.step})`).join(", ")}`,
        ),
      );
    return out.join("\n");
  }
  const out = renderDivergence(c, width, r.divergence!);
  if (r.divergences.length > 1)
    out.push(
      c.dim(
        `  (+${r.divergences.length - 1} more: ${r.divergences
          .slice(1, 6)
          .map((d) => `step ${d.step} ${safe(d.subject)}`)
          .join(", ")}${r.divergences.length > 6 ? ", …" : ""})`,
      ),
    );
  out.push(c.dim(`  run ${safe(r.runId)}: ${summary}`));
  return out.join("\n");
}
