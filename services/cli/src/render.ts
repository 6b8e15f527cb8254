import pc from "picocolors";
import { runStepOf, type ListReply, type RunStatus } from "@cairn/protocol";
import type { LogEntry } from "@cairn/client";
import { terminalArgs, terminalLine, terminalSafe, waitsOf, type PendingRetry, type PendingSleep } from "@cairn/replay";

/*
 * Every string that comes from a run (task, answer, model text, tool output and arguments, names,
 * reasons, error messages — all of it written by a model, a tool or a caller) is made
 * terminal-safe before it is printed: control characters are shown escaped, never written raw
 * (see @cairn/replay's terminal.ts). `clip` and `args` do it themselves; `safe` is for fields
 * printed whole on one line, `answer` for text whose newlines are kept.
 */

/** One line, whitespace collapsed, terminal-safe, clipped to `n` characters. */
function clip(s: string, n: number): string {
  const one = terminalLine(s);
  return one.length > n ? `${one.slice(0, n - 1)}…` : one;
}

/** Tool-call arguments: one line, JSON-escaped, clipped to `n` characters. */
function args(s: string, n: number): string {
  const one = terminalArgs(s);
  return one.length > n ? `${one.slice(0, n - 1)}…` : one;
}

/** A field printed whole on one line: control characters, newlines included, escaped. */
function safe(s: string | undefined): string {
  return s === undefined ? "" : terminalSafe(s);
}

/** A multi-line text (an answer): newlines and tabs kept, every other control character escaped. */
function answer(s: string): string {
  return terminalSafe(s, { keepNewlines: true });
}

