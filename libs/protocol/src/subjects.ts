/**
 * Subject and stream names. Every fact of a run lives under `<prefix>.run.<runId>.`, so the whole
 * log of one run is read back in order with the filter `<prefix>.run.<runId>.>`.
 *
 * ```
 * <p>.run.<runId>.evt.submitted               run.submitted   (planner consumes evt.>)
 * <p>.run.<runId>.evt.llm.<turn>              llm.result
 * <p>.run.<runId>.evt.tool.<turn>.<index>.<tool>  tool.result (the tool in the subject: a runner
 *                                             group's permissions bind to its own tools)
 * <p>.run.<runId>.evt.signal.<name>           run.signal
 * <p>.run.<runId>.evt.approval.<turn>.<index> run.approval   (a human's approve/deny)
 * <p>.run.<runId>.evt.approval.<turn>.<index>.<round>  run.approval (a human's decision on an ambiguous call: run again, fail, or a result)
 * <p>.run.<runId>.evt.started.<turn>.<index>.<round>.<tool>  tool.started (a reconcile/irreversible tool is about to run: tool-runner)
 * <p>.run.<runId>.evt.ambiguous.<turn>.<index>.<round>.<tool>  tool.ambiguous (started, no result: the run waits for a human)
 * <p>.run.<runId>.evt.approval.<turn>.budget  run.approval   (go past a budget before <turn>, or not)
 * <p>.run.<runId>.evt.approval.<turn>.loop    run.approval   (go on past a stuck-loop guard's trip before <turn>, or not)
 * <p>.run.<runId>.evt.summary.<turn>          summary.result  (older turns summarised before <turn>)
 * <p>.run.<runId>.evt.message.<n>             run.message     (a user's message: cairn send)
 * <p>.run.<runId>.evt.guard.<turn>.<point>    run.guard       (guardrails' verdict: input before turn 1, output of <turn>)
 * <p>.run.<runId>.evt.approval.<turn>.guard   run.approval    (go on past a tripped guardrail's pause at <turn>'s answer, or not)
 * <p>.run.<runId>.evt.approval.1.guard-input  run.approval    (the same for the task's pause, before turn 1)
 * <p>.run.<runId>.evt.check.<n>               check.result    (a model-judged guardrail's verdict: the run's n-th check)
 * <p>.run.<runId>.evt.error.<seq>             run.error
 * <p>.run.<runId>.evt.ended                   run.ended
 * <p>.run.<runId>.cmd.llm.<turn>.<provider>   llm.command     (llm-caller: consumer llm_<provider>)
 * <p>.run.<runId>.cmd.summary.<turn>.<provider>  summary.command (llm-caller: same consumer llm_<provider>)
 * <p>.run.<runId>.cmd.check.<n>.<provider>    check.command   (llm-caller: same consumer llm_<provider>, the judge's)
 * <p>.run.<runId>.cmd.tool.<turn>.<index>.<tool>  tool.command (tool-runner: consumer tool_<tool>)
 * <p>.run.<runId>.cmd.tool.<turn>.<index>-r<round>.<tool>  tool.command (a human's "run it again" of an ambiguous call: the same filter)
 * <p>.api.{submit,status,list,cancel,approve,send}  request/reply (NATS micro service "cairn")
 * <p>.api.spawn                               a run_agent call starts its sub-agent run (tool-runner)
 * <p>.api.read                                a page of a run's log (for callers that may not read the stream)
 * <p>.tapi.<endpoint>                         the API as tenant accounts import it (identity from the server)
 * <p>.stream.<runId>.<turn>                   live model tokens while a call runs (plain NATS, not stored)
 * <p>.tap.<runId>.<rest>                      every stored run message, republished by the stream
 *                                             (plain NATS): <p>.run.<runId>.<rest> as stored
 * <p>.payload.<runId>.<sha256>.<n>            chunk n of a large payload (stream <P>_PAYLOADS, write-once)
 * <p>.purged.<runId>                          a run was purged (plain NATS, empty body): tool-runners remove its workspace
 * ```
 * Logs recorded before the tool name joined the result subject hold `evt.tool.<turn>.<index>`;
 * the parser still reads them (kind "tool-result" without `tool`), and no service writes them.
 * Every subject under `<p>.run.>` is written at most once (the stream keeps one message per
 * subject and rejects a second), so a step result is recorded once, ever.
 */

const TOKEN = /^[A-Za-z0-9_-]+$/;

