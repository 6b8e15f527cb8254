import { describe, it, expect } from "vitest";
import { rejectionOf, startHttpServer, withHttpServer, type HttpHandler } from "@cairn/testing";
import type { ModelRequest } from "@cairn/runtime";
import { createAnthropicProvider } from "./anthropic.js";
import { createAzureProvider, createOpenAiCompatibleProvider, createOpenAiProvider } from "./openai.js";
import { identifier, plainText, safeUrl, scrubText, secretForms, secretRedactor, urlSecrets } from "./redact.js";

// A key with characters that URL-encoding, form-encoding and base64 all change.
const KEY = "sk-proj-Ab3/dE+fG9=hIjK_lMn0pQ~rS!tUvWx.yZ12";
const PASSWORD = "pa55:w0rd/Secret+Value";
const HEADER_SECRET = "azure-header-secret-9f8e7d6c";

const req: ModelRequest = { model: "m", messages: [{ role: "user", content: "Hi" }], tools: [] };

type Failure = { retryable: boolean; kind: string; status?: number; message: string };

/** Every way a careless or hostile provider could echo `secret`. */
function echoes(secret: string): string[] {
  const b64 = (s: string): string => Buffer.from(s).toString("base64");
  return [
    secret,
    secret.toUpperCase(),
    encodeURIComponent(secret),
    new URLSearchParams({ k: secret }).toString().slice(2),
    b64(secret),
    b64(`user:${secret}`), // HTTP Basic
    b64(`x${secret}`), // another alignment
    b64(secret).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, ""), // base64url
    Buffer.from(secret).toString("hex"),
    JSON.stringify(secret),
    `${secret.slice(0, 12)}****${secret.slice(-8)}`, // partial, masked in the middle
    secret.slice(5, 17), // a piece
  ];
}

/** Every 8-character window of every form of the secrets, lower case: none may appear in a message. */
function windows(...secrets: string[]): string[] {
  const out = new Set<string>();
  for (const s of secrets)
    for (const f of [...secretForms(s), ...echoes(s)])
      for (let i = 0; i + 8 <= f.length; i++) out.add(f.slice(i, i + 8).toLowerCase());
  return [...out];
}

function expectClean(message: string, ...secrets: string[]): void {
  const lower = message.toLowerCase();
  for (const w of windows(...secrets)) expect(lower, `"${w}" leaked in: ${message}`).not.toContain(w);
  expect(message).not.toMatch(/\w+:[^\s@]*@/); // no userinfo
  expect(message).not.toMatch(/[?&][\w-]+=/); // no query string
  expect(message).not.toMatch(/api-key=|key=/i);
}

/** A body that echoes the secrets in every way, as free text, in fields, and in URLs. */
function hostileBody(origin: string, ...secrets: string[]): string {
  const all = secrets.flatMap(echoes).join(" ");
  const url = `http://user:${encodeURIComponent(secrets[0]!)}@evil.example/cb?key=${encodeURIComponent(secrets[0]!)}&api-key=${secrets[0]!}`;
  return JSON.stringify({
    type: "error",
    error: {
      message: `Incorrect API key provided: ${all}. See ${url} or ${origin}/v1?key=${secrets[0]!}`,
      type: secrets[0],
      code: echoes(secrets[0]!)[4],
      param: all,
    },
  });
}

describe("secretRedactor", () => {
  it("redacts the literal, encoded, base64, hex and partial forms, case-insensitively", () => {
    const redact = secretRedactor([KEY]);
    for (const e of echoes(KEY)) {
      const out = redact(`before ${e} after`);
      expect(out).toContain("[redacted]");
      expect(out.startsWith("before ")).toBe(true);
      expectClean(out, KEY);
    }
    expect(redact("nothing secret here, sk-proj alone is fine")).toBe("nothing secret here, sk-proj alone is fine");
    expect(redact("sk-proj-other")).toBe("[redacted]other"); // 8 characters of the key are a piece of it
  });

  it("merges overlapping hits into one [redacted] and ignores tiny secrets", () => {
    expect(secretRedactor(["abcdefghijkl"])("x abcdefghijkl y")).toBe("x [redacted] y");
    expect(secretRedactor(["abc"])("abc")).toBe("abc");
    expect(secretRedactor(["short7x"])("a short7x b SHORT7X")).toBe("a [redacted] b [redacted]");
    expect(secretRedactor([undefined])("text")).toBe("text");
  });
});

