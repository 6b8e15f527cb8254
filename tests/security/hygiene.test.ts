/**
 * Terminal hygiene (issue 17, item 5): a hostile run — a task, a model answer, streamed model
 * tokens, tool-call arguments (valid JSON and raw), a tool's output and an approval listing, all
 * full of terminal control sequences (clear screen, window title by OSC, cursor moves, carriage
 * return, backspace, DEL, 8-bit CSI, a right-to-left override) — and the real `cairn` CLI, run as
 * its own process against a real nats-server and the three services: the stdout of `submit
 * --follow`, `status`, `runs` and `replay` (timeline, `--at`, `--prompt`), in text and JSON, with
 * colour on and off, holds no raw control character but newlines; the hostile text is shown
 * visibly escaped, and `--json` still decodes to exactly what the log holds.
 */
import { execFile } from "node:child_process";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CairnClient } from "@cairn/client";
import { startEmbedded, type Embedded } from "@cairn/cli";
import { parseAgents } from "@cairn/planner";
import type { RunStatus } from "@cairn/protocol";
import { silentLogger } from "@cairn/telemetry";
import {
  rawControls,
  startNatsServer,
  tempDir,
  uniquePrefix,
  withoutSgr,
  workspaceRoot,
  type RunningNatsServer,
} from "@cairn/testing";
import { makeFixture, serviceEnv, waitRun, withTimeout, type ScriptTurn } from "../helpers.js";
import { writeFileSync } from "node:fs";

const run = promisify(execFile);
const cairn = join(workspaceRoot(), "services", "cli", "bin", "cairn.js");

/** Everything a terminal acts on, in one string; `<script>` is for the HTML-minded (harmless in a terminal, shown as is). */
const X =
  "\x1b[2J\x1b]0;pwned\x07\x1b[1A\x1b[2K\x1b[10;10H\rFAKE: approved\b\b\x7f\x9b2J\u202e<script>alert(1)</script>";

const SCRIPTS: Record<string, ScriptTurn[]> = {
  hostile: [
    {
      content: `Thinking ${X} about it\nsecond line ${X}`,
      toolCalls: [
        { name: "ledger", arguments: { item: X } }, // tool output "recorded <X>"
        { name: "ledger", argumentsRaw: `{"item":"${X}"}` }, // raw controls in the arguments (invalid JSON)
      ],
    },
    { content: `Answer ${X}\n{{toolResults}}\nthe end ${X}` },
  ],
  gated: [
    { content: `Please approve ${X}`, toolCalls: [{ name: "ledger", arguments: { item: `gated ${X}` } }] },
    { content: `Done ${X}: {{toolResults}}` },
  ],
};

let server: RunningNatsServer;
let emb: Embedded;
let client: CairnClient;
let prefix: string;

async function cli(args: string[], color = false): Promise<{ code: number; stdout: string; stderr: string }> {
  const env = {
    PATH: process.env["PATH"] ?? "",
    HOME: process.env["HOME"] ?? "/root",
    ...(color ? { FORCE_COLOR: "1" } : { NO_COLOR: "1" }),
  };
  const all = [cairn, ...args, "--server", server.url, "--prefix", prefix];
  try {
    const r = await run(process.execPath, all, { env, cwd: tempDir(), timeout: 120_000, maxBuffer: 32 * 1024 * 1024 });
    return { code: 0, stdout: r.stdout, stderr: r.stderr };
  } catch (err) {
    const e = err as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof e.code === "number" ? e.code : 1, stdout: e.stdout ?? "", stderr: e.stderr ?? "" };
  }
}

