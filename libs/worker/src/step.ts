import { backoffDelay, encode, type RetryPolicy, type RunError, type Subjects } from "@cairn/protocol";
import { errorKind, errorMessage, isRetryable, retryAfterOf } from "@cairn/runtime";
import { preview, type AppendResult, type Disposition, type PayloadRef } from "@cairn/bus";
import type { StepLogger } from "@cairn/telemetry";
import type { CrashPoint } from "./crash.js";

/** A delivered command as the step skeleton needs it. */
export interface StepMessage {
  subject: string;
  seq: number;
  /** Deliveries so far, this one included: the step's attempt. */
  deliveries: number;
}

/** A step's failure as recorded in its result. */
export interface StepError {
  kind: string;
  message: string;
  retryable?: boolean;
}

export interface StepRecorderOptions {
  subjects: Subjects;
  /** The service writing (named in the run's error events). */
  service: RunError["service"];
  append(subject: string, data: Uint8Array): Promise<AppendResult>;
  /** True when the run's log already holds a message on `subject`. */
  exists(subject: string): Promise<boolean>;
  /** Where text larger than `largePayloadBytes` goes (a preview and the reference stay inline); omitted: kept inline. */
  payloads?: { put(runId: string, text: string): Promise<PayloadRef> };
  largePayloadBytes: number;
  maxMessageBytes: number;
  crash: { hit(p: CrashPoint, subject?: string): void };
  now(): number;
}

/** How a step's record keeps its text: the field, the field for its payload reference, and the failure that replaces a record over the message limit. */
export interface RecordShape<R> {
  text: keyof R & string;
  ref: string;
  tooLarge(record: R, bytes: number): unknown;
}

/** What a step's words are in its log lines ("model call" / "response"; "tool call" / "result"). */
export interface StepWords {
  call: string;
  result: string;
  /** What a redelivery whose result is recorded skips ("acked without calling the model"). */
  skipped: string;
}

export interface StepRun<T> {
  m: StepMessage;
  log: StepLogger;
  /** Aborted when the service stops: the message is handed back at once. */
  signal: AbortSignal;
  policy: RetryPolicy;
  words: StepWords;
  /** The effect (the model call, the tool): what it returns is recorded by `succeed`. */
  execute(): Promise<T>;
  /** The crash point between the effect and its record. */
  effectDone: CrashPoint;
  succeed(value: T, ms: number): Promise<AppendResult>;
  /** Records the step's last failure as its result. */
  fail(error: StepError, ms: number): Promise<AppendResult>;
  /** An error that is not the step failing (a deferral, a result that comes from elsewhere, a cancel): its disposition; undefined for a failure. */
  settle?(err: unknown, ms: number): Promise<Disposition | undefined>;
  /** Whether a failure may be retried (default: `isRetryable`). */
  retryable?(err: unknown): boolean;
  /** A failure that will not be retried is logged at this level (default warn). */
  failureLevel?: "warn" | "error";
  /** After the step's own record was written (not a late duplicate). */
  recorded?(value: T, ms: number): void;
  /** After a failure was recorded. */
  failed?(): void;
  /** After `succeed`, whether or not the record was this delivery's (`duplicate`). */
  after?(value: T, rec: AppendResult): void;
}

/** The error event a service appends to a run about one of its messages (on `subjects.error(runId, "s<seq>")`). */
export function runErrorEvent(
  service: RunError["service"],
  runId: string,
  m: StepMessage | { subject: string; seq: number },
  error: { kind: string; message: string },
  nowMs: number,
): RunError {
  return {
    v: 1,
    type: "run.error",
    runId,
    service,
    subject: m.subject,
    seq: m.seq,
    error,
    at: new Date(nowMs).toISOString(),
  };
}

/**
 * The one step skeleton of Cairn's workers (the llm-caller and the tool-runner). A step is a
 * command on a run's subject whose result is recorded once, ever, on the result's subject:
 *
 * 1. a command that cannot be run is reported (`invalid`: an error event on the run, then the
 *    step's failed result) and acked;
 * 2. a redelivery whose result is in the log already is acked without running it again
 *    (`alreadyRecorded`);
 * 3. the effect runs (`run`); its result is appended (`record`: large text to the payload store,
 *    a record over the message limit replaced by a failure), and a result that another delivery
 *    recorded first is discarded and logged as late;
 * 4. a failure is retried by handing the message back with the policy's backoff (the wait
 *    survives a crash), then recorded as the step's result; a stopping service hands the message
 *    back at once.
 */
export class StepRecorder {
  constructor(private readonly o: StepRecorderOptions) {}