/** One line (or a few) for a log entry, as `--follow` prints it; undefined for entries not shown. */
export function renderEntry(e: LogEntry, width = Math.max(60, process.stdout.columns ?? 100)): string | undefined {
  const x = e.entry;
  const w = width - 12;
  switch (x.kind) {
    case "submitted":
      return `${pc.bold(pc.cyan("▶ run"))} ${safe(x.message.runId)} ${pc.dim(safe(`agent ${x.message.agent.name} · ${x.message.agent.provider}:${x.message.agent.model}`))}\n  ${pc.bold("task")} ${clip(x.message.task, w)}`;
    case "llm-command":
      return pc.dim(`  … turn ${x.message.turn}: asking the model`);
    case "llm-result": {
      const m = x.message;
      const meta = pc.dim(
        `[${m.usage?.inputTokens ?? 0} in / ${m.usage?.outputTokens ?? 0} out tokens, ${Math.round(m.latencyMs ?? 0)} ms${m.attempts > 1 ? `, attempt ${m.attempts}` : ""}]`,
      );
      if (!m.ok)
        return `  ${pc.red(`✗ turn ${m.turn} model error`)} ${safe(m.error?.kind)}: ${clip(m.error?.message ?? "", w)} ${meta}`;
      const calls = m.toolCalls ?? [];
      const head = `  ${pc.bold(pc.magenta(`◆ turn ${m.turn}`))} ${calls.length ? `model asks for ${calls.length} tool call${calls.length > 1 ? "s" : ""}` : "model answers"} ${meta}`;
      const said = m.content ? `\n    ${pc.italic(clip(m.content, w))}` : "";
      return head + said;
    }
    case "summary-command":
      return pc.dim(
        `  … before turn ${x.message.turn}: summarising turns 1-${x.message.throughTurn} (context compaction)`,
      );
    case "summary-result": {
      const m = x.message;
      if (!m.ok)
        return `  ${pc.red(`✗ summary before turn ${m.turn} failed`)} ${safe(m.error?.kind)}: ${clip(m.error?.message ?? "", w)} ${pc.dim("(old tool results are truncated instead)")}`;
      return `  ${pc.bold(pc.blue(`≡ summary of turns 1-${m.throughTurn}`))} ${pc.dim(`[${m.usage?.inputTokens ?? 0} in / ${m.usage?.outputTokens ?? 0} out tokens]`)}\n    ${pc.italic(clip(m.content ?? "", w))}`;
    }
    case "check-command": {
      const m = x.message;
      return pc.dim(
        `  … check ${m.n}: ${m.point} guardrail ${safe(m.guardrail)} asking its model about ${m.point === "input" ? "the task" : `turn ${m.turn}'s answer`}`,
      );
    }
    case "check-result": {
      const m = x.message;
      const meta = pc.dim(
        `[check ${m.n}, ${m.usage?.inputTokens ?? 0} in / ${m.usage?.outputTokens ?? 0} out tokens, ${Math.round(m.latencyMs ?? 0)} ms${m.attempts > 1 ? `, attempt ${m.attempts}` : ""}]`,
      );
      if (!m.ok)
        return `  ${pc.red(`✗ ${m.point} guardrail ${safe(m.guardrail)}: no verdict`)} ${safe(m.error?.kind)}: ${clip(m.error?.message ?? "", w)} ${pc.dim("(it trips: paused for a human)")} ${meta}`;
      const verdict = m.tripped ? pc.red("tripped") : pc.green("passed");
      const why = m.reason ? ` — ${clip(m.reason, w)}` : "";
      return `  ${pc.bold(pc.blue("⚖"))} ${m.point} guardrail ${pc.bold(safe(m.guardrail))} judged by ${safe(m.model ?? "?")}: ${verdict}${why} ${meta}`;
    }
    case "tool-command":
      return `    ${pc.yellow("→")} ${pc.bold(safe(x.message.tool))} ${pc.dim(args(x.message.arguments, w - x.message.tool.length))}`;
    case "tool-rerun":
      return `    ${pc.yellow("↻")} ${pc.bold(safe(x.message.tool))} ${pc.dim(`run again, as a human decided: ${args(x.message.arguments, w - x.message.tool.length - 30)}`)}`;
    case "tool-result": {
      const r = x.message;
      const meta = pc.dim(`(${Math.round(r.durationMs ?? 0)} ms${r.attempts > 1 ? `, attempt ${r.attempts}` : ""})`);
      return r.ok
        ? `    ${pc.green("✓")} ${safe(r.tool)} ${pc.dim("→")} ${clip(r.output ?? "", w - r.tool.length)} ${meta}`
        : `    ${pc.red("✗")} ${safe(r.tool)} ${pc.red(`${safe(r.error?.kind)}: ${clip(r.error?.message ?? "", w)}`)} ${meta}`;
    }
    case "tool-ambiguous":
      return `    ${pc.yellow(`? ${safe(x.message.tool)}: outcome ambiguous`)} ${pc.dim(`(${x.message.effect}, round ${x.message.round})`)} ${clip(x.message.reason, w)}`;
    case "ambiguity-approval": {
      const m = x.message;
      const what =
        m.decision === "deny"
          ? pc.red("✗ declined to run it again")
          : m.result !== undefined
            ? pc.green("✓ result recorded by hand")
            : pc.green("✓ run it again");
      return `  ${what}: ambiguous call ${safe(m.callId)}${m.by ? ` by ${safe(m.by)}` : ""}${m.reason ? `: ${safe(m.reason)}` : ""}`;
    }
    case "budget-approval":
      return `  ${x.message.decision === "approve" ? pc.green("✓ approved") : pc.red("✗ denied")} going past the budget before turn ${x.message.turn}${x.message.by ? ` by ${safe(x.message.by)}` : ""}${x.message.reason ? `: ${safe(x.message.reason)}` : ""}`;
    case "loop-approval":
      return `  ${x.message.decision === "approve" ? pc.green("✓ approved") : pc.red("✗ denied")} going on after a stuck loop before turn ${x.message.turn}${x.message.by ? ` by ${safe(x.message.by)}` : ""}${x.message.reason ? `: ${safe(x.message.reason)}` : ""}`;
    case "approval":
      return `  ${x.message.decision === "approve" ? pc.green(x.message.arguments !== undefined ? "✓ approved with edited arguments" : "✓ approved") : pc.red("✗ denied")} call ${safe(x.message.callId)}${x.message.by ? ` by ${safe(x.message.by)}` : ""}${x.message.reason ? `: ${safe(x.message.reason)}` : ""}${x.message.arguments !== undefined ? ` ${pc.dim("→")} ${args(x.message.arguments, 80)}` : ""}`;
    case "signal":
      return `  ${pc.yellow(`⚑ ${safe(x.message.signal)}`)} ${safe(x.message.reason)}`;
    case "guard":
      return x.message.tripped
        ? `  ${pc.red(`⛔ ${x.message.point} guardrail ${safe(x.message.guardrail)} tripped`)} ${pc.dim(`(${x.message.onTrip === "pause" ? "pause for a human" : "fail the run"})`)} ${clip(x.message.message ?? "", w)}`
        : `  ${pc.green(`✓ ${x.message.point} guardrails passed`)}`;
    case "guard-approval":
      return `  ${x.message.decision === "approve" ? pc.green("✓ approved") : pc.red("✗ denied")} going on past a tripped guardrail${x.message.by ? ` by ${safe(x.message.by)}` : ""}${x.message.reason ? `: ${safe(x.message.reason)}` : ""}`;
    case "message":
      return `  ${pc.bold(pc.cyan(`✉ message ${x.message.n}`))}${x.message.by ? pc.dim(` from ${safe(x.message.by)}`) : ""}${x.message.text !== undefined ? ` ${clip(x.message.text, w)}` : ""}${x.message.end ? pc.dim(" (end after the next answer)") : ""}`;
    case "error":
      if (x.message.retryAt)
        return `  ${pc.yellow("↻ retry")} ${stepWords(x.message.subject)}: attempt ${x.message.attempt ?? "?"} failed (${safe(x.message.error.kind)}: ${clip(x.message.error.message, w)}); next at ${safe(x.message.retryAt)}`;
      return `  ${pc.red("! error recorded")} ${safe(x.message.service)}: ${safe(x.message.error.kind)}: ${clip(x.message.error.message, w)}`;
    case "ended": {
      const m = x.message;
      const tag =
        m.status === "completed"
          ? pc.green("✔ completed")
          : m.status === "cancelled"
            ? pc.yellow("■ cancelled")
            : pc.red("✘ failed");
      const tail = pc.dim(`${m.turns} turns · ${m.usage.inputTokens + m.usage.outputTokens} tokens`);
      const body =
        m.output !== undefined
          ? `\n${pc.dim("output (parsed, valid against the agent's schema):")}\n${answer(JSON.stringify(m.output, null, 2))}`
          : m.answer !== undefined
            ? `\n${answer(m.answer)}`
            : m.reason
              ? ` ${safe(m.reason)}${m.error ? `: ${safe(m.error.message)}` : ""}`
              : "";
      return `${pc.bold(tag)} ${tail}${body}`;
    }
    case "invalid":
      return `  ${pc.red("! unreadable log entry")} ${safe(x.subject)}: ${safe(x.reason)}`;
  }
}

