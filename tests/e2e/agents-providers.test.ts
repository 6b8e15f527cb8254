import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { CheckReport } from "@cairn/replay";
import { readLedger, uniquePrefix, waitFor, workspaceRoot, type HttpHandler } from "@cairn/testing";
import {
  clientFor,
  makeFixture,
  runCli,
  runLog,
  serviceEnv,
  startServiceProcesses,
  useEmbedded,
  useModelServer,
  waitRun,
  type Fixture,
  killAll,
  openAiStream,
} from "../helpers.js";

// Issue 21's acceptance for agents in code on real wire protocols: agents defined with defineAgent
// (tests/fixtures/code-agents-openai.mjs, loaded with CAIRN_AGENTS_MODULE) talking to a local
// server that speaks the OpenAI Chat Completions and Anthropic Messages protocols, streamed. The
// services run as separate processes and every one of them is SIGKILLed mid-run; then
// `cairn replay --check --agents` over the recorded runs, with the module as it is and changed.

const h = useEmbedded();
const model = useModelServer();
/** The weather agent's output schema, as the module defines it (tests/fixtures/code-agents-openai.mjs). */
const WEATHER_SCHEMA = {
  type: "object",
  additionalProperties: false,
  required: ["city", "temperature"],
  properties: { city: { type: "string" }, temperature: { type: "number" }, note: { type: "string" } },
};
const MODULE = join(workspaceRoot(), "tests", "fixtures", "code-agents-openai.mjs");
const CHANGED = join(workspaceRoot(), "tests", "fixtures", "code-agents-openai-changed.mjs");

/** An Anthropic Messages answer streamed as server-sent events: a text block, then tool_use blocks with their input in pieces. */
const anthropicStream =
  (text: string, tools: { id: string; name: string; input: unknown }[] = []): HttpHandler =>
  (_q, res) => {
    res.writeHead(200, { "content-type": "text/event-stream" });
    const ev = (type: string, data: Record<string, unknown> = {}) =>
      res.write(`event: ${type}\ndata: ${JSON.stringify({ type, ...data })}\n\n`);
    ev("message_start", {
      message: {
        id: "msg_s",
        type: "message",
        role: "assistant",
        model: "claude-test",
        content: [],
        stop_reason: null,
        usage: { input_tokens: 40, output_tokens: 1 },
      },
    });
    ev("content_block_start", { index: 0, content_block: { type: "text", text: "" } });
    ev("content_block_delta", { index: 0, delta: { type: "text_delta", text } });
    ev("content_block_stop", { index: 0 });
    tools.forEach((t, i) => {
      const json = JSON.stringify(t.input);
      const half = Math.ceil(json.length / 2);
      ev("content_block_start", {
        index: i + 1,
        content_block: { type: "tool_use", id: t.id, name: t.name, input: {} },
      });
      for (const part of [json.slice(0, half), json.slice(half)])
        ev("content_block_delta", { index: i + 1, delta: { type: "input_json_delta", partial_json: part } });
      ev("content_block_stop", { index: i + 1 });
    });
    ev("message_delta", {
      delta: { stop_reason: tools.length ? "tool_use" : "end_turn", stop_sequence: null },
      usage: { output_tokens: 12 },
    });
    ev("message_stop");
    res.end();
  };

const cli = (f: Fixture, prefix: string, ...args: string[]) => runCli(h.server.url, prefix, f.dir, ...args);

/** `cairn replay <run> --check --agents <module> --json`: its report and exit code (3 = DIVERGED). */
async function checkWith(f: Fixture, prefix: string, runId: string, module: string) {
  const r = await cli(f, prefix, "replay", runId, "--check", "--agents", module, "--json").then(
    (o) => ({ code: 0, stdout: o.stdout }),
    (e: { code: number; stdout: string }) => ({ code: e.code, stdout: e.stdout }),
  );
  return { code: r.code, report: JSON.parse(r.stdout) as CheckReport };
}

/** The services' environment: the agents module instead of an agents file, and `extra` (the provider's endpoint). */
function moduleEnv(f: Fixture, prefix: string, extra: Record<string, string>): Record<string, string> {
  const env = serviceEnv(h.server.url, prefix, f, { CAIRN_AGENTS_MODULE: MODULE, ...extra });
  delete (env as Record<string, string | undefined>)["CAIRN_AGENTS_FILE"];
  return env;
}

