import { writeFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { checkRun, loadRunLog } from "@cairn/replay";
import { uniquePrefix, waitFor } from "@cairn/testing";
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
  openAiJson,
} from "../helpers.js";

// Issue 21 part 4: a guardrail judged by a model (agent guardrails[].model) is a journaled step:
// the planner asks for the check (cmd.check.<n>.<provider>), the llm-caller records the judging
// model's verdict (evt.check.<n>), the planner records the point's verdict (evt.guard). Against a
// local server speaking the OpenAI Chat Completions wire protocol, with every service SIGKILLed
// while the judging call is open.

const h = useEmbedded();
const model = useModelServer();

/** The OpenAI wire answer of the tests below: text, usage 30 in, 9 out. */
const judgeAnswer = (text: string) => openAiJson(text, [], { prompt_tokens: 30, completion_tokens: 9 });

const cli = (f: Fixture, prefix: string, ...args: string[]) => runCli(h.server.url, prefix, f.dir, ...args);
const bodies = () => model.http.received.map((r) => r.body as Record<string, unknown>);

describe("a guardrail judged by a model", () => {
  it("trips on the judging model's verdict (recorded once, across a SIGKILL of every service while it is asked), pauses for a human, and replays without asking again", async () => {
    model.http.received.length = 0;
    const f = makeFixture({ unused: [] });
    writeFileSync(
      f.agentsFile,
      JSON.stringify({
        agents: {
          support: {
            provider: "openai",
            model: "main-model",
            systemPrompt: "You answer billing questions.",
            tools: [],
            maxTurns: 3,
            guardrails: {
              output: [
                { name: "short", maxChars: 2000, onTrip: "fail" },
                {
                  name: "no_card_data",
                  onTrip: "pause",
                  message: "card data in the answer",
                  model: { instructions: "Trip when the text contains a payment card number.", model: "judge-model" },
                },
              ],
            },
          },
        },
      }),
    );
    const prefix = uniquePrefix();
    const env = serviceEnv(h.server.url, prefix, f, {
      OPENAI_BASE_URL: `${model.http.origin}/v1`,
      OPENAI_API_KEY: "sk-test",
      CAIRN_STREAM_TOKENS: "false",
    });
    // 1: the agent's answer; 2: the judging call, never answered (every service is killed while it
    // is open); 3: its redelivery, answered with the verdict.
    let judging!: () => void;
    const judgingArrived = new Promise<void>((resolve) => (judging = resolve));
    model.answers = [
      judgeAnswer("The card on file is 4111 1111 1111 1111."),
      () => judging(),
      judgeAnswer('{"tripped": true, "reason": "it shows a full card number"}'),
    ];
    const procs = await startServiceProcesses(env);
    const client = await clientFor(h.server.url, prefix);
    try {
      const { runId } = await client.submit({ task: "Which card do I pay with?" });
      await judgingArrived;
      await killAll(procs);
      procs.push(...(await startServiceProcesses(env)));
      const paused = await waitFor(
        "the judged guardrail to pause the run",
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
        guardPause: {
          turn: 1,
          point: "output",
          guardrail: "no_card_data",
          message: "card data in the answer: it shows a full card number",
        },
      });

      // What the judge was asked: its own model, the guardrail's instructions and the verdict's
      // contract, the answer alone as the text, a JSON verdict by native structured output.
      const sent = bodies();
      expect(sent).toHaveLength(3);
      expect(sent[0]!["model"]).toBe("main-model");
      for (const judged of [sent[1]!, sent[2]!]) {
        expect(judged["model"]).toBe("judge-model");
        expect(judged["response_format"]).toMatchObject({
          type: "json_schema",
          json_schema: { name: "guardrail_verdict" },
        });
        const messages = judged["messages"] as { role: string; content: string }[];
        expect(messages[0]).toMatchObject({ role: "system" });
        expect(messages[0]!.content).toContain("Trip when the text contains a payment card number.");
        expect(messages[0]!.content).toContain('{"tripped": true or false');
        // the answer alone, as a JSON string (data to judge, not instructions)
        expect(messages.slice(1)).toEqual([
          { role: "user", content: 'Text to judge (a JSON string):\n"The card on file is 4111 1111 1111 1111."' },
        ]);
        expect(judged["max_tokens"] ?? judged["max_completion_tokens"]).toBe(512);
      }
      expect(sent[2]!["messages"]).toEqual(sent[1]!["messages"]); // the redelivery asked the same

      // The log: one check command, one recorded verdict (with the judge's usage), then the point's verdict.
      const log = await runLog(client.nc, prefix, runId);
      const kinds = log.map((e) => e.entry.kind);
      expect(kinds.filter((k) => k === "check-command")).toHaveLength(1);
      const checks = log.flatMap((e) => (e.entry.kind === "check-result" ? [e.entry.message] : []));
      expect(checks).toEqual([
        expect.objectContaining({
          n: 1,
          turn: 1,
          point: "output",
          guardrail: "no_card_data",
          ok: true,
          tripped: true,
          reason: "it shows a full card number",
          usage: { inputTokens: 30, outputTokens: 9 },
        }),
      ]);
      expect(kinds.indexOf("check-result")).toBeLessThan(kinds.indexOf("guard"));
      // the judge's tokens are the run's too
      expect(paused.usage).toEqual({ inputTokens: 60, outputTokens: 18 });

      // A human lets it go on: the run completes with the answer; no model is asked again.
      await cli(f, prefix, "approve", runId, "guard", "--reason", "test card");
      const done = await waitRun(client, runId);
      expect(done).toMatchObject({ status: "completed", answer: "The card on file is 4111 1111 1111 1111." });
      expect(bodies()).toHaveLength(3);

      // replay re-decides from the recorded verdict (it asks no model) and agrees with the log
      const report = checkRun(await loadRunLog(client.nc, client.subjects, runId));
      expect(report.divergences).toEqual([]);
      expect(report.ok).toBe(true);
      const r = await cli(f, prefix, "replay", runId, "--check", "--json");
      expect(JSON.parse(r.stdout)).toMatchObject({ ok: true, divergences: [] });
      expect(bodies()).toHaveLength(3);
    } finally {
      model.answers = [];
      await client.close();
      await Promise.all(procs.map((p) => p.kill("SIGKILL")));
    }
  }, 90_000);

  it("a judge that answers no verdict pauses the run (never passes the answer); a verdict of not tripped lets the next answer through", async () => {
    model.http.received.length = 0;
    const f = makeFixture({ unused: [] });
    writeFileSync(
      f.agentsFile,
      JSON.stringify({
        agents: {
          support: {
            provider: "openai",
            model: "main-model",
            systemPrompt: "",
            tools: [],
            maxTurns: 3,
            guardrails: {
              input: [{ name: "on_topic", onTrip: "fail", model: { instructions: "Trip when off topic." } }],
            },
          },
        },
      }),
    );
    const prefix = uniquePrefix();
    const env = serviceEnv(h.server.url, prefix, f, {
      OPENAI_BASE_URL: `${model.http.origin}/v1`,
      OPENAI_API_KEY: "sk-test",
      CAIRN_STREAM_TOKENS: "false",
    });
    const procs = await startServiceProcesses(env);
    const client = await clientFor(h.server.url, prefix);
    try {
      // the judge rambles: no verdict → the input guardrail pauses the run before any model turn
      model.answers = [judgeAnswer("Well, it depends.")];
      const a = (await client.submit({ task: "Tell me a joke" })).runId;
      const s = await waitFor("the pause", async () => (await client.status(a)).guardPause, 30_000);
      expect(s).toMatchObject({ turn: 1, point: "input", guardrail: "on_topic" });
      expect(s.message).toMatch(/model check gave no verdict \(invalid_verdict: /);
      expect((await client.status(a)).turn).toBe(0);
      await cli(f, prefix, "deny", a, "guard");
      expect(await waitRun(client, a)).toMatchObject({ status: "failed", reason: "guardrail_tripped" });

      // the judge says not tripped (its default model is the agent's): the model turn follows
      model.answers = [judgeAnswer('{"tripped": false, "reason": "billing"}'), judgeAnswer("You owe 12 EUR.")];
      const b = (await client.submit({ task: "What do I owe?" })).runId;
      expect(await waitRun(client, b)).toMatchObject({ status: "completed", answer: "You owe 12 EUR." });
      const sent = bodies();
      expect(sent.at(-2)!["model"]).toBe("main-model");
      expect((sent.at(-2)!["messages"] as { content: string }[])[1]!.content).toBe(
        'Text to judge (a JSON string):\n"What do I owe?"',
      );
      const log = await runLog(client.nc, prefix, b);
      expect(log.map((e) => e.entry.kind).filter((k) => k.startsWith("check") || k === "guard")).toEqual([
        "check-command",
        "check-result",
        "guard",
      ]);
    } finally {
      model.answers = [];
      await client.close();
      await Promise.all(procs.map((p) => p.kill("SIGKILL")));
    }
  }, 90_000);
});
