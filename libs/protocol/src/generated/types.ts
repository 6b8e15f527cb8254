// DO NOT EDIT: generated from schemas/*.schema.json by libs/protocol/scripts/generate.mjs
/* eslint-disable */

/**
 * An agent definition as snapshotted into a run at submission: model, prompt, tools, limits.
 */
export interface AgentSpec {
  name: string;
  /**
   * Provider name known to the llm-caller (a subject token: commands go to <prefix>.run.<id>.cmd.llm.<turn>.<provider>): an endpoint of its providers file (CAIRN_PROVIDERS_FILE: openai, azure, an OpenAI-compatible server, anthropic), openai or anthropic from their environment variables, or scripted (the deterministic scripted model).
   */
  provider: string;
  model: string;
  systemPrompt: string;
  /**
   * Tools the model may call, with the schemas shown to it.
   */
  tools: {
    name: string;
    description: string;
    inputSchema: {
      [k: string]: unknown | undefined;
    };
    /**
     * Calls wait for a human approve/deny before they run.
     */
    requiresApproval?: boolean;
    /**
     * An approver may replace the call's arguments when approving it (`cairn approve <run> <call> --args '{…}'`); only with requiresApproval. The tool runs with the edited arguments, and the model reads with the result that a human edited them.
     */
    argsEditable?: boolean;
  }[];
  /**
   * The most tokens one model response may have (the provider endpoint's maxOutputTokens otherwise).
   */
  maxOutputTokens?: number;
  /**
   * A hook in the planner's agents module (defineAgent hooks.toolCall) sees each call to a tool that needs no approval before it runs and may refuse it (recorded as the call's failed result, kind denied_by_hook). A planner without the code refuses every such call (kind hook_unavailable).
   */
  toolCallHook?: true;
  /**
   * The agent's instructions are a function of the run's state in the planner's agents module (defineAgent): each model command carries the turn's system prompt (llm.command instructions); systemPrompt is not used.
   */
  instructionsInCode?: true;
  /**
   * Checks of the task (input, before the first model call) and of the final answer (output, before the run ends), in order; the planner records their verdict (evt.guard.<turn>.<point>). A tripwire fails the run (reason guardrail_tripped) or pauses it for a human.
   */
  guardrails?: {
    input?: Guardrail[];
    output?: Guardrail[];
  };
  /**
   * Agents this one may hand the run to (names of agents in the run's team, snapshotted at submission): the model sees a built-in tool `handoff` ({agent, reason}); the planner records its result, and the next model turn is the new agent's (its prompt, model, provider, tools and limits; the conversation carries over).
   */
  handoffs?: string[];
  /**
   * The run is a conversation: an answer does not end it; it waits for the next message (cairn send), and ends after an answer once a message asked it to (end), or by cancel. maxTurns bounds its model turns in all.
   */
  conversation?: boolean;
  /**
   * Structured output: the run's final answer must be JSON that validates against `schema`; the run's end and status carry the parsed value as `output`. Checked from the log alone (the same check in the planner, cairn status and replay). Providers with native structured output (OpenAI's json_schema response format) are asked for it; the others get the schema in the system prompt.
   */
  output?: {
    /**
     * The schema's name, sent to providers with native structured output (default: output).
     */
    name?: string;
    /**
     * JSON Schema (draft 2020-12) that the final answer, parsed as JSON, must validate against.
     */
    schema: {
      [k: string]: unknown | undefined;
    };
    /**
     * Answers the model may give in all (default 3): an answer that is not JSON or fails the schema goes back to the model with the validation errors as a new model turn, until this many answers failed; then the run fails with reason invalid_output.
     */
    maxAttempts?: number;
  };
  maxTurns: number;
  temperature?: number;
  /**
   * Token budget (input + output) for the whole run.
   */
  maxTokens?: number;
  /**
   * Cost budget in USD, priced with `pricing`.
   */
  maxCostUsd?: number;
  /**
   * When the prompt would exceed this (estimated at 4 characters a token), old tool results are truncated with a note, oldest first.
   */
  contextBudgetTokens?: number;
  /**
   * When the prompt would exceed contextBudgetTokens, the turns older than the last keepRecentTurns are first summarised by a model call that is itself a journaled step (evt.summary.<turn>); the summary then stands in for them in every later prompt.
   */
  summarize?: {
    /**
     * Turns kept verbatim after the summary (at least the last: the model reads the results it asked for as they are).
     */
    keepRecentTurns: number;
    /**
     * Replaces Cairn's default summarisation instructions.
     */
    instructions?: string;
  };
  /**
   * What a run does before a model call that a budget (maxTokens, maxCostUsd, deadlineMs) no longer allows: fail (the default), or pause for a human; each approval starts another budget of the same size from that point.
   */
  onBudgetExceeded?: "fail" | "approve";
  /**
   * Stuck-loop guard, checked before each model call after the first, from the run's log alone. Absent (the default, and every run submitted before the guard existed): no guard.
   */
  loopGuard?: {
    /**
     * Trips when the model has asked for the same tool with the same arguments (compared as canonical JSON) this many times since the run began or since the last approval to go on (counted over every call of every completed turn).
     */
    sameCall?: number;
    /**
     * Trips after this many consecutive idle turns since the run began or since the last approval to go on. A turn is idle when none of its tool results is new: each repeats the tool, the arguments (canonical JSON) and the outcome (the same output, or the same error kind and message) of a call earlier in the run, in an earlier turn or earlier in the same turn.
     */
    idleTurns?: number;
    /**
     * pause: the run waits for a human before its next model call (status awaiting_approval with loopPause; `cairn approve <runId> loop` goes on with the counts reset, `cairn deny <runId> loop` ends it failed); fail: the run ends failed with reason stuck_loop.
     */
    onTrip: "pause" | "fail";
  };
  /**
   * The run must end within this many ms of its submission.
   */
  deadlineMs?: number;
  /**
   * Calls a model response may have run: the planner answers each call past this many (by index) itself with an error result of kind too_many_calls, which the model reads; a call to a tool that requires approval still waits for the human's decision first. Absent (runs submitted before the setting existed): no cap.
   */
  maxToolCallsPerTurn?: number;
  /**
   * In-flight window: the planner commands at most this many of a turn's calls at a time (commanded and without a result: running, retrying, asleep or in a sub-agent run) and commands the next as results are recorded, in call order, approved calls after the others in the order of their approvals. Calls waiting for a human, or answered by the planner itself, take no place in it. Absent (runs submitted before the setting existed): no window, every call at once.
   */
  maxParallelToolCalls?: number;
  /**
   * USD per million tokens for this agent's model, from the planner's price table at submission.
   */
  pricing?: {
    inputPerMTokUsd: number;
    outputPerMTokUsd: number;
  };
}
export interface Guardrail {
  name: string;
  onTrip: "fail" | "pause";
  /**
   * Trips when this regular expression (JavaScript syntax, flag i with `ignoreCase`) matches the text.
   */
  pattern?: string;
  ignoreCase?: boolean;
  /**
   * Trips when the text is longer than this.
   */
  maxChars?: number;
  /**
   * What the verdict says when it trips.
   */
  message?: string;
  /**
   * A check written in code (defineAgent in the planner's CAIRN_AGENTS_MODULE), found by name; a planner without it records a pause naming it.
   */
  code?: true;
  /**
   * A model-judged check: a journaled model call (cmd.check / evt.check) given these instructions and the text, answering {"tripped", "reason"}; a failed call or an answer that is no verdict trips it with a pause.
   */
  model?: {
    /**
     * What trips the guardrail, for the judging model.
     */
    instructions: string;
    /**
     * The judge's provider (default: the agent's).
     */
    provider?: string;
    /**
     * The judge's model (default: the agent's).
     */
    model?: string;
  };
}

