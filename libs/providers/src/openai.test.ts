import { describe, it, expect } from "vitest";
import { rejectionOf, startHttpServer, withHttpServer, type HttpHandler, type ReceivedRequest } from "@cairn/testing";
import type { ModelRequest } from "@cairn/runtime";
import { createAzureProvider, createOpenAiCompatibleProvider, createOpenAiProvider } from "./openai.js";
import { parseRetryAfter } from "./errors.js";

// Every test speaks the OpenAI Chat Completions wire protocol with a real HTTP server on
// 127.0.0.1 and checks the exact request the AI SDK sent (nothing is mocked).

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

/** A full Chat Completions answer, as OpenAI writes it. */
const completion = (
  message: Record<string, unknown>,
  finish: string,
  usage = { prompt_tokens: 12, completion_tokens: 3 },
) => ({
  id: "chatcmpl-1",
  object: "chat.completion",
  created: 1_700_000_000,
  model: "gpt-test-2024",
  choices: [{ index: 0, message: { role: "assistant", ...message }, finish_reason: finish }],
  usage: { ...usage, total_tokens: usage.prompt_tokens + usage.completion_tokens },
});

describe("openai-compatible provider", () => {
  it("returns a plain answer; sends exactly the model and the messages", async () => {
    await withServer(json(200, completion({ content: "Hello!" }, "stop")), async (baseUrl, received) => {
      const p = createOpenAiCompatibleProvider({ baseUrl });
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
      });
    });
  });

  it("maps tool calls both ways (two parallel calls, history with text and calls, results by id)", async () => {
    const answer = completion(
      {
        content: null,
        tool_calls: [
          { id: "call_a", type: "function", function: { name: "get_weather", arguments: '{"city": "Oslo"}' } },
          { id: "call_b", type: "function", function: { name: "get_time", arguments: '{"tz":"CET"}' } },
        ],
      },
      "tool_calls",
      { prompt_tokens: 40, completion_tokens: 20 },
    );
    const req: ModelRequest = {
      model: "gpt-test",
      temperature: 0.2,
      messages: [
        { role: "system", content: "sys" },
        { role: "user", content: "weather and time?" },
        {
          role: "assistant",
          content: "Checking both.",
          toolCalls: [
            { id: "c1", name: "get_weather", arguments: '{"city":"Bergen"}' },
            { id: "c2", name: "get_time", arguments: "{not json" },
          ],
        },
        { role: "tool", toolCallId: "c1", name: "get_weather", content: "rain" },
        { role: "tool", toolCallId: "c2", name: "get_time", content: "error: invalid arguments" },
        { role: "assistant", content: null, toolCalls: [{ id: "c3", name: "get_time", arguments: '["x"]' }] },
        { role: "tool", toolCallId: "c3", name: "get_time", content: "12:00" },
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
      const p = createOpenAiCompatibleProvider({ baseUrl, apiKey: KEY, name: "local", headers: { "x-extra": "1" } });
      expect(p.name).toBe("local");
      const r = await p.complete(req);
      expect(r).toEqual({
        content: null,
        toolCalls: [
          { id: "call_a", name: "get_weather", arguments: '{"city":"Oslo"}' },
          { id: "call_b", name: "get_time", arguments: '{"tz":"CET"}' },
        ],
        finishReason: "tool_calls",
        model: "gpt-test-2024",
        usage: { inputTokens: 40, outputTokens: 20 },
      });

      const got = received[0]!;
      expect(got.headers["authorization"]).toBe(`Bearer ${KEY}`);
      expect(got.headers["x-extra"]).toBe("1");
      expect(got.body).toEqual({
        model: "gpt-test",
        temperature: 0.2,
        messages: [
          { role: "system", content: "sys" },
          { role: "user", content: "weather and time?" },
          {
            role: "assistant",
            content: "Checking both.",
            tool_calls: [
              { id: "c1", type: "function", function: { name: "get_weather", arguments: '{"city":"Bergen"}' } },
              // Arguments that are not a JSON object go back as {} (the tool result told the model why).
              { id: "c2", type: "function", function: { name: "get_time", arguments: "{}" } },
            ],
          },
          { role: "tool", tool_call_id: "c1", content: "rain" },
          { role: "tool", tool_call_id: "c2", content: "error: invalid arguments" },
          {
            role: "assistant",
            content: null,
            tool_calls: [{ id: "c3", type: "function", function: { name: "get_time", arguments: "{}" } }],
          },
          { role: "tool", tool_call_id: "c3", content: "12:00" },
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
        tool_choice: "auto",
      });
    });
  });

  it("keeps a tool call's arguments that are not JSON as written, and calls to tools it was not given", async () => {
    const answer = completion(
      {
        content: "",
        tool_calls: [
          { id: "x1", type: "function", function: { name: "get_time", arguments: "{oops" } },
          { id: "x2", type: "function", function: { name: "not_a_tool", arguments: '{"a": [1, 2]}' } },
          { id: "x3", type: "function", function: { name: "get_time", arguments: "" } },
        ],
      },
      "tool_calls",
    );
    await withServer(json(200, answer), async (baseUrl) => {
      const r = await createOpenAiCompatibleProvider({ baseUrl }).complete({
        ...simpleReq,
        tools: [{ name: "get_time", description: "Time", inputSchema: { type: "object" } }],
      });
      expect(r.content).toBeNull();
      expect(r.toolCalls).toEqual([
        { id: "x1", name: "get_time", arguments: "{oops" },
        { id: "x2", name: "not_a_tool", arguments: '{"a":[1,2]}' },
        { id: "x3", name: "get_time", arguments: "{}" },
      ]);
    });
  });

  it("defaults: no model, usage or finish reason in the answer; a length finish", async () => {
    await withServer(
      json(200, { choices: [{ message: { content: "partial" }, finish_reason: null }] }),
      async (baseUrl) => {
        const r = await createOpenAiCompatibleProvider({ baseUrl }).complete(simpleReq);
        expect(r).toEqual({
          content: "partial",
          toolCalls: [],
          finishReason: "stop",
          model: "gpt-test", // the requested model
          usage: { inputTokens: 0, outputTokens: 0 },
        });
      },
    );
    await withServer(
      json(200, {
        model: "m",
        choices: [{ message: { content: "..." }, finish_reason: "length" }],
        usage: { prompt_tokens: 5 },
      }),
      async (baseUrl) => {
        const r = await createOpenAiCompatibleProvider({ baseUrl }).complete(simpleReq);
        expect(r.finishReason).toBe("length");
        expect(r.usage).toEqual({ inputTokens: 5, outputTokens: 0 });
      },
    );
    await withServer(json(200, completion({ content: "" }, "content_filter")), async (baseUrl) => {
      const r = await createOpenAiCompatibleProvider({ baseUrl }).complete(simpleReq);
      expect(r.finishReason).toBe("content_filter");
    });
  });

  it("sends the endpoint's maxOutputTokens and its provider options (unknown keys as body fields)", async () => {
    await withServer(json(200, completion({ content: "ok" }, "stop")), async (baseUrl, received) => {
      await createOpenAiCompatibleProvider({
        baseUrl,
        name: "vllm-a",
        maxOutputTokens: 512,
        providerOptions: { reasoningEffort: "low", chat_template_kwargs: { enable_thinking: false } },
      }).complete(simpleReq);
      expect(received[0]!.body).toEqual({
        model: "gpt-test",
        max_tokens: 512,
        reasoning_effort: "low",
        chat_template_kwargs: { enable_thinking: false },
        messages: [
          { role: "system", content: "You are terse." },
          { role: "user", content: "Hi" },
        ],
      });
    });
  });

  it("sends a base URL's query string with every request, and keeps its values out of errors", async () => {
    await withServer(json(500, { error: { message: "down" } }), async (baseUrl, received) => {
      const e = await failure(
        createOpenAiCompatibleProvider({ baseUrl: `${baseUrl}?api-version=2024-10-21&code=${KEY}` }).complete(
          simpleReq,
        ),
      );
      expect(received[0]!.url).toBe(`/v1/chat/completions?api-version=2024-10-21&code=${KEY}`);
      expect(e.kind).toBe("server_error");
      expect(e.message).not.toContain(KEY);
    });
  });

  it("429 with Retry-After: 2 is retryable rate_limited after 2000 ms", async () => {
    await withServer(
      json(429, { error: { message: "slow down" } }, { "retry-after": "2" }),
      async (baseUrl, received) => {
        const e = await failure(createOpenAiCompatibleProvider({ baseUrl, apiKey: KEY }).complete(simpleReq));
        expect(received).toHaveLength(1); // the SDK's own retries are off: Cairn retries the step durably
        expect(e.retryable).toBe(true);
        expect(e.kind).toBe("rate_limited");
        expect(e.retryAfterMs).toBe(2000);
        expect(e.status).toBe(429);
        expect(e.message).toBe("openai: HTTP 429 Too Many Requests: slow down");
      },
    );
  });

  it("parses retry-after-ms and HTTP-date Retry-After", () => {
    expect(parseRetryAfter(new Headers({ "retry-after-ms": "1500", "retry-after": "2" }))).toBe(1500);
    expect(parseRetryAfter({ "retry-after-ms": "250" })).toBe(250);
    const now = Date.parse("Wed, 21 Oct 2015 07:28:00 GMT");
    expect(parseRetryAfter(new Headers({ "retry-after": "Wed, 21 Oct 2015 07:28:05 GMT" }), now)).toBe(5000);
    expect(parseRetryAfter(new Headers({ "retry-after": "Wed, 21 Oct 2015 07:27:00 GMT" }), now)).toBe(0);
    expect(parseRetryAfter(new Headers({ "retry-after": "soon" }))).toBeUndefined();
    expect(parseRetryAfter(new Headers())).toBeUndefined();
  });

  it("500 and 503 with retry-after-ms are retryable server_error", async () => {
    await withServer(json(500, "upstream exploded"), async (baseUrl, received) => {
      const e = await failure(createOpenAiCompatibleProvider({ baseUrl }).complete(simpleReq));
      expect(received).toHaveLength(1);
      expect(e.retryable).toBe(true);
      expect(e.kind).toBe("server_error");
      expect(e.status).toBe(500);
      expect(e.retryAfterMs).toBeUndefined();
      expect(e.message).toBe("openai: HTTP 500 Internal Server Error: upstream exploded");
    });
    await withServer(json(503, { error: { message: "busy" } }, { "retry-after-ms": "750" }), async (baseUrl) => {
      const e = await failure(createOpenAiCompatibleProvider({ baseUrl }).complete(simpleReq));
      expect(e).toMatchObject({ retryable: true, kind: "server_error", status: 503, retryAfterMs: 750 });
    });
  });

  it("400 is terminal bad_request with the error type and code, not a long body", async () => {
    const long = "x".repeat(5000);
    await withServer(
      json(400, { error: { message: `bad model ${long}`, type: "invalid_request_error", code: "model_not_found" } }),
      async (baseUrl) => {
        const e = await failure(createOpenAiCompatibleProvider({ baseUrl }).complete(simpleReq));
        expect(e.retryable).toBe(false);
        expect(e.kind).toBe("bad_request");
        expect(e.status).toBe(400);
        expect(e.message).toBe("openai: HTTP 400 Bad Request: invalid_request_error (model_not_found)");
      },
    );
    await withServer(json(400, { error: { message: "The model does not exist." } }), async (baseUrl) => {
      const e = await failure(createOpenAiCompatibleProvider({ baseUrl }).complete(simpleReq));
      expect(e.message).toBe("openai: HTTP 400 Bad Request: The model does not exist.");
    });
  });

  it("401 is terminal auth and never shows the key", async () => {
    // A server that echoes the key (as OpenAI partially does) must not leak it either.
    await withServer(json(401, { error: { message: `Incorrect API key provided: ${KEY}` } }), async (baseUrl) => {
      const e = await failure(createOpenAiCompatibleProvider({ baseUrl, apiKey: KEY }).complete(simpleReq));
      expect(e.retryable).toBe(false);
      expect(e.kind).toBe("auth");
      expect(e.status).toBe(401);
      expect(e.message).toBe("openai: HTTP 401 Unauthorized");
      expect(JSON.stringify(e)).not.toContain(KEY);
    });
  });

  it("a 200 that is not JSON or has no choices is terminal invalid_response", async () => {
    await withServer(json(200, "<html>proxy error</html>"), async (baseUrl) => {
      const e = await failure(createOpenAiCompatibleProvider({ baseUrl }).complete(simpleReq));
      expect(e.retryable).toBe(false);
      expect(e.kind).toBe("invalid_response");
      expect(e.status).toBe(200);
      expect(e.message).toBe(
        "openai: response is not JSON (HTTP 200) (body of 24 bytes, application/json, not quoted)",
      );
    });
    for (const body of [{ choices: [] }, { choices: [{ message: { tool_calls: [{ function: {} }] } }] }, [1]]) {
      await withServer(json(200, body), async (baseUrl) => {
        const e = await failure(createOpenAiCompatibleProvider({ baseUrl }).complete(simpleReq));
        expect(e.retryable).toBe(false);
        expect(e.kind).toBe("invalid_response");
      });
    }
  });

  it("a server that never answers gives a retryable timeout", async () => {
    await withServer(
      () => {
        /* never answer */
      },
      async (baseUrl) => {
        const e = await failure(createOpenAiCompatibleProvider({ baseUrl }).complete(simpleReq, { timeoutMs: 200 }));
        expect(e.retryable).toBe(true);
        expect(e.kind).toBe("timeout");
        expect(e.message).toMatch(
          /^openai: no answer within 200 ms from http:\/\/127\.0\.0\.1:\d+\/v1\/chat\/completions$/,
        );
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
          createOpenAiCompatibleProvider({ baseUrl }).complete(simpleReq, { signal: ac.signal, timeoutMs: 10_000 }),
        );
        expect(e.retryable).toBe(false);
        expect(e.kind).toBe("aborted");
      },
    );
  });

  it("connection refused is retryable network", async () => {
    // A port that was just free: nothing listens on it.
    const closed = await startHttpServer(() => undefined);
    await closed.close();
    const port = new URL(closed.origin).port;

    const e = await failure(
      createOpenAiCompatibleProvider({ baseUrl: `http://127.0.0.1:${port}/v1`, apiKey: KEY }).complete(simpleReq),
    );
    expect(e.retryable).toBe(true);
    expect(e.kind).toBe("network");
    expect(e.message).toContain("ECONNREFUSED");
    expect(e.message).not.toContain(KEY);
  });
});

