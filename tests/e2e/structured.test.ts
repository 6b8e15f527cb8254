import { writeFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { checkRun, loadRunLog } from "@cairn/replay";
import type { RunStatus } from "@cairn/protocol";
import { readLedger, uniquePrefix, waitFor, type HttpHandler } from "@cairn/testing";
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

// Issue 21 (agents in code), the parts built so far: structured output and approvals that edit a
// call's arguments. Each test runs the three services as separate processes and SIGKILLs all of
// them in the middle of the run; the run goes on where its log says.

const h = useEmbedded();

const SCHEMA = {
  type: "object",
  additionalProperties: false,
  required: ["city", "temperature"],
  properties: { city: { type: "string" }, temperature: { type: "number" } },
};
const VALID = '{"city":"Oslo","temperature":-3}';

const model = useModelServer();

/** An Anthropic Messages answer as one JSON body (not streamed). */
const anthropicJson =
  (text: string): HttpHandler =>
  (_q, res) => {
    res.writeHead(200, { "content-type": "application/json" });
    res.end(
      JSON.stringify({
        id: "msg_1",
        type: "message",
        role: "assistant",
        model: "claude-test",
        content: [{ type: "text", text }],
        stop_reason: "end_turn",
        usage: { input_tokens: 20, output_tokens: 8 },
      }),
    );
  };

const cli = (f: Fixture, prefix: string, ...args: string[]) => runCli(h.server.url, prefix, f.dir, ...args);

/** The request bodies the model server received, as JSON. */
const bodies = () => model.http.received.map((r) => r.body as Record<string, unknown>);

describe("structured output (agent output schema)", () => {
  it.each([
    {
      wire: "OpenAI, streamed",
      provider: "openai",
      answer: openAiStream,
      env: (origin: string) => ({ OPENAI_BASE_URL: `${origin}/v1`, OPENAI_API_KEY: "sk-test" }),
    },
    {
      wire: "Anthropic, not streamed",
      provider: "anthropic",
      answer: anthropicJson,
      env: (origin: string) => ({
        ANTHROPIC_BASE_URL: origin,
        ANTHROPIC_API_KEY: "sk-ant-test",
        CAIRN_STREAM_TOKENS: "false",
      }),
    },
  ])(
    "$wire: an invalid answer goes back to the model with the validation error and the corrected one is the run's parsed output, across a SIGKILL of every service",
    async ({ provider, answer, env: providerEnv }) => {
      model.http.received.length = 0;
      const f = makeFixture({ unused: [] });
      writeFileSync(
        f.agentsFile,
        JSON.stringify({
          agents: {
            weather: {
              provider,
              model: "test-model",
              systemPrompt: "You report the weather.",
              tools: [],
              maxTurns: 4,
              output: { name: "weather", schema: SCHEMA },
            },
          },
        }),
      );
      const prefix = uniquePrefix();
      const env = serviceEnv(h.server.url, prefix, f, providerEnv(model.http.origin));
      // Answer 1 is prose (invalid); request 2 is never answered: every service is killed while it
      // waits; its redelivery (request 3) gets the valid answer.
      let second!: () => void;
      const secondArrived = new Promise<void>((resolve) => (second = resolve));
      model.answers = [answer("It is cold in Oslo, about -3 degrees."), () => second(), answer(VALID)];
      const procs = await startServiceProcesses(env);
      const client = await clientFor(h.server.url, prefix);
      try {
        // with an image the model sees (its URL, passed to the provider as it is)
        const { runId } = await client.submit({
          task: "Weather in Oslo?",
          images: [{ url: "https://img.invalid/oslo.png", mediaType: "image/png" }],
        });
        await secondArrived;
        await killAll(procs);
        procs.push(...(await startServiceProcesses(env)));
        const s = await waitRun(client, runId);
        expect(s.status).toBe("completed");
        expect(s.output).toEqual({ city: "Oslo", temperature: -3 });
        expect(s.answer).toBe(VALID);
        expect(s.turn).toBe(2);

        const sent = bodies();
        expect(sent).toHaveLength(3);
        if (provider === "openai") {
          for (const b of sent)
            expect(b["response_format"]).toEqual({
              type: "json_schema",
              json_schema: { name: "weather", schema: SCHEMA, strict: false },
            });
        } else {
          // the system prompt: one string, or text blocks
          const system = (b: Record<string, unknown>) =>
            typeof b["system"] === "string"
              ? b["system"]
              : (b["system"] as { text: string }[]).map((x) => x.text).join("\n\n");
          for (const b of sent)
            expect(system(b)).toContain(`validates against this JSON Schema:\n${JSON.stringify(SCHEMA)}`);
        }
        // The task and its image, in the provider's own form.
        const task = (sent[0]!["messages"] as { role: string; content: unknown }[]).find((m) => m.role === "user");
        expect(task?.content).toEqual([
          { type: "text", text: "Weather in Oslo?" },
          provider === "openai"
            ? { type: "image_url", image_url: { url: "https://img.invalid/oslo.png" } }
            : { type: "image", source: { type: "url", url: "https://img.invalid/oslo.png" } },
        ]);
        // The correction the model read: its own answer, then why it was not accepted.
        const messages = sent[2]!["messages"] as { role: string; content: unknown }[];
        const text = (m: { content: unknown }) =>
          typeof m.content === "string" ? m.content : JSON.stringify(m.content);
        expect(text(messages.at(-2)!)).toContain("It is cold in Oslo");
        expect(messages.at(-1)!.role).toBe("user");
        expect(text(messages.at(-1)!)).toMatch(/your answer was not accepted: the answer is not JSON/);
        expect(sent[1]!["messages"]).toEqual(sent[2]!["messages"]); // the redelivery asked the same

        const log = await runLog(client.nc, prefix, runId);
        expect(log.filter((e) => e.entry.kind === "llm-result")).toHaveLength(2);
        const ended = log.find((e) => e.entry.kind === "ended");
        expect(ended?.entry.kind === "ended" && ended.entry.message.output).toEqual({ city: "Oslo", temperature: -3 });
        const report = checkRun(await loadRunLog(client.nc, client.subjects, runId));
        expect(report.divergences).toEqual([]);
        expect(report.ok).toBe(true);

        const { stdout } = await cli(f, prefix, "status", runId, "--json");
        expect((JSON.parse(stdout) as RunStatus).output).toEqual({ city: "Oslo", temperature: -3 });
      } finally {
        model.answers = [];
        await client.close();
        await Promise.all(procs.map((p) => p.kill("SIGKILL")));
      }
    },
  );

  it("a model that never gives a valid answer fails the run (invalid_output) after maxAttempts answers", async () => {
    model.http.received.length = 0;
    const f = makeFixture({ unused: [] });
    writeFileSync(
      f.agentsFile,
      JSON.stringify({
        agents: {
          weather: {
            provider: "openai",
            model: "test-model",
            maxTurns: 5,
            output: { schema: SCHEMA, maxAttempts: 2 },
          },
        },
      }),
    );
    const prefix = uniquePrefix();
    const env = serviceEnv(h.server.url, prefix, f, {
      OPENAI_BASE_URL: `${model.http.origin}/v1`,
      OPENAI_API_KEY: "k",
    });
    model.answers = [openAiStream('{"city":"Oslo"}'), openAiStream('{"city":"Oslo","temperature":"cold"}')];
    const procs = await startServiceProcesses(env);
    const client = await clientFor(h.server.url, prefix);
    try {
      const { runId } = await client.submit({ task: "Weather?" });
      const s = await waitRun(client, runId);
      expect(s.status).toBe("failed");
      expect(s.reason).toBe("invalid_output");
      expect(s.output).toBeUndefined();
      expect(model.http.received).toHaveLength(2);
      const ended = (await runLog(client.nc, prefix, runId)).find((e) => e.entry.kind === "ended");
      expect(ended?.entry.kind === "ended" && ended.entry.message.error?.message).toMatch(
        /^2 answers failed the output schema; the last: .*\/temperature must be number/,
      );
    } finally {
      model.answers = [];
      await client.close();
      await Promise.all(procs.map((p) => p.kill("SIGKILL")));
    }
  });
});

describe("approval with edited arguments (agent editableArgs)", () => {
  it("`cairn approve --args` runs the call with the approver's arguments, recorded with who edited them, across a SIGKILL of every service", async () => {
    const f = makeFixture({
      work: [
        { content: "Recording.", toolCalls: [{ name: "ledger", arguments: { item: "everything" } }] },
        { content: "Done: {{toolResults}}" },
      ],
    });
    writeFileSync(
      f.agentsFile,
      JSON.stringify({
        agents: {
          work: {
            provider: "scripted",
            model: "work",
            tools: ["ledger"],
            approve: ["ledger"],
            editableArgs: ["ledger"],
            maxTurns: 4,
          },
        },
      }),
    );
    const prefix = uniquePrefix();
    const env = serviceEnv(h.server.url, prefix, f);
    const procs = await startServiceProcesses(env);
    const client = await clientFor(h.server.url, prefix);
    try {
      const { runId } = await client.submit({ task: "record" });
      const waiting = await waitFor(
        "the call to wait for approval",
        async () => {
          const st = await client.status(runId);
          return st.approvals?.length ? st : undefined;
        },
        30_000,
      );
      const call = waiting.approvals![0]!;
      expect(call).toMatchObject({ tool: "ledger", arguments: '{"item":"everything"}', argsEditable: true });
      expect((await cli(f, prefix, "status", runId)).stdout).toContain(
        `cairn approve ${runId} ${call.callId} [--args '{…}']`,
      );

      await killAll(procs);
      procs.push(...(await startServiceProcesses(env)));

      // Bad input is refused with a clear error, and nothing is decided.
      await expect(cli(f, prefix, "approve", runId, call.callId, "--args", "{item:")).rejects.toMatchObject({
        stderr: expect.stringContaining("expected a JSON object"),
      });
      await expect(cli(f, prefix, "approve", runId, call.callId, "--args", '{"item":7}')).rejects.toMatchObject({
        stderr: expect.stringContaining("/item must be string"),
      });
      expect((await client.status(runId)).approvals).toHaveLength(1);

      const { stdout } = await cli(f, prefix, "approve", runId, call.callId, "--args", '{"item":"one line"}');
      expect(stdout).toContain(`approved with edited arguments ${call.callId} of ${runId}`);
      const s = await waitRun(client, runId);
      expect(s.status).toBe("completed");
      expect(s.answer).toBe(
        'Done: [Cairn: the approver operator edited this call\'s arguments before it ran; it ran with {"item":"one line"}]\nrecorded one line',
      );
      // The tool ran once, with the edited arguments.
      expect(readLedger(f.ledgerFile).map((e) => e.item)).toEqual(["one line"]);

      const log = await runLog(client.nc, prefix, runId);
      const approval = log.find((e) => e.entry.kind === "approval");
      expect(approval?.entry.kind === "approval" && approval.entry.message).toMatchObject({
        decision: "approve",
        arguments: '{"item":"one line"}',
        by: "operator",
      });
      const command = log.find((e) => e.entry.kind === "tool-command");
      expect(command?.entry.kind === "tool-command" && command.entry.message.arguments).toBe('{"item":"one line"}');
      expect((await cli(f, prefix, "replay", runId)).stdout).toMatch(
        /approved call \S+ by operator\n.*✎ with edited arguments \{"item":"one line"\}/,
      );
      const report = checkRun(await loadRunLog(client.nc, client.subjects, runId));
      expect(report.divergences).toEqual([]);
      expect(report.ok).toBe(true);
    } finally {
      await client.close();
      await Promise.all(procs.map((p) => p.kill("SIGKILL")));
    }
  });
});
