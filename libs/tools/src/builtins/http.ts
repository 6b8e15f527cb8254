import { lookup as dnsLookup } from "node:dns/promises";
import http from "node:http";
import https from "node:https";
import { BlockList, isIP, type LookupFunction } from "node:net";
import { pipeline, type Readable } from "node:stream";
import { createBrotliDecompress, createGunzip, createInflate } from "node:zlib";
import { RetryableError, TerminalError } from "@cairn/runtime";
import { defineTool } from "../define.js";
import type { ToolDefinition } from "../define.js";
import { abortError } from "./abort.js";
import { errnoCode } from "./workspace.js";

export interface HttpFetchArgs {
  url: string;
  method?: "GET" | "POST";
  body?: string;
  headers?: Record<string, string>;
}

/** One address a name resolved to. */
export interface ResolvedAddress {
  address: string;
  family: 4 | 6;
}

export interface HttpFetchOptions {
  /**
   * Addresses outside public unicast space that http_fetch may reach anyway: `true` for every
   * loopback, private, link-local and other special-purpose range (never the unspecified address,
   * multicast or broadcast), or a list of CIDRs (`127.0.0.1/32`, `10.0.0.0/8`, `::1/128`; a bare
   * address is a single host). Default: none (the tool-runner passes `CAIRN_HTTP_ALLOW_PRIVATE`).
   */
  allowPrivate?: boolean | readonly string[];
  /** Resolves a host name to all its addresses (default: `dns.lookup` with `all: true`). For tests. */
  resolve?: (hostname: string) => Promise<ResolvedAddress[]>;
}

const MAX_REDIRECTS = 5;
/** Longest content-type value returned (it is the server's text). */
const MAX_CONTENT_TYPE = 200;

// ---------------------------------------------------------------------------------------------
// Addresses

/**
 * Special-purpose ranges (IANA IPv4 and IPv6 Special-Purpose Address Registries): refused unless
 * allowed. `never` ranges are refused even with `allowPrivate: true` (only an explicit CIDR that
 * covers them lets them through).
 */
const RANGES: { net: string; prefix: number; type: "ipv4" | "ipv6"; what: string; never?: boolean }[] = [
  { net: "0.0.0.0", prefix: 8, type: "ipv4", what: 'unspecified ("this network")', never: true },
  { net: "10.0.0.0", prefix: 8, type: "ipv4", what: "private" },
  { net: "100.64.0.0", prefix: 10, type: "ipv4", what: "shared (carrier-grade NAT)" },
  { net: "127.0.0.0", prefix: 8, type: "ipv4", what: "loopback" },
  { net: "169.254.0.0", prefix: 16, type: "ipv4", what: "link-local (cloud metadata)" },
  { net: "172.16.0.0", prefix: 12, type: "ipv4", what: "private" },
  { net: "192.0.0.0", prefix: 24, type: "ipv4", what: "IETF protocol assignments" },
  { net: "192.0.2.0", prefix: 24, type: "ipv4", what: "documentation" },
  { net: "192.88.99.0", prefix: 24, type: "ipv4", what: "6to4 relay" },
  { net: "192.168.0.0", prefix: 16, type: "ipv4", what: "private" },
  { net: "198.18.0.0", prefix: 15, type: "ipv4", what: "benchmarking" },
  { net: "198.51.100.0", prefix: 24, type: "ipv4", what: "documentation" },
  { net: "203.0.113.0", prefix: 24, type: "ipv4", what: "documentation" },
  { net: "224.0.0.0", prefix: 4, type: "ipv4", what: "multicast", never: true },
  { net: "240.0.0.0", prefix: 4, type: "ipv4", what: "reserved / broadcast", never: true },
  { net: "::", prefix: 128, type: "ipv6", what: "unspecified", never: true },
  { net: "::1", prefix: 128, type: "ipv6", what: "loopback" },
  { net: "::", prefix: 96, type: "ipv6", what: "IPv4-compatible (deprecated)" },
  { net: "64:ff9b:1::", prefix: 48, type: "ipv6", what: "local-use NAT64" },
  { net: "100::", prefix: 64, type: "ipv6", what: "discard-only" },
  { net: "2001::", prefix: 23, type: "ipv6", what: "IETF protocol assignments (Teredo, …)" },
  { net: "2001:db8::", prefix: 32, type: "ipv6", what: "documentation" },
  { net: "2002::", prefix: 16, type: "ipv6", what: "6to4" },
  { net: "fc00::", prefix: 7, type: "ipv6", what: "unique local (private)" },
  { net: "fe80::", prefix: 10, type: "ipv6", what: "link-local" },
  { net: "fec0::", prefix: 10, type: "ipv6", what: "site-local (deprecated)" },
  { net: "ff00::", prefix: 8, type: "ipv6", what: "multicast", never: true },
];

