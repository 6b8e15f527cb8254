import { randomBytes } from "node:crypto";
import {
  API_VERSION,
  encode,
  validate,
  type ApiError,
  type MessageTypeName,
  type ApprovalRequest,
  type RunApproval,
  type ListReply,
  type ListRequest,
  type RunRequest,
  type RunMessage,
  type RunSignal,
  type RunStatus,
  type ReadReply,
  type SendReply,
  type SendRequest,
  type ReadRequest,
  type RunSubmitted,
  type SpawnRequest,
  type SubmitReply,
  type SubmitRequest,
  type Subjects,
  type ToolRegistration,
  type HistoryEntry,
  APPROVE_ROLE_PROBE,
} from "@cairn/protocol";
import {
  budgetPause,
  childRunId,
  compileJsonSchema,
  type CodeGuards,
  decide,
  judgeProviders,
  loopPause,
  pendingApprovals,
  reduceRun,
  runIdForKey,
  runStatus,
  SUB_AGENT_TOOL,
  toolIdempotencyKey,
  type Applied,
  type RunState,
} from "@cairn/runtime";
import type { AppendResult, DeliveryInHand, Disposition } from "@cairn/bus";
import {
  activeSpan,
  beginRun,
  CairnAttr,
  endRun,
  stepLogger,
  tracingEnabled,
  withRunTrace,
  type Logger,
} from "@cairn/telemetry";
import { teamOf, type AgentDefinition, type Agents, type PriceTable } from "./agents.js";
import { sameTenant, type Caller, type Role } from "./access.js";
import { EVENTS_HEADER, SEQS_HEADER, SINCE_HEADER } from "@cairn/runlog";
import { runErrorEvent, type CrashPoint } from "@cairn/worker";
import { sumCounts, type StatusCountGroup } from "./run-counts.js";

/** One event as delivered to the planner. */
export interface EventMessage {
  subject: string;
  seq: number;
  deliveries: number;
  data: Uint8Array;
}

export interface PlannerHandlerDeps {
  subjects: Subjects;
  history: {
    foldTo(
      runId: string,
      seq: number,
      opts?: { delivery?: DeliveryInHand },
    ): Promise<{ state: RunState; applied: Applied | undefined }>;
    forget(runId: string): void;
  };
  /** `headers`: transport hints that are not part of the decision (see EVENTS_HEADER). */
  append(subject: string, data: Uint8Array, headers?: Record<string, string>): Promise<AppendResult>;
  /** The runs index (see RunIndex): written as the run goes. */
  index: {
    submitted(s: RunStatus): Promise<boolean>;
    changed(s: RunStatus): Promise<void>;
    progress(s: RunStatus): void;
  };
  crash: { hit(p: CrashPoint, subject?: string): void };
  log: Logger;
  maxMessageBytes: number;
  /** Guardrails written in code (agents from CAIRN_AGENTS_MODULE): the decisions look them up by agent and name. */
  code?: CodeGuards;
}

/** Events whose invalid form the planner reports as an error event (never error or approval events themselves). */
const REPORTED = new Set(["submitted", "llm-result", "tool-result", "summary-result", "signal", "ended"]);

/**
 * The planner's event handler: fold the run up to this event, decide, append the decided
 * messages (each written once, ever), then ack. A redelivered event decides the same outputs,
 * which the stream rejects as repeats, so crashing anywhere in here loses and doubles nothing.
 */
