/**
 * Terminal-safety checks shared by the renderers' tests and the CLI attack tests.
 */

/** The raw characters a terminal acts on that `s` holds (`\n` and `\t` are allowed), as distinct code points. */
export function rawControls(s: string): string[] {
  const out = new Set<string>();
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    const bad =
      (c < 0x20 && c !== 0x0a && c !== 0x09) ||
      (c >= 0x7f && c <= 0x9f) ||
      c === 0x061c ||
      c === 0x200e ||
      c === 0x200f ||
      c === 0x2028 ||
      c === 0x2029 ||
      (c >= 0x202a && c <= 0x202e) ||
      (c >= 0x2066 && c <= 0x2069);
    if (bad) out.add(`U+${c.toString(16).padStart(4, "0")}`);
  }
  return [...out];
}

/** `s` without picocolors' own colour codes (SGR), so what is left can be checked for raw characters. */
export function withoutSgr(s: string): string {
  return s.replace(new RegExp(`${String.fromCharCode(27)}\\[[0-9;]*m`, "g"), "");
}
