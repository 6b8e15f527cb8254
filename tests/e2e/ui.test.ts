/**
 * The run inspector (`cairn ui`, @cairn/ui) in a real Chromium (Debian's package, driven by
 * playwright-core), over real services on a real nats-server: the runs list updating live (with
 * counts by status), a run approved from its page, tokens streaming into a model step, hostile
 * run text rendered inert, budgets and the sub-agent tree, archived and purged runs, fork from a
 * step, roles and tenants (a user without the approve role sees no approve button, one that may
 * not write runs no fork form, and forced POSTs are refused; a tenant counts only its runs),
 * accessibility (keyboard only, accessible names, WCAG contrast, a phone's width), and the first
 * page of a 10k-run index, measured and reported.
 */
import { execFile, spawn } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, writeFileSync } from "node:fs";
import { get as httpGet } from "node:http";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { chromium, type BrowserContext, type Page } from "playwright-core";
import { CairnClient } from "@cairn/client";
import { encode, Subjects, type RunStatus } from "@cairn/protocol";
import { parseAgents, newRunId } from "@cairn/planner";
import { forkRun, loadRunLog, purgeRun } from "@cairn/replay";
import { childRunId } from "@cairn/runtime";
import { silentLogger } from "@cairn/telemetry";
import { startUi, type RunningUi } from "@cairn/ui";
import {
  readLedger,
  startHttpServer,
  tempDir,
  uniquePrefix,
  waitFor,
  workspaceRoot,
  type TestHttpServer,
} from "@cairn/testing";
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
): Promise<{ c: CairnClient; prefix: string; ledgerFile: string }> {
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
  return { c, prefix, ledgerFile: f.ledgerFile };
}

/** An element's text as a reader sees it: runs of whitespace (the markup's line breaks) as one space. */
const words = (s: string | null): string => (s ?? "").replace(/\s+/g, " ").trim();

/** Presses Tab until the focused element matches `selector` (at most `max` times); throws if it never does. */
async function tabTo(p: Page, selector: string, max = 80): Promise<void> {
  for (let i = 0; i < max; i++) {
    await p.keyboard.press("Tab");
    const focused = (sel: string): boolean =>
      (
        globalThis as unknown as { document: { activeElement: { matches(s: string): boolean } | null } }
      ).document.activeElement?.matches(sel) ?? false;
    if (await p.evaluate(focused, selector)) return;
  }
  throw new Error(`Tab never reached ${selector}`);
}

/** Every form control on the page (not hidden inputs) without an accessible name, as Chromium computes it (CDP). */
async function unnamedControls(p: Page): Promise<{ controls: number; unnamed: string[] }> {
  const cdp = await p.context().newCDPSession(p);
  try {
    const { root } = await cdp.send("DOM.getDocument", { depth: -1 });
    const { nodeIds } = await cdp.send("DOM.querySelectorAll", {
      nodeId: root.nodeId,
      selector: "input:not([type=hidden]), select, textarea, button",
    });
    const unnamed: string[] = [];
    for (const nodeId of nodeIds) {
      const { nodes } = await cdp.send("Accessibility.getPartialAXTree", { nodeId, fetchRelatives: false });
      const name = nodes.find((n) => !n.ignored)?.name?.value as unknown;
      if (typeof name !== "string" || !name.trim())
        unnamed.push((await cdp.send("DOM.getOuterHTML", { nodeId })).outerHTML.slice(0, 160));
    }
    return { controls: nodeIds.length, unnamed };
  } finally {
    await cdp.detach();
  }
}

interface Contrast {
  ratio: number;
  text: string;
  color: string;
  background: string;
}

/**
 * The WCAG 2 contrast ratio of every visible text on the page (each element's own text, and each
 * empty field's placeholder) against the background it is drawn on: the colours Chromium
 * computed (getComputedStyle), backgrounds composited from the root down, text alpha blended.
 */
async function textContrasts(p: Page): Promise<Contrast[]> {
  return p.evaluate<Contrast[]>(CONTRAST_SCRIPT);
}

