import { describe, it, expect } from "vitest";
import { rejectionOf, startHttpServer, withHttpServer, type HttpHandler, type ReceivedRequest } from "@cairn/testing";
import type { ModelRequest } from "@cairn/runtime";
import { createOpenAiProvider, parseRetryAfter } from "./openai.js";

type Received = ReceivedRequest;
type Handler = HttpHandler;

/** A real server for the provider's wire protocol on 127.0.0.1:<random>; `received` records every request. */
function withServer<T>(handler: Handler, fn: (baseUrl: string, received: Received[]) => Promise<T>): Promise<T> {
  return withHttpServer(handler, (origin, received) => fn(`${origin}/v1/`, received));
}

function json(status: number, body: unknown, headers: Record<string, string> = {}): Handler {
  return (_req, res) => {
    res.writeHead(status, { "content-type": "application/json", ...headers });
    res.end(typeof body === "string" ? body : JSON.stringify(body));
  };
}

const KEY = "sk-test-secret-key-123";

const simpleReq: ModelRequest = {
  model: "gpt-test",
  messages: [
    { role: "system", content: "You are terse." },
    { role: "user", content: "Hi" },
  ],
  tools: [],
};

const failure = (
  p: Promise<unknown>,
): Promise<{ retryable: boolean; kind: string; retryAfterMs?: number; status?: number; message: string }> =>
  rejectionOf(p);

