import pc from "picocolors";
import type { RunStatus } from "@cairn/protocol";
import type { LogEntry } from "@cairn/client";

function clip(s: string, n: number): string {
  const one = s.replace(/\s+/g, " ").trim();
  return one.length > n ? `${one.slice(0, n - 1)}…` : one;
}

/** One line (or a few) for a log entry, as `--follow` prints it; undefined for entries not shown. */
export function renderEntry(e: LogEntry, width = Math.max(60, process.stdout.columns ?? 100)): string | undefined {
  const x = e.entry;
  const w = width - 12;
  switch (x.kind) {
    case "submitted":
      return `${pc.bold(pc.cyan("▶ run"))} ${x.message.runId} ${pc.dim(`agent ${x.message.agent.name} · ${x.message.agent.provider}:${x.message.agent.model}`)}\n  ${pc.bold("task")} ${clip(x.message.task, w)}`;
    case "llm-command":
      return pc.dim(`  … turn ${x.message.turn}: asking the model`);
    case "llm-result": {
      const m = x.message;
      const meta = pc.dim(`[${m.usage?.inputTokens ?? 0} in / ${m.usage?.outputTokens ?? 0} out tokens, ${Math.round(m.latencyMs ?? 0)} ms${m.attempts > 1 ? `, attempt ${m.attempts}` : ""}]`);
      if (!m.ok) return `  ${pc.red(`✗ turn ${m.turn} model error`)} ${m.error?.kind}: ${clip(m.error?.message ?? "", w)} ${meta}`;
      const calls = m.toolCalls ?? [];
      const head = `  ${pc.bold(pc.magenta(`◆ turn ${m.turn}`))} ${calls.length ? `model asks for ${calls.length} tool call${calls.length > 1 ? "s" : ""}` : "model answers"} ${meta}`;
      const said = m.content ? `\n    ${pc.italic(clip(m.content, w))}` : "";
      return head + said;
    }
    case "summary-command":
      return pc.dim(`  … before turn ${x.message.turn}: summarising turns 1-${x.message.throughTurn} (context compaction)`);
    case "summary-result": {
      const m = x.message;
      if (!m.ok) return `  ${pc.red(`✗ summary before turn ${m.turn} failed`)} ${m.error?.kind}: ${clip(m.error?.message ?? "", w)} ${pc.dim("(old tool results are truncated instead)")}`;
      return `  ${pc.bold(pc.blue(`≡ summary of turns 1-${m.throughTurn}`))} ${pc.dim(`[${m.usage?.inputTokens ?? 0} in / ${m.usage?.outputTokens ?? 0} out tokens]`)}\n    ${pc.italic(clip(m.content ?? "", w))}`;
    }
    case "tool-command":
      return `    ${pc.yellow("→")} ${pc.bold(x.message.tool)} ${pc.dim(clip(x.message.arguments, w - x.message.tool.length))}`;
    case "tool-result": {
      const r = x.message;
      const meta = pc.dim(`(${Math.round(r.durationMs ?? 0)} ms${r.attempts > 1 ? `, attempt ${r.attempts}` : ""})`);
      return r.ok
        ? `    ${pc.green("✓")} ${r.tool} ${pc.dim("→")} ${clip(r.output ?? "", w - r.tool.length)} ${meta}`
        : `    ${pc.red("✗")} ${r.tool} ${pc.red(`${r.error?.kind}: ${clip(r.error?.message ?? "", w)}`)} ${meta}`;
    }
    case "budget-approval":
      return `  ${x.message.decision === "approve" ? pc.green("✓ approved") : pc.red("✗ denied")} going past the budget before turn ${x.message.turn}${x.message.by ? ` by ${x.message.by}` : ""}${x.message.reason ? `: ${x.message.reason}` : ""}`;
    case "approval":
      return `  ${x.message.decision === "approve" ? pc.green("✓ approved") : pc.red("✗ denied")} call ${x.message.callId}${x.message.by ? ` by ${x.message.by}` : ""}${x.message.reason ? `: ${x.message.reason}` : ""}`;
    case "signal":
      return `  ${pc.yellow(`⚑ ${x.message.signal}`)} ${x.message.reason ?? ""}`;
    case "error":
      return `  ${pc.red("! error recorded")} ${x.message.service}: ${x.message.error.kind}: ${clip(x.message.error.message, w)}`;
    case "ended": {
      const m = x.message;
      const tag = m.status === "completed" ? pc.green("✔ completed") : m.status === "cancelled" ? pc.yellow("■ cancelled") : pc.red("✘ failed");
      const tail = pc.dim(`${m.turns} turns · ${m.usage.inputTokens + m.usage.outputTokens} tokens`);
      const body = m.answer !== undefined ? `\n${m.answer}` : m.reason ? ` ${m.reason}${m.error ? `: ${m.error.message}` : ""}` : "";
      return `${pc.bold(tag)} ${tail}${body}`;
    }
    case "invalid":
      return `  ${pc.red("! unreadable log entry")} ${x.subject}: ${x.reason}`;
  }
}

