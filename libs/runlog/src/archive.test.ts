// The archive against a real nats-server: a run's log sealed in chunks and read back only as
// written; finished runs' records moved out of the runs index and found through the directory;
// the directory rebuilt from the records. (The runs index itself is the planner's: its tests
// cover the index reading through the directory.)
import { createHash } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { connect, headers, type NatsConnection } from "@nats-io/transport-node";
import { jetstream, jetstreamManager, type JetStreamClient, type JetStreamManager } from "@nats-io/jetstream";
import { Kvm } from "@nats-io/kv";
import { encode, Subjects, type HistoryEntry, type RunStatus } from "@cairn/protocol";
import { archiveStreamConfig } from "@cairn/bus";
import { startNatsServer, uniquePrefix, type RunningNatsServer } from "@cairn/testing";
import {
  ARCHIVE_CHUNK_BYTES,
  ArchiveIntegrityError,
  archivedRecordOf,
  decodeArchive,
  encodeArchive,
  findArchived,
  readArchive,
  rebuildArchiveDirectory,
  retireRun,
  writeArchive,
} from "./archive.js";

let server: RunningNatsServer;
let nc: NatsConnection;
let js: JetStreamClient;
let jsm: JetStreamManager;

beforeAll(async () => {
  server = await startNatsServer();
  nc = await connect({ servers: server.url });
  js = jetstream(nc);
  jsm = await jetstreamManager(nc);
});
afterAll(async () => {
  await nc?.close();
  await server?.stop({ clean: true });
});

/** The archive stream and directory bucket as `cairn provision` makes them, and a runs index bucket. */
async function deployment(): Promise<Subjects> {
  const subjects = new Subjects(uniquePrefix("ar"));
  await jsm.streams.add(archiveStreamConfig(subjects, { replicas: 1 }));
  await new Kvm(nc).create(subjects.archiveBucket, { history: 1 });
  await new Kvm(nc).create(subjects.runsBucket, { history: 1 });
  return subjects;
}

const entry = (seq: number, subject: string, data: Uint8Array, reflected = false): HistoryEntry => ({
  seq,
  subject,
  data,
  time: new Date(Date.UTC(2026, 0, 1, 0, 0, seq)).toISOString(),
  ...(reflected ? { reflected: true } : {}),
});

function status(runId: string, extra: Partial<RunStatus> = {}): RunStatus {
  return {
    v: 1,
    runId,
    status: "completed",
    task: "t",
    agent: "a",
    turn: 1,
    toolCalls: 0,
    usage: { inputTokens: 1, outputTokens: 2 },
    errors: 0,
    submittedAt: new Date(Date.UTC(2026, 0, 1)).toISOString(),
    lastSeq: 3,
    ...extra,
  };
}

describe("archive bytes", () => {
  it("encode and decode give back every message, byte for byte, in order (reflected ones marked)", () => {
    const log = [entry(1, "a.b", new Uint8Array([0, 1, 255])), entry(7, "a.c", new Uint8Array(0), true)];
    expect(decodeArchive(encodeArchive(log))).toEqual(log);
    expect(decodeArchive(encodeArchive([]))).toEqual([]);
  });
});

describe("writeArchive and readArchive", () => {
  it("seal a log in chunks and read it back as written", async () => {
    const subjects = await deployment();
    const big = new Uint8Array(ARCHIVE_CHUNK_BYTES + 1000).fill(7);
    const log = [
      entry(1, subjects.submitted("r1"), new Uint8Array(encode({ hello: "x" }))),
      entry(2, subjects.llmResult("r1", 1), big),
    ];
    const ref = await writeArchive(js, jsm, subjects, "r1", log);
    expect(ref.seqs.length).toBeGreaterThan(1);
    expect(ref.messages).toBe(2);
    expect(await readArchive(jsm, subjects, "r1", ref)).toEqual(log);
  });

  it("refuse a chunk that is another run's, a missing chunk, and bytes that do not match the digest", async () => {
    const subjects = await deployment();
    const a = await writeArchive(js, jsm, subjects, "ra", [entry(1, "x", new Uint8Array([1]))]);
    const b = await writeArchive(js, jsm, subjects, "rb", [entry(1, "x", new Uint8Array([2]))]);
    await expect(readArchive(jsm, subjects, "ra", { ...a, seqs: b.seqs })).rejects.toThrow(ArchiveIntegrityError);
    await expect(readArchive(jsm, subjects, "ra", { ...a, seqs: [999_999] })).rejects.toThrow(/missing/);
    await expect(readArchive(jsm, subjects, "ra", { ...a, sha256: "0".repeat(64) })).rejects.toThrow(/digest/);
    await expect(readArchive(jsm, subjects, "ra", { ...a, bytes: a.bytes + 1 })).rejects.toThrow(/digest/);
  });
});