/** The eight 16-bit groups of an IPv6 address (dotted IPv4 tail and zone id allowed), or undefined. */
function ipv6Groups(address: string): number[] | undefined {
  let a = address.split("%")[0]!;
  if (isIP(a) !== 6) return undefined;
  const dotted = /(\d+\.\d+\.\d+\.\d+)$/.exec(a);
  if (dotted) {
    const [b0, b1, b2, b3] = dotted[1]!.split(".").map(Number) as [number, number, number, number];
    a = `${a.slice(0, dotted.index)}${((b0 << 8) | b1).toString(16)}:${((b2 << 8) | b3).toString(16)}`;
  }
  const [head, tail] = a.includes("::") ? (a.split("::") as [string, string]) : [a, undefined];
  const h = head === "" ? [] : head.split(":");
  const t = tail === undefined || tail === "" ? [] : tail.split(":");
  const fill = tail === undefined ? [] : new Array<string>(8 - h.length - t.length).fill("0");
  const groups = [...h, ...fill, ...t].map((g) => parseInt(g, 16));
  return groups.length === 8 && groups.every((g) => Number.isInteger(g) && g >= 0 && g <= 0xffff) ? groups : undefined;
}

/**
 * The address an IPv6 address stands for when it embeds an IPv4 one (IPv4-mapped `::ffff:a.b.c.d`,
 * NAT64 `64:ff9b::a.b.c.d`): that IPv4 address; else the address itself, without a zone id.
 */
export function effectiveAddress(address: string): { address: string; type: "ipv4" | "ipv6" } {
  if (isIP(address) === 4) return { address, type: "ipv4" };
  const g = ipv6Groups(address);
  if (!g) return { address, type: "ipv6" };
  const mapped = g[0] === 0 && g[1] === 0 && g[2] === 0 && g[3] === 0 && g[4] === 0 && g[5] === 0xffff;
  const nat64 = g[0] === 0x64 && g[1] === 0xff9b && g[2] === 0 && g[3] === 0 && g[4] === 0 && g[5] === 0;
  if (mapped || nat64) return { address: `${g[6]! >> 8}.${g[6]! & 0xff}.${g[7]! >> 8}.${g[7]! & 0xff}`, type: "ipv4" };
  return { address: address.split("%")[0]!, type: "ipv6" };
}

/** What kind of special-purpose address this is ("loopback", "private", …), or undefined for a public one. */
export function specialAddress(address: string): { what: string; never: boolean } | undefined {
  const eff = effectiveAddress(address);
  // The most specific range wins (::/128 "unspecified" before ::/96).
  let best: (typeof RANGES)[number] | undefined;
  for (const r of RANGES) {
    if (r.type !== eff.type) continue;
    const one = new BlockList();
    one.addSubnet(r.net, r.prefix, r.type);
    if (one.check(eff.address, eff.type) && (!best || r.prefix > best.prefix)) best = r;
  }
  return best ? { what: best.what, never: best.never === true } : undefined;
}

/** The explicit allowance for special-purpose addresses: everything (`true`) or these CIDRs. */
export interface PrivateAllowance {
  all: boolean;
  list: BlockList;
  cidrs: string[];
}

/** Parses `allowPrivate` (a boolean or CIDR list) into a {@link PrivateAllowance}; throws on a bad CIDR. */
export function privateAllowance(allow: boolean | readonly string[] | undefined): PrivateAllowance {
  const list = new BlockList();
  if (allow === undefined || allow === false) return { all: false, list, cidrs: [] };
  if (allow === true) return { all: true, list, cidrs: [] };
  const cidrs: string[] = [];
  for (const raw of allow) {
    const item = raw.trim();
    if (item === "") continue;
    const [net, bits, extra] = item.split("/");
    const ip = isIP(net ?? "");
    const prefix = bits === undefined ? (ip === 4 ? 32 : 128) : /^\d{1,3}$/.test(bits) ? Number(bits) : NaN;
    if (ip === 0 || extra !== undefined || !(prefix >= 0 && prefix <= (ip === 4 ? 32 : 128))) {
      throw new Error(
        `CAIRN_HTTP_ALLOW_PRIVATE: "${item}" is not an address or CIDR (e.g. 127.0.0.1/32, 10.0.0.0/8, ::1/128)`,
      );
    }
    list.addSubnet(net!, prefix, ip === 4 ? "ipv4" : "ipv6");
    cidrs.push(item);
  }
  return { all: false, list, cidrs };
}

