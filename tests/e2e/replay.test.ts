import { execFile, spawn } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { CairnClient } from "@cairn/client";
import { appendOnce, connectNats, readRunLog, runStreamConfig, type NatsConnection } from "@cairn/bus";
import { provision, startEmbedded, type Embedded } from "@cairn/cli";
import { loadConfig as llmConfig, startLlmCaller } from "@cairn/llm-caller";
import { loadConfig as plannerConfig, startPlanner } from "@cairn/planner";
import { loadConfig as toolConfig, startToolRunner } from "@cairn/tool-runner";
import { createScriptedProvider, type ModelProvider } from "@cairn/providers";
import {
  decode,
  encode,
  Subjects,
  type LlmResult,
  type RunStatus,
  type RunSubmitted,
  type ToolResult,
} from "@cairn/protocol";
import { Kvm } from "@nats-io/kv";
import {
  buildTimeline,
  checkRun,
  forkRun,
  loadRunLog,
  parseRunExport,
  promptAt,
  purgeOlderThan,
  purgeRun,
  relativeSubject,
  RunInFlightError,
  RunPurgedError,
  stepsOf,
  type RunLog,
  type Timeline,
} from "@cairn/replay";
import {
  readLedger,
  spawnService,
  startNatsServer,
  tempDir,
  workspaceRoot,
  uniquePrefix,
  type RunningNatsServer,
  type ServiceName,
  type ServiceProcess,
} from "@cairn/testing";
import { silentLogger } from "@cairn/telemetry";
import { jetstream, jetstreamManager } from "@nats-io/jetstream";
import {
  LEDGER_ANSWER,
  LEDGER_SCRIPT,
  makeFixture,
  serviceEnv,
  waitRun,
  withTimeout,
  type Fixture,
  type ScriptTurn,
} from "../helpers.js";

const run = promisify(execFile);
const root = workspaceRoot();
const cairn = join(root, "services", "cli", "bin", "cairn.js");
const golden = join(root, "tests", "fixtures", "golden");
const changedPlanner = join(root, "tests", "fixtures", "changed-planner.mjs");

/** Runs the `cairn` CLI as its own process, without NATS_URL (and away from any `cairn dev`) unless flags say where. */
async function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const env = { PATH: process.env["PATH"] ?? "", HOME: process.env["HOME"] ?? "/root", NO_COLOR: "1" };
  try {
    const r = await run(process.execPath, [cairn, ...args], {
      env,
      cwd: tempDir(),
      timeout: 120_000,
      maxBuffer: 32 * 1024 * 1024,
    });
    return { code: 0, stdout: r.stdout, stderr: r.stderr };
  } catch (err) {
    const e = err as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof e.code === "number" ? e.code : 1, stdout: e.stdout ?? "", stderr: e.stderr ?? "" };
  }
}

let server: RunningNatsServer;
const cleanups: (() => Promise<void>)[] = [];

beforeAll(async () => {
  server = await startNatsServer();
});
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c().catch(() => undefined);
});
afterAll(async () => {
  await server?.stop();
});

/** The three services in this process; the llm-caller's provider counts its calls (the scripted model behind it). */
interface Services {
  nc: NatsConnection;
  client: CairnClient;
  prefix: string;
  /** Model calls made so far by the llm-caller. */
  calls(): number;
}

async function startServices(f: Fixture, extra: Record<string, string> = {}): Promise<Services> {
  const prefix = uniquePrefix();
  const env = serviceEnv(server.url, prefix, f, { LOG_LEVEL: "silent", ...extra });
  const nc = await connectNats({ servers: server.url, name: "replay-test" });
  const scripted = createScriptedProvider({ dir: f.scriptsDir });
  let calls = 0;
  const counting: ModelProvider = {
    name: "scripted",
    complete(req, o) {
      calls++;
      return scripted.complete(req, o);
    },
  };
  const log = silentLogger();
  await provision(nc, env, "all", { agents: f.agents });
  const tr = await startToolRunner(toolConfig(env), { log, nc });
  const llm = await startLlmCaller(llmConfig(env), { log, nc, providers: new Map([["scripted", counting]]) });
  const pl = await startPlanner(plannerConfig(env), { log, nc, agents: f.agents });
  const client = await CairnClient.connect({ nc, prefix });
  cleanups.push(async () => {
    await pl.stop();
    await llm.stop();
    await tr.stop();
    await nc.drain();
  });
  return { nc, client, prefix, calls: () => calls };
}