  /** Appends a step's record: its text larger than `largePayloadBytes` goes to the payload store; a record still over the message limit is replaced by `tooLarge`'s failure. */
  async record<R extends { runId: string }>(subject: string, record: R, shape: RecordShape<R>): Promise<AppendResult> {
    const text = record[shape.text] as unknown;
    if (typeof text === "string" && text && this.o.payloads && Buffer.byteLength(text) > this.o.largePayloadBytes) {
      const ref = await this.o.payloads.put(record.runId, text);
      record = { ...record, [shape.text]: preview(text), [shape.ref]: ref };
    }
    let data = encode(record);
    if (data.length > this.o.maxMessageBytes) data = encode(shape.tooLarge(record, data.length));
    return this.o.append(subject, data);
  }

  /** The failure that replaces a record over the message limit. */
  tooLarge(what: string, bytes: number): StepError {
    return {
      kind: "result_too_large",
      message: `${what} of ${bytes} bytes exceeds the ${this.o.maxMessageBytes}-byte message limit`,
    };
  }

  /** Appends an error event to the run about the message `m` (once per message). */
  reportError(runId: string, m: StepMessage, kind: string, message: string): Promise<AppendResult> {
    return this.o.append(
      this.o.subjects.error(runId, `s${m.seq}`),
      encode(runErrorEvent(this.o.service, runId, m, { kind, message }, this.o.now())),
    );
  }

  /**
   * A failed attempt that will be retried, recorded on the run (`s<seq>-<attempt>`: once per
   * attempt) with its next attempt's time, so a watcher and a replay show the retry and when it is
   * due. It decides nothing; a failure to record it only costs that notice (logged), not the retry.
   */
  async reportRetry(m: StepMessage, error: StepError, delayMs: number, log: StepLogger): Promise<void> {
    const runId = this.o.subjects.parse(m.subject)?.runId;
    if (runId === undefined) return;
    const now = this.o.now();
    const event: RunError = {
      ...runErrorEvent(this.o.service, runId, m, error, now),
      attempt: m.deliveries,
      retryAt: new Date(now + delayMs).toISOString(),
    };
    try {
      await this.o.append(this.o.subjects.error(runId, `s${m.seq}-${m.deliveries}`), encode(event));
    } catch (err) {
      log.warn({ err: errorMessage(err) }, "the retry notice could not be recorded (the retry goes on)");
    }
  }

  /** A command that cannot be run: reported on the run, its step's failed result recorded, acked. */
  async invalid(
    runId: string,
    m: StepMessage,
    log: StepLogger,
    what: string,
    kind: string,
    reason: string,
    fail: (error: StepError) => Promise<AppendResult>,
  ): Promise<Disposition> {
    log.error({ kind, reason }, what);
    await this.reportError(runId, m, kind, reason);
    await fail({ kind: "invalid_command", message: `${kind}: ${reason}` });
    return { ack: true };
  }

  /** A redelivery whose result is in the log already (the first delivery recorded it and was not acked). */
  async alreadyRecorded(m: StepMessage, resultSubject: string, log: StepLogger, words: StepWords): Promise<boolean> {
    if (m.deliveries <= 1 || !(await this.o.exists(resultSubject))) return false;
    log.info(`redelivered command already has its recorded ${words.result}: ${words.skipped}`);
    return true;
  }

  /** Runs the step's effect and records its outcome (see the class comment); the message's disposition. */
  async run<T>(s: StepRun<T>): Promise<Disposition> {
    const { m, log, words } = s;
    const started = this.o.now();
    try {
      const value = await s.execute();
      this.o.crash.hit(s.effectDone, m.subject);
      const ms = this.o.now() - started;
      const rec = await s.succeed(value, ms);
      s.after?.(value, rec);
      if (rec.duplicate)
        log.warn(
          { ms },
          `late ${words.result} discarded: this step's ${words.result} was already recorded by another delivery (this one stalled past ack_wait)`,
        );
      else s.recorded?.(value, ms);
    } catch (err) {
      if (s.signal.aborted) return { nak: 0 };
      const ms = this.o.now() - started;
      const settled = await s.settle?.(err, ms);
      if (settled) return settled;
      const retryable = (s.retryable ?? isRetryable)(err);
      if (retryable && m.deliveries < s.policy.maxAttempts) {
        const delay = backoffDelay(s.policy, m.deliveries, retryAfterOf(err));
        log.warn(
          { err: errorMessage(err), kind: errorKind(err), delayMs: delay },
          `${words.call} failed; retrying after backoff`,
        );
        await this.reportRetry(m, { kind: errorKind(err), message: errorMessage(err), retryable: true }, delay, log);
        return { nak: delay };
      }
      log[s.failureLevel ?? "warn"](
        { err: errorMessage(err), kind: errorKind(err), retryable },
        `${words.call} failed for good: recorded as the step's ${words.result}`,
      );
      await s.fail({ kind: errorKind(err), message: errorMessage(err), retryable }, ms);
      s.failed?.();
    }
    this.o.crash.hit("after-publish", m.subject);
    return { ack: true };
  }
}
