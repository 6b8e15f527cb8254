/**
 * A small Server-Sent Events parser (the `text/event-stream` format of the WHATWG HTML standard,
 * "Parsing an event stream"), fed with decoded text in chunks of any size.
 *
 * - Lines end with CRLF, LF or CR; a CR at the end of a chunk waits for the next chunk, so a CRLF
 *   split across two chunks is one line break.
 * - `field: value` (one space after the colon dropped), `field:value`, or `field` alone (empty
 *   value); lines starting with `:` are comments; unknown fields are ignored.
 * - `data` lines accumulate, joined with "\n"; a blank line dispatches the event if it has data.
 * - A leading byte order mark is dropped.
 * - At the end of the stream an event that was not closed by a blank line is discarded, as the
 *   standard says: a stream cut off in the middle of an event never yields half an event.
 *
 * Internal to this package.
 */
export interface SseEvent {
  /** The `event` field, or "message" when none was given. */
  event: string;
  data: string;
  /** The last `id` field seen so far in the stream, if any. */
  id?: string;
}

export class SseParser {
  private buffer = "";
  private started = false;
  private data: string[] = [];
  private hasData = false;
  private eventType = "";
  private lastId: string | undefined;

  constructor(private readonly onEvent: (event: SseEvent) => void) {}

  /** Feeds the next piece of text. */
  push(text: string): void {
    if (!this.started) {
      if (text === "") return;
      this.started = true;
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    }
    this.buffer += text;
    this.drain(false);
  }

  /** The stream ended: a trailing CR still ends its line; an unterminated event is discarded. */
  end(): void {
    this.drain(true);
    this.buffer = "";
    this.data = [];
    this.hasData = false;
    this.eventType = "";
  }

  private drain(final: boolean): void {
    const buf = this.buffer;
    const re = /\r\n|\r|\n/g;
    let pos = 0;
    let m: RegExpExecArray | null;
    while ((m = re.exec(buf)) !== null) {
      // A CR as the very last character may be the first half of a CRLF: wait for more text.
      if (!final && m[0] === "\r" && m.index === buf.length - 1) break;
      const line = buf.slice(pos, m.index);
      pos = m.index + m[0].length;
      // Keep the unread rest before dispatching, so a throwing handler leaves a sane state.
      this.buffer = buf.slice(pos);
      this.line(line);
    }
    this.buffer = buf.slice(pos);
  }

  private line(line: string): void {
    if (line === "") {
      this.dispatch();
      return;
    }
    if (line.startsWith(":")) return;
    const colon = line.indexOf(":");
    let field: string;
    let value: string;
    if (colon === -1) {
      field = line;
      value = "";
    } else {
      field = line.slice(0, colon);
      value = line.slice(colon + 1);
      if (value.startsWith(" ")) value = value.slice(1);
    }
    switch (field) {
      case "data":
        this.data.push(value);
        this.hasData = true;
        break;
      case "event":
        this.eventType = value;
        break;
      case "id":
        if (!value.includes("\0")) this.lastId = value;
        break;
      default:
        // "retry" and unknown fields: nothing to do for a one-shot request.
        break;
    }
  }

  private dispatch(): void {
    const hasData = this.hasData;
    const data = this.data.join("\n");
    const event = this.eventType === "" ? "message" : this.eventType;
    this.data = [];
    this.hasData = false;
    this.eventType = "";
    if (!hasData) return;
    const ev: SseEvent = { event, data };
    if (this.lastId !== undefined) ev.id = this.lastId;
    this.onEvent(ev);
  }
}
