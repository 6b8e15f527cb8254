import { describe, it, expect, beforeEach } from "vitest";
import {
  decode,
  encode,
  Subjects,
  type ApiError,
  type RunEnded,
  type RunSignal,
  type RunStatus,
  type RunSubmitted,
  type SubmitReply,
  type ToolRegistration,
  type HistoryEntry,
  APPROVE_ROLE_PROBE,
} from "@cairn/protocol";
import type { AppendResult } from "@cairn/bus";
import { silentLogger } from "@cairn/telemetry";
import type { Agents } from "./agents.js";
import {
  createApi,
  LIST_EXAMINE_BUDGET,
  newRunId,
  type ApiDeps,
  type IndexedRun,
  type RunIndexReader,
} from "./handler.js";
import { OPERATOR } from "./access.js";

const S = new Subjects("t");
const NOW = new Date("2025-03-04T05:06:07.089Z");

/** An in-memory run stream: one message per subject, a second append to a subject is rejected. */
class MemoryStream {
  readonly entries: HistoryEntry[] = [];
  private seq = 0;
  constructor(private readonly clock: () => Date) {}

  append = (subject: string, data: Uint8Array): Promise<AppendResult> => {
    if (this.entries.some((e) => e.subject === subject)) return Promise.resolve({ seq: 0, duplicate: true });
    this.seq++;
    this.entries.push({ seq: this.seq, subject, data, time: this.clock().toISOString() });
    return Promise.resolve({ seq: this.seq, duplicate: false });
  };

  /** Reads of a run's events so far. */
  reads = 0;
  readEvents = (runId: string): Promise<HistoryEntry[]> => {
    this.reads++;
    return Promise.resolve(this.entries.filter((e) => e.subject.startsWith(`t.run.${runId}.evt.`)));
  };
  async *readLog(runId: string, fromSeq: number): AsyncIterable<HistoryEntry> {
    for (const e of this.entries) if (e.seq >= fromSeq && e.subject.startsWith(`t.run.${runId}.`)) yield e;
  }
}

const registry: Record<string, ToolRegistration> = {
  read_file: {
    v: 1,
    name: "read_file",
    description: "Reads a file.",
    inputSchema: { type: "object", properties: { path: { type: "string" } }, required: ["path"] },
    registeredAt: "2025-01-01T00:00:00.000Z",
    registeredBy: "tool-runner-1",
  },
  write_file: {
    v: 1,
    name: "write_file",
    description: "Writes a file.",
    inputSchema: { type: "object", properties: { path: { type: "string" }, content: { type: "string" } } },
    registeredAt: "2025-01-01T00:00:00.000Z",
  },
};

const agents: Agents = {
  defaultAgent: "default",
  agents: new Map([
    [
      "default",
      {
        name: "default",
        provider: "scripted",
        model: "demo",
        systemPrompt: "Use the tools.",
        tools: ["write_file", "read_file"],
        maxTurns: 4,
        temperature: 0.5,
        approve: [],
      },
    ],
    [
      "lonely",
      { name: "lonely", provider: "openai", model: "gpt-x", systemPrompt: "", tools: [], maxTurns: 1, approve: [] },
    ],
    [
      "gated",
      {
        name: "gated",
        provider: "scripted",
        model: "demo",
        systemPrompt: "",
        tools: ["write_file", "read_file"],
        maxTurns: 4,
        approve: ["write_file", "read_file"],
        editableArgs: ["write_file"],
        output: { schema: { type: "object" }, maxAttempts: 2 },
      },
    ],
    [
      "needs",
      {
        name: "needs",
        provider: "openai",
        model: "gpt-x",
        systemPrompt: "",
        tools: ["read_file", "missing_tool", "other_missing"],
        maxTurns: 2,
        approve: [],
      },
    ],
  ]),
};

let stream: MemoryStream;
let index: RunStatus[];
let lookups: string[][];
let queues: string[][];
let api: ReturnType<typeof createApi>;

beforeEach(() => {
  stream = new MemoryStream(() => NOW);
  index = [];
  lookups = [];
  queues = [];
  const deps: ApiDeps = {
    subjects: S,
    agents,
    lookupTools: (names) => {
      lookups.push(names);
      return Promise.resolve(new Map(names.filter((n) => registry[n]).map((n) => [n, registry[n]!])));
    },
    append: stream.append,
    readEvents: stream.readEvents,
    readLog: (runId, fromSeq) => stream.readLog(runId, fromSeq),
    index: memoryIndex(),
    hasEnded: (runId) => Promise.resolve(stream.entries.some((e) => e.subject === S.ended(runId))),
    missingWorkQueues: (provider, tools) => {
      queues.push([provider, ...tools]);
      return Promise.resolve([]);
    },
    workerAvailable: (_kind, name) => Promise.resolve(name !== "nobody_serves_this"),
    now: () => NOW,
    log: silentLogger(),
  };
  api = createApi(deps);
});