/** `CAIRN_HTTP_ALLOW_PRIVATE`: unset, "", "0" or "false" → none; "1", "true" or "all" → every special range; else a comma-separated CIDR list. */
export function parseAllowPrivate(value: string | undefined): boolean | string[] {
  const v = (value ?? "").trim();
  if (v === "" || v === "0" || v.toLowerCase() === "false") return false;
  if (v === "1" || ["true", "all"].includes(v.toLowerCase())) return true;
  return v
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);
}

/** Why `address` may not be reached under `allow`, or undefined when it may. */
export function addressRefusal(address: string, allow: PrivateAllowance): string | undefined {
  const special = specialAddress(address);
  if (!special) return undefined;
  const eff = effectiveAddress(address);
  if (
    allow.list.check(eff.address, eff.type) ||
    (eff.address !== address && isIP(address) === 6 && allow.list.check(address.split("%")[0]!, "ipv6"))
  )
    return undefined;
  if (allow.all && !special.never) return undefined;
  return special.what;
}

// ---------------------------------------------------------------------------------------------
// URLs and hosts

/** Hostname as compared against the allowlist: lower case, no IPv6 brackets, no trailing dot. */
function normaliseHost(host: string): string {
  let h = host.trim().toLowerCase();
  if (h.startsWith("[") && h.endsWith("]")) h = h.slice(1, -1);
  if (h.endsWith(".")) h = h.slice(0, -1);
  return h;
}

/** Exact hostname, or "*.example.com" for any subdomain of example.com (not example.com itself). */
export function hostAllowed(hostname: string, allow: readonly string[]): boolean {
  const host = normaliseHost(hostname);
  return allow.some((pattern) => {
    const p = normaliseHost(pattern);
    if (p.startsWith("*.")) return host.endsWith(p.slice(1)) && host.length > p.length - 1;
    return host === p;
  });
}

function checkUrl(raw: string, allow: readonly string[]): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new TerminalError(`invalid URL: ${raw}`, { kind: "invalid_url" });
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw new TerminalError(`unsupported URL scheme "${url.protocol}" (only http and https)`, { kind: "invalid_url" });
  }
  if (url.username !== "" || url.password !== "") {
    throw new TerminalError("URLs with credentials (user:password@) are not supported: send an Authorization header", {
      kind: "invalid_url",
    });
  }
  if (!hostAllowed(url.hostname, allow)) {
    throw new TerminalError(`host "${url.hostname}" is not in the allowed hosts (${allow.join(", ")})`, {
      kind: "host_not_allowed",
    });
  }
  return url;
}

async function defaultResolve(hostname: string): Promise<ResolvedAddress[]> {
  const all = await dnsLookup(hostname, { all: true, verbatim: true });
  return all.map((a) => ({ address: a.address, family: a.family === 6 ? 6 : 4 }));
}

/**
 * Every address the URL's host stands for, each checked: a literal address as it is, a name
 * resolved once (all its addresses). Any address that may not be reached refuses the whole host
 * (a name with one private answer is refused, whatever else it answers).
 */
async function checkedAddresses(
  url: URL,
  allow: PrivateAllowance,
  resolve: (h: string) => Promise<ResolvedAddress[]>,
  signal: AbortSignal,
): Promise<ResolvedAddress[]> {
  const host = normaliseHost(url.hostname);
  let addresses: ResolvedAddress[];
  const literal = isIP(host);
  if (literal !== 0) addresses = [{ address: host, family: literal === 6 ? 6 : 4 }];
  else {
    try {
      addresses = await resolve(host);
    } catch (err) {
      if (signal.aborted) throw abortError(signal, "http_fetch");
      const code = err instanceof Error && "code" in err ? String((err as { code: unknown }).code) : "";
      throw new RetryableError(`could not resolve "${host}"${code ? ` (${code})` : ""}`, {
        kind: "network",
        cause: err,
      });
    }
    if (addresses.length === 0) throw new RetryableError(`"${host}" resolved to no address`, { kind: "network" });
  }
  for (const a of addresses) {
    const why = addressRefusal(a.address, allow);
    if (why !== undefined) {
      const hint =
        allow.all || allow.cidrs.length > 0
          ? "not covered by CAIRN_HTTP_ALLOW_PRIVATE"
          : "allow it explicitly with CAIRN_HTTP_ALLOW_PRIVATE";
      throw new TerminalError(
        `host "${host}" ${literal ? "is" : "resolves to"} ${a.address}, a ${why} address, which http_fetch does not reach (${hint})`,
        { kind: "address_not_allowed" },
      );
    }
  }
  return addresses;
}

