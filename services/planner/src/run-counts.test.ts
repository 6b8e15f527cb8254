// Counts of runs by status: the pure tally, kept from the runs index's records against a real
// nats-server (runs that start, end, and leave the index for the archive), and `list` with
// `counts` scoped to the caller's tenant exactly as its runs are.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Kvm } from "@nats-io/kv";
import { Subjects, type ListReply, type RunStatus } from "@cairn/protocol";
import { startJetStream, uniquePrefix, type JetStreamFixture } from "@cairn/testing";
import { archiveStreamConfig } from "@cairn/bus";
import { silentLogger } from "@cairn/telemetry";
import { retireRun } from "@cairn/runlog";
import { RunIndex } from "./run-index.js";
import { RunCounts, StatusTally, sumCounts } from "./run-counts.js";
import { createApi } from "./handler.js";
import { OPERATOR, type Caller } from "./access.js";

const at = (i: number): string => new Date(Date.UTC(2026, 0, 1) + i * 1000).toISOString();
function st(runId: string, lastSeq: number, extra: Partial<RunStatus> = {}): RunStatus {
  return {
    v: 1,
    runId,
    status: "running",
    task: "t",
    agent: "a",
    turn: 0,
    toolCalls: 0,
    usage: { inputTokens: 0, outputTokens: 0 },
    errors: 0,
    submittedAt: at(0),
    lastSeq,
    ...extra,
  };
}
const zero = { awaiting_approval: 0, running: 0, completed: 0, failed: 0, cancelled: 0 };

describe("StatusTally", () => {
  it("counts each run once, by its archive record, else its status record, else its submission", () => {
    const t = new StatusTally();
    t.set("submission", "r1", { status: "running", agent: "a" });
    t.set("submission", "r2", { status: "running", agent: "a", tenant: "ACME" });
    expect(t.groups()).toEqual([
      { agent: "a", counts: { ...zero, running: 1 } },
      { tenant: "ACME", agent: "a", counts: { ...zero, running: 1 } },
    ]);
    t.set("status", "r1", { status: "awaiting_approval", agent: "a" });
    // a submission record read after the status record (another order of the same writes) changes nothing
    t.set("submission", "r1", { status: "running", agent: "a" });
    expect(t.groups()[0]).toEqual({ agent: "a", counts: { ...zero, awaiting_approval: 1 } });
    t.set("status", "r1", { status: "completed", agent: "a" });
    t.set("archive", "r1", { status: "completed", agent: "a" });
    expect(t.groups()[0]).toEqual({ agent: "a", counts: { ...zero, completed: 1 } });
    // its status record deleted: the archive record still counts it; all deleted: not counted
    t.set("status", "r1", undefined);
    expect(t.groups()[0]).toEqual({ agent: "a", counts: { ...zero, completed: 1 } });
    t.set("archive", "r1", undefined);
    t.set("submission", "r1", undefined);
    expect(t.size).toBe(1);
    expect(t.groups()).toEqual([{ tenant: "ACME", agent: "a", counts: { ...zero, running: 1 } }]);
    expect(sumCounts(t.groups(), (g) => g.tenant === "GLOBEX")).toEqual(zero);
  });
});

let t: JetStreamFixture;
beforeAll(async () => {
  t = await startJetStream();
});
afterAll(async () => {
  await t?.stop();
});

async function index(): Promise<{ ix: RunIndex; subjects: Subjects }> {
  const subjects = new Subjects(uniquePrefix("cnt"));
  const kv = await new Kvm(t.nc).create(subjects.runsBucket, { history: 1 });
  await t.jsm.streams.add(archiveStreamConfig(subjects, { replicas: 1 }));
  await new Kvm(t.nc).create(subjects.archiveBucket, { history: 1 });
  return { ix: new RunIndex(kv, t.jsm, subjects, silentLogger(), { progressMs: 20, knownRuns: 1000 }), subjects };
}