/** The runs index over `index`, in submission order (what RunIndex reads from the bucket's stream). */
function memoryIndex(): RunIndexReader {
  return {
    get: (id) => Promise.resolve(index.find((s) => s.runId === id)),
    newest: (o) => {
      const sorted = [...index]
        .sort((a, b) => (a.submittedAt < b.submittedAt ? -1 : 1))
        .map((s, i) => ({ status: { ...s }, at: { archived: false, seq: i + 1 } }));
      const runs: IndexedRun[] = [];
      let examined = 0;
      for (let i = sorted.length - 1; i >= 0; i--) {
        const e = sorted[i]!;
        if (o.before !== undefined && e.at.seq >= o.before.seq) continue;
        examined++;
        const v = o.keepSubmission(e.status);
        if (v === "stop") return Promise.resolve({ runs, next: undefined, examined });
        if (v && o.keep(e.status)) {
          runs.push(e);
          if (runs.length >= o.limit) return Promise.resolve({ runs, next: e.at, examined });
        }
        if (examined >= o.budget) return Promise.resolve({ runs, next: e.at, examined });
      }
      return Promise.resolve({ runs, next: undefined, examined });
    },
  };
}

function isError(r: unknown): r is ApiError {
  return typeof r === "object" && r !== null && "error" in r;
}

async function submitOk(body: unknown): Promise<SubmitReply> {
  const r = await api.submit(body, OPERATOR);
  if (isError(r)) throw new Error(`unexpected error reply: ${JSON.stringify(r)}`);
  return r;
}

describe("newRunId", () => {
  it("without a key: r + base36 time + 16 hex digits, unique, sorting by time", () => {
    const a = newRunId(NOW);
    const b = newRunId(NOW);
    expect(a).toMatch(new RegExp(`^r${NOW.getTime().toString(36)}[0-9a-f]{16}$`));
    expect(b).not.toBe(a);
    const later = newRunId(new Date(NOW.getTime() + 1));
    expect(later > a && later > b).toBe(true);
  });

  it("with a key: derived from the key only, a valid subject token", () => {
    const a = newRunId(NOW, "order-42");
    expect(a).toMatch(/^r[A-Za-z0-9]{26}$/);
    expect(newRunId(new Date(0), "order-42")).toBe(a);
    expect(newRunId(NOW, "order-43")).not.toBe(a);
    expect(S.submitted(a)).toBe(`t.run.${a}.evt.submitted`);
  });
});

describe("the approve role's dry check (cairn ui)", () => {
  it("answers whether the caller may approve, and never decides anything", async () => {
    const { runId } = await submitOk({ task: "probe me" });
    const before = stream.entries.length;
    const probe = { runId, callId: APPROVE_ROLE_PROBE, decision: "approve" };
    expect(await api.approve(probe, OPERATOR)).toMatchObject({
      error: { kind: "not_awaiting", message: expect.stringContaining("dry check") as unknown },
    });
    const noRole = { operator: true, identity: "viewer", roles: new Set(["read" as const]) };
    expect(await api.approve(probe, noRole)).toMatchObject({ error: { kind: "forbidden" } });
    expect(stream.entries).toHaveLength(before);
  });
});

