import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { jetstream, jetstreamManager } from "@nats-io/jetstream";
import { CairnClient } from "@cairn/client";
import { newRunId } from "@cairn/planner";
import { encode, Subjects } from "@cairn/protocol";
import { PayloadStore } from "@cairn/bus";
import { createLogger } from "@cairn/telemetry";
import { readLedger, uniquePrefix, waitFor } from "@cairn/testing";
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

const NOT_MSGPACK = new Uint8Array([0xc1, 0xc1, 0xc1, 0x00, 0xff]);

interface Ctx {
  f: Fixture;
  prefix: string;
  s: Subjects;
  c: CairnClient;
  logFile: string;
  publishRaw(subject: string, data: Uint8Array): Promise<void>;
  logLines(): Record<string, unknown>[];
}

async function start(extra: Record<string, string> = {}): Promise<Ctx> {
  const f = makeFixture(
    {
      work: LEDGER_SCRIPT,
      big: [{ toolCalls: [{ name: "big_output", arguments: { bytes: 200_000 } }] }, { content: "{{toolResults}}" }],
    },
    { big: ["big_output"] },
  );
  const prefix = uniquePrefix();
  const logFile = join(f.dir, "services.log");
  await h.start({
    prefix,
    env: serviceEnv(h.server.url, prefix, f, extra),
    agents: f.agents,
    log: createLogger({ service: "test", level: "info", destination: logFile }),
  });
  const js = jetstream(h.emb.nc);
  return {
    f,
    prefix,
    s: new Subjects(prefix),
    c: h.client,
    logFile,
    async publishRaw(subject, data) {
      await js.publish(subject, data);
    },
    logLines: () =>
      readFileSync(logFile, "utf8")
        .split("\n")
        .filter(Boolean)
        .map((l) => JSON.parse(l) as Record<string, unknown>),
  };
}

/** After the poison, the same services still run a normal run to completion. */
async function expectHealthy(t: Ctx): Promise<void> {
  const { runId } = await t.c.submit({ task: "healthy?", agent: "work" });
  const s = await waitRun(t.c, runId);
  expect(s.status).toBe("completed");
  expect(s.answer).toBe(LEDGER_ANSWER);
}