/**
 * Error reply from any <prefix>.api.* endpoint.
 */
export interface ApiError {
  v: 1;
  error: {
    kind: string;
    message: string;
    retryable?: boolean;
  };
}

/**
 * Request to <prefix>.api.approve: approve or deny a tool call that waits for approval, or (callId "budget") a run paused at a budget, or (callId "loop") a run its stuck-loop guard paused.
 */
export interface ApprovalRequest {
  /**
   * Protocol version: 1, the current one, when omitted; a version the planner does not speak is answered with error kind unsupported_version.
   */
  v?: 1;
  runId: string;
  callId: string;
  decision: "approve" | "deny";
  /**
   * Approve with these arguments instead of the model's: only for a tool call whose tool allows it (argsEditable), with decision approve; they must validate against the tool's input schema.
   */
  arguments?: {
    [k: string]: unknown | undefined;
  };
  reason?: string;
  /**
   * Ignored (accepted for older clients): the planner records the caller's authenticated identity.
   */
  by?: string;
  /**
   * Only for a call whose outcome is ambiguous (status approvals[].ambiguous), with decision approve: record this text as the call's result instead of running it again.
   */
  result?: string;
}

/**
 * Asks the llm-caller for a model-judged guardrail's verdict (a guardrail with `model`): the run's n-th check, on <prefix>.run.<runId>.cmd.check.<n>.<provider> (the guardrail's provider). The text checked (the task for input, the answer of <turn> for output) and the guardrail are rebuilt from the run history up to historySeq.
 */
export interface CheckCommand {
  v: 1;
  type: "check.command";
  runId: string;
  /**
   * The run's checks are numbered 1, 2, … in the order the planner asks for them.
   */
  n: number;
  turn: number;
  point: "input" | "output";
  guardrail: string;
  historySeq: number;
}

/**
 * A model-judged guardrail's verdict, recorded by the llm-caller on <prefix>.run.<runId>.evt.check.<n> (at most one per check, ever): the planner reads it to record the point's guardrail verdict (run.guard), and replay reads it instead of asking the model again. ok false: the model call failed or its answer was not a verdict; the guardrail then trips with a pause (a human decides), never passes.
 */
export interface CheckResult {
  v: 1;
  type: "check.result";
  runId: string;
  n: number;
  turn: number;
  point: "input" | "output";
  guardrail: string;
  ok: boolean;
  /**
   * The model's verdict (ok true).
   */
  tripped?: boolean;
  /**
   * Why, in the model's words.
   */
  reason?: string;
  provider?: string;
  model?: string;
  usage?: {
    inputTokens: number;
    outputTokens: number;
  };
  latencyMs?: number;
  /**
   * sha256 of the canonical check request, rebuilt from history by replay.
   */
  promptHash?: string;
  historySeq?: number;
  attempts: number;
  error?: {
    kind: string;
    message: string;
    retryable?: boolean;
  };
}

/**
 * Reply from <prefix>.api.list: newest first. A page may hold fewer runs than asked for and still have a cursor: the index was examined up to a bound per request (filters that match few runs), and the next page continues from there.
 */