function conn(s: { prefix: string }): string[] {
  return ["--server", server.url, "--prefix", s.prefix];
}

function json(v: unknown): unknown {
  return JSON.parse(JSON.stringify(v));
}

function stepEntry(log: RunLog, step: number): { rel: string; data: Uint8Array; seq: number } {
  const s = stepsOf(log).find((x) => x.step === step)!;
  return { rel: s.rel, data: log.entries[s.index]!.data, seq: s.seq };
}

/** 10 turns: nine with one ledger call each, then the answer. */
const TEN: ScriptTurn[] = [
  ...Array.from({ length: 9 }, (_, i) => ({
    content: `step ${i + 1}`,
    toolCalls: [{ name: "ledger", arguments: { item: `x${i + 1}` } }],
  })),
  { content: "Recorded: {{toolResults}}" },
];

describe("replay from the stream (real nats-server, real services)", () => {
  it("shows a finished run's timeline, its state after a step, each turn's exact prompt, and passes --check; export replays offline identically", async () => {
    const f = makeFixture({ ledger3: LEDGER_SCRIPT });
    const s = await startServices(f);
    const { runId } = await s.client.submit({ task: "record a, b, c, then d" });
    expect((await waitRun(s.client, runId)).answer).toBe(LEDGER_ANSWER);

    const log = await loadRunLog(s.nc, s.client.subjects, runId);
    const raw = await readRunLog(await jetstreamManager(s.nc), s.client.subjects, runId);
    expect(log.entries).toEqual(raw);
    const t = buildTimeline(log);
    expect(t.status).toMatchObject({ status: "completed", answer: LEDGER_ANSWER, turn: 3, toolCalls: 4 });
    expect(t.items).toHaveLength(raw.length);
    expect(
      t.items
        .filter((i) => i.kind === "tool-result")
        .map((i) => (i.kind === "tool-result" ? i.output : ""))
        .sort(),
    ).toEqual(["recorded a", "recorded b", "recorded c", "recorded d"]);
    for (const turn of [1, 2, 3]) expect(promptAt(log, turn).match).toBe(true);
    const check = checkRun(log);
    expect(check).toMatchObject({ ok: true, events: 9, decisions: 8, matched: 8 });

    // The CLI against the stream.
    const text = await cli(["replay", runId, ...conn(s), "--width", "100"]);
    expect(text.stderr).toBe("");
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/◆ turn 1 asks for 3 tool calls/);
    expect(text.stdout).toMatch(/✓ tool 1\.\d ledger \[call_1_\d\] → recorded [abc]/);
    expect(text.stdout).toContain("✔ completed");
    const online = await cli(["replay", runId, ...conn(s), "--json"]);
    expect(JSON.parse(online.stdout)).toEqual(json(t));
    const at = await cli(["replay", runId, ...conn(s), "--at", "5"]);
    expect(at.stdout).toContain("messages the model would see at turn 3:");
    expect(at.stdout).toContain("waiting tool ledger (turn 2, call 0)");
    const prompt = await cli(["replay", runId, ...conn(s), "--prompt", "2"]);
    expect(prompt.stdout).toContain(`promptHash match ${promptAt(log, 2).hash}`);
    expect(
      JSON.parse(prompt.stdout.slice(prompt.stdout.indexOf("\n") + 1, prompt.stdout.lastIndexOf("\npromptHash"))),
    ).toEqual(json(promptAt(log, 2).request));
    const ok = await cli(["replay", runId, ...conn(s), "--check"]);
    expect(ok.code).toBe(0);
    expect(ok.stdout).toContain(`✔ deterministic run ${runId}: 9 events re-driven, 8 decisions, 8 equal to the log`);

    // Export, then replay the file with no NATS at all: the same timeline, the same verdicts.
    const exported = await cli(["export", runId, ...conn(s)]);
    expect(exported.code).toBe(0);
    const back = parseRunExport(exported.stdout);
    expect(back.entries.map((e) => [e.seq, e.subject, e.time, Buffer.from(e.data).toString("base64")])).toEqual(
      raw.map((e) => [e.seq, e.subject, e.time, Buffer.from(e.data).toString("base64")]),
    );
    const file = join(tempDir(), "run.cairn.jsonl");
    writeFileSync(file, exported.stdout);
    const offline = await cli(["replay", "--file", file, "--json"]);
    expect(JSON.parse(offline.stdout)).toEqual(json(t));
    expect((await cli(["replay", "--file", file, "--width", "100"])).stdout).toBe(text.stdout);
    expect((await cli(["replay", "--file", file, "--check"])).code).toBe(0);
    // A deliberately changed planner fails the check, naming the step: the first tool result.
    const first = stepsOf(log).find((x) => x.kind === "tool-result")!;
    const bad = await cli(["replay", "--file", file, "--check", "--planner", changedPlanner]);
    expect(bad.code).toBe(3);
    expect(bad.stdout).toContain(
      `✘ DIVERGENCE at step 2 (seq ${first.seq}, ${first.rel}): after step 2 the code decides cmd.llm.2`,
    );
    expect(bad.stdout).toMatch(/the code decides cmd\.llm\.2(\.\w+)? differently from the recorded message/);
  });

  it("forks a 10-turn run from step k: the same first k steps byte for byte, no model call for them, then it completes live", async () => {
    const f = makeFixture({ ten: TEN });
    const s = await startServices(f);
    const { runId: src } = await s.client.submit({ task: "record x1..x9" });
    const done = await waitRun(s.client, src);
    expect(done).toMatchObject({ status: "completed", turn: 10, answer: "Recorded: recorded x9" });
    expect(s.calls()).toBe(10);
    const source = await loadRunLog(s.nc, s.client.subjects, src);
    expect(
      stepsOf(source)
        .map((x) => x.step)
        .at(-1),
    ).toBe(20); // submission, 10 responses, 9 tool results, the end

    const k = 8; // through turn 4's tool result
    const before = s.calls();
    const forked = await cli(["fork", src, "--from", String(k), ...conn(s), "--wait", "--json"]);
    expect(forked.stderr).toBe("");
    expect(forked.code).toBe(0);
    const status = JSON.parse(forked.stdout) as {
      runId: string;
      status: string;
      turn: number;
      answer: string;
      forkedFrom: { runId: string; step: number; seq: number };
    };
    expect(status).toMatchObject({
      status: "completed",
      turn: 10,
      answer: "Recorded: recorded x9",
      forkedFrom: { runId: src, step: k, seq: stepEntry(source, k).seq },
    });
    const forkId = status.runId;
    expect(forkId).not.toBe(src);

    // No model call for the 4 copied turns: the provider answered turns 5..10 only.
    expect(s.calls() - before).toBe(6);
    const fork = await loadRunLog(s.nc, s.client.subjects, forkId);
    const sub = stepEntry(fork, 0);
    const d = decode<RunSubmitted>("RunSubmitted", sub.data);
    expect(d.ok && d.value.forkedFrom).toEqual({
      runId: src,
      step: k,
      seq: stepEntry(source, k).seq,
      prefix: expect.any(Array),
    });
    // every copied message is declared by subject and hash
    expect(d.ok && d.value.forkedFrom?.prefix?.length).toBe(k);
    const rels = fork.entries.map((e) => ({ seq: e.seq, rel: relativeSubject(fork, e.subject) }));
    expect(rels.filter((e) => e.seq < sub.seq).map((e) => e.rel)).toEqual([
      "evt.llm.1",
      "evt.tool.1.0.ledger",
      "evt.llm.2",
      "evt.tool.2.0.ledger",
      "evt.llm.3",
      "evt.tool.3.0.ledger",
      "evt.llm.4",
      "evt.tool.4.0.ledger",
    ]);
    expect(rels.filter((e) => e.rel.startsWith("cmd.llm.")).map((e) => e.rel.split(".").slice(0, 3).join("."))).toEqual(
      ["cmd.llm.5", "cmd.llm.6", "cmd.llm.7", "cmd.llm.8", "cmd.llm.9", "cmd.llm.10"],
    );

    // The first k steps are the source's, byte for byte but for the run id.
    for (let step = 1; step <= k; step++) {
      const a = stepEntry(source, step);
      const b = stepEntry(fork, step);
      expect(b.rel).toBe(a.rel);
      const type = a.rel.startsWith("evt.llm.") ? "LlmResult" : "ToolResult";
      const x = decode<LlmResult | ToolResult>(type, a.data);
      const y = decode<LlmResult | ToolResult>(type, b.data);
      if (!x.ok || !y.ok) throw new Error("undecodable step");
      expect(y.value.runId).toBe(forkId);
      expect({ ...y.value, runId: src }).toEqual(x.value);
      expect(Buffer.from(b.data).equals(Buffer.from(encode({ ...x.value, runId: forkId })))).toBe(true);
    }
    // The live turns saw exactly the prompts the source's turns saw (same history, same agent).
    const hashes = (log: RunLog) =>
      log.entries.flatMap((e) => {
        const m = decode<LlmResult>("LlmResult", e.data);
        return relativeSubject(log, e.subject).startsWith("evt.llm.") && m.ok
          ? [[m.value.turn, m.value.promptHash]]
          : [];
      });
    expect(hashes(fork)).toEqual(hashes(source));
    for (let turn = 1; turn <= 10; turn++) expect(promptAt(fork, turn).match).toBe(true);
    expect(checkRun(fork)).toMatchObject({ ok: true, decisions: 12, matched: 12 });
    // Only the live turns' tools ran, under the fork's idempotency keys.
    expect(
      readLedger(f.ledgerFile)
        .filter((l) => l.runId === forkId)
        .map((l) => l.key),
    ).toEqual([5, 6, 7, 8, 9].map((t) => `${forkId}:${t}:0`));
    const timeline = (await cli(["replay", forkId, ...conn(s), "--json"])).stdout;
    expect((JSON.parse(timeline) as Timeline).items.filter((i) => i.copied).map((i) => i.step)).toEqual([
      1, 2, 3, 4, 5, 6, 7, 8,
    ]);
  });

  it("forks with an edited tool result and another model, and continues with them", async () => {
    const alt: ScriptTurn[] = [
      ...Array.from({ length: 4 }, () => ({ content: "unused" })),
      { content: "ALT saw: {{toolResults}}" },
    ];
    const f = makeFixture({ ten: TEN, alt });
    const s = await startServices(f);
    const { runId: src } = await s.client.submit({ task: "record x1..x9", agent: "ten" });
    await waitRun(s.client, src);
    const source = await loadRunLog(s.nc, s.client.subjects, src);
    const before = s.calls();
    const r = await forkRun(s.nc, s.client.subjects, source, {
      fromStep: 8,
      setResults: { call_4_0: "recorded EDITED" },
      model: "alt",
    });
    expect(r).toMatchObject({ copied: 8, forkedFrom: { runId: src, step: 8, editedCalls: ["call_4_0"] } });
    const st = await waitRun(s.client, r.runId);
    expect(st).toMatchObject({ status: "completed", turn: 5, answer: "ALT saw: recorded EDITED" });
    expect(s.calls() - before).toBe(1);
    const fork = await loadRunLog(s.nc, s.client.subjects, r.runId);
    const p = promptAt(fork, 5);
    expect(p.match).toBe(true);
    expect(p.request.model).toBe("alt");
    expect(p.request.messages.at(-1)).toMatchObject({
      role: "tool",
      toolCallId: "call_4_0",
      content: "recorded EDITED",
    });
    const edited = buildTimeline(fork).items.find((i) => i.kind === "tool-result" && i.edited);
    expect(edited).toMatchObject({ callId: "call_4_0", output: "recorded EDITED", step: 8, copied: true });
    // The edited call was not executed: the ledger has no entry for it under the fork.
    expect(readLedger(f.ledgerFile).filter((l) => l.runId === r.runId)).toEqual([]);
  });
});

