import { afterAll, describe, expect, it } from "vitest";
import { jetstreamManager } from "@nats-io/jetstream";
import { CairnClient } from "@cairn/client";
import { Subjects } from "@cairn/protocol";
import {
  adminAuth,
  credentialsEnv,
  readCommits,
  readLedger,
  shippedAccounts,
  spawnService,
  startNatsCluster,
  testPassword,
  uniquePrefix,
  waitFor,
  type NatsCluster,
  type ServiceProcess,
} from "@cairn/testing";
import { checkLedger, checkRunLog, type LoggedEntry } from "../chaos/invariants.js";
import { TEN_TURN_ANSWER, tenTurnScript } from "../chaos/harness.js";
import { makeFixture, runLog, serviceEnv, waitRun, withTimeout } from "../helpers.js";

let cluster: NatsCluster | undefined;
const procs: ServiceProcess[] = [];
let client: CairnClient | undefined;
afterAll(async () => {
  await client?.close();
  await Promise.all(procs.map((p) => p.kill("SIGKILL")));
  await cluster?.stop();
});

describe("past one machine: a 3-node NATS cluster with R3 streams", () => {
  it("runs complete, with 0 lost and 0 duplicated results, when the stream leader's server is SIGKILLed and later restarted (the shipped accounts: every service on its own user)", async () => {
    const prefix = uniquePrefix("clu");
    cluster = await startNatsCluster(3, { extraConfig: shippedAccounts(prefix), auth: adminAuth() });
    const f = makeFixture({ work: tenTurnScript(200) });
    const env = serviceEnv(cluster.urls, prefix, f, { CAIRN_REPLICAS: "3", CAIRN_ACK_WAIT_MS: "3000" });
    // the admin provisions (R3); each service runs as its own user, the ledger tool in the app tools' group
    const users = {
      "tool-runner": { ...credentialsEnv("tool-runner-app"), CAIRN_TOOLS: "ledger" },
      "llm-caller": credentialsEnv("llm-caller"),
      planner: credentialsEnv("planner"),
    };
    for (const name of ["tool-runner", "llm-caller", "planner"] as const)
      procs.push(await spawnService(name, { ...env, ...users[name] }, { admin: adminAuth() }));
    client = await CairnClient.connect({
      connect: { servers: cluster.urls, user: "client", pass: testPassword("client") },
      prefix,
    });
    const c = client;
    const ids: string[] = [];
    for (let i = 0; i < 10; i++)
      ids.push((await c.submit({ task: `cluster run ${i}`, idempotencyKey: `clu-${i}` })).runId);

    const jsm = await jetstreamManager(c.nc);
    const stream = new Subjects(prefix).stream;
    // JetStream answers "temporarily unavailable" while a cluster elects leaders: ask again.
    const streamInfo = () => waitFor("stream info", () => jsm.streams.info(stream), 30_000, 250);
    const info = await streamInfo();
    expect(info.config.num_replicas).toBe(3);
    const leader = info.cluster?.leader;
    expect(cluster.names).toContain(leader);
    await new Promise((r) => setTimeout(r, 1500));
    const node = cluster.node(leader!);
    await node.kill();
    await new Promise((r) => setTimeout(r, 4000));
    await node.restart();

    const statuses = await withTimeout(
      Promise.all(ids.map((id) => waitRun(c, id, 120_000))),
      120_000,
      "cluster runs",
    ).catch(async (err: unknown) => {
      // Say where a run stopped, for the failure message.
      const where = await Promise.all(
        ids.map(async (id) => JSON.stringify(await c.status(id).catch((e: unknown) => String(e)))),
      );
      throw new Error(`${String(err)}\n${where.join("\n")}`);
    });
    expect(statuses.every((s) => s.status === "completed" && s.answer === TEN_TURN_ANSWER)).toBe(true);
    const logs = new Map<string, LoggedEntry[]>();
    const violations: string[] = [];
    for (const id of ids) {
      const log = await runLog(c.nc, prefix, id);
      logs.set(id, log);
      violations.push(...checkRunLog(id, log));
    }
    const ledger = checkLedger(logs, readLedger(f.ledgerFile), readCommits(f.workspaceRoot));
    expect([...violations, ...ledger.violations]).toEqual([]);
    expect(ledger.keys).toBe(ids.length * 11);
    // The services reconnected to the remaining nodes by themselves: none of them died.
    expect(procs.every((p) => p.child.exitCode === null && p.child.signalCode === null)).toBe(true);
    const newLeader = (await streamInfo()).cluster?.leader;
    console.log(
      `CLUSTER ${JSON.stringify({ runs: ids.length, killedLeader: leader, newLeader, lost: 0, duplicateResults: 0, reExecutedToolCalls: ledger.reExecutions })}`,
    );
  });
});
