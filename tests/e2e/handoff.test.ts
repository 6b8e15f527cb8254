import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { CheckReport } from "@cairn/replay";
import { readLedger, uniquePrefix, workspaceRoot, type HttpHandler } from "@cairn/testing";
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
} from "../helpers.js";

// Issue 21 part 3: a handoff from an agent on the OpenAI wire protocol to one on Anthropic's, as
// separate service processes, all SIGKILLed after the handoff while the new agent's call is open.
// The agents are defined in code (tests/fixtures/handoff-agents.mjs, loaded with
// CAIRN_AGENTS_MODULE), billing's instructions a function of the run; then
// `cairn replay --check --agents` over the recorded run, with the module as it is and changed.

const h = useEmbedded();
const MODULE = join(workspaceRoot(), "tests", "fixtures", "handoff-agents.mjs");
const CHANGED = join(workspaceRoot(), "tests", "fixtures", "handoff-agents-changed.mjs");

/** `cairn replay <run> --check --agents <module> --json`: its report and exit code (3 = DIVERGED). */
async function checkWith(f: Fixture, prefix: string, runId: string, module: string) {
  const r = await runCli(h.server.url, prefix, f.dir, "replay", runId, "--check", "--agents", module, "--json").then(
    (o) => ({ code: 0, stdout: o.stdout }),
    (e: { code: number; stdout: string }) => ({ code: e.code, stdout: e.stdout }),
  );
  return { code: r.code, report: JSON.parse(r.stdout) as CheckReport };
}

// One local server for both wire protocols: /v1/chat/completions (OpenAI) and /v1/messages (Anthropic).
const model = useModelServer();

const json =
  (body: unknown): HttpHandler =>
  (_q, res) => {
    res.writeHead(200, { "content-type": "application/json" });
    res.end(JSON.stringify(body));
  };
const openAiCalls = (calls: { id: string; name: string; args: unknown }[]) =>
  json({
    model: "gpt-test",
    choices: [
      {
        message: {
          role: "assistant",
          content: null,
          tool_calls: calls.map((c) => ({
            id: c.id,
            type: "function",
            function: { name: c.name, arguments: JSON.stringify(c.args) },
          })),
        },
        finish_reason: "tool_calls",
      },
    ],
    usage: { prompt_tokens: 30, completion_tokens: 5 },
  });
const anthropic = (content: unknown[], stop: string) =>
  json({
    id: "msg_1",
    type: "message",
    role: "assistant",
    model: "claude-test",
    content,
    stop_reason: stop,
    usage: { input_tokens: 40, output_tokens: 6 },
  });