describe("replay of a crashed and resumed run", () => {
  const procs: ServiceProcess[] = [];
  afterEach(async () => {
    await Promise.all(procs.splice(0).map((p) => p.kill("SIGKILL")));
  });

  it("shows the redelivered steps (attempts > 1) after the llm-caller and the tool-runner were SIGKILLed mid-step", async () => {
    const f = makeFixture({ work: LEDGER_SCRIPT });
    const prefix = uniquePrefix();
    const env = serviceEnv(server.url, prefix, f);
    const spawn = async (name: ServiceName, e: Record<string, string>) => {
      const p = await spawnService(name, e);
      procs.push(p);
      return p;
    };
    await spawn("planner", env);
    // After the model answered (nothing recorded yet), and after a tool's side effect (nothing recorded yet).
    const llm = await spawn("llm-caller", { ...env, CAIRN_CRASH_AT: "after-llm" });
    const tools = await spawn("tool-runner", { ...env, CAIRN_CRASH_AT: "after-effect" });
    const c = await CairnClient.connect({ connect: { servers: server.url }, prefix });
    cleanups.push(() => c.close());
    const { runId } = await c.submit({ task: "record a, b, c, then d" });
    expect((await withTimeout(llm.exited, 30_000, "llm-caller to crash")).signal).toBe("SIGKILL");
    await spawn("llm-caller", env);
    expect((await withTimeout(tools.exited, 30_000, "tool-runner to crash")).signal).toBe("SIGKILL");
    await spawn("tool-runner", env);
    expect(await waitRun(c, runId)).toMatchObject({ status: "completed", answer: LEDGER_ANSWER });

    const log = await loadRunLog(c.nc, c.subjects, runId);
    const t = buildTimeline(log);
    const llm1 = t.items.find((i) => i.kind === "llm-result" && i.turn === 1);
    expect(llm1).toMatchObject({ attempts: 2 });
    const redone = t.items.filter((i) => i.kind === "tool-result" && i.attempts > 1);
    expect(redone.length).toBeGreaterThanOrEqual(1);
    expect(t.totals.retries).toBe(1 + redone.reduce((n, i) => n + (i.kind === "tool-result" ? i.attempts - 1 : 0), 0));
    // The ledger agrees: the call whose side effect was done when the tool-runner died ran twice, under the same key.
    const executions = (key: string | undefined) => readLedger(f.ledgerFile).filter((l) => l.key === key).length;
    expect(redone.map((i) => (i.kind === "tool-result" ? executions(i.idempotencyKey) : 0))).toContain(2);
    expect(checkRun(log).ok).toBe(true);
    const text = await cli(["replay", runId, ...conn({ prefix }), "--width", "120"]);
    expect(text.stdout).toMatch(/◆ turn 1 asks for 3 tool calls \(.*\) 2 attempts \(1 redelivery\)/);
    expect(text.stdout).toMatch(
      /✓ tool 1\.\d ledger \[call_1_\d\] → recorded [abc] \(.*\) 2 attempts \(1 redelivery\)/,
    );
    expect(text.stdout).toMatch(/✔ completed .* [1-9] retr(y|ies)/);
  });
});