export function createPlannerHandler(
  deps: PlannerHandlerDeps,
): (m: EventMessage, delivery?: DeliveryInHand) => Promise<Disposition> {
  const { subjects, log } = deps;
  return async (m, delivery) => {
    const parsed = subjects.parse(m.subject);
    if (!parsed) {
      log.error({ subject: m.subject, seq: m.seq }, "event on a subject that is not a run subject; dropped");
      return { term: "not a run subject" };
    }
    const runId = parsed.runId;
    const rlog = stepLogger(log, { runId, seq: m.seq, event: parsed.what.kind, deliveries: m.deliveries });
    deps.crash.hit("after-receive", m.subject);

    if (parsed.what.kind === "unknown") rlog.warn("unknown event subject ignored");
    // An oversized message is reported as such (the fold reads any size: it is in the log).
    const oversized =
      m.data.length > deps.maxMessageBytes
        ? `message of ${m.data.length} bytes exceeds the limit of ${deps.maxMessageBytes} bytes`
        : undefined;

    const { state, applied } = await deps.history.foldTo(runId, m.seq, { delivery });
    if (!applied) {
      rlog.warn("event not found in the run's log (purged?); nothing to decide");
      return { ack: true };
    }
    // A malformed or schema-invalid event is folded as a failed step (see applyEntry), and
    // reported: in the log and as an error event in the run. Decoded once, by the fold.
    const invalid = oversized ? { kind: "oversized" as const, message: oversized } : applied.invalid;
    if (invalid && REPORTED.has(parsed.what.kind)) {
      rlog.error({ kind: invalid.kind, reason: invalid.message }, "invalid event recorded in run");
      await deps.append(
        subjects.error(runId, `s${m.seq}`),
        encode(runErrorEvent("planner", runId, m, { kind: invalid.kind, message: invalid.message }, Date.now())),
      );
    }
    if (applied.kind === "rejected")
      rlog.warn({ subject: m.subject, reason: applied.reason }, "message rejected by the fold: never part of the run");
    const outputs = decide(state, applied, subjects, deps.code);
    const span = activeSpan();
    span?.setAttribute(
      CairnAttr.DECIDED,
      outputs.map((o) => o.subject.slice(o.subject.indexOf(`.${runId}.`) + runId.length + 2)),
    );
    // An event that came without trace context (appended outside any step, or by a process with
    // tracing off): the decided messages still carry the run's trace, stored with its submission.
    await withRunTrace(span ? undefined : state.submitted?.trace, () =>
      Promise.all(
        outputs.map(async (o) => {
          // An LLM command says how many events the run has up to its historySeq, so the llm-caller
          // can fold its own previous response without reading it back (RunHistory.noteOwn).
          const r = await deps.append(
            o.subject,
            encode(o.message),
            o.type === "LlmCommand" ? foldHint(state) : undefined,
          );
          rlog.debug(
            { subject: o.subject, duplicate: r.duplicate },
            r.duplicate ? "output already recorded" : "output recorded",
          );
        }),
      ),
    );
    // The runs index changes when a run starts, ends, or starts or stops waiting for a human.
    // (Any decided-on event can start a wait: a response asking for approval, a result or a summary
    // that crosses a budget, a result that trips the loop guard — only for agents that ask humans at all.)
    const agent = state.submitted?.agent;
    const asksHumans =
      agent !== undefined &&
      (agent.onBudgetExceeded === "approve" ||
        agent.loopGuard?.onTrip === "pause" ||
        [agent, ...(state.submitted?.team ?? [])].some((a) => a.tools.some((t) => t.requiresApproval === true)));
    const awaiting =
      asksHumans &&
      applied.kind !== "error" &&
      applied.kind !== "ignored" &&
      applied.kind !== "rejected" &&
      (pendingApprovals(state).length > 0 || budgetPause(state) !== undefined || loopPause(state) !== undefined);
    const changed =
      applied.kind === "ended" ||
      awaiting ||
      applied.kind === "approval" ||
      applied.kind === "budget-approval" ||
      applied.kind === "loop-approval" ||
      applied.kind === "message" ||
      (agent?.conversation === true && applied.kind === "llm-result");
    if (applied.kind === "submitted") await deps.index.submitted(runStatus(state));
    else if (changed) await deps.index.changed(runStatus(state));
    // Progress of a running run (written within a second, the latest wins) — not when this event
    // ends the run: the end, folded next, writes the final record.
    else if (
      applied.kind !== "rejected" &&
      applied.kind !== "ignored" &&
      !state.ended &&
      !outputs.some((o) => o.subject === subjects.ended(runId))
    )
      deps.index.progress(runStatus(state));
    if (applied.kind === "submitted" || changed) {
      if (applied.kind === "ended") {
        deps.history.forget(runId);
        // The run's root span: its ids were fixed at submission; it spans submission to end.
        if (state.submitted && state.ended) {
          const { agent } = state.submitted;
          endRun({
            runId,
            agent: agent.name,
            provider: agent.provider,
            model: agent.model,
            trace: state.submitted.trace,
            submittedAt: state.submitted.submittedAt,
            endedAt: state.ended.endedAt,
            status: state.ended.status,
            ...(state.ended.reason ? { reason: state.ended.reason } : {}),
            turns: state.ended.turns,
            toolCalls: state.toolCalls,
            usage: state.ended.usage,
          });
        }
        rlog.info({ status: state.ended?.status, turns: state.turns.length }, "run ended");
      } else if (applied.kind === "submitted") rlog.info({ agent: state.submitted?.agent.name }, "run started");
      else if (awaiting)
        rlog.info(
          {
            approvals: pendingApprovals(state).length,
            budget: budgetPause(state)?.kind,
            loop: loopPause(state)?.pattern,
          },
          "run waits for a human decision",
        );
      else rlog.info({ event: applied.kind }, "a human's decision recorded: the run goes on");
    }
    deps.crash.hit("after-publish", m.subject);
    return { ack: true };
  };
}

/** The LLM command's history hint (see FoldHint): the event count, and the events since the last response. */
function foldHint(state: RunState): Record<string, string> {
  const h: Record<string, string> = { [EVENTS_HEADER]: String(state.events) };
  if (state.lastLlmSeq > 0 && state.sinceLlm.length <= 256) {
    h[SINCE_HEADER] = String(state.lastLlmSeq);
    h[SEQS_HEADER] = state.sinceLlm.join(",");
  }
  return h;
}

/** What the planner's request/reply API needs. */
export interface ApiDeps {
  subjects: Subjects;
  agents: Agents;
  prices?: PriceTable;
  lookupTools(names: string[]): Promise<Map<string, ToolRegistration>>;
  append(subject: string, data: Uint8Array): Promise<AppendResult>;
  readEvents(runId: string): Promise<HistoryEntry[]>;
  /** A run's whole log (commands too) from `fromSeq`, in stream order. */
  readLog(runId: string, fromSeq: number): AsyncIterable<HistoryEntry>;
  /** The runs index (see RunIndex). */
  index: RunIndexReader;
  /** Whether the run's end is in its log (one read of its end subject). */
  hasEnded(runId: string): Promise<boolean>;
  /** The consumers that would carry the agent's commands and do not exist (cairn provision makes them). */
  missingWorkQueues(provider: string, tools: string[]): Promise<string[]>;
  /** Whether some worker is pulling from (or holding work of) the consumer for this tool / provider. */
  workerAvailable(kind: "tool" | "llm", name: string): Promise<boolean>;
  now(): Date;
  log: Logger;
  /** Largest task and metadata a submission may carry (bytes, UTF-8 / JSON). */
  limits?: { taskBytes: number; metadataBytes: number };
}

function apiError(kind: string, message: string): ApiError {
  return { v: 1, error: { kind, message } };
}

/**
 * A request checked against its schema. `v` may be omitted on every request (it is taken to be the
 * current version); a version this planner does not speak is refused as such, not as a schema error.
 */
function request<T>(type: MessageTypeName, body: unknown): { ok: true; value: T } | { ok: false; error: ApiError } {
  if (body && typeof body === "object" && !Array.isArray(body)) {
    const v = (body as { v?: unknown }).v;
    if (v === undefined) body = { ...body, v: API_VERSION };
    else if (v !== API_VERSION)
      return {
        ok: false,
        error: apiError(
          "unsupported_version",
          `request version v=${JSON.stringify(v)} is not one this planner speaks: it speaks v=${API_VERSION} (omit v for the current version)`,
        ),
      };
  }
  const r = validate<T>(type, body);
  return r.ok ? r : { ok: false, error: apiError("bad_request", r.message) };
}