/** `cairn status` text. */
export function renderStatus(s: RunStatus): string {
  const colour =
    s.status === "completed"
      ? pc.green
      : s.status === "running"
        ? pc.cyan
        : s.status === "cancelled" || s.status === "awaiting_approval"
          ? pc.yellow
          : pc.red;
  const lines = [
    `${pc.bold("run")}      ${safe(s.runId)}`,
    `${pc.bold("status")}   ${colour(safe(s.status))}${s.reason ? ` (${safe(s.reason)})` : ""}`,
    `${pc.bold("agent")}    ${safe(s.agent)}`,
    `${pc.bold("task")}     ${clip(s.task, 100)}`,
    `${pc.bold("turns")}    ${s.turn}   ${pc.bold("tool calls")} ${s.toolCalls}   ${pc.bold("tokens")} ${s.usage.inputTokens} in / ${s.usage.outputTokens} out`,
    `${pc.bold("submitted")} ${safe(s.submittedAt)}${s.endedAt ? `   ${pc.bold("ended")} ${safe(s.endedAt)}` : ""}`,
  ];
  if (s.waitingFor?.length) lines.push(`${pc.bold("waiting")}  ${safe(s.waitingFor.join(", "))}`);
  for (const a of s.approvals ?? []) {
    if (a.ambiguous) {
      lines.push(
        `${pc.bold(pc.yellow("ambiguous"))} ${safe(a.callId)}: ${pc.bold(safe(a.tool))} ${args(a.arguments, 80)} (${safe(a.ambiguous.effect)}, round ${a.ambiguous.round}) — ${clip(a.ambiguous.reason, 160)}`,
      );
      lines.push(
        pc.dim(
          `          cairn approve ${safe(s.runId)} ${safe(a.callId)}   (run it again)   |   cairn approve ${safe(s.runId)} ${safe(a.callId)} --result "…"   (it landed: record its result)   |   cairn deny ${safe(s.runId)} ${safe(a.callId)} --reason "…"   (record a failure)`,
        ),
      );
      continue;
    }
    lines.push(
      `${pc.bold(pc.yellow("approval"))} ${safe(a.callId)}: ${pc.bold(safe(a.tool))} ${args(a.arguments, 80)}${a.reason ? pc.dim(` — ${clip(a.reason, 60)}`) : ""}`,
    );
    lines.push(
      pc.dim(
        `          cairn approve ${safe(s.runId)} ${safe(a.callId)}${a.argsEditable ? ` [--args '{…}']` : ""}   |   cairn deny ${safe(s.runId)} ${safe(a.callId)} --reason "…"`,
      ),
    );
  }
  if (s.budgetPause) {
    lines.push(
      `${pc.bold(pc.yellow("budget"))}   ${safe(s.budgetPause.kind)}: ${safe(s.budgetPause.message)} — paused before turn ${s.budgetPause.turn}`,
    );
    lines.push(
      pc.dim(
        `          cairn approve ${safe(s.runId)} budget   (another budget of the same size)   |   cairn deny ${safe(s.runId)} budget --reason "…"`,
      ),
    );
  }
  if (s.loopPause) {
    const p = s.loopPause;
    lines.push(
      `${pc.bold(pc.yellow("loop"))}     ${safe(p.pattern)}: ${p.tool !== undefined ? `${pc.bold(safe(p.tool))} ${args(p.arguments ?? "", 60)} ×${p.count}` : `${p.count} idle turns`} — paused before turn ${p.turn}`,
    );
    lines.push(`         ${clip(p.message, 160)}`);
    lines.push(
      pc.dim(
        `          cairn approve ${safe(s.runId)} loop   (go on, the counts start again)   |   cairn deny ${safe(s.runId)} loop --reason "…"`,
      ),
    );
  }
  if (s.guardPause) {
    const g = s.guardPause;
    lines.push(
      `${pc.bold(pc.yellow("guard"))}    ${safe(g.point)} guardrail ${pc.bold(safe(g.guardrail))} tripped (turn ${g.turn}): ${clip(g.message, 120)}`,
    );
    lines.push(
      pc.dim(
        `          cairn approve ${safe(s.runId)} guard   (go on as if it had not tripped)   |   cairn deny ${safe(s.runId)} guard --reason "…"`,
      ),
    );
  }
  if (s.awaitingMessage)
    lines.push(
      `${pc.bold(pc.cyan("message"))}  the conversation waits for one: cairn send ${safe(s.runId)} "…" (or --end)`,
    );
  if (s.costUsd !== undefined) lines.push(`${pc.bold("cost")}     $${s.costUsd.toFixed(6)}`);
  if (s.waitingForRunner?.length)
    lines.push(
      `${pc.bold("no worker")} ${pc.yellow(safe(s.waitingForRunner.join(", ")))} ${pc.dim("(no live worker serves it: the run waits until one starts)")}`,
    );
  if (s.retries) lines.push(`${pc.bold("retries")}  ${s.retries} failed attempt${s.retries === 1 ? "" : "s"} retried`);
  if (s.errors) lines.push(`${pc.bold("errors")}   ${s.errors} recorded`);
  if (s.traceId) lines.push(`${pc.bold("trace")}    ${safe(s.traceId)}`);
  if (s.metadata && Object.keys(s.metadata).length)
    lines.push(
      `${pc.bold("metadata")} ${Object.entries(s.metadata)
        .map(([k, v]) => `${safe(k)}=${safe(v)}`)
        .join("  ")}`,
    );
  if (s.answer !== undefined) lines.push(`${pc.bold("answer")}\n${answer(s.answer)}`);
  return lines.join("\n");
}