export interface ListReply {
  v: 1;
  runs: RunStatus[];
  /**
   * Present when more runs may follow: pass it as ListRequest.cursor for the next page.
   */
  cursor?: string;
  /**
   * Index entries examined for this page.
   */
  examined?: number;
  /**
   * When the request asked for them (ListRequest.counts): how many runs the caller may see have each status, with the request's tenant and agent filters applied (not its status, metadata, time or cursor). Runs that were archived or purged count with the status they ended with. Kept by each planner from the runs index's writes as they come, so a run's change shows within the index's progress interval; a planner reads the whole index once when first asked (seconds for 100,000 runs) and answers without counts until it has: ask again.
   */
  counts?: {
    awaiting_approval: number;
    running: number;
    completed: number;
    failed: number;
    cancelled: number;
  };
}

/**
 * Request to <prefix>.api.list.
 */
export interface ListRequest {
  /**
   * Protocol version: 1, the current one, when omitted; a version the planner does not speak is answered with error kind unsupported_version.
   */
  v?: 1;
  limit?: number;
  status?: "running" | "awaiting_approval" | "completed" | "failed" | "cancelled";
  /**
   * Where the previous page ended (ListReply.cursor): the next page continues after it.
   */
  cursor?: string;
  /**
   * Only runs of this agent.
   */
  agent?: string;
  /**
   * Only runs of this tenant (operators; a tenant's user sees only its own tenant's runs anyway).
   */
  tenant?: string;
  /**
   * Only runs whose submission metadata has every one of these key/value pairs.
   */
  meta?: {
    [k: string]: string | undefined;
  };
  /**
   * Only runs submitted at or after this time (RFC 3339).
   */
  since?: string;
  /**
   * Only runs submitted before this time (RFC 3339).
   */
  until?: string;
  /**
   * Also answer ListReply.counts: the caller's runs by status, with this request's tenant and agent filters applied.
   */
  counts?: boolean;
}

/**
 * Asks the llm-caller for the model turn <turn>; the prompt is rebuilt from the run history up to historySeq (no copy of the conversation).
 */
export interface LlmCommand {
  v: 1;
  type: "llm.command";
  runId: string;
  turn: number;
  /**
   * Stream sequence of the last event the prompt includes.
   */
  historySeq: number;
  /**
   * The system prompt of this turn, for an agent whose instructions are code (agent instructionsInCode: a function of the run's state in the planner's agents module): computed by the planner, recorded here, used instead of the snapshot's systemPrompt.
   */
  instructions?: string;
}

/**
 * The recorded model response for one turn, on <prefix>.run.<runId>.evt.llm.<turn> (at most one per turn, ever).
 */
export interface LlmResult {
  v: 1;
  type: "llm.result";
  runId: string;
  turn: number;
  ok: boolean;
  content?: string | null;
  /**
   * The full text is in the payload stream (<PREFIX>_PAYLOADS, chunks <prefix>.payload.<runId>.<sha256>.<n>): it was larger than CAIRN_LARGE_PAYLOAD_BYTES; the inline field holds a preview.
   */
  contentRef?: {
    bucket: string;
    name: string;
    bytes: number;
    sha256: string;
  };
  toolCalls?: {
    id: string;
    name: string;
    /**
     * Arguments exactly as the model produced them (JSON text, possibly invalid).
     */
    arguments: string;
  }[];
  finishReason?: string;
  provider?: string;
  model?: string;
  usage?: {
    inputTokens: number;
    outputTokens: number;
  };
  latencyMs?: number;
  /**
   * sha256 of the canonical request sent to the model, rebuilt from history by replay.
   */
  promptHash?: string;
  historySeq?: number;
  attempts: number;
  error?: {
    kind: string;
    message: string;
    retryable?: boolean;
  };
}

/**
 * A page of a run's log, in stream order.
 */
export interface ReadReply {
  v: 1;
  entries: {
    seq: number;
    subject: string;
    time: string;
    /**
     * The stored message's bytes (msgpack), base64.
     */
    data: string;
  }[];
  /**
   * More entries follow: ask again from the last seq + 1.
   */
  more: boolean;
}

/**
 * Request to <prefix>.api.read: a page of one run's log from a stream sequence on (for callers that may not read the stream itself, e.g. a tenant's clients).
 */
export interface ReadRequest {
  /**
   * Protocol version: 1, the current one, when omitted; a version the planner does not speak is answered with error kind unsupported_version.
   */
  v?: 1;
  runId: string;
  /**
   * First stream sequence to return (1 by default).
   */
  fromSeq?: number;
}

/**
 * A human's decision on a tool call that requires approval, on <prefix>.run.<runId>.evt.approval.<turn>.<index> (one per call, ever); or on going past a budget before model turn <turn>, on <prefix>.run.<runId>.evt.approval.<turn>.budget (index 0, callId "budget"); or on going on after the stuck-loop guard paused the run before model turn <turn>, on <prefix>.run.<runId>.evt.approval.<turn>.loop (index 0, callId "loop"). Or on a call whose outcome was ambiguous (a reconcile or irreversible tool started and left no result), on <prefix>.run.<runId>.evt.approval.<turn>.<index>.<round>: approve runs it again (round + 1), deny records a failure, approve with `result` records that result.
 */
