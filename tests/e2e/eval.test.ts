import { execFile, spawn } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterEach, describe, expect, it } from "vitest";
import { jetstreamManager } from "@nats-io/jetstream";
import type { CairnClient } from "@cairn/client";
import type { EvalReport } from "@cairn/replay";
import {
  ledgerToolModule,
  readLedger,
  uniquePrefix,
  waitFor,
  workspaceRoot,
  type ServiceProcess,
} from "@cairn/testing";
import {
  clientFor,
  makeFixture,
  serviceEnv,
  startServiceProcesses,
  useEmbedded,
  useModelServer,
  waitRun,
  type Fixture,
  type ScriptTurn,
  openAiJson,
} from "../helpers.js";

// Issue 24 part 2's acceptance: `cairn eval` over 50 runs recorded by the services as separate
// processes (scripted model, the ledger tool), re-driven with a changed scripted model and with a
// real provider (a local server speaking the OpenAI Chat Completions protocol): the report, and
// no tool fired — the ledger file and the runs stream are what they were before the eval.

const h = useEmbedded();
const model = useModelServer();
const procs: ServiceProcess[] = [];
let client: CairnClient | undefined;

afterEach(async () => {
  await client?.close();
  client = undefined;
  await Promise.all(procs.splice(0).map((p) => p.kill("SIGKILL")));
});

const RECORDED: ScriptTurn[] = [
  {
    content: "Recording two items.",
    toolCalls: [
      { name: "ledger", arguments: { item: "a" } },
      { name: "ledger", arguments: { item: "b" } },
    ],
  },
  { content: "Recorded: {{toolResults}}" },
];
/** The change: the same calls (arguments' keys in another order do not matter), another answer. */
const CHANGED: ScriptTurn[] = [
  {
    content: "Two items.",
    toolCalls: [
      { name: "ledger", arguments: { item: "a" } },
      { name: "ledger", arguments: { item: "b" } },
    ],
  },
  { content: "Done: {{toolResults}}" },
];
/** A change that asks for a call of a pure tool never made (and a recorded one). */
const PURE: ScriptTurn[] = [
  {
    content: "Shout, then record.",
    toolCalls: [
      { name: "pure_upper", arguments: { item: "zz" } },
      { name: "ledger", arguments: { item: "a" } },
    ],
  },
  { content: "Pure: {{toolResults}}" },
];
/** A change that asks for a call the recorded runs never made. */
const NOVEL: ScriptTurn[] = [{ content: "One item.", toolCalls: [{ name: "ledger", arguments: { item: "zz" } }] }];

/** `cairn eval …` as a user runs it, with the providers' environment (scripts dir, OpenAI endpoint). */
async function cairnEval(f: Fixture, prefix: string, ...args: string[]): Promise<{ stdout: string; stderr: string }> {
  return promisify(execFile)(
    process.execPath,
    [
      join(workspaceRoot(), "services", "cli", "bin", "cairn.js"),
      "eval",
      ...args,
      "--server",
      h.server.url,
      "--prefix",
      prefix,
    ],
    {
      env: {
        PATH: process.env["PATH"] ?? "",
        HOME: f.dir,
        NO_COLOR: "1",
        CAIRN_SCRIPTS_DIR: f.scriptsDir,
        // the tool-runner's tools, for --live-pure
        CAIRN_TOOLS_MODULE: ledgerToolModule(),
        OPENAI_BASE_URL: `${model.http.origin}/v1`,
        OPENAI_API_KEY: "sk-test",
      },
      timeout: 60_000,
      maxBuffer: 32 * 1024 * 1024,
    },
  );
}

async function streamMessages(c: CairnClient): Promise<number> {
  const jsm = await jetstreamManager(c.nc);
  return (await jsm.streams.info(c.subjects.stream)).state.messages;
}

