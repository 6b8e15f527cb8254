import { createHash } from "node:crypto";
import { headers as natsHeaders } from "@nats-io/transport-node";
import type { JetStreamClient, JetStreamManager, StoredMsg } from "@nats-io/jetstream";
import { decode, encode, type RunStatus, type Subjects, type HistoryEntry } from "@cairn/protocol";
import { isKvValue, isMissingStream, isReflected, isWrongLastSequence } from "@cairn/bus";

/** Where an archived run's log is (RunStatus.archive): chunk sequences in the archive stream, and the digest of their concatenation. */
export type ArchiveRef = NonNullable<RunStatus["archive"]>;

/** Largest archive chunk (bytes): well under the default max_payload. */
export const ARCHIVE_CHUNK_BYTES = 256 * 1024;

const RUN_HEADER = "Cairn-Archive-Run";
const CHUNK_HEADER = "Cairn-Archive-Chunk";
const RECORD_HEADER = "Cairn-Archive-Record";

/** Thrown when an archive cannot be read back as written: a chunk missing, another run's, or the digest differs. */
export class ArchiveIntegrityError extends Error {
  override readonly name = "ArchiveIntegrityError";
  readonly retryable = false;
}

/** A run's log as archive bytes: one JSON line per message (sequence, subject, stream time, data in base64), in stream order. */
export function encodeArchive(entries: HistoryEntry[]): Uint8Array {
  const lines = entries.map((e) =>
    JSON.stringify({
      seq: e.seq,
      subject: e.subject,
      time: e.time,
      data: Buffer.from(e.data).toString("base64"),
      ...(e.reflected ? { reflected: true } : {}),
    }),
  );
  return new TextEncoder().encode(lines.join("\n") + (lines.length ? "\n" : ""));
}

export function decodeArchive(bytes: Uint8Array): HistoryEntry[] {
  const out: HistoryEntry[] = [];
  for (const line of new TextDecoder().decode(bytes).split("\n")) {
    if (!line) continue;
    const v = JSON.parse(line) as { seq: number; subject: string; time: string; data: string; reflected?: boolean };
    out.push({
      seq: v.seq,
      subject: v.subject,
      time: v.time,
      data: new Uint8Array(Buffer.from(v.data, "base64")),
      ...(v.reflected ? { reflected: true } : {}),
    });
  }
  return out;
}

const sha256 = (b: Uint8Array): string => createHash("sha256").update(b).digest("hex");

/**
 * Seals a run's log into the archive stream (admin: only admin may publish there): its messages,
 * encoded (encodeArchive), in chunks on the run's archive subject (Subjects.archive), then read
 * back and checked against the digest before the reference is returned. The caller records the
 * reference in the runs index, and only then removes the run from the runs stream.
 */
export async function writeArchive(
  js: JetStreamClient,
  jsm: JetStreamManager,
  subjects: Subjects,
  runId: string,
  entries: HistoryEntry[],
): Promise<ArchiveRef> {
  const bytes = encodeArchive(entries);
  const digest = sha256(bytes);
  const n = Math.max(1, Math.ceil(bytes.length / ARCHIVE_CHUNK_BYTES));
  const seqs: number[] = [];
  for (let i = 0; i < n; i++) {
    const h = natsHeaders();
    h.set(RUN_HEADER, runId);
    h.set(CHUNK_HEADER, `${i + 1}/${n} ${digest}`);
    const ack = await js.publish(
      subjects.archive(runId),
      bytes.subarray(i * ARCHIVE_CHUNK_BYTES, (i + 1) * ARCHIVE_CHUNK_BYTES),
      { headers: h },
    );
    if (ack.stream !== subjects.archiveStream)
      throw new ArchiveIntegrityError(
        `archive chunk of run ${runId} was stored in stream ${ack.stream}, not ${subjects.archiveStream}`,
      );
    seqs.push(ack.seq);
  }
  const ref: ArchiveRef = {
    seqs: seqs as ArchiveRef["seqs"],
    sha256: digest,
    bytes: bytes.length,
    messages: entries.length,
  };
  const back = await readArchive(jsm, subjects, runId, ref);
  if (back.length !== entries.length)
    throw new ArchiveIntegrityError(
      `archive of run ${runId} reads back ${back.length} messages, not ${entries.length}`,
    );
  return ref;
}

/**
 * An archived run's log (every message, in stream order), read by the sequences the runs index
 * recorded; each chunk must be the run's (its subject and header), not a reflected JetStream
 * response, and the whole must match the recorded digest.
 */
