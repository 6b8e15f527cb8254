import { randomBytes } from "node:crypto";
import { jetstream } from "@nats-io/jetstream";
import type { NatsConnection } from "@nats-io/transport-node";
import {
  decode,
  encode,
  Subjects,
  validate,
  type CheckResult,
  type LlmResult,
  type RunSubmitted,
  type SummaryResult,
  type ToolResult,
  messageSha256,
} from "@cairn/protocol";
import { appendOnce, isWrongLastSequence, JETSTREAM_TIMEOUT_MS } from "@cairn/bus";
import { safeToolToken } from "@cairn/runtime";
import { foldToStep, ReplayError, stepAt, stepsOf, type RunLog } from "./log.js";

export interface ForkOptions {
  /** Last step of the source to copy (0: only the task and agent — the fork starts from scratch). */
  fromStep: number;
  /**
   * Tool results to replace, or to supply for calls that had none by then, by call id. A string
   * is the tool's output; an object with `ok`/`output`/`error` is merged over the recorded result;
   * any other JSON value becomes the output as JSON text.
   */
  setResults?: Record<string, unknown>;
  /** Another model for the fork's agent (the rest of the agent snapshot is kept). */
  model?: string;
  /** The fork's run id (a new one by default). */
  runId?: string;
  now?: Date;
}

/** A fork, ready to append: copied results first, the submission last. */
export interface ForkPlan {
  runId: string;
  forkedFrom: NonNullable<RunSubmitted["forkedFrom"]>;
  messages: {
    subject: string;
    data: Uint8Array;
    kind: "llm-result" | "summary-result" | "check-result" | "tool-result" | "submitted";
    edited?: boolean;
  }[];
  submitted: RunSubmitted;
}

/** A new run id, sortable by creation time like the planner's. */
export function newForkRunId(now: Date): string {
  return `r${now.getTime().toString(36)}${randomBytes(8).toString("hex")}`;
}

function editedResult(base: ToolResult, value: unknown): ToolResult {
  const { durationMs: _d, error: _e, output: _o, ...rest } = base;
  let out: ToolResult;
  if (typeof value === "string") out = { ...rest, ok: true, output: value };
  else if (
    value &&
    typeof value === "object" &&
    !Array.isArray(value) &&
    ["ok", "output", "error"].some((k) => k in value)
  ) {
    // Only the outcome can be edited; the call's identity stays the recorded one.
    const v = value as Partial<Pick<ToolResult, "ok" | "output" | "error">>;
    const ok = v.ok ?? !v.error;
    out = { ...rest, ok };
    if (ok) out.output = v.output ?? "";
    else out.error = v.error ?? { kind: "error", message: v.output ?? "edited to fail" };
  } else out = { ...rest, ok: true, output: JSON.stringify(value) };
  const checked = validate<ToolResult>("ToolResult", out);
  if (!checked.ok)
    throw new ReplayError("bad_result", `--set-result for ${base.callId}: ${checked.message}`, base.runId);
  return out;
}

/**
 * Plans a fork of `source` from step `fromStep`: a new run whose history is the source's results up
 * to that step (model responses — turns, summaries, guardrail checks — and tool results, `runId` rewritten — nothing is called again for
 * them), optionally with edited tool results or another model, followed by a submission carrying
 * `forkedFrom`. Appended in that order, the planner folds the copied results first (it decides
 * nothing without a submission) and, on the submission, decides what is due from the full state:
 * the next model turn, the pending tool calls, or the end.
 */