/** A `lookup` for the socket that answers with the already-checked addresses only: no second DNS answer. */
function pinnedLookup(addresses: ResolvedAddress[]): LookupFunction {
  return ((_hostname: string, options: { all?: boolean }, callback: (...args: unknown[]) => void) => {
    if (options?.all)
      callback(
        null,
        addresses.map((a) => ({ address: a.address, family: a.family })),
      );
    else callback(null, addresses[0]!.address, addresses[0]!.family);
  }) as unknown as LookupFunction;
}

// ---------------------------------------------------------------------------------------------
// Requests

/** Headers a caller may not set: they would change how the request is framed or where it goes. */
const FORBIDDEN_HEADERS = new Set([
  "host",
  "connection",
  "content-length",
  "transfer-encoding",
  "te",
  "trailer",
  "upgrade",
  "keep-alive",
  "expect",
  "proxy-authorization",
  "proxy-connection",
]);

interface Response {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Readable;
  /** Drops the rest of the response. */
  discard(): void;
}

function send(
  url: URL,
  method: string,
  headers: Record<string, string>,
  body: string | undefined,
  addresses: ResolvedAddress[],
  signal: AbortSignal,
): Promise<Response> {
  const mod = url.protocol === "https:" ? https : http;
  return new Promise<Response>((resolve, reject) => {
    const req = mod.request(
      {
        protocol: url.protocol,
        hostname: normaliseHost(url.hostname),
        port: url.port === "" ? undefined : Number(url.port),
        path: `${url.pathname}${url.search}`,
        method,
        headers,
        // The connection goes to an address checked above, never to a fresh DNS answer; no pooled
        // sockets (an agent of its own per request).
        lookup: pinnedLookup(addresses),
        agent: false,
        signal,
        ...(url.protocol === "https:"
          ? { servername: isIP(normaliseHost(url.hostname)) ? undefined : normaliseHost(url.hostname) }
          : {}),
      },
      (res) => {
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: res, discard: () => res.destroy() });
      },
    );
    req.on("error", reject);
    req.end(body);
  });
}

/** The body, decompressed when the server compressed it anyway (errors of either side end both). */
function decoded(res: Response): Readable {
  const enc = String(res.headers["content-encoding"] ?? "")
    .trim()
    .toLowerCase();
  const unzip =
    enc === "gzip" || enc === "x-gzip"
      ? createGunzip()
      : enc === "deflate"
        ? createInflate()
        : enc === "br"
          ? createBrotliDecompress()
          : undefined;
  return unzip ? pipeline(res.body, unzip, () => undefined) : res.body;
}

/** Reads at most `max` bytes of the (decoded) body as UTF-8 text, then drops the rest. */
async function readBody(res: Response, max: number): Promise<{ text: string; truncated: boolean }> {
  const stream = decoded(res);
  const decoder = new TextDecoder("utf-8");
  let text = "";
  let size = 0;
  let truncated = false;
  try {
    for await (const chunk of stream) {
      const value = chunk as Buffer;
      const room = max - size;
      if (value.byteLength > room) {
        text += decoder.decode(value.subarray(0, room), { stream: true });
        size = max;
        truncated = true;
        break;
      }
      text += decoder.decode(value, { stream: true });
      size += value.byteLength;
    }
  } finally {
    res.discard();
    if (stream !== res.body) stream.destroy();
  }
  text += decoder.decode();
  return { text, truncated };
}