describe("readArchive refuses a chunk that is not the run's on any one count", () => {
  it("its subject, its run header, or JetStream's own headers (a reflected response)", async () => {
    const subjects = await deployment();
    const good = await writeArchive(js, jsm, subjects, "rc", [entry(1, "x", new Uint8Array([3]))]);
    const chunk = (await jsm.direct.getMessage(subjects.archiveStream, { seq: good.seqs[0] }))!;
    const forge = async (subject: string, set: Record<string, string>): Promise<number> => {
      const h = headers();
      for (const [k, v] of Object.entries(set)) h.set(k, v);
      return (await js.publish(subject, chunk.data, { headers: h })).seq;
    };
    const otherSubject = await forge(subjects.archive("other"), { "Cairn-Archive-Run": "rc" });
    const otherHeader = await forge(subjects.archive("rc"), { "Cairn-Archive-Run": "other" });
    const reflected = await forge(subjects.archive("rc"), {
      "Cairn-Archive-Run": "rc",
      "Nats-Stream": subjects.archiveStream,
    });
    for (const seq of [otherSubject, otherHeader, reflected])
      await expect(readArchive(jsm, subjects, "rc", { ...good, seqs: [seq] })).rejects.toThrow(
        /is not this run's archive/,
      );
    expect(await readArchive(jsm, subjects, "rc", good)).toHaveLength(1);
  });
});

