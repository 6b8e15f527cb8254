import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { CairnClient } from "@cairn/client";
import { startEmbedded, type Embedded } from "@cairn/cli";
import { childRunId } from "@cairn/runtime";
import { silentLogger } from "@cairn/telemetry";
import { readLedger, startNatsServer, uniquePrefix, waitFor, type RunningNatsServer } from "@cairn/testing";
import { makeFixture, runLog, serviceEnv, waitRun, type Fixture, type ScriptTurn } from "../helpers.js";

let server: RunningNatsServer;
let emb: Embedded | undefined;
let client: CairnClient | undefined;

beforeAll(async () => {
  server = await startNatsServer();
});
afterEach(async () => {
  await client?.close();
  await emb?.stop();
  client = undefined;
  emb = undefined;
});
afterAll(async () => {
  await server?.stop();
});

const PARENT: ScriptTurn[] = [{ content: "Delegating.", toolCalls: [{ name: "run_agent", arguments: { agent: "child", task: "record x" } }] }, { content: "child said: {{toolResults}}" }];

async function setup(childDelayMs: number): Promise<{ f: Fixture; prefix: string; restart(): Promise<void> }> {
  const child: ScriptTurn[] = [{ toolCalls: [{ name: "ledger", arguments: { item: "x", delayMs: childDelayMs } }] }, { content: "{{toolResults}}" }];
  const f = makeFixture({ parent: PARENT, child }, { parent: ["run_agent"], child: ["ledger"] });
  const prefix = uniquePrefix();
  const env = serviceEnv(server.url, prefix, f, { LOG_LEVEL: "silent" });
  const start = async () => {
    emb = await startEmbedded({ natsUrl: server.url, env, agents: f.agents, log: silentLogger() });
    client = await CairnClient.connect({ nc: emb.nc, prefix });
  };
  await start();
  return {
    f,
    prefix,
    async restart() {
      await client?.close();
      await emb?.stop();
      await start();
    },
  };
}

describe("sub-agents", () => {
  it("a tool starts a child run and waits for it durably (across a restart of every service); the child's answer is the call's result", async () => {
    const t = await setup(1500);
    const { runId } = await client!.submit({ task: "delegate", agent: "parent" });
    const child = childRunId(runId, 1, 0);
    // The child exists and records where it came from.
    await waitFor("the child run", async () => (await client!.status(child).catch(() => undefined))?.status === "running", 20_000);
    const childLog = await runLog(client!.nc, t.prefix, child);
    expect(childLog[0]?.entry.kind === "submitted" && childLog[0].entry.message.parent).toEqual({ runId, turn: 1, index: 0, callId: "call_1_0" });
    await t.restart(); // while the parent waits on the child
    const s = await waitRun(client!, runId);
    expect(s.status).toBe("completed");
    expect(s.answer).toBe("child said: recorded x");
    expect((await client!.status(child)).status).toBe("completed");
    // The child's id is in the parent's log, on the call's result.
    const log = await runLog(client!.nc, t.prefix, runId);
    const r = log.find((e) => e.entry.kind === "tool-result");
    expect(r?.entry.kind === "tool-result" && r.entry.message).toMatchObject({ ok: true, childRunId: child, output: "recorded x" });
    expect(readLedger(t.f.ledgerFile)).toHaveLength(1);
  });

  it("cancelling the parent cancels the child", async () => {
    const t = await setup(5000);
    const { runId } = await client!.submit({ task: "delegate", agent: "parent" });
    const child = childRunId(runId, 1, 0);
    await waitFor("the child run", async () => (await client!.status(child).catch(() => undefined))?.status === "running", 20_000);
    await client!.cancel(runId, "stop everything");
    expect((await waitRun(client!, runId)).status).toBe("cancelled");
    const c = await waitRun(client!, child);
    expect(c.status).toBe("cancelled");
    expect(c.reason).toBe(`parent run ${runId} was cancelled`);
    expect(readLedger(t.f.ledgerFile)).toHaveLength(0);
  });
});