/** Bytes of `s` as JSON.stringify writes it inside a string literal, UTF-8 (without the quotes). */
function jsonCost(s: string, i: number): { bytes: number; units: number } {
  const c = s.charCodeAt(i);
  if (c === 0x22 || c === 0x5c) return { bytes: 2, units: 1 }; // \" \\
  if (c === 0x08 || c === 0x09 || c === 0x0a || c === 0x0c || c === 0x0d) return { bytes: 2, units: 1 };
  if (c < 0x20) return { bytes: 6, units: 1 }; // \u00XX
  if (c < 0x80) return { bytes: 1, units: 1 };
  if (c < 0x800) return { bytes: 2, units: 1 };
  if (c >= 0xd800 && c <= 0xdbff) {
    const d = s.charCodeAt(i + 1);
    if (d >= 0xdc00 && d <= 0xdfff) return { bytes: 4, units: 2 };
    return { bytes: 6, units: 1 }; // a lone surrogate: \udXXX
  }
  if (c >= 0xdc00 && c <= 0xdfff) return { bytes: 6, units: 1 };
  return { bytes: 3, units: 1 };
}

/**
 * The tool's result — `{status, headers: {content-type}, body[, truncated]}` as JSON — at most
 * `max` bytes as recorded (UTF-8, after JSON escaping: a body of quotes, backslashes or control
 * characters grows up to 6x when escaped): the body is cut to fit, and `truncated` says so.
 */
export function encodeResult(
  status: number,
  contentType: string | null,
  body: string,
  truncated: boolean,
  max: number,
): string {
  const headers = { "content-type": contentType };
  const full = JSON.stringify({ status, headers, body, ...(truncated ? { truncated: true } : {}) });
  if (Buffer.byteLength(full, "utf8") <= max) return full;
  const envelope = Buffer.byteLength(JSON.stringify({ status, headers, body: "", truncated: true }), "utf8");
  const room = Math.max(0, max - envelope);
  let used = 0;
  let end = 0;
  while (end < body.length) {
    const { bytes, units } = jsonCost(body, end);
    if (used + bytes > room) break;
    used += bytes;
    end += units;
  }
  return JSON.stringify({ status, headers, body: body.slice(0, end), truncated: true });
}

function headerValue(v: string | string[] | undefined): string | null {
  if (v === undefined) return null;
  return Array.isArray(v) ? v.join(", ") : v;
}

/** The content-type returned to the model: the server's text, at most 200 characters. */
function contentTypeOf(res: Response): string | null {
  const s = headerValue(res.headers["content-type"]);
  return s !== null && s.length > MAX_CONTENT_TYPE ? s.slice(0, MAX_CONTENT_TYPE) : s;
}

/** Retry-After as milliseconds (delta-seconds or HTTP date), if present and sensible. */
function retryAfterMs(value: string | null): number | undefined {
  if (!value) return undefined;
  const secs = Number(value);
  if (Number.isFinite(secs) && secs >= 0) return secs * 1000;
  const at = Date.parse(value);
  if (Number.isFinite(at)) return Math.max(0, at - Date.now());
  return undefined;
}

/** The socket or request error, for a message. */
function describeError(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  const code = errnoCode(err);
  const cause = err.cause instanceof Error ? `: ${err.cause.message}` : "";
  return `${err.message}${cause}${code && !err.message.includes(code) ? ` (${code})` : ""}`;
}

/**
 * `http_fetch`: an HTTP(S) GET or POST to an allowed host.
 *
 * - The host must be in `allowHosts` (by name, or `*.suffix`), and every address it resolves to
 *   (one `dns.lookup` of all addresses per hop) must be public unicast space — loopback,
 *   private, link-local, CGNAT, unique-local, multicast, unspecified and the other
 *   special-purpose ranges are refused (kind `address_not_allowed`) unless `allowPrivate` (env
 *   `CAIRN_HTTP_ALLOW_PRIVATE`) allows them. The socket connects to those checked addresses
 *   (a `lookup` that answers with them), never to a second DNS answer: no DNS rebinding.
 * - Redirects are followed by hand, at most 5, each hop checked again (host and addresses);
 *   a hop to another origin (scheme, host or port) drops every header the caller supplied.
 * - The result, as recorded (JSON, UTF-8), is at most `maxBodyBytes` bytes: the body is cut so
 *   the ENCODED result fits, with `truncated: true`.
 */
