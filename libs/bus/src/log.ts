import type { JetStreamManager, StoredMsg } from "@nats-io/jetstream";
import type { HistoryEntry, Subjects } from "@cairn/protocol";

/**
 * Headers JetStream puts on a message it hands out (a Direct Get answer, a republished copy). A
 * stored message that carries one of them was not written by a writer: it is a JetStream response
 * that someone's request named this subject as its reply ("reflected" — NATS checks permissions
 * on the subject a client publishes to, not on its reply subject). The fold rejects it.
 */
const JETSTREAM_HEADERS = ["Nats-Stream", "Nats-Sequence", "Nats-Subject", "Nats-Time-Stamp"];

/**
 * Whether a message's headers show it is a reflected JetStream response: `serverAdded` is how
 * many of each JetStream header the read itself adds (1 for a Direct Get answer, 0 for a delivery).
 */
export function isReflected(h: { values(k: string): string[] } | undefined, serverAdded: 0 | 1): boolean {
  return !!h && JETSTREAM_HEADERS.some((k) => h.values(k).length > serverAdded);
}

/** Turns a stored message read with Direct Get into a log entry (times normalised to ms ISO strings). */
export function toEntry(m: StoredMsg): HistoryEntry {
  const e: HistoryEntry = { seq: m.seq, subject: m.subject, data: m.data, time: new Date(m.time).toISOString() };
  if (isReflected(m.header, 1)) e.reflected = true;
  return e;
}

/**
 * A message the stream republished (its republish rule) as a log entry: the stream's sequence,
 * subject and timestamp come in its headers, the same ones a Direct Get answers with, so the entry
 * equals `toEntry` of a read. The server appends those headers after the stored message's own, so
 * a stored message that carried a header of the same name (a forgery: "I am sequence N of run X")
 * arrives with two values; such a message, one of another stream, or one with a header missing or
 * malformed gives undefined (the fold then reads the event from the stream). The data is copied:
 * the client hands it over as a view into the whole socket read.
 */
export function republishedEntry(
  stream: string,
  m: { data: Uint8Array; headers?: { values(k: string): string[] } | undefined },
): HistoryEntry | undefined {
  const h = m.headers;
  if (!h) return undefined;
  const one = (k: string): string | undefined => {
    const v = h.values(k);
    return v.length === 1 ? v[0] : undefined;
  };
  if (one("Nats-Stream") !== stream) return undefined;
  const seq = one("Nats-Sequence");
  const subject = one("Nats-Subject");
  const time = Date.parse(one("Nats-Time-Stamp") ?? "");
  if (seq === undefined || !/^[1-9]\d{0,15}$/.test(seq) || !subject || Number.isNaN(time)) return undefined;
  return { seq: Number(seq), subject, data: m.data.slice(), time: new Date(time).toISOString() };
}

/**
 * Reads messages of a subject filter in stream order with Direct Get (`next_by_subj`), from
 * `fromSeq` up to and including `toSeq`.
 */
export async function* readRange(
  jsm: JetStreamManager,
  stream: string,
  filter: string,
  fromSeq: number,
  toSeq = Number.MAX_SAFE_INTEGER,
): AsyncGenerator<HistoryEntry> {
  let seq = Math.max(1, fromSeq);
  while (seq <= toSeq) {
    const m = await jsm.direct.getMessage(stream, { seq, next_by_subj: filter });
    if (!m || m.seq > toSeq) return;
    yield toEntry(m);
    seq = m.seq + 1;
  }
}

/** Most messages one `multi_last` Direct Get answers: nats-server refuses more ("too many results", 413). */
export const MULTI_READ_MAX = 1024;

/**
 * Messages of one run's subjects (`filter` covers a single run: `<p>.run.<id>.>` or its events)
 * with a sequence in `[fromSeq, toSeq]`, in stream order.
 *
 * Every subject of a run holds one message (the stream keeps one per subject), so one Direct Get
 * `multi_last` request answers them all: nats-server finds them through its per-subject index, at
 * a cost that grows with the run, not with the stream. A `next_by_subj` read with a wildcard
 * instead walks the stream's messages one by one from `fromSeq` (`msgBlock.firstMatching`) until
 * the next match: with 300k messages stored, 36 ms to read a 10-message run against 0.55 ms (see
 * docs/decisions/scale.md). That walk is used only where it is short (`toSeq - fromSeq` within
 * `scanWindow`), or as the fallback when the run has more than 1,024 subjects, or the answer was
 * cut short, or the server has no batch Direct Get.
 */
export async function readRun(
  jsm: JetStreamManager,
  stream: string,
  filter: string,
  fromSeq = 1,
  toSeq = Number.MAX_SAFE_INTEGER,
  scanWindow = 0,
): Promise<HistoryEntry[]> {
  const out: HistoryEntry[] = [];
  if (toSeq < fromSeq) return out;
  if (toSeq - fromSeq >= scanWindow) {
    let complete = false;
    try {
      let pending = 0;
      for await (const m of await jsm.direct.getLastMessagesFor(stream, { multi_last: [filter] })) {
        pending = m.pending;
        if (m.seq >= fromSeq && m.seq <= toSeq) out.push(toEntry(m));
      }
      complete = pending <= 0;
    } catch (err) {
      if (!multiReadUnavailable(err)) throw err;
    }
    if (complete) return out.sort((a, b) => a.seq - b.seq);
    out.length = 0;
  }
  for await (const e of readRange(jsm, stream, filter, fromSeq, toSeq)) out.push(e);
  return out;
}

/** The server could not answer a `multi_last` read in one go (too many subjects), or has no batch Direct Get (before 2.11). */
function multiReadUnavailable(err: unknown): boolean {
  const e = err as { code?: unknown; message?: unknown };
  return e.code === 413 || (typeof e.message === "string" && /too many results|batch direct require/i.test(e.message));
}

/** One run's whole log (commands and events, or events only), in order. */
export async function readRunLog(
  jsm: JetStreamManager,
  subjects: Subjects,
  runId: string,
  opts: { eventsOnly?: boolean } = {},
): Promise<HistoryEntry[]> {
  return readRun(jsm, subjects.stream, opts.eventsOnly ? subjects.runEvents(runId) : subjects.run(runId));
}