/** `cairn runs` table. */
export function renderRuns(runs: RunStatus[]): string {
  if (!runs.length) return pc.dim("no runs");
  const rows = runs.map((r) => [
    safe(r.runId),
    safe(r.status),
    safe(r.agent),
    String(r.turn),
    safe(r.submittedAt.replace("T", " ").slice(0, 19)),
    clip(r.task, 50),
  ]);
  const head = ["RUN", "STATUS", "AGENT", "TURNS", "SUBMITTED", "TASK"];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const fmt = (r: string[]) => r.map((c, i) => c.padEnd(widths[i]!)).join("  ");
  return [pc.bold(fmt(head)), ...rows.map(fmt)].join("\n");
}

/** Runs by status (`cairn runs --counts`): awaiting approval first, then each status, then all. */
export function renderCounts(counts: NonNullable<ListReply["counts"]>): string {
  const order = ["awaiting_approval", "running", "completed", "failed", "cancelled"] as const;
  const all = order.reduce((n, s) => n + counts[s], 0);
  const line = order.map((s) => {
    const text = `${s.replace("_", " ")} ${counts[s]}`;
    return s === "awaiting_approval" && counts[s] > 0 ? pc.bold(pc.yellow(text)) : text;
  });
  return `${line.join("  ")}  ${pc.bold(`all ${all}`)}`;
}