describe("handoffs", () => {
  it("an OpenAI agent hands the run to an Anthropic agent, whose prompt, model and tools apply; across a SIGKILL of every service; replay --check --agents passes on the agents module and names the model calls a changed one alters", async () => {
    model.http.received.length = 0;
    const f = makeFixture({ unused: [] });
    const prefix = uniquePrefix();
    const env = serviceEnv(h.server.url, prefix, f, {
      OPENAI_BASE_URL: `${model.http.origin}/v1`,
      OPENAI_API_KEY: "k",
      ANTHROPIC_BASE_URL: model.http.origin,
      ANTHROPIC_API_KEY: "k2",
      CAIRN_STREAM_TOKENS: "false",
      CAIRN_AGENTS_MODULE: MODULE,
    });
    delete (env as Record<string, string | undefined>)["CAIRN_AGENTS_FILE"];
    let billingAsked!: () => void;
    const billingOpen = new Promise<void>((r) => (billingAsked = r));
    model.answers = [
      openAiCalls([{ id: "call_h", name: "handoff", args: { agent: "billing", reason: "a refund" } }]),
      () => billingAsked(), // billing's first call: never answered (every service is killed)
      anthropic([{ type: "tool_use", id: "toolu_1", name: "ledger", input: { item: "refund 7" } }], "tool_use"),
      anthropic([{ type: "text", text: "Refunded invoice 7." }], "end_turn"),
    ];
    const procs = await startServiceProcesses(env);
    const client = await clientFor(h.server.url, prefix);
    try {
      const { runId } = await client.submit({ task: "Refund invoice 7.", agent: "triage" });
      await billingOpen;
      await Promise.all(procs.splice(0).map((p) => p.kill("SIGKILL")));
      procs.push(...(await startServiceProcesses(env)));
      const s = await waitRun(client, runId);
      expect(s).toMatchObject({
        status: "completed",
        answer: "Refunded invoice 7.",
        agent: "triage",
        activeAgent: "billing",
      });
      expect(readLedger(f.ledgerFile).map((e) => e.item)).toEqual(["refund 7"]);

      // triage on the OpenAI wire, with the handoff tool; billing on Anthropic's, with its prompt and tools
      expect(model.http.received.map((r) => r.url)).toEqual([
        "/v1/chat/completions",
        "/v1/messages",
        "/v1/messages",
        "/v1/messages",
      ]);
      const first = model.http.received[0]!.body as {
        tools: { function: { name: string } }[];
        messages: { role: string; content: unknown }[];
      };
      expect(first.tools.map((t) => t.function.name)).toEqual(["handoff"]);
      expect(first.messages[0]).toEqual({ role: "system", content: "You sort requests." }); // triage's instructions, a string
      const billing = model.http.received[3]!.body as {
        system: unknown;
        model: string;
        tools: { name: string }[];
        messages: { role: string; content: unknown }[];
      };
      expect(billing.model).toBe("claude-test");
      expect(JSON.stringify(billing.system)).toContain("You handle invoices.");
      expect(JSON.stringify(billing.system)).not.toContain("You sort requests.");
      // billing's instructions, computed in code for each of its turns from the run (handed from triage)
      const system = (i: number) => (model.http.received[i]!.body as { system: unknown }).system;
      expect(system(1)).toEqual([
        { type: "text", text: "You handle invoices. Handed over by triage; 1 tool calls so far." },
      ]);
      expect(system(3)).toEqual([
        { type: "text", text: "You handle invoices. Handed over by triage; 2 tool calls so far." },
      ]);
      expect(billing.tools.map((t) => t.name)).toEqual(["ledger"]);
      // the conversation carried over: the task, triage's handoff call and its result
      expect(JSON.stringify(billing.messages)).toContain("Refund invoice 7.");
      expect(JSON.stringify(billing.messages)).toContain("Handed off to billing");
      expect(model.http.received[1]!.body).toEqual(model.http.received[2]!.body); // the redelivered call asked the same

      const log = await runLog(client.nc, prefix, runId);
      const handoff = log.find((e) => e.entry.kind === "tool-result" && e.entry.message.tool === "handoff");
      expect(handoff?.subject).toBe(`${prefix}.run.${runId}.evt.tool.1.0.handoff`);
      expect(handoff?.entry.kind === "tool-result" && handoff.entry.message.ok).toBe(true);
      expect(log.filter((e) => e.entry.kind === "llm-command").map((e) => e.subject.split(".").at(-1))).toEqual([
        "openai",
        "anthropic",
        "anthropic",
      ]);
      // the instructions in code recorded with each of billing's commands (triage's are the submitted string)
      expect(log.flatMap((e) => (e.entry.kind === "llm-command" ? [e.entry.message.instructions] : []))).toEqual([
        undefined,
        "You handle invoices. Handed over by triage; 1 tool calls so far.",
        "You handle invoices. Handed over by triage; 2 tool calls so far.",
      ]);

      // replay --check --agents: the module as it is decides every step the same ...
      const same = await checkWith(f, prefix, runId, MODULE);
      expect(same.code).toBe(0);
      expect(same.report).toMatchObject({ ok: true, divergences: [], ended: true });
      // ... the changed one (billing's other instructions) would ask each of billing's model calls differently.
      const changed = await checkWith(f, prefix, runId, CHANGED);
      expect(changed.code).toBe(3); // DIVERGED
      expect(changed.report.ok).toBe(false);
      expect(changed.report.divergence).toMatchObject({
        kind: "different",
        event: "evt.tool.1.0.handoff",
        subject: "cmd.llm.2.anthropic",
        recorded: { instructions: "You handle invoices. Handed over by triage; 1 tool calls so far." },
        decided: { instructions: "You handle invoices and refunds, for triage." },
      });
      expect(changed.report.divergences.map((d) => d.subject)).toEqual(["cmd.llm.2.anthropic", "cmd.llm.3.anthropic"]);
    } finally {
      model.answers = [];
      await client.close();
      await Promise.all(procs.map((p) => p.kill("SIGKILL")));
    }
  });
});