describe("URLs and text filters", () => {
  it("safeUrl drops userinfo, query and fragment; urlSecrets finds them", () => {
    const u = `https://user:${encodeURIComponent(PASSWORD)}@api.example.com:8443/v1/chat?key=${KEY}&x=1#frag`;
    expect(safeUrl(u)).toBe("https://api.example.com:8443/v1/chat");
    expect(urlSecrets(u)).toEqual(expect.arrayContaining(["user", PASSWORD, KEY, KEY.replace("+", " "), "1"]));
    expect(safeUrl("not a url")).toBe("[url]");
  });

  it("scrubText cleans every URL in a text, and bare userinfo and query pieces", () => {
    const t = scrubText(
      `failed: http://u:p@h.example/a?key=1 then ws://x/y?z=2#f and bob:hunter2@host and /path?api-key=3&b=4`,
    );
    expect(t).toBe("failed: http://h.example/a then ws://x/y and [redacted]@host and /path");
  });

  it("plainText quotes only short plain prose; identifier only short identifiers", () => {
    const r = secretRedactor([KEY]);
    expect(plainText("slow down", r)).toBe("slow down");
    expect(plainText("  The model does not exist.  ", r)).toBe("The model does not exist.");
    for (const bad of [
      `Incorrect API key provided: sk-abc`,
      "invalid x-api-key",
      "quota 123",
      "see https://x",
      "a=b",
      "<html>",
      "Bearer abc",
      "x".repeat(201),
      `word ${"y".repeat(31)}`,
      "token expired",
      KEY.slice(0, 10),
    ]) {
      expect(plainText(bad, r), bad).toBeUndefined();
    }
    expect(identifier("rate_limit_error", r)).toBe("rate_limit_error");
    expect(identifier(429, r)).toBe("429");
    expect(identifier(KEY, r)).toBeUndefined();
    expect(identifier("has space", r)).toBeUndefined();
    expect(identifier({}, r)).toBeUndefined();
  });
});