/** What textContrasts runs in the page (plain JavaScript: the tests are not compiled with the DOM's types). */
const CONTRAST_SCRIPT = `(() => {
  const parse = (c) => {
    const m = /rgba?\\(([^)]+)\\)/.exec(c);
    if (!m) return undefined;
    const [r = 0, g = 0, b = 0, a = 1] = m[1].split(/[\\s,/]+/).filter(Boolean).map(Number);
    return { r, g, b, a };
  };
  const over = (top, bottom) => ({
    r: top.r * top.a + bottom.r * (1 - top.a),
    g: top.g * top.a + bottom.g * (1 - top.a),
    b: top.b * top.a + bottom.b * (1 - top.a),
    a: 1,
  });
  const background = (el) => {
    const chain = [];
    for (let e = el; e; e = e.parentElement) chain.unshift(e);
    let bg = { r: 255, g: 255, b: 255, a: 1 };
    for (const e of chain) {
      const c = parse(getComputedStyle(e).backgroundColor);
      if (c && c.a > 0) bg = over(c, bg);
    }
    return bg;
  };
  const lum = (c) => {
    const f = (v) => {
      const s = v / 255;
      return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
    };
    return 0.2126 * f(c.r) + 0.7152 * f(c.g) + 0.0722 * f(c.b);
  };
  const ratio = (x, y) => {
    const [hi, lo] = [lum(x), lum(y)].sort((m, n) => n - m);
    return (hi + 0.05) / (lo + 0.05);
  };
  const rgb = (c) => "rgb(" + [c.r, c.g, c.b].map(Math.round).join(", ") + ")";
  const visible = (el) => {
    const r = el.getBoundingClientRect();
    return el.getClientRects().length > 0 && r.right > 0 && r.bottom > 0 && getComputedStyle(el).visibility !== "hidden";
  };
  const out = [];
  for (const el of document.body.querySelectorAll("*")) {
    const own = [...el.childNodes]
      .filter((n) => n.nodeType === Node.TEXT_NODE && n.textContent.trim())
      .map((n) => n.textContent.trim())
      .join(" ");
    if (!own || !visible(el) || el.closest("option, script, style")) continue;
    const bg = background(el);
    const fg = over(parse(getComputedStyle(el).color), bg);
    out.push({ ratio: ratio(fg, bg), text: own.slice(0, 60), color: rgb(fg), background: rgb(bg) });
  }
  for (const el of document.querySelectorAll("input[placeholder]")) {
    if (el.value || !el.placeholder || !visible(el)) continue;
    const bg = background(el);
    const fg = over(parse(getComputedStyle(el, "::placeholder").color), bg);
    out.push({ ratio: ratio(fg, bg), text: "placeholder " + el.placeholder, color: rgb(fg), background: rgb(bg) });
  }
  return out;
})()`;

