import { type RetryPolicy } from "@cairn/protocol";

/** Minimal logger shape a tool may use (pino-compatible). */
export interface ToolLogger {
  debug(obj: object, msg?: string): void;
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

/** What a tool gets besides its arguments. */
export interface ToolContext {
  runId: string;
  turn: number;
  callId: string;
  /**
   * Stable for this call across redeliveries, crashes and retries (`<runId>:<turn>:<index>`).
   * Cairn records each result once and never re-executes a call whose result is recorded, but a
   * crash between a tool's side effect and the recording of its result re-executes the call:
   * tools with external side effects should pass this key on (e.g. as an Idempotency-Key header).
   */
  idempotencyKey: string;
  /** 1 for the first execution of this call, higher on retries and redeliveries. */
  attempt: number;
  /** 0, or n for the n-th time a human had a call whose outcome was ambiguous run again (the key stays the same). */
  round: number;
  /** When the call was issued (the command's stream timestamp, epoch ms): stable across redeliveries. */
  issuedAt: number;
  /** Aborted when the call times out or the tool-runner hands the work back on shutdown. */
  signal: AbortSignal;
  /** Tells JetStream the call is still in progress (extends the ack deadline). Called automatically too. */
  heartbeat: () => void;
  /** The run's own workspace directory (created on demand); file tools are confined to it. */
  workspaceDir: string;
  log: ToolLogger;
  /** Starts this call's sub-agent run (idempotent: one child per call) and returns its run id. */
  startChildRun?: (opts: { task: string; agent?: string }) => Promise<string>;
}

/** A tool: name, description and JSON Schema shown to the model, and the code that runs it. */
export interface ToolDefinition<A = Record<string, unknown>> {
  /** Letters, digits, '_' and '-' (it is a NATS subject token). */
  name: string;
  description: string;
  /** JSON Schema (draft 2020-12) of the arguments; arguments are validated before `run`. */
  input: Record<string, unknown>;
  /**
   * Returns the result shown to the model: a string as is, anything else as JSON. Throw a
   * TerminalError for a final failure (no retry), anything else is retried per `retry`; the
   * last failure goes back to the model as the tool's result — it does not fail the run.
   */
  run(args: A, ctx: ToolContext): unknown;
  /** Per-call time limit (ms); the runner's default when omitted. */
  timeoutMs?: number;
  /** Retry policy for thrown retryable errors; the runner's default when omitted. */
  retry?: Partial<RetryPolicy>;
  /** Error kinds (`err.kind`) never retried for this tool, whatever the error says. */
  nonRetryable?: string[];
  /** Every call waits for a human approve/deny (`cairn approve|deny`) before it runs. */
  requiresApproval?: boolean;
  /**
   * What running the tool again does to the world (default `idempotent`). Cairn knows when a
   * call's outcome is ambiguous — it was started and has no recorded result: a crash between the
   * effect and its record, a lost runner, a stall past the ack wait, a timeout of an irreversible
   * tool — and then:
   * - `pure`: no side effect; run again freely.
   * - `idempotent`: run again with the same `idempotencyKey` (the tool or its API dedupes).
   * - `reconcile`: `reconcile(args, ctx)` is asked whether the effect landed: its result is
   *   recorded (the tool is not run again), or on "not landed" the tool runs again. A reconcile
   *   that fails every attempt leaves the call to a human, as `irreversible` does.
   * - `irreversible`: never run again blindly. The run waits for a human (`cairn status` says
   *   why): approve runs it again, deny records a failure, `approve --result` records a result.
   *   A thrown error is the call's result (not retried); a timeout is ambiguous.
   * For `reconcile` and `irreversible`, the runner records a start marker before each run.
   */
  effect?: ToolEffect;
  /** For `effect: "reconcile"`: did the call's effect land (look it up by `ctx.idempotencyKey`), and with what result? Throw when it cannot tell (retried, then a human decides). */
  reconcile?(args: A, ctx: ToolContext): ReconcileAnswer | Promise<ReconcileAnswer>;
}

/** How a tool's call may be run again when its outcome is ambiguous (see ToolDefinition.effect). */
export type ToolEffect = "pure" | "idempotent" | "reconcile" | "irreversible";
export const TOOL_EFFECTS: readonly ToolEffect[] = ["pure", "idempotent", "reconcile", "irreversible"];

/** A reconcile function's answer: the effect landed (with the result to record), or it did not (the tool runs again). */
export type ReconcileAnswer = { landed: true; output: unknown } | { landed: false };

/** Declares a tool (identity function that gives `run` typed arguments). */
export function defineTool<A = Record<string, unknown>>(def: ToolDefinition<A>): ToolDefinition<A> {
  return def;
}
