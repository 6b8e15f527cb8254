// The runs index against a real nats-server: records written as runs go (never replaced by an
// older point of a run, whichever instance writes), and the newest runs listed from the bucket's
// stream without reading every key.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Kvm } from "@nats-io/kv";
import { Subjects, type RunStatus } from "@cairn/protocol";
import { startJetStream, uniquePrefix, type JetStreamFixture } from "@cairn/testing";
import { archiveStreamConfig } from "@cairn/bus";
import { silentLogger } from "@cairn/telemetry";
import { RunIndex } from "./run-index.js";
import { ArchiveIntegrityError, findArchived, retireRun } from "@cairn/runlog";

let t: JetStreamFixture;
beforeAll(async () => {
  t = await startJetStream();
});
afterAll(async () => {
  await t?.stop();
});

async function index(progressMs = 50): Promise<{ a: RunIndex; b: RunIndex; subjects: Subjects }> {
  const subjects = new Subjects(uniquePrefix("ix"));
  const kv = await new Kvm(t.nc).create(subjects.runsBucket, { history: 1 });
  await t.jsm.streams.add(archiveStreamConfig(subjects, { replicas: 1 }));
  await new Kvm(t.nc).create(subjects.archiveBucket, { history: 1 });
  const mk = () => new RunIndex(kv, t.jsm, subjects, silentLogger(), { progressMs, knownRuns: 1000 });
  return { a: mk(), b: mk(), subjects };
}

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

describe("RunIndex records", () => {
  it("holds the latest point of each run; an older one never replaces it, from this instance or another", async () => {
    const { a, b } = await index();
    await a.submitted(st("r1", 1));
    expect(await a.get("r1")).toMatchObject({ lastSeq: 1, status: "running" });
    await a.changed(st("r1", 9, { status: "completed", answer: "done" }));
    // Another instance that handled an earlier event late: its write is dropped.
    await b.changed(st("r1", 5, { turn: 2 }));
    b.progress(st("r1", 7));
    await b.flush();
    expect(await a.get("r1")).toMatchObject({ lastSeq: 9, status: "completed", answer: "done" });
    // A redelivered submission does not reset the run either.
    await b.submitted(st("r1", 1));
    expect(await b.get("r1")).toMatchObject({ lastSeq: 9, status: "completed" });
  });

  it("writes progress within its interval, the latest one per run", async () => {
    const { a } = await index(30);
    await a.submitted(st("r2", 1));
    a.progress(st("r2", 3, { turn: 1 }));
    a.progress(st("r2", 5, { turn: 2 }));
    expect(await a.get("r2")).toMatchObject({ lastSeq: 1 });
    await new Promise((r) => setTimeout(r, 300));
    expect(await a.get("r2")).toMatchObject({ lastSeq: 5, turn: 2 });
    // A change written at once wins over progress still pending for an earlier point.
    a.progress(st("r2", 6, { turn: 3 }));
    await a.changed(st("r2", 8, { status: "failed" }));
    await a.stop();
    expect(await a.get("r2")).toMatchObject({ lastSeq: 8, status: "failed" });
  });
});

describe("RunIndex.newest", () => {
  it("lists newest first in pages that cover every run once, with the status now", async () => {
    const { a } = await index();
    const n = 3000;
    for (let i = 0; i < n; i += 50)
      await Promise.all(
        Array.from({ length: 50 }, (_, k) => a.submitted(st(`r${i + k}`, 1, { submittedAt: at(i + k) }))),
      );
    // Later status records interleave with the submission records in the bucket's stream.
    await Promise.all(
      Array.from({ length: n }, (_, i) =>
        i % 3 === 0 ? a.changed(st(`r${i}`, 4, { status: "completed" })) : Promise.resolve(),
      ),
    );
    const all = { limit: 1000, budget: 100_000, keepSubmission: () => true, keep: () => true };
    const first = await a.newest({ ...all, limit: 20 });
    // Windows from the end of the stream (64, 256, 1,024 sequences) until 20 are found: what it
    // examines depends on the tail of the stream, not on how many runs the index holds.
    expect(first.examined).toBeLessThanOrEqual(64 + 256 + 1024);
    expect(first.examined).toBeLessThan(n / 2);
    const ids: string[] = first.runs.map((r) => r.status.runId);
    let next = first.next;
    while (next !== undefined) {
      const page = await a.newest({ ...all, limit: 37, before: next });
      ids.push(...page.runs.map((r) => r.status.runId));
      next = page.next;
    }
    // Submitted in batches of 50 at once: within a batch the order is the order they were stored.
    expect(new Set(ids).size).toBe(n);
    expect(ids.slice(0, 20).every((id) => Number(id.slice(1)) >= n - 50)).toBe(true);
    const statuses = await a.newest({ ...all, limit: 10_000, keep: (s) => s.status === "completed" });
    expect(statuses.runs).toHaveLength(n / 3);
    expect(statuses.runs.every((r) => r.status.status === "completed" && r.status.lastSeq === 4)).toBe(true);
  });

  it("stops where the caller says (a time bound) and at its examination budget, with a cursor to go on", async () => {
    const { a } = await index();
    for (let i = 0; i < 100; i++)
      await a.submitted(st(`r${i}`, 1, { submittedAt: at(i), ...(i === 5 ? { metadata: { team: "red" } } : {}) }));
    const since = await a.newest({
      limit: 1000,
      budget: 100_000,
      keepSubmission: (s) => (s.submittedAt < at(90) ? "stop" : true),
      keep: () => true,
    });
    expect(since.runs.map((r) => r.status.runId)).toEqual(Array.from({ length: 10 }, (_, i) => `r${99 - i}`));
    expect(since.next).toBeUndefined();
    const red = {
      limit: 10,
      budget: 30,
      keepSubmission: (s: RunStatus) => s.metadata?.["team"] === "red",
      keep: () => true,
    };
    let page = await a.newest(red);
    let pages = 1;
    while (page.runs.length === 0 && page.next !== undefined) {
      page = await a.newest({ ...red, before: page.next });
      pages++;
    }
    expect(page.runs.map((r) => r.status.runId)).toEqual(["r5"]);
    expect(pages).toBeGreaterThan(1);
  });

  it("goes on through the runs that left the index for the archive, newest first, after the others", async () => {
    const { a, subjects } = await index();
    for (let i = 0; i < 40; i++)
      await a.submitted(st(`r${i}`, 1, { submittedAt: at(i), ...(i % 2 ? { metadata: { team: "red" } } : {}) }));
    // The 30 oldest ended and left the index (archived), in the order they ended.
    for (let i = 0; i < 30; i++) {
      const done = st(`r${i}`, 9, {
        submittedAt: at(i),
        status: "completed",
        archivedAt: at(100 + i),
        ...(i % 2 ? { metadata: { team: "red" } } : {}),
      });
      await a.changed(done);
      await retireRun(t.js, t.jsm, subjects, done);
    }
    const all = { limit: 1000, budget: 100_000, keepSubmission: () => true, keep: () => true };
    const ids: string[] = [];
    let page = await a.newest({ ...all, limit: 7 });
    ids.push(...page.runs.map((r) => r.status.runId));
    while (page.next !== undefined) {
      page = await a.newest({ ...all, limit: 7, before: page.next });
      ids.push(...page.runs.map((r) => r.status.runId));
    }
    expect(ids).toEqual(Array.from({ length: 40 }, (_, i) => `r${39 - i}`));
    const red = await a.newest({
      ...all,
      keepSubmission: (s) => s.metadata?.["team"] === "red",
      keep: (s) => s.status === "completed",
    });
    expect(red.runs.map((r) => r.status.runId)).toEqual(Array.from({ length: 15 }, (_, i) => `r${29 - 2 * i}`));
    // A time bound stops the walk of the archived runs at the first that left before it.
    const since = await a.newest({
      ...all,
      keepSubmission: (s) => (s.submittedAt < at(25) ? "stop" : true),
      archivedSince: Date.parse(at(125)),
    });
    expect(since.runs.map((r) => r.status.runId)).toEqual(Array.from({ length: 15 }, (_, i) => `r${39 - i}`));
    expect(since.next).toBeUndefined();
  });
});

