import { describe, expect, it } from "vitest";
import { block, html, text } from "./html.js";
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
