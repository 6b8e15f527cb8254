import { RetryableError, TerminalError } from "@cairn/runtime";
import { defineTool } from "../define.js";
import type { ToolDefinition } from "../define.js";
import { abortError } from "./abort.js";

export interface HttpFetchArgs {
  url: string;
  method?: "GET" | "POST";
  body?: string;
  headers?: Record<string, string>;
}

const MAX_REDIRECTS = 5;

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
  if (!hostAllowed(url.hostname, allow)) {
    throw new TerminalError(`host "${url.hostname}" is not in the allowed hosts (${allow.join(", ")})`, { kind: "host_not_allowed" });
  }
  return url;
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

/** Reads at most `max` bytes of the body as UTF-8 text, then cancels the rest. */
async function readBody(res: Response, max: number): Promise<{ text: string; truncated: boolean }> {
  if (!res.body) return { text: "", truncated: false };
  const reader = res.body.getReader();
  const decoder = new TextDecoder("utf-8");
  let text = "";
  let size = 0;
  let truncated = false;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    const room = max - size;
    if (value.byteLength > room) {
      text += decoder.decode(value.subarray(0, room), { stream: true });
      size = max;
      truncated = true;
      await reader.cancel().catch(() => undefined);
      break;
    }
    text += decoder.decode(value, { stream: true });
    size += value.byteLength;
  }
  text += decoder.decode();
  return { text, truncated };
}

export function httpFetchTool(allowHosts: readonly string[], maxBodyBytes: number): ToolDefinition<HttpFetchArgs> {
  const allow = [...allowHosts];
  return defineTool<HttpFetchArgs>({
    name: "http_fetch",
    description:
      `Makes an HTTP(S) request and returns JSON {status, headers: {content-type}, body}; the body ` +
      `is decoded as UTF-8 text and truncated to ${maxBodyBytes} bytes. Only these hosts are allowed: ` +
      `${allow.join(", ")}. Redirects are followed only to allowed hosts. Non-2xx statuses are ` +
      `returned as results.`,
    input: {
      type: "object",
      properties: {
        url: { type: "string", minLength: 1, description: "Absolute http:// or https:// URL." },
        method: { type: "string", enum: ["GET", "POST"], default: "GET", description: "HTTP method (default GET)." },
        body: { type: "string", description: "Request body (POST only)." },
        headers: {
          type: "object",
          additionalProperties: { type: "string" },
          description: "Extra request headers.",
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
      const headers = new Headers();
      try {
        for (const [k, v] of Object.entries(args.headers ?? {})) headers.set(k, v);
      } catch (err) {
        throw new TerminalError(`invalid request header: ${err instanceof Error ? err.message : String(err)}`, {
          kind: "invalid_arguments",
        });
      }
      headers.set("Idempotency-Key", ctx.idempotencyKey);

      for (let hop = 0; ; hop++) {
        let res: Response;
        try {
          res = await fetch(url, { method, headers, body, redirect: "manual", signal: ctx.signal });
        } catch (err) {
          if (ctx.signal.aborted) throw abortError(ctx.signal, "http_fetch");
          throw new RetryableError(`request to ${url.origin} failed: ${describeFetchError(err)}`, { kind: "network", cause: err });
        }

        const location = res.headers.get("location");
        if (res.status >= 300 && res.status < 400 && location !== null && res.status !== 304) {
          await res.body?.cancel().catch(() => undefined);
          if (hop >= MAX_REDIRECTS) {
            throw new TerminalError(`too many redirects (more than ${MAX_REDIRECTS})`, { kind: "too_many_redirects" });
          }
          const next = checkUrl(new URL(location, url).href, allow);
          if (next.origin !== url.origin) {
            headers.delete("authorization");
            headers.delete("cookie");
          }
          // Like browsers: 303 always, and 301/302 after a POST, continue as GET without a body.
          if (res.status === 303 || ((res.status === 301 || res.status === 302) && method === "POST")) {
            method = "GET";
            body = undefined;
            headers.delete("content-type");
          }
          url = next;
          continue;
        }

        let read: { text: string; truncated: boolean };
        try {
          read = await readBody(res, maxBodyBytes);
        } catch (err) {
          if (ctx.signal.aborted) throw abortError(ctx.signal, "http_fetch");
          throw new RetryableError(`reading the response from ${url.origin} failed: ${describeFetchError(err)}`, {
            kind: "network",
            cause: err,
          });
        }
        if (res.status >= 500) {
          const ra = retryAfterMs(res.headers.get("retry-after"));
          throw new RetryableError(`server error ${res.status} from ${url.origin}: ${read.text.slice(0, 500)}`, {
            kind: "server_error",
            ...(ra === undefined ? {} : { retryAfterMs: ra }),
          });
        }
        return JSON.stringify({
          status: res.status,
          headers: { "content-type": res.headers.get("content-type") },
          body: read.text,
          ...(read.truncated ? { truncated: true } : {}),
        });
      }
    },
  });
}

/** fetch() reports "fetch failed" with the useful part in `cause`. */
function describeFetchError(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  const cause = err.cause;
  if (cause instanceof Error) return `${err.message}: ${cause.message}`;
  return err.message;
}
