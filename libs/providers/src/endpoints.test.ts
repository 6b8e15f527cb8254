import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it, expect } from "vitest";
import { rejectionOf, withHttpServer } from "@cairn/testing";
import type { ModelRequest } from "@cairn/runtime";
import { createEndpointProvider, loadProvidersFile, parseProvidersFile, ProvidersFileError } from "./endpoints.js";

const FILE = "/etc/cairn/providers.json";
const env = {
  OPENAI_API_KEY: "sk-openai-secret-1",
  ANTHROPIC_API_KEY: "sk-ant-secret-2",
  GW_TOKEN: "gw-token-secret-3",
};

/** The problems a file has, one per line (without the heading). */
function problems(text: string, e: Record<string, string | undefined> = env): string[] {
  try {
    parseProvidersFile(text, FILE, e);
  } catch (err) {
    expect(err).toBeInstanceOf(ProvidersFileError);
    const [head, ...lines] = (err as Error).message.split("\n");
    expect(head).toBe(`invalid providers file ${FILE}:`);
    return lines.map((l) => l.trim());
  }
  throw new Error("expected the file to be refused");
}

describe("providers file", () => {
  it("reads every endpoint type, its key and secret headers from the environment, its limits and options", () => {
    const file = {
      providers: {
        openai: { type: "openai", apiKeyEnv: "OPENAI_API_KEY", providerOptions: { reasoningEffort: "low" } },
        "vllm-a": {
          type: "openai-compatible",
          baseUrl: "http://10.0.0.5:8000/v1",
          maxConcurrent: 8,
          timeoutMs: 300_000,
          headers: { "x-team": "search" },
          headersFromEnv: { "x-gateway-token": "GW_TOKEN" },
          structuredOutputs: false,
          providerOptions: { chat_template_kwargs: { enable_thinking: true } },
        },
        ollama: { type: "openai-compatible", baseUrl: "http://localhost:11434/v1" },
        claude: {
          type: "anthropic",
          apiKeyEnv: "ANTHROPIC_API_KEY",
          maxOutputTokens: 8192,
          providerOptions: { thinking: { type: "enabled", budgetTokens: 2048 } },
        },
        azure: { type: "azure", resourceName: "acme-openai", apiKeyEnv: "OPENAI_API_KEY", apiVersion: "v1" },
      },
    };
    const m = parseProvidersFile(JSON.stringify(file), FILE, env);
    expect([...m.keys()]).toEqual(["openai", "vllm-a", "ollama", "claude", "azure"]);
    expect(m.get("openai")).toEqual({
      type: "openai",
      apiKey: "sk-openai-secret-1",
      providerOptions: { reasoningEffort: "low" },
    });
    expect(m.get("vllm-a")).toEqual({
      type: "openai-compatible",
      baseUrl: "http://10.0.0.5:8000/v1",
      maxConcurrent: 8,
      timeoutMs: 300_000,
      headers: { "x-team": "search", "x-gateway-token": "gw-token-secret-3" },
      structuredOutputs: false,
      providerOptions: { chat_template_kwargs: { enable_thinking: true } },
    });
    expect(m.get("ollama")).toEqual({ type: "openai-compatible", baseUrl: "http://localhost:11434/v1" });
    expect(m.get("claude")).toEqual({
      type: "anthropic",
      apiKey: "sk-ant-secret-2",
      maxOutputTokens: 8192,
      providerOptions: { thinking: { type: "enabled", budgetTokens: 2048 } },
    });
    expect(m.get("azure")).toEqual({
      type: "azure",
      resourceName: "acme-openai",
      apiKey: "sk-openai-secret-1",
      apiVersion: "v1",
    });
  });

  it("names the file and the field of every problem, all at once", () => {
    const file = {
      providers: {
        "bad name": { type: "openai" },
        scripted: { type: "openai" },
        a: { type: "gemini" },
        b: { type: "openai-compatible" },
        c: { type: "openai-compatible", baseUrl: "ftp://x/v1", timeoutMs: 5, maxConcurrent: 0 },
        d: {
          type: "anthropic",
          maxOutputTokens: 1.5,
          providerOptions: { thinking: { type: "enabled", budgetTokens: 10 } },
        },
        e: { type: "openai", apiKeyEnv: "sk-live-abc", providerOptions: { reasoningEffort: "enormous" } },
        f: { type: "azure" },
        g: { type: "openai", baseUrl: "http://x/v1", extra: 1 },
      },
    };
    expect(problems(JSON.stringify(file))).toEqual([
      "providers.bad name: a provider name is 1-64 letters, digits, '_' or '-'",
      'providers.scripted: "scripted" is the built-in scripted model',
      'providers.a.type: type must be "openai", "openai-compatible", "anthropic" or "azure"',
      "providers.b.baseUrl: must be an http(s) URL",
      "providers.c.baseUrl: must be an http(s) URL",
      "providers.c.timeoutMs: Too small: expected number to be >=100",
      "providers.c.maxConcurrent: Too small: expected number to be >=1",
      "providers.d.maxOutputTokens: Invalid input: expected int, received number",
      "providers.d.providerOptions.thinking.budgetTokens: Too small: expected number to be >=1024",
      "providers.e.apiKeyEnv: must be the name of an environment variable (the key itself never goes in the file)",
      'providers.e.providerOptions.reasoningEffort: Invalid option: expected one of "none"|"minimal"|"low"|"medium"|"high"|"xhigh"|"max"',
      "providers.f.resourceName: give resourceName or baseUrl (one of them)",
      'providers.g: Unrecognized key: "extra"',
    ]);
  });

  it("reads admission limits (per endpoint, per model) and names what is wrong in them", () => {
    const ok = parseProvidersFile(
      JSON.stringify({
        providers: {
          o: {
            type: "openai",
            limits: { tpm: 200000, rpm: 500, models: { mini: { tpm: 2000000 } }, windowMs: 10000, outputTokens: 64 },
          },
        },
      }),
      "p.json",
      {},
    );
    expect(ok.get("o")?.limits).toEqual({
      tpm: 200000,
      rpm: 500,
      models: { mini: { tpm: 2000000 } },
      windowMs: 10000,
      outputTokens: 64,
    });
    const bad = {
      providers: {
        o: { type: "openai", limits: { tpm: 0, rpm: 1.5, windowMs: 10, models: { m: { tpm: -1 } }, burst: 3 } },
      },
    };
    expect(problems(JSON.stringify(bad))).toEqual([
      "providers.o.limits.rpm: Invalid input: expected int, received number",
      "providers.o.limits.tpm: tpm must be at least 1 token per window",
      "providers.o.limits.models.m.tpm: Too small: expected number to be >=1",
      "providers.o.limits.windowMs: windowMs must be at least 1000 (a second)",
      'providers.o.limits: Unrecognized key: "burst"',
    ]);
  });

  it("refuses secrets written into the file, and keys whose variable is not set", () => {
    expect(
      problems(
        JSON.stringify({
          providers: {
            a: { type: "openai", apiKey: "sk-inline" },
            b: { type: "openai", headers: { Authorization: "Bearer sk-inline" } },
          },
        }),
      ),
    ).toEqual([
      "providers.a.apiKey: secrets never go in the file: put the key in an environment variable and name it in apiKeyEnv",
      "providers.b.headers.Authorization: a credential's value never goes in the file: name its environment variable in headersFromEnv",
    ]);
    expect(
      problems(
        JSON.stringify({
          providers: {
            a: { type: "openai", apiKeyEnv: "MISSING_KEY" },
            b: { type: "anthropic", apiKeyEnv: "ANTHROPIC_API_KEY", headersFromEnv: { "x-t": "ALSO_MISSING" } },
          },
        }),
        { ANTHROPIC_API_KEY: "k" },
      ),
    ).toEqual([
      "providers.a.apiKeyEnv: the environment variable MISSING_KEY is not set",
      "providers.b.headersFromEnv.x-t: the environment variable ALSO_MISSING is not set",
    ]);
  });

  it("refuses a file that is not JSON or has no providers object", () => {
    expect(problems("{ nope")[0]).toMatch(/^not JSON: /);
    expect(problems("[]")).toEqual(["(file): Invalid input: expected object, received array"]);
    expect(problems('{"providers": {}, "x": 1}')).toEqual(['(file): Unrecognized key: "x"']);
    expect(() => loadProvidersFile("/nonexistent/providers.json", env)).toThrow(
      /^cannot read the providers file \/nonexistent\/providers\.json: ENOENT/,
    );
  });
});

