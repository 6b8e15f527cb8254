import { describe, it, expect } from "vitest";
import {
  eventStreamHandler,
  rejectionOf,
  startHttpServer,
  withHttpServer,
  type HttpHandler,
  type ReceivedRequest,
} from "@cairn/testing";
import type { ModelRequest } from "@cairn/runtime";
import { createAnthropicProvider } from "./anthropic.js";

// Every test speaks the Anthropic Messages wire protocol with a real HTTP server on 127.0.0.1 and
// checks the exact request the AI SDK sent (nothing is mocked).

type Received = ReceivedRequest;
type Handler = HttpHandler;

/** A real server for the provider's wire protocol on 127.0.0.1:<random>; `received` records every request. */
function withServer<T>(handler: Handler, fn: (baseUrl: string, received: Received[]) => Promise<T>): Promise<T> {
  return withHttpServer(handler, (origin, received) => fn(`${origin}`, received));
}

function json(status: number, body: unknown, headers: Record<string, string> = {}): Handler {
  return (_req, res) => {
    res.writeHead(status, { "content-type": "application/json", ...headers });
    res.end(typeof body === "string" ? body : JSON.stringify(body));
  };
}

/** One Messages API stream event, as the API writes it. */
function ev(type: string, data: Record<string, unknown> = {}): string {
  return `event: ${type}\ndata: ${JSON.stringify({ type, ...data })}\n\n`;
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

const stream = eventStreamHandler;

const KEY = "sk-ant-test-secret-key-123";

const simpleReq: ModelRequest = {
  model: "claude-test",
  messages: [
    { role: "system", content: "You are terse." },
    { role: "user", content: "Hi" },
  ],
  tools: [],
};

/** The request body for `simpleReq`. */
const simpleBody = {
  model: "claude-test",
  max_tokens: 4096,
  system: [{ type: "text", text: "You are terse." }],
  messages: [{ role: "user", content: [{ type: "text", text: "Hi" }] }],
};

type Failure = { retryable: boolean; kind: string; retryAfterMs?: number; status?: number; message: string };

const failure = (p: Promise<unknown>): Promise<Failure> => rejectionOf(p);

const plainAnswer = {
  id: "msg_1",
  type: "message",
  role: "assistant",
  model: "claude-test-20250101",
  content: [{ type: "text", text: "Hello!" }],
  stop_reason: "end_turn",
  stop_sequence: null,
  usage: { input_tokens: 12, output_tokens: 3 },
};

describe("anthropic provider", () => {
  it("returns a plain answer; sends the system prompt on top, the key, the API version and max_tokens 4096", async () => {
    await withServer(json(200, plainAnswer), async (baseUrl, received) => {
      const p = createAnthropicProvider({ baseUrl, apiKey: KEY });
      expect(p.name).toBe("anthropic");
      const r = await p.complete(simpleReq);
      expect(r).toEqual({
        content: "Hello!",
        toolCalls: [],
        finishReason: "stop",
        model: "claude-test-20250101",
        usage: { inputTokens: 12, outputTokens: 3 },
      });
      expect(received).toHaveLength(1);
      const got = received[0]!;
      expect(got.method).toBe("POST");
      expect(got.url).toBe("/v1/messages");
      expect(got.headers["x-api-key"]).toBe(KEY);
      expect(got.headers["anthropic-version"]).toBe("2023-06-01");
      expect(got.headers["authorization"]).toBeUndefined();
      expect(got.headers["content-type"]).toBe("application/json");
      expect(got.body).toEqual(simpleBody);
    });
  });

  it("honours name, maxOutputTokens, headers (a version override) and a baseUrl ending in /v1; no key, no key header", async () => {
    await withServer(json(200, plainAnswer), async (baseUrl, received) => {
      const p = createAnthropicProvider({
        baseUrl: `${baseUrl}/v1/`,
        name: "claude",
        maxOutputTokens: 8192,
        headers: { "anthropic-version": "2099-01-01", "anthropic-beta": "x-1" },
      });
      expect(p.name).toBe("claude");
      await p.complete({ model: "m", messages: [{ role: "user", content: "Hi" }], tools: [] });
      const got = received[0]!;
      expect(got.url).toBe("/v1/messages");
      expect(got.headers["anthropic-version"]).toBe("2099-01-01");
      expect(got.headers["anthropic-beta"]).toBe("x-1");
      expect(got.headers["x-api-key"]).toBeUndefined();
      expect(got.body).toEqual({
        model: "m",
        max_tokens: 8192,
        messages: [{ role: "user", content: [{ type: "text", text: "Hi" }] }],
      });
    });
  });

  it("sends extended thinking from the provider options (the budget on top of max_tokens)", async () => {
    await withServer(json(200, plainAnswer), async (baseUrl, received) => {
      await createAnthropicProvider({
        baseUrl,
        maxOutputTokens: 1000,
        providerOptions: { thinking: { type: "enabled", budgetTokens: 2048 } },
      }).complete({ ...simpleReq, model: "claude-sonnet-4-5" });
      expect(received[0]!.body).toEqual({
        ...simpleBody,
        model: "claude-sonnet-4-5",
        max_tokens: 3048,
        thinking: { type: "enabled", budget_tokens: 2048 },
      });
    });
  });

  it("maps a tool use round trip both ways", async () => {
    const answer = {
      id: "msg_2",
      type: "message",
      role: "assistant",
      model: "test-model",
      content: [
        { type: "thinking", thinking: "hmm", signature: "sig" },
        { type: "text", text: "Let me check. " },
        { type: "tool_use", id: "toolu_a", name: "get_weather", input: { city: "Oslo", days: [1, 2] } },
        { type: "tool_use", id: "toolu_b", name: "get_time", input: {} },
      ],
      stop_reason: "tool_use",
      usage: { input_tokens: 40, output_tokens: 20, cache_read_input_tokens: 5, cache_creation_input_tokens: 7 },
    };
    const req: ModelRequest = {
      model: "test-model",
      temperature: 0.2,
      messages: [
        { role: "system", content: "sys one" },
        { role: "system", content: "sys two" },
        { role: "user", content: "weather and time?" },
        {
          role: "assistant",
          content: "Checking.",
          toolCalls: [
            { id: "c1", name: "get_weather", arguments: '{"city":"Bergen"}' },
            { id: "c2", name: "get_time", arguments: "{not json" },
            { id: "c3", name: "get_time", arguments: "[1,2]" },
          ],
        },
        { role: "tool", toolCallId: "c1", name: "get_weather", content: "rain" },
        { role: "tool", toolCallId: "c2", name: "get_time", content: "12:00" },
        { role: "tool", toolCallId: "c3", name: "get_time", content: "13:00" },
        { role: "assistant", content: null, toolCalls: [{ id: "c4", name: "get_time", arguments: "" }] },
        { role: "tool", toolCallId: "c4", name: "get_time", content: "14:00" },
        { role: "user", content: "and Oslo?" },
        { role: "assistant", content: "It rains at noon." },
        { role: "user", content: "thanks" },
        { role: "assistant", content: null }, // an empty answer: left out
        { role: "user", content: "still there?" },
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
      const r = await createAnthropicProvider({ baseUrl, apiKey: KEY }).complete(req);
      expect(r).toEqual({
        content: "Let me check. ",
        toolCalls: [
          { id: "toolu_a", name: "get_weather", arguments: '{"city":"Oslo","days":[1,2]}' },
          { id: "toolu_b", name: "get_time", arguments: "{}" },
        ],
        finishReason: "tool_calls",
        model: "test-model",
        usage: { inputTokens: 52, outputTokens: 20 }, // input + cache reads + cache writes
      });

      const text = (t: string) => ({ type: "text", text: t });
      expect(received[0]!.body).toEqual({
        model: "test-model",
        max_tokens: 4096,
        temperature: 0.2,
        system: [text("sys one\n\nsys two")],
        messages: [
          { role: "user", content: [text("weather and time?")] },
          {
            role: "assistant",
            content: [
              text("Checking."),
              { type: "tool_use", id: "c1", name: "get_weather", input: { city: "Bergen" } },
              { type: "tool_use", id: "c2", name: "get_time", input: {} }, // invalid JSON → {}
              { type: "tool_use", id: "c3", name: "get_time", input: {} }, // not an object → {}
            ],
          },
          {
            role: "user",
            content: [
              { type: "tool_result", tool_use_id: "c1", content: "rain" },
              { type: "tool_result", tool_use_id: "c2", content: "12:00" },
              { type: "tool_result", tool_use_id: "c3", content: "13:00" },
            ],
          },
          { role: "assistant", content: [{ type: "tool_use", id: "c4", name: "get_time", input: {} }] },
          {
            role: "user",
            content: [{ type: "tool_result", tool_use_id: "c4", content: "14:00" }, text("and Oslo?")],
          },
          { role: "assistant", content: [text("It rains at noon.")] },
          { role: "user", content: [text("thanks"), text("still there?")] },
        ],
        tools: [
          {
            name: "get_weather",
            description: "Weather for a city",
            input_schema: { type: "object", properties: { city: { type: "string" } } },
          },
          { name: "get_time", description: "Time in a zone", input_schema: { type: "object" } },
        ],
        tool_choice: { type: "auto" },
      });
    });
  });

  it("maps stop reasons", async () => {
    const cases: [unknown, string][] = [
      ["end_turn", "stop"],
      ["tool_use", "tool_calls"],
      ["max_tokens", "length"],
      ["stop_sequence", "stop"],
      ["refusal", "content_filter"],
      [null, "stop"],
    ];
    for (const [stop, want] of cases) {
      await withServer(json(200, { ...plainAnswer, stop_reason: stop }), async (baseUrl) => {
        const r = await createAnthropicProvider({ baseUrl }).complete(simpleReq);
        expect(r.finishReason, String(stop)).toBe(want);
      });
    }
  });

  it("429 with Retry-After is retryable rate_limited", async () => {
    const body = { type: "error", error: { type: "rate_limit_error", message: "slow down" } };
    await withServer(json(429, body, { "retry-after": "3" }), async (baseUrl) => {
      const e = await failure(createAnthropicProvider({ baseUrl, apiKey: KEY }).complete(simpleReq));
      expect(e.retryable).toBe(true);
      expect(e.kind).toBe("rate_limited");
      expect(e.retryAfterMs).toBe(3000);
      expect(e.status).toBe(429);
      expect(e.message).toBe("anthropic: HTTP 429 Too Many Requests: rate_limit_error: slow down");
    });
  });

  it("529 overloaded and 500 are retryable server_error", async () => {
    const overloaded = { type: "error", error: { type: "overloaded_error", message: "Overloaded" } };
    await withServer(json(529, overloaded, { "retry-after-ms": "250" }), async (baseUrl, received) => {
      const e = await failure(createAnthropicProvider({ baseUrl }).complete(simpleReq));
      expect(received).toHaveLength(1); // the SDK's own retries are off
      expect(e.retryable).toBe(true);
      expect(e.kind).toBe("server_error");
      expect(e.status).toBe(529);
      expect(e.retryAfterMs).toBe(250);
      expect(e.message).toBe("anthropic: HTTP 529: overloaded_error: Overloaded");
    });
    await withServer(json(500, "upstream exploded"), async (baseUrl) => {
      const e = await failure(createAnthropicProvider({ baseUrl }).complete(simpleReq));
      expect(e.retryable).toBe(true);
      expect(e.kind).toBe("server_error");
      expect(e.status).toBe(500);
      expect(e.retryAfterMs).toBeUndefined();
      expect(e.message).toContain("upstream exploded");
    });
  });

  it("400 is terminal bad_request with the error type, not a long body", async () => {
    const body = {
      type: "error",
      error: { type: "invalid_request_error", message: `messages: bad ${"x".repeat(5000)}` },
    };
    await withServer(json(400, body), async (baseUrl) => {
      const e = await failure(createAnthropicProvider({ baseUrl }).complete(simpleReq));
      expect(e.retryable).toBe(false);
      expect(e.kind).toBe("bad_request");
      expect(e.status).toBe(400);
      expect(e.message).toBe("anthropic: HTTP 400 Bad Request: invalid_request_error");
    });
  });

  it("401 is terminal auth and never shows the key", async () => {
    const body = { type: "error", error: { type: "authentication_error", message: `invalid x-api-key ${KEY}` } };
    await withServer(json(401, body), async (baseUrl) => {
      const e = await failure(createAnthropicProvider({ baseUrl, apiKey: KEY }).complete(simpleReq));
      expect(e.retryable).toBe(false);
      expect(e.kind).toBe("auth");
      expect(e.status).toBe(401);
      expect(e.message).toBe("anthropic: HTTP 401 Unauthorized: authentication_error");
      expect(JSON.stringify(e)).not.toContain(KEY);
    });
  });

  it("a 200 that is not JSON or not a message is terminal invalid_response", async () => {
    for (const body of [
      "<html>proxy error</html>",
      { type: "message" },
      { type: "message", content: ["x"], usage: { input_tokens: 1, output_tokens: 1 } },
      { type: "message", content: [{ type: "tool_use" }], usage: { input_tokens: 1, output_tokens: 1 } },
    ]) {
      await withServer(json(200, body), async (baseUrl) => {
        const e = await failure(createAnthropicProvider({ baseUrl }).complete(simpleReq));
        expect(e.retryable).toBe(false);
        expect(e.kind).toBe("invalid_response");
        expect(e.status).toBe(200);
      });
    }
  });

  it("a server that never answers gives a retryable timeout", async () => {
    await withServer(
      () => {
        /* never answer */
      },
      async (baseUrl) => {
        const e = await failure(createAnthropicProvider({ baseUrl, defaultTimeoutMs: 200 }).complete(simpleReq));
        expect(e.retryable).toBe(true);
        expect(e.kind).toBe("timeout");
        expect(e.message).toMatch(/^anthropic: no answer within 200 ms from http:\/\/127\.0\.0\.1:\d+\/v1\/messages$/);
      },
    );
  });

  it("connection refused is retryable network", async () => {
    // A port that was just free: nothing listens on it.
    const closed = await startHttpServer(() => undefined);
    await closed.close();
    const port = new URL(closed.origin).port;
    const e = await failure(
      createAnthropicProvider({ baseUrl: `http://127.0.0.1:${port}`, apiKey: KEY }).complete(simpleReq),
    );
    expect(e.retryable).toBe(true);
    expect(e.kind).toBe("network");
    expect(e.message).toContain("ECONNREFUSED");
    expect(e.message).not.toContain(KEY);
  });
});

// ---------------------------------------------------------------------------------------------

const textStream = [
  ev("message_start", {
    message: {
      id: "msg_s",
      type: "message",
      role: "assistant",
      model: "claude-stream",
      content: [],
      stop_reason: null,
      usage: { input_tokens: 25, output_tokens: 1 },
    },
  }),
  ev("content_block_start", { index: 0, content_block: { type: "text", text: "" } }),
  ev("ping"),
  ev("content_block_delta", { index: 0, delta: { type: "text_delta", text: "Hel" } }),
  ev("content_block_delta", { index: 0, delta: { type: "text_delta", text: "lo, " } }),
  ev("content_block_delta", { index: 0, delta: { type: "text_delta", text: "wörld!" } }),
  ev("content_block_stop", { index: 0 }),
  ev("message_delta", { delta: { stop_reason: "end_turn", stop_sequence: null }, usage: { output_tokens: 15 } }),
  ev("message_stop"),
];

describe("anthropic provider, streaming", () => {
  it("streams text deltas to onToken, in order, while the answer is still being written", async () => {
    let sawFirst!: () => void;
    const firstSeen = new Promise<void>((resolve) => (sawFirst = resolve));
    const tokens: string[] = [];
    // The server holds back the rest until the client has seen the first delta: only a real stream passes.
    await withServer(stream(textStream, { gate: firstSeen, gateAt: 4 }), async (baseUrl, received) => {
      const r = await createAnthropicProvider({ baseUrl, apiKey: KEY }).complete(simpleReq, {
        onToken: (t) => {
          tokens.push(t);
          sawFirst();
        },
      });
      expect(tokens).toEqual(["Hel", "lo, ", "wörld!"]);
      expect(r).toEqual({
        content: "Hello, wörld!",
        toolCalls: [],
        finishReason: "stop",
        model: "claude-stream",
        usage: { inputTokens: 25, outputTokens: 15 },
      });
      expect(received[0]!.body).toEqual({ ...simpleBody, stream: true });
    });
  });

  it("assembles streamed tool use from input_json_delta pieces, like the non-streaming answer", async () => {
    const parts = [
      ev("message_start", {
        message: {
          type: "message",
          model: "claude-stream",
          content: [],
          usage: { input_tokens: 50, output_tokens: 1, cache_creation_input_tokens: 10 },
        },
      }),
      ev("content_block_start", { index: 0, content_block: { type: "text", text: "" } }),
      ev("content_block_delta", { index: 0, delta: { type: "text_delta", text: "Checking." } }),
      ev("content_block_stop", { index: 0 }),
      ev("content_block_start", {
        index: 1,
        content_block: { type: "tool_use", id: "toolu_1", name: "get_weather", input: {} },
      }),
      ev("content_block_delta", { index: 1, delta: { type: "input_json_delta", partial_json: "" } }),
      ev("content_block_delta", { index: 1, delta: { type: "input_json_delta", partial_json: '{"city": "Os' } }),
      ev("content_block_delta", { index: 1, delta: { type: "input_json_delta", partial_json: 'lo", "days": [1,' } }),
      ev("content_block_delta", { index: 1, delta: { type: "input_json_delta", partial_json: " 2]}" } }),
      ev("content_block_stop", { index: 1 }),
      ev("content_block_start", {
        index: 2,
        content_block: { type: "tool_use", id: "toolu_2", name: "get_time", input: {} },
      }),
      ev("content_block_stop", { index: 2 }),
      ev("message_delta", { delta: { stop_reason: "tool_use" }, usage: { output_tokens: 33 } }),
      ev("message_stop"),
    ];
    const whole = {
      type: "message",
      model: "claude-stream",
      content: [
        { type: "text", text: "Checking." },
        { type: "tool_use", id: "toolu_1", name: "get_weather", input: { city: "Oslo", days: [1, 2] } },
        { type: "tool_use", id: "toolu_2", name: "get_time", input: {} },
      ],
      stop_reason: "tool_use",
      usage: { input_tokens: 50, output_tokens: 33, cache_creation_input_tokens: 10 },
    };
    // Split the stream at awkward places (inside lines and inside a multi-byte character).
    const bytes = Buffer.from(parts.join(""), "utf8");
    const pieces: string[] = [];
    const req = {
      ...simpleReq,
      tools: [
        { name: "get_weather", description: "Weather", inputSchema: { type: "object" } },
        { name: "get_time", description: "Time", inputSchema: { type: "object" } },
      ],
    };
    const streamed = await withServer(
      (_req, res) => {
        res.writeHead(200, { "content-type": "text/event-stream" });
        void (async () => {
          for (let i = 0; i < bytes.length; i += 37) {
            res.write(bytes.subarray(i, i + 37));
            await sleep(1);
          }
          res.end();
        })();
      },
      (baseUrl) => createAnthropicProvider({ baseUrl }).complete(req, { onToken: (t) => pieces.push(t) }),
    );
    expect(pieces.join("")).toBe("Checking.");
    expect(streamed).toEqual({
      content: "Checking.",
      toolCalls: [
        { id: "toolu_1", name: "get_weather", arguments: '{"city":"Oslo","days":[1,2]}' },
        { id: "toolu_2", name: "get_time", arguments: "{}" },
      ],
      finishReason: "tool_calls",
      model: "claude-stream",
      usage: { inputTokens: 60, outputTokens: 33 },
    });
    // The same answer not streamed gives the same response.
    const plain = await withServer(json(200, whole), (baseUrl) => createAnthropicProvider({ baseUrl }).complete(req));
    expect(plain).toEqual(streamed);
  });

  it("maps max_tokens in a stream and ignores an onToken that throws", async () => {
    const parts = textStream.map((p) => p.replace('"end_turn"', '"max_tokens"'));
    await withServer(stream(parts), async (baseUrl) => {
      const r = await createAnthropicProvider({ baseUrl }).complete(simpleReq, {
        onToken: () => {
          throw new Error("watcher broke");
        },
      });
      expect(r.finishReason).toBe("length");
      expect(r.content).toBe("Hello, wörld!");
    });
  });

  it("a stream cut off mid-way is a retryable error", async () => {
    const head = textStream.slice(0, 4);
    // The connection dies in the middle of the stream.
    await withServer(stream(head, { end: "destroy" }), async (baseUrl) => {
      const tokens: string[] = [];
      const e = await failure(
        createAnthropicProvider({ baseUrl, apiKey: KEY }).complete(simpleReq, { onToken: (t) => tokens.push(t) }),
      );
      expect(e.retryable).toBe(true);
      expect(e.kind).toBe("network");
      expect(e.message).not.toContain(KEY);
      expect(tokens).toEqual(["Hel"]);
    });
    // The server ends the response cleanly but early, in the middle of an event, or before message_stop.
    for (const parts of [[...head, 'event: content_block_delta\ndata: {"type":"content_blo'], textStream.slice(0, 8)]) {
      await withServer(stream(parts), async (baseUrl) => {
        const e = await failure(createAnthropicProvider({ baseUrl }).complete(simpleReq, { onToken: () => undefined }));
        expect(e.retryable).toBe(true);
        expect(e.kind).toBe("network");
        expect(e.message).toMatch(
          /^anthropic: the response stream from .*\/v1\/messages ended before the model finished$/,
        );
      });
    }
  });

  it("a stream that stalls runs into the time limit (retryable timeout)", async () => {
    await withServer(stream(textStream.slice(0, 4), { end: "hang" }), async (baseUrl) => {
      const e = await failure(
        createAnthropicProvider({ baseUrl }).complete(simpleReq, { onToken: () => undefined, timeoutMs: 300 }),
      );
      expect(e.retryable).toBe(true);
      expect(e.kind).toBe("timeout");
    });
  });

  it("the caller's abort during a stream gives kind aborted", async () => {
    await withServer(stream(textStream.slice(0, 4), { end: "hang" }), async (baseUrl) => {
      const ac = new AbortController();
      const e = await failure(
        createAnthropicProvider({ baseUrl }).complete(simpleReq, { signal: ac.signal, onToken: () => ac.abort() }),
      );
      expect(e.retryable).toBe(false);
      expect(e.kind).toBe("aborted");
    });
  });

  it("an error event in the stream is mapped by its type", async () => {
    const overloaded = ev("error", { error: { type: "overloaded_error", message: "Overloaded" } });
    await withServer(stream([...textStream.slice(0, 3), overloaded]), async (baseUrl) => {
      const e = await failure(createAnthropicProvider({ baseUrl }).complete(simpleReq, { onToken: () => undefined }));
      expect(e.retryable).toBe(true);
      expect(e.kind).toBe("server_error");
      expect(e.message).toBe("anthropic: error in the response stream (overloaded_error): Overloaded");
    });
    const invalid = ev("error", { error: { type: "invalid_request_error", message: "nope" } });
    await withServer(stream([invalid]), async (baseUrl) => {
      const e = await failure(createAnthropicProvider({ baseUrl }).complete(simpleReq, { onToken: () => undefined }));
      expect(e.retryable).toBe(false);
      expect(e.kind).toBe("bad_request");
    });
  });

  it("an HTTP error on a streaming call is mapped as usual; garbage in the stream is invalid_response", async () => {
    await withServer(
      json(429, { type: "error", error: { type: "rate_limit_error", message: "later" } }, { "retry-after": "1" }),
      async (baseUrl) => {
        const e = await failure(createAnthropicProvider({ baseUrl }).complete(simpleReq, { onToken: () => undefined }));
        expect(e.kind).toBe("rate_limited");
        expect(e.retryAfterMs).toBe(1000);
      },
    );
    await withServer(stream(["event: message_start\ndata: {not json\n\n"]), async (baseUrl) => {
      const e = await failure(createAnthropicProvider({ baseUrl }).complete(simpleReq, { onToken: () => undefined }));
      expect(e.retryable).toBe(false);
      expect(e.kind).toBe("invalid_response");
      expect(e.message).toBe("anthropic: a stream event is not JSON");
    });
  });

  it("a server that answers a streaming call with plain JSON still works (one request)", async () => {
    await withServer(json(200, plainAnswer), async (baseUrl, received) => {
      const tokens: string[] = [];
      const r = await createAnthropicProvider({ baseUrl }).complete(simpleReq, { onToken: (t) => tokens.push(t) });
      expect(tokens).toEqual(["Hello!"]);
      expect(r.content).toBe("Hello!");
      expect(received).toHaveLength(1);
    });
  });
});

describe("structured output (ModelRequest.output)", () => {
  it("puts the schema into the system prompt, after the agent's own (no response format is sent)", async () => {
    const schema = { type: "object", properties: { city: { type: "string" } } };
    await withServer(json(200, plainAnswer), async (baseUrl, received) => {
      const p = createAnthropicProvider({ baseUrl, apiKey: KEY });
      await p.complete({ ...simpleReq, output: { name: "place", schema } });
      expect(received[0]!.body).toEqual({
        ...simpleBody,
        system: [
          {
            type: "text",
            text: `You are terse.\n\nYour final answer (when you call no tool) must be only a JSON value, with no other text, that validates against this JSON Schema:\n${JSON.stringify(schema)}`,
          },
        ],
      });
      await p.complete(simpleReq);
      expect(received[1]!.body).toEqual(simpleBody);
    });
  });
});

describe("images and the response's token limit", () => {
  it("sends the task's images as URL sources and the request's maxOutputTokens as max_tokens (over the endpoint's)", async () => {
    await withServer(json(200, plainAnswer), async (baseUrl, received) => {
      await createAnthropicProvider({ baseUrl, apiKey: KEY }).complete({
        model: "claude-test",
        messages: [{ role: "user", content: "what is this?", images: [{ url: "https://img.invalid/cat.png" }] }],
        tools: [],
        maxOutputTokens: 64,
      });
      expect(received).toHaveLength(1);
      expect(received[0]!.body).toMatchObject({
        max_tokens: 64,
        messages: [
          {
            role: "user",
            content: [
              { type: "text", text: "what is this?" },
              { type: "image", source: { type: "url", url: "https://img.invalid/cat.png" } },
            ],
          },
        ],
      });
    });
  });
});