/** The caller may not do this, or may not see the run (answered as not found: a run of another tenant is not disclosed). */
function forbidden(caller: Caller, role: Role): ApiError {
  return apiError(
    "forbidden",
    `${caller.identity} has no ${role} role${caller.tenant ? ` in tenant ${caller.tenant}` : ""}`,
  );
}

/** Task and metadata sizes a submission may carry by default. */
export const DEFAULT_API_LIMITS = { taskBytes: 64 * 1024, metadataBytes: 16 * 1024 };
/** A `list` reply stays under this many bytes (well under the default max_payload), with a cursor for the rest. */
const LIST_REPLY_BYTES = 256 * 1024;
/** A `read` reply stays under this many bytes of entries. */
const READ_REPLY_BYTES = 512 * 1024;
/** Text fields of a listed run are clipped to this many characters (`status` gives the whole run). */
const LIST_CLIP = 200;

/**
 * Run ids sort by creation time; with an idempotency key they are derived from it — within the
 * tenant and agent for a tenant's run, so two tenants' keys never name the same run.
 */
export function newRunId(now: Date, idempotencyKey?: string, scope?: { tenant: string; agent: string }): string {
  if (idempotencyKey)
    return runIdForKey(scope ? `tenant:${scope.tenant}:${scope.agent}:${idempotencyKey}` : idempotencyKey);
  return `r${now.getTime().toString(36)}${randomBytes(8).toString("hex")}`;
}

function clip(s: string | undefined): string | undefined {
  return s === undefined || s.length <= LIST_CLIP ? s : `${s.slice(0, LIST_CLIP)}… [${s.length} characters]`;
}

/** A run as `list` shows it: its text fields clipped. */
function summary(s: RunStatus): RunStatus {
  const out: RunStatus = { ...s, task: clip(s.task)! };
  if (s.answer !== undefined) out.answer = clip(s.answer)!;
  if (s.reason !== undefined) out.reason = clip(s.reason)!;
  if (s.approvals)
    out.approvals = s.approvals.map((a) => ({
      ...a,
      arguments: clip(a.arguments)!,
      ...(a.reason !== undefined ? { reason: clip(a.reason)! } : {}),
    }));
  return out;
}

/** A list cursor: the index position the next page continues below. */
function cursorOf(at: IndexPosition): string {
  return Buffer.from(JSON.stringify(at.archived ? { archivedBefore: at.seq } : { before: at.seq })).toString(
    "base64url",
  );
}
function parseCursor(c: string): IndexPosition | undefined {
  try {
    const v = JSON.parse(Buffer.from(c, "base64url").toString("utf8")) as {
      before?: unknown;
      archivedBefore?: unknown;
    };
    const seq = v.before ?? v.archivedBefore;
    if (
      typeof seq !== "number" ||
      !Number.isSafeInteger(seq) ||
      seq <= 0 ||
      (v.before !== undefined && v.archivedBefore !== undefined)
    )
      return undefined;
    return { archived: v.archivedBefore !== undefined, seq };
  } catch {
    return undefined;
  }
}

/**
 * Where a run's record is: in the runs index's stream (runs not yet archived or purged, in
 * submission order), or among the archive's run records (`archived`: runs that left the runs
 * index, in the order they left it), which the list walks after the others.
 */
export interface IndexPosition {
  archived: boolean;
  seq: number;
}

/** What `newest` is asked for (see RunIndex.newest). */
export interface NewestQuery {
  limit: number;
  budget: number;
  before?: IndexPosition;
  keepSubmission: (s: RunStatus) => boolean | "stop";
  keep: (s: RunStatus) => boolean;
  /**
   * The archive's records are in the order runs left the index, not submission order: the walk
   * through them stops at the first record that left before this time (ms), as no run submitted
   * later can be below it (a run leaves the index after it was submitted).
   */
  archivedSince?: number;
}

/** A run `newest` found, and the index position of its record. */
export interface IndexedRun {
  status: RunStatus;
  at: IndexPosition;
}

/** What `newest` answers: where the walk stopped (`next`: undefined when the index ended). */
export interface NewestPage {
  runs: IndexedRun[];
  next: IndexPosition | undefined;
  examined: number;
}

/** What `list` and `status` read from the runs index (RunIndex). */
export interface RunIndexReader {
  get(runId: string): Promise<RunStatus | undefined>;
  newest(q: NewestQuery): Promise<NewestPage>;
  /**
   * Runs by status and (tenant, agent), for `list` with `counts` (see RunCounts); undefined when
   * they take longer than `waitMs` (the first read of a large index), absent: no counts answered.
   */
  counts?(waitMs: number): Promise<StatusCountGroup[] | undefined>;
}

/** Index entries one `list` request examines at most: a filter that matches few runs answers a short page with a cursor. */
export const LIST_EXAMINE_BUDGET = 20_000;
/**
 * How long `list` waits for counts of runs by status before it answers without them; while a
 * planner's first read of its index is under way it answers without them at once: a page is never
 * held up by it (a caller asks again, as a live page does).
 */
const LIST_COUNTS_WAIT_MS = 250;