describe("structured output (ModelRequest.output)", () => {
  const schema = { type: "object", properties: { city: { type: "string" } }, required: ["city"] };

  it("asks for the json_schema response format, with the schema and its name, not in strict mode", async () => {
    await withServer(json(200, completion({ content: '{"city":"Oslo"}' }, "stop")), async (baseUrl, received) => {
      const p = createOpenAiCompatibleProvider({ baseUrl, apiKey: KEY });
      const r = await p.complete({ ...simpleReq, output: { name: "place", schema } });
      expect(r.content).toBe('{"city":"Oslo"}');
      expect(received[0]!.body).toEqual({
        model: "gpt-test",
        messages: [
          { role: "system", content: "You are terse." },
          { role: "user", content: "Hi" },
        ],
        response_format: { type: "json_schema", json_schema: { name: "place", schema, strict: false } },
      });
      await p.complete(simpleReq);
      expect(received[1]!.body).not.toHaveProperty("response_format");
    });
  });

  it("an answer that does not fit the schema is returned as it is (the runtime checks it)", async () => {
    await withServer(json(200, completion({ content: "It is cold." }, "stop")), async (baseUrl) => {
      const r = await createOpenAiCompatibleProvider({ baseUrl }).complete({
        ...simpleReq,
        output: { name: "place", schema },
      });
      expect(r.content).toBe("It is cold.");
    });
  });

  it("a server without structured outputs gets the schema in the system prompt instead", async () => {
    await withServer(json(200, completion({ content: "{}" }, "stop")), async (baseUrl, received) => {
      await createOpenAiCompatibleProvider({ baseUrl, structuredOutputs: false }).complete({
        ...simpleReq,
        output: { name: "place", schema },
      });
      expect(received[0]!.body).toEqual({
        model: "gpt-test",
        messages: [
          { role: "system", content: "You are terse." },
          {
            role: "system",
            content: `Your final answer (when you call no tool) must be only a JSON value, with no other text, that validates against this JSON Schema:\n${JSON.stringify(schema)}`,
          },
          { role: "user", content: "Hi" },
        ],
      });
    });
  });
});

