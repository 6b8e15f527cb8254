// The runs index through the CLI, against real services: runs submitted with metadata, listed
// newest first with filters, their status read from the index; the index lost and rebuilt from
// the log by one command, listing the same runs in the same order.
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { Kvm } from "@nats-io/kv";
import { uniquePrefix } from "@cairn/testing";
import { silentLogger } from "@cairn/telemetry";
import { encode, Subjects, type RunStatus } from "@cairn/protocol";
import { jetstreamManager } from "@nats-io/jetstream";
import { makeFixture, serviceEnv, useEmbedded, waitRun } from "../helpers.js";

const run = promisify(execFile);
const cairn = join(import.meta.dirname, "..", "..", "services", "cli", "bin", "cairn.js");
const h = useEmbedded();

describe("the runs index (cairn runs, cairn status, cairn index rebuild)", () => {
  it("lists runs by metadata, status and time, shows metadata in status, and is rebuilt from the log", async () => {
    const f = makeFixture({ once: [{ content: "done" }] });
    const prefix = uniquePrefix();
    await h.start({
      prefix,
      env: serviceEnv(h.server.url, prefix, f, { LOG_LEVEL: "silent" }),
      agents: f.agents,
      log: silentLogger(),
    });
    const env = {
      PATH: process.env["PATH"] ?? "",
      HOME: process.env["HOME"] ?? "/root",
      NO_COLOR: "1",
      NATS_URL: h.server.url,
      CAIRN_PREFIX: prefix,
    };
    const cli = async (...args: string[]): Promise<string> =>
      (await run(process.execPath, [cairn, ...args], { env, timeout: 60_000 })).stdout;

    const ids: string[] = [];
    for (const team of ["red", "blue", "red"]) {
      ids.push(
        JSON.parse(
          await cli(
            "submit",
            "--agent",
            "once",
            "--meta",
            `team=${team}`,
            "--meta",
            "env=test",
            "--wait",
            "--json",
            `a task for ${team}`,
          ),
        ).runId as string,
      );
    }
    const middle = (await h.client.status(ids[1]!)).submittedAt;
    const listed = async (...args: string[]): Promise<string[]> =>
      (JSON.parse(await cli("runs", "--json", ...args)) as RunStatus[]).map((r) => r.runId);
    expect(await listed()).toEqual([...ids].reverse());
    expect(await listed("--meta", "team=red")).toEqual([ids[2], ids[0]]);
    expect(await listed("--meta", "team=red", "--meta", "env=prod")).toEqual([]);
    expect(await listed("--status", "completed", "-n", "2")).toEqual([ids[2], ids[1]]);
    expect(await listed("--since", middle)).toEqual([ids[2], ids[1]]);
    expect(await listed("--until", middle)).toEqual([ids[0]]);
    const status = JSON.parse(await cli("status", ids[1]!, "--json")) as RunStatus;
    expect(status).toMatchObject({ runId: ids[1], status: "completed", metadata: { team: "blue", env: "test" } });
    expect(await cli("status", ids[1]!)).toMatch(/metadata team=blue {2}env=test/);
    await expect(run(process.execPath, [cairn, "runs", "--since", "last tuesday"], { env })).rejects.toMatchObject({
      stderr: expect.stringMatching(/since and until are RFC 3339 times/) as string,
    });
    await expect(run(process.execPath, [cairn, "submit", "--meta", "nokey", "x"], { env })).rejects.toMatchObject({
      stderr: expect.stringMatching(/expected key=value/) as string,
    });

    // The index is lost: no run is listed; `cairn status` still answers from the log.
    const kvm = new Kvm(h.emb.nc);
    const bucket = new Subjects(prefix).runsBucket;
    await (await kvm.open(bucket)).destroy();
    await kvm.create(bucket, { history: 1 });
    expect(await listed()).toEqual([]);
    expect(JSON.parse(await cli("status", ids[0]!, "--json"))).toMatchObject({ runId: ids[0], status: "completed" });
    const rebuilt = JSON.parse(await cli("index", "rebuild", "--json")) as {
      runs: number;
      submissions: number;
      statuses: number;
    };
    expect(rebuilt).toEqual({ runs: 3, submissions: 3, statuses: 3, retired: 0, directory: 0 });
    expect(await listed()).toEqual([...ids].reverse());
    expect(await listed("--meta", "team=blue")).toEqual([ids[1]]);
    // Again: nothing to write, the same list.
    expect(JSON.parse(await cli("index", "rebuild", "--json"))).toEqual({
      runs: 3,
      submissions: 0,
      statuses: 0,
      retired: 0,
      directory: 0,
    });
    expect(await listed()).toEqual([...ids].reverse());
    // A run after the rebuild is indexed as usual.
    const next = await h.client.submit({ task: "after", agent: "once", metadata: { team: "red" } });
    await waitRun(h.client, next.runId);
    expect(await listed("--meta", "team=red")).toEqual([next.runId, ids[2], ids[0]]);

    // Archived, the oldest run leaves the runs index (no key of it is left there) for the archive:
    // listed, filtered and shown as before.
    const s = new Subjects(prefix);
    const jsm = await jetstreamManager(h.emb.nc);
    await cli("archive", ids[0]!);
    expect(
      Object.keys((await jsm.streams.info(`KV_${bucket}`, { subjects_filter: ">" })).state.subjects ?? {}).filter((k) =>
        k.endsWith(ids[0]!),
      ),
    ).toEqual([]);
    expect(await listed()).toEqual([next.runId, ids[2], ids[1], ids[0]]);
    expect(await listed("--meta", "team=red", "--status", "completed")).toEqual([next.runId, ids[2], ids[0]]);
    const archived = JSON.parse(await cli("status", ids[0]!, "--json")) as RunStatus;
    expect(archived).toMatchObject({
      runId: ids[0],
      status: "completed",
      metadata: { team: "red", env: "test" },
      archivedAt: expect.any(String) as string,
    });
    // Its directory page lost: the run cannot be found until `cairn index rebuild` writes the page again from the archive's records.
    await jsm.streams.purge(`KV_${s.archiveBucket}`, { filter: `$KV.${s.archiveBucket}.${s.archivePageKey(ids[0]!)}` });
    await expect(run(process.execPath, [cairn, "status", ids[0]!], { env })).rejects.toMatchObject({
      stderr: expect.stringContaining(ids[0]!) as string,
    });
    expect(JSON.parse(await cli("index", "rebuild", "--json"))).toEqual({
      runs: 3,
      submissions: 0,
      statuses: 0,
      retired: 0,
      directory: 1,
    });
    expect(JSON.parse(await cli("status", ids[0]!, "--json"))).toEqual(archived);
    // An archiver stopped after the run left the log but before it left the index: the rebuild moves its record.
    await (await kvm.open(bucket)).put(ids[0]!, encode(archived));
    expect(JSON.parse(await cli("index", "rebuild", "--json"))).toEqual({
      runs: 3,
      submissions: 0,
      statuses: 0,
      retired: 1,
      directory: 0,
    });
    expect(
      Object.keys((await jsm.streams.info(`KV_${bucket}`, { subjects_filter: ">" })).state.subjects ?? {}).filter((k) =>
        k.endsWith(ids[0]!),
      ),
    ).toEqual([]);
    expect(await listed()).toEqual([next.runId, ids[2], ids[1], ids[0]]);
    // An idempotency key names its run for good: resubmitted after the run was archived, the
    // archive directory answers with the same run, and another task under the key is refused.
    const keyed = await h.client.submit({ task: "charge order 1", agent: "once", idempotencyKey: "order-1" });
    await waitRun(h.client, keyed.runId);
    await cli("archive", keyed.runId);
    expect(await h.client.submit({ task: "charge order 1", agent: "once", idempotencyKey: "order-1" })).toMatchObject({
      runId: keyed.runId,
      created: false,
    });
    await expect(h.client.submit({ task: "charge order 2", agent: "once", idempotencyKey: "order-1" })).rejects.toThrow(
      /idempotency key "order-1" already names run .* \(archived\)/,
    );
  });
});