export interface RunApproval {
  v: 1;
  type: "run.approval";
  runId: string;
  turn: number;
  index: number;
  callId: string;
  decision: "approve" | "deny";
  /**
   * The arguments (a JSON object's text) the approver replaced the call's with; only on an approval of a call whose tool has argsEditable. The tool runs with these.
   */
  arguments?: string;
  reason?: string;
  /**
   * Who decided, from the caller's authenticated connection (<account>/<user>, or 'operator'): never from the request body.
   */
  by?: string;
  at: string;
  /**
   * On an ambiguous call's decision: the round whose outcome was ambiguous (0: the call's command; n: its n-th rerun).
   */
  round?: number;
  /**
   * On an ambiguous call's approval: the result to record as the call's (the effect landed and this is what it gave); the tool is not run again.
   */
  result?: string;
}

/**
 * The last event of a run, on <prefix>.run.<runId>.evt.ended.
 */
export interface RunEnded {
  v: 1;
  type: "run.ended";
  runId: string;
  status: "completed" | "failed" | "cancelled";
  answer?: string;
  /**
   * The full text is in the payload stream (<PREFIX>_PAYLOADS, chunks <prefix>.payload.<runId>.<sha256>.<n>): it was larger than CAIRN_LARGE_PAYLOAD_BYTES; the inline field holds a preview.
   */
  answerRef?: {
    bucket: string;
    name: string;
    bytes: number;
    sha256: string;
  };
  /**
   * The final answer parsed as JSON, for an agent with structured output (`output`): it validated against the agent's schema.
   */
  output?: {} | unknown[] | string | number | boolean | null;
  reason?: string;
  error?: {
    kind: string;
    message: string;
    retryable?: boolean;
  };
  turns: number;
  usage: {
    inputTokens: number;
    outputTokens: number;
  };
  endedAt: string;
}

/**
 * A problem recorded in a run log, on <prefix>.run.<runId>.evt.error.<id>: a malformed, schema-invalid or oversized message seen by a service (id s<seq>), or a failed attempt of a step that will be retried (id s<seq>-<attempt>, with attempt and retryAt). Decides nothing: the run's step is recorded by its result.
 */
export interface RunError {
  v: 1;
  type: "run.error";
  runId: string;
  service: string;
  subject: string;
  seq: number;
  error: {
    kind: string;
    message: string;
    retryable?: boolean;
  };
  at: string;
  /**
   * A retried step: the attempt that failed (the command's delivery count).
   */
  attempt?: number;
  /**
   * A retried step: when its next attempt is due (RFC 3339), the message handed back with that delay.
   */
  retryAt?: string;
}

/**
 * The verdict of a run's guardrails at one point, recorded by the planner: on <prefix>.run.<runId>.evt.guard.<turn>.input (the task, before model turn 1) or .output (the answer of model turn <turn>). Once recorded it stands: a replay or a planner with other code reads it, and only `cairn replay --check` re-runs the checks to compare.
 */
export interface RunGuard {
  v: 1;
  type: "run.guard";
  runId: string;
  turn: number;
  point: "input" | "output";
  /**
   * A guardrail tripped: `guardrail` names the first that did (in the agent's order), and `onTrip` what follows.
   */
  tripped: boolean;
  guardrail?: string;
  message?: string;
  /**
   * fail: the run ends failed (reason guardrail_tripped); pause: it waits for a human (cairn approve <runId> guard lets it go on as if nothing tripped; deny ends it failed).
   */
  onTrip?: "fail" | "pause";
  /**
   * The guardrails checked, in order.
   */
  checked?: string[];
  at: string;
}

/**
 * A user's message to a run (cairn send), on <prefix>.run.<runId>.evt.message.<n>, n = 1, 2, … in log order: while the run works it is queued and put into the next model call (steering); after an answer of a conversation agent it starts the next turn. With end, a conversation ends after its next answer.
 */
export interface RunMessage {
  v: 1;
  type: "run.message";
  runId: string;
  /**
   * The message's number in the run: its subject's last token.
   */
  n: number;
  /**
   * What the model reads, as a user message.
   */
  text?: string;
  /**
   * End the conversation after the next answer (at once if the run waits for a message).
   */
  end?: true;
  /**
   * Who sent it, from the caller's authenticated connection (<account>/<user>, or 'operator'): never from the request body.
   */
  by?: string;
  at: string;
}

/**
 * Request naming one run: <prefix>.api.status and <prefix>.api.cancel.
 */
export interface RunRequest {
  /**
   * Protocol version: 1, the current one, when omitted; a version the planner does not speak is answered with error kind unsupported_version.
   */
  v?: 1;
  runId: string;
  reason?: string;
}

/**
 * A signal sent to a run from outside (cancel), on <prefix>.run.<runId>.evt.signal.<name>.
 */
export interface RunSignal {
  v: 1;
  type: "run.signal";
  runId: string;
  signal: "cancel";
  reason?: string;
  at: string;
  /**
   * Who sent the signal, from the caller's authenticated connection (<account>/<user>, or 'operator').
   */
  by?: string;
}

/**
 * A run summary, folded from its log (status reply, and the entries of the runs index).
 */
