/**
 * The run inspector (`cairn ui`, @cairn/ui) in a real Chromium (Debian's package, driven by
 * playwright-core), over real services on a real nats-server: the runs list updating live, a run
 * approved from its page, tokens streaming into a model step, hostile run text rendered inert,
 * roles (a user without the approve role sees no button and a forced POST is refused), and the
 * first page of a 10k-run index, measured and reported.
 */
import { execFile, spawn } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync } from "node:fs";
import { get as httpGet } from "node:http";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { chromium, type BrowserContext, type Page } from "playwright-core";
import { CairnClient } from "@cairn/client";
import { encode, Subjects, type RunStatus } from "@cairn/protocol";
import { parseAgents, newRunId } from "@cairn/planner";
import { silentLogger } from "@cairn/telemetry";
import { startUi, type RunningUi } from "@cairn/ui";
import { startHttpServer, tempDir, uniquePrefix, waitFor, workspaceRoot, type TestHttpServer } from "@cairn/testing";
import { Kvm } from "@nats-io/kv";
import { makeFixture, serviceEnv, useEmbedded, waitRun, type ScriptTurn } from "../helpers.js";
import { startSecuredDeployment } from "../security/deployment.js";

const CHROMIUM = process.env["CAIRN_CHROMIUM"] || "/usr/bin/chromium";
const haveChromium = existsSync(CHROMIUM);
if (!haveChromium && process.env["CI"] === "true")
  throw new Error(`no chromium at ${CHROMIUM}: run scripts/setup-chromium.sh (the browser tests must run in CI)`);

const root = workspaceRoot();
const results = join(root, ".cairn", "test-results");
const h = useEmbedded();
let browser: BrowserContext;
const uis: RunningUi[] = [];

beforeAll(async () => {
  if (!haveChromium) return;
  browser = await chromium.launchPersistentContext(tempDir("cairn-chromium-"), {
    executablePath: CHROMIUM,
    headless: true,
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
    viewport: { width: 1280, height: 860 },
  });
}, 60_000);
afterAll(async () => {
  for (const u of uis) await u.stop();
  await browser?.close();
});

async function ui(client: CairnClient, extra: Partial<Parameters<typeof startUi>[0]> = {}): Promise<RunningUi> {
  const u = await startUi({ client, pollMs: 300, ...extra });
  uis.push(u);
  return u;
}

async function page(): Promise<Page> {
  const p = await browser.newPage();
  p.setDefaultTimeout(30_000);
  return p;
}

/** Saves a screenshot under .cairn/test-results/, and into $CAIRN_UI_SCREENSHOTS (e.g. docs/images) when set. */
async function screenshot(p: Page, name: string): Promise<void> {
  mkdirSync(results, { recursive: true });
  const file = join(results, name);
  await p.screenshot({ path: file, fullPage: false });
  const dir = process.env["CAIRN_UI_SCREENSHOTS"];
  if (dir) copyFileSync(file, join(dir, name));
}

async function services(
  scripts: Record<string, ScriptTurn[]>,
  agents: Record<string, object>,
  extraEnv: Record<string, string> = {},
): Promise<{ c: CairnClient; prefix: string }> {
  const f = makeFixture(scripts);
  const prefix = uniquePrefix();
  const c = await h.start({
    prefix,
    env: serviceEnv(h.server.url, prefix, f, { LOG_LEVEL: "silent", ...extraEnv }),
    agents: parseAgents(
      JSON.stringify({
        default: Object.keys(agents)[0],
        agents: Object.fromEntries(
          Object.entries(agents).map(([n, a]) => [
            n,
            { provider: "scripted", model: n, systemPrompt: "test agent", tools: ["ledger"], maxTurns: 5, ...a },
          ]),
        ),
      }),
    ),
    log: silentLogger(),
  });
  return { c, prefix };
}

/** An element's text as a reader sees it: runs of whitespace (the markup's line breaks) as one space. */
const words = (s: string | null): string => (s ?? "").replace(/\s+/g, " ").trim();