/** The services under a fresh prefix with two agents: `done` (the ledger script) and `slow` (one tool call of `delayMs`, then "slow done"). */
async function withSlowAgent(delayMs: number) {
  const slow: ScriptTurn[] = [
    { toolCalls: [{ name: "ledger", arguments: { item: "slow", delayMs } }] },
    { content: "slow done" },
  ];
  const f = makeFixture({ done: LEDGER_SCRIPT, slow });
  const prefix = uniquePrefix();
  const emb: Embedded = await startEmbedded({
    natsUrl: server.url,
    env: serviceEnv(server.url, prefix, f, { LOG_LEVEL: "silent" }),
    agents: f.agents,
    log: silentLogger(),
  });
  cleanups.push(() => emb.stop());
  const c = await CairnClient.connect({ nc: emb.nc, prefix });
  return { prefix, emb, c, jsm: await jetstreamManager(emb.nc) };
}

describe("retention: purge", () => {
  it("purges ended runs only, keeps runs in flight, and replaying a purged run says it was purged and when", async () => {
    // b's call lasts long enough to be in flight for the whole purge part, even on a loaded machine.
    const { prefix, emb, c, jsm } = await withSlowAgent(12_000);
    const logOf = (runId: string) => readRunLog(jsm, c.subjects, runId);
    const until = (what: string, pred: () => Promise<boolean>) =>
      withTimeout(
        (async () => {
          while (!(await pred())) await new Promise((r) => setTimeout(r, 50));
        })(),
        20_000,
        what,
      );
    const { runId: a } = await c.submit({ task: "finish", agent: "done" });
    await waitRun(c, a);
    // b runs a 4 s tool call; x is cancelled while its 4 s call runs (ended, but a result is still to come).
    const { runId: b } = await c.submit({ task: "in flight", agent: "slow" });
    const { runId: x } = await c.submit({ task: "cancelled mid-call", agent: "slow" });
    await until("both slow calls to start", async () =>
      (await Promise.all([b, x].map(logOf))).every((l) => l.some((e) => e.subject.includes(".cmd.tool."))),
    );
    await c.cancel(x, "changed my mind");
    await waitRun(c, x);

    await expect(purgeRun(emb.nc, c.subjects, b)).rejects.toThrow(`run ${b} has not ended`);
    const refused = await cli(["purge", b, ...conn({ prefix })]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain(`run ${b} has not ended: only ended runs can be purged`);
    // The cancel aborted x's call in flight, which was answered at once (kind "cancelled"): x is settled.
    await until("x's aborted call to be answered", async () =>
      (await logOf(x)).some((e) => e.subject.endsWith(".evt.tool.1.0.ledger")),
    );
    // An ended run whose command is still unanswered (its worker gone) is kept: built here by hand,
    // under a prefix no service serves.
    const lone = new Subjects(uniquePrefix());
    await jsm.streams.add(runStreamConfig(lone, { replicas: 1 }));
    const js = jetstream(emb.nc);
    const sub = (await logOf(x))[0]!;
    const xs = decode<RunSubmitted>("RunSubmitted", sub.data);
    if (!xs.ok) throw new Error(xs.message);
    await appendOnce(js, lone.submitted("rlone"), encode({ ...xs.value, runId: "rlone" }));
    await appendOnce(
      js,
      lone.toolCommand("rlone", 1, 0, "ledger"),
      encode({
        v: 1,
        type: "tool.command",
        runId: "rlone",
        turn: 1,
        index: 0,
        callId: "c",
        tool: "ledger",
        arguments: "{}",
        idempotencyKey: "rlone:1:0",
        historySeq: 1,
      }),
    );
    await appendOnce(
      js,
      lone.ended("rlone"),
      encode({
        v: 1,
        type: "run.ended",
        runId: "rlone",
        status: "cancelled",
        turns: 1,
        usage: { inputTokens: 0, outputTokens: 0 },
        endedAt: new Date().toISOString(),
      }),
    );
    const unsettled = await purgeRun(emb.nc, lone, "rlone").catch((e: unknown) => e);
    expect(unsettled).toBeInstanceOf(RunInFlightError);
    expect(unsettled).toMatchObject({ runId: "rlone", unanswered: ["cmd.tool.1.0.ledger"] });
    const recent = await cli(["purge", "--older-than", "1h", ...conn({ prefix })]);
    expect(recent.stdout).toContain("0 purged, 2 ended more recently");
    const dry = await cli(["purge", "--older-than", "0s", "--dry-run", ...conn({ prefix })]);
    expect(dry.stdout).toContain(`would purge ${a} (completed`);
    expect(dry.stdout).toContain(`would purge ${x} (cancelled`);
    expect((await logOf(a)).length).toBe(16);

    const before = (await logOf(b)).length;
    const r = await purgeOlderThan(emb.nc, c.subjects, 0);
    expect(r.purged.map((p) => [p.runId, p.status.status]).sort()).toEqual(
      [
        [a, "completed"],
        [x, "cancelled"],
      ].sort(),
    );
    expect(r.purged.find((p) => p.runId === a)?.purged).toBe(16);
    expect(r.unsettled).toEqual([]);
    expect(await logOf(a)).toEqual([]);
    expect((await logOf(b)).length).toBeGreaterThanOrEqual(before); // untouched, still going
    const purgedAt = r.purged.find((p) => p.runId === a)!.purgedAt;
    expect((await c.list()).find((s) => s.runId === a)).toMatchObject({ status: "completed", purgedAt });

    const err = await loadRunLog(emb.nc, c.subjects, a).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RunPurgedError);
    expect(err).toMatchObject({ runId: a, purgedAt });
    const replay = await cli(["replay", a, ...conn({ prefix })]);
    expect(replay.code).toBe(1);
    expect(replay.stderr).toContain(
      `run ${a} was purged at ${purgedAt}: its history is no longer in the stream (it ended completed at`,
    );
    const unknown = await cli(["replay", "rnosuchrun", ...conn({ prefix })]);
    expect(unknown.stderr).toContain("no run rnosuchrun in the stream");

    // The run in flight was not disturbed: it completes, and can be purged once ended.
    expect(await waitRun(c, b)).toMatchObject({ status: "completed", answer: "slow done" });
    for (const id of [b]) {
      const later = await cli(["purge", id, ...conn({ prefix })]);
      expect(later.code).toBe(0);
      expect(later.stdout).toMatch(new RegExp(`^purged ${id} \\((completed|cancelled); \\d+ messages\\)`));
    }
    await expect(purgeRun(emb.nc, c.subjects, b)).rejects.toThrow(RunPurgedError);
  });
});

