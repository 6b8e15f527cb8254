import { join } from "node:path";
import {
  backoffDelay,
  decode,
  encode,
  type RetryPolicy,
  type RunApproval,
  type RunError,
  type RunSubmitted,
  type Subjects,
  type ToolAmbiguous,
  type ToolCommand,
  type ToolResult,
  type ToolStarted,
} from "@cairn/protocol";
import {
  errorKind,
  errorMessage,
  isAwaitingResult,
  isDeferred,
  isRetryable,
  retryAfterOf,
  RetryableError,
  safeToolToken,
} from "@cairn/runtime";
import type { AppendResult, Disposition, WorkContext } from "@cairn/bus";
import type { ToolContext, ToolRegistry } from "@cairn/tools";
import { CairnAttr, stepLogger, withSpan, type Logger } from "@cairn/telemetry";
import { StepRecorder, type CrashPoint, type StepWords } from "@cairn/worker";

export interface CommandMessage {
  subject: string;
  seq: number;
  deliveries: number;
  data: Uint8Array;
  /** The command's stream timestamp (epoch ms). */
  issuedAt: number;
}

export interface ToolHandlerDeps {
  subjects: Subjects;
  registry: ToolRegistry;
  exists(subject: string): Promise<boolean>;
  /** The run's submission (its agent snapshot), as recorded; undefined when there is none. */
  submission(runId: string): Promise<RunSubmitted | undefined>;
  /** The human decision recorded for a call, if any; with `round`: the decision on that round of an ambiguous call. */
  approval(runId: string, turn: number, index: number, round?: number): Promise<RunApproval | undefined>;
  append(subject: string, data: Uint8Array): Promise<AppendResult>;
  /** The last message on `subject` with its stream time (ms), asked of the stream leader; undefined when there is none. */
  stored(subject: string): Promise<{ data: Uint8Array; time: number } | undefined>;
  crash: { hit(p: CrashPoint, subject?: string): void };
  retry: RetryPolicy;
  timeoutMs: number;
  maxMessageBytes: number;
  workspaceRoot: string;
  /** Outputs larger than `largePayloadBytes` go to the payload stream; the result keeps a reference and a preview. */
  payloads?: {
    put(runId: string, text: string): Promise<{ bucket: string; name: string; bytes: number; sha256: string }>;
  };
  largePayloadBytes: number;
  /** Calls `onCancel` if the run is cancelled while its tool runs (the tool's AbortSignal fires); returns the release. */
  watchCancel(runId: string, onCancel: (reason: unknown) => void): () => void;
  /**
   * Starts the sub-agent run of a run_agent call through the planner (`<p>.api.spawn`), which checks
   * the parent's log for the call and takes the task and agent from it; returns the child's run id.
   */
  startChildRun?: (parent: { runId: string; turn: number; index: number; callId: string }) => Promise<string>;
  log: Logger;
  now(): number;
}

/**
 * Runs a tool with one AbortSignal that fires on the first of: a shutdown (`shutdown`), a cancel
 * of its run (`watch` hands over the abort and returns its release), or the time limit. One
 * controller and one timer per call (AbortSignal.any/timeout cost more, and this is every tool
 * call's path); the listener, the watch and the timer are gone when the call settles.
 */
function runWithTimeout(
  fn: (signal: AbortSignal) => unknown,
  shutdown: AbortSignal,
  timeoutMs: number,
  watch: (abort: (reason: unknown) => void) => () => void,
): Promise<unknown> {
  const ac = new AbortController();
  return new Promise((resolve, reject) => {
    const stopping = (): RetryableError => new RetryableError("tool-runner shutting down", { kind: "aborted" });
    if (shutdown.aborted) {
      ac.abort(shutdown.reason);
      return reject(stopping());
    }
    // Settled once: the timer, the listener and the watch go with it. The tool's signal carries
    // why it aborts: the time limit, the shutdown's or the cancel's own reason.
    let unwatch: (() => void) | undefined;
    let settled = false;
    const done = (): void => {
      settled = true;
      clearTimeout(timer);
      shutdown.removeEventListener("abort", onShutdown);
      unwatch?.();
      unwatch = undefined;
    };
    const abort = (reason: unknown): void => {
      done();
      ac.abort(reason);
      reject(stopping());
    };
    const onShutdown = (): void => abort(shutdown.reason);
    const timer = setTimeout(() => {
      done();
      const err = new RetryableError(`tool timed out after ${timeoutMs} ms`, { kind: "timeout" });
      ac.abort(err);
      reject(err);
    }, timeoutMs);
    shutdown.addEventListener("abort", onShutdown, { once: true });
    const release = watch(abort);
    if (settled) release();
    else unwatch = release;
    Promise.resolve()
      .then(() => fn(ac.signal))
      .then(resolve, reject)
      .finally(done);
  });
}