export interface RunStatus {
  v: 1;
  runId: string;
  status: "running" | "awaiting_approval" | "completed" | "failed" | "cancelled";
  task: string;
  agent: string;
  turn: number;
  toolCalls: number;
  waitingFor?: string[];
  /**
   * Tools or model providers the run waits on that no live worker serves right now (the call waits; it proceeds when one starts).
   */
  waitingForRunner?: string[];
  /**
   * What the run waits on next, structured: a model call of a provider or a tool call (`waitingFor` says it in words).
   */
  waitingOn?: {
    kind: "llm" | "tool";
    name: string;
  }[];
  answer?: string;
  /**
   * The run waits for a human because a guardrail with onTrip pause tripped: cairn approve <runId> guard goes on as if it had not, cairn deny <runId> guard ends the run failed.
   */
  guardPause?: {
    turn: number;
    point: "input" | "output";
    guardrail: string;
    message: string;
  };
  /**
   * The agent the run was handed to (handoffs), when it is not `agent` any more: the next model turn is its.
   */
  activeAgent?: string;
  /**
   * Messages sent to the run (cairn send).
   */
  messages?: number;
  /**
   * Of them, how many a model answer has followed: message n is answered when this is n or more (the answer is `answer`).
   */
  answeredMessages?: number;
  /**
   * A conversation that answered and waits for the next message (status running).
   */
  awaitingMessage?: true;
  /**
   * The final answer parsed as JSON, for an agent with structured output.
   */
  output?: {} | unknown[] | string | number | boolean | null;
  reason?: string;
  costUsd?: number;
  /**
   * Tool calls waiting for a human decision.
   */
  approvals?: {
    turn: number;
    index: number;
    callId: string;
    tool: string;
    arguments: string;
    /**
     * The approver may replace the arguments (cairn approve --args).
     */
    argsEditable?: boolean;
    reason?: string;
    /**
     * Set when the call was started and left no result (a reconcile tool whose reconcile could not answer, or an irreversible tool): whether its effect landed is unknown. approve runs it again, deny records a failure, approve with a result records that.
     */
    ambiguous?: {
      round: number;
      effect: "reconcile" | "irreversible";
      reason: string;
    };
  }[];
  /**
   * The run waits for a human to let it go past a budget (agent onBudgetExceeded: approve): `cairn approve <runId> budget` or `cairn deny <runId> budget`.
   */
  budgetPause?: {
    turn: number;
    kind: string;
    message: string;
  };
  /**
   * The run's stuck-loop guard tripped (agent loopGuard, onTrip: pause): it waits for a human before its next model call: `cairn approve <runId> loop` (go on, the counts reset) or `cairn deny <runId> loop` (end it failed, reason stuck_loop).
   */
  loopPause?: {
    /**
     * The model turn the run would start next, and waits before.
     */
    turn: number;
    /**
     * same_call: one tool called with the same arguments loopGuard.sameCall times; idle_turns: loopGuard.idleTurns consecutive turns with no new tool result.
     */
    pattern: "same_call" | "idle_turns";
    /**
     * same_call: the tool called again and again.
     */
    tool?: string;
    /**
     * same_call: its arguments, as canonical JSON.
     */
    arguments?: string;
    /**
     * same_call: how many times it was called; idle_turns: how many consecutive idle turns.
     */
    count: number;
    /**
     * The first turn counted: 1, or the turn of the last approval to go on.
     */
    sinceTurn: number;
    message: string;
  };
  usage: {
    inputTokens: number;
    outputTokens: number;
  };
  /**
   * Failed attempts of the run's steps that were retried (retry notices in its log); absent when none.
   */
  retries?: number;
  /**
   * Problems recorded on the run: messages a service could not read or run (retry notices are counted in retries).
   */
  errors: number;
  submittedAt: string;
  endedAt?: string;
  lastSeq?: number;
  /**
   * The run's OpenTelemetry trace id (from the trace context stored with its submission): search for it in Jaeger to open the run's trace. Absent when the run was submitted without tracing.
   */
  traceId?: string;
  /**
   * Set in the runs index when the run's history was purged from the stream (cairn purge).
   */
  purgedAt?: string;
  /**
   * The tenant the run belongs to (absent: the deployment's own account).
   */
  tenant?: string;
  /**
   * The submission's user metadata (SubmitRequest.metadata, `cairn submit --meta key=value`).
   */
  metadata?: {
    [k: string]: string | undefined;
  };
  /**
   * Set in the runs index when the run's log was sealed into the archive stream (cairn archive): replay, export, fork, status and read read it from there.
   */
  archivedAt?: string;
  /**
   * Where the archived log is: the archive stream's sequences of its chunks, in order, and the SHA-256 and size of their concatenation.
   */
  archive?: {
    /**
     * @minItems 1
     */
    seqs: [number, ...number[]];
    sha256: string;
    bytes: number;
    /**
     * The run waits for a human because a guardrail with onTrip pause tripped: cairn approve <runId> guard goes on as if it had not, cairn deny <runId> guard ends the run failed.
     */
    guardPause?: {
      turn: number;
      point: "input" | "output";
      guardrail: string;
      message: string;
    };
    /**
     * The agent the run was handed to (handoffs), when it is not `agent` any more: the next model turn is its.
     */
    activeAgent?: string;
    messages: number;
  };
}

/**
 * First event of every run, on <prefix>.run.<runId>.evt.submitted.
 */