describe("the request version v", () => {
  it("may be omitted on every request: it is taken to be the current version", async () => {
    const { runId } = await submitOk({ task: "no version" });
    expect(stream.entries).toHaveLength(1);
    expect(await api.status({ runId }, OPERATOR)).toMatchObject({ runId, status: "running", task: "no version" });
    expect(await api.list({}, OPERATOR)).toMatchObject({ v: 1, runs: [] });
    expect(await api.read({ runId }, OPERATOR)).toMatchObject({ v: 1, more: false, entries: [{ seq: 1 }] });
    expect(await api.approve({ runId, callId: "c1", decision: "approve" }, OPERATOR)).toMatchObject({
      error: { kind: "not_awaiting" },
    });
    expect(await api.cancel({ runId }, OPERATOR)).toMatchObject({ runId, status: "running" });
    // spawn checks the parent's log: the request itself passed its schema without v.
    expect(await api.spawn({ runId, turn: 1, index: 0, callId: "c1" }, OPERATOR)).toMatchObject({
      error: { kind: "not_found" },
    });
  });

  it("refuses a version the planner does not speak, on every endpoint, as unsupported_version", async () => {
    const { runId } = await submitOk({ task: "x" });
    const message =
      "request version v=2 is not one this planner speaks: it speaks v=1 (omit v for the current version)";
    const refused = { v: 1, error: { kind: "unsupported_version", message } };
    expect(await api.submit({ v: 2, task: "x" }, OPERATOR)).toEqual(refused);
    expect(await api.status({ v: 2, runId }, OPERATOR)).toEqual(refused);
    expect(await api.list({ v: 2 }, OPERATOR)).toEqual(refused);
    expect(await api.read({ v: 2, runId }, OPERATOR)).toEqual(refused);
    expect(await api.cancel({ v: 2, runId }, OPERATOR)).toEqual(refused);
    expect(await api.approve({ v: 2, runId, callId: "c", decision: "deny" }, OPERATOR)).toEqual(refused);
    expect(await api.spawn({ v: 2, runId, turn: 1, index: 0, callId: "c" }, OPERATOR)).toEqual(refused);
    expect(await api.status({ v: "1", runId }, OPERATOR)).toMatchObject({
      error: { kind: "unsupported_version", message: expect.stringContaining('v="1"') as string },
    });
    expect(stream.entries).toHaveLength(1);
  });
});

describe("api.submit", () => {
  it("rejects an invalid request as bad_request and appends nothing", async () => {
    expect(await api.submit({ v: 1, task: "" }, OPERATOR)).toEqual({
      v: 1,
      error: { kind: "bad_request", message: "not a valid SubmitRequest: /task must NOT have fewer than 1 characters" },
    });
    expect(await api.submit({ v: 1 }, OPERATOR)).toEqual({
      v: 1,
      error: { kind: "bad_request", message: "not a valid SubmitRequest: / must have required property 'task'" },
    });
    expect(await api.submit({ v: 1, task: "x", priority: 1 }, OPERATOR)).toEqual({
      v: 1,
      error: { kind: "bad_request", message: "not a valid SubmitRequest: / must NOT have additional properties" },
    });
    expect(await api.submit(null, OPERATOR)).toEqual({
      v: 1,
      error: { kind: "bad_request", message: "not a valid SubmitRequest: / must be object" },
    });
    expect(stream.entries).toEqual([]);
  });

  it("rejects an unknown agent", async () => {
    expect(await api.submit({ v: 1, task: "x", agent: "ghost" }, OPERATOR)).toEqual({
      v: 1,
      error: { kind: "unknown_agent", message: 'no agent named "ghost" (known: default, lonely, gated, needs)' },
    });
    expect(stream.entries).toEqual([]);
  });

  it("rejects an agent whose tools are not all registered, naming the missing ones", async () => {
    expect(await api.submit({ v: 1, task: "x", agent: "needs" }, OPERATOR)).toEqual({
      v: 1,
      error: {
        kind: "unknown_tool",
        message:
          "agent needs uses tools no tool-runner has registered: missing_tool, other_missing (start a tool-runner that serves them)",
      },
    });
    expect(lookups).toEqual([["read_file", "missing_tool", "other_missing"]]);
    expect(stream.entries).toEqual([]);
  });

  it("appends run.submitted with the agent snapshot (registered tool specs, in agent order) and replies after", async () => {
    const reply = await submitOk({
      v: 1,
      task: "Write a.txt",
      metadata: { team: "infra" },
      trace: { traceparent: "00-abc-def-01" },
    });
    expect(reply).toEqual({ v: 1, runId: reply.runId, created: true, seq: 1 });
    expect(reply.runId).toMatch(new RegExp(`^r${NOW.getTime().toString(36)}[0-9a-f]{16}$`));
    expect(stream.entries.map((e) => e.subject)).toEqual([`t.run.${reply.runId}.evt.submitted`]);
    const d = decode<RunSubmitted>("RunSubmitted", stream.entries[0]!.data);
    expect(d).toEqual({
      ok: true,
      value: {
        v: 1,
        type: "run.submitted",
        runId: reply.runId,
        task: "Write a.txt",
        agent: {
          name: "default",
          provider: "scripted",
          model: "demo",
          systemPrompt: "Use the tools.",
          tools: [
            { name: "write_file", description: "Writes a file.", inputSchema: registry.write_file!.inputSchema },
            { name: "read_file", description: "Reads a file.", inputSchema: registry.read_file!.inputSchema },
          ],
          maxTurns: 4,
          temperature: 0.5,
        },
        submittedAt: "2025-03-04T05:06:07.089Z",
        metadata: { team: "infra" },
        trace: { traceparent: "00-abc-def-01" },
        submittedBy: "operator",
      },
    });
  });

  it("a named agent without tools or temperature is snapshotted as is", async () => {
    const reply = await submitOk({ v: 1, task: "hi", agent: "lonely" });
    const d = decode<RunSubmitted>("RunSubmitted", stream.entries[0]!.data);
    expect(d.ok && d.value.agent).toEqual({
      name: "lonely",
      provider: "openai",
      model: "gpt-x",
      systemPrompt: "",
      tools: [],
      maxTurns: 1,
    });
    expect(d.ok && Object.keys(d.value).sort()).toEqual([
      "agent",
      "runId",
      "submittedAt",
      "submittedBy",
      "task",
      "type",
      "v",
    ]);
    expect(reply.created).toBe(true);
  });

  it("an idempotency key gives the same run: created on the first submit, not on the second; another task under the key is refused", async () => {
    const first = await submitOk({ v: 1, task: "Charge order 42", idempotencyKey: "order-42" });
    const second = await submitOk({ v: 1, task: "Charge order 42", idempotencyKey: "order-42" });
    expect(
      await api.submit({ v: 1, task: "Charge order 42 (retry)", idempotencyKey: "order-42" }, OPERATOR),
    ).toMatchObject({ error: { kind: "idempotency_conflict" } });
    expect(first).toEqual({ v: 1, runId: newRunId(NOW, "order-42"), created: true, seq: 1 });
    expect(second).toEqual({ v: 1, runId: first.runId, created: false });
    expect(stream.entries).toHaveLength(1);
    const d = decode<RunSubmitted>("RunSubmitted", stream.entries[0]!.data);
    expect(d.ok && d.value.task).toBe("Charge order 42");
    expect(d.ok && d.value.idempotencyKey).toBe("order-42");
    // another key is another run
    const other = await submitOk({ v: 1, task: "Charge order 43", idempotencyKey: "order-43" });
    expect(other).toEqual({ v: 1, runId: newRunId(NOW, "order-43"), created: true, seq: 2 });
  });

  it("without a key every submit is a new run", async () => {
    const a = await submitOk({ v: 1, task: "same" });
    const b = await submitOk({ v: 1, task: "same" });
    expect(b.runId).not.toBe(a.runId);
    expect([a.created, b.created]).toEqual([true, true]);
    expect(stream.entries).toHaveLength(2);
  });
});