/** True when `s` can be used as one subject token (no dots, wildcards or spaces). */
export function isToken(s: string): boolean {
  return TOKEN.test(s);
}

function token(kind: string, s: string): string {
  if (!TOKEN.test(s)) throw new Error(`invalid ${kind} ${JSON.stringify(s)}: use letters, digits, '_' and '-' only`);
  return s;
}

/**
 * A prefix part: lower-case letters, digits and '-' (not first). With no '_', '.' or upper case in a
 * prefix, the mapping to stream and bucket names below is injective: two prefixes never share a
 * stream, a bucket or a consumer.
 */
const PREFIX_PART = /^[a-z0-9][a-z0-9-]{0,31}$/;
/** Tokens that follow the prefix in Cairn's own subjects: a prefix part equal to one would overlap another prefix's subjects. */
export const RESERVED_PREFIX_PARTS: ReadonlySet<string> = new Set([
  "run",
  "api",
  "tapi",
  "stream",
  "tap",
  "payload",
  "purged",
  "archive",
]);

/** Archive subjects per deployment: ended runs' archives share them (see Subjects.archive). */
export const ARCHIVE_SUBJECTS = 256;
/** Archive directory pages per deployment (see Subjects.archivePageKey): a fixed number, however many runs left the runs index. */
export const ARCHIVE_PAGES = 16_384;

/** 32-bit FNV-1a of a string (its characters). */
function fnv1a(s: string): number {
  let h = 0x811c9dc5;
  for (const ch of s) h = Math.imul(h ^ ch.charCodeAt(0), 0x01000193) >>> 0;
  return h;
}

/** The stream-name part of a prefix: "cairn" → "CAIRN", "t.x-1" → "T_X-1" ('.' becomes '_', letters upper-case). */
function streamPart(prefix: string): string {
  return prefix.replace(/\./g, "_").toUpperCase();
}

/** Endpoints of the `cairn` micro service. */
export type ApiEndpoint = "submit" | "status" | "list" | "cancel" | "approve" | "send" | "spawn" | "read";

export type RunSubjectKind =
  | { kind: "submitted" }
  | { kind: "llm-result"; turn: number }
  /** `tool` is the subject's tool token; absent in logs recorded before it was part of the subject. */
  | { kind: "tool-result"; turn: number; index: number; tool?: string }
  | { kind: "signal"; name: string }
  | { kind: "approval"; turn: number; index: number }
  /** A human's decision on round `round` of a call whose outcome was ambiguous (see tool-ambiguous). */
  | { kind: "ambiguity-approval"; turn: number; index: number; round: number }
  /** A reconcile or irreversible tool's call is about to run (round 0: its command; n: the n-th rerun). */
  | { kind: "tool-started"; turn: number; index: number; round: number; tool: string }
  /** A call that was started and has no result: whether its effect landed is unknown, and a human decides. */
  | { kind: "tool-ambiguous"; turn: number; index: number; round: number; tool: string }
  | { kind: "budget-approval"; turn: number }
  | { kind: "loop-approval"; turn: number }
  | { kind: "summary-result"; turn: number }
  /** The verdict of a model-judged guardrail: the run's check `n`. */
  | { kind: "check-result"; n: number }
  | { kind: "message"; n: number }
  | { kind: "guard"; turn: number; point: "input" | "output" }
  /** `point` input: the task's guardrails (`.guard-input`); absent: an answer's (`.guard`; logs before the split also decided the task's there). */
  | { kind: "guard-approval"; turn: number; point?: "input" }
  | { kind: "error"; id: string }
  | { kind: "ended" }
  | { kind: "llm-command"; turn: number; provider: string }
  | { kind: "summary-command"; turn: number; provider: string }
  | { kind: "check-command"; n: number; provider: string }
  | { kind: "tool-command"; turn: number; index: number; tool: string }
  /** Run call `index` of `turn` again (round ≥ 1), as a human decided after its outcome was ambiguous. */
  | { kind: "tool-rerun"; turn: number; index: number; round: number; tool: string }
  | { kind: "unknown" };

/** A parsed run subject: shared by every caller that parses the same subject (frozen). */
export interface ParsedRunSubject {
  readonly runId: string;
  readonly what: Readonly<RunSubjectKind>;
}

/** Subjects parsed and kept per Subjects instance: each message's subject is parsed by several layers. */
const PARSE_CACHE = 4096;

/** A rerun's index token: `<index>-r<round>`. */
const RERUN = /^\d{1,9}-r\d{1,9}$/;