export interface RunSubmitted {
  v: 1;
  type: "run.submitted";
  runId: string;
  task: string;
  agent: AgentSpec;
  /**
   * Images the model sees with the task (from the submission).
   *
   * @maxItems 8
   */
  images?:
    | []
    | [
        {
          url: string;
          mediaType?: string;
        },
      ]
    | [
        {
          url: string;
          mediaType?: string;
        },
        {
          url: string;
          mediaType?: string;
        },
      ]
    | [
        {
          url: string;
          mediaType?: string;
        },
        {
          url: string;
          mediaType?: string;
        },
        {
          url: string;
          mediaType?: string;
        },
      ]
    | [
        {
          url: string;
          mediaType?: string;
        },
        {
          url: string;
          mediaType?: string;
        },
        {
          url: string;
          mediaType?: string;
        },
        {
          url: string;
          mediaType?: string;
        },
      ]
    | [
        {
          url: string;
          mediaType?: string;
        },
        {
          url: string;
          mediaType?: string;
        },
        {
          url: string;
          mediaType?: string;
        },
        {
          url: string;
          mediaType?: string;
        },
        {
          url: string;
          mediaType?: string;
        },
      ]
    | [
        {
          url: string;
          mediaType?: string;
        },
        {
          url: string;
          mediaType?: string;
        },
        {
          url: string;
          mediaType?: string;
        },
        {
          url: string;
          mediaType?: string;
        },
        {
          url: string;
          mediaType?: string;
        },
        {
          url: string;
          mediaType?: string;
        },
      ]
    | [
        {
          url: string;
          mediaType?: string;
        },
        {
          url: string;
          mediaType?: string;
        },
        {
          url: string;
          mediaType?: string;
        },
        {
          url: string;
          mediaType?: string;
        },
        {
          url: string;
          mediaType?: string;
        },
        {
          url: string;
          mediaType?: string;
        },
        {
          url: string;
          mediaType?: string;
        },
      ]
    | [
        {
          url: string;
          mediaType?: string;
        },
        {
          url: string;
          mediaType?: string;
        },
        {
          url: string;
          mediaType?: string;
        },
        {
          url: string;
          mediaType?: string;
        },
        {
          url: string;
          mediaType?: string;
        },
        {
          url: string;
          mediaType?: string;
        },
        {
          url: string;
          mediaType?: string;
        },
        {
          url: string;
          mediaType?: string;
        },
      ];
  /**
   * The agents the run may be handed to (agent `handoffs`, followed from agent to agent), snapshotted at submission like `agent`: a handoff names one of these.
   */
  team?: AgentSpec[];
  idempotencyKey?: string;
  submittedAt: string;
  /**
   * Set on a sub-agent run by the planner (never by an API caller): the parent run and the run_agent call that waits for this run's outcome, verified against the parent's log (<prefix>.api.spawn).
   */
  parent?: {
    runId: string;
    turn: number;
    index: number;
    callId: string;
  };
  metadata?: {
    [k: string]: string | undefined;
  };
  /**
   * W3C trace context of the run's root span (traceparent, tracestate), fixed at submission so every step of the run, in any process and after any crash, joins one trace; parent-traceparent is the submitter's span, the root span's parent. Without tracing in the planner: the submitter's trace context as given.
   */
  trace?: {
    [k: string]: string | undefined;
  };
  /**
   * Set on a fork (cairn fork): the run and step its history was copied from. The copied results precede this submission in the fork's log; `prefix` names each of them, and only those are folded (any other message written to the run before its submission is rejected).
   */
  forkedFrom?: {
    runId: string;
    /**
     * Last step of the source copied into the fork (0 = the submission only).
     */
    step: number;
    /**
     * Stream sequence of that step's event in the source run.
     */
    seq: number;
    /**
     * Tool call ids whose results were replaced (cairn fork --set-result).
     */
    editedCalls?: string[];
    /**
     * Every message the fork copied before this submission: its subject and the sha256 (hex) of its bytes. Absent on forks recorded before it existed (then every message before the submission is taken as copied).
     */
    prefix?: {
      subject: string;
      sha256: string;
    }[];
  };
  /**
   * The tenant (NATS account) the run belongs to, from the submitter's authenticated connection; absent for runs of the deployment's own account (operators, cairn dev).
   */
  tenant?: string;
  /**
   * Who submitted the run: <account>/<user> from the submitter's authenticated connection, or 'operator' for the deployment's own account.
   */
  submittedBy?: string;
}

/**
 * Reply of <prefix>.api.send: the message's number in the run, once it is stored. The run's status says when it is answered (answeredMessages >= n).
 */
export interface SendReply {
  v: 1;
  runId: string;
  n: number;
}

/**
 * Request to <prefix>.api.send: a message to a running run (steering: the next model call reads it) or to a conversation waiting for one; with end, the conversation ends after its next answer. Text, end, or both.
 */
export interface SendRequest {
  /**
   * Protocol version: 1, the current one, when omitted; a version the planner does not speak is answered with error kind unsupported_version.
   */
  v?: 1;
  runId: string;
  text?: string;
  end?: boolean;
}

/**
 * Request to <prefix>.api.spawn (the tool-runner's run_agent): start the sub-agent run of a pending run_agent call. The planner checks the parent's log for that call and derives the child run, its task and agent from it.
 */
export interface SpawnRequest {
  /**
   * Protocol version: 1, the current one, when omitted; a version the planner does not speak is answered with error kind unsupported_version.
   */
  v?: 1;
  /**
   * The parent run.
   */
  runId: string;
  turn: number;
  index: number;
  callId: string;
}

/**
 * Reply from <prefix>.api.submit, sent only after run.submitted is durably in the stream.
 */
export interface SubmitReply {
  v: 1;
  runId: string;
  /**
   * False when the idempotency key named an existing run.
   */
  created: boolean;
  seq?: number;
}

/**
 * Request to <prefix>.api.submit.
 */
