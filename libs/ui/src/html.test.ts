import { describe, expect, it } from "vitest";
import type { Timeline } from "@cairn/replay";
import { block, html, text } from "./html.js";
import { timelineList } from "./pages.js";
import { isLoopback, parseFilters } from "./server.js";

describe("run text in HTML", () => {
  it("escapes markup and shows control characters, bidi overrides and line separators visibly", () => {
    const hostile = `<script>alert(1)</script>"' & \u001b[2J\u0007\u202e\u2028`;
    expect(text(hostile)).toBe("&lt;script&gt;alert(1)&lt;/script&gt;&quot;&#39; &amp; \\x1b[2J\\x07\\u202e\\u2028");
    expect(block("a\nb\r\n\tc<").value).toBe("a\nb\n\tc&lt;");
    expect(text("a\nb")).toBe("a\\nb");
  });

  it("escapes every interpolated value of a template, keeps Html values and arrays of them", () => {
    const name = `"><img src=x onerror=alert(1)>`;
    const out = html`<a title="${name}">${[html`<b>${name}</b>`, 2, undefined, false, null]}</a>`.value;
    expect(out).toBe(
      '<a title="&quot;&gt;&lt;img src=x onerror=alert(1)&gt;"><b>&quot;&gt;&lt;img src=x onerror=alert(1)&gt;</b>2</a>',
    );
  });
});

describe("the runs list's filters", () => {
  it("reads status, agent, tenant, times and metadata; refuses a bad value naming it", () => {
    const q = new URLSearchParams({
      status: "awaiting_approval",
      agent: " a ",
      since: "2026-12-05T10:00:00Z",
      meta: "team=red, env=prod",
    });
    expect(parseFilters(q)).toEqual({
      filters: { status: "awaiting_approval", agent: "a", since: "2026-12-05T10:00:00Z", meta: "team=red, env=prod" },
      meta: { team: "red", env: "prod" },
    });
    expect(() => parseFilters(new URLSearchParams({ status: "done" }))).toThrow(/unknown status "done"/);
    expect(() => parseFilters(new URLSearchParams({ until: "monday" }))).toThrow(/until: expected an RFC 3339 time/);
    expect(() => parseFilters(new URLSearchParams({ meta: "team" }))).toThrow(/metadata: expected key=value/);
  });

  it("knows loopback addresses", () => {
    expect(["127.0.0.1", "127.1.2.3", "::1", "localhost"].every(isLoopback)).toBe(true);
    expect(["0.0.0.0", "::", "192.168.1.2", "example.com"].some(isLoopback)).toBe(false);
  });
});

describe("a model-judged guardrail's check on the run page's timeline", () => {
  const base = { time: "2026-01-01T00:00:01.000Z", atMs: 1000 };
  const evil = `<img src=x onerror=alert(1)>`;
  const timeline = (items: unknown[]): Timeline =>
    ({
      runId: "r1",
      prefix: "cairn",
      status: { status: "running" },
      totals: {},
      items,
    }) as unknown as Timeline;
  const page = timelineList(
    timeline([
      {
        ...base,
        seq: 4,
        subject: "cmd.check.1.openai",
        kind: "check-command",
        n: 1,
        turn: 2,
        point: "output",
        guardrail: "judge",
        historySeq: 3,
      },
      {
        ...base,
        seq: 5,
        step: 2,
        subject: "evt.check.1",
        kind: "check-result",
        n: 1,
        turn: 2,
        point: "output",
        guardrail: "judge",
        ok: true,
        tripped: true,
        reason: `names a card ${evil}`,
        model: `gpt-judge${evil}`,
        usage: { inputTokens: 7, outputTokens: 3 },
        latencyMs: 120.4,
        attempts: 2,
      },
      {
        ...base,
        seq: 6,
        step: 3,
        subject: "evt.check.2",
        kind: "check-result",
        n: 2,
        turn: 1,
        point: "input",
        guardrail: "strict",
        ok: true,
        tripped: false,
        model: "gpt-judge",
        attempts: 1,
      },
      {
        ...base,
        seq: 7,
        step: 4,
        subject: "evt.check.3",
        kind: "check-result",
        n: 3,
        turn: 1,
        point: "input",
        guardrail: "strict",
        ok: false,
        error: { kind: "not_a_verdict", message: `no JSON ${evil}` },
        attempts: 1,
      },
    ]),
    new Map(),
  ).value;
  const li = (seq: number): string =>
    page.slice(page.indexOf(`id="seq-${seq}"`), page.indexOf("</li>", page.indexOf(`id="seq-${seq}"`)));
  const words = (s: string): string =>
    s
      .replace(/<[^>]*>/g, "")
      .replace(/\s+/g, " ")
      .trim();

  it("shows the check asked for, each verdict with its model, reason and facts, and a check with no verdict as an error", () => {
    expect(page).toContain('<li class="k-check-command " id="seq-4">');
    expect(words(li(4))).toContain("Check 1: the output guardrail judge asks its model about turn 2&#39;s answer"); // (quotes escaped too)
    expect(page).toContain('<li class="k-check-result bad" id="seq-5">');
    expect(words(li(5))).toContain(
      "⚖ output guardrail judge judged by gpt-judge&lt;img src=x onerror=alert(1)&gt;: tripped check 1 · 7 in / 3 out tokens · 120 ms · attempt 2",
    );
    expect(li(5)).toContain('<span class="err">tripped</span>');
    expect(li(5)).toContain("names a card &lt;img src=x onerror=alert(1)&gt;");
    expect(page).toContain('<li class="k-check-result " id="seq-6">');
    expect(words(li(6))).toContain("⚖ input guardrail strict judged by gpt-judge: passed check 2");
    expect(page).toContain('<li class="k-check-result bad" id="seq-7">');
    expect(words(li(7))).toContain(
      "✗ input guardrail strict: no verdict: not_a_verdict: no JSON &lt;img src=x onerror=alert(1)&gt; (it trips: pause for a human) check 3",
    );
    // the run's text is escaped: no markup from the model's reason, name or error gets through
    expect(page).not.toContain("<img");
  });
});
