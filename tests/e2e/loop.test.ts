import { describe, expect, it } from "vitest";
import { CairnClient } from "@cairn/client";
import { readLedger, uniquePrefix } from "@cairn/testing";
import { silentLogger } from "@cairn/telemetry";
import {
  LEDGER_ANSWER,
  LEDGER_SCRIPT,
  makeFixture,
  runLog,
  serviceEnv,
  waitRun,
  type Fixture,
  useEmbedded,
} from "../helpers.js";

const h = useEmbedded();

async function start(f: Fixture, extra: Record<string, string> = {}): Promise<{ prefix: string; c: CairnClient }> {
  const prefix = uniquePrefix();
  await h.start({
    prefix,
    env: serviceEnv(h.server.url, prefix, f, { LOG_LEVEL: "silent", ...extra }),
    agents: f.agents,
    log: silentLogger(),
  });
  return { prefix, c: h.client };
}

describe("the durable agent loop (three services in one process, real nats-server)", () => {
  it("completes a multi-turn run with parallel tool calls and the right answer", async () => {
    const f = makeFixture({ ledger3: LEDGER_SCRIPT });
    const { prefix, c } = await start(f);
    const { runId, created } = await c.submit({ task: "record a, b, c, then d", agent: "ledger3" });
    expect(created).toBe(true);
    const s = await waitRun(c, runId);
    expect(s.status).toBe("completed");
    expect(s.answer).toBe(LEDGER_ANSWER);
    expect(s.turn).toBe(3);
    expect(s.toolCalls).toBe(4);
    const ledger = readLedger(f.ledgerFile);
    expect(ledger.map((l) => l.key).sort()).toEqual([`${runId}:1:0`, `${runId}:1:1`, `${runId}:1:2`, `${runId}:2:0`]);
    expect(ledger.map((l) => l.item).sort()).toEqual(["a", "b", "c", "d"]);

    const log = await runLog(h.emb.nc, prefix, runId);
    const kinds = log.map((e) => e.entry.kind);
    expect(kinds[0]).toBe("submitted");
    expect(kinds.at(-1)).toBe("ended");
    expect(kinds.filter((k) => k === "llm-result")).toHaveLength(3);
    expect(kinds.filter((k) => k === "tool-result")).toHaveLength(4);
    expect(kinds.filter((k) => k === "llm-command")).toHaveLength(3);
    expect(kinds.filter((k) => k === "tool-command")).toHaveLength(4);
    expect(kinds).not.toContain("invalid");
    // Commands are small: a reference to the history, not a copy of the conversation.
    for (const e of log)
      if (e.entry.kind === "llm-command")
        expect(Object.keys(e.entry.message).sort()).toEqual(["historySeq", "runId", "turn", "type", "v"]);
    // The fan-in: each turn's next model call is asked for once, after every result of the turn,
    // and reads the history up to the last of them (its historySeq is that result's sequence).
    for (const [turn, calls] of [
      [1, 3],
      [2, 1],
    ] as const) {
      const results = log.filter((e) => e.entry.kind === "tool-result" && e.entry.message.turn === turn);
      expect(results).toHaveLength(calls);
      const next = log.filter((e) => e.entry.kind === "llm-command" && e.entry.message.turn === turn + 1);
      expect(next, `model commands for turn ${turn + 1}`).toHaveLength(1);
      const lastResult = Math.max(...results.map((e) => e.seq));
      expect(next[0]!.seq).toBeGreaterThan(lastResult);
      expect(next[0]!.entry.kind === "llm-command" && next[0]!.entry.message.historySeq).toBe(lastResult);
      // Nothing of the next turn was commanded before the fan-in was complete.
      expect(
        log.filter(
          (e) =>
            e.seq < lastResult &&
            (e.entry.kind === "llm-command" || e.entry.kind === "tool-command") &&
            e.entry.message.turn > turn,
        ),
      ).toEqual([]);
    }
    const runs = await c.list();
    expect(runs.find((r) => r.runId === runId)?.status).toBe("completed");
  });

  it("returns the same run for a resubmission with the same idempotency key", async () => {
    const f = makeFixture({ ledger3: LEDGER_SCRIPT });
    const { c } = await start(f);
    const a = await c.submit({ task: "once", idempotencyKey: "order-42" });
    const b = await c.submit({ task: "once", idempotencyKey: "order-42" });
    expect(b.runId).toBe(a.runId);
    expect(a.created).toBe(true);
    expect(b.created).toBe(false);
    await waitRun(c, a.runId);
    expect(readLedger(f.ledgerFile)).toHaveLength(4);
  });

  it("sends a failing tool's error back to the model after max attempts, and the run goes on", async () => {
    const f = makeFixture(
      {
        flaky: [
          { toolCalls: [{ name: "always_fails", arguments: {} }] },
          { content: "The tool said: {{toolResults}}" },
        ],
      },
      { flaky: ["always_fails"] },
    );
    const { prefix, c } = await start(f, { CAIRN_TOOL_MAX_ATTEMPTS: "3" });
    const { runId } = await c.submit({ task: "try the tool" });
    const s = await waitRun(c, runId);
    expect(s.status).toBe("completed");
    expect(s.answer).toBe("The tool said: Error (error): this tool always fails");
    const log = await runLog(h.emb.nc, prefix, runId);
    const r = log.find((e) => e.entry.kind === "tool-result");
    expect(r?.entry.kind === "tool-result" && r.entry.message.attempts).toBe(3);
    // Exactly max-attempts executions, then the error went to the model.
    expect(readLedger(f.ledgerFile).filter((l) => l.item === "always_fails")).toHaveLength(3);
  });

  it("sends invalid tool arguments and unknown tools back to the model as errors", async () => {
    const f = makeFixture({
      bad: [
        {
          toolCalls: [
            { name: "ledger", argumentsRaw: "{not json" },
            { name: "ledger", arguments: { wrong: 1 } },
            { name: "no_such_tool", arguments: {} },
          ],
        },
        { content: "{{toolResults}}" },
      ],
    });
    const { c } = await start(f);
    const { runId } = await c.submit({ task: "bad calls" });
    const s = await waitRun(c, runId);
    expect(s.status).toBe("completed");
    const lines = (s.answer ?? "").split("\n");
    expect(lines[0]).toMatch(/^Error \(invalid_arguments\): arguments are not valid JSON/);
    expect(lines[1]).toMatch(/^Error \(invalid_arguments\):.*item/);
    expect(lines[2]).toMatch(/^Error \(unknown_tool\)/);
    expect(readLedger(f.ledgerFile)).toHaveLength(0);
  });

  it("fails a run that exceeds maxTurns, with the reason", async () => {
    const loop: typeof LEDGER_SCRIPT = Array.from({ length: 5 }, (_, i) => ({
      toolCalls: [{ name: "ledger", arguments: { item: `x${i}` } }],
    }));
    const f = makeFixture({ loop }, {}, { loop: 2 });
    const { c } = await start(f);
    const { runId } = await c.submit({ task: "loop forever" });
    const s = await waitRun(c, runId);
    expect(s.status).toBe("failed");
    expect(s.reason).toBe("max_turns_exceeded");
    expect(s.turn).toBe(2);
    expect(readLedger(f.ledgerFile)).toHaveLength(1);
  });

  it("cancels a run durably: no command is issued after the cancel", async () => {
    const f = makeFixture({
      slow: [
        { toolCalls: [{ name: "ledger", arguments: { item: "slow", delayMs: 1500 } }] },
        { toolCalls: [{ name: "ledger", arguments: { item: "never" } }] },
        { content: "done" },
      ],
    });
    const { prefix, c } = await start(f);
    const { runId } = await c.submit({ task: "slow" });
    await new Promise((r) => setTimeout(r, 300));
    await c.cancel(runId, "user asked");
    const s = await waitRun(c, runId);
    expect(s.status).toBe("cancelled");
    expect(s.reason).toBe("user asked");
    await new Promise((r) => setTimeout(r, 2000));
    const log = await runLog(h.emb.nc, prefix, runId);
    const endedAt = log.findIndex((e) => e.entry.kind === "ended");
    expect(
      log.slice(endedAt).filter((e) => e.entry.kind === "llm-command" || e.entry.kind === "tool-command"),
    ).toHaveLength(0);
    expect(readLedger(f.ledgerFile).map((l) => l.item)).not.toContain("never");
  });

  it("keeps a tool call that outlasts ack_wait alive with working(): executed once, one attempt", async () => {
    const f = makeFixture({
      long: [
        { toolCalls: [{ name: "ledger", arguments: { item: "long", delayMs: 5000 } }] },
        { content: "{{toolResults}}" },
      ],
    });
    const { prefix, c } = await start(f); // ack_wait is 2 s here
    const { runId } = await c.submit({ task: "long call" });
    const s = await waitRun(c, runId);
    expect(s.answer).toBe("recorded long");
    expect(readLedger(f.ledgerFile)).toHaveLength(1);
    const log = await runLog(h.emb.nc, prefix, runId);
    const r = log.find((e) => e.entry.kind === "tool-result");
    expect(r?.entry.kind === "tool-result" && r.entry.message.attempts).toBe(1);
  });

  it("rejects an unknown agent and an invalid request with clear errors", async () => {
    const f = makeFixture({ ledger3: LEDGER_SCRIPT });
    const { c } = await start(f);
    await expect(c.submit({ task: "x", agent: "nope" })).rejects.toMatchObject({
      name: "CairnApiError",
      kind: "unknown_agent",
    });
    await expect(c.submit({ task: "" })).rejects.toMatchObject({ kind: "bad_request" });
    await expect(c.status("no-such-run")).rejects.toMatchObject({ kind: "not_found" });
  });
});
