import { execFile } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { parseAgents } from "@cairn/planner";
import { checkRun, loadRunLog } from "@cairn/replay";
import type { RunStatus } from "@cairn/protocol";
import { silentLogger } from "@cairn/telemetry";
import {
  readLedger,
  spawnService,
  uniquePrefix,
  waitFor,
  workspaceRoot,
  type ServiceName,
  type ServiceProcess,
} from "@cairn/testing";
import { renderStatus } from "@cairn/cli";
import {
  clientFor,
  makeFixture,
  openAiJson,
  runLog,
  serviceEnv,
  useEmbedded,
  useModelServer,
  waitRun,
  type ScriptTurn,
} from "../helpers.js";

const h = useEmbedded();
const model = useModelServer();

/** The model asks for the same call `n` times (one a turn), then answers with the last result. */
function repeating(n: number): ScriptTurn[] {
  return [
    ...Array.from({ length: n }, () => ({
      content: "Let me check again.",
      toolCalls: [{ name: "ledger", arguments: { item: "same" } }],
    })),
    { content: "done: {{toolResults}}" },
  ];
}

async function setup(script: ScriptTurn[], agent: Record<string, unknown>) {
  const f = makeFixture({ work: script });
  const prefix = uniquePrefix();
  const agents = parseAgents(
    JSON.stringify({
      agents: { work: { provider: "scripted", model: "work", tools: ["ledger"], maxTurns: 10, ...agent } },
    }),
  );
  const c = await h.start({ prefix, env: serviceEnv(h.server.url, prefix, f), agents, log: silentLogger() });
  return { f, prefix, c };
}

const pausedBy = async (get: () => Promise<RunStatus>): Promise<RunStatus> =>
  waitFor(
    "the run to be paused by its loop guard",
    async () => {
      const s = await get();
      return s.loopPause ? s : undefined;
    },
    30_000,
  );

describe("stuck-loop guard (agent loopGuard)", () => {
  it("pauses a run that repeats the same call, names the pattern in status, and goes on when a human approves", async () => {
    const { f, prefix, c } = await setup(repeating(5), { loopGuard: { sameCall: 3 } });
    const { runId } = await c.submit({ task: "poll" });
    const paused = await pausedBy(() => c.status(runId));
    expect(paused.status).toBe("awaiting_approval");
    expect(paused.turn).toBe(3);
    expect(paused.loopPause).toEqual({
      turn: 4,
      pattern: "same_call",
      tool: "ledger",
      arguments: '{"item":"same"}',
      count: 3,
      sinceTurn: 1,
      message: expect.stringContaining("ledger was called 3 times with the same arguments"),
    });
    expect((await c.list({ status: "awaiting_approval" })).map((r) => r.runId)).toContain(runId);
    const shown = renderStatus(paused);
    expect(shown).toContain("same_call");
    expect(shown).toContain(`cairn approve ${runId} loop`);
    expect(shown).toContain(`cairn deny ${runId} loop`);
    // It stays paused: no model call is made while a human decides.
    await new Promise((r) => setTimeout(r, 1000));
    expect((await c.status(runId)).turn).toBe(3);
    expect(readLedger(f.ledgerFile)).toHaveLength(3);

    await c.approve(runId, "loop");
    const s = await waitRun(c, runId);
    // Two more of the same call after the approval: 2 since it, under sameCall 3, so no second pause.
    expect(s.status).toBe("completed");
    expect(s.answer).toBe("done: recorded same");
    expect(s.turn).toBe(6);
    expect(readLedger(f.ledgerFile)).toHaveLength(5);

    // The decision is an event in the log, and replay re-drives the planner to the same decisions.
    const log = await runLog(c.nc, prefix, runId);
    const decisions = log.filter((e) => e.entry.kind === "loop-approval");
    expect(decisions).toHaveLength(1);
    expect(decisions[0]?.subject).toBe(`${prefix}.run.${runId}.evt.approval.4.loop`);
    expect(decisions[0]?.entry.kind === "loop-approval" && decisions[0].entry.message).toMatchObject({
      callId: "loop",
      turn: 4,
      decision: "approve",
      by: "operator",
    });
    const report = checkRun(await loadRunLog(c.nc, c.subjects, runId));
    expect(report.divergences).toEqual([]);
    expect(report.ok).toBe(true);
    // Not paused any more: approving again is refused.
    await expect(c.approve(runId, "loop")).rejects.toThrow(/not paused by its stuck-loop guard/);
  });

  it("with onTrip: fail, a run with no new tool result for idleTurns turns ends failed with reason stuck_loop", async () => {
    const { prefix, c } = await setup(repeating(5), { loopGuard: { idleTurns: 2, onTrip: "fail" } });
    const { runId } = await c.submit({ task: "poll" });
    const s = await waitRun(c, runId);
    expect(s.status).toBe("failed");
    expect(s.reason).toBe("stuck_loop");
    expect(s.turn).toBe(3); // turn 1 is new, turns 2 and 3 repeat it: no model call for turn 4
    const ended = (await runLog(c.nc, prefix, runId)).find((e) => e.entry.kind === "ended");
    expect(ended?.entry.kind === "ended" && ended.entry.message.error).toEqual({
      kind: "stuck_loop",
      message: expect.stringMatching(
        /^stuck loop \(idle_turns\): 2 turns in a row \(turns 2-3\) brought no new tool result/,
      ),
    });
    expect(checkRun(await loadRunLog(c.nc, c.subjects, runId)).ok).toBe(true);
  });

  it("a human's deny ends a paused run failed, with the reason in the log", async () => {
    const { prefix, c } = await setup(repeating(5), { loopGuard: { idleTurns: 1 } });
    const { runId } = await c.submit({ task: "poll" });
    const paused = await pausedBy(() => c.status(runId));
    expect(paused.loopPause).toMatchObject({ turn: 3, pattern: "idle_turns", count: 1 });
    await c.deny(runId, "loop", { reason: "enough" });
    const s = await waitRun(c, runId);
    expect(s.status).toBe("failed");
    expect(s.reason).toBe("stuck_loop");
    const log = await runLog(c.nc, prefix, runId);
    const ended = log.find((e) => e.entry.kind === "ended");
    expect(ended?.entry.kind === "ended" && ended.entry.message.error?.message).toMatch(
      /a human declined to go on: enough$/,
    );
    expect(log.some((e) => e.entry.kind === "loop-approval" && e.entry.message.decision === "deny")).toBe(true);
  });

  it("the same script without a guard runs to its answer", async () => {
    const { c } = await setup(repeating(5), {});
    const { runId } = await c.submit({ task: "poll" });
    const s = await waitRun(c, runId);
    expect(s.status).toBe("completed");
    expect(s.turn).toBe(6);
  });
});