describe("recorded provider errors carry no credentials", () => {
  const server = (
    status: number,
    body: (origin: string) => string,
    headers: Record<string, string> = {},
  ): HttpHandler => {
    return (req, res) => {
      const origin = `http://${req.headers.host ?? "127.0.0.1"}`;
      res.writeHead(status, { "content-type": "application/json", ...headers });
      res.end(body(origin));
    };
  };

  for (const status of [400, 401, 403, 429, 500, 529]) {
    it(`HTTP ${status} whose JSON body echoes the key in every form: status and type only (every provider type)`, async () => {
      await withHttpServer(
        server(status, (o) => hostileBody(o, KEY, HEADER_SECRET)),
        async (origin) => {
          const o = await rejectionOf<Failure>(
            createOpenAiCompatibleProvider({
              baseUrl: `${origin}/v1`,
              apiKey: KEY,
              headers: { "api-key": HEADER_SECRET },
            }).complete(req),
          );
          expect(o.status).toBe(status);
          expect(o.message).toMatch(new RegExp(`^openai: HTTP ${status}`));
          expectClean(o.message, KEY, HEADER_SECRET);
          const a = await rejectionOf<Failure>(
            createAnthropicProvider({ baseUrl: origin, apiKey: KEY, headers: { "x-extra": HEADER_SECRET } }).complete(
              req,
            ),
          );
          expect(a.status).toBe(status);
          expectClean(a.message, KEY, HEADER_SECRET);
          for (const p of [
            createOpenAiProvider({ baseUrl: `${origin}/v1`, apiKey: KEY, headers: { "x-extra": HEADER_SECRET } }),
            createAzureProvider({ baseUrl: `${origin}/openai`, apiKey: KEY, headers: { "x-extra": HEADER_SECRET } }),
          ]) {
            const e = await rejectionOf<Failure>(p.complete(req));
            expect(e.status).toBe(status);
            expectClean(e.message, KEY, HEADER_SECRET);
          }
        },
      );
    });
  }

  it("a non-JSON error body echoing the key is described, not quoted", async () => {
    await withHttpServer(
      (_q, res) =>
        res.writeHead(502, { "content-type": "text/html" }).end(`<html>upstream said ${echoes(KEY).join(" ")}</html>`),
      async (origin) => {
        const e = await rejectionOf<Failure>(
          createOpenAiCompatibleProvider({ baseUrl: `${origin}/v1`, apiKey: KEY }).complete(req),
        );
        expect(e.kind).toBe("server_error");
        expect(e.message).toBe("openai: HTTP 502 Bad Gateway");
      },
    );
  });

  it("a 200 that is not JSON, echoing the key: its size and type, not its text", async () => {
    await withHttpServer(
      (_q, res) => res.writeHead(200, { "content-type": "text/plain" }).end(`key=${KEY}`),
      async (origin) => {
        const e = await rejectionOf<Failure>(
          createOpenAiCompatibleProvider({ baseUrl: `${origin}/v1`, apiKey: KEY }).complete(req),
        );
        expect(e.kind).toBe("invalid_response");
        expect(e.message).toMatch(
          /^openai: response is not JSON \(HTTP 200\) \(body of \d+ bytes, text\/plain, not quoted\)$/,
        );
        expectClean(e.message, KEY);
      },
    );
  });

  it("a redirect whose Location carries the key is not followed and not quoted", async () => {
    const s = await startHttpServer((_q, res) => {
      res
        .writeHead(307, {
          location: `http://user:${encodeURIComponent(KEY)}@127.0.0.1:1/steal?key=${encodeURIComponent(KEY)}&b64=${Buffer.from(KEY).toString("base64")}`,
        })
        .end(hostileBody("x", KEY));
    });
    try {
      for (const p of [
        createOpenAiCompatibleProvider({ baseUrl: `${s.origin}/v1`, apiKey: KEY }),
        createAnthropicProvider({ baseUrl: s.origin, apiKey: KEY }),
      ]) {
        const e = await rejectionOf<Failure>(p.complete(req));
        expect(e.retryable).toBe(false);
        expect(e.kind).toBe("invalid_response");
        expect(e.status).toBe(307);
        expect(e.message).toContain("redirects are not followed");
        expectClean(e.message, KEY);
      }
      expect(s.received).toHaveLength(2); // one request each: nothing went to the Location
    } finally {
      await s.close();
    }
  });

  it("an error event inside a stream echoing the key: its type, never its message (openai and anthropic)", async () => {
    const openaiStream = `data: ${JSON.stringify({ error: { type: "server_error", message: `crashed for ${KEY}` } })}\n\n`;
    await withHttpServer(
      (_q, res) => res.writeHead(200, { "content-type": "text/event-stream" }).end(openaiStream),
      async (origin) => {
        const e = await rejectionOf<Failure>(
          createOpenAiCompatibleProvider({ baseUrl: `${origin}/v1`, apiKey: KEY }).complete(req, {
            onToken: () => undefined,
          }),
        );
        expect(e.message).toBe("openai: error in the response stream (server_error)");
      },
    );
    const anthropicStream = `event: error\ndata: ${JSON.stringify({ type: "error", error: { type: KEY, message: `bad key ${echoes(KEY).join(" ")}` } })}\n\n`;
    await withHttpServer(
      (_q, res) => res.writeHead(200, { "content-type": "text/event-stream" }).end(anthropicStream),
      async (origin) => {
        const e = await rejectionOf<Failure>(
          createAnthropicProvider({ baseUrl: origin, apiKey: KEY }).complete(req, { onToken: () => undefined }),
        );
        expect(e.message).toBe("anthropic: error in the response stream (unknown)");
      },
    );
    const badEvent = `event: ${KEY}\ndata: {not json ${KEY}\n\n`;
    await withHttpServer(
      (_q, res) => res.writeHead(200, { "content-type": "text/event-stream" }).end(badEvent),
      async (origin) => {
        const e = await rejectionOf<Failure>(
          createAnthropicProvider({ baseUrl: origin, apiKey: KEY }).complete(req, { onToken: () => undefined }),
        );
        expect(e.kind).toBe("invalid_response");
        expectClean(e.message, KEY);
      },
    );
  });

  it("a provider URL with userinfo: refused up front, the password never quoted", async () => {
    await withHttpServer(
      server(200, () => "{}"),
      async (origin) => {
        const withCreds = origin.replace("http://", `http://admin:${encodeURIComponent(PASSWORD)}@`);
        const e = await rejectionOf<Failure>(
          createOpenAiCompatibleProvider({ baseUrl: `${withCreds}/v1`, apiKey: KEY }).complete(req),
        );
        expect(e.retryable).toBe(false);
        expect(e.message).toContain(`${origin}/v1/chat/completions`);
        expectClean(e.message, KEY, PASSWORD);
      },
    );
  });

  it("a provider URL with a query-string key: not in HTTP errors, network errors or time-outs", async () => {
    // The server echoes the request line (with the query) in its error body.
    await withHttpServer(
      (q, res) => res.writeHead(500, { "content-type": "text/plain" }).end(`failed ${q.url}`),
      async (origin) => {
        const e = await rejectionOf<Failure>(
          createOpenAiCompatibleProvider({ baseUrl: `${origin}/v1?api-key=${encodeURIComponent(KEY)}&x=` }).complete(
            req,
          ),
        );
        expect(e.status).toBe(500);
        expectClean(e.message, KEY);
      },
    );
    const closed = await startHttpServer(() => undefined);
    await closed.close();
    const e = await rejectionOf<Failure>(
      createAnthropicProvider({ baseUrl: `${closed.origin}/v1?key=${encodeURIComponent(KEY)}`, apiKey: KEY }).complete(
        req,
      ),
    );
    expect(e.kind).toBe("network");
    expect(e.message).toContain("ECONNREFUSED");
    expectClean(e.message, KEY);
    await withHttpServer(
      () => undefined,
      async (origin) => {
        const t = await rejectionOf<Failure>(
          createOpenAiCompatibleProvider({ baseUrl: `${origin}/v1?key=${encodeURIComponent(KEY)}` }).complete(req, {
            timeoutMs: 100,
          }),
        );
        expect(t.kind).toBe("timeout");
        expectClean(t.message, KEY);
      },
    );
  });
});
