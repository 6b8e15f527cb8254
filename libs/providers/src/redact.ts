/**
 * Keeping credentials out of provider errors (they are recorded in the run's log, which every
 * reader of the run sees). Three tools, used together by http.ts:
 *
 * - {@link secretRedactor}: removes a secret in its literal, URL-encoded, form-encoded, fully
 *   percent-encoded, JSON-escaped, hex and base64 (standard and URL-safe, at every byte
 *   alignment, so also inside e.g. `base64("user:" + key)`) forms, and any piece of 8 or more
 *   characters of any of those forms (a partial echo such as `sk-proj-abc…wxyz1234`),
 *   case-insensitively.
 * - {@link safeUrl}: a URL as it may be shown — scheme, host, port and path; never userinfo
 *   (`user:password@`), query string or fragment. {@link scrubText} does the same to every URL
 *   in a text and drops bare `user:password@` and `?name=value` pieces.
 * - {@link plainText} and {@link identifier}: the strict filters free text and error
 *   types/codes from a provider's body must pass to be quoted at all.
 *
 * Internal to this package.
 */

/** Pieces shorter than this are not redacted on their own (only a whole secret shorter than it is). */
export const MIN_PIECE = 8;
const REDACTED = "[redacted]";

function base64Forms(bytes: Buffer): string[] {
  const out: string[] = [];
  for (let pad = 0; pad < 3; pad++) {
    const b64 = Buffer.concat([Buffer.alloc(pad), bytes]).toString("base64");
    // Only the characters made of the secret's bits alone, whatever precedes or follows it.
    const from = Math.ceil((pad * 8) / 6);
    const to = Math.floor(((pad + bytes.length) * 8) / 6);
    const stable = b64.slice(from, to);
    if (stable.length > 0) out.push(stable, stable.replace(/\+/g, "-").replace(/\//g, "_"));
  }
  return out;
}

/** The forms a secret may take in an echo (see the module comment). */
export function secretForms(secret: string): string[] {
  const bytes = Buffer.from(secret, "utf8");
  const forms = new Set<string>([
    secret,
    encodeURIComponent(secret),
    new URLSearchParams({ k: secret }).toString().slice(2),
    [...bytes].map((b) => `%${b.toString(16).padStart(2, "0")}`).join(""),
    JSON.stringify(secret).slice(1, -1),
    bytes.toString("hex"),
    ...base64Forms(bytes),
  ]);
  return [...forms].filter((f) => f.length > 0);
}

/**
 * A function that replaces every occurrence of the secrets (in any form of {@link secretForms},
 * and every piece of {@link MIN_PIECE}+ characters of one) with "[redacted]". Secrets shorter than
 * 4 characters are ignored (redacting them would mangle ordinary text and protect nothing).
 */
export function secretRedactor(secrets: readonly (string | undefined)[]): (text: string) => string {
  const whole = new Set<string>();
  const pieces = new Set<string>();
  for (const secret of secrets) {
    if (secret === undefined || secret.length < 4) continue;
    for (const form of secretForms(secret)) {
      const f = form.toLowerCase();
      if (f.length < MIN_PIECE) {
        whole.add(f);
        continue;
      }
      for (let i = 0; i + MIN_PIECE <= f.length; i++) pieces.add(f.slice(i, i + MIN_PIECE));
    }
  }
  if (whole.size === 0 && pieces.size === 0) return (text) => text;
  const shortForms = [...whole].sort((a, b) => b.length - a.length);
  return (text: string): string => {
    const lower = text.toLowerCase();
    // Mark every character covered by a secret piece, then replace each covered run once.
    const hit = new Uint8Array(text.length);
    let any = false;
    for (let i = 0; i + MIN_PIECE <= lower.length; i++) {
      if (pieces.has(lower.slice(i, i + MIN_PIECE))) {
        hit.fill(1, i, i + MIN_PIECE);
        any = true;
      }
    }
    for (const f of shortForms) {
      for (let at = lower.indexOf(f); at !== -1; at = lower.indexOf(f, at + 1)) {
        hit.fill(1, at, at + f.length);
        any = true;
      }
    }
    if (!any) return text;
    let out = "";
    for (let i = 0; i < text.length;) {
      if (hit[i] === 1) {
        while (i < text.length && hit[i] === 1) i++;
        out += REDACTED;
      } else {
        const start = i;
        while (i < text.length && hit[i] !== 1) i++;
        out += text.slice(start, i);
      }
    }
    return out;
  };
}

/** The secrets a URL itself carries: its userinfo and every query parameter value. */
export function urlSecrets(raw: string): string[] {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return [];
  }
  const out: string[] = [];
  if (url.username) out.push(url.username, decodeURIComponent(url.username));
  if (url.password) out.push(url.password, decodeURIComponent(url.password));
  for (const v of url.searchParams.values()) out.push(v);
  // The raw values too: `+` and `%2B` read differently as form data and as URL text.
  for (const pair of url.search.slice(1).split("&")) {
    const raw = pair.slice(pair.indexOf("=") + 1);
    out.push(raw);
    try {
      out.push(decodeURIComponent(raw));
    } catch {
      // not percent-encoded text: the raw value is enough
    }
  }
  return [...new Set(out)].filter((s) => s.length > 0);
}

/** A URL as it may be shown: `scheme://host[:port]/path` — no userinfo, query or fragment. */
export function safeUrl(raw: string): string {
  try {
    const url = new URL(raw);
    return `${url.protocol}//${url.host}${url.pathname}`;
  } catch {
    return "[url]";
  }
}

/**
 * `text` with every `scheme://…` URL reduced to {@link safeUrl}, and bare `user:password@` and
 * `?name=value` / `&name=value` pieces removed.
 */
export function scrubText(text: string): string {
  return text
    .replace(/\b[a-z][a-z0-9+.-]*:\/\/[^\s"'<>`]*/gi, (u) => safeUrl(u))
    .replace(/[^\s/@:"'<>]+:[^\s/@"'<>]*@/g, "[redacted]@")
    .replace(/[?&][^\s=&?#"'<>]+=[^\s&#"'<>]*/g, "");
}

/** Words that, in a provider's message, announce a credential close by: such a message is never quoted. */
const CREDENTIAL_WORDS = /key|secret|passw|bearer|authoriz|credential|token|cookie|session|signature/i;

/**
 * A provider's free-text message, if it is plainly harmless: at most 200 characters of letters,
 * spaces and sentence punctuation — no digits, no URL, no quotes, no `=`, `/`, `%`, `*`, `@`,
 * `+` or `_` — with no word longer than 30 letters, no word that announces a credential (key,
 * token, secret, password, bearer, …), and nothing the redactor would touch. Anything else is
 * dropped entirely (undefined): the recorded error then carries only the status and the type.
 */
export function plainText(text: string | undefined, redact: (s: string) => string): string | undefined {
  if (text === undefined) return undefined;
  const t = text.replace(/\s+/g, " ").trim();
  if (t.length === 0 || t.length > 200) return undefined;
  if (!/^[A-Za-z][A-Za-z ,.;:!()'-]*$/.test(t)) return undefined;
  if (t.split(/[^A-Za-z]+/).some((w) => w.length > 30)) return undefined;
  if (CREDENTIAL_WORDS.test(t)) return undefined;
  if (redact(t) !== t) return undefined;
  return t;
}

/**
 * An error type or code from a provider's JSON (`rate_limit_error`, `insufficient_quota`, `429`):
 * a short identifier, or undefined. Never one the redactor would touch.
 */
export function identifier(v: unknown, redact: (s: string) => string): string | undefined {
  const s = typeof v === "number" && Number.isInteger(v) ? String(v) : typeof v === "string" ? v.trim() : undefined;
  if (s === undefined || !/^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/.test(s)) return undefined;
  if (redact(s) !== s) return undefined;
  return s;
}
