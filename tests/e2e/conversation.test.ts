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
} from "../helpers.js";

// Issue 21 part 5: conversations and steering. The services run as separate processes against a
// local server speaking the OpenAI Chat Completions wire protocol, and are all SIGKILLed mid-run.
// The agent is defined in code (tests/fixtures/conversation-agents.mjs, loaded with
// CAIRN_AGENTS_MODULE), its instructions a function of the messages so far; then
// `cairn replay --check --agents` over the recorded run, with the module as it is and changed.

const h = useEmbedded();
const MODULE = join(workspaceRoot(), "tests", "fixtures", "conversation-agents.mjs");
const CHANGED = join(workspaceRoot(), "tests", "fixtures", "conversation-agents-changed.mjs");

const model = useModelServer();

const reply =
  (message: Record<string, unknown>, finish: string): HttpHandler =>
  (_q, res) => {
    res.writeHead(200, { "content-type": "application/json" });
    res.end(
      JSON.stringify({
        model: "gpt-test",
        choices: [{ message: { role: "assistant", ...message }, finish_reason: finish }],
        usage: { prompt_tokens: 30, completion_tokens: 5 },
      }),
    );
  };
const text = (content: string) => reply({ content }, "stop");
const ledgerCall = (item: string, delayMs: number) =>
  reply(
    {
      content: null,
      tool_calls: [
        {
          id: `call_${item}`,
          type: "function",
          function: { name: "ledger", arguments: JSON.stringify({ item, delayMs }) },
        },
      ],
    },
    "tool_calls",
  );

type Sent = { role: string; content: string | null };
const sentMessages = (i: number) =>
  ((model.http.received[i]!.body as { messages: Sent[] }).messages ?? []).map((m) => `${m.role}: ${m.content ?? ""}`);

