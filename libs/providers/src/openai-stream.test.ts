import { describe, it, expect } from "vitest";
import {
  eventStreamHandler,
  rejectionOf,
  withHttpServer,
  type HttpHandler,
  type ReceivedRequest,
} from "@cairn/testing";
import type { ModelRequest } from "@cairn/runtime";
import { createOpenAiCompatibleProvider } from "./openai.js";

type Received = ReceivedRequest;
type Handler = HttpHandler;

/** A real server for the provider's wire protocol on 127.0.0.1:<random>; `received` records every request. */
function withServer<T>(handler: Handler, fn: (baseUrl: string, received: Received[]) => Promise<T>): Promise<T> {
  return withHttpServer(handler, (origin, received) => fn(`${origin}/v1`, received));
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** One `data:` event. */
function data(chunk: unknown): string {
  return `data: ${typeof chunk === "string" ? chunk : JSON.stringify(chunk)}\n\n`;
}

/** A chat.completion.chunk with one choice. */
function chunk(
  delta: Record<string, unknown>,
  finish: string | null = null,
  extra: Record<string, unknown> = {},
): string {
  return data({
    id: "chatcmpl-s",
    object: "chat.completion.chunk",
    model: "gpt-stream",
    choices: [{ index: 0, delta, finish_reason: finish }],
    ...extra,
  });
}

const stream = (parts: string[], o: Parameters<typeof eventStreamHandler>[1] = {}): Handler =>
  eventStreamHandler(parts, { contentType: "text/event-stream; charset=utf-8", ...o });

const KEY = "sk-test-secret-key-123";

const simpleReq: ModelRequest = {
  model: "gpt-test",
  messages: [
    { role: "system", content: "You are terse." },
    { role: "user", content: "Hi" },
  ],
  tools: [],
};

type Failure = { retryable: boolean; kind: string; status?: number; retryAfterMs?: number; message: string };

const failure = (p: Promise<unknown>): Promise<Failure> => rejectionOf(p);

const textStream = [
  chunk({ role: "assistant", content: "" }),
  chunk({ content: "Hel" }),
  chunk({ content: "lo, " }),
  chunk({ content: "wörld!" }),
  chunk({}, "stop"),
  data({
    id: "chatcmpl-s",
    object: "chat.completion.chunk",
    model: "gpt-stream",
    choices: [],
    usage: { prompt_tokens: 9, completion_tokens: 4, total_tokens: 13 },
  }),
  data("[DONE]"),
];

describe("openai provider, streaming", () => {
  it("streams content deltas to onToken in order while the answer is still being written; usage from the last chunk", async () => {
    let sawFirst!: () => void;
    const firstSeen = new Promise<void>((resolve) => (sawFirst = resolve));
    const tokens: string[] = [];
    // The server holds back the rest until the client has seen the first delta: only a real stream passes.
    await withServer(stream(textStream, { gate: firstSeen, gateAt: 2 }), async (baseUrl, received) => {
      const r = await createOpenAiCompatibleProvider({ baseUrl, apiKey: KEY }).complete(simpleReq, {
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
        model: "gpt-stream",
        usage: { inputTokens: 9, outputTokens: 4 },
      });
      const got = received[0]!;
      expect(got.headers["authorization"]).toBe(`Bearer ${KEY}`);
      expect(got.body).toEqual({
        model: "gpt-test",
        messages: [
          { role: "system", content: "You are terse." },
          { role: "user", content: "Hi" },
        ],
        stream: true,
        stream_options: { include_usage: true },
      });
    });
  });

  it("without onToken the call is not streamed", async () => {
    const answer = { model: "m", choices: [{ message: { content: "ok" }, finish_reason: "stop" }] };
    await withServer(
      (_req, res) => {
        res.writeHead(200, { "content-type": "application/json" });
        res.end(JSON.stringify(answer));
      },
      async (baseUrl, received) => {
        const r = await createOpenAiCompatibleProvider({ baseUrl }).complete(simpleReq);
        expect(r.content).toBe("ok");
        expect(received[0]!.body).not.toHaveProperty("stream");
        expect(received[0]!.body).not.toHaveProperty("stream_options");
      },
    );
  });

  it("assembles tool-call deltas by index across chunks, including interleaved parallel calls", async () => {
    const parts = [
      chunk({
        role: "assistant",
        content: null,
        tool_calls: [{ index: 0, id: "call_a", type: "function", function: { name: "get_weather", arguments: "" } }],
      }),
      chunk({ tool_calls: [{ index: 0, function: { arguments: '{"ci' } }] }),
      chunk({
        tool_calls: [{ index: 1, id: "call_b", type: "function", function: { name: "get_time", arguments: '{"tz"' } }],
      }),
      chunk({ tool_calls: [{ index: 0, function: { arguments: 'ty":"Os' } }] }),
      chunk({
        tool_calls: [
          { index: 1, function: { arguments: ':"CET"}' } },
          { index: 0, function: { arguments: 'lo"}' } },
        ],
      }),
      chunk({ tool_calls: [{ index: 2, id: "call_c", type: "function", function: { name: "noop" } }] }),
      chunk({}, "tool_calls"),
      data({ choices: [], usage: { prompt_tokens: 40, completion_tokens: 20 } }),
      data("[DONE]"),
    ];
    // Also split the bytes at awkward places (inside lines, inside a multi-byte character).
    const whole = Buffer.from(parts.join(""), "utf8");
    await withServer(
      (_req, res) => {
        res.writeHead(200, { "content-type": "text/event-stream" });
        void (async () => {
          for (let i = 0; i < whole.length; i += 29) {
            res.write(whole.subarray(i, i + 29));
            await sleep(1);
          }
          res.end();
        })();
      },
      async (baseUrl) => {
        const tokens: string[] = [];
        const r = await createOpenAiCompatibleProvider({ baseUrl }).complete(simpleReq, {
          onToken: (t) => tokens.push(t),
        });
        expect(tokens).toEqual([]);
        expect(r).toEqual({
          content: null,
          toolCalls: [
            { id: "call_a", name: "get_weather", arguments: '{"city":"Oslo"}' },
            { id: "call_b", name: "get_time", arguments: '{"tz":"CET"}' },
            { id: "call_c", name: "noop", arguments: "{}" },
          ],
          finishReason: "tool_calls",
          model: "gpt-stream",
          usage: { inputTokens: 40, outputTokens: 20 },
        });
      },
    );
  });

  it("handles CRLF line ends, comments and whole tool calls without index (as some servers send)", async () => {
    const parts = [
      ": keep-alive\r\n\r\n",
      chunk({ content: "ok" }).replace(/\n/g, "\r\n"),
      chunk({ tool_calls: [{ id: "x1", function: { name: "a", arguments: '{"n":1}' } }] }),
      chunk({ tool_calls: [{ id: "x2", function: { name: "b", arguments: '{"n":2}' } }] }),
      chunk({}, "length"),
      "data: [DONE]\r\n\r\n",
    ];
    await withServer(stream(parts), async (baseUrl) => {
      const r = await createOpenAiCompatibleProvider({ baseUrl }).complete(simpleReq, { onToken: () => undefined });
      expect(r.content).toBe("ok");
      expect(r.finishReason).toBe("length");
      expect(r.usage).toEqual({ inputTokens: 0, outputTokens: 0 });
      expect(r.toolCalls).toEqual([
        { id: "x1", name: "a", arguments: '{"n":1}' },
        { id: "x2", name: "b", arguments: '{"n":2}' },
      ]);
    });
  });

  it("accepts a stream that ends after its finish reason without [DONE]", async () => {
    await withServer(stream(textStream.slice(0, 5)), async (baseUrl) => {
      const r = await createOpenAiCompatibleProvider({ baseUrl }).complete(simpleReq, { onToken: () => undefined });
      expect(r.content).toBe("Hello, wörld!");
      expect(r.finishReason).toBe("stop");
    });
  });

  it("a stream cut off mid-way is a retryable error", async () => {
    // The connection dies in the middle of the stream.
    await withServer(stream(textStream.slice(0, 3), { end: "destroy" }), async (baseUrl) => {
      const tokens: string[] = [];
      const e = await failure(
        createOpenAiCompatibleProvider({ baseUrl, apiKey: KEY }).complete(simpleReq, {
          onToken: (t) => tokens.push(t),
        }),
      );
      expect(e.retryable).toBe(true);
      expect(e.kind).toBe("network");
      expect(e.message).not.toContain(KEY);
      expect(tokens).toEqual(["Hel", "lo, "]);
    });
    // The server ends the response cleanly but early, in the middle of an event.
    await withServer(stream([...textStream.slice(0, 3), 'data: {"choices":[{"delta":{"cont']), async (baseUrl) => {
      const e = await failure(
        createOpenAiCompatibleProvider({ baseUrl }).complete(simpleReq, { onToken: () => undefined }),
      );
      expect(e.retryable).toBe(true);
      expect(e.kind).toBe("network");
      expect(e.message).toMatch(
        /^openai: the response stream from http:\/\/127\.0\.0\.1:\d+\/v1\/chat\/completions ended before the model finished$/,
      );
    });
  });

  it("a stream that stalls runs into the time limit (retryable timeout)", async () => {
    await withServer(stream(textStream.slice(0, 2), { end: "hang" }), async (baseUrl) => {
      const e = await failure(
        createOpenAiCompatibleProvider({ baseUrl, defaultTimeoutMs: 300 }).complete(simpleReq, {
          onToken: () => undefined,
        }),
      );
      expect(e.retryable).toBe(true);
      expect(e.kind).toBe("timeout");
    });
  });

  it("an error object in the stream is mapped; garbage is invalid_response; HTTP errors as usual", async () => {
    await withServer(
      stream([textStream[1]!, data({ error: { type: "server_error", message: "model crashed" } })]),
      async (baseUrl) => {
        const e = await failure(
          createOpenAiCompatibleProvider({ baseUrl }).complete(simpleReq, { onToken: () => undefined }),
        );
        expect(e.retryable).toBe(true);
        expect(e.kind).toBe("server_error");
        expect(e.message).toContain("model crashed");
      },
    );
    await withServer(stream([data("{not json")]), async (baseUrl) => {
      const e = await failure(
        createOpenAiCompatibleProvider({ baseUrl }).complete(simpleReq, { onToken: () => undefined }),
      );
      expect(e.retryable).toBe(false);
      expect(e.kind).toBe("invalid_response");
    });
    await withServer(
      (_req, res) => {
        res.writeHead(503, { "content-type": "application/json", "retry-after": "2" });
        res.end('{"error":{"message":"busy"}}');
      },
      async (baseUrl) => {
        const e = await failure(
          createOpenAiCompatibleProvider({ baseUrl }).complete(simpleReq, { onToken: () => undefined }),
        );
        expect(e.retryable).toBe(true);
        expect(e.kind).toBe("server_error");
        expect(e.status).toBe(503);
        expect(e.retryAfterMs).toBe(2000);
        expect(e.message).toBe("openai: HTTP 503 Service Unavailable: busy");
      },
    );
  });

  it("a streamed answer and the same answer not streamed give the same response", async () => {
    const parts = [
      chunk({ role: "assistant", content: "Let me " }),
      chunk({ content: "check." }),
      chunk({
        tool_calls: [{ index: 0, id: "call_1", type: "function", function: { name: "lookup", arguments: "" } }],
      }),
      chunk({ tool_calls: [{ index: 0, function: { arguments: '{"q": "a"}' } }] }),
      chunk({}, "tool_calls"),
      data({ model: "gpt-stream", choices: [], usage: { prompt_tokens: 7, completion_tokens: 5 } }),
      data("[DONE]"),
    ];
    const whole = {
      model: "gpt-stream",
      choices: [
        {
          message: {
            content: "Let me check.",
            tool_calls: [{ id: "call_1", type: "function", function: { name: "lookup", arguments: '{"q": "a"}' } }],
          },
          finish_reason: "tool_calls",
        },
      ],
      usage: { prompt_tokens: 7, completion_tokens: 5 },
    };
    const req = { ...simpleReq, tools: [{ name: "lookup", description: "Looks up", inputSchema: { type: "object" } }] };
    const streamedR = await withServer(stream(parts), (baseUrl) =>
      createOpenAiCompatibleProvider({ baseUrl }).complete(req, { onToken: () => undefined }),
    );
    const plainR = await withServer(
      (_q, res) => res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(whole)),
      (baseUrl) => createOpenAiCompatibleProvider({ baseUrl }).complete(req),
    );
    expect(streamedR).toEqual({
      content: "Let me check.",
      toolCalls: [{ id: "call_1", name: "lookup", arguments: '{"q":"a"}' }],
      finishReason: "tool_calls",
      model: "gpt-stream",
      usage: { inputTokens: 7, outputTokens: 5 },
    });
    expect(plainR).toEqual(streamedR);
  });

  it("a server that ignores stream: true and answers with JSON still works", async () => {
    const answer = {
      model: "m",
      choices: [{ message: { content: "whole" }, finish_reason: "stop" }],
      usage: { prompt_tokens: 1, completion_tokens: 2 },
    };
    await withServer(
      (_req, res) => {
        res.writeHead(200, { "content-type": "application/json" });
        res.end(JSON.stringify(answer));
      },
      async (baseUrl, received) => {
        const tokens: string[] = [];
        const r = await createOpenAiCompatibleProvider({ baseUrl }).complete(simpleReq, {
          onToken: (t) => tokens.push(t),
        });
        expect(received).toHaveLength(1); // read as it came, not asked again
        expect(tokens).toEqual(["whole"]);
        expect(r).toEqual({
          content: "whole",
          toolCalls: [],
          finishReason: "stop",
          model: "m",
          usage: { inputTokens: 1, outputTokens: 2 },
        });
      },
    );
  });
});