function posInt(s: string | undefined): number | undefined {
  if (s === undefined || !/^(0|[1-9]\d{0,8})$/.test(s)) return undefined;
  return Number(s);
}

/** Subject builders for one deployment prefix (e.g. "cairn", or a per-test prefix). */
export class Subjects {
  readonly prefix: string;
  /** The stream holding every run's log. */
  readonly stream: string;
  /** KV bucket: run status projection (rebuildable from the log). */
  readonly runsBucket: string;
  /** KV bucket: tool specs registered by tool-runners. */
  readonly toolsBucket: string;
  /** Stream of large payloads (tool results and model replies too large to inline), written once per chunk. */
  readonly payloadStream: string;
  /** KV bucket: token-aware admission, one key per model budget (provider, model, API key), shared by every llm-caller. */
  readonly admissionBucket: string;
  /** Stream of archived runs: an ended run's whole log in one record (see Subjects.archive). */
  readonly archiveStream: string;
  /** KV bucket: the archive directory, pages mapping the ids of runs that left the runs index to their record in the archive stream (see Subjects.archivePageKey). */
  readonly archiveBucket: string;
  private readonly parsed = new Map<string, ParsedRunSubject | undefined>();

  constructor(prefix: string) {
    for (const part of prefix.split(".")) {
      if (!PREFIX_PART.test(part)) {
        throw new Error(
          `invalid prefix part ${JSON.stringify(part)} in ${JSON.stringify(prefix)}: use lower-case letters, digits and '-' (not first), at most 32 characters, parts separated by '.'`,
        );
      }
      if (RESERVED_PREFIX_PARTS.has(part))
        throw new Error(
          `invalid prefix part ${JSON.stringify(part)} in ${JSON.stringify(prefix)}: ${[...RESERVED_PREFIX_PARTS].join(", ")} are Cairn's own subject tokens`,
        );
    }
    this.prefix = prefix;
    this.stream = `${streamPart(prefix)}_RUNS`;
    this.runsBucket = `${streamPart(prefix)}_runs`;
    this.toolsBucket = `${streamPart(prefix)}_tools`;
    this.admissionBucket = `${streamPart(prefix)}_admission`;
    this.payloadStream = `${streamPart(prefix)}_PAYLOADS`;
    this.archiveStream = `${streamPart(prefix)}_ARCHIVE`;
    this.archiveBucket = `${streamPart(prefix)}_archived`;
  }