const HOSTILE = `<script>window.__pwned = 1</script><img src=x onerror="window.__pwned = 2">\u001b[31mred\u0007\u202eevil`;

describe.skipIf(!haveChromium)("cairn ui in Chromium", () => {
  it("the runs list shows runs as they execute and complete, live, without a reload", async () => {
    const { c } = await services(
      {
        sleepy: [
          { toolCalls: [{ name: "sleep", arguments: { ms: 1000 } }] },
          { toolCalls: [{ name: "sleep", arguments: { ms: 1000 } }] },
          { content: "rested" },
        ],
      },
      { sleepy: { tools: ["sleep"] } },
    );
    const ids = await Promise.all(
      [1, 2, 3].map(async (i) => (await c.submit({ task: `rest ${i}`, metadata: { team: "red" } })).runId),
    );
    const u = await ui(c);
    const p = await page();
    await p.goto(u.url);
    for (const id of ids) await p.locator(`tr[data-run="${id}"]`).waitFor();
    const before = await p.locator("tbody#rows .status").allTextContents();
    expect(before.some((s) => s === "running")).toBe(true);
    await p.evaluate(() => ((globalThis as unknown as { __same: boolean }).__same = true));
    for (const id of ids)
      await p.locator(`tr[data-run="${id}"] .status`, { hasText: "completed" }).waitFor({ timeout: 30_000 });
    expect(await p.evaluate(() => (globalThis as unknown as { __same?: boolean }).__same)).toBe(true); // no reload
    // filters: status, metadata
    await p.goto(`${u.url}?status=failed`);
    await expect(p.locator("tbody#rows").textContent()).resolves.toContain("No runs match");
    await p.goto(`${u.url}?meta=team%3Dred&status=completed`);
    expect(await p.locator("tbody#rows tr[data-run]").count()).toBe(3);
    await p.goto(`${u.url}?since=yesterday`);
    await expect(p.getByRole("alert").textContent()).resolves.toMatch(/since: expected an RFC 3339 time/);
    await p.goto(u.url);
    await screenshot(p, "ui-runs.png");
    await p.close();
  }, 60_000);

  it("a run waiting for approval is approved from its page (with a reason) and finishes live", async () => {
    const { c } = await services(
      {
        pay: [
          { content: "Paying.", toolCalls: [{ name: "ledger", arguments: { item: "invoice 7" } }] },
          { content: "Paid: {{toolResults}}" },
        ],
      },
      { pay: { approve: ["ledger"] } },
    );
    const { runId } = await c.submit({ task: "pay invoice 7" });
    await waitFor("the run to wait for approval", async () => (await c.status(runId)).approvals?.length);
    const u = await ui(c);
    const p = await page();
    await p.goto(`${u.url}runs/${runId}`);
    await expect(p.locator("#summary").textContent()).resolves.toContain("Waiting for approval");
    await p.getByLabel(/Reason \(optional/).fill("checked the invoice");
    await p.getByRole("button", { name: "Approve call" }).click();
    await p.locator("#summary .status", { hasText: "completed" }).waitFor({ timeout: 30_000 });
    expect(words(await p.locator("#timeline").textContent())).toMatch(
      /Approved call \S+ by operator: checked the invoice/,
    );
    await expect(p.locator(".answer").textContent()).resolves.toBe("Paid: recorded invoice 7");
    // the state after a step, a turn's prompt with its hash check, the export
    await p.goto(`${u.url}runs/${runId}?at=1`);
    await expect(p.locator("#at-h").textContent()).resolves.toMatch(/State after step 1 of \d+/);
    await p.goto(`${u.url}runs/${runId}?prompt=1`);
    await expect(p.locator("#prompt-h").locator("..").textContent()).resolves.toContain("Matches");
    const exported = await p.request.get(`${u.url}runs/${runId}/export`);
    expect(exported.status()).toBe(200);
    expect((await exported.text()).split("\n")[0]).toContain('"format":"cairn.run-log"');
    await p.goto(`${u.url}runs/${runId}`);
    await screenshot(p, "ui-run.png");
    await p.close();
  }, 60_000);

  it("a hostile run's text (HTML, script, control characters) renders inert and visibly escaped", async () => {
    const { c } = await services({ evil: [{ content: HOSTILE }] }, { evil: {} });
    const { runId } = await c.submit({ task: HOSTILE });
    await waitRun(c, runId);
    const u = await ui(c);
    const p = await page();
    const dialogs: string[] = [];
    p.on("dialog", (d) => void d.dismiss().then(() => dialogs.push(d.message())));
    for (const url of [u.url, `${u.url}runs/${runId}`]) {
      await p.goto(url);
      await p.waitForLoadState("load");
      const text = (await p.locator("main").textContent()) ?? "";
      expect(text).toContain('<script>window.__pwned = 1</script><img src=x onerror="window.__pwned = 2">');
      expect(text).toContain("\\x1b[31mred\\x07\\u202eevil");
      expect(text).not.toContain("\u001b");
      expect(await p.evaluate(() => (globalThis as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
      expect(await p.locator("main img, main script").count()).toBe(0);
    }
    expect(dialogs).toEqual([]);
    await p.close();
  }, 60_000);

  it("tokens stream into the model step while the call runs (a local OpenAI-compatible streaming server)", async () => {
    let release!: () => void;
    const released = new Promise<void>((r) => (release = r));
    let connected!: () => void;
    const called = new Promise<void>((r) => (connected = r));
    const chunk = (delta: object, finish: string | null = null): string =>
      `data: ${JSON.stringify({ id: "c", object: "chat.completion.chunk", model: "m", choices: [{ index: 0, delta, finish_reason: finish }] })}\n\n`;
    const http: TestHttpServer = await startHttpServer((_req, res) => {
      res.writeHead(200, { "content-type": "text/event-stream" });
      void (async () => {
        connected();
        await released;
        res.write(chunk({ role: "assistant", content: "" }));
        res.write(chunk({ content: "Streaming " }));
        res.write(chunk({ content: "<b>live</b> " }));
        await gate;
        res.write(chunk({ content: "tokens." }));
        res.write(chunk({}, "stop"));
        res.write(
          `data: ${JSON.stringify({ id: "c", object: "chat.completion.chunk", model: "m", choices: [], usage: { prompt_tokens: 5, completion_tokens: 3 } })}\n\n`,
        );
        res.end("data: [DONE]\n\n");
      })();
    });
    let open!: () => void;
    const gate = new Promise<void>((r) => (open = r));
    try {
      const { c } = await services(
        { unused: [] },
        { remote: { provider: "openai", model: "m", tools: [] } },
        { OPENAI_BASE_URL: `${http.origin}/v1`, OPENAI_API_KEY: "sk-test" },
      );
      const { runId } = await c.submit({ task: "say something" });
      await called;
      const u = await ui(c);
      const p = await page();
      await p.goto(`${u.url}runs/${runId}`);
      const stream = p.locator('[data-stream-turn="1"]');
      await stream.waitFor({ state: "attached" });
      await p.locator("body[data-live=open]").waitFor();
      release();
      await waitFor("the first tokens in the page", async () =>
        (await stream.textContent())?.includes("Streaming <b>live</b>") ? true : undefined,
      );
      expect(await p.locator("#timeline b").count()).toBe(0); // tokens are text, never markup
      open();
      await p.locator("#summary .status", { hasText: "completed" }).waitFor({ timeout: 30_000 });
      await expect(p.locator(".answer").textContent()).resolves.toBe("Streaming <b>live</b> tokens.");
      await p.close();
    } finally {
      release();
      open();
      await http.close();
    }
  }, 60_000);

  it("10k runs in the index: the runs page renders its first page (measured, reported)", async () => {
    const { c, prefix } = await services({ once: [{ content: "done" }] }, { once: {} });
    // The planner's own index records for 10,000 runs (what it writes when runs start and end),
    // written straight into the runs bucket: the list reads nothing else.
    const subjects = new Subjects(prefix);
    const kv = await new Kvm(c.nc).open(subjects.runsBucket);
    const t0 = Date.now() - 10_000 * 1000;
    const N = 10_000;
    for (let i = 0; i < N; i += 500) {
      await Promise.all(
        Array.from({ length: Math.min(500, N - i) }, async (_, j) => {
          const n = i + j;
          const at = new Date(t0 + n * 1000).toISOString();
          const s: RunStatus = {
            v: 1,
            runId: newRunId(new Date(t0 + n * 1000)),
            status: "completed",
            task: `indexed run ${n}`,
            agent: "once",
            turn: 1,
            toolCalls: 0,
            usage: { inputTokens: 10, outputTokens: 2 },
            errors: 0,
            submittedAt: at,
            endedAt: at,
            answer: "done",
          };
          await kv.put(subjects.submissionKey(s.runId), encode({ ...s, status: "running" }));
          await kv.put(s.runId, encode(s));
        }),
      );
    }
    const u = await ui(c);
    const p = await page();
    const started = Date.now();
    await p.goto(u.url);
    await p.locator("tbody#rows tr[data-run]").first().waitFor();
    const wall = Date.now() - started;
    const fcp = await p.evaluate(
      () => performance.getEntriesByName("first-contentful-paint")[0]?.startTime ?? Number.NaN,
    );
    console.log(
      `UI runs page with ${N} runs: first page in ${Math.round(fcp)} ms (navigation to first contentful paint; ${wall} ms to the table in the test)`,
    );
    expect(await p.locator("tbody#rows tr[data-run]").count()).toBe(50);
    await expect(p.locator("tbody#rows tr[data-run]").first().textContent()).resolves.toContain(`indexed run ${N - 1}`);
    await p.getByRole("link", { name: "Older runs" }).click();
    await expect(p.locator("tbody#rows tr[data-run]").first().textContent()).resolves.toContain(
      `indexed run ${N - 51}`,
    );
    await p.close();
  }, 90_000);

  it("cairn ui: loopback by default, always with a token (the URL printed carries it); DNS rebinding refused", async () => {
    const { prefix } = await services({ once: [{ content: "done" }] }, { once: {} });
    const cairn = join(root, "services", "cli", "bin", "cairn.js");
    const env = { PATH: process.env["PATH"] ?? "", HOME: tempDir(), NO_COLOR: "1", CAIRN_PREFIX: prefix };
    const start = async (args: string[]): Promise<{ url: string; stop: () => void }> => {
      const child = spawn(process.execPath, [cairn, "ui", "--server", h.server.url, "--port", "0", ...args], { env });
      const line = await new Promise<string>((resolve, reject) => {
        createInterface({ input: child.stdout }).on("line", (l) => l.includes("open ") && resolve(l));
        child.once("exit", (code) => reject(new Error(`cairn ui exited ${code}`)));
      });
      return { url: line.slice(line.indexOf("http")), stop: () => child.kill("SIGTERM") };
    };
    const local = await start([]);
    try {
      // loopback too: another local user must not act with this user's credential
      expect(local.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/\?token=[A-Za-z0-9_-]{24,}$/);
      const localBare = local.url.replace(/\?.*$/, "");
      const localToken = new URL(local.url).searchParams.get("token")!;
      expect((await fetch(localBare)).status).toBe(401);
      expect((await fetch(localBare, { headers: { authorization: `Bearer ${localToken}` } })).status).toBe(200);
      // the token's redirect stays on this server, whatever the path looks like (sent as is: a
      // request line `/.//evil.example/` is the path `//evil.example/`, which a browser reads as a host)
      const redirect = await new Promise<{ status: number; location: string | undefined }>((resolve, reject) =>
        httpGet(
          { host: "127.0.0.1", port: new URL(localBare).port, path: `/.//evil.example/?token=${localToken}` },
          (r) => {
            r.resume();
            resolve({ status: r.statusCode ?? 0, location: r.headers.location });
          },
        ).on("error", reject),
      );
      expect(redirect).toEqual({ status: 303, location: "/evil.example/" });
      // a cookie that is not percent-encoding is no token, not a server error
      expect((await fetch(localBare, { headers: { cookie: "cairn_ui=%" } })).status).toBe(401);
      // a DNS-rebinding page (another Host name) is refused
      const rebound = await new Promise<number>((resolve) =>
        execFile(
          "curl",
          ["-s", "-o", "/dev/null", "-w", "%{http_code}", "-H", "Host: evil.example", localBare],
          (_e, out) => resolve(Number(out)),
        ),
      );
      expect(rebound).toBe(421);
    } finally {
      local.stop();
    }
    const wide = await start(["--listen", "0.0.0.0"]);
    try {
      const token = new URL(wide.url).searchParams.get("token");
      expect(token).toMatch(/^[A-Za-z0-9_-]{24,}$/);
      const bare = wide.url.replace(/\?.*$/, "");
      expect((await fetch(bare)).status).toBe(401);
      expect((await fetch(bare, { headers: { authorization: `Bearer ${token}` } })).status).toBe(200);
      const p = await page();
      await p.goto(wide.url); // sets the cookie, then redirects to the URL without the token
      expect(p.url()).not.toContain("token=");
      await expect(p.locator("h1").textContent()).resolves.toBe("Runs");
      // a form posted without the page's CSRF token is refused
      const forged = await p.request.post(`${bare}runs/r1/cancel`, { form: { reason: "x" } });
      expect(forged.status()).toBe(403);
      await p.close();
    } finally {
      wide.stop();
    }
  }, 60_000);
});

describe.skipIf(!haveChromium)("cairn ui with tenants and roles (shipped accounts, examples/access.json)", () => {
  it("a user without the approve role sees no approve button and a forced POST is refused; an approver approves", async () => {
    const d = await startSecuredDeployment(
      {
        victim: [
          { content: "Paying.", toolCalls: [{ name: "ledger", arguments: { item: "invoice" } }] },
          { content: "Done: {{toolResults}}" },
        ],
      },
      { victim: { tools: ["ledger"], approve: ["ledger"] } },
      { CAIRN_ACCESS_FILE: join(root, "examples", "access.json") },
    );
    try {
      const dev = await CairnClient.connect({ nc: await d.as("acme-dev"), prefix: d.prefix });
      const approver = await CairnClient.connect({ nc: await d.as("acme-approver"), prefix: d.prefix });
      const { runId } = await dev.submit({ task: "pay invoice 9", agent: "victim" });
      const callId = (
        await waitFor("the call to wait for approval", async () => (await dev.status(runId)).approvals?.[0])
      ).callId;
      const devUi = await ui(dev);
      const p = await page();
      await p.goto(`${devUi.url}runs/${runId}`);
      await expect(p.locator("#summary").textContent()).resolves.toContain("Waiting for approval");
      await expect(p.locator("#summary").textContent()).resolves.toContain("no approve role");
      expect(await p.getByRole("button", { name: /Approve/ }).count()).toBe(0);
      // forced: the form the page would have had, with the page's own CSRF token
      const csrf = await p.locator('input[name="csrf"]').first().getAttribute("value");
      const forced = await p.request.post(`${devUi.url}runs/${runId}/approve`, {
        form: { csrf: csrf!, callId, decision: "approve" },
        maxRedirects: 0,
      });
      expect(forced.status()).toBe(403);
      expect(await forced.text()).toContain("forbidden");
      expect((await dev.status(runId)).status).toBe("awaiting_approval");

      const approverUi = await ui(approver);
      await p.goto(`${approverUi.url}runs/${runId}`);
      await p.getByRole("button", { name: "Approve call" }).click();
      await p.locator("#summary .status", { hasText: "completed" }).waitFor({ timeout: 30_000 });
      expect(words(await p.locator("#timeline").textContent())).toMatch(/Approved call \S+ by ACME\/acme-approver/);
      await p.close();
      await dev.close();
      await approver.close();
    } finally {
      await d.stop();
    }
  }, 120_000);
});
