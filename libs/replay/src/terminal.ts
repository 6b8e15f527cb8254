/**
 * Text for a terminal, from sources Cairn does not control (a model's answer, a tool's output, a
 * task, tool-call arguments, error messages): every character a terminal may act on is shown
 * visibly escaped instead of being written raw, so a hostile run cannot clear an approver's
 * screen, retitle the window, move the cursor, overwrite a line with `\r` or backspaces, or
 * reorder what is shown with bidirectional overrides.
 *
 * Escaped: C0 controls U+0000–U+001F (ESC, BEL, CR, BS, …; newline and tab only when not kept),
 * DEL U+007F, C1 controls U+0080–U+009F (an 8-bit CSI is U+009B), the bidirectional embeddings,
 * overrides and isolates U+202A–U+202E and U+2066–U+2069, the marks U+200E, U+200F and U+061C,
 * and the line and paragraph separators U+2028 and U+2029. Everything else is kept as it is
 * (backslashes too: the escapes are for the eye, not to be decoded).
 */

export interface TerminalSafeOptions {
  /** Keep `\n` as a line break (answers); CRLF becomes a plain newline. Default: escaped as `\n`. */
  keepNewlines?: boolean;
  /** Keep `\t` (default: the same as `keepNewlines`). */
  keepTabs?: boolean;
  /**
   * How escapes look: "c" (default) `\x1b`, `\r`, `\u202e`; "json" the JSON escapes `\u001b`,
   * `\r`, `\u202e` — for JSON text (tool-call arguments, `--json` output) the result is still
   * JSON and decodes to the same value wherever the characters were inside strings.
   */
  style?: "c" | "json";
}

/** Whether a terminal may act on this UTF-16 code unit (see the module comment). */
export function isTerminalUnsafe(code: number): boolean {
  return (
    code < 0x20 ||
    (code >= 0x7f && code <= 0x9f) ||
    (code >= 0x202a && code <= 0x202e) ||
    (code >= 0x2066 && code <= 0x2069) ||
    code === 0x200e ||
    code === 0x200f ||
    code === 0x061c ||
    code === 0x2028 ||
    code === 0x2029
  );
}

const NAMED: Record<number, string> = { 0x0a: "\\n", 0x0d: "\\r", 0x09: "\\t" };
const JSON_NAMED: Record<number, string> = { 0x0a: "\\n", 0x0d: "\\r", 0x09: "\\t", 0x08: "\\b", 0x0c: "\\f" };

function escapeUnit(code: number, style: "c" | "json"): string {
  const named = (style === "json" ? JSON_NAMED : NAMED)[code];
  if (named !== undefined) return named;
  if (style === "c" && code < 0x100) return `\\x${code.toString(16).padStart(2, "0")}`;
  return `\\u${code.toString(16).padStart(4, "0")}`;
}

/** `text` with every character a terminal may act on shown escaped (see {@link TerminalSafeOptions}). */
export function terminalSafe(text: string, o: TerminalSafeOptions = {}): string {
  const keepNl = o.keepNewlines ?? false;
  const keepTab = o.keepTabs ?? keepNl;
  const style = o.style ?? "c";
  let out = "";
  let last = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (!isTerminalUnsafe(code)) continue;
    if ((code === 0x0a && keepNl) || (code === 0x09 && keepTab)) continue;
    out += text.slice(last, i);
    last = i + 1;
    // CRLF is a line break where line breaks are kept: drop the CR.
    if (code === 0x0d && keepNl && text.charCodeAt(i + 1) === 0x0a) continue;
    out += escapeUnit(code, style);
  }
  return last === 0 ? text : out + text.slice(last);
}

/**
 * One line: runs of whitespace (newlines, CRLF, tabs, …) collapsed to a space and trimmed, then
 * made safe. A carriage return not followed by a newline is kept, to be shown escaped (`\r`): it
 * is how text overwrites a line, and the reader should see that it is there.
 */
export function terminalLine(text: string, o: Pick<TerminalSafeOptions, "style"> = {}): string {
  return terminalSafe(
    text
      .replace(/\r\n/g, "\n")
      .replace(/[^\S\r]+/g, " ")
      .trim(),
    o,
  );
}

/**
 * Tool-call arguments (JSON text as the model sent it) for a terminal, on one line and
 * JSON-escaped: whitespace collapsed, any other control character as its JSON `\u` escape.
 */
export function terminalArgs(text: string): string {
  return terminalLine(text, { style: "json" });
}

/** `JSON.stringify(value)` with DEL, C1 and bidi controls escaped too (it escapes only C0): the same JSON value. */
export function terminalJson(value: unknown, space?: number): string {
  return terminalSafe(JSON.stringify(value, null, space) ?? "null", {
    style: "json",
    keepNewlines: space !== undefined && space > 0,
  });
}
