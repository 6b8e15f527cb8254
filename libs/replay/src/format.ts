import { runStepOf, Subjects, type HistoryEntry } from "@cairn/protocol";
import type { RunLog } from "./log.js";

/**
 * The export format (`cairn export <runId> > run.cairn.jsonl`): JSON Lines. The first line is a
 * header naming the format, prefix and run; then one line per log message, in stream order:
 *
 * ```
 * {"format":"cairn.run-log","v":1,"prefix":"cairn","runId":"r…","messages":21,"exportedAt":"…"}
 * {"seq":1,"subject":"cairn.run.r….evt.submitted","time":"2025-…Z","data":"<msgpack bytes, base64>"}
 * ```
 * Lossless: `data` holds the message's exact bytes, so an imported log replays, checks and forks
 * exactly as the stream does (`time` is the server timestamp at millisecond precision — the
 * precision every service reads, so decisions that use it replay equal).
 */
export const EXPORT_FORMAT = "cairn.run-log";

export interface ExportHeader {
  format: typeof EXPORT_FORMAT;
  v: 1;
  prefix: string;
  runId: string;
  /** Number of message lines that follow. */
  messages: number;
  exportedAt?: string;
}

/** One message line of an export. */
export interface ExportLine {
  seq: number;
  subject: string;
  time: string;
  /** The message bytes, base64. */
  data: string;
}

/** Thrown for a file that is not a Cairn run export; names the line. */
export class ExportFormatError extends Error {
  override readonly name = "ExportFormatError";
  constructor(
    message: string,
    readonly line: number,
  ) {
    super(message);
  }
}

/** The export of `log` as JSON Lines text (ends with a newline). */
export function exportRunLog(log: RunLog, opts: { exportedAt?: string } = {}): string {
  const header: ExportHeader = {
    format: EXPORT_FORMAT,
    v: 1,
    prefix: log.prefix,
    runId: log.runId,
    messages: log.entries.length,
    ...(opts.exportedAt ? { exportedAt: opts.exportedAt } : {}),
  };
  const lines = [JSON.stringify(header)];
  for (const e of log.entries) {
    const line: ExportLine = {
      seq: e.seq,
      subject: e.subject,
      time: e.time,
      data: Buffer.from(e.data).toString("base64"),
    };
    lines.push(JSON.stringify(line));
  }
  return lines.join("\n") + "\n";
}

/** `<prefix>.run.<runId>.(evt|cmd).…` → prefix and run id (for files without a header). */
function isLine(v: unknown): v is ExportLine {
  const o = v as Partial<ExportLine> | null;
  return (
    !!o &&
    typeof o === "object" &&
    Number.isInteger(o.seq) &&
    (o.seq ?? 0) > 0 &&
    typeof o.subject === "string" &&
    typeof o.time === "string" &&
    typeof o.data === "string"
  );
}

/**
 * Reads an export back. Accepts files without the header line (prefix and run id then come from
 * the subjects). Lines must be in ascending sequence, all of one run.
 */
export function parseRunExport(text: string): RunLog {
  const raw = text.split("\n");
  let header: ExportHeader | undefined;
  const entries: HistoryEntry[] = [];
  raw.forEach((l, i) => {
    const n = i + 1;
    if (!l.trim()) return;
    let v: unknown;
    try {
      v = JSON.parse(l);
    } catch (err) {
      throw new ExportFormatError(`line ${n} is not JSON: ${(err as Error).message}`, n);
    }
    const o = v as Partial<ExportHeader>;
    if (o && typeof o === "object" && "format" in o) {
      if (o.format !== EXPORT_FORMAT || o.v !== 1)
        throw new ExportFormatError(
          `line ${n}: not a Cairn run export (format ${JSON.stringify(o.format)} v${JSON.stringify(o.v)}; expected ${EXPORT_FORMAT} v1)`,
          n,
        );
      if (header || entries.length) throw new ExportFormatError(`line ${n}: a header must be the first line`, n);
      if (typeof o.prefix !== "string" || typeof o.runId !== "string")
        throw new ExportFormatError(`line ${n}: header without prefix or runId`, n);
      header = o as ExportHeader;
      return;
    }
    if (!isLine(v)) throw new ExportFormatError(`line ${n}: expected {seq, subject, time, data}`, n);
    const prev = entries[entries.length - 1];
    if (prev && v.seq <= prev.seq)
      throw new ExportFormatError(`line ${n}: sequence ${v.seq} after ${prev.seq} (lines must be in stream order)`, n);
    if (Number.isNaN(Date.parse(v.time)))
      throw new ExportFormatError(`line ${n}: time ${JSON.stringify(v.time)} is not a date`, n);
    entries.push({ seq: v.seq, subject: v.subject, time: v.time, data: new Uint8Array(Buffer.from(v.data, "base64")) });
  });
  const first = entries.find((e) => runStepOf(e.subject)?.kind === "submitted") ?? entries[0];
  const where = header ?? (first ? runStepOf(first.subject) : undefined);
  if (!where)
    throw new ExportFormatError(
      entries.length ? "cannot tell the run from the subjects; add the header line" : "no log messages in the file",
      1,
    );
  if (header && header.messages !== entries.length)
    throw new ExportFormatError(
      `the header says ${header.messages} messages, the file has ${entries.length} (truncated?)`,
      raw.length,
    );
  const head = new Subjects(where.prefix).runHead(where.runId);
  const stray = entries.find((e) => !e.subject.startsWith(head));
  if (stray) throw new ExportFormatError(`message seq ${stray.seq} (${stray.subject}) is not of run ${where.runId}`, 0);
  return { prefix: where.prefix, runId: where.runId, entries };
}