describe("poison inputs are recorded and reported, never crash a service or wedge a run", () => {
  it("an LLM command that is not msgpack, written before its run's submission: the llm-caller records the failure, which comes before the submission and is rejected; the run fails naming it", async () => {
    const t = await start();
    const runId = newRunId(new Date(), "poison-llm");
    await t.publishRaw(t.s.llmCommand(runId, 1, "scripted"), NOT_MSGPACK);
    // the llm-caller has answered the bad command before the run exists
    await waitFor(
      "the llm-caller to answer the bad command",
      async () =>
        t
          .logLines()
          .some((l) => l["runId"] === runId && l["msg"] === "invalid LLM command: recorded as the turn's failed result")
          ? true
          : undefined,
      30_000,
      50,
    );
    const r = await t.c.submit({ task: "x", agent: "work", idempotencyKey: "poison-llm" });
    expect(r.runId).toBe(runId);
    const s = await waitRun(t.c, runId);
    expect(s.status).toBe("failed");
    expect(s.reason).toBe("result_slot_taken");
    expect(s.errors).toBeGreaterThanOrEqual(1);
    const log = await runLog(h.emb.nc, t.prefix, runId);
    const err = log.find((e) => e.entry.kind === "error");
    expect(err?.entry.kind === "error" && err.entry.message).toMatchObject({
      service: "llm-caller",
      error: { kind: "malformed" },
    });
    const ended = log.find((e) => e.entry.kind === "ended");
    expect(ended?.entry.kind === "ended" && ended.entry.message.error?.message).toMatch(
      /model turn 1 .*written before the run's submission/,
    );
    await expectHealthy(t);
  });

  it("a schema-invalid tool command is answered with an invalid_command result and an error event; written before its run, that result is rejected and the run fails naming it", async () => {
    const t = await start();
    const runId = newRunId(new Date(), "poison-tool");
    await t.publishRaw(
      t.s.toolCommand(runId, 1, 0, "ledger"),
      encode({ v: 1, type: "tool.command", runId, turn: "one" }),
    );
    await waitFor(
      "the tool-runner to answer the bad command",
      async () =>
        (await runLog(h.emb.nc, t.prefix, runId)).some((e) => e.entry.kind === "tool-result") ? true : undefined,
      30_000,
      50,
    );
    await t.c.submit({ task: "x", agent: "work", idempotencyKey: "poison-tool" });
    const s = await waitRun(t.c, runId);
    expect(s.status).toBe("failed");
    expect(s.reason).toBe("result_slot_taken");
    const log = await runLog(h.emb.nc, t.prefix, runId);
    const r0 = log.find(
      (e) => e.entry.kind === "tool-result" && e.entry.message.turn === 1 && e.entry.message.index === 0,
    );
    expect(r0?.entry.kind === "tool-result" && r0.entry.message).toMatchObject({
      ok: false,
      callId: "",
      error: { kind: "invalid_command" },
    });
    expect(readLedger(t.f.ledgerFile)).toEqual([]);
    expect(
      log.some(
        (e) =>
          e.entry.kind === "error" &&
          e.entry.message.service === "tool-runner" &&
          e.entry.message.error.kind === "schema_invalid",
      ),
    ).toBe(true);
    await expectHealthy(t);
  });

  it("a tool result written before the run was submitted (not msgpack either) is rejected, never folded; the run fails saying its call's subject is taken", async () => {
    const t = await start();
    const runId = newRunId(new Date(), "poison-event");
    await t.publishRaw(t.s.toolResult(runId, 1, 1, "ledger"), NOT_MSGPACK);
    await t.c.submit({ task: "x", agent: "work", idempotencyKey: "poison-event" });
    const s = await waitRun(t.c, runId);
    expect(s.status).toBe("failed");
    expect(s.reason).toBe("result_slot_taken");
    const log = await runLog(h.emb.nc, t.prefix, runId);
    const ended = log.find((e) => e.entry.kind === "ended");
    expect(ended?.entry.kind === "ended" && ended.entry.message.error?.message).toMatch(
      /call 1 \(ledger\) of turn 1 .*written before the run's submission/,
    );
    // No call of that turn ran: the run cannot go on without that call's result.
    expect(readLedger(t.f.ledgerFile)).toEqual([]);
    expect(log.some((e) => e.entry.kind === "tool-command")).toBe(false);
  });

  it("a schema-invalid submission ends the run as failed with the reason", async () => {
    const t = await start();
    await t.publishRaw(
      t.s.submitted("rbadsubmission"),
      encode({ v: 1, type: "run.submitted", runId: "rbadsubmission" }),
    );
    const s = await waitRun(t.c, "rbadsubmission");
    expect(s.status).toBe("failed");
    expect(s.reason).toBe("invalid_submission");
    await expectHealthy(t);
  });

  it("messages on unexpected run subjects are dropped with a log line", async () => {
    const t = await start();
    await t.publishRaw(`${t.prefix}.run.rweird.cmd.llm.notanumber.scripted`, NOT_MSGPACK);
    await t.publishRaw(`${t.prefix}.run.rweird.evt.bogus`, NOT_MSGPACK);
    await t.publishRaw(`${t.prefix}.run.rweird.cmd.tool.1.0.x.extra`, NOT_MSGPACK);
    await expectHealthy(t);
    const lines = t.logLines();
    expect(
      lines.some((l) => l["msg"] === "message on the LLM command filter with an unexpected subject; dropped"),
    ).toBe(true);
    expect(lines.some((l) => l["msg"] === "unknown event subject ignored")).toBe(true);
  });

  it("an oversized message is refused by the stream; a tool result too large to inline goes to the Object Store and the model sees all of it", async () => {
    const t = await start({ CAIRN_MAX_MESSAGE_BYTES: "65536" });
    await expect(t.publishRaw(t.s.llmCommand("roversized", 1, "scripted"), new Uint8Array(100_000))).rejects.toThrow(
      /message size exceeds maximum allowed/,
    );
    // Over the server's max_payload (1 MiB): refused before it is sent.
    await expect(
      t.publishRaw(t.s.llmCommand("roversized", 2, "scripted"), new Uint8Array(2 * 1024 * 1024)),
    ).rejects.toThrow(/max_payload|MAX_PAYLOAD|payload/i);
    const { runId } = await t.c.submit({ task: "big", agent: "big" });
    const s = await waitRun(t.c, runId);
    expect(s.status).toBe("completed");
    // The final answer (the whole tool output, echoed by the scripted model) is itself stored, with a preview inline.
    expect(s.answer).toBe(`${"x".repeat(1024)}… [200000 characters in the payload stream]`);
    const log = await runLog(h.emb.nc, t.prefix, runId);
    const r = log.find((e) => e.entry.kind === "tool-result");
    expect(r?.entry.kind === "tool-result" && r.entry.message.outputRef).toMatchObject({
      bytes: 200_000,
      name: `${runId}/${createHash("sha256").update("x".repeat(200_000)).digest("hex")}`,
      bucket: t.s.payloadStream,
    });
    const llm2 = log.find((e) => e.entry.kind === "llm-result" && e.entry.message.turn === 2);
    // The model's second prompt held the full 200 000 characters (~4 characters a token).
    expect(llm2?.entry.kind === "llm-result" && llm2.entry.message.usage!.inputTokens).toBeGreaterThan(50_000);
    const ended = log.find((e) => e.entry.kind === "ended");
    const ref = ended?.entry.kind === "ended" ? ended.entry.message.answerRef : undefined;
    expect(ref?.bytes).toBe(200_000);
    const store = new PayloadStore(jetstream(h.emb.nc), await jetstreamManager(h.emb.nc), t.s);
    expect(await store.get(ref!)).toBe("x".repeat(200_000));
    await expectHealthy(t);
  });
});