const execFileP = promisify(execFile);

describe("stuck-loop guard with the services as separate processes", () => {
  it("a run paused by its loop guard survives a SIGKILL of the planner, and `cairn approve <run> loop` lets it go on (the model on the OpenAI wire)", async () => {
    const f = makeFixture({ work: repeating(4) });
    writeFileSync(
      f.agentsFile,
      JSON.stringify({
        agents: {
          work: { provider: "openai", model: "gpt-test", tools: ["ledger"], maxTurns: 10, loopGuard: { sameCall: 2 } },
        },
      }),
    );
    // a local server speaking OpenAI's Chat Completions: the same call four times, then the answer
    model.answers = [
      ...Array.from({ length: 4 }, () =>
        openAiJson("Let me check again.", [{ name: "ledger", args: { item: "same" } }]),
      ),
      openAiJson("done: recorded same"),
    ];
    model.http.received.length = 0;
    const prefix = uniquePrefix();
    const env = serviceEnv(h.server.url, prefix, f, {
      OPENAI_BASE_URL: `${model.http.origin}/v1`,
      OPENAI_API_KEY: "sk-test",
    });
    const procs: ServiceProcess[] = [];
    const client = await clientFor(h.server.url, prefix);
    try {
      for (const name of ["tool-runner", "llm-caller", "planner"] as ServiceName[])
        procs.push(await spawnService(name, env));
      const { runId } = await client.submit({ task: "poll" });
      const paused = await pausedBy(() => client.status(runId));
      expect(paused.loopPause).toMatchObject({ turn: 3, pattern: "same_call", count: 2 });

      const planner = procs.pop()!;
      await planner.kill("SIGKILL");
      expect((await planner.exited).signal).toBe("SIGKILL");
      procs.push(await spawnService("planner", env));
      // The pause is the log waiting: the new planner reports the same one.
      expect((await pausedBy(() => client.status(runId))).loopPause).toEqual(paused.loopPause);

      const cli = (...args: string[]) =>
        execFileP(
          process.execPath,
          [
            join(workspaceRoot(), "services", "cli", "bin", "cairn.js"),
            ...args,
            "--server",
            h.server.url,
            "--prefix",
            prefix,
          ],
          { env: { PATH: process.env["PATH"] ?? "", HOME: f.dir, NO_COLOR: "1" }, timeout: 60_000 },
        );
      expect((await cli("status", runId)).stdout).toContain(`cairn approve ${runId} loop`);
      await cli("approve", runId, "loop");
      // After the approval, turns 3 and 4 repeat the call twice more: a second pause, before turn 5.
      const again = await waitFor(
        "the second pause",
        async () => {
          const st = await client.status(runId);
          return st.loopPause?.turn === 5 ? st : undefined;
        },
        30_000,
      );
      expect(again.loopPause).toMatchObject({ count: 2, sinceTurn: 3 });
      await client.approve(runId, "loop");
      const s = await waitRun(client, runId);
      expect(s.status).toBe("completed");
      expect(s.answer).toBe("done: recorded same");
      expect(readLedger(f.ledgerFile)).toHaveLength(4); // each call ran once, the SIGKILL notwithstanding
      expect(model.http.received).toHaveLength(5); // and each model turn was asked once
    } finally {
      await client.close();
      await Promise.all(procs.map((p) => p.kill("SIGKILL")));
    }
  });
});