export async function readArchive(
  jsm: JetStreamManager,
  subjects: Subjects,
  runId: string,
  ref: ArchiveRef,
): Promise<HistoryEntry[]> {
  const parts: Uint8Array[] = [];
  for (const [i, seq] of ref.seqs.entries()) {
    const m = await jsm.direct.getMessage(subjects.archiveStream, { seq });
    if (!m)
      throw new ArchiveIntegrityError(
        `archive of run ${runId}: chunk ${i + 1} (sequence ${seq}) is missing from ${subjects.archiveStream}`,
      );
    if (m.subject !== subjects.archive(runId) || m.header?.get(RUN_HEADER) !== runId || isReflected(m.header, 1)) {
      throw new ArchiveIntegrityError(
        `archive of run ${runId}: sequence ${seq} of ${subjects.archiveStream} is not this run's archive`,
      );
    }
    parts.push(m.data);
  }
  const bytes = Buffer.concat(parts);
  if (bytes.length !== ref.bytes || sha256(bytes) !== ref.sha256)
    throw new ArchiveIntegrityError(
      `archive of run ${runId}: its ${bytes.length} bytes do not match the recorded digest`,
    );
  return decodeArchive(bytes);
}

/**
 * Moves an ended run's index record out of the runs index (where each run keeps two KV keys, and
 * nats-server per-subject state for each, for ever) into the archive, where nats-server keeps
 * state for a fixed number of subjects however many runs it holds:
 *
 * 1. the record (`status`: the run's final status, with `archivedAt` and `archive`, or `purgedAt`)
 *    is appended on Subjects.archivedRuns in the archive stream (the `list` walk reads these
 *    newest first);
 * 2. the run's directory page (Subjects.archivePageKey: one of 16,384 keys of the archive
 *    directory bucket) gets the record's sequence: a compare-and-set on the page's revision (the
 *    bucket keeps one version per page: nats-server drops the older one itself);
 * 3. the run's keys leave the runs index by a stream purge of each key's subject (a KV delete
 *    would leave a marker on the subject: the per-subject state this removes).
 *
 * Admin only (only admin may write the archive stream and the directory, and purge the runs
 * index's stream). Idempotent: a run already retired with this record is not recorded again. A
 * crash between the steps leaves the run readable where it was (findArchived reads the directory
 * only when the runs index has no record; `cairn index rebuild` finishes the move).
 */
export async function retireRun(
  js: JetStreamClient,
  jsm: JetStreamManager,
  subjects: Subjects,
  status: RunStatus,
): Promise<void> {
  // The directory page is read once: for the run's record now, and as the first version to write over.
  const known = await readPage(jsm, subjects, status.runId).catch(() => undefined);
  const at = known?.page[status.runId];
  const before = at === undefined ? undefined : await recordAt(jsm, subjects, status.runId, at).catch(() => undefined);
  if (!before || JSON.stringify(before) !== JSON.stringify(status)) {
    const h = natsHeaders();
    h.set(RECORD_HEADER, status.runId);
    const ack = await js.publish(subjects.archivedRuns(), encode(status), { headers: h });
    if (ack.stream !== subjects.archiveStream)
      throw new ArchiveIntegrityError(
        `the record of run ${status.runId} was stored in stream ${ack.stream}, not ${subjects.archiveStream}`,
      );
    await enterInDirectory(js, jsm, subjects, status.runId, ack.seq, false, known);
  }
  const kvStream = `KV_${subjects.runsBucket}`;
  for (const key of [status.runId, subjects.submissionKey(status.runId)])
    await jsm.streams.purge(kvStream, { filter: subjects.runsKey(key) });
}

/** A directory page as stored: run id → sequence of its record in the archive stream. */
type Page = Record<string, number>;

/** The run's directory page now (its entries and its revision, 0 when there is none). */
async function readPage(
  jsm: JetStreamManager,
  subjects: Subjects,
  runId: string,
): Promise<{ page: Page; seq: number }> {
  const subject = subjects.archivePage(runId);
  let m: StoredMsg | null;
  try {
    m = await jsm.direct.getMessage(`KV_${subjects.archiveBucket}`, { last_by_subj: subject });
  } catch (err) {
    // The directory bucket was never provisioned: nothing was archived with it.
    if (isMissingStream(err)) return { page: {}, seq: 0 };
    throw err;
  }
  if (!m) return { page: {}, seq: 0 };
  if (m.subject !== subject || !isKvValue(m))
    throw new ArchiveIntegrityError(
      `archive directory page ${subject} answered with another message (sequence ${m.seq})`,
    );
  let page: unknown;
  try {
    page = JSON.parse(new TextDecoder().decode(m.data));
  } catch {
    page = undefined;
  }
  if (!page || typeof page !== "object" || Array.isArray(page))
    throw new ArchiveIntegrityError(`archive directory page ${subject} (revision ${m.seq}) is not a page`);
  return { page: page as Page, seq: m.seq };
}