describe("openai provider (the OpenAI API itself)", () => {
  it("sends the Chat Completions request with the key, reasoning effort, non-strict tools and response format", async () => {
    const schema = { type: "object", properties: { n: { type: "number" } } };
    await withServer(json(200, completion({ content: '{"n":1}' }, "stop")), async (baseUrl, received) => {
      const p = createOpenAiProvider({
        baseUrl,
        apiKey: KEY,
        maxOutputTokens: 1000,
        providerOptions: { reasoningEffort: "low" },
      });
      expect(p.name).toBe("openai");
      const r = await p.complete({
        model: "o4-mini",
        messages: [
          { role: "system", content: "Count." },
          { role: "user", content: "One?" },
        ],
        tools: [{ name: "add", description: "Adds", inputSchema: { type: "object" } }],
        output: { name: "count", schema },
      });
      expect(r).toEqual({
        content: '{"n":1}',
        toolCalls: [],
        finishReason: "stop",
        model: "gpt-test-2024",
        usage: { inputTokens: 12, outputTokens: 3 },
      });
      const got = received[0]!;
      expect(got.url).toBe("/v1/chat/completions");
      expect(got.headers["authorization"]).toBe(`Bearer ${KEY}`);
      // A reasoning model: the system prompt is the developer message, max_tokens is max_completion_tokens.
      expect(got.body).toEqual({
        model: "o4-mini",
        max_completion_tokens: 1000,
        reasoning_effort: "low",
        response_format: { type: "json_schema", json_schema: { name: "count", schema, strict: false } },
        messages: [
          { role: "developer", content: "Count." },
          { role: "user", content: "One?" },
        ],
        tools: [
          {
            type: "function",
            function: { name: "add", description: "Adds", parameters: { type: "object" }, strict: false },
          },
        ],
        tool_choice: "auto",
      });
    });
  });

  it("a bad reasoning effort is refused before anything is sent (terminal bad_request)", async () => {
    await withServer(json(200, completion({ content: "x" }, "stop")), async (baseUrl, received) => {
      const e = await failure(
        createOpenAiProvider({ baseUrl, providerOptions: { reasoningEffort: "enormous" } }).complete(simpleReq),
      );
      expect(e).toMatchObject({ retryable: false, kind: "bad_request", message: "openai: invalid providerOptions" });
      expect(received).toHaveLength(0);
    });
  });
});