  /** Everything in the runs stream. */
  allRuns(): string {
    return `${this.prefix}.run.>`;
  }
  /** One run's whole log (commands and events), in order. */
  run(runId: string): string {
    return `${this.prefix}.run.${token("runId", runId)}.>`;
  }
  /** What every subject of one run starts with (`<p>.run.<runId>.`): to tell a run's messages, or cut it off. */
  runHead(runId: string): string {
    return `${this.prefix}.run.${token("runId", runId)}.`;
  }
  /** What every event subject of one run starts with (`<p>.run.<runId>.evt.`). */
  runEventsHead(runId: string): string {
    return `${this.runHead(runId)}evt.`;
  }
  /** Filter: every run's end event. */
  allEnded(): string {
    return `${this.prefix}.run.*.evt.ended`;
  }
  /** One run's events (what the reducer folds). */
  runEvents(runId: string): string {
    return `${this.prefix}.run.${token("runId", runId)}.evt.>`;
  }
  /** Filter: every run's events (the planner's consumer). */
  allEvents(): string {
    return `${this.prefix}.run.*.evt.>`;
  }
  /** Filter: LLM commands for one provider, or for all (an llm-caller consumes one per provider). */
  llmCommands(provider = "*"): string {
    return `${this.prefix}.run.*.cmd.llm.*.${provider === "*" ? "*" : token("provider", provider)}`;
  }
  /**
   * Filter of the llm_<provider> consumer: the provider's model calls, summarisations and
   * guardrail checks (`cmd.llm.<turn>.<provider>`, `cmd.summary.<turn>.<provider>`,
   * `cmd.check.<n>.<provider>`; a tool command has one token
   * more, so it never matches). One filter, not two: nats-server looks for a multi-filter
   * consumer's next message past a block with none by intersecting its filters with every subject
   * of the stream (`checkSkipFirstBlockMulti`), a cost that grows with the runs in the stream
   * (9% of its CPU with 100,000 runs in flight, measured).
   */
  llmWork(provider: string): string[] {
    return [`${this.prefix}.run.*.cmd.*.*.${provider === "*" ? "*" : token("provider", provider)}`];
  }
  /** Filter: summarisation commands for one provider, or for all (same consumer as its LLM commands). */
  summaryCommands(provider = "*"): string {
    return `${this.prefix}.run.*.cmd.summary.*.${provider === "*" ? "*" : token("provider", provider)}`;
  }
  /** Filter: tool commands for one tool, or for all tools (a tool-runner consumes one per tool). */
  toolCommands(tool = "*"): string {
    return `${this.prefix}.run.*.cmd.tool.*.*.${tool === "*" ? "*" : token("tool", tool)}`;
  }
  /**
   * Rerun `round` (≥ 1) of call `index` of `turn`: a human approved running it again after round
   * `round - 1` was ambiguous. Its index token is `<index>-r<round>`, so the tool's consumer filter
   * (`toolCommands`) takes it as it is.
   */
  toolRerun(runId: string, turn: number, index: number, round: number, tool: string): string {
    return `${this.prefix}.run.${token("runId", runId)}.cmd.tool.${turn}.${index}-r${round}.${token("tool", tool)}`;
  }
  /** Where a tool-runner marks round `round` of a reconcile/irreversible call as started (before it runs). */
  toolStarted(runId: string, turn: number, index: number, round: number, tool: string): string {
    return `${this.prefix}.run.${token("runId", runId)}.evt.started.${turn}.${index}.${round}.${token("tool", tool)}`;
  }
  /** Where a tool-runner records that round `round` of a call was started and its outcome is unknown. */
  toolAmbiguous(runId: string, turn: number, index: number, round: number, tool: string): string {
    return `${this.prefix}.run.${token("runId", runId)}.evt.ambiguous.${turn}.${index}.${round}.${token("tool", tool)}`;
  }
  /** Filter: started markers and ambiguity records of one tool (or all) in every run: what a runner group may publish. */
  toolMarkers(tool = "*"): string[] {
    const t = tool === "*" ? "*" : token("tool", tool);
    return [`${this.prefix}.run.*.evt.started.*.*.*.${t}`, `${this.prefix}.run.*.evt.ambiguous.*.*.*.${t}`];
  }
  /** A human's decision on round `round` of an ambiguous call. */
  ambiguityApproval(runId: string, turn: number, index: number, round: number): string {
    return `${this.prefix}.run.${token("runId", runId)}.evt.approval.${turn}.${index}.${round}`;
  }
  /** Every run's submission (one per run, in submission order in the stream). */
  allSubmissions(): string {
    return `${this.prefix}.run.*.evt.submitted`;
  }
  submitted(runId: string): string {
    return `${this.prefix}.run.${token("runId", runId)}.evt.submitted`;
  }
  llmResult(runId: string, turn: number): string {
    return `${this.prefix}.run.${token("runId", runId)}.evt.llm.${turn}`;
  }
  /** Where the result of call `index` of `turn` to `tool` (a subject token: see safeToolToken) is recorded. */
  toolResult(runId: string, turn: number, index: number, tool: string): string {
    return `${this.prefix}.run.${token("runId", runId)}.evt.tool.${turn}.${index}.${token("tool", tool)}`;
  }
  /** Filter: results of one tool (or all) in every run: what a runner group's user may publish. */
  toolResults(tool = "*"): string {
    return `${this.prefix}.run.*.evt.tool.*.*.${tool === "*" ? "*" : token("tool", tool)}`;
  }
  /** A tool result as logs recorded before the tool joined its subject (`evt.tool.<turn>.<index>`): still read. */
  legacyToolResult(runId: string, turn: number, index: number): string {
    return `${this.prefix}.run.${token("runId", runId)}.evt.tool.${turn}.${index}`;
  }
  /** The verdict of the run's guardrails at a point: input (before model turn 1) or the output of `turn`. */
  guard(runId: string, turn: number, point: "input" | "output"): string {
    return `${this.prefix}.run.${token("runId", runId)}.evt.guard.${turn}.${point}`;
  }
  /**
   * A human's decision on a run a tripped guardrail paused (onTrip pause): on the answer of `turn`
   * (`.guard`), or on the task before turn 1 (`.guard-input`: its own subject, so the task's
   * decision and turn 1's answer's are two).
   */
  guardApproval(runId: string, turn: number, point: "input" | "output" = "output"): string {
    return `${this.prefix}.run.${token("runId", runId)}.evt.approval.${turn}.${point === "input" ? "guard-input" : "guard"}`;
  }
  /** A user's message `n` (1, 2, …) to a run: cairn send. */
  message(runId: string, n: number): string {
    return `${this.prefix}.run.${token("runId", runId)}.evt.message.${n}`;
  }
  signal(runId: string, name: string): string {
    return `${this.prefix}.run.${token("runId", runId)}.evt.signal.${token("signal", name)}`;
  }
  error(runId: string, id: string): string {
    return `${this.prefix}.run.${token("runId", runId)}.evt.error.${token("error id", id)}`;
  }
  budgetApproval(runId: string, turn: number): string {
    return `${this.prefix}.run.${token("runId", runId)}.evt.approval.${turn}.budget`;
  }
  /** A human's decision on a run its stuck-loop guard paused before model turn `turn` (agent `loopGuard`). */
  loopApproval(runId: string, turn: number): string {
    return `${this.prefix}.run.${token("runId", runId)}.evt.approval.${turn}.loop`;
  }
  approval(runId: string, turn: number, index: number): string {
    return `${this.prefix}.run.${token("runId", runId)}.evt.approval.${turn}.${index}`;
  }
  summaryResult(runId: string, turn: number): string {
    return `${this.prefix}.run.${token("runId", runId)}.evt.summary.${turn}`;
  }
  summaryCommand(runId: string, turn: number, provider: string): string {
    return `${this.prefix}.run.${token("runId", runId)}.cmd.summary.${turn}.${token("provider", provider)}`;
  }
  /** The run's `n`-th model-judged guardrail check, for the llm_<provider> consumer (the guardrail's provider). */
  checkCommand(runId: string, n: number, provider: string): string {
    return `${this.prefix}.run.${token("runId", runId)}.cmd.check.${n}.${token("provider", provider)}`;
  }
  /** Where the verdict of the run's check `n` is recorded (by the llm-caller). */
  checkResult(runId: string, n: number): string {
    return `${this.prefix}.run.${token("runId", runId)}.evt.check.${n}`;
  }
  ended(runId: string): string {
    return `${this.prefix}.run.${token("runId", runId)}.evt.ended`;
  }
  llmCommand(runId: string, turn: number, provider: string): string {
    return `${this.prefix}.run.${token("runId", runId)}.cmd.llm.${turn}.${token("provider", provider)}`;
  }
  toolCommand(runId: string, turn: number, index: number, tool: string): string {
    return `${this.prefix}.run.${token("runId", runId)}.cmd.tool.${turn}.${index}.${token("tool", tool)}`;
  }
  /** Live model output tokens of one turn (plain NATS, not stored): `<p>.stream.<runId>.<turn>`. */
  tokens(runId: string, turn: number | "*"): string {
    return `${this.prefix}.stream.${token("runId", runId)}.${turn}`;
  }