/**
 * How long past a started run's time limit a later delivery waits before it decides that run's
 * outcome is ambiguous (or asks reconcile): the run that took the start marker may still be going
 * — handed back by a shutdown, or past its ack wait — until its own time limit stops it.
 */
export const STARTED_GRACE_MS = 2_000;

/** Recording a step's result failed after the tool ran: for a reconcile/irreversible tool the effect may have landed. */
class RecordFailed extends Error {
  constructor(cause: unknown) {
    super(errorMessage(cause), { cause });
  }
}

/** The retry notice of a delivery that reran a reconcile tool after reconcile said its effect did not land. */
const RECONCILED_NOT_LANDED = "reconciled_not_landed";

const WORDS: StepWords = { call: "tool call", result: "result", skipped: "acked without executing the tool" };

/**
 * The tool-runner's command handler: check the call against the run's log, validate the arguments,
 * execute the tool with the call's idempotency key, append the result (once, ever), then ack. A
 * redelivered command whose result is already recorded is acked without executing the tool again.
 * A tool's failure becomes the call's result (the model reads it); it never fails the run.
 *
 * Before running anything it checks, from the log: the command's tool is its subject's, the run's
 * agent snapshot has that tool, and a call the snapshot or the tool itself gates on a human has that
 * human's approval recorded. A command that fails a check of the log is never executed.
 */