describe("azure provider", () => {
  it("calls the deployment with the api-key header (a gateway's base URL is used as given)", async () => {
    await withHttpServer(json(200, completion({ content: "hi" }, "stop")), async (origin, received) => {
      const r = await createAzureProvider({ baseUrl: `${origin}/openai`, apiKey: KEY }).complete({
        ...simpleReq,
        model: "my-deployment",
      });
      expect(r.content).toBe("hi");
      const got = received[0]!;
      expect(got.url).toBe("/openai/chat/completions");
      expect(got.headers["api-key"]).toBe(KEY);
      expect(got.headers["authorization"]).toBeUndefined();
      expect(got.body).toEqual({
        model: "my-deployment",
        messages: [
          { role: "system", content: "You are terse." },
          { role: "user", content: "Hi" },
        ],
      });
    });
  });
});

describe("images and the response's token limit", () => {
  it("sends the task's images as URLs (never fetched by the llm-caller) and the request's maxOutputTokens as max_tokens", async () => {
    await withServer(json(200, completion({ content: "a cat" }, "stop")), async (baseUrl, received) => {
      await createOpenAiCompatibleProvider({ baseUrl, maxOutputTokens: 500 }).complete({
        model: "gpt-test",
        messages: [
          {
            role: "user",
            content: "what is this?",
            images: [{ url: "https://img.invalid/cat.png", mediaType: "image/png" }],
          },
        ],
        tools: [],
        maxOutputTokens: 64,
      });
      expect(received).toHaveLength(1); // one request: the image was not downloaded
      expect(received[0]!.body).toMatchObject({
        max_tokens: 64,
        messages: [
          {
            role: "user",
            content: [
              { type: "text", text: "what is this?" },
              { type: "image_url", image_url: { url: "https://img.invalid/cat.png" } },
            ],
          },
        ],
      });
    });
  });
});