  /**
   * The stream's republish rule: every run message, once stored, is also sent as a plain NATS
   * message to `<p>.tap.<runId>.<rest>`, with its stream sequence, subject and time in headers. An
   * llm-caller reads tool results from it ahead of the next model turn; a watcher (`cairn follow`)
   * is woken by it and reads the run's log with Direct Get — no consumer of its own, so a client
   * needs no right to create one. Plain NATS, sent by the stream's leader: a hint, never the record.
   */
  runRepublish(): { src: string; dest: string } {
    return { src: `${this.prefix}.run.>`, dest: `${this.prefix}.tap.>` };
  }
  /** Filter: every republished tool result (see runRepublish). */
  toolResultTap(): string {
    return `${this.prefix}.tap.*.evt.tool.>`;
  }
  /** Filter: one signal (e.g. cancel) of every run, as republished (see runRepublish). */
  signalTap(name: string): string {
    return `${this.prefix}.tap.*.evt.signal.${token("signal", name)}`;
  }
  /** Filter: every republished message of one run. */
  runTap(runId: string): string {
    return `${this.prefix}.tap.${token("runId", runId)}.>`;
  }
  /** The subject the republish rule gives a stored run message. */
  tapOf(stored: string): string | undefined {
    const head = `${this.prefix}.run.`;
    return stored.startsWith(head) ? `${this.prefix}.tap.${stored.slice(head.length)}` : undefined;
  }
  /** The subject the republish rule gives a stored tool result (undefined for any other subject). */
  toolResultTapOf(stored: string): string | undefined {
    return this.parse(stored)?.what.kind === "tool-result" ? this.tapOf(stored) : undefined;
  }