describe("an endpoint from a providers file", () => {
  const req: ModelRequest = { model: "llama-3", messages: [{ role: "user", content: "Hi" }], tools: [] };

  it("an openai-compatible endpoint: its base URL, secret header, token limit, options and time limit", async () => {
    const answer = { model: "llama-3", choices: [{ message: { content: "hello" }, finish_reason: "stop" }] };
    await withHttpServer(
      (q, res) => {
        if (q.url === "/slow/v1/chat/completions") return; // never answers
        res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(answer));
      },
      async (origin, received) => {
        const dir = mkdtempSync(join(tmpdir(), "cairn-providers-"));
        try {
          const file = join(dir, "providers.json");
          writeFileSync(
            file,
            JSON.stringify({
              providers: {
                "vllm-a": {
                  type: "openai-compatible",
                  baseUrl: `${origin}/v1`,
                  headersFromEnv: { "x-gateway-token": "GW_TOKEN" },
                  maxOutputTokens: 256,
                  providerOptions: { top_k: 20 },
                },
                slow: { type: "openai-compatible", baseUrl: `${origin}/slow/v1`, timeoutMs: 150 },
              },
            }),
          );
          const endpoints = loadProvidersFile(file, env);
          const p = createEndpointProvider("vllm-a", endpoints.get("vllm-a")!, { defaultTimeoutMs: 10_000 });
          expect(p.name).toBe("vllm-a");
          const r = await p.complete(req);
          expect(r.content).toBe("hello");
          expect(received[0]!.url).toBe("/v1/chat/completions");
          expect(received[0]!.headers["x-gateway-token"]).toBe(env.GW_TOKEN);
          expect(received[0]!.headers["authorization"]).toBeUndefined();
          expect(received[0]!.body).toEqual({
            model: "llama-3",
            max_tokens: 256,
            top_k: 20,
            messages: [{ role: "user", content: "Hi" }],
          });

          // The endpoint's own time limit wins over the llm-caller's default.
          const slow = createEndpointProvider("slow", endpoints.get("slow")!, { defaultTimeoutMs: 10_000 });
          const e = await rejectionOf<{ kind: string; message: string }>(slow.complete(req));
          expect(e.kind).toBe("timeout");
          expect(e.message).toMatch(/^slow: no answer within 150 ms from /);
        } finally {
          rmSync(dir, { recursive: true, force: true });
        }
      },
    );
  });

  it("an anthropic endpoint: its maxOutputTokens is max_tokens; its key is never in an error", async () => {
    await withHttpServer(
      (_q, res) =>
        res
          .writeHead(401, { "content-type": "application/json" })
          .end(
            JSON.stringify({ type: "error", error: { type: "authentication_error", message: env.ANTHROPIC_API_KEY } }),
          ),
      async (origin, received) => {
        const endpoints = parseProvidersFile(
          JSON.stringify({
            providers: {
              claude: { type: "anthropic", baseUrl: origin, apiKeyEnv: "ANTHROPIC_API_KEY", maxOutputTokens: 8192 },
            },
          }),
          FILE,
          env,
        );
        const e = await rejectionOf<{ kind: string; message: string }>(
          createEndpointProvider("claude", endpoints.get("claude")!).complete(req),
        );
        expect(e).toMatchObject({ kind: "auth", message: "claude: HTTP 401 Unauthorized: authentication_error" });
        expect(received[0]!.headers["x-api-key"]).toBe(env.ANTHROPIC_API_KEY);
        expect(received[0]!.body).toMatchObject({ max_tokens: 8192 });
      },
    );
  });
});
