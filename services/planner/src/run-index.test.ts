// The runs index against a real nats-server: records written as runs go (never replaced by an
// older point of a run, whichever instance writes), and the newest runs listed from the bucket's
// stream without reading every key.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Kvm } from "@nats-io/kv";
import { Subjects, type RunStatus } from "@cairn/protocol";
import { startJetStream, uniquePrefix, type JetStreamFixture } from "@cairn/testing";
import { silentLogger } from "@cairn/telemetry";
import { RunIndex } from "./run-index.js";

let t: JetStreamFixture;
beforeAll(async () => {
  t = await startJetStream();
});
afterAll(async () => {
  await t?.stop();
});

async function index(progressMs = 50): Promise<{ a: RunIndex; b: RunIndex }> {
  const subjects = new Subjects(uniquePrefix("ix"));
  const kv = await new Kvm(t.nc).create(subjects.runsBucket, { history: 1 });
  const mk = () => new RunIndex(kv, t.jsm, subjects, silentLogger(), { progressMs, knownRuns: 1000 });
  return { a: mk(), b: mk() };
}

const at = (i: number): string => new Date(Date.UTC(2026, 0, 1) + i * 1000).toISOString();
function st(runId: string, lastSeq: number, extra: Partial<RunStatus> = {}): RunStatus {
  return { v: 1, runId, status: "running", task: "t", agent: "a", turn: 0, toolCalls: 0, usage: { inputTokens: 0, outputTokens: 0 }, errors: 0, submittedAt: at(0), lastSeq, ...extra };
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
    for (let i = 0; i < n; i += 50) await Promise.all(Array.from({ length: 50 }, (_, k) => a.submitted(st(`r${i + k}`, 1, { submittedAt: at(i + k) }))));
    // Later status records interleave with the submission records in the bucket's stream.
    await Promise.all(Array.from({ length: n }, (_, i) => (i % 3 === 0 ? a.changed(st(`r${i}`, 4, { status: "completed" })) : Promise.resolve())));
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
    for (let i = 0; i < 100; i++) await a.submitted(st(`r${i}`, 1, { submittedAt: at(i), ...(i === 5 ? { metadata: { team: "red" } } : {}) }));
    const since = await a.newest({ limit: 1000, budget: 100_000, keepSubmission: (s) => (s.submittedAt < at(90) ? "stop" : true), keep: () => true });
    expect(since.runs.map((r) => r.status.runId)).toEqual(Array.from({ length: 10 }, (_, i) => `r${99 - i}`));
    expect(since.next).toBeUndefined();
    const red = { limit: 10, budget: 30, keepSubmission: (s: RunStatus) => s.metadata?.["team"] === "red", keep: () => true };
    let page = await a.newest(red);
    let pages = 1;
    while (page.runs.length === 0 && page.next !== undefined) {
      page = await a.newest({ ...red, before: page.next });
      pages++;
    }
    expect(page.runs.map((r) => r.status.runId)).toEqual(["r5"]);
    expect(pages).toBeGreaterThan(1);
  });
});