  /**
   * Where an archived run's record goes: one of ARCHIVE_SUBJECTS subjects, picked by a hash of the
   * run id, so the archive stream keeps per-subject state for a fixed number of subjects however
   * many runs it holds (each run is found by the sequences the runs index records).
   */
  archive(runId: string): string {
    return `${this.prefix}.archive.${(fnv1a(token("runId", runId)) % ARCHIVE_SUBJECTS).toString(16).padStart(2, "0")}`;
  }
  /**
   * The archive's run records: the index record of every run that left the runs index (archived
   * or purged), one message each, in the order they left it (the list walks them newest first).
   */
  archivedRuns(): string {
    return `${this.prefix}.archive.runs`;
  }
  /** The stored subject of a key of the runs index (`$KV.<runsBucket>.<key>`). */
  runsKey(key: string): string {
    return `$KV.${this.runsBucket}.${key}`;
  }
  /** The runs index's key of a run's submission record (its status record's key is the run id). */
  submissionKey(runId: string): string {
    return `${this.submissionKeyHead()}${token("runId", runId)}`;
  }
  /** What every submission record's key starts with. */
  submissionKeyHead(): string {
    return "s.";
  }
  /** The stored subject of a tool's registration (`$KV.<toolsBucket>.<tool>`). */
  toolKey(tool: string): string {
    return `$KV.${this.toolsBucket}.${token("tool", tool)}`;
  }
  /** The stored subject of a run's archive directory page (`$KV.<archiveBucket>.<page key>`). */
  archivePage(runId: string): string {
    return `$KV.${this.archiveBucket}.${this.archivePageKey(runId)}`;
  }
  /**
   * The key, in the archive directory bucket (archiveBucket), of the page that finds a run's
   * record: one of ARCHIVE_PAGES keys, picked by a hash of the run id (the page maps run ids to
   * their record's sequence in the archive stream).
   */
  archivePageKey(runId: string): string {
    return (fnv1a(token("runId", runId)) % ARCHIVE_PAGES).toString(16).padStart(4, "0");
  }
  allArchives(): string {
    return `${this.prefix}.archive.>`;
  }
  /** Filter: every chunk of the payload stream. */
  allPayloads(): string {
    return `${this.prefix}.payload.>`;
  }
  /** Chunk `n` of the payload with this sha256 (hex) in run `runId`: written once, content-addressed. */
  payloadChunk(runId: string, sha256: string, n: number): string {
    if (!/^[0-9a-f]{64}$/.test(sha256)) throw new Error(`invalid payload sha256 ${JSON.stringify(sha256)}`);
    return `${this.prefix}.payload.${token("runId", runId)}.${sha256}.${n}`;
  }

  /**
   * A run was purged (`cairn purge`): a plain NATS notification with an empty body, published by
   * the purge after the run's history is gone. Every tool-runner listens on `purged("*")` and
   * removes the run's workspace directory (best effort, idempotent), wherever it runs.
   */
  purged(runId: string): string {
    return `${this.prefix}.purged.${runId === "*" ? "*" : token("runId", runId)}`;
  }

  /** Durable consumer names: `planner`, `llm_<provider>`, `tool_<tool>`. */
  llmConsumer(provider: string): string {
    return `llm_${token("provider", provider)}`;
  }
  toolConsumer(tool: string): string {
    return `tool_${token("tool", tool)}`;
  }

  /** Request/reply endpoints of the `cairn` micro service. */
  api(endpoint: ApiEndpoint): string {
    return `${this.apiGroup()}.${endpoint}`;
  }
  /** The micro service's endpoint group for the deployment's own callers (`<p>.api`). */
  apiGroup(): string {
    return `${this.prefix}.api`;
  }
  /** Its endpoint group for tenants (`<p>.tapi`, see tenantApi). */
  tenantApiGroup(): string {
    return `${this.prefix}.tapi`;
  }
  /**
   * The same endpoints as tenants reach them: a tenant account imports `<p>.tapi.>` as its own
   * `<p>.api.>` with `share: true`, so each request carries the server's `Nats-Request-Info` (the
   * caller's account and user). No user of the deployment's own account may publish here, so that
   * header is always the server's.
   */
  tenantApi(endpoint: ApiEndpoint | "*" = "*"): string {
    return endpoint === "*" ? `${this.prefix}.tapi.>` : `${this.prefix}.tapi.${endpoint}`;
  }