export interface SubmitRequest {
  /**
   * Protocol version: 1, the current one, when omitted; a version the planner does not speak is answered with error kind unsupported_version.
   */
  v?: 1;
  task: string;
  /**
   * Agent name from the agents config; the default agent when omitted.
   */
  agent?: string;
  /**
   * Resubmitting with the same key returns the same run.
   */
  idempotencyKey?: string;
  /**
   * Images the model sees with the task (http or https URLs, at most 8): the provider fetches them, or the llm-caller does for a provider that needs them inline.
   *
   * @maxItems 8
   */
  images?:
    | []
    | [
        {
          url: string;
          mediaType?: string;
        },
      ]
    | [
        {
          url: string;
          mediaType?: string;
        },
        {
          url: string;
          mediaType?: string;
        },
      ]
    | [
        {
          url: string;
          mediaType?: string;
        },
        {
          url: string;
          mediaType?: string;
        },
        {
          url: string;
          mediaType?: string;
        },
      ]
    | [
        {
          url: string;
          mediaType?: string;
        },
        {
          url: string;
          mediaType?: string;
        },
        {
          url: string;
          mediaType?: string;
        },
        {
          url: string;
          mediaType?: string;
        },
      ]
    | [
        {
          url: string;
          mediaType?: string;
        },
        {
          url: string;
          mediaType?: string;
        },
        {
          url: string;
          mediaType?: string;
        },
        {
          url: string;
          mediaType?: string;
        },
        {
          url: string;
          mediaType?: string;
        },
      ]
    | [
        {
          url: string;
          mediaType?: string;
        },
        {
          url: string;
          mediaType?: string;
        },
        {
          url: string;
          mediaType?: string;
        },
        {
          url: string;
          mediaType?: string;
        },
        {
          url: string;
          mediaType?: string;
        },
        {
          url: string;
          mediaType?: string;
        },
      ]
    | [
        {
          url: string;
          mediaType?: string;
        },
        {
          url: string;
          mediaType?: string;
        },
        {
          url: string;
          mediaType?: string;
        },
        {
          url: string;
          mediaType?: string;
        },
        {
          url: string;
          mediaType?: string;
        },
        {
          url: string;
          mediaType?: string;
        },
        {
          url: string;
          mediaType?: string;
        },
      ]
    | [
        {
          url: string;
          mediaType?: string;
        },
        {
          url: string;
          mediaType?: string;
        },
        {
          url: string;
          mediaType?: string;
        },
        {
          url: string;
          mediaType?: string;
        },
        {
          url: string;
          mediaType?: string;
        },
        {
          url: string;
          mediaType?: string;
        },
        {
          url: string;
          mediaType?: string;
        },
        {
          url: string;
          mediaType?: string;
        },
      ];
  metadata?: {
    [k: string]: string | undefined;
  };
  /**
   * The submitter's W3C trace context (traceparent, tracestate): the run's trace becomes part of it.
   */
  trace?: {
    [k: string]: string | undefined;
  };
}

/**
 * Asks the llm-caller to summarise the run's turns up to throughTurn before model turn <turn> (context compaction); on <prefix>.run.<runId>.cmd.summary.<turn>.<provider>. The transcript is rebuilt from the run history up to historySeq.
 */
export interface SummaryCommand {
  v: 1;
  type: "summary.command";
  runId: string;
  /**
   * The model turn whose prompt will use the summary.
   */
  turn: number;
  /**
   * The summary covers turns 1..throughTurn (including any earlier summary).
   */
  throughTurn: number;
  historySeq: number;
}

/**
 * The recorded summary of turns 1..throughTurn made before model turn <turn>, on <prefix>.run.<runId>.evt.summary.<turn> (at most one per turn, ever). Replay rebuilds every later prompt from it, so the compacted prompt is reproduced exactly. A failed summary (ok false) leaves the run going with truncation only.
 */
export interface SummaryResult {
  v: 1;
  type: "summary.result";
  runId: string;
  turn: number;
  throughTurn: number;
  ok: boolean;
  content?: string;
  /**
   * The full text is in the payload stream (<PREFIX>_PAYLOADS, chunks <prefix>.payload.<runId>.<sha256>.<n>); the inline content holds a preview.
   */
  contentRef?: {
    bucket: string;
    name: string;
    bytes: number;
    sha256: string;
  };
  provider?: string;
  model?: string;
  usage?: {
    inputTokens: number;
    outputTokens: number;
  };
  latencyMs?: number;
  /**
   * sha256 of the canonical summarisation request, rebuilt from history by replay.
   */
  promptHash?: string;
  historySeq?: number;
  attempts: number;
  error?: {
    kind: string;
    message: string;
    retryable?: boolean;
  };
}

/**
 * Round <round> of a call was started and left no result, and the tool cannot say whether its effect landed (irreversible, or a reconcile that could not answer): on <prefix>.run.<runId>.evt.ambiguous.<turn>.<index>.<round>.<tool> (once per round). The run waits for a human's decision on <prefix>.run.<runId>.evt.approval.<turn>.<index>.<round>.
 */
export interface ToolAmbiguous {
  v: 1;
  type: "tool.ambiguous";
  runId: string;
  turn: number;
  index: number;
  round: number;
  callId: string;
  tool: string;
  effect: "reconcile" | "irreversible";
  /**
   * Why the outcome is unknown, in words.
   */
  reason: string;
  at: string;
}

/**
 * Asks a tool-runner to execute one tool call, on <prefix>.run.<runId>.cmd.tool.<turn>.<index>.<tool>.
 */
export interface ToolCommand {
  v: 1;
  type: "tool.command";
  runId: string;
  turn: number;
  index: number;
  callId: string;
  tool: string;
  arguments: string;
  /**
   * Stable across redeliveries and crashes: <runId>:<turn>:<index>.
   */
  idempotencyKey: string;
  historySeq: number;
}

