import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { CairnClient } from "@cairn/client";
import { parseAgents } from "@cairn/planner";
import { silentLogger } from "@cairn/telemetry";
import { startHttpServer, uniquePrefix, type HttpHandler, type TestHttpServer } from "@cairn/testing";
import { makeFixture, runLog, serviceEnv, useEmbedded, waitRun } from "../helpers.js";

// A local HTTP server speaking the OpenAI Chat Completions wire protocol; each test scripts its answers.
type Answer = HttpHandler;
let answers: Answer[] = [];
let http: TestHttpServer;
const h = useEmbedded();

beforeAll(async () => {
  http = await startHttpServer((req, res, body) => {
    const a = answers.shift();
    if (a) a(req, res, body);
    // no answer scripted: never respond (a hung provider)
  });
});
afterEach(() => {
  answers = [];
  http.received.length = 0;
});
afterAll(() => http.close());

const ok =
  (content: string): Answer =>
  (_q, res) => {
    res.writeHead(200, { "content-type": "application/json" });
    res.end(
      JSON.stringify({
        model: "test-model",
        choices: [{ message: { role: "assistant", content }, finish_reason: "stop" }],
        usage: { prompt_tokens: 11, completion_tokens: 3 },
      }),
    );
  };
const status =
  (code: number, headers: Record<string, string> = {}): Answer =>
  (_q, res) => {
    res.writeHead(code, { "content-type": "application/json", ...headers });
    res.end(JSON.stringify({ error: { message: `status ${code}` } }));
  };

async function start(extra: Record<string, string>): Promise<{ prefix: string; c: CairnClient }> {
  const f = makeFixture({ unused: [] });
  const agents = parseAgents(
    JSON.stringify({
      default: "remote",
      agents: { remote: { provider: "openai", model: "test-model", systemPrompt: "s", tools: [], maxTurns: 3 } },
    }),
  );
  const prefix = uniquePrefix();
  const c = await h.start({
    prefix,
    env: serviceEnv(h.server.url, prefix, f, {
      LOG_LEVEL: "silent",
      OPENAI_BASE_URL: `${http.origin}/v1`,
      OPENAI_API_KEY: "sk-test",
      ...extra,
    }),
    agents,
    log: silentLogger(),
  });
  return { prefix, c };
}

describe("a global limit of model calls in flight per provider", () => {
  it("CAIRN_LLM_LIMITS=openai=1 lets one call reach the provider at a time, across runs", async () => {
    let inFlight = 0;
    let maxInFlight = 0;
    const slow: Answer = (q, res) => {
      inFlight++;
      maxInFlight = Math.max(maxInFlight, inFlight);
      setTimeout(() => {
        inFlight--;
        ok("slow answer")(q, res, "");
      }, 300);
    };
    answers = [slow, slow, slow, slow];
    const { c } = await start({ CAIRN_LLM_LIMITS: "openai=1" });
    const ids = await Promise.all([0, 1, 2, 3].map(async (i) => (await c.submit({ task: `run ${i}` })).runId));
    const statuses = await Promise.all(ids.map((id) => waitRun(c, id)));
    expect(statuses.every((s) => s.status === "completed")).toBe(true);
    expect(http.received).toHaveLength(4);
    expect(maxInFlight).toBe(1);
  });
});

describe("the model provider failing", () => {
  it("429 and 500 are retried with backoff, honouring Retry-After, and the run completes", async () => {
    answers = [status(429, { "retry-after": "1" }), status(500), ok("fine after retries")];
    const { prefix, c } = await start({ CAIRN_LLM_MAX_ATTEMPTS: "4", CAIRN_LLM_RETRY_DELAY_MS: "50" });
    const { runId } = await c.submit({ task: "hello" });
    const s = await waitRun(c, runId);
    expect(s.status).toBe("completed");
    expect(s.answer).toBe("fine after retries");
    expect(http.received).toHaveLength(3);
    expect(http.received[1]!.at - http.received[0]!.at).toBeGreaterThanOrEqual(1000); // Retry-After: 1
    const log = await runLog(c.nc, prefix, runId);
    const r = log.find((e) => e.entry.kind === "llm-result");
    expect(r?.entry.kind === "llm-result" && r.entry.message).toMatchObject({
      ok: true,
      attempts: 3,
      usage: { inputTokens: 11, outputTokens: 3 },
    });
  });

  it("a provider that never answers times out, is retried, and the turn fails with the reason", async () => {
    const { c } = await start({
      CAIRN_LLM_MAX_ATTEMPTS: "2",
      CAIRN_LLM_TIMEOUT_MS: "300",
      CAIRN_LLM_RETRY_DELAY_MS: "50",
    });
    const { runId } = await c.submit({ task: "hello" });
    const s = await waitRun(c, runId);
    expect(s.status).toBe("failed");
    expect(s.reason).toBe("llm_failed");
    expect(http.received).toHaveLength(2);
    const st = await c.status(runId);
    expect(st.errors).toBe(0);
  });

  it("an error that is not retryable (400) fails the turn at once", async () => {
    answers = [status(400)];
    const { prefix, c } = await start({ CAIRN_LLM_MAX_ATTEMPTS: "4" });
    const { runId } = await c.submit({ task: "hello" });
    const s = await waitRun(c, runId);
    expect(s.status).toBe("failed");
    expect(http.received).toHaveLength(1);
    const log = await runLog(c.nc, prefix, runId);
    const ended = log.find((e) => e.entry.kind === "ended");
    expect(ended?.entry.kind === "ended" && ended.entry.message.error).toMatchObject({ kind: "bad_request" });
  });
});