describe("conversations and steering", () => {
  it("a conversation of three user messages, one steering message mid-run, across a SIGKILL of every service; replay --check --agents passes on the agents module and names the model calls a changed one alters", async () => {
    model.http.received.length = 0;
    const f = makeFixture({ unused: [] });
    const prefix = uniquePrefix();
    const env = serviceEnv(h.server.url, prefix, f, {
      OPENAI_BASE_URL: `${model.http.origin}/v1`,
      OPENAI_API_KEY: "k",
      CAIRN_AGENTS_MODULE: MODULE,
    });
    delete (env as Record<string, string | undefined>)["CAIRN_AGENTS_FILE"];
    let fourth!: () => void;
    const fourthArrived = new Promise<void>((r) => (fourth = r));
    model.answers = [
      ledgerCall("lisbon", 1500), // the tool runs 1.5 s, during which a steering message is sent
      text("Noted Lisbon, by train."), // reads the tool result and the steering message
      text("Lisbon in May, by train."), // answers the second user message
      () => fourth(), // the third: never answered (every service is killed)
      text("Booked for May 3."), // its redelivery
    ];
    const procs = await startServiceProcesses(env);
    const client = await clientFor(h.server.url, prefix);
    try {
      const { runId } = await client.submit({ task: "Plan a trip to Lisbon.", agent: "chat" });
      // Steering: while the ledger call runs, a message for the next model call.
      await waitFor(
        "the tool call to start",
        async () => {
          const st = await client.status(runId);
          if (st.status !== "running") throw new Error(`run ${runId} ${st.status}: ${JSON.stringify(st)}`);
          return st.toolCalls === 1 ? true : undefined;
        },
        20_000,
      );
      const steer = await client.send(runId, "Prefer trains to planes.");
      expect(steer.n).toBe(1);
      const first = await client.reply(runId, 1);
      expect(first).toMatchObject({
        status: "running",
        awaitingMessage: true,
        answer: "Noted Lisbon, by train.",
        answeredMessages: 1,
      });
      expect(sentMessages(1).slice(-2)).toEqual([
        expect.stringMatching(/^tool: recorded lisbon/),
        "user: Prefer trains to planes.",
      ]);

      // The second user message, over the CLI, waiting for its answer.
      const cli = (...args: string[]) => runCli(h.server.url, prefix, f.dir, ...args);
      expect((await cli("send", runId, "In May, please.", "--wait")).stdout).toBe("Lisbon in May, by train.\n");

      // The third: the model call it starts never answers; every service is killed meanwhile.
      const third = await client.send(runId, "Book it.", { end: true });
      expect(third.n).toBe(3);
      await fourthArrived;
      await Promise.all(procs.splice(0).map((p) => p.kill("SIGKILL")));
      procs.push(...(await startServiceProcesses(env)));
      const s = await waitRun(client, runId);
      expect(s).toMatchObject({
        status: "completed",
        agent: "chat",
        answer: "Booked for May 3.",
        messages: 3,
        answeredMessages: 3,
      });
      expect(s.turn).toBe(4);

      // Each request read the conversation so far, in order; the redelivered call asked the same.
      expect(model.http.received).toHaveLength(5);
      expect(sentMessages(4)).toEqual([
        "system: You plan trips. 3 messages since the task.", // the instructions in code, for this turn
        "user: Plan a trip to Lisbon.",
        "assistant: ",
        expect.stringMatching(/^tool: recorded lisbon/),
        "user: Prefer trains to planes.",
        "assistant: Noted Lisbon, by train.",
        "user: In May, please.",
        "assistant: Lisbon in May, by train.",
        "user: Book it.",
      ]);
      expect(sentMessages(3)).toEqual(sentMessages(4));
      // The instructions, computed in code for each turn from the messages so far.
      expect([0, 1, 2, 3].map((i) => sentMessages(i)[0])).toEqual([
        "system: You plan trips.",
        "system: You plan trips. 1 messages since the task.",
        "system: You plan trips. 2 messages since the task.",
        "system: You plan trips. 3 messages since the task.",
      ]);
      expect(readLedger(f.ledgerFile)).toHaveLength(1);

      const log = await runLog(client.nc, prefix, runId);
      const messages = log.filter((e) => e.entry.kind === "message");
      expect(messages.map((e) => e.subject)).toEqual([1, 2, 3].map((n) => `${prefix}.run.${runId}.evt.message.${n}`));
      expect(messages.map((e) => e.entry.kind === "message" && e.entry.message.by)).toEqual([
        "operator",
        "operator",
        "operator",
      ]);
      // each turn's instructions recorded with its command
      expect(log.flatMap((e) => (e.entry.kind === "llm-command" ? [e.entry.message.instructions] : []))).toEqual([
        "You plan trips.",
        "You plan trips. 1 messages since the task.",
        "You plan trips. 2 messages since the task.",
        "You plan trips. 3 messages since the task.",
      ]);

      // replay --check --agents: the module as it is decides every step the same ...
      const check = (module: string) =>
        cli("replay", runId, "--check", "--agents", module, "--json").then(
          (o) => ({ code: 0, report: JSON.parse(o.stdout) as CheckReport }),
          (e: { code: number; stdout: string }) => ({ code: e.code, report: JSON.parse(e.stdout) as CheckReport }),
        );
      const same = await check(MODULE);
      expect(same.code).toBe(0);
      expect(same.report).toMatchObject({ ok: true, divergences: [], ended: true });
      // ... the changed one (instructions that quote the latest message) asks the first model call the
      // same, and every one after the steering message differently.
      const changed = await check(CHANGED);
      expect(changed.code).toBe(3); // DIVERGED
      expect(changed.report.ok).toBe(false);
      expect(changed.report.divergence).toMatchObject({
        kind: "different",
        event: "evt.tool.1.0.ledger", // turn 2 is decided on the tool's result, the steering message already in
        subject: "cmd.llm.2.openai",
        recorded: { instructions: "You plan trips. 1 messages since the task." },
        decided: { instructions: "You plan trips. Heed the latest message: Prefer trains to planes." },
      });
      expect(changed.report.divergences.map((d) => d.subject)).toEqual([
        "cmd.llm.2.openai",
        "cmd.llm.3.openai",
        "cmd.llm.4.openai",
      ]);
      expect((await cli("replay", runId)).stdout).toMatch(/✉ message 1 from operator Prefer trains to planes\./);

      // A message to an ended run is refused, and nothing is recorded.
      await expect(cli("send", runId, "hello?")).rejects.toMatchObject({
        stderr: expect.stringContaining("not_running"),
      });
      expect((await runLog(client.nc, prefix, runId)).length).toBe(log.length);
    } finally {
      model.answers = [];
      await client.close();
      await Promise.all(procs.map((p) => p.kill("SIGKILL")));
    }
  });
});