describe("api.status", () => {
  it("not_found for a run that has no events", async () => {
    expect(await api.status({ v: 1, runId: "rnope" }, OPERATOR)).toEqual({
      v: 1,
      error: { kind: "not_found", message: "no run rnope (never submitted, or purged)" },
    });
  });

  it("bad_request for an invalid run id", async () => {
    const r = await api.status({ v: 1, runId: "a.b" }, OPERATOR);
    expect(r).toEqual({
      v: 1,
      error: {
        kind: "bad_request",
        message: 'not a valid RunRequest: /runId must match pattern "^[A-Za-z0-9_-]{1,64}$"',
      },
    });
  });

  it("folds the run's events into its status", async () => {
    const { runId } = await submitOk({ v: 1, task: "Write a.txt" });
    expect(await api.status({ v: 1, runId }, OPERATOR)).toEqual({
      v: 1,
      runId,
      status: "running",
      task: "Write a.txt",
      agent: "default",
      turn: 0,
      toolCalls: 0,
      waitingFor: ["llm turn 1"],
      waitingOn: [{ kind: "llm", name: "scripted" }],
      usage: { inputTokens: 0, outputTokens: 0 },
      errors: 0,
      submittedAt: "2025-03-04T05:06:07.089Z",
      lastSeq: 1,
    });
  });

  it("answers from the runs index when it holds the run, without reading the log; says which worker is missing", async () => {
    const rec: RunStatus = {
      v: 1,
      runId: "rIndexed",
      status: "running",
      task: "t",
      agent: "default",
      turn: 3,
      toolCalls: 2,
      usage: { inputTokens: 5, outputTokens: 6 },
      errors: 0,
      submittedAt: "2025-01-01T00:00:00.000Z",
      lastSeq: 4000,
      waitingFor: ["tool nobody_serves_this (turn 3, call 0)"],
      waitingOn: [{ kind: "tool", name: "nobody_serves_this" }],
    };
    index = [rec];
    const reads = stream.reads;
    expect(await api.status({ v: 1, runId: "rIndexed" }, OPERATOR)).toEqual({
      ...rec,
      waitingForRunner: ["nobody_serves_this"],
    });
    expect(stream.reads).toBe(reads);
    // The log says the run ended before the planner indexed its end: the status is folded from the log.
    const { runId } = await submitOk({ v: 1, task: "ends" });
    index = [{ ...rec, runId }];
    const ended: RunEnded = {
      v: 1,
      type: "run.ended",
      runId,
      status: "completed",
      answer: "done",
      turns: 1,
      usage: { inputTokens: 1, outputTokens: 1 },
      endedAt: "2025-03-04T05:06:08.000Z",
    };
    await stream.append(S.ended(runId), encode(ended));
    expect(await api.status({ v: 1, runId }, OPERATOR)).toMatchObject({ runId, status: "completed", answer: "done" });
    // A tenant's user does not see another tenant's run through the index either.
    index = [{ ...rec, tenant: "GLOBEX" }];
    const acme = { operator: false, tenant: "ACME", identity: "ACME/dev", roles: new Set(["read" as const]) };
    expect(await api.status({ v: 1, runId: "rIndexed" }, acme)).toMatchObject({ error: { kind: "not_found" } });
  });
});