describe("cairn eval: what-if replay over recorded runs", () => {
  it("re-drives 50 recorded runs with a changed scripted model and a real provider: reports every run, fires no tool, writes nothing", async () => {
    const f = makeFixture(
      { clerk: RECORDED, "clerk-v2": CHANGED, "clerk-novel": NOVEL, "clerk-pure": PURE },
      { clerk: ["ledger", "pure_upper"] },
    );
    const prefix = uniquePrefix();
    procs.push(...(await startServiceProcesses(serviceEnv(h.server.url, prefix, f))));
    client = await clientFor(h.server.url, prefix);
    const c = client;

    // 50 runs recorded, plus one the metadata filter leaves out.
    const ids = await Promise.all(
      Array.from(
        { length: 50 },
        async (_, i) =>
          (await c.submit({ task: `record a and b (${i})`, agent: "clerk", metadata: { batch: "eval" } })).runId,
      ),
    );
    const other = (await c.submit({ task: "record a and b", agent: "clerk", metadata: { batch: "other" } })).runId;
    for (const id of [...ids, other])
      expect(await waitRun(c, id)).toMatchObject({ status: "completed", answer: "Recorded: recorded a\nrecorded b" });
    const ledger = readLedger(f.ledgerFile).length;
    expect(ledger).toBe(102);
    const messages = await streamMessages(c);

    // The changed scripted model over the 50 runs: each diverges at turn 2 (the answer), none stops.
    const changed = await cairnEval(
      f,
      prefix,
      "--agent",
      "clerk",
      "--meta",
      "batch=eval",
      "--model",
      "clerk-v2",
      "--parallel",
      "8",
      "--json",
    );
    const r = JSON.parse(changed.stdout) as EvalReport;
    expect(r.change).toEqual({ model: "clerk-v2" });
    expect(r.runs.map((x) => x.runId).sort()).toEqual([...ids].sort());
    expect(r.totals).toMatchObject({ runs: 50, sameAnswer: 0, diverged: 50, stopped: 0, errors: 0 });
    for (const x of r.runs) {
      expect(x).toMatchObject({
        agent: "clerk",
        sameAnswer: false,
        old: { status: "completed", answer: "Recorded: recorded a\nrecorded b", model: "clerk", turns: 2 },
        new: {
          status: "completed",
          answer: "Done: recorded a\nrecorded b",
          model: "clerk-v2",
          provider: "scripted",
          turns: 2,
        },
        divergence: {
          turn: 2,
          old: { toolCalls: [], answer: "Recorded: recorded a\nrecorded b" },
          new: { toolCalls: [], answer: "Done: recorded a\nrecorded b" },
        },
      });
      expect(x.new.toolCalls).toEqual(x.old.toolCalls);
      expect(x.new.toolCalls.map((t) => t.arguments)).toEqual(['{"item":"a"}', '{"item":"b"}']);
      expect(x.new.tokens.input).toBeGreaterThan(0);
    }
    expect(r.totals.tokens.new.input).toBe(r.runs.reduce((n, x) => n + x.new.tokens.input, 0));

    // The same model: every run the same answer; as a table; a judge module scores each pair.
    const judge = join(f.dir, "judge.mjs");
    writeFileSync(
      judge,
      "export default (p) => ({ score: p.old.answer === p.new.answer ? 1 : 0, note: `judged ${p.runId}` });\n",
    );
    const same = await cairnEval(
      f,
      prefix,
      "--agent",
      "clerk",
      "--limit",
      "3",
      "--judge-module",
      judge,
      "--width",
      "200",
    );
    expect(same.stdout).toContain("totals: 3 runs, 3 same answer, 0 diverged, 0 stopped, 0 errors");
    expect(same.stdout).toContain("mean score 1.00 over 3");
    expect(same.stdout).toMatch(/\nrun +agent +old → new +same +diverges +tokens old → new +score\n/);
    expect(same.stdout).toMatch(
      /\n {4}answers: Recorded: recorded a recorded b +\| Recorded: recorded a recorded b\n {4}judge: judged r/,
    );

    // A change asking for a call never recorded: the branch stops there, naming it.
    const novel = JSON.parse(
      (await cairnEval(f, prefix, "--meta", "batch=other", "--model", "clerk-novel", "--json")).stdout,
    ) as EvalReport;
    expect(novel.totals).toMatchObject({ runs: 1, stopped: 1, diverged: 1 });
    expect(novel.runs[0]).toMatchObject({
      runId: other,
      new: { status: "stopped" },
      stopped: { turn: 1, call: { name: "ledger", arguments: '{"item":"zz"}' } },
    });

    // --live-pure: a new call to a tool whose effect is pure is run live; a new call to any other
    // tool still stops the branch (the ledger is not pure).
    const pure = JSON.parse(
      (await cairnEval(f, prefix, "--meta", "batch=other", "--model", "clerk-pure", "--live-pure", "--json")).stdout,
    ) as EvalReport;
    expect(pure.change).toEqual({ model: "clerk-pure", livePure: ["pure_upper"] });
    expect(pure.runs[0]).toMatchObject({
      new: { status: "completed", answer: "Pure: ZZ\nrecorded a" },
      liveCalls: [{ turn: 1, name: "pure_upper", arguments: '{"item":"zz"}' }],
    });
    const notLive = JSON.parse(
      (await cairnEval(f, prefix, "--meta", "batch=other", "--model", "clerk-pure", "--json")).stdout,
    ) as EvalReport;
    expect(notLive.runs[0]).toMatchObject({ new: { status: "stopped" }, stopped: { call: { name: "pure_upper" } } });
    const novelLive = JSON.parse(
      (await cairnEval(f, prefix, "--meta", "batch=other", "--model", "clerk-novel", "--live-pure", "--json")).stdout,
    ) as EvalReport;
    expect(novelLive.runs[0]).toMatchObject({ new: { status: "stopped" }, stopped: { call: { name: "ledger" } } });

    // A real provider: the OpenAI wire protocol, asked anew for each model step.
    model.http.received.length = 0;
    model.answers = [
      openAiJson(null, [
        { name: "ledger", args: { item: "b" } },
        { name: "ledger", args: { item: "a" } },
      ]),
      openAiJson("openai: both recorded"),
    ];
    const oa = JSON.parse(
      (await cairnEval(f, prefix, "--meta", "batch=other", "--provider", "openai", "--model", "gpt-eval", "--json"))
        .stdout,
    ) as EvalReport;
    expect(oa.totals).toMatchObject({ runs: 1, sameAnswer: 0, diverged: 1, stopped: 0, errors: 0 });
    expect(oa.runs[0]).toMatchObject({
      new: {
        status: "completed",
        answer: "openai: both recorded",
        provider: "openai",
        model: "gpt-eval",
        tokens: { input: 60, output: 14 },
      },
      divergence: { turn: 1 },
    });
    expect(model.http.received.map((q) => q.url)).toEqual(["/v1/chat/completions", "/v1/chat/completions"]);
    const second = model.http.received[1]!.body as { model: string; messages: { role: string; content: unknown }[] };
    expect(second.model).toBe("gpt-eval");
    expect(second.messages.filter((m) => m.role === "tool").map((m) => m.content)).toEqual([
      "recorded b",
      "recorded a",
    ]);

    // An eval SIGKILLed in the middle (its model call open) leaves nothing behind either.
    model.answers = []; // the server never answers: the call hangs
    const asked = model.http.received.length;
    const killed = spawn(
      process.execPath,
      [
        join(workspaceRoot(), "services", "cli", "bin", "cairn.js"),
        "eval",
        "--meta",
        "batch=other",
        "--provider",
        "openai",
        "--model",
        "gpt-eval",
        "--server",
        h.server.url,
        "--prefix",
        prefix,
      ],
      {
        env: {
          PATH: process.env["PATH"] ?? "",
          HOME: f.dir,
          NO_COLOR: "1",
          OPENAI_BASE_URL: `${model.http.origin}/v1`,
          OPENAI_API_KEY: "sk-test",
        },
        stdio: "ignore",
      },
    );
    const exited = new Promise<NodeJS.Signals | null>((r) => killed.once("exit", (_c, sig) => r(sig)));
    await waitFor("the eval's model call", async () => (model.http.received.length > asked ? true : undefined), 20_000);
    killed.kill("SIGKILL");
    expect(await exited).toBe("SIGKILL");

    // Bad flags are refused before any model is called, saying what is wrong.
    const asked2 = model.http.received.length;
    await expect(cairnEval(f, prefix, "--since", "Nov 1 2026")).rejects.toMatchObject({
      stderr: expect.stringContaining("--since must be an RFC 3339 time with a zone"),
    });
    await expect(cairnEval(f, prefix, "--provider", "nope")).rejects.toMatchObject({
      stderr: expect.stringContaining('--provider: no provider "nope" is configured'),
    });
    await expect(cairnEval(f, prefix, "--limit", "20000")).rejects.toMatchObject({
      stderr: expect.stringContaining("--limit must be a whole number from 1 to 10000"),
    });
    expect(model.http.received.length).toBe(asked2);

    // No tool fired, nothing written: the ledger and the runs stream are as they were.
    expect(readLedger(f.ledgerFile)).toHaveLength(ledger);
    expect(await streamMessages(c)).toBe(messages);
  }, 60_000);
});
