import { createHash } from "node:crypto";
import { headers as natsHeaders } from "@nats-io/transport-node";
import type { JetStreamClient, JetStreamManager } from "@nats-io/jetstream";
import type { RunStatus, Subjects } from "@cairn/protocol";
import type { HistoryEntry } from "@cairn/runtime";
import { isReflected } from "./history.js";

/** Where an archived run's log is (RunStatus.archive): chunk sequences in the archive stream, and the digest of their concatenation. */
export type ArchiveRef = NonNullable<RunStatus["archive"]>;

/** Largest archive chunk (bytes): well under the default max_payload. */
export const ARCHIVE_CHUNK_BYTES = 256 * 1024;

const RUN_HEADER = "Cairn-Archive-Run";
const CHUNK_HEADER = "Cairn-Archive-Chunk";

/** Thrown when an archive cannot be read back as written: a chunk missing, another run's, or the digest differs. */
export class ArchiveIntegrityError extends Error {
  override readonly name = "ArchiveIntegrityError";
  readonly retryable = false;
}

/** A run's log as archive bytes: one JSON line per message (sequence, subject, stream time, data in base64), in stream order. */
export function encodeArchive(entries: HistoryEntry[]): Uint8Array {
  const lines = entries.map((e) => JSON.stringify({ seq: e.seq, subject: e.subject, time: e.time, data: Buffer.from(e.data).toString("base64"), ...(e.reflected ? { reflected: true } : {}) }));
  return new TextEncoder().encode(lines.join("\n") + (lines.length ? "\n" : ""));
}

export function decodeArchive(bytes: Uint8Array): HistoryEntry[] {
  const out: HistoryEntry[] = [];
  for (const line of new TextDecoder().decode(bytes).split("\n")) {
    if (!line) continue;
    const v = JSON.parse(line) as { seq: number; subject: string; time: string; data: string; reflected?: boolean };
    out.push({ seq: v.seq, subject: v.subject, time: v.time, data: new Uint8Array(Buffer.from(v.data, "base64")), ...(v.reflected ? { reflected: true } : {}) });
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
export async function writeArchive(js: JetStreamClient, jsm: JetStreamManager, subjects: Subjects, runId: string, entries: HistoryEntry[]): Promise<ArchiveRef> {
  const bytes = encodeArchive(entries);
  const digest = sha256(bytes);
  const n = Math.max(1, Math.ceil(bytes.length / ARCHIVE_CHUNK_BYTES));
  const seqs: number[] = [];
  for (let i = 0; i < n; i++) {
    const h = natsHeaders();
    h.set(RUN_HEADER, runId);
    h.set(CHUNK_HEADER, `${i + 1}/${n} ${digest}`);
    const ack = await js.publish(subjects.archive(runId), bytes.subarray(i * ARCHIVE_CHUNK_BYTES, (i + 1) * ARCHIVE_CHUNK_BYTES), { headers: h });
    if (ack.stream !== subjects.archiveStream) throw new ArchiveIntegrityError(`archive chunk of run ${runId} was stored in stream ${ack.stream}, not ${subjects.archiveStream}`);
    seqs.push(ack.seq);
  }
  const ref: ArchiveRef = { seqs: seqs as ArchiveRef["seqs"], sha256: digest, bytes: bytes.length, messages: entries.length };
  const back = await readArchive(jsm, subjects, runId, ref);
  if (back.length !== entries.length) throw new ArchiveIntegrityError(`archive of run ${runId} reads back ${back.length} messages, not ${entries.length}`);
  return ref;
}

/**
 * An archived run's log (every message, in stream order), read by the sequences the runs index
 * recorded; each chunk must be the run's (its subject and header), not a reflected JetStream
 * response, and the whole must match the recorded digest.
 */
export async function readArchive(jsm: JetStreamManager, subjects: Subjects, runId: string, ref: ArchiveRef): Promise<HistoryEntry[]> {
  const parts: Uint8Array[] = [];
  for (const [i, seq] of ref.seqs.entries()) {
    const m = await jsm.direct.getMessage(subjects.archiveStream, { seq });
    if (!m) throw new ArchiveIntegrityError(`archive of run ${runId}: chunk ${i + 1} (sequence ${seq}) is missing from ${subjects.archiveStream}`);
    if (m.subject !== subjects.archive(runId) || m.header?.get(RUN_HEADER) !== runId || isReflected(m.header, 1)) {
      throw new ArchiveIntegrityError(`archive of run ${runId}: sequence ${seq} of ${subjects.archiveStream} is not this run's archive`);
    }
    parts.push(m.data);
  }
  const bytes = Buffer.concat(parts);
  if (bytes.length !== ref.bytes || sha256(bytes) !== ref.sha256) throw new ArchiveIntegrityError(`archive of run ${runId}: its ${bytes.length} bytes do not match the recorded digest`);
  return decodeArchive(bytes);
}
