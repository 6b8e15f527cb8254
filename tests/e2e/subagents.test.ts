import { describe, expect, it } from "vitest";
import { childRunId } from "@cairn/runtime";
import { silentLogger } from "@cairn/telemetry";
import { readLedger, uniquePrefix, waitFor } from "@cairn/testing";
import { makeFixture, runLog, serviceEnv, waitRun, type Fixture, type ScriptTurn, useEmbedded } from "../helpers.js";

const h = useEmbedded();

const PARENT: ScriptTurn[] = [
  { content: "Delegating.", toolCalls: [{ name: "run_agent", arguments: { agent: "child", task: "record x" } }] },
  { content: "child said: {{toolResults}}" },
];

async function setup(childDelayMs: number): Promise<{ f: Fixture; prefix: string; restart(): Promise<void> }> {
  const child: ScriptTurn[] = [
    { toolCalls: [{ name: "ledger", arguments: { item: "x", delayMs: childDelayMs } }] },
    { content: "{{toolResults}}" },
  ];
  const f = makeFixture({ parent: PARENT, child }, { parent: ["run_agent"], child: ["ledger"] });
  const prefix = uniquePrefix();
  const env = serviceEnv(h.server.url, prefix, f, { LOG_LEVEL: "silent" });
  const start = async () => {
    await h.start({ prefix, env, agents: f.agents, log: silentLogger() });
  };
  await start();
  return {
    f,
    prefix,
    async restart() {
      await h.stop();
      await start();
    },
  };
}

describe("sub-agents", () => {
  it("a tool starts a child run and waits for it durably (across a restart of every service); the child's answer is the call's result", async () => {
    const t = await setup(1500);
    const { runId } = await h.client.submit({ task: "delegate", agent: "parent" });
    const child = childRunId(runId, 1, 0);
    // The child exists and records where it came from.
    await waitFor(
      "the child run",
      async () => (await h.client.status(child).catch(() => undefined))?.status === "running",
      20_000,
    );
    const childLog = await runLog(h.client.nc, t.prefix, child);
    expect(childLog[0]?.entry.kind === "submitted" && childLog[0].entry.message.parent).toEqual({
      runId,
      turn: 1,
      index: 0,
      callId: "call_1_0",
    });
    await t.restart(); // while the parent waits on the child
    const s = await waitRun(h.client, runId);
    expect(s.status).toBe("completed");
    expect(s.answer).toBe("child said: recorded x");
    expect((await h.client.status(child)).status).toBe("completed");
    // The child's id is in the parent's log, on the call's result.
    const log = await runLog(h.client.nc, t.prefix, runId);
    const r = log.find((e) => e.entry.kind === "tool-result");
    expect(r?.entry.kind === "tool-result" && r.entry.message).toMatchObject({
      ok: true,
      childRunId: child,
      output: "recorded x",
    });
    expect(readLedger(t.f.ledgerFile)).toHaveLength(1);
  });

  it("cancelling the parent cancels the child", async () => {
    const t = await setup(5000);
    const { runId } = await h.client.submit({ task: "delegate", agent: "parent" });
    const child = childRunId(runId, 1, 0);
    await waitFor(
      "the child run",
      async () => (await h.client.status(child).catch(() => undefined))?.status === "running",
      20_000,
    );
    await h.client.cancel(runId, "stop everything");
    expect((await waitRun(h.client, runId)).status).toBe("cancelled");
    const c = await waitRun(h.client, child);
    expect(c.status).toBe("cancelled");
    expect(c.reason).toBe(`parent run ${runId} was cancelled`);
    expect(readLedger(t.f.ledgerFile)).toHaveLength(0);
  });
});
