import { describe, it, expect } from "vitest";
import { SseParser, type SseEvent } from "./sse.js";

function parse(chunks: string[]): SseEvent[] {
  const out: SseEvent[] = [];
  const p = new SseParser((e) => out.push(e));
  for (const c of chunks) p.push(c);
  p.end();
  return out;
}

describe("SseParser", () => {
  it("parses data lines, event names, comments and multi-line data", () => {
    const text =
      ": a comment\nevent: ping\ndata: {}\n\ndata: first\ndata:second\n\ndata\n\nid: 7\nretry: 10\nfoo: bar\ndata: x\n\n";
    expect(parse([text])).toEqual([
      { event: "ping", data: "{}" },
      { event: "message", data: "first\nsecond" },
      { event: "message", data: "" },
      { event: "message", data: "x", id: "7" },
    ]);
  });

  it("gives the same events however the text is split, with LF, CRLF and CR line ends", () => {
    for (const eol of ["\n", "\r\n", "\r"]) {
      const text = `event: a${eol}data: one${eol}${eol}data:  two spaces${eol}${eol}: c${eol}data: three${eol}${eol}`;
      const want = [
        { event: "a", data: "one" },
        { event: "message", data: " two spaces" },
        { event: "message", data: "three" },
      ];
      expect(parse([text])).toEqual(want);
      // Every split into two pieces, and one character at a time (a CRLF split across chunks).
      for (let i = 1; i < text.length; i++) expect(parse([text.slice(0, i), text.slice(i)])).toEqual(want);
      expect(parse([...text])).toEqual(want);
    }
  });

  it("drops a byte order mark and events without data; a blank line alone dispatches nothing", () => {
    expect(parse(["\uFEFFdata: a\n\n", "event: empty\n\n", "\n\n"])).toEqual([{ event: "message", data: "a" }]);
  });

  it("discards an event cut off before its blank line", () => {
    expect(parse(['data: {"a":1}\n\ndata: {"b":'])).toEqual([{ event: "message", data: '{"a":1}' }]);
    expect(parse(["data: done\n"])).toEqual([]);
    // A final CR still ends its line at the end of the stream.
    expect(parse(["data: done\r\r"])).toEqual([{ event: "message", data: "done" }]);
  });
});