describe("api.submit of an idempotency key whose run was archived or purged", () => {
  it("answers the run the key names (not a new run with the same id), and refuses another task under it", async () => {
    const first = await submitOk({ v: 1, task: "once", idempotencyKey: "order-7" });
    const prior: RunStatus = {
      v: 1,
      runId: first.runId,
      status: "completed",
      task: "once",
      agent: "default",
      turn: 1,
      toolCalls: 0,
      usage: { inputTokens: 0, outputTokens: 0 },
      errors: 0,
      submittedAt: "2025-01-01T00:00:00.000Z",
      archivedAt: "2025-02-01T00:00:00.000Z",
    };
    index = [prior];
    // The stream no longer holds the run (archived): the key still names it.
    stream.entries.length = 0;
    const again = await submitOk({ v: 1, task: "once", idempotencyKey: "order-7" });
    expect(again).toEqual({ v: 1, runId: first.runId, created: false });
    expect(stream.entries).toEqual([]);
    expect(await api.submit({ v: 1, task: "twice", idempotencyKey: "order-7" }, OPERATOR)).toMatchObject({
      error: { kind: "idempotency_conflict", message: expect.stringContaining("(archived)") as string },
    });
    index = [{ ...prior, archivedAt: undefined, purgedAt: "2025-02-01T00:00:00.000Z" }];
    expect(await submitOk({ v: 1, task: "once", idempotencyKey: "order-7" })).toEqual({
      v: 1,
      runId: first.runId,
      created: false,
    });
  });
});

describe("api.cancel", () => {
  it("records a cancel signal for a running run and replies with its status", async () => {
    const { runId } = await submitOk({ v: 1, task: "long job" });
    const r = await api.cancel({ v: 1, runId, reason: "enough" }, OPERATOR);
    expect(r).toMatchObject({ v: 1, runId, status: "running", task: "long job", lastSeq: 1 });
    expect(stream.entries.map((e) => e.subject)).toEqual([
      `t.run.${runId}.evt.submitted`,
      `t.run.${runId}.evt.signal.cancel`,
    ]);
    const sig: RunSignal = {
      v: 1,
      type: "run.signal",
      runId,
      signal: "cancel",
      at: "2025-03-04T05:06:07.089Z",
      reason: "enough",
      by: "operator",
    };
    expect(decode("RunSignal", stream.entries[1]!.data)).toEqual({ ok: true, value: sig });
  });

  it("refuses to cancel an ended run (not_running) and appends nothing", async () => {
    const { runId } = await submitOk({ v: 1, task: "quick" });
    const end: RunEnded = {
      v: 1,
      type: "run.ended",
      runId,
      status: "completed",
      answer: "done",
      turns: 1,
      usage: { inputTokens: 1, outputTokens: 1 },
      endedAt: "2025-03-04T05:06:08.000Z",
    };
    await stream.append(S.ended(runId), encode(end));
    expect(await api.cancel({ v: 1, runId }, OPERATOR)).toEqual({
      v: 1,
      error: { kind: "not_running", message: `run ${runId} already completed` },
    });
    expect(stream.entries).toHaveLength(2);
  });

  it("not_found for an unknown run, bad_request for a bad request", async () => {
    expect(await api.cancel({ v: 1, runId: "rghost" }, OPERATOR)).toEqual({
      v: 1,
      error: { kind: "not_found", message: "no run rghost (never submitted, or purged)" },
    });
    expect(await api.cancel({ v: 1 }, OPERATOR)).toEqual({
      v: 1,
      error: { kind: "bad_request", message: "not a valid RunRequest: / must have required property 'runId'" },
    });
    expect(stream.entries).toEqual([]);
  });
});