export function planFork(source: RunLog, target: Subjects, o: ForkOptions): ForkPlan {
  const srcSubjects = new Subjects(source.prefix);
  const steps = stepsOf(source);
  const last = stepAt(source, steps, o.fromStep);
  const { state, applied } = foldToStep(source, steps, o.fromStep);
  const sub = state.submitted;
  if (!sub)
    throw new ReplayError(
      "no_submission",
      `run ${source.runId} has no valid submission: nothing to fork`,
      source.runId,
    );
  const now = o.now ?? new Date();
  const runId = o.runId ?? newForkRunId(now);

  const messages: ForkPlan["messages"] = [];
  const toolIndex = new Map<string, number>();
  for (const s of steps.filter((x) => x.step >= 1 && x.step <= o.fromStep).sort((a, b) => a.step - b.step)) {
    if (s.kind !== "llm-result" && s.kind !== "tool-result" && s.kind !== "summary-result" && s.kind !== "check-result")
      continue;
    if (
      applied.get(s.seq)?.kind === "ignored" &&
      /already ended/.test((applied.get(s.seq) as { reason?: string }).reason ?? "")
    )
      continue;
    const e = source.entries[s.index]!;
    const p = srcSubjects.parse(e.subject)!.what;
    let subject: string;
    let data = e.data;
    if (p.kind === "llm-result") {
      subject = target.llmResult(runId, p.turn);
      const d = decode<LlmResult>("LlmResult", e.data);
      if (d.ok) data = encode({ ...d.value, runId });
    } else if (p.kind === "summary-result") {
      subject = target.summaryResult(runId, p.turn);
      const d = decode<SummaryResult>("SummaryResult", e.data);
      if (d.ok) data = encode({ ...d.value, runId });
    } else if (p.kind === "check-result") {
      // A model-judged guardrail's verdict is a recorded model call like the others: the fork reads
      // it (the point's verdict follows from it) instead of asking the judge again.
      subject = target.checkResult(runId, p.n);
      const d = decode<CheckResult>("CheckResult", e.data);
      if (d.ok) data = encode({ ...d.value, runId });
    } else if (p.kind === "tool-result") {
      subject = target.toolResult(
        runId,
        p.turn,
        p.index,
        safeToolToken(state.turns[p.turn - 1]?.llm.toolCalls?.[p.index]?.name ?? p.tool ?? ""),
      );
      const d = decode<ToolResult>("ToolResult", e.data);
      if (d.ok) data = encode({ ...d.value, runId });
      toolIndex.set(`${p.turn}.${p.index}`, messages.length);
    } else continue;
    messages.push({ subject, data, kind: s.kind });
  }

  const edited: string[] = [];
  for (const [callId, value] of Object.entries(o.setResults ?? {})) {
    let found: { turn: number; index: number; tool: string } | undefined;
    for (const t of state.turns) {
      const i = t.llm.toolCalls?.findIndex((c) => c.id === callId) ?? -1;
      if (i >= 0) found = { turn: t.turn, index: i, tool: t.llm.toolCalls![i]!.name };
    }
    if (!found) {
      const known = state.turns.flatMap((t) => (t.llm.toolCalls ?? []).map((c) => c.id));
      throw new ReplayError(
        "no_such_call",
        `no tool call ${JSON.stringify(callId)} in run ${source.runId} up to step ${o.fromStep} (calls: ${known.join(", ") || "none"})`,
        source.runId,
      );
    }
    const recorded = state.turns[found.turn - 1]!.results[found.index];
    const base: ToolResult = recorded
      ? { ...recorded, runId }
      : {
          v: 1,
          type: "tool.result",
          runId,
          turn: found.turn,
          index: found.index,
          callId,
          tool: found.tool,
          ok: true,
          attempts: 1,
        };
    const msg = {
      subject: target.toolResult(runId, found.turn, found.index, safeToolToken(found.tool)),
      data: encode(editedResult(base, value)),
      kind: "tool-result" as const,
      edited: true,
    };
    const at = toolIndex.get(`${found.turn}.${found.index}`);
    if (at !== undefined) messages[at] = msg;
    else messages.push(msg);
    edited.push(callId);
  }

  // The submission names every copied message (subject and hash): the fold takes those, and rejects
  // anything else written to the fork's subjects before its submission.
  const prefix = messages.map((m) => ({ subject: m.subject, sha256: messageSha256(m.data) }));
  const forkedFrom: ForkPlan["forkedFrom"] = {
    runId: source.runId,
    step: o.fromStep,
    seq: last.seq,
    ...(edited.length ? { editedCalls: edited } : {}),
    prefix,
  };
  const { idempotencyKey: _k, trace: _t, forkedFrom: _f, ...keep } = sub;
  const submitted: RunSubmitted = {
    ...keep,
    runId,
    agent: o.model ? { ...sub.agent, model: o.model } : sub.agent,
    submittedAt: now.toISOString(),
    forkedFrom,
  };
  const checked = validate<RunSubmitted>("RunSubmitted", submitted);
  if (!checked.ok) throw new ReplayError("bad_result", `fork submission: ${checked.message}`, source.runId);
  messages.push({ subject: target.submitted(runId), data: encode(submitted), kind: "submitted" });
  return { runId, forkedFrom, messages, submitted };
}

export interface ForkResult {
  runId: string;
  forkedFrom: ForkPlan["forkedFrom"];
  /** Results copied (or edited) into the fork, not counting the submission. */
  copied: number;
  /** Stream sequence of the fork's submission. */
  submittedSeq: number;
}

/**
 * Forks a run (see `planFork`) and appends it: every copied result with `appendOnce`, in order, and
 * the submission last — so the planner continues the fork live from the copied state.
 */
export async function forkRun(
  nc: NatsConnection,
  target: Subjects,
  source: RunLog,
  o: ForkOptions,
): Promise<ForkResult> {
  const plan = planFork(source, target, o);
  const js = jetstream(nc, { timeout: JETSTREAM_TIMEOUT_MS });
  let seq = 0;
  for (const m of plan.messages) {
    const r = await appendOnce(js, m.subject, m.data);
    if (r.duplicate)
      throw new ReplayError(
        "bad_result",
        `fork ${plan.runId}: ${m.subject} already holds a message (run id taken?)`,
        plan.runId,
      );
    seq = r.seq;
  }
  return { runId: plan.runId, forkedFrom: plan.forkedFrom, copied: plan.messages.length - 1, submittedSeq: seq };
}

/**
 * Whether this connection may write a fork into the stream (forkRun appends its submission and
 * copied model responses), asked without writing anything: a publish to a fresh run's submission
 * and first model response that JetStream refuses for its expected last subject sequence (1: the
 * subjects hold none). A connection without the permission (in the shipped accounts, every user
 * but admin; a tenant's, which reaches no stream) is refused by the server, or nothing answers.
 */
export async function mayFork(nc: NatsConnection, target: Subjects, o: { timeoutMs?: number } = {}): Promise<boolean> {
  const js = jetstream(nc, { timeout: o.timeoutMs ?? JETSTREAM_TIMEOUT_MS });
  const runId = newForkRunId(new Date());
  const answers = await Promise.all(
    [target.submitted(runId), target.llmResult(runId, 1)].map((subject) =>
      js.publish(subject, new Uint8Array(), { expect: { lastSubjectSequence: 1 } }).then(
        () => true, // stored anyway (a server that ignored the expectation): an empty message no fold takes
        (err: unknown) => isWrongLastSequence(err),
      ),
    ),
  );
  return answers.every(Boolean);
}