/** Points the run's directory entry at `recordSeq`; false when it pointed there already. `known`: the page as just read (a changed page is read again). */
async function enterInDirectory(
  js: JetStreamClient,
  jsm: JetStreamManager,
  subjects: Subjects,
  runId: string,
  recordSeq: number,
  replaceDamaged = false,
  known?: { page: Page; seq: number },
): Promise<boolean> {
  const subject = subjects.archivePage(runId);
  for (let attempt = 0; attempt < 8; attempt++) {
    const read = attempt === 0 && known ? Promise.resolve(known) : readPage(jsm, subjects, runId);
    const { page, seq } = await read.catch(async (err: unknown): Promise<{ page: Page; seq: number }> => {
      // A damaged page (rebuild only): start it afresh; the rebuild enters every run it held again.
      if (!replaceDamaged || !(err instanceof ArchiveIntegrityError)) throw err;
      const last = await jsm.direct.getMessage(`KV_${subjects.archiveBucket}`, { last_by_subj: subject });
      return { page: {}, seq: last?.seq ?? 0 };
    });
    if (page[runId] === recordSeq) return false;
    page[runId] = recordSeq;
    try {
      await js.publish(subject, new TextEncoder().encode(JSON.stringify(page)), {
        expect: { lastSubjectSequence: seq },
      });
      return true;
    } catch (err) {
      // Another archiver changed the page first: read it again.
      if (!isWrongLastSequence(err)) throw err;
    }
  }
  throw new Error(`archive directory page ${subject} kept changing under this write`);
}

/** A message of Subjects.archivedRuns as a run's record (undefined for anything else: a forgery cannot come from the archive, which only admin writes). */
export function archivedRecordOf(m: StoredMsg, subjects: Subjects): RunStatus | undefined {
  if (m.subject !== subjects.archivedRuns() || isReflected(m.header, 1)) return undefined;
  const runId = m.header?.get(RECORD_HEADER);
  const d = decode<RunStatus>("RunStatus", m.data);
  return d.ok && d.value.runId === runId ? d.value : undefined;
}

/**
 * The record of a run that left the runs index (retireRun): two Direct Gets, its directory page
 * and the record; undefined when the directory does not know the run.
 */
export async function findArchived(
  jsm: JetStreamManager,
  subjects: Subjects,
  runId: string,
): Promise<RunStatus | undefined> {
  const { page } = await readPage(jsm, subjects, runId);
  const seq = page[runId];
  return seq === undefined ? undefined : recordAt(jsm, subjects, runId, seq);
}

/** The run's record at `seq` of the archive stream, which its directory entry names. */
async function recordAt(jsm: JetStreamManager, subjects: Subjects, runId: string, seq: number): Promise<RunStatus> {
  const m = await jsm.direct.getMessage(subjects.archiveStream, { seq });
  const status = m ? archivedRecordOf(m, subjects) : undefined;
  if (!status || status.runId !== runId)
    throw new ArchiveIntegrityError(
      `archive directory: the record of run ${runId} (sequence ${seq}) is missing or another run's`,
    );
  return status;
}

/**
 * Writes the archive directory from the archive's run records (in stream order: a run retired
 * twice is found at its later record), after a directory page was lost or damaged. Returns how
 * many records there are and how many were entered anew.
 */
export async function rebuildArchiveDirectory(
  js: JetStreamClient,
  jsm: JetStreamManager,
  subjects: Subjects,
): Promise<{ records: number; entered: number }> {
  const out = { records: 0, entered: 0 };
  let seq = 1;
  for (;;) {
    const m = await jsm.direct.getMessage(subjects.archiveStream, { seq, next_by_subj: subjects.archivedRuns() });
    if (!m) return out;
    seq = m.seq + 1;
    const r = archivedRecordOf(m, subjects);
    if (!r) continue;
    out.records++;
    if (await enterInDirectory(js, jsm, subjects, r.runId, m.seq, true)) out.entered++;
  }
}
