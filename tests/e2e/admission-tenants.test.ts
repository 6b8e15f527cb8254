import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CairnClient } from "@cairn/client";
import {
  adminAuth,
  credentialsEnv,
  shippedAccounts,
  spawnService,
  startHttpServer,
  startNatsServer,
  tenantPassword,
  type RunningNatsServer,
  type ServiceName,
  type ServiceProcess,
  type TenantUser,
  type TestHttpServer,
} from "@cairn/testing";
import { killAll, makeFixture, serviceEnv, waitRun } from "../helpers.js";

// Issue 24 part 4: waiting model calls are served fairly across tenants, with real processes. A
// nats-server with the shipped deploy/nats/accounts.conf and tenants.conf, Cairn's services as OS
// processes each on its own user, and the example tenants' users submitting through their
// accounts' import of the run API: acme floods one small budget (tokens per 6-second window) of a
// local OpenAI-wire server with 20 runs, then globex submits 4. The order in which the server
// received the calls shows globex's were not served after all of acme's.

const WINDOW_MS = 6_000;
const TPM = 600; // tokens per window: 5 calls
const COMPLETION = 20;
const FLOOD = 20;
const FEW = 4;
/** A task of 400 characters: a call is about 100 prompt tokens + 20 completion. */
const task = (tenant: string, i: number): string =>
  `${tenant} ${i}: ${"summarise the admission control design. ".repeat(10)}`.slice(0, 400);

/** Prompt tokens as the server counts them: the messages' text at 4 characters a token (as Cairn estimates). */
function promptTokens(messages: { content?: unknown }[]): number {
  let chars = 0;
  for (const m of messages) if (typeof m.content === "string") chars += m.content.length;
  return Math.ceil(chars / 4);
}

let nats: RunningNatsServer;
let http: TestHttpServer;
/** The calls as the model server received them: `<tenant> <i>` from the task. */
const served: string[] = [];
/** The tokens the server counted, in all. */
let used = 0;
beforeAll(async () => {
  http = await startHttpServer((_req, res, body) => {
    const messages = (JSON.parse(body) as { messages?: { role?: string; content?: unknown }[] }).messages ?? [];
    const user = messages.find((m) => m.role === "user")?.content;
    const who = typeof user === "string" ? /^(\w+ \d+):/.exec(user)?.[1] : undefined;
    served.push(who ?? "?");
    used += promptTokens(messages) + COMPLETION;
    res.writeHead(200, { "content-type": "application/json" });
    res.end(
      JSON.stringify({
        id: "chatcmpl-1",
        object: "chat.completion",
        created: 1,
        model: "m",
        choices: [{ index: 0, message: { role: "assistant", content: "done" }, finish_reason: "stop" }],
        usage: { prompt_tokens: promptTokens(messages), completion_tokens: COMPLETION },
      }),
    );
  });
});
afterAll(async () => {
  await http?.close();
  await nats?.stop();
});

describe("token-aware admission across tenants", () => {
  it("serves a tenant's few waiting calls before another tenant's flood is done (tenants through the shipped accounts); every run completes", async () => {
    // the shipped prefix (the server is this test's own): accounts.conf's permissions as they are,
    // the admission bucket CAIRN_admission's included
    const prefix = "cairn";
    nats = await startNatsServer({ extraConfig: shippedAccounts(prefix) });
    const f = makeFixture({ unused: [] });
    writeFileSync(
      f.agentsFile,
      JSON.stringify({
        default: "tight",
        agents: { tight: { provider: "openai", model: "m-tight", systemPrompt: "s", tools: [], maxTurns: 2 } },
      }),
    );
    const providersFile = join(f.dir, "providers.json");
    writeFileSync(
      providersFile,
      JSON.stringify({
        // named openai: the shipped accounts.conf's llm-caller pulls llm_scripted, llm_openai and llm_anthropic
        providers: {
          openai: {
            type: "openai-compatible",
            baseUrl: `${http.origin}/tight/v1`,
            limits: { tpm: TPM, windowMs: WINDOW_MS, outputTokens: COMPLETION },
          },
        },
      }),
    );
    const env = serviceEnv(nats.url, prefix, f, {
      CAIRN_PROVIDERS_FILE: providersFile,
      CAIRN_STREAM_TOKENS: "false",
    });
    const procs: ServiceProcess[] = [];
    const clients: CairnClient[] = [];
    try {
      // each service on its own user, provisioned by the admin (as in tests/chaos/harness.ts)
      for (const name of ["tool-runner", "llm-caller", "planner"] as ServiceName[]) {
        const user =
          name === "tool-runner"
            ? { ...credentialsEnv("tool-runner-app"), CAIRN_TOOLS: "ledger" }
            : credentialsEnv(name);
        procs.push(await spawnService(name, { ...env, ...user }, { admin: adminAuth() }));
      }
      const tenant = async (user: TenantUser): Promise<CairnClient> => {
        const c = await CairnClient.connect({
          connect: { servers: nats.url, user, pass: tenantPassword(user) },
          prefix,
        });
        clients.push(c);
        return c;
      };
      const acme = await tenant("acme-dev");
      const globex = await tenant("globex-dev");

      // acme floods, then globex submits a few
      const runs: { client: CairnClient; runId: string; tenant: string }[] = [];
      for (let i = 1; i <= FLOOD; i++)
        runs.push({ client: acme, tenant: "ACME", runId: (await acme.submit({ task: task("acme", i) })).runId });
      for (let i = 1; i <= FEW; i++)
        runs.push({
          client: globex,
          tenant: "GLOBEX",
          runId: (await globex.submit({ task: task("globex", i) })).runId,
        });

      for (const r of runs) {
        const s = await waitRun(r.client, r.runId, 120_000);
        expect(s.status, JSON.stringify(s)).toBe("completed");
        // submitted through the tenant's account: the run is its tenant's
        expect(s.tenant).toBe(r.tenant);
      }

      // every call reached the model once
      expect([...served].sort()).toEqual(
        [
          ...Array.from({ length: FLOOD }, (_, i) => `acme ${i + 1}`),
          ...Array.from({ length: FEW }, (_, i) => `globex ${i + 1}`),
        ].sort(),
      );
      // globex's calls, submitted after acme's 20, were served among the first 16 of 24 (in
      // submission order, without fairness, they are the last 4): a tenant with less of the window
      // goes first (about 5 calls fit a window: acme's first ones, then the two tenants' alternate)
      for (let i = 1; i <= FEW; i++)
        expect(served.indexOf(`globex ${i}`), `globex ${i} in ${served.join(", ")}`).toBeLessThan(16);
      // and it was needed: the calls hold about 5 windows' worth, so most of acme's had to wait
      expect(used).toBeGreaterThan(3 * TPM);
    } finally {
      await Promise.all(clients.map((c) => c.close()));
      await killAll(procs);
    }
  });
});