describe("openai provider", () => {
  it("returns a plain answer", async () => {
    const answer = {
      id: "chatcmpl-1",
      object: "chat.completion",
      model: "gpt-test-2024",
      choices: [{ index: 0, message: { role: "assistant", content: "Hello!" }, finish_reason: "stop" }],
      usage: { prompt_tokens: 12, completion_tokens: 3, total_tokens: 15 },
    };
    await withServer(json(200, answer), async (baseUrl, received) => {
      const p = createOpenAiProvider({ baseUrl });
      expect(p.name).toBe("openai");
      const r = await p.complete(simpleReq);
      expect(r).toEqual({
        content: "Hello!",
        toolCalls: [],
        finishReason: "stop",
        model: "gpt-test-2024",
        usage: { inputTokens: 12, outputTokens: 3 },
      });
      expect(received).toHaveLength(1);
      const got = received[0]!;
      expect(got.method).toBe("POST");
      expect(got.url).toBe("/v1/chat/completions");
      expect(got.headers["authorization"]).toBeUndefined();
      expect(got.headers["content-type"]).toBe("application/json");
      expect(got.body).toEqual({
        model: "gpt-test",
        messages: [
          { role: "system", content: "You are terse." },
          { role: "user", content: "Hi" },
        ],
        stream: false,
      });
    });
  });

  it("maps tool calls both ways (two parallel calls)", async () => {
    const answer = {
      model: "gpt-test",
      choices: [
        {
          index: 0,
          message: {
            role: "assistant",
            content: null,
            tool_calls: [
              { id: "call_a", type: "function", function: { name: "get_weather", arguments: '{"city":"Oslo"}' } },
              { id: "call_b", type: "function", function: { name: "get_time", arguments: '{"tz":"CET"}' } },
            ],
          },
          finish_reason: "tool_calls",
        },
      ],
      usage: { prompt_tokens: 40, completion_tokens: 20 },
    };
    const req: ModelRequest = {
      model: "gpt-test",
      temperature: 0.2,
      messages: [
        { role: "system", content: "sys" },
        { role: "user", content: "weather and time?" },
        {
          role: "assistant",
          content: null,
          toolCalls: [
            { id: "c1", name: "get_weather", arguments: '{"city":"Bergen"}' },
            { id: "c2", name: "get_time", arguments: "{}" },
          ],
        },
        { role: "tool", toolCallId: "c1", name: "get_weather", content: "rain" },
        { role: "tool", toolCallId: "c2", name: "get_time", content: "12:00" },
        { role: "assistant", content: "It rains at noon." },
        { role: "user", content: "and Oslo?" },
      ],
      tools: [
        {
          name: "get_weather",
          description: "Weather for a city",
          inputSchema: { type: "object", properties: { city: { type: "string" } } },
        },
        { name: "get_time", description: "Time in a zone", inputSchema: { type: "object" } },
      ],
    };
    await withServer(json(200, answer), async (baseUrl, received) => {
      const p = createOpenAiProvider({ baseUrl, apiKey: KEY, name: "local", headers: { "x-extra": "1" } });
      expect(p.name).toBe("local");
      const r = await p.complete(req);
      expect(r.content).toBeNull();
      expect(r.finishReason).toBe("tool_calls");
      expect(r.toolCalls).toEqual([
        { id: "call_a", name: "get_weather", arguments: '{"city":"Oslo"}' },
        { id: "call_b", name: "get_time", arguments: '{"tz":"CET"}' },
      ]);
      expect(r.usage).toEqual({ inputTokens: 40, outputTokens: 20 });

      const got = received[0]!;
      expect(got.headers["authorization"]).toBe(`Bearer ${KEY}`);
      expect(got.headers["x-extra"]).toBe("1");
      expect(got.body).toEqual({
        model: "gpt-test",
        temperature: 0.2,
        stream: false,
        messages: [
          { role: "system", content: "sys" },
          { role: "user", content: "weather and time?" },
          {
            role: "assistant",
            content: null,
            tool_calls: [
              { id: "c1", type: "function", function: { name: "get_weather", arguments: '{"city":"Bergen"}' } },
              { id: "c2", type: "function", function: { name: "get_time", arguments: "{}" } },
            ],
          },
          { role: "tool", tool_call_id: "c1", content: "rain" },
          { role: "tool", tool_call_id: "c2", content: "12:00" },
          { role: "assistant", content: "It rains at noon." },
          { role: "user", content: "and Oslo?" },
        ],
        tools: [
          {
            type: "function",
            function: {
              name: "get_weather",
              description: "Weather for a city",
              parameters: { type: "object", properties: { city: { type: "string" } } },
            },
          },
          {
            type: "function",
            function: { name: "get_time", description: "Time in a zone", parameters: { type: "object" } },
          },
        ],
      });
    });
  });

  it("maps usage and finish_reason defaults, object arguments and missing ids", async () => {
    const answer = {
      choices: [
        {
          message: {
            content: "partial",
            tool_calls: [
              { type: "function", function: { name: "a", arguments: { x: 1 } } },
              { type: "function", function: { name: "b" } },
            ],
          },
          finish_reason: null,
        },
      ],
    };
    await withServer(json(200, answer), async (baseUrl) => {
      const r = await createOpenAiProvider({ baseUrl }).complete(simpleReq);
      expect(r.finishReason).toBe("stop");
      expect(r.model).toBe("gpt-test"); // falls back to the requested model
      expect(r.usage).toEqual({ inputTokens: 0, outputTokens: 0 });
      expect(r.content).toBe("partial");
      expect(r.toolCalls).toEqual([
        { id: "call_0", name: "a", arguments: '{"x":1}' },
        { id: "call_1", name: "b", arguments: "{}" },
      ]);
    });
    await withServer(
      json(200, {
        model: "m",
        choices: [{ message: { content: "..." }, finish_reason: "length" }],
        usage: { prompt_tokens: 5 },
      }),
      async (baseUrl) => {
        const r = await createOpenAiProvider({ baseUrl }).complete(simpleReq);
        expect(r.finishReason).toBe("length");
        expect(r.usage).toEqual({ inputTokens: 5, outputTokens: 0 });
      },
    );
  });

  it("429 with Retry-After: 2 is retryable rate_limited after 2000 ms", async () => {
    await withServer(json(429, { error: { message: "slow down" } }, { "retry-after": "2" }), async (baseUrl) => {
      const e = await failure(createOpenAiProvider({ baseUrl, apiKey: KEY }).complete(simpleReq));
      expect(e.retryable).toBe(true);
      expect(e.kind).toBe("rate_limited");
      expect(e.retryAfterMs).toBe(2000);
      expect(e.status).toBe(429);
      expect(e.message).toContain("slow down");
    });
  });

  it("parses retry-after-ms and HTTP-date Retry-After", () => {
    expect(parseRetryAfter(new Headers({ "retry-after-ms": "1500", "retry-after": "2" }))).toBe(1500);
    const now = Date.parse("Wed, 21 Oct 2015 07:28:00 GMT");
    expect(parseRetryAfter(new Headers({ "retry-after": "Wed, 21 Oct 2015 07:28:05 GMT" }), now)).toBe(5000);
    expect(parseRetryAfter(new Headers({ "retry-after": "Wed, 21 Oct 2015 07:27:00 GMT" }), now)).toBe(0);
    expect(parseRetryAfter(new Headers({ "retry-after": "soon" }))).toBeUndefined();
    expect(parseRetryAfter(new Headers())).toBeUndefined();
  });

  it("500 is retryable server_error", async () => {
    await withServer(json(500, "upstream exploded"), async (baseUrl) => {
      const e = await failure(createOpenAiProvider({ baseUrl }).complete(simpleReq));
      expect(e.retryable).toBe(true);
      expect(e.kind).toBe("server_error");
      expect(e.status).toBe(500);
      expect(e.retryAfterMs).toBeUndefined();
      expect(e.message).toContain("500");
      expect(e.message).toContain("upstream exploded");
    });
  });

  it("400 is terminal bad_request with the error type and code, not a long body", async () => {
    const long = "x".repeat(5000);
    await withServer(
      json(400, { error: { message: `bad model ${long}`, type: "invalid_request_error", code: "model_not_found" } }),
      async (baseUrl) => {
        const e = await failure(createOpenAiProvider({ baseUrl }).complete(simpleReq));
        expect(e.retryable).toBe(false);
        expect(e.kind).toBe("bad_request");
        expect(e.status).toBe(400);
        expect(e.message).toBe("openai: HTTP 400 Bad Request: invalid_request_error (model_not_found)");
      },
    );
    await withServer(json(400, { error: { message: "The model does not exist." } }), async (baseUrl) => {
      const e = await failure(createOpenAiProvider({ baseUrl }).complete(simpleReq));
      expect(e.message).toBe("openai: HTTP 400 Bad Request: The model does not exist.");
    });
  });

  it("401 is terminal auth and never shows the key", async () => {
    // A server that echoes the key (as OpenAI partially does) must not leak it either.
    await withServer(json(401, { error: { message: `Incorrect API key provided: ${KEY}` } }), async (baseUrl) => {
      const e = await failure(createOpenAiProvider({ baseUrl, apiKey: KEY }).complete(simpleReq));
      expect(e.retryable).toBe(false);
      expect(e.kind).toBe("auth");
      expect(e.status).toBe(401);
      expect(e.message).toContain("401");
      expect(e.message).not.toContain(KEY);
    });
  });

  it("a 200 that is not JSON or has no choices is terminal invalid_response", async () => {
    await withServer(json(200, "<html>proxy error</html>"), async (baseUrl) => {
      const e = await failure(createOpenAiProvider({ baseUrl }).complete(simpleReq));
      expect(e.retryable).toBe(false);
      expect(e.kind).toBe("invalid_response");
    });
    await withServer(json(200, { choices: [] }), async (baseUrl) => {
      const e = await failure(createOpenAiProvider({ baseUrl }).complete(simpleReq));
      expect(e.retryable).toBe(false);
      expect(e.kind).toBe("invalid_response");
    });
  });

  it("a server that never answers gives a retryable timeout", async () => {
    await withServer(
      () => {
        /* never answer */
      },
      async (baseUrl) => {
        const started = Date.now();
        const e = await failure(createOpenAiProvider({ baseUrl }).complete(simpleReq, { timeoutMs: 200 }));
        expect(e.retryable).toBe(true);
        expect(e.kind).toBe("timeout");
        expect(Date.now() - started).toBeLessThan(5000);
      },
    );
  });

  it("the caller's abort gives kind aborted (not retried)", async () => {
    await withServer(
      () => {
        /* never answer */
      },
      async (baseUrl) => {
        const ac = new AbortController();
        setTimeout(() => ac.abort(), 50);
        const e = await failure(
          createOpenAiProvider({ baseUrl }).complete(simpleReq, { signal: ac.signal, timeoutMs: 10_000 }),
        );
        expect(e.retryable).toBe(false);
        expect(e.kind).toBe("aborted");
      },
    );
  });

  it("connection refused is retryable network", async () => {
    // Find a free port, then close it so nothing listens there.
    // A port that was just free: nothing listens on it.
    const closed = await startHttpServer(() => undefined);
    await closed.close();
    const port = new URL(closed.origin).port;

    const e = await failure(
      createOpenAiProvider({ baseUrl: `http://127.0.0.1:${port}/v1`, apiKey: KEY }).complete(simpleReq),
    );
    expect(e.retryable).toBe(true);
    expect(e.kind).toBe("network");
    expect(e.message).toContain("ECONNREFUSED");
    expect(e.message).not.toContain(KEY);
  });
});
