import { afterEach, describe, expect, it } from "vitest";
import type { RunStatus } from "@cairn/protocol";
import { Subjects } from "@cairn/protocol";
import { checkRun, loadRunLog } from "@cairn/replay";
import { readLedger, tempDir, testPassword, waitFor, type LedgerEntry } from "@cairn/testing";
import { runCli, runLog, type ScriptTurn } from "../helpers.js";
import { ChaosCluster } from "./harness.js";

/*
 * Side-effect contracts (a tool's `effect`) under the chaos harness: real processes on the shipped
 * accounts (the tools run in the app tools' runner group), the model an OpenAI-wire HTTP server.
 * A tool whose effect is `reconcile` or `irreversible` is never run again blindly: a call that was
 * started and left no result is reconciled (its effect looked up by its key) or left to a human.
 *
 *   npx tsc -b tsconfig.json && npx vitest run --project e2e tests/chaos/effects.test.ts
 */

const TOOLS = "reconcile_ledger,irreversible_ledger";

/** Turn 1 calls both tools at once; turn 2 answers with their results. */
function script(delayMs = 0): ScriptTurn[] {
  const a = (item: string) => (delayMs ? { item, delayMs } : { item });
  return [
    {
      content: "both",
      toolCalls: [
        { name: "reconcile_ledger", arguments: a("a") },
        { name: "irreversible_ledger", arguments: a("b") },
      ],
    },
    { content: "done: {{toolResults}}" },
  ];
}

let cluster: ChaosCluster | undefined;
afterEach(async () => {
  await cluster?.stop();
  cluster = undefined;
});

/** Executions per (idempotency key, round): more than one for a pair is a blind re-execution. */
function blindReExecutions(ledger: LedgerEntry[]): number {
  const seen = new Map<string, number>();
  for (const e of ledger) seen.set(`${e.key}#${e.round ?? 0}`, (seen.get(`${e.key}#${e.round ?? 0}`) ?? 0) + 1);
  return [...seen.values()].reduce((n, k) => n + (k - 1), 0);
}

const ambiguousRound = (s: RunStatus): number | undefined => s.approvals?.find((a) => a.ambiguous)?.ambiguous?.round;

async function waitAmbiguous(c: ChaosCluster, runId: string, round: number): Promise<RunStatus> {
  return waitFor(
    `run ${runId}: its irreversible call ambiguous (round ${round})`,
    async () => {
      const s = await c.client.status(runId);
      return ambiguousRound(s) === round ? s : undefined;
    },
    90_000,
  );
}

