import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Kvm } from "@nats-io/kv";
import { Subjects } from "@cairn/protocol";
import {
  spawnService,
  startHttpServer,
  startNatsServer,
  uniquePrefix,
  waitFor,
  type RunningNatsServer,
  type ServiceProcess,
  type TestHttpServer,
} from "@cairn/testing";
import { clientFor, connectNats, killAll, makeFixture, runLog, serviceEnv, startServiceProcesses } from "../helpers.js";

// Issue 24 part 4's acceptance: token-aware admission with real processes. Two llm-callers share
// the budgets of two endpoints of a local OpenAI-wire server: "tight" has a small configured
// budget (tokens per 6-second window) and sends no rate-limit headers; "learn" has a large
// configured budget but the server enforces a smaller one of its own (fixed 6-second windows,
// 429 past it) and says so in OpenAI's x-ratelimit headers. One llm-caller is SIGKILLed while
// calls are waiting and in flight.

const WINDOW_MS = 6_000;
const TIGHT_TPM = 600; // tokens per window
const LEARN_LIMIT = 400; // the server's own, per window
const COMPLETION = 20;
/** A task of 400 characters: a call is about 100 prompt tokens + 20 completion. */
const task = (i: number): string => `Task ${i}: ${"summarise the admission control design. ".repeat(10)}`.slice(0, 400);

interface Served {
  at: number;
  tokens: number;
  status: number;
  /** The task's number (`Task <i>:` in the prompt). */
  task?: number;
}

/** Prompt tokens as the server counts them: the messages' text at 4 characters a token (as Cairn estimates). */
function promptTokens(body: unknown): number {
  const messages = (body as { messages?: { content?: unknown }[] }).messages ?? [];
  let chars = 0;
  for (const m of messages)
    if (typeof m.content === "string") chars += m.content.length;
    else if (Array.isArray(m.content))
      for (const p of m.content as { text?: string }[]) chars += typeof p.text === "string" ? p.text.length : 0;
  return Math.ceil(chars / 4);
}

/** The most tokens any `span`-long stretch of `served` holds (answered calls only). */
function maxInSpan(served: Served[], span: number): number {
  const ok = served.filter((s) => s.status === 200).sort((a, b) => a.at - b.at);
  let best = 0;
  for (let i = 0; i < ok.length; i++) {
    let n = 0;
    for (let j = i; j < ok.length && ok[j]!.at < ok[i]!.at + span; j++) n += ok[j]!.tokens;
    best = Math.max(best, n);
  }
  return best;
}

let nats: RunningNatsServer;
let http: TestHttpServer;
const tight: Served[] = [];
const learn: Served[] = [];
const started = Date.now();
beforeAll(async () => {
  nats = await startNatsServer();
  // learn's own fixed windows, from the server's start
  const used = new Map<number, number>();
  http = await startHttpServer((req, res, body) => {
    const now = Date.now();
    const tokens = promptTokens(JSON.parse(body)) + COMPLETION;
    const answer = (status: number, headers: Record<string, string> = {}) => {
      res.writeHead(status, { "content-type": "application/json", ...headers });
      res.end(
        JSON.stringify(
          status === 200
            ? {
                id: "chatcmpl-1",
                object: "chat.completion",
                created: 1,
                model: "m",
                choices: [{ index: 0, message: { role: "assistant", content: "done" }, finish_reason: "stop" }],
                usage: { prompt_tokens: tokens - COMPLETION, completion_tokens: COMPLETION },
              }
            : { error: { message: "rate limited", type: "rate_limit_error" } },
        ),
      );
    };
    if (req.url?.startsWith("/tight/")) {
      const n = /Task (\d+):/.exec(body)?.[1];
      tight.push({ at: now, tokens, status: 200, ...(n ? { task: Number(n) } : {}) });
      answer(200);
      return;
    }
    const w = Math.floor((now - started) / WINDOW_MS);
    const resetMs = started + (w + 1) * WINDOW_MS - now;
    const so = used.get(w) ?? 0;
    const headers = (left: number) => ({
      // per minute, as OpenAI says it
      "x-ratelimit-limit-tokens": String((LEARN_LIMIT * 60_000) / WINDOW_MS),
      "x-ratelimit-remaining-tokens": String(Math.max(0, left)),
      "x-ratelimit-reset-tokens": `${resetMs}ms`,
    });
    if (so + tokens > LEARN_LIMIT) {
      learn.push({ at: now, tokens, status: 429 });
      answer(429, { ...headers(LEARN_LIMIT - so), "retry-after-ms": String(resetMs) });
      return;
    }
    used.set(w, so + tokens);
    learn.push({ at: now, tokens, status: 200 });
    answer(200, headers(LEARN_LIMIT - so - tokens));
  });
});
afterAll(async () => {
  await http?.close();
  await nats?.stop();
});