  /** Parses a subject under `<prefix>.run.`; undefined when it is not one. */
  parse(subject: string): ParsedRunSubject | undefined {
    const hit = this.parsed.get(subject);
    if (hit !== undefined || this.parsed.has(subject)) return hit;
    const p = this.parseUncached(subject);
    if (p) {
      Object.freeze(p.what);
      Object.freeze(p);
    }
    if (this.parsed.size >= PARSE_CACHE) this.parsed.clear();
    this.parsed.set(subject, p);
    return p;
  }

  private parseUncached(subject: string): ParsedRunSubject | undefined {
    const head = `${this.prefix}.run.`;
    return subject.startsWith(head) ? parseRunTokens(subject.slice(head.length).split(".")) : undefined;
  }
}

/** A run subject's tokens after `<prefix>.run.` (the run id first), parsed; undefined when the run id is not a token. */
function parseRunTokens(t: string[]): ParsedRunSubject | undefined {
  const runId = t[0];
  if (!runId || !TOKEN.test(runId)) return undefined;
  const [, a, b, c, d, e] = t;
  const n = t.length;
  let what: RunSubjectKind = { kind: "unknown" };
  if (a === "evt") {
    if (b === "submitted" && n === 3) what = { kind: "submitted" };
    else if (b === "ended" && n === 3) what = { kind: "ended" };
    else if (b === "llm" && n === 4 && posInt(c)) what = { kind: "llm-result", turn: posInt(c)! };
    else if (b === "tool" && n === 6 && posInt(c) && posInt(d) !== undefined && e)
      what = { kind: "tool-result", turn: posInt(c)!, index: posInt(d)!, tool: e };
    else if (b === "tool" && n === 5 && posInt(c) && posInt(d) !== undefined)
      what = { kind: "tool-result", turn: posInt(c)!, index: posInt(d)! };
    else if (b === "signal" && n === 4 && c) what = { kind: "signal", name: c };
    else if (b === "approval" && n === 5 && posInt(c) && posInt(d) !== undefined)
      what = { kind: "approval", turn: posInt(c)!, index: posInt(d)! };
    else if (b === "approval" && n === 6 && posInt(c) && posInt(d) !== undefined && posInt(e) !== undefined)
      what = { kind: "ambiguity-approval", turn: posInt(c)!, index: posInt(d)!, round: posInt(e)! };
    else if (
      (b === "started" || b === "ambiguous") &&
      n === 7 &&
      posInt(c) &&
      posInt(d) !== undefined &&
      posInt(e) !== undefined &&
      t[6]
    )
      what = {
        kind: b === "started" ? "tool-started" : "tool-ambiguous",
        turn: posInt(c)!,
        index: posInt(d)!,
        round: posInt(e)!,
        tool: t[6],
      };
    else if (b === "approval" && n === 5 && posInt(c) && d === "budget")
      what = { kind: "budget-approval", turn: posInt(c)! };
    else if (b === "approval" && n === 5 && posInt(c) && d === "loop")
      what = { kind: "loop-approval", turn: posInt(c)! };
    else if (b === "approval" && n === 5 && posInt(c) && d === "guard")
      what = { kind: "guard-approval", turn: posInt(c)! };
    else if (b === "approval" && n === 5 && posInt(c) && d === "guard-input")
      what = { kind: "guard-approval", turn: posInt(c)!, point: "input" };
    else if (b === "guard" && n === 5 && posInt(c) && (d === "input" || d === "output"))
      what = { kind: "guard", turn: posInt(c)!, point: d };
    else if (b === "summary" && n === 4 && posInt(c)) what = { kind: "summary-result", turn: posInt(c)! };
    else if (b === "check" && n === 4 && posInt(c)) what = { kind: "check-result", n: posInt(c)! };
    else if (b === "message" && n === 4 && posInt(c)) what = { kind: "message", n: posInt(c)! };
    else if (b === "error" && n === 4 && c) what = { kind: "error", id: c };
  } else if (a === "cmd") {
    if (b === "llm" && n === 5 && posInt(c) && d) what = { kind: "llm-command", turn: posInt(c)!, provider: d };
    else if (b === "summary" && n === 5 && posInt(c) && d)
      what = { kind: "summary-command", turn: posInt(c)!, provider: d };
    else if (b === "check" && n === 5 && posInt(c) && d) what = { kind: "check-command", n: posInt(c)!, provider: d };
    else if (b === "tool" && n === 6 && posInt(c) && posInt(d) !== undefined && e)
      what = { kind: "tool-command", turn: posInt(c)!, index: posInt(d)!, tool: e };
    else if (b === "tool" && n === 6 && posInt(c) && e && RERUN.test(d ?? "")) {
      const [index, round] = d!.split("-r");
      if (posInt(index) !== undefined && posInt(round))
        what = { kind: "tool-rerun", turn: posInt(c)!, index: posInt(index)!, round: posInt(round)!, tool: e };
    }
  }
  return { runId, what };
}