/** Whether the page scrolls sideways (its content is wider than the viewport). */
async function scrollsSideways(p: Page): Promise<boolean> {
  return p.evaluate(() => {
    const root = (
      globalThis as unknown as { document: { documentElement: { scrollWidth: number; clientWidth: number } } }
    ).document.documentElement;
    return root.scrollWidth > root.clientWidth;
  });
}

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
    // the counts by status follow, live too: awaiting approval first, then each status and all
    await waitFor("the counts to show the runs completed", async () =>
      words(await p.locator("#counts").textContent()).includes("completed 3") ? true : undefined,
    );
    expect(words(await p.locator("#counts").textContent())).toBe(
      "awaiting approval 0 running 0 completed 3 failed 0 cancelled 0 all 3",
    );
    expect(await p.evaluate(() => (globalThis as unknown as { __same?: boolean }).__same)).toBe(true); // no reload
    // filters: status, metadata
    await p.goto(`${u.url}?status=failed`);
    await expect(p.locator("tbody#rows").textContent()).resolves.toContain("No runs match");
    await p.goto(`${u.url}?meta=team%3Dred&status=completed`);
    expect(await p.locator("tbody#rows tr[data-run]").count()).toBe(3);
    // a count is a link to the list of that status (the other filters kept); the current one is marked
    await expect(p.locator("#counts [aria-current]").textContent()).resolves.toMatch(/completed\s+3/);
    await p.locator("#counts a", { hasText: "failed" }).click();
    expect(new URL(p.url()).searchParams.get("status")).toBe("failed");
    expect(new URL(p.url()).searchParams.get("meta")).toBe("team=red");
    await expect(p.locator("#counts").textContent()).resolves.toContain("do not apply the time and metadata filters");
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

  it("an approver edits a call's arguments on its page, and a conversation is continued and ended with messages sent from the page", async () => {
    const { c, ledgerFile } = await services(
      {
        pay: [
          { content: "Paying.", toolCalls: [{ name: "ledger", arguments: { item: "invoice 700" } }] },
          { content: "Paid: {{toolResults}}" },
          { content: "You said: more" },
          { content: "Bye." },
        ],
      },
      { pay: { approve: ["ledger"], editableArgs: ["ledger"], conversation: true } },
    );
    const ledgerOf = () => ledgerFile;
    const { runId } = await c.submit({ task: "pay invoice 7" });
    await waitFor("the run to wait for approval", async () => (await c.status(runId)).approvals?.length);
    const u = await ui(c);
    const p = await page();
    await p.goto(`${u.url}runs/${runId}`);
    const args = p.getByLabel(/Arguments \(JSON; edit them/);
    expect(JSON.parse(await args.inputValue())).toEqual({ item: "invoice 700" });
    // not JSON: refused with the reason, nothing decided
    await args.fill("{item: 7");
    await p.getByRole("button", { name: "Approve call" }).click();
    // (the refusal is the form's answer page: read it once it has loaded, not the page it was sent from)
    await p.waitForURL(/\/approve$/);
    await expect(p.locator("body").textContent()).resolves.toContain("the edited arguments are not JSON");
    expect((await c.status(runId)).approvals).toHaveLength(1);
    await p.goto(`${u.url}runs/${runId}`);
    await p.getByLabel(/Arguments \(JSON; edit them/).fill('{"item":"invoice 7"}');
    await p.getByRole("button", { name: "Approve call" }).click();
    // the conversation waits for a message once it answered
    await waitFor("the answer", async () => ((await c.status(runId)).awaitingMessage ? true : undefined), 30_000);
    await p.goto(`${u.url}runs/${runId}`);
    await expect(p.locator(".answer, #summary").first().textContent()).resolves.toBeTruthy();
    expect(words(await p.locator("#timeline").textContent())).toMatch(/Approved call \S+ by operator/);
    expect(await p.locator("#timeline").textContent()).toContain('{"item":"invoice 7"}');
    await p.getByLabel(/Message to the run/).fill("more");
    await p.getByRole("button", { name: "Send" }).click();
    await waitFor(
      "the second answer",
      async () => ((await c.status(runId)).answeredMessages === 1 ? true : undefined),
      30_000,
    );
    await p.goto(`${u.url}runs/${runId}`);
    expect(words(await p.locator("#timeline").textContent())).toMatch(/Message 1 from operator/);
    await p.getByLabel(/End the conversation after the answer/).check();
    await p.getByRole("button", { name: "Send" }).click();
    const s = await waitFor(
      "the run to end",
      async () => {
        const st = await c.status(runId);
        return st.status === "completed" ? st : undefined;
      },
      30_000,
    );
    expect(s.answer).toBe("You said: more");
    expect(readLedger(ledgerOf()).map((e) => e.item)).toEqual(["invoice 7"]);
    await p.close();
  }, 90_000);

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

  it("a run page shows usage against the agent's budgets and its sub-agent runs as a tree of links, both ways", async () => {
    const prices = join(tempDir(), "prices.json");
    writeFileSync(prices, JSON.stringify({ boss: { inputPerMTokUsd: 2, outputPerMTokUsd: 8 } }));
    const { c } = await services(
      {
        boss: [
          { content: "Delegating.", toolCalls: [{ name: "run_agent", arguments: { agent: "kid", task: "record y" } }] },
          { content: "kid said: {{toolResults}}" },
        ],
        kid: [{ toolCalls: [{ name: "ledger", arguments: { item: "y" } }] }, { content: "{{toolResults}}" }],
      },
      {
        boss: { tools: ["run_agent"], maxTokens: 100_000, maxCostUsd: 5, deadlineMs: 600_000 },
        kid: { tools: ["ledger"] },
      },
      { CAIRN_PRICES_FILE: prices },
    );
    const { runId } = await c.submit({ task: "delegate", agent: "boss" });
    const done = await waitRun(c, runId);
    expect(done.status).toBe("completed");
    const child = childRunId(runId, 1, 0);
    const u = await ui(c);
    const p = await page();
    await p.goto(`${u.url}runs/${runId}`);
    const tokens = done.usage.inputTokens + done.usage.outputTokens;
    const budgets = words(await p.locator("ul.budgets").textContent());
    expect(budgets).toContain(`tokens: ${tokens} of 100000 (${Math.floor((tokens / 100_000) * 100)}%)`);
    expect(budgets).toContain(`cost: $${done.costUsd!.toFixed(6)} of $5`);
    expect(budgets).toMatch(/time: \d+ (ms|s) of 10 min \(0%\)/);
    expect(budgets).not.toContain("exhausted");
    // the call links to its child run (in the timeline and in the tree), which links back to its parent
    expect(words(await p.locator("#timeline").textContent())).toContain(
      `run_agent turn 1, call 0 · call_1_0 sub-agent run ${child}`,
    );
    const tree = p.locator("ul.tree");
    expect(words(await tree.textContent())).toMatch(
      new RegExp(`${runId} \\(this run\\) ${child} completed turn 1, call 0 · agent kid record y`),
    );
    await tree.getByRole("link", { name: child }).click();
    await p.waitForURL((url) => url.pathname === `/runs/${child}`);
    await expect(p.locator("h1").textContent()).resolves.toBe(`Run ${child}`);
    expect(words(await p.locator("ul.tree").textContent())).toBe(
      `${runId} (parent: its run_agent call call_1_0, turn 1) ${child} (this run)`,
    );
    expect(words(await p.locator("dl.facts").textContent())).toContain("Budgets none (the agent sets no");
    await p.locator("ul.tree").getByRole("link", { name: runId }).click();
    await p.waitForURL((url) => url.pathname === `/runs/${runId}`);
    await expect(p.locator("h1").textContent()).resolves.toBe(`Run ${runId}`);
    await p.close();
  }, 60_000);

  it("an archived run is read from the archive, read-only; a purged one says so; fork from a step goes on live", async () => {
    const { c } = await services(
      {
        twice: [
          { toolCalls: [{ name: "ledger", arguments: { item: "first" } }] },
          { toolCalls: [{ name: "ledger", arguments: { item: "second" } }] },
          { content: "both: {{toolResults}}" },
        ],
      },
      { twice: {} },
    );
    const a = (await c.submit({ task: "archive me" })).runId;
    const b = (await c.submit({ task: "purge me" })).runId;
    await waitRun(c, a);
    await waitRun(c, b);
    const archived = await purgeRun(c.nc, c.subjects, a, { archive: true });
    await purgeRun(c.nc, c.subjects, b);
    expect(await c.readLog(a)).toEqual([]); // not in the stream any more
    const u = await ui(c);
    const p = await page();
    const res = await p.goto(`${u.url}runs/${a}`);
    expect(res?.status()).toBe(200);
    await expect(p.getByRole("status").textContent()).resolves.toMatch(
      new RegExp(`Archived at ${archived.purgedAt}: this run's log is read from the archive, read-only`),
    );
    expect(words(await p.locator("#timeline").textContent())).toContain("ledger");
    await expect(p.locator(".answer").textContent()).resolves.toContain("both: recorded");
    expect(await p.locator("form.act").count()).toBe(0); // nothing to act on
    expect(await p.locator("body[data-events]").count()).toBe(0); // nothing live
    const purged = await p.goto(`${u.url}runs/${b}`);
    expect(purged?.status()).toBe(410);
    await expect(p.getByRole("alert").textContent()).resolves.toMatch(/was purged at .*: its history is gone/);
    await expect(p.locator("dl.facts").textContent()).resolves.toContain("purge me");

    // fork the archived run from the state after its first tool result: the fork goes on live
    await p.goto(`${u.url}runs/${a}?at=2`);
    await expect(p.locator("#at-h").textContent()).resolves.toMatch(/State after step 2 of/);
    await p.getByRole("button", { name: "Fork a new run from step 2" }).click();
    await p.waitForURL((url) => !url.pathname.endsWith(`/runs/${a}`) && url.pathname.startsWith("/runs/"));
    const forked = decodeURIComponent(new URL(p.url()).pathname.slice("/runs/".length));
    expect(forked).not.toBe(a);
    await p.locator("#summary .status", { hasText: "completed" }).waitFor({ timeout: 30_000 });
    expect(words(await p.locator("dl.facts").textContent())).toContain(`Forked from ${a} at step 2`);
    expect(words(await p.locator("#timeline").textContent())).toContain("(copied from the source run)");
    expect((await c.status(forked)).status).toBe("completed");
    // a forged form (no CSRF token) forks nothing
    const forged = await p.request.post(`${u.url}runs/${a}/fork`, { form: { step: "1" }, maxRedirects: 0 });
    expect(forged.status()).toBe(403);
    await p.close();
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
    // of which the server's answer (the runs page from the planner's list): request sent → first byte
    const served = await p.evaluate(() => {
      // (the browser's Navigation Timing entry; this file is typed with Node's performance)
      const n = (
        performance as unknown as { getEntriesByType(t: string): { requestStart: number; responseStart: number }[] }
      ).getEntriesByType("navigation")[0];
      return n ? n.responseStart - n.requestStart : Number.NaN;
    });
    // Again, once the planner has its counts by status (it reads the index for them once, when first asked).
    await waitFor("the counts", async () =>
      words(await p.locator("#counts").textContent()).includes(`all ${N}`) ? true : undefined,
    );
    const again = Date.now();
    await p.goto(u.url);
    await p.locator("tbody#rows tr[data-run]").first().waitFor();
    const wallAgain = Date.now() - again;
    const fcpAgain = await p.evaluate(
      () => performance.getEntriesByName("first-contentful-paint")[0]?.startTime ?? Number.NaN,
    );
    console.log(
      `UI runs page with ${N} runs: first page in ${Math.round(fcp)} ms (navigation to first contentful paint, of which ${Math.round(served)} ms the server's answer; ${wall} ms to the table in the test), with counts by status: ${Math.round(fcpAgain)} ms (${wallAgain} ms)`,
    );
    expect(await p.locator("tbody#rows tr[data-run]").count()).toBe(50);
    await expect(p.locator("tbody#rows tr[data-run]").first().textContent()).resolves.toContain(`indexed run ${N - 1}`);
    await p.getByRole("link", { name: "Older runs" }).click();
    await p.waitForURL((url) => url.searchParams.has("cursor"));
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

describe.skipIf(!haveChromium)("cairn ui accessibility in Chromium", () => {
  const approvalRun = async (): Promise<{ c: CairnClient; runId: string; u: RunningUi }> => {
    const { c } = await services(
      {
        pay: [
          { content: "Paying.", toolCalls: [{ name: "ledger", arguments: { item: "invoice 8" } }] },
          { content: "Paid: {{toolResults}}" },
        ],
      },
      { pay: { approve: ["ledger"] } },
    );
    const { runId } = await c.submit({ task: `pay invoice 8 ${"and-a-long-unbroken-word".repeat(12)}` });
    await waitFor("the run to wait for approval", async () => (await c.status(runId)).approvals?.length);
    return { c, runId, u: await ui(c) };
  };

  it("keyboard only: the filters and the counts with Tab and Enter, and a run approved with Tab and Enter", async () => {
    const { c, runId, u } = await approvalRun();
    const other = (await c.submit({ task: "another", agent: "pay" })).runId;
    const p = await page();
    await p.goto(u.url);
    await p.locator(`tr[data-run="${runId}"]`).waitFor();
    await tabTo(p, 'select[name="status"]');
    for (const _ of [1, 2]) await p.keyboard.press("ArrowDown"); // any → awaiting approval → running
    await p.keyboard.press("ArrowUp"); // back to awaiting approval
    expect(await p.locator('select[name="status"]').inputValue()).toBe("awaiting_approval");
    await tabTo(p, 'input[name="agent"]');
    await p.keyboard.type("pay");
    await tabTo(p, "form.filters button");
    await p.keyboard.press("Enter");
    await p.waitForURL(/status=awaiting_approval/);
    expect(new URL(p.url()).searchParams.get("agent")).toBe("pay");
    await waitFor("both runs waiting", async () => (await c.status(other)).approvals?.length);
    // implicit submission: Enter in a text field
    await tabTo(p, 'input[name="tenant"]');
    await p.keyboard.press("Enter");
    await p.waitForLoadState("load");
    await p.locator(`tr[data-run="${runId}"]`).waitFor();
    // a count is reached and followed the same way
    await tabTo(p, 'nav.counts a[href*="status=running"]');
    await p.keyboard.press("Enter");
    await p.waitForURL(/status=running/);
    // a run's link, then its approve button, then Enter
    await p.goto(`${u.url}?status=awaiting_approval`);
    await tabTo(p, `a[href="/runs/${runId}"]`);
    await p.keyboard.press("Enter");
    await p.waitForURL(new RegExp(`/runs/${runId}$`));
    await tabTo(p, "button.approve");
    await p.keyboard.press("Enter");
    await p.locator("#summary .status", { hasText: "completed" }).waitFor({ timeout: 30_000 });
    expect(words(await p.locator("#timeline").textContent())).toMatch(/Approved call \S+ by operator/);
    await p.close();
  }, 60_000);

  it("every form control has an accessible name; text contrast is at least 4.5:1 (light and dark); a phone's width scrolls no page sideways", async () => {
    const { c, runId, u } = await approvalRun();
    const done = (await c.submit({ task: "done", agent: "pay" })).runId;
    await c.approve(done, (await waitFor("approval", async () => (await c.status(done)).approvals?.[0])).callId);
    await waitRun(c, done);
    const p = await page();
    const pages = [
      { name: "the runs page", url: u.url },
      { name: "the runs page with an error", url: `${u.url}?since=yesterday` },
      { name: "a run waiting for approval", url: `${u.url}runs/${runId}` },
      { name: "the state after a step (fork form)", url: `${u.url}runs/${runId}?at=1` },
      { name: "a turn's prompt", url: `${u.url}runs/${done}?prompt=1` },
      { name: "a completed run", url: `${u.url}runs/${done}` },
    ];
    const report: string[] = [];
    for (const scheme of ["light", "dark"] as const) {
      await p.emulateMedia({ colorScheme: scheme });
      for (const { name, url } of pages) {
        await p.goto(url);
        await p.waitForLoadState("load");
        const { controls, unnamed } = await unnamedControls(p);
        expect(unnamed, `${name}: controls without an accessible name`).toEqual([]);
        if (!/prompt|completed/.test(name)) expect(controls, name).toBeGreaterThan(0);
        const contrasts = await textContrasts(p);
        expect(contrasts.length, name).toBeGreaterThan(5);
        expect(
          contrasts.filter((x) => x.ratio < 4.5),
          `${name} (${scheme}): text under 4.5:1`,
        ).toEqual([]);
        const lowest = contrasts.reduce((m, x) => (x.ratio < m.ratio ? x : m));
        report.push(
          `${scheme} ${name}: ${contrasts.length} texts, lowest ${lowest.ratio.toFixed(2)}:1 (${lowest.text})`,
        );
      }
    }
    console.log(`UI text contrast (WCAG 2):\n  ${report.join("\n  ")}`);
    await p.emulateMedia({ colorScheme: "light" });
    // the checks find what they look for: a field without a name, faint text, a page too wide
    await p.goto(u.url);
    await p.evaluate(`(() => {
      const main = document.querySelector("main");
      const field = document.createElement("input");
      field.id = "unnamed-probe";
      const faint = document.createElement("p");
      faint.textContent = "faint probe";
      faint.style.color = "#bbbbbb";
      const wide = document.createElement("div");
      wide.textContent = "wide";
      wide.style.width = "3000px";
      main.append(field, faint, wide);
    })()`);
    expect((await unnamedControls(p)).unnamed).toEqual([expect.stringContaining("unnamed-probe")]);
    expect((await textContrasts(p)).filter((x) => x.ratio < 4.5).map((x) => x.text)).toEqual(["faint probe"]);
    expect(await scrollsSideways(p)).toBe(true);
    await p.setViewportSize({ width: 390, height: 844 });
    for (const { name, url } of pages) {
      await p.goto(url);
      await p.waitForLoadState("load");
      expect(await scrollsSideways(p), `${name} at 390 px`).toBe(false);
    }
    await p.goto(u.url);
    await screenshot(p, "ui-runs-phone.png");
    await p.goto(`${u.url}runs/${runId}`);
    await screenshot(p, "ui-run-phone.png");
    // the approve button is there and usable at this width too
    await p.getByRole("button", { name: "Approve call" }).click();
    await p.locator("#summary .status", { hasText: "completed" }).waitFor({ timeout: 30_000 });
    await p.close();
  }, 90_000);
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

  it("a tenant's user counts only its tenant's runs, reads its archived run, sees no fork form, and a forced fork is refused", async () => {
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
      const acme = await CairnClient.connect({ nc: await d.as("acme-dev"), prefix: d.prefix });
      const approver = await CairnClient.connect({ nc: await d.as("acme-approver"), prefix: d.prefix });
      const globex = await CairnClient.connect({ nc: await d.as("globex-dev"), prefix: d.prefix });
      const waiting = async (c: CairnClient, task: string): Promise<{ runId: string; callId: string }> => {
        const { runId } = await c.submit({ task, agent: "victim" });
        const a = await waitFor("the call to wait for approval", async () => (await c.status(runId)).approvals?.[0]);
        return { runId, callId: a.callId };
      };
      const mine = await waiting(acme, "acme pays");
      const done = await waiting(acme, "acme paid");
      await approver.approve(done.runId, done.callId);
      await waitRun(acme, done.runId);
      await waiting(globex, "globex pays");
      await waiting(globex, "globex pays again");

      const acmeUi = await ui(acme);
      const p = await page();
      await p.goto(acmeUi.url);
      await waitFor("ACME's counts", async () =>
        words(await p.locator("#counts").textContent()).includes("all 2") ? true : undefined,
      );
      expect(words(await p.locator("#counts").textContent())).toBe(
        "awaiting approval 1 running 0 completed 1 failed 0 cancelled 0 all 2",
      );
      // the operators' client counts every tenant's
      const opsUi = await ui(d.client);
      await p.goto(opsUi.url);
      await waitFor("every tenant's counts", async () =>
        words(await p.locator("#counts").textContent()).includes("all 4") ? true : undefined,
      );
      expect(words(await p.locator("#counts").textContent())).toContain("awaiting approval 3");
      await p.goto(`${opsUi.url}?tenant=GLOBEX`);
      await waitFor("GLOBEX's counts", async () =>
        words(await p.locator("#counts").textContent()).includes("all 2") ? true : undefined,
      );
      expect(words(await p.locator("#counts").textContent())).toContain("awaiting approval 2 running 0 completed 0");

      // fork: neither a tenant's user nor the operators' client may write runs into the stream
      for (const u of [acmeUi, opsUi]) {
        await p.goto(`${u.url}runs/${mine.runId}?at=1`);
        await expect(p.locator("#at-h").textContent()).resolves.toMatch(/State after step 1/);
        expect(await p.getByRole("button", { name: /Fork/ }).count()).toBe(0);
        expect(words(await p.locator(".panel").textContent())).toContain("your credential may not write runs");
      }
      await p.goto(`${acmeUi.url}runs/${mine.runId}?at=1`);
      const csrf = await p.locator('input[name="csrf"]').first().getAttribute("value");
      const forced = await p.request.post(`${acmeUi.url}runs/${mine.runId}/fork`, {
        form: { csrf: csrf!, step: "1" },
        maxRedirects: 0,
      });
      expect(forced.status()).toBe(403);
      expect(await forced.text()).toContain("may not write runs");
      // and the server itself refuses such a credential's writes (the UI's check is not the only guard)
      const source = await loadRunLog(await d.as("admin"), d.subjects, mine.runId);
      for (const c of [acme, d.client])
        await expect(forkRun(c.nc, d.subjects, source, { fromStep: 1 })).rejects.toThrow();
      expect((await d.client.list({ limit: 100 })).length).toBe(4); // no fork was written

      // an archived run of the tenant: its log through the API (the planner reads the archive)
      await purgeRun(await d.as("admin"), d.subjects, done.runId, { archive: true });
      await p.goto(`${acmeUi.url}runs/${done.runId}`);
      await expect(p.getByRole("status").textContent()).resolves.toContain("read from the archive, read-only");
      expect(words(await p.locator("#timeline").textContent())).toMatch(/Approved call \S+ by ACME\/acme-approver/);
      // another tenant's run is not found
      const theirs = (await globex.list({ limit: 1 }))[0]!.runId;
      expect((await p.goto(`${acmeUi.url}runs/${theirs}`))?.status()).toBe(404);
      await p.close();
      for (const c of [acme, approver, globex]) await c.close();
    } finally {
      await d.stop();
    }
  }, 180_000);
});
