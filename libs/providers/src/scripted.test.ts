import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, it, expect } from "vitest";
import { summaryHeader, type ChatMessage, type ModelRequest } from "@cairn/runtime";
import { createScriptedProvider, type Script } from "./scripted.js";
import type { ModelProvider, ModelResponse } from "./types.js";

const script: Script = {
  turns: [
    {
      toolCalls: [
        { name: "write_file", arguments: { path: "a.txt", content: "hi" } },
        { name: "read_file", argumentsRaw: '{"path": "a.txt"' },
        { name: "list_files" },
      ],
    },
    {
      content:
        "All: [{{toolResults}}] second: {{toolResult:1}} none: [{{toolResult:9}}] task: {{task}} again: {{toolResult:0}}",
    },
    { content: null, finishReason: "length" },
  ],
};

function req(messages: ChatMessage[], model = "demo"): ModelRequest {
  return { model, messages, tools: [] };
}

const turn1: ChatMessage[] = [
  { role: "system", content: "sys" },
  { role: "user", content: "Do the thing" },
];

const turn2: ChatMessage[] = [
  ...turn1,
  {
    role: "assistant",
    content: null,
    toolCalls: [
      { id: "call_1_0", name: "write_file", arguments: "{}" },
      { id: "call_1_1", name: "read_file", arguments: "{}" },
    ],
  },
  { role: "tool", toolCallId: "call_1_0", name: "write_file", content: "wrote 2 bytes" },
  { role: "tool", toolCallId: "call_1_1", name: "read_file", content: "hi" },
];

/** Runs `complete`, turning a synchronous throw into a rejection. */
async function call(p: ModelProvider, r: ModelRequest): Promise<ModelResponse> {
  return p.complete(r);
}

const dirs: string[] = [];
function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), "cairn-scripted-"));
  dirs.push(d);
  return d;
}
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

