import type { ListReply, RunStatus } from "@cairn/protocol";
import type { PromptCheck, StateAtStep, Timeline, TimelineItem, Wait } from "@cairn/replay";
import { childRunId, SUB_AGENT_TOOL } from "@cairn/runtime";
import type { BudgetUse, RunFacts } from "./facts.js";
import { STYLE } from "./assets.js";
import { block, html, trusted, type Html } from "./html.js";

/** Run text longer than this (characters) is folded into a `<details>` the reader opens. */
export const EXPAND_OVER = 400;

/** The runs list's filters, as the query string gives them (every one given must hold). */
export interface RunFilters {
  status?: RunStatus["status"];
  agent?: string;
  tenant?: string;
  since?: string;
  until?: string;
  /** `key=value` pairs, as typed: `team=red, env=prod`. */
  meta?: string;
}

export const STATUSES: readonly RunStatus["status"][] = [
  "awaiting_approval",
  "running",
  "completed",
  "failed",
  "cancelled",
];

const STATUS_WORDS: Record<RunStatus["status"], string> = {
  awaiting_approval: "awaiting approval",
  running: "running",
  completed: "completed",
  failed: "failed",
  cancelled: "cancelled",
};

export function layout(o: { title: string; body: Html; events?: string }): Html {
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="same-origin">
<title>${o.title} · Cairn</title>
<style>${trusted(STYLE)}</style>
<script src="/assets/app.js" defer></script>
</head>
<body${o.events ? html` data-events="${o.events}"` : ""}>
<a class="skip" href="#main">Skip to content</a>
<header class="top"><strong><a href="/">Cairn</a></strong><nav aria-label="Main"><a href="/">Runs</a></nav></header>
<main id="main">
${o.body}
</main>
</body>
</html>
`;
}

function statusBadge(s: RunStatus["status"]): Html {
  return html`<span class="status s-${s}">${STATUS_WORDS[s] ?? s}</span>`;
}

function query(params: Record<string, string | undefined>): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v) q.set(k, v);
  const s = q.toString();
  return s ? `?${s}` : "";
}

export function filtersQuery(f: RunFilters, extra: Record<string, string | undefined> = {}): string {
  return query({ ...f, ...extra });
}

/** The rows of the runs table (also what the live stream sends). */
export function runRows(runs: RunStatus[]): Html {
  if (!runs.length)
    return html`<tr>
      <td colspan="7" class="muted">No runs match.</td>
    </tr>`;
  return html`${runs.map(
    (r) =>
      html`<tr data-run="${r.runId}">
        <td><a href="/runs/${encodeURIComponent(r.runId)}">${r.runId}</a></td>
        <td>${statusBadge(r.status)}</td>
        <td>${r.agent}${r.tenant ? html` <span class="muted">(${r.tenant})</span>` : ""}</td>
        <td>${r.turn}</td>
        <td>${r.usage.inputTokens + r.usage.outputTokens}</td>
        <td><time datetime="${r.submittedAt}">${r.submittedAt.replace("T", " ").slice(0, 19)}</time></td>
        <td class="task">${clip(r.task, 140)}</td>
      </tr>`,
  )}`;
}

function clip(s: string, n: number): string {
  return s.length > n ? `${s.slice(0, n - 1)}…` : s;
}

/**
 * Runs by status (a live region of the runs page): every run the caller may see, with the agent
 * and tenant filters; each a link to the list filtered by it. A run waiting for a human comes first.
 */
export function countsBar(counts: ListReply["counts"] | undefined, f: RunFilters): Html {
  const note =
    f.since || f.until || f.meta ? html`<p class="meta">Counts do not apply the time and metadata filters.</p>` : "";
  if (!counts)
    return html`<p class="muted">
        Counts by status: not ready yet (the page asks for them once it is shown; a planner reads its runs index once
        when first asked); they appear here shortly.
      </p>
      ${note}`;
  const total = STATUSES.reduce((n, s) => n + counts[s], 0);
  const unfiltered = { ...f, status: undefined };
  const link = (status: RunStatus["status"] | undefined, label: string, n: number): Html =>
    html`<li${status === "awaiting_approval" && n > 0 ? html` class="attention"` : ""}>
      <a href="/${filtersQuery(unfiltered, status ? { status } : {})}"${f.status === status ? html` aria-current="true"` : ""}
        >${label} <strong${status ? html` class="s-${status}"` : ""}>${n}</strong></a
      >
    </li>`;
  return html`<ul>
      ${STATUSES.map((s) => link(s, STATUS_WORDS[s], counts[s]))} ${link(undefined, "all", total)}
    </ul>
    ${note}`;
}

export function runsPage(o: {
  runs: RunStatus[];
  filters: RunFilters;
  cursor?: string;
  next?: string;
  error?: string;
  counts?: ListReply["counts"];
}): Html {
  const f = o.filters;
  const field = (name: keyof RunFilters, label: string, hint: string) =>
    html`<label>${label}<input name="${name}" value="${f[name] ?? ""}" placeholder="${hint}" /></label>`;
  const body = html`<h1>Runs</h1>
    <form class="filters" method="get" action="/" role="search" aria-label="Filter runs">
      <label
        >Status<select name="status">
          <option value="">any</option>
          ${STATUSES.map((s) => html`<option value="${s}" ${f.status === s ? " selected" : ""}>${STATUS_WORDS[s]}</option>`)}
        </select></label
      >
      ${field("agent", "Agent", "any")} ${field("tenant", "Tenant", "any (operators)")}
      ${field("since", "Submitted since", "2026-12-05T10:00:00Z")} ${field("until", "Submitted before", "RFC 3339")}
      ${field("meta", "Metadata", "team=red, env=prod")}
      <button type="submit">Filter</button> <a href="/">Clear</a>
    </form>
    ${o.error ? html`<p class="notice" role="alert">${o.error}</p>` : ""}
    ${o.error ? "" : html`<nav class="counts" id="counts" aria-label="Runs by status">${countsBar(o.counts, f)}</nav>`}
    <p class="muted" id="live-note">${o.cursor ? "An older page: not updated live." : "Newest first, updated live."}</p>
    <table class="runs">
      <caption class="skip">
        Runs, newest first
      </caption>
      <thead>
        <tr>
          <th scope="col">Run</th>
          <th scope="col">Status</th>
          <th scope="col">Agent</th>
          <th scope="col">Turns</th>
          <th scope="col">Tokens</th>
          <th scope="col">Submitted (UTC)</th>
          <th scope="col">Task</th>
        </tr>
      </thead>
      <tbody id="rows">
        ${runRows(o.runs)}
      </tbody>
    </table>
    <nav class="pager" aria-label="Pages">
      ${o.cursor ? html`<a href="/${filtersQuery(f)}">Newest</a>` : ""}
      ${o.next ? html`<a href="/${filtersQuery(f, { cursor: o.next })}" rel="next">Older runs</a>` : ""}
    </nav>`;
  return layout({
    title: "Runs",
    body,
    ...(o.cursor ? {} : { events: `/events/runs${filtersQuery(f)}` }),
  });
}

/** What the run page shows besides the timeline. */
export interface RunView {
  timeline: Timeline;
  status: RunStatus;
  waits: Wait[];
  /** Whether this connection may approve (false: the API refused a dry check; the buttons are hidden). */
  canApprove: boolean;
  csrf: string;
  /** Link to the trace, when a Jaeger base URL is configured and the run has a trace id. */
  traceUrl?: string;
  /** Tokens streamed so far per model turn whose response is not recorded yet. */
  tokens: ReadonlyMap<number, string>;
  /** Budgets, parent and sub-agent runs (runFacts). */
  facts: RunFacts;
  /** The status of each sub-agent run the page asked for. */
  childStatus: ReadonlyMap<string, RunStatus["status"]>;
  /** With `at`: whether this connection may write a fork (undefined: not asked). */
  canFork?: boolean;
  at?: StateAtStep;
  prompt?: PromptCheck;
  /** Why `?at=` or `?prompt=` could not be shown. */
  viewError?: string;
}

function runPath(runId: string, q = ""): string {
  return `/runs/${encodeURIComponent(runId)}${q}`;
}

function long(label: string, s: string, pre = true): Html {
  if (s.length <= EXPAND_OVER) return pre ? html`<pre>${block(s)}</pre>` : html`<code>${s}</code>`;
  return html`<details>
    <summary>${label} (${s.length} characters)</summary>
    <pre>${block(s)}</pre>
  </details>`;
}

function when(ms: number): string {
  return new Date(ms).toISOString();
}

/** A duration for reading: `1 h 2 min 3 s`, `850 ms`. */
export function duration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  let s = Math.round(ms / 1000);
  const parts: string[] = [];
  for (const [unit, size] of [
    ["d", 86_400],
    ["h", 3_600],
    ["min", 60],
  ] as const) {
    if (s >= size) {
      parts.push(`${Math.floor(s / size)} ${unit}`);
      s %= size;
    }
  }
  if (s || !parts.length) parts.push(`${s} s`);
  return parts.join(" ");
}

/** One budget as the run page says it: used of the limit, the share, and whether it is exhausted. */
export function budgetLine(b: BudgetUse): Html {
  const share = b.used === undefined ? "" : ` (${Math.floor((b.used / b.limit) * 100)}%)`;
  const text =
    b.budget === "tokens"
      ? `tokens: ${b.used ?? 0} of ${b.limit}${share}`
      : b.budget === "cost"
        ? `cost: ${b.used === undefined ? "unknown (no price for the model)" : `$${b.used.toFixed(6)}`} of $${b.limit}${share}`
        : `time: ${duration(b.used ?? 0)} of ${duration(b.limit)}${share}`;
  const over = b.used !== undefined && (b.budget === "deadline" ? b.used > b.limit : b.used >= b.limit);
  return html`<li>
    ${text}${over ? html` <strong class="err">exhausted</strong>` : ""}${b.since ? html` <span class="meta">counted since the approval at ${b.since}</span>` : ""}
  </li>`;
}

/** The run's place among its parent and sub-agent runs, as a tree of links. */
function agentTree(v: RunView): Html {
  const { parent, subAgents } = v.facts;
  if (!parent && !subAgents.length) return html``;
  const here = html`<strong class="mono">${v.timeline.runId}</strong> (this
    run)${
      subAgents.length
        ? html`<ul>
            ${subAgents.map((c) => {
              const st = v.childStatus.get(c.runId);
              return html`<li>
                <a class="mono" href="${runPath(c.runId)}">${c.runId}</a>
                ${st ? statusBadge(st) : html`<span class="muted">${c.ok === undefined ? "not started yet" : "status unknown"}</span>`}
                <span class="meta">turn ${c.turn}, call ${c.index}${c.agent ? ` · agent ${c.agent}` : ""}</span>
                ${c.task ? html`<span class="task">${clip(c.task, 160)}</span>` : ""}
              </li>`;
            })}
          </ul>`
        : ""
    }`;
  return html`<h2 id="tree-h">Sub-agents</h2>
    <ul class="tree" aria-labelledby="tree-h">
      ${
        parent
          ? html`<li>
              <a class="mono" href="${runPath(parent.runId)}">${parent.runId}</a> (parent: its ${SUB_AGENT_TOOL} call
              <code>${parent.callId}</code>, turn ${parent.turn})
              <ul>
                <li>${here}</li>
              </ul>
            </li>`
          : html`<li>${here}</li>`
      }
    </ul>`;
}

function waitLine(v: RunView, w: Wait): Html {
  const runId = v.timeline.runId;
  const decide = (callId: string, what: string, editable?: string): Html =>
    v.canApprove
      ? html`<form class="act" method="post" action="${runPath(runId, "/approve")}">
          <input type="hidden" name="csrf" value="${v.csrf}" /><input type="hidden" name="callId" value="${callId}" />
          ${
            editable !== undefined
              ? html`<input type="hidden" name="originalArguments" value="${editable}" /><label
                    >Arguments (JSON; edit them to run the call with others — recorded with your name)<textarea
                      name="arguments"
                      rows="4"
                      maxlength="65536"
                    >
${editable}</textarea>
                  </label>`
              : ""
          }
          <label>Reason (optional; the model sees a denial's)<input name="reason" maxlength="2000" /></label>
          <button class="approve" name="decision" value="approve">Approve ${what}</button>
          <button class="deny" name="decision" value="deny">Deny</button>
        </form>`
      : html`<p class="muted">Your credential has no approve role: you cannot decide this.</p>`;
  switch (w.kind) {
    case "approval":
      if (w.ambiguous)
        return html`<li>
          <strong>Ambiguous call</strong> <code>${w.callId}</code>: tool
          <strong>${w.tool}</strong> (${w.ambiguous.effect}) was started and left no result — ${w.ambiguous.reason}.
          Approve runs it again; deny records a failure the model reads (a result by hand:
          <code>cairn approve … --result</code>). ${long("arguments", w.arguments, false)}${decide(w.callId, "call")}
        </li>`;
      return html`<li>
        <strong>Waiting for approval</strong> of call <code>${w.callId}</code>: tool <strong>${w.tool}</strong> with
        ${long("arguments", w.arguments, false)}${w.reason ? html` — ${w.reason}` : ""}${decide(
          w.callId,
          "call",
          w.argsEditable ? w.arguments : undefined,
        )}
      </li>`;
    case "budget":
      return html`<li>
        <strong>Paused at a budget</strong> (${w.budget}: ${w.message}) before turn ${w.turn}: approve to go on with
        another budget, deny to end the run.${decide("budget", "going on")}
      </li>`;
    case "loop":
      return html`<li>
        <strong>Paused by the loop guard</strong> (${w.pattern}: ${w.message}) before turn ${w.turn}: approve to go on
        (the counts start again), deny to end the run.${decide("loop", "going on")}
      </li>`;
    case "guard":
      return html`<li>
        <strong>Paused by the ${w.point} guardrail ${w.guardrail}</strong> (${w.message}) at turn ${w.turn}: approve to
        go on as if it had not tripped, deny to end the run.${decide("guard", "going on")}
      </li>`;
    case "message":
      return html`<li><strong>Waiting for a message</strong>: the conversation goes on with the next one (below).</li>`;
    case "worker":
      return html`<li>
        <strong>Waiting for a worker</strong>: no live worker serves
        ${w.missing.map((m, i) => html`${i ? ", " : ""}${m.kind === "llm" ? "provider" : "tool"} <code>${m.name}</code>`)}
        (the run goes on when one starts).
      </li>`;
    case "sleep":
      return w.due
        ? html`<li>
            <strong>Sleep due</strong> since ${when(w.wakeAt)} (call <code>${w.callId}</code>): waiting for a
            tool-runner to wake it.
          </li>`
        : html`<li>
            <strong>Sleeping</strong> until <time datetime="${when(w.wakeAt)}">${when(w.wakeAt)}</time> (call
            <code>${w.callId}</code>).
          </li>`;
    case "retry":
      return html`<li>
        <strong>${w.due ? "Retry due" : "Retrying"}</strong> ${w.subject.split(".").slice(-4).join(".")}: attempt
        ${w.attempt} failed (${w.error}); next attempt ${w.due ? "since" : "at"}
        <time datetime="${when(w.retryAt)}">${when(w.retryAt)}</time>.
      </li>`;
    case "working":
      return html`<li>Working: waiting for ${w.on.join(", ")}.</li>`;
  }
}

/** The run's facts, what it waits for now and the actions (a live region of the page). */
export function summary(v: RunView): Html {
  const s = v.status;
  const t = v.timeline;
  const live = s.status === "running" || s.status === "awaiting_approval";
  return html`<dl class="facts">
      <dt>Status</dt>
      <dd>${statusBadge(s.status)}${s.reason ? html` (${s.reason})` : ""}</dd>
      <dt>Agent</dt>
      <dd>${s.agent}${t.agent ? html` <span class="muted">${t.agent.provider}:${t.agent.model}</span>` : ""}</dd>
      <dt>Task</dt>
      <dd>${long("task", s.task)}</dd>
      <dt>Turns</dt>
      <dd>${s.turn}${t.agent ? html` of at most ${t.agent.maxTurns}` : ""} · ${s.toolCalls} tool calls</dd>
      <dt>Usage</dt>
      <dd>
        ${s.usage.inputTokens} in / ${s.usage.outputTokens} out
        tokens${s.costUsd !== undefined ? html` · $${s.costUsd.toFixed(6)}` : ""}
      </dd>
      <dt>Budgets</dt>
      <dd>
        ${
          v.facts.budgets.length
            ? html`<ul class="budgets">
                ${v.facts.budgets.map(budgetLine)}
              </ul>`
            : html`<span class="muted">none (the agent sets no maxTokens, maxCostUsd or deadlineMs)</span>`
        }
      </dd>
      ${
        s.retries
          ? html`<dt>Retries</dt>
              <dd>${s.retries} failed attempts retried</dd>`
          : ""
      }
      ${
        s.errors
          ? html`<dt>Errors</dt>
              <dd>${s.errors} recorded</dd>`
          : ""
      }
      <dt>Submitted</dt>
      <dd>${s.submittedAt}${s.endedAt ? html` · ended ${s.endedAt}` : ""}</dd>
      ${
        s.tenant
          ? html`<dt>Tenant</dt>
              <dd>${s.tenant}</dd>`
          : ""
      }
      ${
        s.metadata && Object.keys(s.metadata).length
          ? html`<dt>Metadata</dt>
              <dd>${Object.entries(s.metadata).map(([k, val]) => html`<code>${k}=${val ?? ""}</code> `)}</dd>`
          : ""
      }
      ${
        t.forkedFrom
          ? html`<dt>Forked from</dt>
              <dd><a href="${runPath(t.forkedFrom.runId)}">${t.forkedFrom.runId}</a> at step ${t.forkedFrom.step}</dd>`
          : ""
      }
      ${
        s.traceId
          ? html`<dt>Trace</dt>
              <dd>
                ${v.traceUrl ? html`<a href="${v.traceUrl}">${s.traceId} in Jaeger</a>` : html`<code>${s.traceId}</code>`}
              </dd>`
          : ""
      }
    </dl>
    ${
      s.answer !== undefined
        ? html`<h2>Answer</h2>
            <pre class="answer">${block(s.answer)}</pre>`
        : ""
    }
    ${agentTree(v)}
    ${
      v.waits.length
        ? html`<h2>Waiting now</h2>
            <ul class="waits">
              ${v.waits.map((w) => waitLine(v, w))}
            </ul>`
        : ""
    }
    ${
      live
        ? html`<form class="act" method="post" action="${runPath(t.runId, "/send")}">
            <input type="hidden" name="csrf" value="${v.csrf}" />
            <label
              >Message to the run (its next model call reads
              it${s.awaitingMessage ? "; the conversation waits for it" : ""})<textarea
                name="text"
                rows="2"
                maxlength="65536"
              ></textarea>
            </label>
            ${t.agent?.conversation ? html`<label><input type="checkbox" name="end" value="1" /> End the conversation after the answer</label>` : ""}
            <button class="send" type="submit">Send</button>
          </form>`
        : ""
    }
    ${
      live
        ? html`<form class="act" method="post" action="${runPath(t.runId, "/cancel")}">
            <input type="hidden" name="csrf" value="${v.csrf}" />
            <label>Reason for cancelling<input name="reason" maxlength="2000" /></label>
            <button class="cancel" type="submit">Cancel run</button>
          </form>`
        : ""
    }`;
}

function stepLink(runId: string, i: TimelineItem): Html {
  return i.step === undefined
    ? html``
    : html` <a class="meta" href="${runPath(runId, `?at=${i.step}`)}" title="The run's state after this step"
        >state after step ${i.step}</a
      >`;
}

function usage(u?: { inputTokens: number; outputTokens: number }): string {
  return u ? `${u.inputTokens} in / ${u.outputTokens} out tokens` : "";
}

function item(runId: string, i: TimelineItem, tokens: ReadonlyMap<number, string>, answered: Set<number>): Html {
  const meta = (parts: (string | false | undefined)[]): Html =>
    html`<span class="meta">${parts.filter(Boolean).join(" · ")}</span>`;
  const notes = html`${i.ignored ? html` <span class="meta">(ignored: ${i.ignored})</span>` : ""}${i.rejected ? html` <span class="meta err">(rejected: ${i.rejected})</span>` : ""}${i.copied ? html` <span class="meta">(copied from the source run)</span>` : ""}`;
  let body: Html;
  let cls = "";
  switch (i.kind) {
    case "submitted":
      body = html`<strong>Submitted</strong> to agent
        <strong>${i.agent.name}</strong>
        ${meta([`${i.agent.provider}:${i.agent.model}`, `tools: ${i.agent.tools.join(", ") || "none"}`])}${long("task", i.task)}`;
      break;
    case "llm-command":
      body = html`<strong>Turn ${i.turn}</strong>: asking the
        model${
          answered.has(i.turn)
            ? ""
            : html`<pre
                class="stream"
                data-stream-turn="${i.turn}"
                aria-live="polite"
                aria-label="Model output as it is generated"
              >
${block(tokens.get(i.turn) ?? "")}</pre>`
        }`;
      break;
    case "llm-result":
      cls = i.ok ? "" : "bad";
      body = html`<strong>Turn ${i.turn}</strong>:
        ${i.ok ? (i.toolCalls.length ? `model asks for ${i.toolCalls.length} tool call${i.toolCalls.length > 1 ? "s" : ""}` : "model answers") : html`<span class="err">model error ${i.error?.kind ?? ""}: ${i.error?.message ?? ""}</span>`}
        ${meta([
          usage(i.usage),
          i.latencyMs !== undefined && `${Math.round(i.latencyMs)} ms`,
          i.attempts > 1 && `attempt ${i.attempts}`,
          i.model,
        ])}
        <a class="meta" href="${runPath(runId, `?prompt=${i.turn}`)}">prompt and hash check</a>
        ${i.content ? long("reply", i.content) : ""}
        ${
          i.toolCalls.length
            ? html`<ul>
                ${i.toolCalls.map((c) => html`<li><strong>${c.name}</strong> <code>${c.id}</code> ${long("arguments", c.arguments, false)}</li>`)}
              </ul>`
            : ""
        }`;
      break;
    case "summary-command":
      body = html`Before turn ${i.turn}: summarising turns 1–${i.throughTurn} (context compaction)`;
      break;
    case "summary-result":
      cls = i.ok ? "" : "bad";
      body = i.ok
        ? html`<strong>Summary</strong> of turns 1–${i.throughTurn}
            ${meta([usage(i.usage)])}${long("summary", i.content ?? "")}`
        : html`<span class="err"
            >Summary before turn ${i.turn} failed: ${i.error?.kind ?? ""}: ${i.error?.message ?? ""}</span
          >`;
      break;
    case "check-command":
      body = html`Check ${i.n}: the ${i.point} guardrail <strong>${i.guardrail}</strong> asks its model about
        ${i.point === "input" ? "the task" : `turn ${i.turn}'s answer`}`;
      break;
    case "check-result": {
      const facts = meta([
        `check ${i.n}`,
        usage(i.usage),
        i.latencyMs !== undefined && `${Math.round(i.latencyMs)} ms`,
        i.attempts > 1 && `attempt ${i.attempts}`,
      ]);
      cls = i.ok && !i.tripped ? "" : "bad";
      body = i.ok
        ? html`⚖ <strong>${i.point} guardrail ${i.guardrail}</strong> judged by ${i.model ?? "?"}:
            ${i.tripped ? html`<span class="err">tripped</span>` : "passed"}
            ${facts}${i.reason ? long("reason", i.reason) : ""}`
        : html`<span class="err"
              >✗ ${i.point} guardrail ${i.guardrail}: no verdict: ${i.error?.kind ?? ""}:
              ${i.error?.message ?? ""}</span
            >
            (it trips: pause for a human) ${facts}`;
      break;
    }
    case "tool-command": {
      let sleep = "";
      if (i.tool === "sleep") {
        try {
          const ms = (JSON.parse(i.arguments) as { ms?: unknown }).ms;
          if (typeof ms === "number") sleep = ` — sleeps until ${new Date(Date.parse(i.time) + ms).toISOString()}`;
        } catch {
          // arguments that are not JSON: the tool refuses them
        }
      }
      const child = i.tool === SUB_AGENT_TOOL ? childRunId(runId, i.turn, i.index) : undefined;
      body = html`→
        <strong>${i.tool}</strong>
        ${meta([`turn ${i.turn}, call ${i.index}`, i.callId])}${sleep}${child ? html` sub-agent run <a href="${runPath(child)}">${child}</a>` : ""}
        ${long("arguments", i.arguments, false)}`;
      break;
    }
    case "tool-result":
      cls = i.ok ? "ok" : "bad";
      body = html`${i.ok ? "✓" : html`<span class="err">✗</span>`} <strong>${i.tool}</strong> ${meta([
          `turn ${i.turn}, call ${i.index}`,
          i.durationMs !== undefined && `${Math.round(i.durationMs)} ms`,
          i.attempts > 1 && `attempt ${i.attempts}`,
        ])}${i.childRunId ? html` sub-agent run <a href="${runPath(i.childRunId)}">${i.childRunId}</a>` : ""}${i.edited ? html` <span class="meta">(edited)</span>` : ""}
        ${i.ok ? long("output", i.output ?? "") : html`<p class="err">${i.error?.kind ?? ""}: ${i.error?.message ?? ""}</p>`}`;
      break;
    case "ambiguous":
      cls = "bad";
      body = html`? <strong>${i.tool}</strong>: outcome ambiguous
        ${meta([`turn ${i.turn}, call ${i.index}`, i.effect, `round ${i.round}`])}
        <p>${i.reason}</p>`;
      break;
    case "approval":
      body =
        i.round !== undefined
          ? html`${i.decision === "deny" ? html`<span class="err">✗ Declined to run again</span>` : i.result !== undefined ? "✓ Result recorded by hand for" : "✓ Run again:"}
              ambiguous call
              <code>${i.callId}</code
              >${i.by ? html` by <strong>${i.by}</strong>` : ""}${i.reason ? html`: ${i.reason}` : ""}${i.result !== undefined ? long("result", i.result) : ""}`
          : html`${i.decision === "approve" ? "✓ Approved" : html`<span class="err">✗ Denied</span>`}
            ${i.budget ? "going past the budget" : html`call <code>${i.callId}</code>`}${i.by ? html` by <strong>${i.by}</strong>` : ""}${i.reason ? html`: ${i.reason}` : ""}`;
      break;
    case "signal":
      body = html`⚑ <strong>${i.signal}</strong>${i.reason ? html`: ${i.reason}` : ""}`;
      break;
    case "error":
      cls = i.retry ? "retry" : "bad";
      body = i.retry
        ? html`↻ <strong>Retry</strong> of ${i.about.split(".").slice(-4).join(".")}: attempt ${i.retry.attempt} failed
            (${i.error.kind}: ${i.error.message}); next attempt at <time datetime="${i.retry.at}">${i.retry.at}</time>`
        : html`<span class="err">! Error recorded by ${i.service}: ${i.error.kind}: ${i.error.message}</span>`;
      break;
    case "ended":
      cls = i.status === "completed" ? "" : "bad";
      body = html`<strong>Ended: ${statusBadge(i.status)}</strong>
        ${meta([`${i.turns} turns`, usage(i.usage)])}${i.reason ? html` ${i.reason}` : ""}${i.error ? html` <span class="err">${i.error.message}</span>` : ""}${i.answer !== undefined ? long("answer", i.answer) : ""}`;
      break;
    case "guard":
      cls = i.tripped ? "bad" : "";
      body = i.tripped
        ? html`<span class="err">⛔ <strong>${i.point} guardrail ${i.guardrail ?? "?"} tripped</strong></span>
            (${i.onTrip === "pause" ? "pause for a human" : "fail the run"}): ${i.message ?? ""}`
        : html`✓ ${i.point} guardrails passed <span class="meta">${i.checked.join(", ")}</span>`;
      break;
    case "message":
      body = html`✉
        <strong>Message ${i.n}</strong
        >${i.by ? html` from ${i.by}` : ""}${i.text !== undefined ? long("message", i.text) : ""}${i.end ? html` <span class="meta">(end the conversation after the next answer)</span>` : ""}`;
      break;
    case "invalid":
      cls = "bad";
      body = html`<span class="err">Unreadable log entry ${i.subject}: ${i.reason}</span>`;
      break;
  }
  return html`<li class="k-${i.kind} ${cls}" id="seq-${i.seq}">
    <span class="meta"><time datetime="${i.time}">+${(i.atMs / 1000).toFixed(2)} s</time> · #${i.seq}</span>
    ${body}${notes}${stepLink(runId, i)}
  </li>`;
}

/** The timeline, oldest first (a live region of the page). */
export function timelineList(t: Timeline, tokens: ReadonlyMap<number, string>): Html {
  const answered = new Set(t.items.flatMap((i) => (i.kind === "llm-result" ? [i.turn] : [])));
  return html`<ol class="timeline">
    ${t.items.map((i) => item(t.runId, i, tokens, answered))}
  </ol>`;
}

function forkForm(v: RunView, step: number): Html {
  if (v.canFork === undefined) return html``;
  if (!v.canFork)
    return html`<p class="muted">
      Forking from this step writes a new run into the stream (as <code>cairn fork</code> does): your credential may not
      write runs.
    </p>`;
  return html`<form class="act" method="post" action="${runPath(v.timeline.runId, "/fork")}">
    <input type="hidden" name="csrf" value="${v.csrf}" /><input type="hidden" name="step" value="${step}" />
    <button class="fork" type="submit">Fork a new run from step ${step}</button>
    <span class="meta">its history is this run's up to here (recorded model responses reused); it goes on live</span>
  </form>`;
}

function stateView(v: RunView, st: StateAtStep): Html {
  const runId = v.timeline.runId;
  return html`<section class="panel" aria-labelledby="at-h">
    <h2 id="at-h">State after step ${st.step} of ${st.lastStep}</h2>
    <p class="meta">
      seq ${st.seq} · ${st.subject} · ${st.time} · status ${st.status.status} · next turn ${st.nextTurn}
      ${st.step > 0 ? html` · <a href="${runPath(runId, `?at=${st.step - 1}`)}">previous step</a>` : ""}
      ${st.step < st.lastStep ? html` · <a href="${runPath(runId, `?at=${st.step + 1}`)}">next step</a>` : ""} ·
      <a href="${runPath(runId)}">close</a>
    </p>
    ${forkForm(v, st.step)}
    <h3>The conversation the model would see next</h3>
    <ol>
      ${st.messages.map(
        (m) =>
          html`<li>
            <strong>${m.role}</strong
            >${m.name ? html` (${m.name})` : ""}${m.pending ? " — pending" : ""}${m.content !== null ? long("content", m.content) : ""}${
              m.toolCalls?.length
                ? html`<ul>
                    ${m.toolCalls.map((c) => html`<li>${c.name} <code>${c.id}</code> ${long("arguments", c.arguments, false)}</li>`)}
                  </ul>`
                : ""
            }
          </li>`,
      )}
    </ol>
    <h3>Due next</h3>
    ${
      st.due.length
        ? html`<ul>
            ${st.due.map((d) => html`<li><code>${d.subject}</code>${d.recordedSeq !== undefined ? html` (recorded at #${d.recordedSeq})` : " (not recorded)"}</li>`)}
          </ul>`
        : html`<p class="muted">Nothing.</p>`
    }
  </section>`;
}

function promptView(runId: string, p: PromptCheck): Html {
  return html`<section class="panel" aria-labelledby="prompt-h">
    <h2 id="prompt-h">Prompt of turn ${p.turn}</h2>
    <p>
      Rebuilt from the log up to #${p.historySeq}: sha256 <code>${p.hash}</code>.
      ${p.match === true ? html`<strong class="s-completed">Matches</strong> the hash recorded with the response.` : p.match === false ? html`<strong class="err">MISMATCH</strong>: recorded <code>${p.recordedHash ?? ""}</code>.` : ""}
      ${p.note ? html`<span class="muted">${p.note}</span>` : ""} <a href="${runPath(runId)}">close</a>
    </p>
    <ol>
      ${p.request.messages.map((m) => html`<li><strong>${m.role}</strong>${m.content !== null ? long("content", m.content) : ""}</li>`)}
    </ol>
    ${p.request.tools.length ? html`<p class="meta">tools: ${p.request.tools.map((t) => t.name).join(", ")}</p>` : ""}
  </section>`;
}

export function runPage(v: RunView): Html {
  const t = v.timeline;
  const live = v.status.status === "running" || v.status.status === "awaiting_approval";
  const body = html`<h1>Run <span class="mono">${t.runId}</span></h1>
    <p class="meta">
      <a href="/">All runs</a> · <a href="${runPath(t.runId, "/export")}" download>Export (JSON Lines)</a>
    </p>
    ${v.viewError ? html`<p class="notice" role="alert">${v.viewError}</p>` : ""}
    ${
      v.status.archivedAt !== undefined
        ? html`<p class="notice info" role="status">
            Archived at ${v.status.archivedAt}: this run's log is read from the archive, read-only.
          </p>`
        : ""
    }
    ${v.at ? stateView(v, v.at) : ""} ${v.prompt ? promptView(t.runId, v.prompt) : ""}
    <section id="summary" aria-live="polite">${summary(v)}</section>
    <h2>Timeline</h2>
    <section id="timeline">${timelineList(t, v.tokens)}</section>`;
  return layout({
    title: `Run ${t.runId}`,
    body,
    ...(live ? { events: runPath(t.runId, "/events") } : {}),
  });
}

/** A run that left the stream and whose log cannot be read here: why, and its record from the runs index. */
export function leftRunPage(s: RunStatus, message: string): Html {
  const body = html`<h1>Run <span class="mono">${s.runId}</span></h1>
    <p class="meta"><a href="/">All runs</a></p>
    <p class="notice" role="alert">${message}</p>
    <dl class="facts">
      <dt>Status</dt>
      <dd>${statusBadge(s.status)}${s.reason ? html` (${s.reason})` : ""}</dd>
      <dt>Agent</dt>
      <dd>${s.agent}</dd>
      <dt>Task</dt>
      <dd>${long("task", s.task)}</dd>
      <dt>Turns</dt>
      <dd>${s.turn} · ${s.toolCalls} tool calls</dd>
      <dt>Usage</dt>
      <dd>
        ${s.usage.inputTokens} in / ${s.usage.outputTokens} out
        tokens${s.costUsd !== undefined ? html` · $${s.costUsd.toFixed(6)}` : ""}
      </dd>
      <dt>Submitted</dt>
      <dd>${s.submittedAt}${s.endedAt ? html` · ended ${s.endedAt}` : ""}</dd>
      ${
        s.archivedAt !== undefined
          ? html`<dt>Archived</dt>
              <dd>${s.archivedAt}</dd>`
          : ""
      }
      ${
        s.purgedAt !== undefined
          ? html`<dt>Purged</dt>
              <dd>${s.purgedAt}</dd>`
          : ""
      }
    </dl>
    ${
      s.answer !== undefined
        ? html`<h2>Answer</h2>
            <pre class="answer">${block(s.answer)}</pre>`
        : ""
    }`;
  return layout({ title: `Run ${s.runId}`, body });
}

export function errorPage(title: string, message: string): Html {
  return layout({
    title,
    body: html`<h1>${title}</h1>
      <p class="notice" role="alert">${message}</p>
      <p><a href="/">All runs</a></p>`,
  });
}