describe("side-effect contracts under chaos", () => {
  it("crash point after-effect on every runner start: 0 blind re-executions of reconcile and irreversible tools; a human's decisions finish the runs", async () => {
    // Every tool-runner start SIGKILLs itself after its first tool effect, before the result is
    // recorded (rearm: the restarted runner has the same crash point): each call's first
    // execution is lost between its effect and its record.
    cluster = await ChaosCluster.start({
      instances: 1,
      script: script(),
      ackWaitMs: 2000,
      crashAt: { "tool-runner": "after-effect:1" },
      rearm: true,
      tools: TOOLS,
      env: { CAIRN_TOOL_CONCURRENCY: "1" },
    });
    const c = cluster;
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) ids.push((await c.client.submit({ task: `effects run ${i}` })).runId);
    const paused = await Promise.all(ids.map((id) => waitAmbiguous(c, id, 0)));
    // (and every reconcile call answered: its redelivery asks reconcile, after the ack wait)
    await waitFor(
      "every reconcile call's result",
      async () => {
        for (const id of ids)
          if (!(await runLog(c.client.nc, c.prefix, id)).some((e) => e.entry.kind === "tool-result")) return undefined;
        return true;
      },
      60_000,
    );

    // Each call ran once and lost its record: its runner died after the effect (the two tools'
    // consumers run side by side in a runner, so one crash can take two calls' records). The
    // reconcile tool's results came from reconcile (the commit found by key); the irreversible calls wait.
    // (an irreversible call whose runner died with the other call's crash before its own effect
    // never ran at all: ambiguous all the same, as the runner cannot know)
    const ledger = readLedger(c.fixture.ledgerFile);
    expect(
      ledger
        .filter((e) => e.item === "a")
        .map((e) => e.runId)
        .sort(),
    ).toEqual([...ids].sort());
    expect(ledger.filter((e) => e.item === "b").length).toBeLessThanOrEqual(5);
    expect(blindReExecutions(ledger)).toBe(0);
    expect(c.dead.length).toBeGreaterThanOrEqual(5);
    for (const s of paused) {
      expect(s.status).toBe("awaiting_approval");
      const a = s.approvals!.find((x) => x.ambiguous)!;
      expect(a.tool).toBe("irreversible_ledger");
      expect(a.ambiguous).toEqual({
        round: 0,
        effect: "irreversible",
        reason: expect.stringContaining("started by an earlier delivery and no result was recorded"),
      });
      expect(s.waitingFor?.join(" ")).toContain("its outcome is ambiguous");
      const log = await runLog(c.client.nc, c.prefix, s.runId);
      const reconciled = log.find((e) => e.entry.kind === "tool-result" && e.entry.message.index === 0);
      expect(reconciled?.entry.kind === "tool-result" && reconciled.entry.message).toMatchObject({
        ok: true,
        output: "recorded a",
        reconciled: true,
      });
      expect(
        log.filter((e) => e.entry.kind === "tool-started").map((e) => e.subject.split(".").slice(3).join(".")),
      ).toEqual(
        expect.arrayContaining(["evt.started.1.0.0.reconcile_ledger", "evt.started.1.1.0.irreversible_ledger"]),
      );
    }

    // The human's decisions. run 0 and 3: run it again — the rerun's runner dies after the effect
    // too, so the rerun (round 1) is ambiguous in its turn; then a result by hand, or a denial.
    const callId = (s: RunStatus) => s.approvals!.find((x) => x.ambiguous)!.callId;
    await c.client.approve(ids[0]!, callId(paused[0]!));
    await c.client.approve(ids[3]!, callId(paused[3]!));
    await c.client.deny(ids[1]!, callId(paused[1]!), { reason: "the provider's dashboard shows nothing" });
    await c.client.approve(ids[2]!, callId(paused[2]!), { result: "sent b (confirmed by hand)" });
    await c.client.deny(ids[4]!, callId(paused[4]!));
    const again = await Promise.all([waitAmbiguous(c, ids[0]!, 1), waitAmbiguous(c, ids[3]!, 1)]);
    await c.client.approve(ids[0]!, callId(again[0]), { result: "sent b (rerun confirmed)" });
    await c.client.deny(ids[3]!, callId(again[1]));
    const done = await Promise.all(ids.map((id) => c.client.wait(id)));
    expect(done.map((s) => s.status)).toEqual(Array(5).fill("completed"));
    expect(done[0]!.answer).toBe("done: recorded a\nsent b (rerun confirmed)");
    expect(done[2]!.answer).toBe("done: recorded a\nsent b (confirmed by hand)");
    for (const i of [1, 3, 4]) expect(done[i]!.answer).toContain("a human declined to run it again");
    expect(done[1]!.answer).toContain("the provider's dashboard shows nothing");

    // Two reruns a human asked for, each run once (round 1); nothing ran twice in one round.
    const after = readLedger(c.fixture.ledgerFile);
    expect(after).toHaveLength(ledger.length + 2);
    expect(
      after
        .filter((e) => e.round === 1)
        .map((e) => e.runId)
        .sort(),
    ).toEqual([ids[0], ids[3]].sort());
    expect(blindReExecutions(after)).toBe(0);
    const v = await c.verify(ids);
    expect(v.violations).toEqual([]);
    // The record by hand names who decided; replay re-drives the planner to the same decisions.
    const log2 = await runLog(c.client.nc, c.prefix, ids[2]!);
    const byHand = log2.find((e) => e.entry.kind === "tool-result" && e.entry.message.index === 1);
    expect(byHand?.entry.kind === "tool-result" && byHand.entry.message).toMatchObject({
      ok: true,
      output: "sent b (confirmed by hand)",
      recordedBy: "operator", // the deployment's own client user is an operator (docs/security.md)
    });
    for (const id of ids) {
      const report = checkRun(await loadRunLog(c.client.nc, new Subjects(c.prefix), id));
      expect(report.divergences, id).toEqual([]);
    }
    console.log(
      `CHAOS effects-after-effect ${JSON.stringify({ runs: 5, crashes: c.dead.length, executions: after.length, humanReruns: 2, blindReExecutions: blindReExecutions(after) })}`,
    );
  });

  it("SIGKILL mid-call: the reconcile tool finds its effect did not land and runs again; the irreversible one waits, and cairn approve runs it", async () => {
    cluster = await ChaosCluster.start({ instances: 1, script: script(4000), ackWaitMs: 2000, tools: TOOLS });
    const c = cluster;
    const { runId } = await c.client.submit({ task: "killed mid-call" });
    // Both calls started (their markers are in the log) and are in their 4 s wait: SIGKILL the runner.
    await waitFor(
      "both calls started",
      async () =>
        (await runLog(c.client.nc, c.prefix, runId)).filter((e) => e.entry.kind === "tool-started").length === 2 ||
        undefined,
      30_000,
    );
    const runner = c.slots.find((s) => s.name === "tool-runner")!;
    await runner.proc.kill("SIGKILL");
    const s = await waitAmbiguous(c, runId, 0);
    // a: reconcile found no commit (the kill came before the effect): it ran again, once
    await waitFor(
      "the reconcile call's rerun",
      async () => readLedger(c.fixture.ledgerFile).length === 1 || undefined,
      30_000,
    );
    // (a redelivery: the first waited out the killed run's time limit, a later one reconciled and ran it)
    expect(readLedger(c.fixture.ledgerFile).map((e) => [e.item, e.round, e.attempt > 1])).toEqual([["a", 0, true]]);

    // cairn status says what is ambiguous and what a human can do; cairn approve runs it again.
    const home = tempDir("cairn-home-");
    const env = { NATS_USER: "client", NATS_PASSWORD: testPassword("client") };
    const cli = (...args: string[]) =>
      runCli(c.server.url, c.prefix, home, ...args, "--user", env.NATS_USER, "--password", env.NATS_PASSWORD);
    const shown = (await cli("status", runId)).stdout;
    expect(shown).toContain("ambiguous");
    expect(shown).toContain("irreversible_ledger");
    expect(shown).toContain(`cairn approve ${runId} ${s.approvals![0]!.callId} --result`);
    await cli("approve", runId, s.approvals![0]!.callId);
    const done = await c.client.wait(runId);
    expect(done.status).toBe("completed");
    expect(done.answer).toBe("done: recorded a\nsent b");
    const ledger = readLedger(c.fixture.ledgerFile);
    // a: its killed run never reached the effect; reconcile said so and it ran again (once).
    // b: never ran blindly; it ran once, as the human's rerun (round 1).
    expect(ledger.map((e) => [e.item, e.round]).sort()).toEqual([
      ["a", 0],
      ["b", 1],
    ]);
    expect((await c.verify([runId])).violations).toEqual([]);
  });
});