/** The step a command or result subject names, in words: `tool ledger (turn 1, call 0)`, `model call (turn 2)`. */
export function stepWords(subject: string): string {
  const st = runStepOf(subject);
  if (!st) return safe(subject);
  if (st.kind === "tool") return `tool ${safe(st.tool)} (turn ${st.turn}, call ${st.index})`;
  if (st.kind === "llm") return `model call (turn ${st.turn})`;
  if (st.kind === "summary") return `summary (turn ${st.turn})`;
  // (a check is numbered per run: its number is the subject's token where the template has {n})
  if (st.kind === "check") return `guardrail check ${safe(subject.split(".")[st.template.split(".").indexOf("{n}")])}`;
  return safe(subject);
}

/**
 * What a run waits for, in lines `follow` shows while no log message arrives: a call waiting for
 * approval (with the command that gives it), a budget pause, work no live worker serves, a sleep
 * until a time. `live` (a line redrawn in place) adds ordinary waits (the model, a tool at work)
 * and a sleep's countdown. Empty when there is nothing to say (an ended run).
 */
export function renderWaiting(
  s: RunStatus,
  sleeps: PendingSleep[],
  now: number,
  live: boolean,
  retries: PendingRetry[] = [],
): string[] {
  const run = safe(s.runId);
  const out: string[] = [];
  const waits = waitsOf(s, sleeps, now, retries);
  const loop = waits.some((w) => w.kind === "loop");
  for (const w of waits) {
    switch (w.kind) {
      case "approval":
        if (w.ambiguous) {
          out.push(
            `${pc.yellow("⏸ ambiguous call")} ${safe(w.callId)} (${safe(w.tool)}, ${safe(w.ambiguous.effect)}): ${clip(w.ambiguous.reason, 80)} — ${pc.bold(`cairn approve ${run} ${safe(w.callId)}`)} runs it again, ${pc.bold(`--result "…"`)} records its result, ${pc.bold(`cairn deny ${run} ${safe(w.callId)}`)} records a failure`,
          );
          break;
        }
        out.push(
          `${pc.yellow("⏸ waiting for approval")}: ${pc.bold(`cairn approve ${run} ${safe(w.callId)}`)}  or  ${pc.bold(`cairn deny ${run} ${safe(w.callId)} --reason "…"`)} ${pc.dim(`(call ${safe(w.callId)}: ${safe(w.tool)} ${args(w.arguments, 60)})`)}`,
        );
        break;
      case "budget":
        out.push(
          `${pc.yellow("⏸ paused at a budget")} (${safe(w.budget)}: ${clip(w.message, 80)}) — ${pc.bold(`cairn approve ${run} budget`)} to go on, ${pc.bold(`cairn deny ${run} budget`)} to end it`,
        );
        break;
      case "loop":
        out.push(
          `${pc.yellow("⏸ paused by the loop guard")} (${clip(w.message, 100)}) — ${pc.bold(`cairn approve ${run} loop`)} to go on, ${pc.bold(`cairn deny ${run} loop`)} to end it`,
        );
        break;
      case "guard":
        out.push(
          `${pc.yellow(`⏸ paused by the ${w.point} guardrail ${safe(w.guardrail)}`)} (${clip(w.message, 100)}) — ${pc.bold(`cairn approve ${run} guard`)} to go on, ${pc.bold(`cairn deny ${run} guard`)} to end it`,
        );
        break;
      case "message":
        out.push(`${pc.cyan("✉ waiting for a message")} — ${pc.bold(`cairn send ${run} "…"`)} (or --end)`);
        break;
      case "worker": {
        const what = w.missing.map((m) => `${m.kind === "llm" ? "provider" : "tool"} ${safe(m.name)}`);
        const start = [
          ...new Set(
            w.missing.map((m) => (m.kind === "llm" ? "cairn service llm-caller" : "cairn service tool-runner")),
          ),
        ].join(" / ");
        out.push(
          `${pc.yellow("⏸ waiting for a worker")}: no live worker serves ${what.join(", ")} (the run goes on when one starts: ${start}, with it configured)`,
        );
        break;
      }
      case "sleep": {
        const left = Math.max(0, Math.ceil((w.wakeAt - now) / 1000));
        out.push(
          !w.due
            ? `${pc.cyan("⏾ sleeping")} until ${new Date(w.wakeAt).toISOString()} (${live ? `${left}s left, ` : ""}call ${safe(w.callId)})`
            : `${pc.cyan("⏾ sleep due")} since ${new Date(w.wakeAt).toISOString()} (call ${safe(w.callId)}): waiting for a tool-runner to wake it`,
        );
        break;
      }
      case "retry":
        out.push(
          !w.due
            ? `${pc.yellow("↻ retrying")} ${stepWords(w.subject)} at ${new Date(w.retryAt).toISOString()} (${live ? `${Math.max(0, Math.ceil((w.retryAt - now) / 1000))}s left, ` : ""}attempt ${w.attempt} failed: ${clip(w.error, 80)})`
            : `${pc.yellow("↻ retry due")} since ${new Date(w.retryAt).toISOString()}: ${stepWords(w.subject)}, attempt ${w.attempt + 1} (attempt ${w.attempt} failed: ${clip(w.error, 80)})`,
        );
        break;
      case "working":
        // ordinary waits only on a line redrawn in place (a run paused by its loop guard waits for a human)
        if (live && !loop) out.push(pc.dim(`… waiting for ${safe(w.on.join(", "))}`));
        break;
    }
  }
  return out;
}