export function createToolHandler(
  deps: ToolHandlerDeps,
): (m: CommandMessage, ctx: WorkContext) => Promise<Disposition> {
  const { subjects, log } = deps;

  const steps = new StepRecorder({ ...deps, service: "tool-runner" });
  const record = (r: ToolResult, toolToken: string): Promise<AppendResult> =>
    steps.record(subjects.toolResult(r.runId, r.turn, r.index, toolToken), r, {
      text: "output",
      ref: "outputRef",
      tooLarge: ({ output: _o, ...rest }, n) => ({ ...rest, ok: false, error: steps.tooLarge("tool result", n) }),
    });

  return async (m, ctx) => {
    const parsed = subjects.parse(m.subject);
    if (!parsed || (parsed.what.kind !== "tool-command" && parsed.what.kind !== "tool-rerun")) {
      log.error({ subject: m.subject }, "message on the tool command filter with an unexpected subject; dropped");
      return { term: "unexpected subject" };
    }
    const { runId } = parsed;
    const { turn, index, tool: toolToken } = parsed.what;
    // 0: the call's command; n ≥ 1: the n-th rerun a human approved after round n - 1 was ambiguous
    const round = parsed.what.kind === "tool-rerun" ? parsed.what.round : 0;
    const rlog = stepLogger(log, {
      runId,
      turn,
      step: `tool.${turn}.${index}`,
      tool: toolToken,
      attempt: m.deliveries,
      ...(round > 0 ? { round } : {}),
    });
    deps.crash.hit("after-receive", m.subject);
    const base = { v: 1 as const, type: "tool.result" as const, runId, turn, index, attempts: m.deliveries };

    const d = decode<ToolCommand>("ToolCommand", m.data, deps.maxMessageBytes);
    if (!d.ok || d.value.runId !== runId || d.value.turn !== turn || d.value.index !== index) {
      const reason = d.ok ? "command fields do not match its subject" : d.message;
      const kind = d.ok ? "schema_invalid" : d.kind;
      return steps.invalid(
        runId,
        m,
        rlog,
        "invalid tool command: recorded as the call's failed result",
        kind,
        reason,
        (error) => record({ ...base, callId: "", tool: toolToken, ok: false, error }, toolToken),
      );
    }
    const cmd = d.value;
    const full = { ...base, callId: cmd.callId, tool: cmd.tool, idempotencyKey: cmd.idempotencyKey };
    const resultSubject = subjects.toolResult(runId, turn, index, toolToken);
    // (a rerun's first delivery too: the round it reruns may have recorded its result late)
    if (round > 0 ? await deps.exists(resultSubject) : await steps.alreadyRecorded(m, resultSubject, rlog, WORDS))
      return { ack: true };
    // The command against the log: a command that fails these is not the planner's, and runs nothing.
    const sub = await deps.submission(runId);
    // the tool as the run's agents have it (a team's agents share a tool's gate: see the planner's snapshot)
    const spec = sub && [sub.agent, ...(sub.team ?? [])].flatMap((a) => a.tools).find((t) => t.name === cmd.tool);
    const refused =
      safeToolToken(cmd.tool) !== toolToken
        ? `the command names tool ${JSON.stringify(cmd.tool)} on the subject of ${JSON.stringify(toolToken)}`
        : !sub
          ? "the run has no recorded submission"
          : !spec
            ? `the run's agent ${JSON.stringify(sub.agent.name)} has no tool ${JSON.stringify(cmd.tool)}`
            : undefined;
    const gatedByRun = spec?.requiresApproval === true;
    const gatedByTool = deps.registry.get(cmd.tool)?.requiresApproval === true;
    let approved = false;
    let editedArgs: string | undefined;
    if (!refused && (gatedByRun || gatedByTool)) {
      const a = await deps.approval(runId, turn, index);
      approved = a?.decision === "approve" && a.callId === cmd.callId;
      if (approved && spec?.argsEditable) editedArgs = a?.arguments;
    }
    // An approver's edited arguments are the ones the call runs with: a command carrying others is not the planner's.
    const argsRefused =
      editedArgs !== undefined && editedArgs !== cmd.arguments
        ? `the command's arguments differ from those its approver recorded for call ${cmd.callId}`
        : undefined;
    // A rerun runs only as a human decided: "run it again" on the round before, for this call.
    let rerunRefused: string | undefined;
    if (!refused && round > 0) {
      const d = await deps.approval(runId, turn, index, round - 1);
      if (d?.decision !== "approve" || d.result !== undefined || d.callId !== cmd.callId || d.round !== round - 1)
        rerunRefused = `rerun ${round} of call ${cmd.callId} has no human's decision to run it again in the log`;
    }
    if (refused || argsRefused || rerunRefused || (gatedByRun && !approved)) {
      const why =
        refused ??
        argsRefused ??
        rerunRefused ??
        `call ${cmd.callId} requires a human's approval and the log holds none`;
      rlog.error({ reason: why }, "tool command refused: it does not match the run's log; nothing executed");
      await steps.reportError(runId, m, "command_refused", `tool-runner refused ${m.subject}: ${why}`);
      return { term: why };
    }
    if (gatedByTool && !approved) {
      // The tool itself asks for approval, and the run's snapshot did not (its registration was
      // changed?): the call fails, and the model reads why.
      rlog.warn("tool requires approval that the run's agent does not ask for: the call fails without running");
      await record(
        {
          ...full,
          ok: false,
          error: {
            kind: "approval_required",
            message: `tool ${cmd.tool} requires a human's approval, and this run's agent does not ask for it: not run`,
          },
        },
        toolToken,
      );
      return { ack: true };
    }
    const parsedArgs = deps.registry.parseArguments(cmd.tool, cmd.arguments);
    if (!parsedArgs.ok) {
      rlog.warn(
        { kind: parsedArgs.error.kind, reason: parsedArgs.error.message },
        "tool call rejected before execution",
      );
      await record({ ...full, ok: false, error: parsedArgs.error }, toolToken);
      return { ack: true };
    }
    const def = deps.registry.get(cmd.tool)!;
    const policy: RetryPolicy = { ...deps.retry, ...def.retry };
    const effect = def.effect ?? "idempotent";
    let cancelled = false;
    const toolContext = (signal: AbortSignal): ToolContext => ({
      runId,
      turn,
      callId: cmd.callId,
      idempotencyKey: cmd.idempotencyKey,
      attempt: m.deliveries,
      round,
      issuedAt: m.issuedAt,
      signal,
      heartbeat: ctx.heartbeat,
      workspaceDir: join(deps.workspaceRoot, runId),
      log: rlog,
      // The planner takes the child's task and agent from this call as recorded, not from here.
      ...(deps.startChildRun
        ? { startChildRun: () => deps.startChildRun!({ runId, turn, index, callId: cmd.callId }) }
        : {}),
    });
    /** Records that this round's outcome is unknown: the run waits for a human (see the tool's `effect`). */
    const ambiguous = async (reason: string): Promise<Disposition> => {
      const rec: ToolAmbiguous = {
        v: 1,
        type: "tool.ambiguous",
        runId,
        turn,
        index,
        round,
        callId: cmd.callId,
        tool: cmd.tool,
        effect: effect === "reconcile" ? "reconcile" : "irreversible",
        reason,
        at: new Date(deps.now()).toISOString(),
      };
      rlog.warn(
        { reason, effect },
        "the call's outcome is ambiguous: not run again; the run waits for a human's decision",
      );
      await deps.append(subjects.toolAmbiguous(runId, turn, index, round, toolToken), encode(rec));
      return { ack: true };
    };
    const timeoutMs = def.timeoutMs ?? deps.timeoutMs;
    if (effect === "reconcile" || effect === "irreversible") {
      // A result recorded already (a first delivery too: a re-created consumer delivers from the start).
      if (m.deliveries === 1 && round === 0 && (await deps.exists(resultSubject))) return { ack: true };
      // The start marker is the claim: the delivery whose append writes it runs the tool; any other
      // finds it taken — the round was started, and it has no result.
      const startedSubject = subjects.toolStarted(runId, turn, index, round, toolToken);
      const marker: ToolStarted = {
        v: 1,
        type: "tool.started",
        runId,
        turn,
        index,
        round,
        callId: cmd.callId,
        tool: cmd.tool,
        effect,
        attempt: m.deliveries,
        at: new Date(deps.now()).toISOString(),
      };
      const startedBefore = (await deps.append(startedSubject, encode(marker))).duplicate;
      if (startedBefore) {
        // Not while the run that took it may still be going (until its time limit, and a grace):
        // from the marker, or from a previous delivery's rerun after reconcile's "not landed".
        const taken = await deps.stored(startedSubject);
        const prev =
          m.deliveries > 1 ? await deps.stored(subjects.error(runId, `s${m.seq}-${m.deliveries - 1}`)) : undefined;
        const notice = prev ? decode<RunError>("RunError", prev.data) : undefined;
        const rerunAt = notice?.ok && notice.value.error.kind === RECONCILED_NOT_LANDED ? prev!.time : 0;
        const decideAt = Math.max(taken?.time ?? 0, rerunAt) + timeoutMs + STARTED_GRACE_MS;
        if (deps.now() < decideAt) {
          rlog.info(
            { delayMs: decideAt - deps.now() },
            "the call was started by another delivery that may still be running: handed back until its time limit has passed",
          );
          return { nak: decideAt - deps.now() };
        }
      }
      if (startedBefore && effect === "irreversible")
        return ambiguous(
          `it was started by an earlier delivery and no result was recorded (the runner stopped, crashed or lost its connection, or its ack wait passed, between starting the tool and recording its outcome): whether its effect happened is unknown`,
        );
      if (startedBefore) {
        let answer: Awaited<ReturnType<NonNullable<typeof def.reconcile>>>;
        try {
          answer = (await runWithTimeout(
            (signal) => def.reconcile!(parsedArgs.args, toolContext(signal)),
            ctx.signal,
            def.timeoutMs ?? deps.timeoutMs,
            () => () => undefined,
          )) as typeof answer;
          if (!answer || typeof answer !== "object" || typeof answer.landed !== "boolean")
            throw new Error(`reconcile returned ${JSON.stringify(answer)?.slice(0, 200)}, not {landed: boolean}`);
        } catch (err) {
          if (ctx.signal.aborted) return { nak: 0 };
          if (isRetryable(err) && m.deliveries < policy.maxAttempts) {
            const delay = backoffDelay(policy, m.deliveries, retryAfterOf(err));
            rlog.warn({ err: errorMessage(err), delayMs: delay }, "reconcile failed; asked again after backoff");
            await steps.reportRetry(
              m,
              { kind: "reconcile_failed", message: errorMessage(err), retryable: true },
              delay,
              rlog,
            );
            return { nak: delay };
          }
          return ambiguous(
            `it was started by an earlier delivery and no result was recorded, and reconcile could not say whether its effect landed: ${errorMessage(err).slice(0, 500)}`,
          );
        }
        if (answer.landed) {
          const out = answer.output;
          rlog.info("reconcile: the earlier run's effect landed; its result is recorded and the tool is not run again");
          await record(
            {
              ...full,
              ok: true,
              output: typeof out === "string" ? out : (JSON.stringify(out) ?? ""),
              reconciled: true,
            },
            toolToken,
          );
          return { ack: true };
        }
        rlog.info("reconcile: the earlier run's effect did not land; running the tool again");
        // (a later delivery waits for this run as it would for the first: see above)
        await steps.reportRetry(
          m,
          {
            kind: RECONCILED_NOT_LANDED,
            message: "reconcile: the earlier run's effect did not land; the tool runs again",
            retryable: true,
          },
          0,
          rlog,
        );
      }
    }
    return steps.run({
      m,
      log: rlog,
      signal: ctx.signal,
      policy,
      words: WORDS,
      effectDone: "after-effect",
      execute: () =>
        runWithTimeout(
          (signal) => {
            const tctx = toolContext(signal);
            const attributes = {
              "gen_ai.operation.name": "execute_tool",
              "gen_ai.tool.name": cmd.tool,
              "gen_ai.tool.call.id": cmd.callId,
              [CairnAttr.TOOL_NAME]: cmd.tool,
              [CairnAttr.RUN_ID]: runId,
              [CairnAttr.TURN]: turn,
              [CairnAttr.TOOL_INDEX]: index,
              [CairnAttr.ATTEMPT]: m.deliveries,
            };
            return withSpan(`execute_tool ${cmd.tool}`, { attributes }, () => def.run(parsedArgs.args, tctx));
          },
          ctx.signal,
          timeoutMs,
          (abort) =>
            deps.watchCancel(runId, (reason) => {
              cancelled = true;
              abort(reason);
            }),
        ),
      succeed: async (out, durationMs) => {
        try {
          return await record(
            { ...full, ok: true, output: typeof out === "string" ? out : (JSON.stringify(out) ?? ""), durationMs },
            toolToken,
          );
        } catch (err) {
          throw new RecordFailed(err);
        }
      },
      // Every result is in the run's log (cairn replay): one info line per step would be noise and cost.
      recorded: (_out, ms) => rlog.debug({ ms }, "tool call completed"),
      settle: async (err, durationMs) => {
        if (isAwaitingResult(err)) {
          rlog.info({ from: err.from }, "call waits for its result from elsewhere: acked without a result");
          return { ack: true };
        }
        const marked = effect === "reconcile" || effect === "irreversible";
        // The tool ran and its result could not be recorded: its effect may have landed. Handed
        // back: the next delivery finds the start marker (reconcile, or a human).
        if (marked && err instanceof RecordFailed) {
          rlog.warn({ err: err.message }, "the tool ran and its result could not be recorded: handed back");
          return { nak: 0 };
        }
        if (marked && isDeferred(err)) {
          // a wake-up could not tell a deferral from a run that was cut short: not allowed
          await record(
            {
              ...full,
              ok: false,
              durationMs,
              error: {
                kind: "defer_unsupported",
                message: `tool ${cmd.tool} has effect ${effect}, which cannot defer (sleep) its call: not run again`,
              },
            },
            toolToken,
          );
          return { ack: true };
        }
        if (isDeferred(err)) {
          const delay = Math.max(0, err.wakeAt - deps.now());
          rlog.info(
            { wakeAt: new Date(err.wakeAt).toISOString(), delayMs: delay },
            "tool call deferred: handed back to JetStream until it is due",
          );
          return { nak: delay };
        }
        // A timed-out run may still be doing its effect: handed back, never recorded as failed;
        // the next delivery finds the marker and waits out the grace (reconcile, or a human).
        if (marked && !cancelled && errorKind(err) === "timeout") {
          rlog.warn({ timeoutMs }, "the tool timed out and may still be doing its effect: handed back");
          return { nak: STARTED_GRACE_MS };
        }
        if (!cancelled) return undefined;
        rlog.info("tool call aborted: the run was cancelled");
        await record(
          {
            ...full,
            ok: false,
            durationMs,
            error: { kind: "cancelled", message: "the run was cancelled while the tool ran" },
          },
          toolToken,
        );
        return { ack: true };
      },
      // A tool's failure goes back to the model as the call's result; its nonRetryable kinds are never retried.
      // An irreversible tool's thrown error is its answer: recorded, never retried.
      retryable: (err) =>
        err instanceof RecordFailed ||
        (effect !== "irreversible" && isRetryable(err) && !(def.nonRetryable ?? []).includes(errorKind(err))),
      fail: (error, durationMs) => record({ ...full, ok: false, durationMs, error }, toolToken),
    });
  };
}
