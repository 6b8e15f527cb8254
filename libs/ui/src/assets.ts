/**
 * Everything the pages load besides themselves: one stylesheet and one small script, served from
 * this package (no CDN, no build step). The pages work without the script (links and forms); with
 * it they update live from the server's event streams (EventSource) — the HTML it inserts was
 * rendered and escaped by the server, tokens are inserted as text.
 */
export const STYLE = `
:root { color-scheme: light dark; --fg: #1b1f24; --bg: #fff; --muted: #57606a; --line: #d0d7de; --accent: #0550ae;
  --ok: #116329; --bad: #a40e26; --warn: #7d4e00; --panel: #f6f8fa; }
@media (prefers-color-scheme: dark) { :root { --fg: #e6edf3; --bg: #0d1117; --muted: #9da7b3; --line: #30363d;
  --accent: #79c0ff; --ok: #56d364; --bad: #ff7b72; --warn: #e3b341; --panel: #161b22; } }
* { box-sizing: border-box; }
body { margin: 0; font: 15px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; color: var(--fg); background: var(--bg); }
a { color: var(--accent); }
a:focus-visible, button:focus-visible, input:focus-visible, select:focus-visible, summary:focus-visible {
  outline: 3px solid var(--accent); outline-offset: 2px; }
header.top { display: flex; gap: 1rem; align-items: baseline; padding: .6rem 1rem; border-bottom: 1px solid var(--line); }
header.top .who { margin-left: auto; color: var(--muted); font-size: .9em; }
main { padding: 1rem; max-width: 80rem; margin: 0 auto; }
h1 { font-size: 1.35rem; margin: .2rem 0 .8rem; word-break: break-all; }
h2 { font-size: 1.1rem; margin: 1.2rem 0 .5rem; }
.skip { position: absolute; left: -999px; } .skip:focus { left: 1rem; top: .5rem; background: var(--bg); padding: .3rem; }
form.filters { display: flex; flex-wrap: wrap; gap: .5rem 1rem; align-items: end; margin-bottom: 1rem; }
form.filters label, form.act label { display: flex; flex-direction: column; font-size: .85em; color: var(--muted); }
input, select, button, textarea { font: inherit; color: inherit; background: var(--bg); border: 1px solid var(--line);
  border-radius: 6px; padding: .3rem .5rem; min-height: 2.2rem; }
button { cursor: pointer; background: var(--panel); }
::placeholder { color: var(--muted); opacity: 1; }
button.approve { border-color: var(--ok); color: var(--ok); } button.deny, button.cancel { border-color: var(--bad); color: var(--bad); }
table { border-collapse: collapse; width: 100%; }
th, td { text-align: left; padding: .4rem .5rem; border-bottom: 1px solid var(--line); vertical-align: top; }
th { font-size: .85em; color: var(--muted); }
td.task { max-width: 32rem; overflow-wrap: anywhere; }
.status { font-weight: 600; white-space: nowrap; }
.s-completed { color: var(--ok); } .s-failed { color: var(--bad); } .s-cancelled, .s-awaiting_approval { color: var(--warn); }
.s-running { color: var(--accent); }
.muted { color: var(--muted); }
.pager { display: flex; gap: 1rem; margin: 1rem 0; }
dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: .2rem 1rem; margin: 0; }
dl.facts dt { color: var(--muted); } dl.facts dd { margin: 0; overflow-wrap: anywhere; }
.panel { background: var(--panel); border: 1px solid var(--line); border-radius: 8px; padding: .7rem 1rem; margin: .8rem 0; }
.waits li { margin: .3rem 0; }
ol.timeline { list-style: none; padding: 0; margin: 0; }
ol.timeline > li { border-left: 3px solid var(--line); padding: .35rem .8rem; margin: 0 0 .3rem; }
ol.timeline > li.k-llm-result { border-color: #8250df; } ol.timeline > li.k-tool-result.ok { border-color: var(--ok); }
ol.timeline > li.bad { border-color: var(--bad); } ol.timeline > li.k-approval, ol.timeline > li.retry { border-color: var(--warn); }
ol.timeline > li.k-ended { border-color: var(--fg); }
.meta { color: var(--muted); font-size: .85em; }
pre, code { font: 13px/1.4 ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; }
pre { white-space: pre-wrap; overflow-wrap: anywhere; margin: .3rem 0; }
code { overflow-wrap: anywhere; }
pre.stream { border-left: 2px dashed #8250df; padding-left: .5rem; }
details > summary { cursor: pointer; }
.err { color: var(--bad); }
form.act { display: flex; flex-wrap: wrap; gap: .5rem; align-items: end; margin-top: .4rem; }
.notice { border: 1px solid var(--bad); padding: .6rem 1rem; border-radius: 8px; }
.notice.info { border-color: var(--accent); }
.mono { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; overflow-wrap: anywhere; }
nav.counts ul { display: flex; flex-wrap: wrap; gap: .3rem .6rem; list-style: none; padding: 0; margin: 0 0 .6rem; }
nav.counts a { display: inline-block; padding: .2rem .6rem; border: 1px solid var(--line); border-radius: 999px; text-decoration: none; }
nav.counts a[aria-current] { border-color: var(--accent); border-width: 2px; }
nav.counts li.attention a { border-color: var(--warn); border-width: 2px; }
ul.tree, ul.tree ul { list-style: none; padding-left: 1.1rem; margin: .2rem 0; }
ul.tree { padding-left: 0; } ul.tree ul > li { border-left: 2px solid var(--line); padding-left: .6rem; margin: .2rem 0; }
ul.tree .task { display: block; overflow-wrap: anywhere; }
ul.budgets { list-style: none; padding: 0; margin: 0; }
button.fork { border-color: var(--accent); color: var(--accent); }
@media (max-width: 640px) {
  main { padding: .6rem; }
  table.runs thead { display: none; }
  table.runs tr { display: block; border-bottom: 1px solid var(--line); padding: .4rem 0; }
  table.runs td { display: block; border: 0; padding: .1rem 0; }
  dl.facts { grid-template-columns: 1fr; } dl.facts dt { margin-top: .3rem; }
}
`;

export const SCRIPT = `"use strict";
(function () {
  var live = document.querySelector("[data-events]");
  if (!live || typeof EventSource === "undefined") return;
  var es = new EventSource(live.getAttribute("data-events"));
  es.addEventListener("open", function () { document.body.setAttribute("data-live", "open"); });
  // Server-rendered, escaped HTML for a region of the page (its id is the event's name).
  ["rows", "counts", "summary", "timeline"].forEach(function (name) {
    es.addEventListener(name, function (e) {
      var el = document.getElementById(name);
      if (el) el.innerHTML = e.data;
    });
  });
  // A model's tokens as they are generated: text, never markup.
  es.addEventListener("token", function (e) {
    var t = JSON.parse(e.data);
    var el = document.querySelector('[data-stream-turn="' + Number(t.turn) + '"]');
    if (el) el.textContent += t.text;
  });
  es.addEventListener("end", function () { es.close(); });
})();
`;