describe("runs that left the index (retireRun)", () => {
  it("are found through the archive directory, and the runs index keeps no subject for them", async () => {
    const { a, subjects } = await index();
    const bucket = `KV_${subjects.runsBucket}`;
    const done = st("gone", 9, { status: "completed", answer: "42", archivedAt: at(5) });
    await a.submitted(st("gone", 1));
    await a.changed(done);
    expect(Object.keys((await t.jsm.streams.info(bucket, { subjects_filter: ">" })).state.subjects ?? {})).toHaveLength(
      2,
    );
    await retireRun(t.js, t.jsm, subjects, done);
    // Twice (a retried archive pass): no second record, the directory unchanged.
    await retireRun(t.js, t.jsm, subjects, done);
    expect((await t.jsm.streams.info(bucket, { subjects_filter: ">" })).state.subjects ?? {}).toEqual({});
    expect(await a.get("gone")).toEqual(done);
    expect(await findArchived(t.jsm, subjects, "never")).toBeUndefined();
    // Many runs, pages shared: each still found; the directory holds one version of each page.
    const many = Array.from({ length: 300 }, (_, i) => st(`m${i}`, 3, { status: "failed", purgedAt: at(i) }));
    for (let i = 0; i < many.length; i += 20)
      await Promise.all(many.slice(i, i + 20).map((s) => retireRun(t.js, t.jsm, subjects, s)));
    for (const s of many) expect(await a.get(s.runId)).toEqual(s);
    const pages = new Set([...many, done].map((s) => subjects.archivePageKey(s.runId)));
    const archive = await t.jsm.streams.info(subjects.archiveStream, { subjects_filter: ">" });
    expect(archive.state.subjects).toEqual({ [subjects.archivedRuns()]: 301 });
    const dir = await t.jsm.streams.info(`KV_${subjects.archiveBucket}`, { subjects_filter: ">" });
    expect(dir.state.messages).toBe(pages.size);
    // Concurrent writers of one page (pages shared by 20 runs written at once above): none lost.
    const entries = Object.assign(
      {},
      ...(await Promise.all(
        [...pages].map(
          async (k) =>
            JSON.parse((await new Kvm(t.nc).open(subjects.archiveBucket).then((kv) => kv.get(k)))!.string()) as Record<
              string,
              number
            >,
        ),
      )),
    );
    expect(Object.keys(entries).sort()).toEqual([...many, done].map((s) => s.runId).sort());
  });

  it("refuses a directory entry that points at another run's record", async () => {
    const { subjects } = await index();
    const x = st("x1", 2, { status: "completed", archivedAt: at(1) });
    await retireRun(t.js, t.jsm, subjects, x);
    const seqOfX = (await t.jsm.streams.info(subjects.archiveStream)).state.first_seq;
    // An entry for y1 (as admin could write it by hand) pointing at x1's record.
    await (
      await new Kvm(t.nc).open(subjects.archiveBucket)
    ).put(subjects.archivePageKey("y1"), JSON.stringify({ y1: seqOfX }));
    await expect(findArchived(t.jsm, subjects, "y1")).rejects.toThrow(ArchiveIntegrityError);
  });
});