describe("api.list", () => {
  function st(runId: string, status: RunStatus["status"], submittedAt: string): RunStatus {
    return {
      v: 1,
      runId,
      status,
      task: "t",
      agent: "default",
      turn: 0,
      toolCalls: 0,
      usage: { inputTokens: 0, outputTokens: 0 },
      errors: 0,
      submittedAt,
    };
  }

  it("lists newest first, filtered by status and limited", async () => {
    index = [
      st("a", "completed", "2025-01-01T00:00:01.000Z"),
      st("b", "running", "2025-01-01T00:00:03.000Z"),
      st("c", "completed", "2025-01-01T00:00:02.000Z"),
    ];
    const all = await api.list(undefined, OPERATOR);
    expect(!isError(all) && all.runs.map((r) => r.runId)).toEqual(["b", "c", "a"]);
    const done = await api.list({ v: 1, status: "completed" }, OPERATOR);
    expect(!isError(done) && done.runs.map((r) => r.runId)).toEqual(["c", "a"]);
    const one = await api.list({ v: 1, limit: 1 }, OPERATOR);
    expect(one).toEqual({ v: 1, runs: [index[1]], examined: 1, cursor: expect.any(String) as string });
    // the next pages, from the cursor, until there is none
    const two = await api.list({ v: 1, limit: 1, cursor: !isError(one) ? one.cursor : "" }, OPERATOR);
    expect(!isError(two) && two.runs.map((r) => r.runId)).toEqual(["c"]);
    const three = await api.list({ v: 1, limit: 5, cursor: !isError(two) ? two.cursor : "" }, OPERATOR);
    expect(three).toEqual({ v: 1, runs: [index[0]], examined: 1 });
    expect(await api.list({ v: 1, cursor: "not-a-cursor" }, OPERATOR)).toMatchObject({
      error: { kind: "bad_request" },
    });
  });

  it("clips each listed run's text and stays under max_payload whatever the runs hold, with a cursor for the rest", async () => {
    index = Array.from({ length: 40 }, (_, i) => ({
      ...st(`r${i}`, "completed", `2025-01-01T00:00:${String(i).padStart(2, "0")}.000Z`),
      task: "t".repeat(600_000),
      answer: "a".repeat(50_000),
    }));
    const page = await api.list({ v: 1, limit: 40 }, OPERATOR);
    if (isError(page)) throw new Error(page.error.message);
    expect(page.runs).toHaveLength(40);
    expect(page.runs[0]!.task).toBe(`${"t".repeat(200)}… [600000 characters]`);
    expect(Buffer.byteLength(JSON.stringify(page))).toBeLessThan(300 * 1024);
  });

  it("shows a tenant only its own runs; an operator sees every tenant's", async () => {
    index = [
      { ...st("mine", "running", "2025-01-01T00:00:01.000Z"), tenant: "ACME" },
      { ...st("theirs", "running", "2025-01-01T00:00:02.000Z"), tenant: "GLOBEX" },
      st("ops", "running", "2025-01-01T00:00:03.000Z"),
    ];
    const acme = { operator: false, tenant: "ACME", identity: "ACME/dev", roles: new Set(["read" as const]) };
    const seen = await api.list(undefined, acme);
    expect(!isError(seen) && seen.runs.map((r) => r.runId)).toEqual(["mine"]);
    const all = await api.list(undefined, OPERATOR);
    expect(!isError(all) && all.runs.map((r) => r.runId)).toEqual(["ops", "theirs", "mine"]);
    expect(await api.list(undefined, { ...acme, roles: new Set() })).toMatchObject({ error: { kind: "forbidden" } });
  });

  it("refuses a task or metadata over the limits, saying which", async () => {
    expect(await api.submit({ v: 1, task: "x".repeat(64 * 1024 + 1) }, OPERATOR)).toMatchObject({
      error: {
        kind: "bad_request",
        message: expect.stringMatching(/task of 65537 bytes exceeds the limit of 65536 bytes/) as string,
      },
    });
    expect(await api.submit({ v: 1, task: "x", metadata: { k: "v".repeat(17 * 1024) } }, OPERATOR)).toMatchObject({
      error: { kind: "bad_request", message: expect.stringMatching(/metadata of \d+ bytes exceeds/) as string },
    });
  });

  it("filters by metadata, submission time and (for operators) tenant", async () => {
    index = [
      { ...st("a", "completed", "2025-01-01T00:00:01.000Z"), metadata: { team: "red", env: "prod" } },
      { ...st("b", "running", "2025-01-01T00:00:02.000Z"), metadata: { team: "blue" }, tenant: "ACME" },
      { ...st("c", "failed", "2025-01-01T00:00:03.000Z"), metadata: { team: "red" } },
    ];
    const ids = async (q: object, caller = OPERATOR) => {
      const r = await api.list({ v: 1, ...q }, caller);
      if (isError(r)) throw new Error(r.error.message);
      return r.runs.map((x) => x.runId);
    };
    expect(await ids({ meta: { team: "red" } })).toEqual(["c", "a"]);
    expect(await ids({ meta: { team: "red", env: "prod" } })).toEqual(["a"]);
    expect(await ids({ meta: { team: "green" } })).toEqual([]);
    expect(await ids({ since: "2025-01-01T00:00:02Z" })).toEqual(["c", "b"]);
    expect(await ids({ until: "2025-01-01T00:00:03Z" })).toEqual(["b", "a"]);
    expect(await ids({ since: "2025-01-01T00:00:02Z", until: "2025-01-01T00:00:03Z" })).toEqual(["b"]);
    expect(await ids({ tenant: "ACME" })).toEqual(["b"]);
    expect(await ids({ status: "failed", meta: { team: "red" } })).toEqual(["c"]);
    const acme = { operator: false, tenant: "ACME", identity: "ACME/dev", roles: new Set(["read" as const]) };
    expect(await ids({}, acme)).toEqual(["b"]);
    expect(await api.list({ v: 1, tenant: "GLOBEX" }, acme)).toMatchObject({ error: { kind: "forbidden" } });
    expect(await api.list({ v: 1, since: "yesterday" }, OPERATOR)).toMatchObject({
      error: { kind: "bad_request", message: expect.stringMatching(/RFC 3339/) as string },
    });
  });

  it("answers a short page with a cursor when it examined its bound of index entries, and the next page goes on from there", async () => {
    index = Array.from({ length: LIST_EXAMINE_BUDGET + 5 }, (_, i) =>
      st(`r${i}`, i === 2 ? "failed" : "completed", new Date(Date.UTC(2025, 0, 1) + i * 1000).toISOString()),
    );
    const first = await api.list({ v: 1, status: "failed" }, OPERATOR);
    if (isError(first)) throw new Error(first.error.message);
    expect(first.runs).toEqual([]);
    expect(first.examined).toBe(LIST_EXAMINE_BUDGET);
    expect(first.cursor).toEqual(expect.any(String));
    const next = await api.list({ v: 1, status: "failed", cursor: first.cursor }, OPERATOR);
    expect(!isError(next) && next.runs.map((r) => r.runId)).toEqual(["r2"]);
  });

  it("bad_request for an invalid filter", async () => {
    expect(await api.list({ v: 1, limit: 0 }, OPERATOR)).toEqual({
      v: 1,
      error: { kind: "bad_request", message: "not a valid ListRequest: /limit must be >= 1" },
    });
  });
});