export function httpFetchTool(
  allowHosts: readonly string[],
  maxBodyBytes: number,
  opts: HttpFetchOptions = {},
): ToolDefinition<HttpFetchArgs> {
  const allow = [...allowHosts];
  const allowance = privateAllowance(opts.allowPrivate);
  const resolve = opts.resolve ?? defaultResolve;
  return defineTool<HttpFetchArgs>({
    name: "http_fetch",
    description:
      `Makes an HTTP(S) request and returns JSON {status, headers: {content-type}, body}; the body ` +
      `is decoded as UTF-8 text and cut so that the whole JSON result is at most ${maxBodyBytes} bytes ` +
      `("truncated": true when cut). Only these hosts are allowed: ${allow.join(", ")}` +
      `${allowance.all || allowance.cidrs.length ? "" : " (and only at public addresses)"}. Redirects are followed ` +
      `only to allowed hosts; your headers are not sent to another origin. Non-2xx statuses are returned as results.`,
    input: {
      type: "object",
      properties: {
        url: { type: "string", minLength: 1, description: "Absolute http:// or https:// URL." },
        method: { type: "string", enum: ["GET", "POST"], default: "GET", description: "HTTP method (default GET)." },
        body: { type: "string", description: "Request body (POST only)." },
        headers: {
          type: "object",
          additionalProperties: { type: "string" },
          description: "Extra request headers (not Host, Content-Length, Connection and the like).",
        },
      },
      required: ["url"],
      additionalProperties: false,
    },
    async run(args, ctx) {
      let method = args.method ?? "GET";
      let body = args.body;
      if (body !== undefined && method !== "POST") {
        throw new TerminalError("a body can only be sent with POST", { kind: "invalid_arguments" });
      }
      let url = checkUrl(args.url, allow);
      // The caller's headers, validated as fetch would; dropped on a hop to another origin.
      let callerHeaders = new Headers();
      try {
        for (const [k, v] of Object.entries(args.headers ?? {})) {
          if (FORBIDDEN_HEADERS.has(k.trim().toLowerCase())) throw new Error(`"${k}" may not be set`);
          callerHeaders.set(k, v);
        }
      } catch (err) {
        throw new TerminalError(`invalid request header: ${err instanceof Error ? err.message : String(err)}`, {
          kind: "invalid_arguments",
        });
      }

      for (let hop = 0; ; hop++) {
        const addresses = await checkedAddresses(url, allowance, resolve, ctx.signal);
        const headers: Record<string, string> = {};
        callerHeaders.forEach((v, k) => (headers[k] = v));
        headers["idempotency-key"] = ctx.idempotencyKey;
        headers["accept-encoding"] = "identity";
        headers["user-agent"] ??= "cairn-http_fetch";
        if (body !== undefined) {
          headers["content-type"] ??= "text/plain;charset=UTF-8";
          headers["content-length"] = String(Buffer.byteLength(body, "utf8"));
        }

        let res: Response;
        try {
          res = await send(url, method, headers, body, addresses, ctx.signal);
        } catch (err) {
          if (ctx.signal.aborted) throw abortError(ctx.signal, "http_fetch");
          throw new RetryableError(`request to ${url.origin} failed: ${describeError(err)}`, {
            kind: "network",
            cause: err,
          });
        }

        const location = headerValue(res.headers.location);
        if (res.status >= 300 && res.status < 400 && location !== null && res.status !== 304) {
          res.discard();
          if (hop >= MAX_REDIRECTS) {
            throw new TerminalError(`too many redirects (more than ${MAX_REDIRECTS})`, { kind: "too_many_redirects" });
          }
          let target: string;
          try {
            target = new URL(location, url).href;
          } catch {
            throw new TerminalError(`redirect to an invalid URL from ${url.origin}`, { kind: "invalid_url" });
          }
          const next = checkUrl(target, allow);
          if (next.origin !== url.origin) callerHeaders = new Headers();
          // Like browsers: 303 always, and 301/302 after a POST, continue as GET without a body.
          if (res.status === 303 || ((res.status === 301 || res.status === 302) && method === "POST")) {
            method = "GET";
            body = undefined;
            callerHeaders.delete("content-type");
          }
          url = next;
          continue;
        }

        let read: { text: string; truncated: boolean };
        try {
          read = await readBody(res, maxBodyBytes);
        } catch (err) {
          if (ctx.signal.aborted) throw abortError(ctx.signal, "http_fetch");
          throw new RetryableError(`reading the response from ${url.origin} failed: ${describeError(err)}`, {
            kind: "network",
            cause: err,
          });
        }
        if (res.status >= 500) {
          const ra = retryAfterMs(headerValue(res.headers["retry-after"]));
          throw new RetryableError(`server error ${res.status} from ${url.origin}: ${read.text.slice(0, 500)}`, {
            kind: "server_error",
            ...(ra === undefined ? {} : { retryAfterMs: ra }),
          });
        }
        return encodeResult(res.status, contentTypeOf(res), read.text, read.truncated, maxBodyBytes);
      }
    },
  });
}