/** The stdout of a CLI command: exit 0, no raw control character (colour codes aside), the hostile text shown escaped. */
async function safeOutput(args: string[], o: { color?: boolean; json?: boolean } = {}): Promise<string> {
  const r = await cli(args, o.color);
  expect(r.stderr, `${args.join(" ")}: stderr`).toBe("");
  expect(r.code, `${args.join(" ")}: exit code`).toBe(0);
  const out = o.color ? withoutSgr(r.stdout) : r.stdout;
  expect(rawControls(out), `${args.join(" ")}: raw control characters in stdout`).toEqual([]);
  if (o.color) expect(r.stdout).not.toBe(out); // colour was on
  if (!o.json) expect(out, args.join(" ")).toMatch(/\\(x1b|u001b)\[2J/); // shown, visibly escaped
  expect(out).not.toContain("\x1b[2J");
  return out;
}

beforeAll(async () => {
  server = await startNatsServer();
  const f = makeFixture(SCRIPTS, { hostile: ["ledger"], gated: ["ledger"] });
  // The gated agent's ledger calls wait for a human: its status lists the pending call.
  const agentsJson = JSON.stringify({
    default: "hostile",
    agents: {
      hostile: { provider: "scripted", model: "hostile", systemPrompt: "test agent", tools: ["ledger"], maxTurns: 5 },
      gated: {
        provider: "scripted",
        model: "gated",
        systemPrompt: "test agent",
        tools: ["ledger"],
        approve: ["ledger"],
        maxTurns: 5,
      },
    },
  });
  writeFileSync(f.agentsFile, agentsJson);
  prefix = uniquePrefix("hyg");
  emb = await startEmbedded({
    natsUrl: server.url,
    env: serviceEnv(server.url, prefix, f, { LOG_LEVEL: "silent" }),
    agents: parseAgents(agentsJson),
    log: silentLogger(),
  });
  client = await CairnClient.connect({ nc: emb.nc, prefix });
}, 120_000);

afterAll(async () => {
  await client?.close();
  await emb?.stop();
  await server?.stop();
});

describe("the CLI prints a hostile run's text escaped, never raw", () => {
  let runId: string;

  it("submit --follow: task, streamed tokens, model text, tool calls and results, answer", async () => {
    const out = await safeOutput(["submit", "--follow", "-a", "hostile", `do this ${X}`]);
    runId = /▶ run (r\w+)/.exec(out)![1]!;
    expect(out).toContain("task do this \\x1b[2J\\x1b]0;pwned\\x07");
    expect(out).toMatch(/→ ledger \{"item":"\\u001b\[2J\\u001b\]0;pwned\\u0007/); // arguments JSON-escaped
    expect(out).toContain("✓ ledger → recorded \\x1b[2J");
    expect(out).toContain("\\u202e<script>alert(1)</script>");
    expect(out).toMatch(/✔ completed/);
    // Turn 2's tokens, streamed live while the call ran (the scripted model streams word by word).
    expect(out).toContain("⋯ Answer \\x1b[2J\\x1b]0;pwned\\x07");
    // The answer keeps its lines; each is escaped.
    expect(out).toContain(
      "Answer \\x1b[2J\\x1b]0;pwned\\x07\\x1b[1A\\x1b[2K\\x1b[10;10H\\rFAKE: approved\\x08\\x08\\x7f\\x9b2J\\u202e<script>alert(1)</script>\nrecorded ",
    );
  });

  it("status and runs, in text and JSON (JSON decodes to exactly what the log holds)", async () => {
    const status = await safeOutput(["status", runId]);
    expect(status).toContain("answer\nAnswer \\x1b[2J");
    await safeOutput(["status", runId], { color: true });
    const json = await safeOutput(["status", runId, "--json"], { json: true });
    const s = JSON.parse(json) as RunStatus;
    expect(s.task).toBe(`do this ${X}`);
    expect(s.answer).toContain(`Answer ${X}\n`);
    expect(s).toEqual(await client.status(runId));
    const runs = await safeOutput(["runs"]);
    expect(runs).toContain(runId);
    const runsJson = JSON.parse(await safeOutput(["runs", "--json"], { json: true })) as RunStatus[];
    expect(runsJson.find((r) => r.runId === runId)?.task).toBe(`do this ${X}`);
  });

  it("replay: the timeline (colour on and off), --at, --prompt, and --json", async () => {
    const timeline = await safeOutput(["replay", runId]);
    expect(timeline).toContain("recorded \\x1b[2J");
    await safeOutput(["replay", runId], { color: true });
    await safeOutput(["replay", runId, "--at", "1"]);
    const prompt = await safeOutput(["replay", runId, "--prompt", "2"]);
    expect(prompt).toContain("promptHash match");
    const t = JSON.parse(await safeOutput(["replay", runId, "--json"], { json: true })) as { task: string };
    expect(t.task).toBe(`do this ${X}`);
  });

  it("approval listings: the pending call's arguments JSON-escaped, the model's text escaped", async () => {
    const { runId: gated } = await client.submit({ task: `gated ${X}`, agent: "gated" });
    await withTimeout(
      (async () => {
        for (;;) {
          const s = await client.status(gated);
          if (s.approvals?.length) return s;
          await new Promise((r) => setTimeout(r, 100));
        }
      })(),
      60_000,
      "the gated run to wait for approval",
    );
    const status = await safeOutput(["status", gated]);
    expect(status).toMatch(/approval call_1_0: ledger \{"item":"gated \\u001b\[2J\\u001b\]0;pwned\\u0007/);
    expect(status).toContain(`cairn approve ${gated} call_1_0`);
    await client.approve(gated, "call_1_0");
    expect((await waitRun(client, gated)).status).toBe("completed");
    await safeOutput(["replay", gated]);
    await safeOutput(["status", gated]);
  });
});
