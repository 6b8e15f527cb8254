import { terminalSafe } from "@cairn/replay";

/**
 * HTML that is safe to send as it is: built only by `html` (every interpolated value escaped) or
 * `trusted` (a constant of this package). A run's text — tasks, answers, model text, tool
 * arguments and output, names, reasons, error messages — is written by a model, a tool or a
 * caller, so it never reaches a page without going through `text`.
 */
export class Html {
  private constructor(readonly value: string) {}
  /** @internal */
  static of(value: string): Html {
    return new Html(value);
  }
  toString(): string {
    return this.value;
  }
}

const ENTITIES: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };

/**
 * A run's text for HTML, element content or a quoted attribute: control characters, bidirectional
 * overrides and line separators shown visibly escaped (`\x1b`, `\u202e`: @cairn/replay's
 * terminalSafe, the rule the CLI uses), then `& < > " '` as entities. `keepNewlines` keeps line
 * breaks and tabs (shown in a `pre-wrap` block).
 */
export function text(s: string, o: { keepNewlines?: boolean } = {}): string {
  return terminalSafe(s, { keepNewlines: o.keepNewlines ?? false }).replace(/[&<>"']/g, (c) => ENTITIES[c]!);
}

/** A constant of this package (markup, CSS class names), never a run's text. */
export function trusted(markup: string): Html {
  return Html.of(markup);
}

type Value = Html | string | number | boolean | null | undefined | readonly Value[];

function part(v: Value): string {
  if (v === null || v === undefined || v === false) return "";
  if (v instanceof Html) return v.value;
  if (Array.isArray(v)) return (v as readonly Value[]).map(part).join("");
  return text(String(v));
}

/** A template of trusted markup whose every value is escaped (`Html` values and arrays of them are kept). */
export function html(strings: TemplateStringsArray, ...values: Value[]): Html {
  let out = strings[0]!;
  for (let i = 0; i < values.length; i++) out += part(values[i]) + strings[i + 1]!;
  return Html.of(out);
}

/** Multi-line run text (an answer, a tool's output): newlines kept, everything else as `text`. */
export function block(s: string): Html {
  return Html.of(text(s, { keepNewlines: true }));
}