describe("api.approve with edited arguments", () => {
  /** A run of the gated agent whose first model turn asks for write_file then read_file (both wait for approval). */
  async function waitingRun(): Promise<string> {
    const { runId } = await submitOk({ v: 1, task: "edit", agent: "gated" });
    await stream.append(
      S.llmResult(runId, 1),
      encode({
        v: 1,
        type: "llm.result",
        runId,
        turn: 1,
        ok: true,
        attempts: 1,
        content: null,
        toolCalls: [
          { id: "w", name: "write_file", arguments: '{"path":"a.txt","content":"rm -rf"}' },
          { id: "r", name: "read_file", arguments: '{"path":"a.txt"}' },
        ],
      }),
    );
    return runId;
  }

  it("snapshots argsEditable on the gated tools the agent names, and the output schema", async () => {
    const { runId } = await submitOk({ v: 1, task: "edit", agent: "gated" });
    const d = decode<RunSubmitted>("RunSubmitted", stream.entries.find((e) => e.subject === S.submitted(runId))!.data);
    const agent = d.ok ? d.value.agent : undefined;
    expect(agent?.tools.map((t) => [t.name, t.requiresApproval ?? false, t.argsEditable ?? false])).toEqual([
      ["write_file", true, true],
      ["read_file", true, false],
    ]);
    expect(agent?.output).toEqual({ schema: { type: "object" }, maxAttempts: 2 });
  });

  it("records the edited arguments (as JSON text) with who approved, and the status says which calls may be edited", async () => {
    const runId = await waitingRun();
    const before = await api.status({ v: 1, runId }, OPERATOR);
    expect(!isError(before) && before.approvals?.map((a) => [a.callId, a.argsEditable ?? false])).toEqual([
      ["w", true],
      ["r", false],
    ]);
    const r = await api.approve(
      { runId, callId: "w", decision: "approve", arguments: { path: "a.txt", content: "hello" } },
      OPERATOR,
    );
    expect(isError(r)).toBe(false);
    const rec = stream.entries.find((e) => e.subject === S.approval(runId, 1, 0));
    expect(rec && decode("RunApproval", rec.data)).toEqual({
      ok: true,
      value: {
        v: 1,
        type: "run.approval",
        runId,
        turn: 1,
        index: 0,
        callId: "w",
        decision: "approve",
        at: NOW.toISOString(),
        arguments: '{"path":"a.txt","content":"hello"}',
        by: "operator",
      },
    });
  });

  it("refuses, appending nothing: a tool the agent does not let an approver edit, arguments that fail the tool's schema, a denial or a paused run with arguments", async () => {
    const runId = await waitingRun();
    const n = stream.entries.length;
    expect(
      await api.approve({ runId, callId: "r", decision: "approve", arguments: { path: "b" } }, OPERATOR),
    ).toMatchObject({
      error: { kind: "not_editable", message: expect.stringContaining("read_file does not let an approver edit") },
    });
    expect(
      await api.approve({ runId, callId: "w", decision: "approve", arguments: { path: 5 } }, OPERATOR),
    ).toMatchObject({
      error: { kind: "bad_request", message: expect.stringContaining("/path must be string") },
    });
    expect(await api.approve({ runId, callId: "w", decision: "deny", arguments: {} }, OPERATOR)).toMatchObject({
      error: { kind: "bad_request", message: "edited arguments go with an approval, not a denial" },
    });
    expect(await api.approve({ runId, callId: "budget", decision: "approve", arguments: {} }, OPERATOR)).toMatchObject({
      error: { kind: "bad_request", message: expect.stringContaining("not for budget") },
    });
    expect(await api.approve({ runId, callId: "w", decision: "approve", arguments: "{}" }, OPERATOR)).toMatchObject({
      error: { kind: "bad_request" },
    });
    expect(stream.entries).toHaveLength(n);
  });
});