/** The `cairn` micro service's endpoints, as plain functions of JSON values. */
export function createApi(deps: ApiDeps) {
  const { subjects } = deps;

  const limits = deps.limits ?? DEFAULT_API_LIMITS;
  /** Another decision took the subject first (two approvers at once): this one was not recorded. */
  const alreadyDecided = (runId: string, callId: string): ApiError =>
    apiError(
      "already_decided",
      `call ${JSON.stringify(callId)} of run ${runId} already has a decision recorded: this one was not recorded (cairn status shows which)`,
    );
  const notFound = (runId: string): ApiError => apiError("not_found", `no run ${runId} (never submitted, or purged)`);

  /** The run folded from its events, if the caller may see it (a run of another tenant is "not found"). */
  async function visibleRun(runId: string, caller: Caller): Promise<RunState | ApiError> {
    const events = await deps.readEvents(runId);
    if (events.length === 0) return notFound(runId);
    const state = reduceRun(runId, events, subjects);
    if (!sameTenant(caller, state.submitted?.tenant)) return notFound(runId);
    return state;
  }

  /** Says which of the work the run waits on no live worker serves right now (it is not failed: it waits). */
  async function withRunners(st: RunStatus): Promise<RunStatus> {
    if (st.status !== "running" || !st.waitingOn) return st;
    const missing: string[] = [];
    for (const p of st.waitingOn) {
      if (missing.includes(p.name)) continue;
      if (!(await deps.workerAvailable(p.kind, p.name))) missing.push(p.name);
    }
    return missing.length ? { ...st, waitingForRunner: missing } : st;
  }

  /** The run's status folded from its log: exact, for the calls that act on it (approve, cancel). */
  async function foldedStatus(runId: string, caller: Caller): Promise<RunStatus | ApiError> {
    const state = await visibleRun(runId, caller);
    if ("error" in state) return state;
    return withRunners(runStatus(state));
  }

  /**
   * The run's status from the runs index (one read by key, whatever the run's length): a running
   * run's progress is at most the index's progress interval behind its log; a start, an end and a
   * wait for a human are there at once. A run the index does not hold yet (just submitted) is
   * folded from its log.
   */
  async function status(body: unknown, caller: Caller): Promise<RunStatus | ApiError> {
    if (!caller.roles.has("read")) return forbidden(caller, "read");
    const r = request<RunRequest>("RunRequest", body);
    if (!r.ok) return r.error;
    const indexed = await deps.index.get(r.value.runId);
    if (!indexed) return foldedStatus(r.value.runId, caller);
    if (!sameTenant(caller, indexed.tenant)) return notFound(r.value.runId);
    // An end is final: a run the index still shows in flight whose end is in the log (the planner
    // has not indexed it yet) is folded, so no one sees "running" after the log said it ended.
    if (
      (indexed.status === "running" || indexed.status === "awaiting_approval") &&
      (await deps.hasEnded(r.value.runId))
    )
      return foldedStatus(r.value.runId, caller);
    return withRunners(indexed);
  }

  /** Creates a run from a checked request (or answers the run its idempotency key already names). */
  async function create(
    req: SubmitRequest,
    caller: Caller,
    parent?: RunSubmitted["parent"],
    fixedRunId?: string,
  ): Promise<SubmitReply | ApiError> {
    const agentName = req.agent ?? deps.agents.defaultAgent;
    const agent = deps.agents.agents.get(agentName);
    if (!agent)
      return apiError(
        "unknown_agent",
        `no agent named ${JSON.stringify(agentName)} (known: ${[...deps.agents.agents.keys()].join(", ")})`,
      );
    // The team: the agents this one may hand the run to, followed from agent to agent.
    const team = teamOf(deps.agents, agent);
    const allTools = [...new Set([agent, ...team].flatMap((a) => a.tools))];
    const found = await deps.lookupTools(allTools);
    const missing = allTools.filter((t) => !found.has(t));
    if (missing.length) {
      return apiError(
        "unknown_tool",
        `agent ${agentName}${team.length ? " (with the agents it may hand off to)" : ""} uses tools no tool-runner has registered: ${missing.join(", ")} (start a tool-runner that serves them)`,
      );
    }
    const missingQueues: string[] = [];
    for (const a of [agent, ...team]) {
      // (a model-judged guardrail's check goes to its judge's provider)
      const work: [string, string[]][] = [
        [a.provider, a.tools],
        ...judgeProviders(a).map((p): [string, string[]] => [p, []]),
      ];
      for (const [provider, tools] of work)
        for (const q of await deps.missingWorkQueues(provider, tools))
          if (!missingQueues.includes(q)) missingQueues.push(q);
    }
    if (missingQueues.length) {
      return {
        v: 1,
        error: {
          kind: "not_provisioned",
          message: `agent ${agentName} needs work queues that do not exist: ${missingQueues.join(", ")} (an admin runs 'cairn provision' for this agents file)`,
          retryable: false,
        },
      };
    }
    const now = deps.now();
    // A tool any agent of the team gates (or lets an approver edit) is gated for all of them: the
    // tool-runner checks a call against the run's snapshot by tool name, whoever made it.
    const gated = new Set(
      allTools.filter(
        (t) => found.get(t)!.requiresApproval === true || [agent, ...team].some((a) => a.approve.includes(t)),
      ),
    );
    const editable = new Set(
      allTools.filter((t) => gated.has(t) && [agent, ...team].some((a) => a.editableArgs?.includes(t))),
    );
    const snapshot = (a: AgentDefinition): RunSubmitted["agent"] => ({
      name: a.name,
      provider: a.provider,
      model: a.model,
      systemPrompt: a.systemPrompt,
      tools: a.tools.map((t) => {
        const reg = found.get(t)!;
        return {
          name: reg.name,
          description: reg.description,
          inputSchema: reg.inputSchema,
          ...(gated.has(t) ? { requiresApproval: true } : {}),
          ...(editable.has(t) ? { argsEditable: true } : {}),
        };
      }),
      maxTurns: a.maxTurns,
      ...(a.temperature !== undefined ? { temperature: a.temperature } : {}),
      ...(a.maxTokens !== undefined ? { maxTokens: a.maxTokens } : {}),
      ...(a.maxToolCallsPerTurn !== undefined ? { maxToolCallsPerTurn: a.maxToolCallsPerTurn } : {}),
      ...(a.maxParallelToolCalls !== undefined ? { maxParallelToolCalls: a.maxParallelToolCalls } : {}),
      ...(a.maxCostUsd !== undefined ? { maxCostUsd: a.maxCostUsd } : {}),
      ...(a.deadlineMs !== undefined ? { deadlineMs: a.deadlineMs } : {}),
      ...(a.contextBudgetTokens !== undefined ? { contextBudgetTokens: a.contextBudgetTokens } : {}),
      ...(a.summarize ? { summarize: a.summarize } : {}),
      ...(a.onBudgetExceeded === "approve" ? { onBudgetExceeded: "approve" as const } : {}),
      ...(a.loopGuard ? { loopGuard: { ...a.loopGuard } } : {}),
      ...(a.handoffs?.length ? { handoffs: [...a.handoffs] } : {}),
      ...(a.guardrails ? { guardrails: a.guardrails } : {}),
      ...(a.instructionsInCode ? { instructionsInCode: true as const } : {}),
      ...(a.toolCallHook ? { toolCallHook: true as const } : {}),
      ...(a.maxOutputTokens !== undefined ? { maxOutputTokens: a.maxOutputTokens } : {}),
      ...(a.output ? { output: { ...a.output } } : {}),
      ...(a.conversation ? { conversation: true } : {}),
      ...(deps.prices?.get(a.model) ? { pricing: deps.prices.get(a.model)! } : {}),
    });
    const runId =
      fixedRunId ??
      newRunId(
        now,
        req.idempotencyKey,
        caller.tenant !== undefined ? { tenant: caller.tenant, agent: agent.name } : undefined,
      );
    // A key names its run for good: also once the run was archived or purged, when its subjects
    // are free again in the stream (the archive directory remembers it: RunIndex.get).
    if (req.idempotencyKey) {
      const prior = await deps.index.get(runId);
      if (prior && (prior.archivedAt !== undefined || prior.purgedAt !== undefined)) {
        if (prior.agent !== agent.name || prior.tenant !== caller.tenant || prior.task !== req.task) {
          return apiError(
            "idempotency_conflict",
            `idempotency key ${JSON.stringify(req.idempotencyKey)} already names run ${runId} (${prior.archivedAt !== undefined ? "archived" : "purged"}) with another ${prior.agent !== agent.name ? "agent" : "task"}: use another key`,
          );
        }
        return { v: 1, runId, created: false };
      }
    }
    // The run's trace: under the submitter's trace context if it sent one (see run-trace.ts).
    const run = beginRun({ runId, agent: agent.name, provider: agent.provider, model: agent.model }, req.trace);
    const submitted: RunSubmitted = {
      v: 1,
      type: "run.submitted",
      runId,
      task: req.task,
      agent: snapshot(agent),
      ...(team.length ? { team: team.map(snapshot) } : {}),
      submittedAt: now.toISOString(),
      ...(req.idempotencyKey ? { idempotencyKey: req.idempotencyKey } : {}),
      ...(req.metadata ? { metadata: req.metadata } : {}),
      ...(req.images?.length ? { images: req.images } : {}),
      ...(parent ? { parent } : {}),
      ...(run.trace ? { trace: run.trace } : {}),
      ...(caller.tenant !== undefined ? { tenant: caller.tenant } : {}),
      submittedBy: caller.identity,
    };
    const res = await run.within(() => deps.append(subjects.submitted(runId), encode(submitted)));
    if (res.duplicate) {
      // The key names an existing run: the same one only if it is the same request.
      const stored = reduceRun(runId, await deps.readEvents(runId), subjects).submitted;
      if (
        stored &&
        (stored.task !== req.task || stored.agent.name !== agent.name || stored.tenant !== submitted.tenant)
      ) {
        return apiError(
          "idempotency_conflict",
          `idempotency key ${JSON.stringify(req.idempotencyKey)} already names run ${runId} with another ${stored.agent.name !== agent.name ? "agent" : "task"}: use another key`,
        );
      }
    }
    run.within(() =>
      deps.log.info(
        { runId, created: !res.duplicate },
        res.duplicate ? "resubmission returned the existing run" : "run submitted",
      ),
    );
    return { v: 1, runId, created: !res.duplicate, ...(res.seq ? { seq: res.seq } : {}) };
  }

  return {
    async submit(body: unknown, caller: Caller): Promise<SubmitReply | ApiError> {
      if (!caller.roles.has("submit")) return forbidden(caller, "submit");
      if (body && typeof body === "object" && "parent" in body) {
        return apiError(
          "bad_request",
          "parent is not accepted in a submission: a sub-agent run is started by its parent's run_agent call (<prefix>.api.spawn), which the planner checks against the parent's log",
        );
      }
      const r = request<SubmitRequest>("SubmitRequest", body);
      if (!r.ok) return r.error;
      // Keys of this form name sub-agent runs (see spawn): a submission may not take a child's run id.
      if (r.value.idempotencyKey?.startsWith("child:"))
        return apiError("bad_request", `idempotency keys starting with "child:" are reserved for sub-agent runs`);
      const taskBytes = Buffer.byteLength(r.value.task);
      if (taskBytes > limits.taskBytes)
        return apiError(
          "bad_request",
          `task of ${taskBytes} bytes exceeds the limit of ${limits.taskBytes} bytes (CAIRN_MAX_TASK_BYTES)`,
        );
      const metaBytes = r.value.metadata ? Buffer.byteLength(JSON.stringify(r.value.metadata)) : 0;
      if (metaBytes > limits.metadataBytes)
        return apiError(
          "bad_request",
          `metadata of ${metaBytes} bytes exceeds the limit of ${limits.metadataBytes} bytes (CAIRN_MAX_METADATA_BYTES)`,
        );
      return create(r.value, caller);
    },

    /**
     * Starts the sub-agent run of a pending run_agent call. Nothing in the request is trusted but
     * the call's coordinates: the parent's log must hold that call (same call id), still without a
     * result; the child's id, task and agent are derived from the call as recorded.
     */
    async spawn(body: unknown, caller: Caller): Promise<SubmitReply | ApiError> {
      if (!caller.operator)
        return apiError(
          "forbidden",
          `${caller.identity} may not start sub-agent runs: a run_agent call does (the tool-runner)`,
        );
      const r = request<SpawnRequest>("SpawnRequest", body);
      if (!r.ok) return r.error;
      const { runId, turn, index, callId } = r.value;
      const parent = reduceRun(runId, await deps.readEvents(runId), subjects);
      const t = parent.turns[turn - 1];
      const call = t?.llm.toolCalls?.[index];
      if (!parent.submitted || !t || !call || call.id !== callId || call.name !== SUB_AGENT_TOOL) {
        return apiError(
          "not_found",
          `run ${runId} has no ${SUB_AGENT_TOOL} call ${JSON.stringify(callId)} at turn ${turn}, index ${index}`,
        );
      }
      if (t.results[index] || parent.ended)
        return apiError(
          "not_awaiting",
          `the ${SUB_AGENT_TOOL} call ${JSON.stringify(callId)} of run ${runId} already has its result`,
        );
      const spec = parent.submitted.agent.tools.find((x) => x.name === SUB_AGENT_TOOL);
      if (!spec) return apiError("not_found", `run ${runId}'s agent has no ${SUB_AGENT_TOOL} tool`);
      // A gated run_agent starts its child only once a human approved the call.
      if (spec.requiresApproval && parent.approvals.get(`${turn}.${index}`)?.decision !== "approve") {
        return apiError(
          "not_approved",
          `the ${SUB_AGENT_TOOL} call ${JSON.stringify(callId)} of run ${runId} requires a human's approval, and the log holds none`,
        );
      }
      let args: { task?: unknown; agent?: unknown };
      try {
        args = JSON.parse(call.arguments) as { task?: unknown; agent?: unknown };
      } catch {
        return apiError("bad_request", `the ${SUB_AGENT_TOOL} call's recorded arguments are not JSON`);
      }
      if (typeof args.task !== "string" || !args.task || (args.agent !== undefined && typeof args.agent !== "string")) {
        return apiError(
          "bad_request",
          `the ${SUB_AGENT_TOOL} call's recorded arguments need a task (and an optional agent name)`,
        );
      }
      const key = `child:${toolIdempotencyKey(runId, turn, index)}`;
      // The child belongs to its parent's tenant.
      const owner: Caller =
        parent.submitted.tenant !== undefined
          ? { operator: false, tenant: parent.submitted.tenant, identity: `run ${runId}`, roles: caller.roles }
          : { ...caller, identity: `run ${runId}` };
      // The child's id is derived from the call (a tenant's too), so a cancel of the parent finds it.
      return create(
        {
          v: 1,
          task: args.task,
          ...(typeof args.agent === "string" ? { agent: args.agent } : {}),
          idempotencyKey: key,
        },
        owner,
        { runId, turn, index, callId },
        childRunId(runId, turn, index),
      );
    },

    status,

    /** Newest first, the caller's tenant's runs only, text clipped, in pages under max_payload (`cursor`). */
    async list(body: unknown, caller: Caller): Promise<ListReply | ApiError> {
      if (!caller.roles.has("read")) return forbidden(caller, "read");
      const r = request<ListRequest>("ListRequest", body ?? {});
      if (!r.ok) return r.error;
      const before = r.value.cursor !== undefined ? parseCursor(r.value.cursor) : undefined;
      if (r.value.cursor !== undefined && before === undefined)
        return apiError("bad_request", "cursor is not one a list reply gave");
      const q = r.value;
      const since = q.since !== undefined ? Date.parse(q.since) : undefined;
      const until = q.until !== undefined ? Date.parse(q.until) : undefined;
      if (Number.isNaN(since) || Number.isNaN(until))
        return apiError(
          "bad_request",
          `since and until are RFC 3339 times (e.g. 2026-12-05T10:00:00Z), got ${JSON.stringify(Number.isNaN(since) ? q.since : q.until)}`,
        );
      if (q.tenant !== undefined && !caller.operator && q.tenant !== caller.tenant)
        return apiError("forbidden", `${caller.identity} may list only its own tenant's runs`);
      const meta = Object.entries(q.meta ?? {});
      // Filters on what a run was submitted with are checked on its submission record; the walk of
      // the runs index stops at the first run submitted before `since` (its records are in
      // submission order), that of the archived runs at the first that left before it.
      const keepSubmission = (s: RunStatus): boolean | "stop" => {
        const t = Date.parse(s.submittedAt);
        if (since !== undefined && t < since) return "stop";
        if (until !== undefined && t >= until) return false;
        if (!sameTenant(caller, s.tenant) || (q.tenant !== undefined && s.tenant !== q.tenant)) return false;
        if (q.agent && s.agent !== q.agent) return false;
        return meta.every(([k, v]) => s.metadata?.[k] === v);
      };
      const limit = q.limit ?? 100;
      const found = await deps.index.newest({
        limit,
        budget: LIST_EXAMINE_BUDGET,
        ...(before !== undefined ? { before } : {}),
        ...(since !== undefined ? { archivedSince: since } : {}),
        keepSubmission,
        keep: (s) => !q.status || s.status === q.status,
      });
      const page: RunStatus[] = [];
      let bytes = 64;
      let next = found.next;
      for (const [i, { status: st }] of found.runs.entries()) {
        const item = summary(st);
        const size = Buffer.byteLength(JSON.stringify(item)) + 1;
        if (page.length > 0 && bytes + size > LIST_REPLY_BYTES) {
          next = found.runs[i - 1]!.at;
          break;
        }
        page.push(item);
        bytes += size;
      }
      // Counts in the caller's scope, as the runs are (its tenant's only), with the tenant and agent
      // filters; none while a planner's first read of the index takes long (asked again, they come).
      const groups = q.counts && deps.index.counts ? await deps.index.counts(LIST_COUNTS_WAIT_MS) : undefined;
      const counts = groups
        ? sumCounts(
            groups,
            (g) =>
              sameTenant(caller, g.tenant) &&
              (q.tenant === undefined || g.tenant === q.tenant) &&
              (!q.agent || g.agent === q.agent),
          )
        : undefined;
      return {
        v: 1,
        runs: page,
        examined: found.examined,
        ...(next !== undefined ? { cursor: cursorOf(next) } : {}),
        ...(counts ? { counts } : {}),
      };
    },

    /** A page of a run's log (commands too), for callers that may not read the stream itself. */
    async read(body: unknown, caller: Caller): Promise<ReadReply | ApiError> {
      if (!caller.roles.has("read")) return forbidden(caller, "read");
      const r = request<ReadRequest>("ReadRequest", body);
      if (!r.ok) return r.error;
      const state = await visibleRun(r.value.runId, caller);
      if ("error" in state) return state;
      const entries: ReadReply["entries"] = [];
      let bytes = 0;
      let more = false;
      for await (const e of deps.readLog(r.value.runId, r.value.fromSeq ?? 1)) {
        const size = Math.ceil(e.data.length / 3) * 4 + e.subject.length + 64;
        if (entries.length > 0 && bytes + size > READ_REPLY_BYTES) {
          more = true;
          break;
        }
        entries.push({ seq: e.seq, subject: e.subject, time: e.time, data: Buffer.from(e.data).toString("base64") });
        bytes += size;
      }
      return { v: 1, entries, more };
    },

    /** Records a human's approve/deny for a call that waits for approval; the planner resumes the run. */
    async approve(body: unknown, caller: Caller): Promise<RunStatus | ApiError> {
      const r = request<ApprovalRequest>("ApprovalRequest", body);
      if (!r.ok) return r.error;
      const { runId, callId, decision } = r.value;
      // Seen by the caller's tenant first (another tenant's run is not found), then the role.
      const state = await visibleRun(runId, caller);
      if ("error" in state) return state;
      const current = await withRunners(runStatus(state));
      if (!caller.roles.has("approve")) return forbidden(caller, "approve");
      // The dry check of the role (cairn ui): answered, never decided — even if a call had this id.
      if (callId === APPROVE_ROLE_PROBE)
        return apiError("not_awaiting", `${APPROVE_ROLE_PROBE} is the approve role's dry check: nothing was decided`);
      // `by` is who the server says is calling; a `by` in the request is ignored.
      const by = caller.identity;
      // A run paused at a budget (agent onBudgetExceeded: approve), by its stuck-loop guard (agent
      // loopGuard onTrip: pause) or by a tripped guardrail (onTrip: pause): go on (another budget;
      // the loop counts reset; as if the guardrail had not tripped), or end.
      const gates = {
        budget: {
          pause: current.budgetPause,
          subject: (turn: number) => subjects.budgetApproval(runId, turn),
          notPaused: "paused at a budget",
          going: "going past the budget",
          detail: { budget: current.budgetPause?.kind },
        },
        loop: {
          pause: current.loopPause,
          subject: (turn: number) => subjects.loopApproval(runId, turn),
          notPaused: "paused by its stuck-loop guard",
          going: "going on after a stuck loop",
          detail: { pattern: current.loopPause?.pattern },
        },
        guard: {
          pause: current.guardPause,
          subject: (turn: number) => subjects.guardApproval(runId, turn, current.guardPause?.point),
          notPaused: "paused by a tripped guardrail",
          going: "going on past a tripped guardrail",
          detail: { guardrail: current.guardPause?.guardrail },
        },
      };
      const gate = Object.hasOwn(gates, callId) ? gates[callId as keyof typeof gates] : undefined;
      /** The human's decision as recorded: on a paused run (index 0), a waiting call, or an ambiguous call's round. */
      const decided = (turn: number, index: number, extra: Partial<RunApproval> = {}): RunApproval => ({
        v: 1,
        type: "run.approval",
        runId,
        turn,
        index,
        callId,
        decision,
        at: deps.now().toISOString(),
        ...extra,
        ...(r.value.reason ? { reason: r.value.reason } : {}),
        by,
      });
      const edited = r.value.arguments;
      const result = r.value.result;
      if (edited !== undefined && decision !== "approve")
        return apiError("bad_request", "edited arguments go with an approval, not a denial");
      if (result !== undefined && decision !== "approve")
        return apiError(
          "bad_request",
          "a result goes with an approval (the effect landed and gave this), not a denial",
        );
      if (result !== undefined && edited !== undefined)
        return apiError("bad_request", "give a result or edited arguments, not both");
      if (gate && !current.approvals?.some((a) => a.callId === callId)) {
        if (edited !== undefined)
          return apiError("bad_request", `edited arguments are for a tool call, not for ${callId} (a paused run)`);
        if (result !== undefined)
          return apiError(
            "bad_request",
            `a result is for a call whose outcome is ambiguous, not for ${callId} (a paused run)`,
          );
        const pause = gate.pause;
        if (!pause) return apiError("not_awaiting", `run ${runId} is not ${gate.notPaused} (status ${current.status})`);
        const msg = decided(pause.turn, 0);
        if ((await deps.append(gate.subject(pause.turn), encode(msg))).duplicate) return alreadyDecided(runId, callId);
        deps.log.info(
          { runId, turn: pause.turn, decision, ...gate.detail },
          `${gate.going} ${decision === "approve" ? "approved" : "denied"}`,
        );
        return current;
      }
      const pending = current.approvals?.find((a) => a.callId === callId);
      if (!pending) {
        return apiError(
          "not_awaiting",
          `run ${runId} has no call ${JSON.stringify(callId)} waiting for approval (status ${current.status}${current.approvals?.length ? `; waiting: ${current.approvals.map((a) => a.callId).join(", ")}` : ""})`,
        );
      }
      if (pending.ambiguous) {
        // A call that was started and left no result: approve runs it again, deny records a
        // failure, approve with a result records that result (the planner records it).
        if (edited !== undefined)
          return apiError(
            "bad_request",
            `call ${callId}'s outcome is ambiguous: approve runs it again as it was, or give its result; its arguments cannot be edited now`,
          );
        const round = pending.ambiguous.round;
        const msg = decided(pending.turn, pending.index, { round, ...(result !== undefined ? { result } : {}) });
        if (
          (await deps.append(subjects.ambiguityApproval(runId, pending.turn, pending.index, round), encode(msg)))
            .duplicate
        )
          return alreadyDecided(runId, callId);
        deps.log.info(
          { runId, callId, decision, round, ...(result !== undefined ? { recordedResult: true } : {}) },
          decision === "deny"
            ? "ambiguous call: a human declined to run it again (recorded as its failure)"
            : result !== undefined
              ? "ambiguous call: a human recorded its result"
              : "ambiguous call: a human had it run again",
        );
        return current;
      }
      if (result !== undefined)
        return apiError(
          "bad_request",
          `a result is recorded only for a call whose outcome is ambiguous; call ${callId} waits for an approval to run`,
        );
      let args: string | undefined;
      if (edited !== undefined) {
        if (!pending.argsEditable)
          return apiError(
            "not_editable",
            `tool ${pending.tool} does not let an approver edit its arguments (the agent's editableArgs): approve or deny the call as it is`,
          );
        const spec = state.submitted?.agent.tools.find((t) => t.name === pending.tool);
        const check = compileJsonSchema(spec?.inputSchema ?? {});
        if (typeof check === "string") return apiError("bad_request", `tool ${pending.tool}'s input schema: ${check}`);
        if (!check(edited)) {
          const why = (check.errors ?? []).map((e) => `${e.instancePath || "(root)"} ${e.message ?? "is invalid"}`);
          return apiError(
            "bad_request",
            `the edited arguments do not validate against tool ${pending.tool}'s input schema: ${why.slice(0, 5).join("; ")}`,
          );
        }
        args = JSON.stringify(edited);
      }
      const msg = decided(pending.turn, pending.index, args !== undefined ? { arguments: args } : {});
      if ((await deps.append(subjects.approval(runId, pending.turn, pending.index), encode(msg))).duplicate)
        return alreadyDecided(runId, callId);
      deps.log.info(
        { runId, callId, decision, ...(args !== undefined ? { editedArguments: true } : {}) },
        `tool call ${decision === "approve" ? (args !== undefined ? "approved with edited arguments" : "approved") : "denied"}`,
      );
      return current;
    },

    async cancel(body: unknown, caller: Caller): Promise<RunStatus | ApiError> {
      const r = request<RunRequest>("RunRequest", body);
      if (!r.ok) return r.error;
      const current = await foldedStatus(r.value.runId, caller);
      if ("error" in current) return current;
      if (!caller.roles.has("cancel")) return forbidden(caller, "cancel");
      if (current.status !== "running" && current.status !== "awaiting_approval")
        return apiError("not_running", `run ${r.value.runId} already ${current.status}`);
      const sig: RunSignal = {
        v: 1,
        type: "run.signal",
        runId: r.value.runId,
        signal: "cancel",
        at: deps.now().toISOString(),
        ...(r.value.reason ? { reason: r.value.reason } : {}),
        by: caller.identity,
      };
      // The signal joins the run's trace (its context is stored with the submission).
      const trace = tracingEnabled()
        ? reduceRun(r.value.runId, await deps.readEvents(r.value.runId), subjects).submitted?.trace
        : undefined;
      await withRunTrace(trace, () => deps.append(subjects.signal(r.value.runId, "cancel"), encode(sig)));
      return current;
    },

    /**
     * Records a user's message to a running run (`cairn send`): numbered in log order (a message
     * that lost the race for a number to a concurrent one takes the next). The planner decides on
     * it like any event: the next model call reads it, and a conversation waiting for a message
     * goes on.
     */
    async send(body: unknown, caller: Caller): Promise<SendReply | ApiError> {
      const r = request<SendRequest>("SendRequest", body);
      if (!r.ok) return r.error;
      const { runId, text, end } = r.value;
      if (text === undefined && !end) return apiError("bad_request", "a message needs text, end, or both");
      for (let attempt = 0; attempt < SEND_ATTEMPTS; attempt++) {
        const state = await visibleRun(runId, caller);
        if ("error" in state) return state;
        if (!caller.roles.has("submit")) return forbidden(caller, "submit");
        if (state.ended || state.cancel || !state.submitted)
          return apiError(
            "not_running",
            `run ${runId} ${state.ended ? `already ${state.ended.status}` : state.cancel ? "is cancelled" : "has no valid submission"}: a message is read only by a running run`,
          );
        if (end && !state.submitted.agent.conversation)
          return apiError(
            "bad_request",
            `end is for conversations: agent ${state.submitted.agent.name} is not one (it ends with its answer)`,
          );
        const n = state.messages.length + 1;
        const msg: RunMessage = {
          v: 1,
          type: "run.message",
          runId,
          n,
          ...(text !== undefined ? { text } : {}),
          ...(end ? { end: true as const } : {}),
          by: caller.identity,
          at: deps.now().toISOString(),
        };
        if ((await deps.append(subjects.message(runId, n), encode(msg))).duplicate) continue;
        deps.log.info({ runId, n, ...(end ? { end: true } : {}) }, "message recorded");
        return { v: 1, runId, n };
      }
      return apiError("internal", `run ${runId}: other messages kept taking the next number; send again`);
    },
  };
}

/** Numbers a message tries before giving up (each lost to a concurrent message): see send. */
const SEND_ATTEMPTS = 5;