describe("cairn archive: an ended run sealed into one record, read back transparently", () => {
  it("replay, export, fork and status of an archived run are as before; runs in flight are refused; the runs stream holds none of it", async () => {
    const { prefix, emb, c, jsm } = await withSlowAgent(8_000);
    const { runId: a } = await c.submit({ task: "finish", agent: "done", metadata: { team: "red" } });
    await waitRun(c, a);
    const { runId: b } = await c.submit({ task: "in flight", agent: "slow" });
    const timeline = await cli(["replay", a, "--width", "100", ...conn({ prefix })]);
    const state = await cli(["replay", a, "--at", "3", "--json", ...conn({ prefix })]);
    const exported = parseRunExport((await cli(["export", a, ...conn({ prefix })])).stdout);
    const statusBefore = await c.status(a);
    expect(exported.entries).toHaveLength(16);

    const refused = await cli(["archive", b, ...conn({ prefix })]);
    expect(refused.stderr).toContain(`run ${b} has not ended`);
    const sealed = await cli(["archive", a, "--json", ...conn({ prefix })]);
    expect(sealed.code).toBe(0);
    const rec = JSON.parse(sealed.stdout) as { purged: number; purgedAt: string; status: RunStatus };
    expect(rec.purged).toBe(16);
    expect(rec.status.archive).toMatchObject({ messages: 16, seqs: [expect.any(Number)] });
    expect(await readRunLog(jsm, c.subjects, a)).toEqual([]);
    // In the archive: the log in one chunk and the run's record; its directory page; nothing of the
    // run is left in the runs index (no subject nats-server keeps state for).
    expect((await jsm.streams.info(c.subjects.archiveStream, { subjects_filter: ">" })).state.subjects).toEqual({
      [c.subjects.archive(a)]: 1,
      [c.subjects.archivedRuns()]: 1,
    });
    expect((await jsm.streams.info(`KV_${c.subjects.archiveBucket}`, { subjects_filter: ">" })).state.subjects).toEqual(
      { [`$KV.${c.subjects.archiveBucket}.${c.subjects.archivePageKey(a)}`]: 1 },
    );
    expect(
      Object.keys(
        (await jsm.streams.info(`KV_${c.subjects.runsBucket}`, { subjects_filter: ">" })).state.subjects ?? {},
      ).filter((k) => k.endsWith(a)),
    ).toEqual([]);

    // Everything that read the run reads the same from the archive.
    expect(await cli(["replay", a, "--width", "100", ...conn({ prefix })])).toEqual(timeline);
    expect(await cli(["replay", a, "--at", "3", "--json", ...conn({ prefix })])).toEqual(state);
    expect((await cli(["replay", a, "--check", ...conn({ prefix })])).stdout).toMatch(/^✔ deterministic run /);
    expect(json(parseRunExport((await cli(["export", a, ...conn({ prefix })])).stdout).entries)).toEqual(
      json(exported.entries),
    );
    expect(await c.status(a)).toEqual({ ...statusBefore, archivedAt: rec.purgedAt, archive: rec.status.archive });
    expect((await c.list({ meta: { team: "red" } })).map((r) => r.runId)).toEqual([a]);
    const fork = await cli(["fork", a, "--from", "3", "--wait", "--json", ...conn({ prefix })]);
    expect(JSON.parse(fork.stdout)).toMatchObject({
      status: "completed",
      answer: LEDGER_ANSWER,
      forkedFrom: { runId: a, step: 3 },
    });
    // Twice, or purged after: refused, saying where it is.
    expect((await cli(["archive", a, ...conn({ prefix })])).stderr).toContain(
      `run ${a} was archived at ${rec.purgedAt}`,
    );
    expect((await cli(["purge", a, ...conn({ prefix })])).stderr).toContain(`run ${a} was archived at ${rec.purgedAt}`);
    // A tampered reference is caught by the digest, never served.
    const kv = await new Kvm(emb.nc).open(c.subjects.runsBucket);
    await kv.put(a, encode({ ...rec.status, archive: { ...rec.status.archive!, sha256: "0".repeat(64) } }));
    expect((await cli(["replay", a, ...conn({ prefix })])).stderr).toContain("do not match the recorded digest");
    await kv.put(a, encode(rec.status));
    // A long-running archiver: the run in flight goes on undisturbed, and is archived once it ended.
    const archiver = spawn(
      process.execPath,
      [cairn, "archive", "--older-than", "0s", "--every", "1s", ...conn({ prefix })],
      {
        env: { PATH: process.env["PATH"] ?? "", HOME: process.env["HOME"] ?? "/root", NO_COLOR: "1" },
        stdio: ["ignore", "pipe", "pipe"],
      },
    );
    let said = "";
    archiver.stdout.on("data", (d: Buffer) => (said += d.toString()));
    archiver.stderr.on("data", (d: Buffer) => (said += d.toString()));
    const exited = new Promise<number | null>((r) => archiver.once("exit", (code) => r(code)));
    cleanups.push(async () => void archiver.kill("SIGKILL"));
    expect(await waitRun(c, b)).toMatchObject({ status: "completed" });
    await withTimeout(
      (async () => {
        while (!(await c.status(b)).archivedAt) await new Promise((r) => setTimeout(r, 100));
      })(),
      20_000,
      `run ${b} to be archived by the running archiver (it said: ${said})`,
    );
    archiver.kill("SIGTERM");
    expect(await exited).toBe(0);
    expect(said).toMatch(/\d+ archived, \d+ ended more recently/);
    expect(await readRunLog(jsm, c.subjects, b)).toEqual([]);
    expect((await loadRunLog(emb.nc, c.subjects, b)).entries.at(-1)?.subject).toBe(c.subjects.ended(b));
  });
});

describe("golden histories through the CLI, offline", () => {
  it("replays each committed fixture to the committed text timeline, and --check passes", async () => {
    for (const name of ["parallel-ledger", "tool-errors", "max-turns", "cancelled", "crash-resumed", "fork-edited"]) {
      const file = join(golden, `${name}.cairn.jsonl`);
      const t = await cli(["replay", "--file", file, "--width", "100"]);
      expect(t.stderr, name).toBe("");
      expect(t.stdout, name).toBe(readFileSync(join(golden, `${name}.timeline.txt`), "utf8"));
      const check = await cli(["replay", "--file", file, "--check"]);
      expect(check.code, name).toBe(0);
      expect(check.stdout, name).toMatch(/^✔ deterministic run /);
    }
    const bad = await cli([
      "replay",
      "--file",
      join(golden, "crash-resumed.cairn.jsonl"),
      "--check",
      "--planner",
      changedPlanner,
    ]);
    expect(bad.code).toBe(3);
    expect(bad.stdout).toMatch(/^✘ DIVERGENCE at step 2 \(seq \d+, evt\.tool\.1\.\d\)/);
  });
});