describe("token-aware admission across llm-caller processes", () => {
  it("holds a provider to its tokens per window across two llm-callers, one SIGKILLed mid-way, and learns a lower budget from the provider's headers; every run completes", async () => {
    const f = makeFixture({ unused: [] });
    writeFileSync(
      f.agentsFile,
      JSON.stringify({
        default: "tight",
        agents: {
          tight: { provider: "tight", model: "m-tight", systemPrompt: "s", tools: [], maxTurns: 2 },
          learn: { provider: "learn", model: "m-learn", systemPrompt: "s", tools: [], maxTurns: 2 },
        },
      }),
    );
    const providersFile = join(f.dir, "providers.json");
    writeFileSync(
      providersFile,
      JSON.stringify({
        providers: {
          tight: {
            type: "openai-compatible",
            baseUrl: `${http.origin}/tight/v1`,
            limits: { tpm: TIGHT_TPM, windowMs: WINDOW_MS, outputTokens: COMPLETION },
          },
          learn: {
            type: "openai-compatible",
            baseUrl: `${http.origin}/learn/v1`,
            limits: { tpm: 100_000, windowMs: WINDOW_MS, outputTokens: COMPLETION },
          },
        },
      }),
    );
    const prefix = uniquePrefix();
    const env = serviceEnv(nats.url, prefix, f, {
      CAIRN_PROVIDERS_FILE: providersFile,
      CAIRN_STREAM_TOKENS: "false",
      CAIRN_LLM_MAX_ATTEMPTS: "8",
    });
    const procs: ServiceProcess[] = await startServiceProcesses(env);
    procs.push(await spawnService("llm-caller", env, { provision: false }));
    const client = await clientFor(nats.url, prefix);
    const nc = await connectNats({ servers: nats.url, name: "admission-test" });
    try {
      // learn: one run first, so that the server's headers are known before the rest come
      const first = await client.submit({ task: task(0), agent: "learn" });
      expect((await client.wait(first.runId)).status).toBe("completed");
      const runs: string[] = [first.runId];
      for (let i = 1; i <= 20; i++) runs.push((await client.submit({ task: task(i), agent: "tight" })).runId);
      // submitted last, served first: the budget's waiting calls go by priority
      for (let i = 21; i <= 24; i++)
        runs.push((await client.submit({ task: task(i), agent: "tight", metadata: { priority: "high" } })).runId);
      for (let i = 1; i <= 11; i++) runs.push((await client.submit({ task: task(i), agent: "learn" })).runId);

      // SIGKILL one llm-caller once a third of the tight calls were served (others wait, some are in flight)
      await waitFor("8 tight calls served", async () => (tight.length >= 8 ? true : undefined), 60_000);
      const victim = procs.find((p) => p.name === "llm-caller")!;
      await killAll(procs.splice(procs.indexOf(victim), 1));

      for (const runId of runs) {
        const s = await waitFor(
          `run ${runId} to end`,
          async () => {
            const st = await client.status(runId);
            return st.status === "running" ? undefined : st;
          },
          120_000,
        );
        expect(s.status, JSON.stringify(s)).toBe("completed");
        // no step lost or doubled: one recorded model result per run
        const results = (await runLog(nc, prefix, runId)).filter((e) => e.entry.kind === "llm-result");
        expect(results).toHaveLength(1);
      }

      // the configured budget held at the provider: no window-long span over it (+ one call's size)
      const call = Math.max(...tight.map((s) => s.tokens));
      expect(tight.length).toBeGreaterThanOrEqual(24);
      expect(maxInSpan(tight, WINDOW_MS)).toBeLessThanOrEqual(TIGHT_TPM + call);
      // the 4 high-priority runs, submitted after 20 others, were among the first 12 served
      const order = tight.map((t) => t.task);
      for (let i = 21; i <= 24; i++) expect(order.indexOf(i), `high-priority task ${i}`).toBeLessThan(12);
      // and it was needed: 24 calls hold about 5 windows' worth
      expect(tight.reduce((n, s) => n + s.tokens, 0)).toBeGreaterThan(3 * TIGHT_TPM);

      // learn: the headers lowered its budget to the server's, so (almost) nothing was refused
      const learnCall = Math.max(...learn.map((s) => s.tokens));
      expect(learn.filter((s) => s.status === 429).length).toBeLessThanOrEqual(2);
      expect(maxInSpan(learn, WINDOW_MS)).toBeLessThanOrEqual(LEARN_LIMIT + learnCall);

      // one budget per provider and model, nothing left waiting in either
      const kv = await new Kvm(nc).open(new Subjects(prefix).admissionBucket);
      const keys: string[] = [];
      for await (const k of await kv.keys()) keys.push(k);
      expect(keys.sort()).toEqual(["learn.m-learn.nokey", "tight.m-tight.nokey"]);
      for (const k of keys) {
        const state = (await kv.get(k))!.json<{ waiting: Record<string, unknown> }>();
        expect(state.waiting, k).toEqual({});
      }
    } finally {
      await client.close();
      await nc.close();
      await killAll(procs);
    }
  });
});