describe("api.send", () => {
  it("numbers messages in log order, records who sent them, and refuses what a run cannot read", async () => {
    const { runId } = await submitOk({ v: 1, task: "talk" });
    expect(await api.send({ runId, text: "first" }, OPERATOR)).toEqual({ v: 1, runId, n: 1 });
    expect(await api.send({ v: 1, runId, text: "second" }, OPERATOR)).toEqual({ v: 1, runId, n: 2 });
    const second = stream.entries.find((e) => e.subject === S.message(runId, 2));
    expect(second && decode("RunMessage", second.data)).toEqual({
      ok: true,
      value: { v: 1, type: "run.message", runId, n: 2, text: "second", by: "operator", at: NOW.toISOString() },
    });
    const n = stream.entries.length;
    expect(await api.send({ runId }, OPERATOR)).toMatchObject({
      error: { kind: "bad_request", message: "a message needs text, end, or both" },
    });
    expect(await api.send({ runId, text: "" }, OPERATOR)).toMatchObject({ error: { kind: "bad_request" } });
    expect(await api.send({ runId, end: true }, OPERATOR)).toMatchObject({
      error: { kind: "bad_request", message: expect.stringContaining("end is for conversations") },
    });
    expect(await api.send({ runId: "nosuch", text: "x" }, OPERATOR)).toMatchObject({ error: { kind: "not_found" } });
    const reader = { ...OPERATOR, operator: false, identity: "acme/reader", roles: new Set(["read"] as const) };
    expect(await api.send({ runId, text: "x" }, reader)).toMatchObject({ error: { kind: "forbidden" } });
    await stream.append(
      S.ended(runId),
      encode({
        v: 1,
        type: "run.ended",
        runId,
        status: "completed",
        turns: 1,
        usage: { inputTokens: 0, outputTokens: 0 },
        endedAt: "t",
      } satisfies RunEnded),
    );
    expect(await api.send({ runId, text: "too late" }, OPERATOR)).toMatchObject({
      error: { kind: "not_running", message: expect.stringContaining("already completed") },
    });
    expect(stream.entries.length).toBe(n + 1); // only the end above
  });

  it("a message that lost its number to a concurrent one takes the next", async () => {
    const { runId } = await submitOk({ v: 1, task: "talk" });
    const [a, b] = await Promise.all([
      api.send({ runId, text: "a" }, OPERATOR),
      api.send({ runId, text: "b" }, OPERATOR),
    ]);
    expect([a, b].map((r) => (isError(r) ? r : r.n)).sort()).toEqual([1, 2]);
  });
});