/** `cairn status` text. */
export function renderStatus(s: RunStatus): string {
  const colour = s.status === "completed" ? pc.green : s.status === "running" ? pc.cyan : s.status === "cancelled" || s.status === "awaiting_approval" ? pc.yellow : pc.red;
  const lines = [
    `${pc.bold("run")}      ${s.runId}`,
    `${pc.bold("status")}   ${colour(s.status)}${s.reason ? ` (${s.reason})` : ""}`,
    `${pc.bold("agent")}    ${s.agent}`,
    `${pc.bold("task")}     ${clip(s.task, 100)}`,
    `${pc.bold("turns")}    ${s.turn}   ${pc.bold("tool calls")} ${s.toolCalls}   ${pc.bold("tokens")} ${s.usage.inputTokens} in / ${s.usage.outputTokens} out`,
    `${pc.bold("submitted")} ${s.submittedAt}${s.endedAt ? `   ${pc.bold("ended")} ${s.endedAt}` : ""}`,
  ];
  if (s.waitingFor?.length) lines.push(`${pc.bold("waiting")}  ${s.waitingFor.join(", ")}`);
  for (const a of s.approvals ?? []) {
    lines.push(`${pc.bold(pc.yellow("approval"))} ${a.callId}: ${pc.bold(a.tool)} ${clip(a.arguments, 80)}${a.reason ? pc.dim(` — ${clip(a.reason, 60)}`) : ""}`);
    lines.push(pc.dim(`          cairn approve ${s.runId} ${a.callId}   |   cairn deny ${s.runId} ${a.callId} --reason "…"`));
  }
  if (s.budgetPause) {
    lines.push(`${pc.bold(pc.yellow("budget"))}   ${s.budgetPause.kind}: ${s.budgetPause.message} — paused before turn ${s.budgetPause.turn}`);
    lines.push(pc.dim(`          cairn approve ${s.runId} budget   (another budget of the same size)   |   cairn deny ${s.runId} budget --reason "…"`));
  }
  if (s.costUsd !== undefined) lines.push(`${pc.bold("cost")}     $${s.costUsd.toFixed(6)}`);
  if (s.waitingForRunner?.length) lines.push(`${pc.bold("no worker")} ${pc.yellow(s.waitingForRunner.join(", "))} ${pc.dim("(no live worker serves it: the run waits until one starts)")}`);
  if (s.errors) lines.push(`${pc.bold("errors")}   ${s.errors} recorded`);
  if (s.traceId) lines.push(`${pc.bold("trace")}    ${s.traceId}`);
  if (s.answer !== undefined) lines.push(`${pc.bold("answer")}\n${s.answer}`);
  return lines.join("\n");
}

/** `cairn runs` table. */
export function renderRuns(runs: RunStatus[]): string {
  if (!runs.length) return pc.dim("no runs");
  const rows = runs.map((r) => [r.runId, r.status, r.agent, String(r.turn), r.submittedAt.replace("T", " ").slice(0, 19), clip(r.task, 50)]);
  const head = ["RUN", "STATUS", "AGENT", "TURNS", "SUBMITTED", "TASK"];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const fmt = (r: string[]) => r.map((c, i) => c.padEnd(widths[i]!)).join("  ");
  return [pc.bold(fmt(head)), ...rows.map(fmt)].join("\n");
}
