/**
 * What leaves through tools and providers, under the shipped accounts: secrets a provider echoes
 * never reach the run's log, and http_fetch never reaches loopback through an allowed name.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startHttpServer, type TestHttpServer } from "@cairn/testing";
import { waitRun, type ScriptTurn } from "../helpers.js";
import { startSecuredDeployment, type SecuredDeployment } from "./deployment.js";

const KEY = "sk-live-SECRET1234567890abcdef";
const QUERY_SECRET = "QUERYSECRET987654";

let provider: TestHttpServer;
let internal: TestHttpServer;
let d: SecuredDeployment;

beforeAll(async () => {
  // A provider that echoes the key every way it can in its error.
  provider = await startHttpServer((req, res) => {
    const auth = req.headers.authorization ?? "";
    const echo = `Incorrect API key provided: ${KEY} (${encodeURIComponent(KEY)}, ${Buffer.from(KEY).toString("base64")}, ${KEY.slice(3, 15)}, header ${auth}, url ${req.url})`;
    res
      .writeHead(401, { "content-type": "application/json" })
      .end(JSON.stringify({ error: { message: echo, type: "invalid_request_error", code: "invalid_api_key" } }));
  });
  // Something on loopback an allowed host name resolves to.
  internal = await startHttpServer((_req, res) =>
    res.writeHead(200, { "content-type": "text/plain" }).end("internal secret"),
  );
  const port = new URL(internal.origin).port;
  const scripts: Record<string, ScriptTurn[]> = {
    fetcher: [
      { toolCalls: [{ name: "http_fetch", arguments: { url: `http://localhost:${port}/internal` } }] },
      { content: "Done: {{toolResults}}" },
    ],
  };
  d = await startSecuredDeployment(
    scripts,
    { remote: { tools: [], provider: "openai", model: "gpt-x" }, fetcher: { tools: ["http_fetch"] } },
    {
      OPENAI_BASE_URL: `${provider.origin}/v1?api-key=${QUERY_SECRET}`,
      OPENAI_API_KEY: KEY,
      CAIRN_LLM_MAX_ATTEMPTS: "1",
      CAIRN_HTTP_ALLOW_HOSTS: "localhost",
    },
  );
}, 120_000);
afterAll(async () => {
  await d?.stop();
  await provider?.close();
  await internal?.close();
});

describe("secrets stay out of the log; http_fetch checks addresses", () => {
  it("a provider error that echoes the key (and a key in the URL's query) is recorded without any of it", async () => {
    const { runId } = await d.client.submit({ task: "hello", agent: "remote" });
    const s = await waitRun(d.client, runId, 60_000);
    expect(s.status).toBe("failed");
    expect(provider.received.length).toBeGreaterThan(0);
    const everything = JSON.stringify([s, await d.log(runId)]);
    for (const secret of [
      KEY,
      encodeURIComponent(KEY),
      Buffer.from(KEY).toString("base64"),
      KEY.slice(3, 15),
      KEY.slice(-12),
      QUERY_SECRET,
    ]) {
      expect(everything, secret).not.toContain(secret);
    }
    expect(everything).toMatch(/401/);
  });

  it("an allowed host name that resolves to loopback is refused by address; the internal server is never reached", async () => {
    const { runId } = await d.client.submit({ task: "fetch", agent: "fetcher" });
    const s = await waitRun(d.client, runId, 60_000);
    expect(s.status).toBe("completed");
    expect(s.answer).toMatch(/address_not_allowed|not allowed/);
    expect(s.answer).not.toContain("internal secret");
    expect(internal.received).toEqual([]);
    expect(await d.check(runId)).toEqual([]);
  });
});