/** A step of a run as its subject names it, for spans: the parts, and a template with the run id and numbers as placeholders. */
export interface RunStep {
  /** The deployment prefix (`cairn`, `acme.prod-1`). */
  prefix: string;
  runId: string;
  family: "evt" | "cmd";
  /** submitted, llm, tool, summary, signal, approval, error, ended. */
  kind: string;
  turn?: number;
  index?: number;
  /** The tool token of a tool command or result. */
  tool?: string;
  /** The subject with the run id and numbers templated: `<p>.run.{runId}.evt.tool.{turn}.{index}.<tool>`. */
  template: string;
}

/**
 * The step a run subject of any prefix names (`<prefix>.run.<runId>.(evt|cmd).…`), by the same
 * grammar as `Subjects.parse`; undefined for any other subject, or a run subject of no known kind.
 */
export function runStepOf(subject: string): RunStep | undefined {
  // "run" is a reserved prefix part: the first ".run." ends the prefix.
  const at = subject.indexOf(".run.");
  if (
    at <= 0 ||
    !subject
      .slice(0, at)
      .split(".")
      .every((p) => PREFIX_PART.test(p))
  )
    return undefined;
  const p = parseRunTokens(subject.slice(at + 5).split("."));
  if (!p) return undefined;
  const w = p.what;
  const step = (family: "evt" | "cmd", kind: string, tail: string[], parts: Partial<RunStep> = {}): RunStep => ({
    prefix: subject.slice(0, at),
    runId: p.runId,
    family,
    kind,
    ...parts,
    template: [`${subject.slice(0, at)}.run.{runId}.${family}.${kind}`, ...tail].join("."),
  });
  switch (w.kind) {
    case "submitted":
    case "ended":
      return step("evt", w.kind, []);
    case "llm-result":
      return step("evt", "llm", ["{turn}"], { turn: w.turn });
    case "summary-result":
      return step("evt", "summary", ["{turn}"], { turn: w.turn });
    case "tool-result":
      return step("evt", "tool", ["{turn}", "{index}", ...(w.tool ? [w.tool] : [])], {
        turn: w.turn,
        index: w.index,
        ...(w.tool ? { tool: w.tool } : {}),
      });
    case "signal":
      return step("evt", "signal", [w.name]);
    case "approval":
      return step("evt", "approval", ["{turn}", "{index}"], { turn: w.turn, index: w.index });
    case "ambiguity-approval":
      return step("evt", "approval", ["{turn}", "{index}", "{round}"], { turn: w.turn, index: w.index });
    case "tool-started":
    case "tool-ambiguous":
      return step(
        "evt",
        w.kind === "tool-started" ? "started" : "ambiguous",
        ["{turn}", "{index}", "{round}", w.tool],
        {
          turn: w.turn,
          index: w.index,
          tool: w.tool,
        },
      );
    case "budget-approval":
      return step("evt", "approval", ["{turn}", "budget"], { turn: w.turn });
    case "loop-approval":
      return step("evt", "approval", ["{turn}", "loop"], { turn: w.turn });
    case "message":
      return step("evt", "message", ["{n}"]);
    case "check-result":
      return step("evt", "check", ["{n}"]);
    case "guard":
      return step("evt", "guard", ["{turn}", w.point], { turn: w.turn });
    case "guard-approval":
      return step("evt", "approval", ["{turn}", w.point === "input" ? "guard-input" : "guard"], { turn: w.turn });
    case "error":
      return step("evt", "error", ["{id}"]);
    case "llm-command":
      return step("cmd", "llm", ["{turn}", w.provider], { turn: w.turn });
    case "summary-command":
      return step("cmd", "summary", ["{turn}", w.provider], { turn: w.turn });
    case "check-command":
      return step("cmd", "check", ["{n}", w.provider]);
    case "tool-command":
      return step("cmd", "tool", ["{turn}", "{index}", w.tool], { turn: w.turn, index: w.index, tool: w.tool });
    case "tool-rerun":
      return step("cmd", "tool", ["{turn}", "{index}-r{round}", w.tool], {
        turn: w.turn,
        index: w.index,
        tool: w.tool,
      });
    case "unknown":
      return undefined;
  }
}