type Message = { role: string; content: unknown };
/** The request bodies the model server received, as JSON. */
const bodies = () => model.http.received.map((r) => r.body as Record<string, unknown>);

describe("agents in code (defineAgent) on the OpenAI and Anthropic wire protocols", () => {
  it("OpenAI, streamed: an answer failing the output schema goes back with the validation error, the corrected one trips an output guardrail in code that pauses the run; across a SIGKILL of every service mid-call and another while paused, approved; replay --check --agents passes on the module and names the guardrail verdict a changed one alters", async () => {
    model.http.received.length = 0;
    const f = makeFixture({ unused: [] });
    const prefix = uniquePrefix();
    const env = moduleEnv(f, prefix, { OPENAI_BASE_URL: `${model.http.origin}/v1`, OPENAI_API_KEY: "sk-test" });
    // Answer 1 fails the schema; request 2 (the correction) is never answered: every service is
    // killed while it is open; its redelivery (request 3) gets a valid answer the guardrail trips on.
    let second!: () => void;
    const secondArrived = new Promise<void>((resolve) => (second = resolve));
    const INVALID = '{"city":"Oslo","temperature":"cold"}';
    const REPORT = '{"city":"Oslo","temperature":-93,"note":"sensor icing"}';
    model.answers = [openAiStream(INVALID), () => second(), openAiStream(REPORT)];
    const procs = await startServiceProcesses(env);
    const client = await clientFor(h.server.url, prefix);
    try {
      const { runId } = await client.submit({ task: "Weather in Oslo?", agent: "weather", metadata: { units: "C" } });
      await secondArrived;
      await killAll(procs);
      procs.push(...(await startServiceProcesses(env)));
      const paused = await waitFor(
        "the output guardrail to pause the run",
        async () => {
          const s = await client.status(runId);
          if (s.status !== "running" && s.status !== "awaiting_approval")
            throw new Error(`run ${runId} ${s.status}: ${JSON.stringify(s)}`);
          return s.guardPause ? s : undefined;
        },
        30_000,
      );
      expect(paused).toMatchObject({
        status: "awaiting_approval",
        turn: 2,
        guardPause: {
          turn: 2,
          point: "output",
          guardrail: "plausible_temperature",
          message: "implausible temperature -93 in Oslo",
        },
      });
      expect(paused.output).toBeUndefined();

      // Paused, every service is killed again: the pause is in the log, and a human decides.
      await killAll(procs);
      procs.push(...(await startServiceProcesses(env)));
      expect((await client.status(runId)).guardPause).toEqual(paused.guardPause);
      expect((await cli(f, prefix, "approve", runId, "guard")).stdout).toContain(`approved guard of ${runId}`);
      const s = await waitRun(client, runId);
      expect(s).toMatchObject({
        status: "completed",
        agent: "weather",
        turn: 2,
        answer: REPORT,
        output: { city: "Oslo", temperature: -93, note: "sensor icing" },
      });

      // What the OpenAI server was asked: streamed, the schema as response_format, the instructions
      // computed in code for each turn as the system message.
      expect(model.http.received.map((r) => r.url)).toEqual(Array(3).fill("/v1/chat/completions"));
      const sent = bodies();
      for (const [i, b] of sent.entries()) {
        expect(model.http.received[i]!.headers["authorization"]).toBe("Bearer sk-test");
        expect(b).toMatchObject({ model: "gpt-test", stream: true });
        expect(b["response_format"]).toEqual({
          type: "json_schema",
          json_schema: { name: "weather_report", schema: WEATHER_SCHEMA, strict: false },
        });
      }
      expect(sent[0]!["messages"]).toEqual([
        { role: "system", content: "You report the weather as JSON. Units: Celsius. Turn 1." },
        { role: "user", content: "Weather in Oslo?" },
      ]);
      // The correction: the model's own answer, then why it was not accepted (the schema's error).
      expect(sent[1]!["messages"]).toEqual([
        { role: "system", content: "You report the weather as JSON. Units: Celsius. Turn 2." },
        { role: "user", content: "Weather in Oslo?" },
        { role: "assistant", content: INVALID },
        {
          role: "user",
          content: expect.stringMatching(
            /^\[Cairn: your answer was not accepted: the answer does not validate against the output schema: \/temperature must be number\./,
          ) as unknown,
        },
      ]);
      expect(sent[2]).toEqual(sent[1]); // the redelivery after the SIGKILL asked the same

      // The log: two model turns (the redelivered call recorded once), the guardrail's verdict, the approval.
      const log = await runLog(client.nc, prefix, runId);
      expect(log.map((e) => e.subject.slice(`${prefix}.run.${runId}.`.length))).toEqual([
        "evt.submitted",
        "cmd.llm.1.openai",
        "evt.llm.1",
        "cmd.llm.2.openai",
        "evt.llm.2",
        "evt.guard.2.output",
        "evt.approval.2.guard",
        "evt.ended",
      ]);
      expect(log.map((e) => e.entry.kind === "llm-command" && e.entry.message.instructions).filter(Boolean)).toEqual([
        "You report the weather as JSON. Units: Celsius. Turn 1.",
        "You report the weather as JSON. Units: Celsius. Turn 2.",
      ]);
      const guard = log.find((e) => e.entry.kind === "guard");
      expect(guard?.entry.kind === "guard" && guard.entry.message).toMatchObject({
        tripped: true,
        guardrail: "plausible_temperature",
        onTrip: "pause",
        checked: ["plausible_temperature"],
      });
      const approval = log.find((e) => e.entry.kind === "guard-approval");
      expect(approval?.entry.kind === "guard-approval" && approval.entry.message).toMatchObject({
        decision: "approve",
        by: "operator",
      });
      const shown = (await cli(f, prefix, "replay", runId)).stdout;
      expect(shown).toMatch(/turn 2 answers .* 2 attempts \(1 redelivery\)/);
      expect(shown).toMatch(
        /⛔ output guardrail plausible_temperature tripped \(pause for a human\) implausible temperature -93 in Oslo/,
      );
      expect(shown).toMatch(/✓ approved going on past a tripped guardrail at turn 2 by operator/);

      // replay --check --agents: the module as it is decides every step the same ...
      const same = await checkWith(f, prefix, runId, MODULE);
      expect(same.code).toBe(0);
      expect(same.report).toMatchObject({ ok: true, divergences: [], matched: 4, ended: true });
      // ... the changed one (no temperature check) would pass the answer the recorded verdict paused.
      const changed = await checkWith(f, prefix, runId, CHANGED);
      expect(changed.code).toBe(3); // DIVERGED
      expect(changed.report.ok).toBe(false);
      expect(changed.report.divergences).toHaveLength(1);
      expect(changed.report.divergence).toMatchObject({
        kind: "different",
        event: "evt.llm.2",
        subject: "evt.guard.2.output",
        recorded: { tripped: true, guardrail: "plausible_temperature" },
        decided: { tripped: false, checked: ["plausible_temperature"] },
      });
    } finally {
      model.answers = [];
      await client.close();
      await Promise.all(procs.map((p) => p.kill("SIGKILL")));
    }
  });

  it("Anthropic, streamed: `cairn approve --args` edits a ledger call; across a SIGKILL of every service while it waits and another while the next model call is open, the tool ran once, with the edited arguments; replay --check --agents passes on the module and names the model call a change of instructions alters", async () => {
    model.http.received.length = 0;
    const f = makeFixture({ unused: [] });
    const prefix = uniquePrefix();
    const env = moduleEnv(f, prefix, { ANTHROPIC_BASE_URL: model.http.origin, ANTHROPIC_API_KEY: "sk-ant-test" });
    // Request 2 (after the approval) is never answered: every service is killed while it is open.
    let second!: () => void;
    const secondArrived = new Promise<void>((resolve) => (second = resolve));
    model.answers = [
      anthropicStream("Recording.", [{ id: "toolu_1", name: "ledger", input: { item: "everything" } }]),
      () => second(),
      anthropicStream("Recorded one line."),
    ];
    const procs = await startServiceProcesses(env);
    const client = await clientFor(h.server.url, prefix);
    try {
      const { runId } = await client.submit({ task: "Record everything.", agent: "clerk" });
      const waiting = await waitFor(
        "the call to wait for approval",
        async () => {
          const st = await client.status(runId);
          return st.approvals?.length ? st : undefined;
        },
        30_000,
      );
      const call = waiting.approvals![0]!;
      expect(call).toMatchObject({
        callId: "toolu_1",
        tool: "ledger",
        arguments: '{"item":"everything"}',
        argsEditable: true,
      });
      await killAll(procs);
      procs.push(...(await startServiceProcesses(env)));
      expect((await client.status(runId)).approvals).toEqual(waiting.approvals);

      const { stdout } = await cli(f, prefix, "approve", runId, call.callId, "--args", '{"item":"one line"}');
      expect(stdout).toContain(`approved with edited arguments toolu_1 of ${runId}`);
      await secondArrived; // the tool ran; the model is being asked again
      await killAll(procs);
      procs.push(...(await startServiceProcesses(env)));
      const s = await waitRun(client, runId);
      expect(s).toMatchObject({ status: "completed", agent: "clerk", turn: 2, answer: "Recorded one line." });
      // The tool ran once, with the approver's arguments, not the model's (nor again after the SIGKILL).
      expect(readLedger(f.ledgerFile).map((e) => [e.callId, e.item])).toEqual([["toolu_1", "one line"]]);

      // What the Anthropic server was asked: the Messages API, streamed, the instructions in code as
      // `system`; then the model's own call, and its result telling it the approver's edit.
      expect(model.http.received.map((r) => r.url)).toEqual(Array(3).fill("/v1/messages"));
      const sent = bodies();
      for (const [i, b] of sent.entries()) {
        expect(model.http.received[i]!.headers).toMatchObject({
          "x-api-key": "sk-ant-test",
          "anthropic-version": "2023-06-01",
        });
        expect(b).toMatchObject({ model: "claude-test", max_tokens: 4096, stream: true });
        expect((b["tools"] as { name: string; input_schema: unknown }[]).map((t) => t.name)).toEqual(["ledger"]);
      }
      expect(sent[0]!["system"]).toEqual([{ type: "text", text: "You keep the ledger. 0 calls so far." }]);
      expect(sent[0]!["messages"]).toEqual([{ role: "user", content: [{ type: "text", text: "Record everything." }] }]);
      expect(sent[1]!["system"]).toEqual([{ type: "text", text: "You keep the ledger. 1 calls so far." }]);
      expect(sent[1]!["messages"] as Message[]).toEqual([
        { role: "user", content: [{ type: "text", text: "Record everything." }] },
        {
          role: "assistant",
          content: [
            { type: "text", text: "Recording." },
            { type: "tool_use", id: "toolu_1", name: "ledger", input: { item: "everything" } },
          ],
        },
        {
          role: "user",
          content: [
            {
              type: "tool_result",
              tool_use_id: "toolu_1",
              content:
                '[Cairn: the approver operator edited this call\'s arguments before it ran; it ran with {"item":"one line"}]\nrecorded one line',
            },
          ],
        },
      ]);
      expect(sent[2]).toEqual(sent[1]); // the redelivery after the SIGKILL asked the same

      const log = await runLog(client.nc, prefix, runId);
      const approval = log.find((e) => e.entry.kind === "approval");
      expect(approval?.entry.kind === "approval" && approval.entry.message).toMatchObject({
        decision: "approve",
        arguments: '{"item":"one line"}',
        by: "operator",
      });
      const commands = log.filter((e) => e.entry.kind === "tool-command");
      expect(commands.map((e) => e.entry.kind === "tool-command" && e.entry.message.arguments)).toEqual([
        '{"item":"one line"}',
      ]);
      expect(log.filter((e) => e.entry.kind === "llm-command").map((e) => e.subject.split(".").at(-1))).toEqual([
        "anthropic",
        "anthropic",
      ]);

      // replay --check --agents: the module as it is decides every step the same ...
      const same = await checkWith(f, prefix, runId, MODULE);
      expect(same.code).toBe(0);
      expect(same.report).toMatchObject({ ok: true, divergences: [], ended: true });
      // ... the changed one (other instructions) would ask the model differently, from turn 1.
      const changed = await checkWith(f, prefix, runId, CHANGED);
      expect(changed.code).toBe(3); // DIVERGED
      expect(changed.report.divergence).toMatchObject({
        kind: "different",
        event: "evt.submitted",
        subject: "cmd.llm.1.anthropic",
        recorded: { instructions: "You keep the ledger. 0 calls so far." },
        decided: { instructions: "You keep the ledger, briefly." },
      });
      expect(changed.report.divergences.map((d) => d.subject)).toEqual(["cmd.llm.1.anthropic", "cmd.llm.2.anthropic"]);
    } finally {
      model.answers = [];
      await client.close();
      await Promise.all(procs.map((p) => p.kill("SIGKILL")));
    }
  });
});