describe("scripted model", () => {
  const p = createScriptedProvider({ scripts: { demo: script } });

  it("is named scripted unless told otherwise", () => {
    expect(p.name).toBe("scripted");
    expect(createScriptedProvider({ name: "fake" }).name).toBe("fake");
  });

  it("plays turn 1 when there is no assistant message: tool calls with ids call_<turn>_<i>", async () => {
    const r = await call(p, req(turn1));
    expect(r.content).toBeNull();
    expect(r.toolCalls).toEqual([
      { id: "call_1_0", name: "write_file", arguments: '{"path":"a.txt","content":"hi"}' },
      // argumentsRaw is sent verbatim, even when it is not valid JSON
      { id: "call_1_1", name: "read_file", arguments: '{"path": "a.txt"' },
      // no arguments → "{}"
      { id: "call_1_2", name: "list_files", arguments: "{}" },
    ]);
    expect(r.finishReason).toBe("tool_calls");
    expect(r.model).toBe("scripted:demo");
  });

  it("picks the turn by the number of assistant messages and substitutes tool results and the task", async () => {
    const r = await call(p, req(turn2));
    expect(r.content).toBe("All: [wrote 2 bytes\nhi] second: hi none: [] task: Do the thing again: wrote 2 bytes");
    expect(r.toolCalls).toEqual([]);
    expect(r.finishReason).toBe("stop");
  });

  it("tool results are those after the last non-tool message only", async () => {
    const p2 = createScriptedProvider({
      scripts: { m: { turns: [{ content: "1" }, { content: "1" }, { content: "<{{toolResults}}>" }] } },
    });
    const messages: ChatMessage[] = [
      ...turn2,
      { role: "assistant", content: null, toolCalls: [{ id: "call_2_0", name: "x", arguments: "{}" }] },
      { role: "tool", toolCallId: "call_2_0", name: "x", content: "latest" },
    ];
    expect((await call(p2, req(messages, "m"))).content).toBe("<latest>");
    // users' messages after the results (steering) do not hide them
    expect(
      (await call(p2, req([...messages, { role: "user", content: "hurry" }, { role: "user", content: "now" }], "m")))
        .content,
    ).toBe("<latest>");
    // no tool messages at the end → empty substitution
    expect(
      (await call(p2, req([...turn1, { role: "assistant", content: "a" }, { role: "assistant", content: "b" }], "m")))
        .content,
    ).toBe("<>");
  });

  it("the turn does not depend on the content of earlier messages (replay gives the same answer)", async () => {
    const other: ChatMessage[] = [
      { role: "user", content: "Do the thing" },
      { role: "assistant", content: "whatever" },
    ];
    const r = await call(p, req(other));
    expect(r.content).toBe("All: [] second:  none: [] task: Do the thing again: ");
  });

  it("null content and an explicit finishReason pass through", async () => {
    const r = await call(p, req([...turn2, { role: "assistant", content: "x" }]));
    expect(r).toEqual({ content: null, toolCalls: [], finishReason: "length", model: "scripted:demo", usage: r.usage });
  });

  it("an exhausted script is a terminal script_exhausted error", async () => {
    const messages: ChatMessage[] = [
      ...turn1,
      { role: "assistant", content: "1" },
      { role: "assistant", content: "2" },
      { role: "assistant", content: "3" },
    ];
    await expect(call(p, req(messages))).rejects.toMatchObject({
      name: "TerminalError",
      kind: "script_exhausted",
      retryable: false,
      message: 'scripted model "demo" has no turn 4 (script has 3)',
    });
  });

  it("usage is ceil(characters / 4) of the request and the response, and the same every time", async () => {
    const r1 = await call(p, req(turn1));
    const r2 = await call(p, req(turn1));
    expect(r2.usage).toEqual(r1.usage);
    const input = JSON.stringify(turn1) + JSON.stringify([]);
    const output =
      "write_file" + '{"path":"a.txt","content":"hi"}' + "read_file" + '{"path": "a.txt"' + "list_files" + "{}";
    expect(r1.usage).toEqual({ inputTokens: Math.ceil(input.length / 4), outputTokens: Math.ceil(output.length / 4) });
    // a small fixed case, by hand: messages JSON is 32 characters, tools "[]" 2 → 34 → 9; output "ok" → 1
    const tiny = createScriptedProvider({ scripts: { t: { turns: [{ content: "ok" }] } } });
    const r = await call(tiny, { model: "t", messages: [{ role: "user", content: "hi" }], tools: [] });
    expect(JSON.stringify([{ role: "user", content: "hi" }])).toHaveLength(32);
    expect(r.usage).toEqual({ inputTokens: 9, outputTokens: 1 });
  });

  it("loads <dir>/<model>.json, and inline scripts win over files", async () => {
    const dir = tempDir();
    writeFileSync(join(dir, "filed.json"), JSON.stringify({ turns: [{ content: "from file: {{task}}" }] }));
    writeFileSync(join(dir, "demo.json"), JSON.stringify({ turns: [{ content: "file demo" }] }));
    const fp = createScriptedProvider({ dir, scripts: { demo: { turns: [{ content: "inline demo" }] } } });
    expect((await call(fp, req(turn1, "filed"))).content).toBe("from file: Do the thing");
    expect((await call(fp, req(turn1, "demo"))).content).toBe("inline demo");
  });

  it("caches a loaded script per model", async () => {
    const dir = tempDir();
    const file = join(dir, "cached.json");
    writeFileSync(file, JSON.stringify({ turns: [{ content: "v1" }] }));
    const fp = createScriptedProvider({ dir });
    expect((await call(fp, req(turn1, "cached"))).content).toBe("v1");
    writeFileSync(file, JSON.stringify({ turns: [{ content: "v2" }] }));
    expect((await call(fp, req(turn1, "cached"))).content).toBe("v1");
  });

  it("a missing script file is a terminal bad_request", async () => {
    const dir = tempDir();
    const fp = createScriptedProvider({ dir });
    await expect(call(fp, req(turn1, "nope"))).rejects.toMatchObject({
      name: "TerminalError",
      kind: "bad_request",
      retryable: false,
      message: `no script for scripted model "nope" (looked for ${join(dir, "nope.json")})`,
    });
    await expect(call(createScriptedProvider(), req(turn1, "nope"))).rejects.toMatchObject({
      kind: "bad_request",
      message: 'no script for scripted model "nope" (looked for <no scripts dir configured>)',
    });
  });

  it("a model name that is not a file name is a terminal bad_request", async () => {
    const fp = createScriptedProvider({ dir: tempDir() });
    for (const model of ["../etc/passwd", "a/b", "..", "a b"]) {
      await expect(call(fp, req(turn1, model))).rejects.toMatchObject({
        kind: "bad_request",
        retryable: false,
        message: `scripted model name ${JSON.stringify(model)} is not a file name`,
      });
    }
  });

  it("a script file without a turns array is a terminal bad_request", async () => {
    const dir = tempDir();
    writeFileSync(join(dir, "empty.json"), JSON.stringify({ steps: [] }));
    await expect(call(createScriptedProvider({ dir }), req(turn1, "empty"))).rejects.toMatchObject({
      kind: "bad_request",
      retryable: false,
    });
  });

  it("a script file that is not JSON is a terminal bad_request (not a retryable SyntaxError)", async () => {
    const dir = tempDir();
    writeFileSync(join(dir, "broken.json"), "{ turns: [");
    await expect(call(createScriptedProvider({ dir }), req(turn1, "broken"))).rejects.toMatchObject({
      name: "TerminalError",
      kind: "bad_request",
      retryable: false,
    });
  });

  it("substitutes tool output and task text verbatim, '$' included", async () => {
    const p2 = createScriptedProvider({
      scripts: { m: { turns: [{ content: "1" }, { content: "results: {{toolResults}} | task: {{task}}" }] } },
    });
    const messages: ChatMessage[] = [
      { role: "user", content: "pay $$5 and $& more" },
      { role: "assistant", content: null, toolCalls: [{ id: "call_1_0", name: "sh", arguments: "{}" }] },
      { role: "tool", toolCallId: "call_1_0", name: "sh", content: "echo $' and $`" },
    ];
    expect((await call(p2, req(messages, "m"))).content).toBe("results: echo $' and $` | task: pay $$5 and $& more");
  });

  it("counts the turns a Cairn summary stands for, and answers summarisation requests deterministically", async () => {
    const messages: ChatMessage[] = [
      { role: "system", content: "sys" },
      { role: "user", content: `Do the thing\n\n${summaryHeader(1)}\nearlier` },
    ];
    // One turn summarised, no assistant message: turn 2 is played.
    expect((await call(p, req(messages))).content).toMatch(/^All: \[\] second/);
    const summariseReq: ModelRequest = {
      model: "demo",
      purpose: "summary",
      tools: [],
      messages: [
        { role: "system", content: "summarise" },
        {
          role: "user",
          content:
            "Task: x\n\nTranscript of turns 1-2:\ntool fetch [c1] returned: alpha\ntool fetch [c2] returned: beta",
        },
      ],
    };
    const a = await call(p, summariseReq);
    expect(a.content).toBe("Scripted summary: fetch -> alpha; fetch -> beta");
    expect(a.toolCalls).toEqual([]);
    expect(await call(p, summariseReq)).toEqual(a);
    const templated = createScriptedProvider({ scripts: { demo: { ...script, summary: "S<{{transcript}}>" } } });
    expect((await call(templated, summariseReq)).content).toBe(`S<${summariseReq.messages[1]!.content}>`);
  });

  it("judges a guardrail check by the script's `check`: tripped when the text matches `trips`, else not", async () => {
    const checkReq = (text: string): ModelRequest => ({
      model: "demo",
      purpose: "check",
      tools: [],
      messages: [
        { role: "system", content: "No cards." },
        { role: "user", content: text },
      ],
    });
    const judge = createScriptedProvider({
      scripts: { demo: { ...script, check: { trips: "\\d{4} \\d{4}", reason: "a card number" } } },
    });
    expect(JSON.parse((await call(judge, checkReq("card 4111 1111"))).content!)).toEqual({
      tripped: true,
      reason: "a card number",
    });
    expect(JSON.parse((await call(judge, checkReq("no digits"))).content!)).toMatchObject({ tripped: false });
    // no `check` in the script: nothing trips; `answer`: sent verbatim (a model that gives no verdict)
    expect(JSON.parse((await call(p, checkReq("card 4111 1111"))).content!)).toMatchObject({ tripped: false });
    const rambling = createScriptedProvider({
      scripts: { demo: { ...script, check: { answer: "Looks fine to me!" } } },
    });
    expect((await call(rambling, checkReq("x"))).content).toBe("Looks fine to me!");
  });
});