describe("RunCounts over the runs index", () => {
  it("moves with the runs as the planner indexes them, reading only what was written since it was last asked", async () => {
    const { ix, subjects } = await index();
    const counts = new RunCounts(t.jsm, subjects, 16);
    // asked with a bound before its first read of the index: no counts yet, at once (the read goes on)
    expect(await counts.counts(60_000)).toBeUndefined();
    expect(await counts.counts()).toEqual([]);
    for (let i = 0; i < 50; i++) await ix.submitted(st(`r${i}`, 1, { submittedAt: at(i) }));
    expect(sumCounts(await counts.counts(), () => true)).toEqual({ ...zero, running: 50 });
    for (let i = 0; i < 10; i++) await ix.changed(st(`r${i}`, 5, { status: "awaiting_approval" }));
    for (let i = 10; i < 30; i++) await ix.changed(st(`r${i}`, 9, { status: i % 2 ? "failed" : "completed" }));
    ix.progress(st("r40", 3, { turn: 1 }));
    await ix.flush();
    expect(sumCounts(await counts.counts(), () => true)).toEqual({
      ...zero,
      awaiting_approval: 10,
      running: 20,
      completed: 10,
      failed: 10,
    });
    // approved, then cancelled: a run changes its count, never adds one
    await ix.changed(st("r0", 7, { status: "running" }));
    await ix.changed(st("r0", 8, { status: "cancelled" }));
    // ended runs leave the index for the archive (their index records purged, no marker): counted once, as ended
    for (let i = 10; i < 20; i++)
      await retireRun(
        t.js,
        t.jsm,
        subjects,
        st(`r${i}`, 9, { status: i % 2 ? "failed" : "completed", archivedAt: at(99) }),
      );
    const after = { ...zero, awaiting_approval: 9, running: 20, completed: 10, failed: 10, cancelled: 1 };
    expect(sumCounts(await counts.counts(), () => true)).toEqual(after);
    // a reader that starts now reads it all once, and agrees
    expect(sumCounts(await new RunCounts(t.jsm, subjects).counts(), () => true)).toEqual(after);
    expect(sumCounts(await ix.counts(), () => true)).toEqual(after);
  });

  it("list with counts: a tenant's user counts only its tenant's runs, an operator every run (tenant and agent filters applied)", async () => {
    const { ix, subjects } = await index();
    const runs = [
      st("a1", 1, { tenant: "ACME", submittedAt: at(1) }),
      st("a2", 3, { tenant: "ACME", status: "awaiting_approval", submittedAt: at(2) }),
      st("a3", 9, { tenant: "ACME", status: "completed", agent: "b", submittedAt: at(3) }),
      st("g1", 9, { tenant: "GLOBEX", status: "failed", submittedAt: at(4) }),
      st("g2", 3, { tenant: "GLOBEX", status: "awaiting_approval", submittedAt: at(5) }),
      st("o1", 9, { status: "completed", submittedAt: at(6) }),
    ];
    for (const r of runs) {
      await ix.submitted({ ...r, status: "running", lastSeq: 1 });
      if (r.status !== "running") await ix.changed(r);
    }
    const api = createApi({
      subjects,
      agents: { defaultAgent: "a", agents: new Map() },
      lookupTools: () => Promise.resolve(new Map()),
      append: () => Promise.reject(new Error("list appends nothing")),
      readEvents: () => Promise.resolve([]),
      readLog: async function* () {},
      index: ix,
      hasEnded: () => Promise.resolve(false),
      missingWorkQueues: () => Promise.resolve([]),
      workerAvailable: () => Promise.resolve(true),
      now: () => new Date(),
      log: silentLogger(),
    });
    const acme: Caller = { operator: false, tenant: "ACME", identity: "ACME/dev", roles: new Set(["read"]) };
    const list = async (body: object, caller: Caller): Promise<ListReply> => {
      const r = await api.list({ v: 1, ...body }, caller);
      if ("error" in r) throw new Error(r.error.message);
      return r;
    };
    // The planner's first read of its index: the page is answered at once, without counts, while it goes on.
    const first = await list({ counts: true }, acme);
    expect(first.runs.map((r) => r.runId)).toEqual(["a3", "a2", "a1"]);
    expect(first.counts).toBeUndefined();
    await ix.counts();
    expect((await list({ counts: true }, acme)).counts).toEqual({
      ...zero,
      running: 1,
      awaiting_approval: 1,
      completed: 1,
    });
    expect((await list({ counts: true, agent: "b" }, acme)).counts).toEqual({ ...zero, completed: 1 });
    // the counts cover the caller's runs, whatever the status filter or page
    const page = await list({ counts: true, status: "awaiting_approval", limit: 1 }, acme);
    expect(page.runs.map((r) => r.runId)).toEqual(["a2"]);
    expect(page.counts?.running).toBe(1);
    expect((await list({ counts: true }, OPERATOR)).counts).toEqual({
      ...zero,
      running: 1,
      awaiting_approval: 2,
      completed: 2,
      failed: 1,
    });
    expect((await list({ counts: true, tenant: "GLOBEX" }, OPERATOR)).counts).toEqual({
      ...zero,
      awaiting_approval: 1,
      failed: 1,
    });
    // another tenant's counts are refused like its runs; no counts unless asked
    expect(await api.list({ v: 1, counts: true, tenant: "GLOBEX" }, acme)).toMatchObject({
      error: { kind: "forbidden" },
    });
    expect((await list({}, acme)).counts).toBeUndefined();
  });
});