/**
 * A tool's public spec, put in the <prefix>_tools KV bucket by every tool-runner that serves it; the planner snapshots these specs into each run at submission.
 */
export interface ToolRegistration {
  v: 1;
  name: string;
  description: string;
  inputSchema: {
    [k: string]: unknown | undefined;
  };
  registeredAt: string;
  registeredBy?: string;
  requiresApproval?: boolean;
}

/**
 * The recorded result of one tool call, on <prefix>.run.<runId>.evt.tool.<turn>.<index> (at most one per call, ever).
 */
export interface ToolResult {
  v: 1;
  type: "tool.result";
  runId: string;
  turn: number;
  index: number;
  callId: string;
  tool: string;
  ok: boolean;
  output?: string;
  /**
   * The full text is in the payload stream (<PREFIX>_PAYLOADS, chunks <prefix>.payload.<runId>.<sha256>.<n>): it was larger than CAIRN_LARGE_PAYLOAD_BYTES; the inline field holds a preview.
   */
  outputRef?: {
    bucket: string;
    name: string;
    bytes: number;
    sha256: string;
  };
  error?: {
    kind: string;
    message: string;
    retryable?: boolean;
  };
  attempts: number;
  durationMs?: number;
  idempotencyKey?: string;
  /**
   * For a sub-agent call: the child run whose outcome this is.
   */
  childRunId?: string;
  /**
   * The outcome of a call whose earlier run left no result, as the tool's reconcile() answered it (the effect had landed): the tool was not run again.
   */
  reconciled?: boolean;
  /**
   * A result a human recorded by hand for a call whose outcome was ambiguous (cairn approve --result): who (their authenticated identity).
   */
  recordedBy?: string;
}

/**
 * A tool-runner is about to run round <round> of a call to a tool whose effect is reconcile or irreversible, on <prefix>.run.<runId>.evt.started.<turn>.<index>.<round>.<tool> (once per round). A later delivery that finds it and no result knows the outcome is ambiguous.
 */
export interface ToolStarted {
  v: 1;
  type: "tool.started";
  runId: string;
  turn: number;
  index: number;
  /**
   * 0: the call's command; n: its n-th rerun a human asked for.
   */
  round: number;
  callId: string;
  tool: string;
  effect: "reconcile" | "irreversible";
  /**
   * The command's delivery that started it.
   */
  attempt: number;
  at: string;
}

/** `$id` of every schema, by message type name. */
export const schemaIds = {
  AgentSpec: "https://cairn.dev/schemas/agent-spec.v1.schema.json",
  ApiError: "https://cairn.dev/schemas/api-error.v1.schema.json",
  ApprovalRequest: "https://cairn.dev/schemas/approval-request.v1.schema.json",
  CheckCommand: "https://cairn.dev/schemas/check-command.v1.schema.json",
  CheckResult: "https://cairn.dev/schemas/check-result.v1.schema.json",
  ListReply: "https://cairn.dev/schemas/list-reply.v1.schema.json",
  ListRequest: "https://cairn.dev/schemas/list-request.v1.schema.json",
  LlmCommand: "https://cairn.dev/schemas/llm-command.v1.schema.json",
  LlmResult: "https://cairn.dev/schemas/llm-result.v1.schema.json",
  ReadReply: "https://cairn.dev/schemas/read-reply.v1.schema.json",
  ReadRequest: "https://cairn.dev/schemas/read-request.v1.schema.json",
  RunApproval: "https://cairn.dev/schemas/run-approval.v1.schema.json",
  RunEnded: "https://cairn.dev/schemas/run-ended.v1.schema.json",
  RunError: "https://cairn.dev/schemas/run-error.v1.schema.json",
  RunGuard: "https://cairn.dev/schemas/run-guard.v1.schema.json",
  RunMessage: "https://cairn.dev/schemas/run-message.v1.schema.json",
  RunRequest: "https://cairn.dev/schemas/run-request.v1.schema.json",
  RunSignal: "https://cairn.dev/schemas/run-signal.v1.schema.json",
  RunStatus: "https://cairn.dev/schemas/run-status.v1.schema.json",
  RunSubmitted: "https://cairn.dev/schemas/run-submitted.v1.schema.json",
  SendReply: "https://cairn.dev/schemas/send-reply.v1.schema.json",
  SendRequest: "https://cairn.dev/schemas/send-request.v1.schema.json",
  SpawnRequest: "https://cairn.dev/schemas/spawn-request.v1.schema.json",
  SubmitReply: "https://cairn.dev/schemas/submit-reply.v1.schema.json",
  SubmitRequest: "https://cairn.dev/schemas/submit-request.v1.schema.json",
  SummaryCommand: "https://cairn.dev/schemas/summary-command.v1.schema.json",
  SummaryResult: "https://cairn.dev/schemas/summary-result.v1.schema.json",
  ToolAmbiguous: "https://cairn.dev/schemas/tool-ambiguous.v1.schema.json",
  ToolCommand: "https://cairn.dev/schemas/tool-command.v1.schema.json",
  ToolRegistration: "https://cairn.dev/schemas/tool-registration.v1.schema.json",
  ToolResult: "https://cairn.dev/schemas/tool-result.v1.schema.json",
  ToolStarted: "https://cairn.dev/schemas/tool-started.v1.schema.json",
} as const;

export type MessageTypeName = keyof typeof schemaIds;