describe("the archive's format on the wire", () => {
  it("chunks of at most 256 KiB, each naming its run and its place, the digest the sha256 of the encoded log", async () => {
    const subjects = await deployment();
    const log = [entry(1, "x", new Uint8Array(ARCHIVE_CHUNK_BYTES + 1000).fill(1))];
    const bytes = encodeArchive(log);
    expect(new TextDecoder().decode(bytes.subarray(-1))).toBe("\n");
    expect(ARCHIVE_CHUNK_BYTES).toBe(256 * 1024);
    const ref = await writeArchive(js, jsm, subjects, "rw", log);
    expect(ref).toMatchObject({
      bytes: bytes.length,
      messages: 1,
      sha256: createHash("sha256").update(bytes).digest("hex"),
    });
    expect(ref.seqs).toHaveLength(Math.ceil(bytes.length / ARCHIVE_CHUNK_BYTES));
    const chunks = await Promise.all(ref.seqs.map((seq) => jsm.direct.getMessage(subjects.archiveStream, { seq })));
    expect(
      chunks.map((c) => [c!.subject, c!.header?.get("Cairn-Archive-Run"), c!.header?.get("Cairn-Archive-Chunk")]),
    ).toEqual(ref.seqs.map((_, i) => [subjects.archive("rw"), "rw", `${i + 1}/${ref.seqs.length} ${ref.sha256}`]));
    expect(Math.max(...chunks.map((c) => c!.data.length))).toBeLessThanOrEqual(ARCHIVE_CHUNK_BYTES);
  });

  it("an integrity error is named, not retryable, and says which chunk or record", async () => {
    const subjects = await deployment();
    const ref = await writeArchive(js, jsm, subjects, "rn", [entry(1, "x", new Uint8Array([1]))]);
    const err = await readArchive(jsm, subjects, "rn", { ...ref, seqs: [ref.seqs[0], 999_999] }).catch(
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(ArchiveIntegrityError);
    expect(err).toMatchObject({ name: "ArchiveIntegrityError", retryable: false });
    expect((err as Error).message).toBe(
      `archive of run rn: chunk 2 (sequence 999999) is missing from ${subjects.archiveStream}`,
    );
    await retireRun(js, jsm, subjects, status("x1"));
    const seqOfX = (await jsm.streams.info(subjects.archiveStream)).state.last_seq;
    const record = (await jsm.direct.getMessage(subjects.archiveStream, { seq: seqOfX }))!;
    expect(record.header?.get("Cairn-Archive-Record")).toBe("x1");
    const dir = await new Kvm(nc).open(subjects.archiveBucket);
    await dir.put(subjects.archivePageKey("y1"), JSON.stringify({ y1: seqOfX }));
    await expect(findArchived(jsm, subjects, "y1")).rejects.toThrow(
      `archive directory: the record of run y1 (sequence ${seqOfX}) is missing or another run's`,
    );
    await dir.put(subjects.archivePageKey("n1"), "null");
    await expect(findArchived(jsm, subjects, "n1")).rejects.toThrow(ArchiveIntegrityError);
  });

  it("retiring a run purges its own keys from the runs index, and no other run's", async () => {
    const subjects = await deployment();
    const kv = await new Kvm(nc).open(subjects.runsBucket);
    await kv.put("stay", "{}");
    await kv.put("go", "{}");
    await retireRun(js, jsm, subjects, status("go"));
    const left = await jsm.streams.info(`KV_${subjects.runsBucket}`, { subjects_filter: ">" });
    expect(Object.keys(left.state.subjects ?? {})).toEqual([subjects.runsKey("stay")]);
  });
});

describe("retireRun, findArchived and the directory", () => {
  it("moves a run's record out of the runs index into the archive, once, and finds it by id", async () => {
    const subjects = await deployment();
    const kv = await new Kvm(nc).open(subjects.runsBucket);
    const done = status("gone", { archivedAt: new Date().toISOString() });
    await kv.put("gone", JSON.stringify(done));
    await kv.put(subjects.submissionKey("gone"), "s");
    expect(await findArchived(jsm, subjects, "gone")).toBeUndefined();
    await retireRun(js, jsm, subjects, done);
    await retireRun(js, jsm, subjects, done); // a retried pass writes no second record
    expect(await findArchived(jsm, subjects, "gone")).toEqual(done);
    const archive = await jsm.streams.info(subjects.archiveStream, { subjects_filter: ">" });
    expect(archive.state.subjects).toEqual({ [subjects.archivedRuns()]: 1 });
    const index = await jsm.streams.info(`KV_${subjects.runsBucket}`, { subjects_filter: ">" });
    expect(index.state.subjects ?? {}).toEqual({});
    // A changed record (archived, then purged) is recorded again and found at its newer record.
    const purged = { ...done, purgedAt: new Date().toISOString() };
    await retireRun(js, jsm, subjects, purged);
    expect(await findArchived(jsm, subjects, "gone")).toEqual(purged);
  });

  it("reads nothing from a deployment without a directory bucket", async () => {
    const subjects = new Subjects(uniquePrefix("nodir"));
    expect(await findArchived(jsm, subjects, "r")).toBeUndefined();
  });

  it("refuses a directory entry that points at another run's record, and a page that is not a page", async () => {
    const subjects = await deployment();
    await retireRun(js, jsm, subjects, status("x1"));
    const seqOfX = (await jsm.streams.info(subjects.archiveStream)).state.last_seq;
    const dir = await new Kvm(nc).open(subjects.archiveBucket);
    await dir.put(subjects.archivePageKey("y1"), JSON.stringify({ y1: seqOfX }));
    await expect(findArchived(jsm, subjects, "y1")).rejects.toThrow(ArchiveIntegrityError);
    await dir.put(subjects.archivePageKey("z1"), "[1,2]");
    await expect(findArchived(jsm, subjects, "z1")).rejects.toThrow(/not a page/);
  });

  it("archivedRecordOf takes only a record on the records subject whose header names its run", async () => {
    const subjects = await deployment();
    await retireRun(js, jsm, subjects, status("ok1"));
    const m = (await jsm.direct.getMessage(subjects.archiveStream, { last_by_subj: subjects.archivedRuns() }))!;
    expect(archivedRecordOf(m, subjects)?.runId).toBe("ok1");
    // A record whose header names another run (as a hand-written one could) is not a record.
    const h = headers();
    h.set("Cairn-Archive-Record", "someone-else");
    await js.publish(subjects.archivedRuns(), encode(status("ok2")), { headers: h });
    const forged = (await jsm.direct.getMessage(subjects.archiveStream, { last_by_subj: subjects.archivedRuns() }))!;
    expect(archivedRecordOf(forged, subjects)).toBeUndefined();
    expect(archivedRecordOf({ ...m, subject: subjects.archive("ok1") }, subjects)).toBeUndefined();
  });

  it("rebuildArchiveDirectory writes lost and damaged pages again from the records", async () => {
    const subjects = await deployment();
    const runs = Array.from({ length: 30 }, (_, i) => status(`b${i}`));
    for (const r of runs) await retireRun(js, jsm, subjects, r);
    const dir = await new Kvm(nc).open(subjects.archiveBucket);
    // One page lost, another damaged.
    await jsm.streams.purge(`KV_${subjects.archiveBucket}`, { filter: subjects.archivePage("b0") });
    await dir.put(subjects.archivePageKey("b1"), "not json");
    await expect(findArchived(jsm, subjects, "b1")).rejects.toThrow(ArchiveIntegrityError);
    expect(await findArchived(jsm, subjects, "b0")).toBeUndefined();
    const r = await rebuildArchiveDirectory(js, jsm, subjects);
    expect(r.records).toBe(30);
    expect(r.entered).toBeGreaterThanOrEqual(2);
    for (const run of runs) expect(await findArchived(jsm, subjects, run.runId)).toEqual(run);
    // Nothing left to enter on a second pass.
    expect(await rebuildArchiveDirectory(js, jsm, subjects)).toEqual({ records: 30, entered: 0 });
  });
});
