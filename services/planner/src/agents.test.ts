import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it, expect } from "vitest";
import {
  BUILTIN_AGENTS,
  DEFAULT_MAX_PARALLEL_TOOL_CALLS,
  DEFAULT_MAX_TOOL_CALLS_PER_TURN,
  loadAgents,
  parseAgents,
} from "./agents.js";

describe("parseAgents", () => {
  it("fills defaults and names each agent by its key", () => {
    const a = parseAgents(JSON.stringify({ agents: { coder: { provider: "openai", model: "gpt-4o-mini" } } }));
    expect(a.defaultAgent).toBe("coder");
    expect([...a.agents.entries()]).toEqual([
      [
        "coder",
        {
          name: "coder",
          provider: "openai",
          model: "gpt-4o-mini",
          systemPrompt: "",
          tools: [],
          maxTurns: 20,
          approve: [],
          maxToolCallsPerTurn: 64,
          maxParallelToolCalls: 16,
        },
      ],
    ]);
    expect(a.agents.get("coder")).not.toHaveProperty("temperature");
  });

  it("keeps every field given, temperature included", () => {
    const a = parseAgents(
      JSON.stringify({
        default: "b",
        agents: {
          a: { provider: "scripted", model: "demo" },
          b: {
            provider: "openai",
            model: "m",
            systemPrompt: "Be brief.",
            tools: ["read_file", "write-file_2"],
            maxTurns: 3,
            temperature: 0,
          },
        },
      }),
    );
    expect(a.defaultAgent).toBe("b");
    expect(a.agents.get("b")).toEqual({
      name: "b",
      provider: "openai",
      model: "m",
      systemPrompt: "Be brief.",
      tools: ["read_file", "write-file_2"],
      maxTurns: 3,
      temperature: 0,
      approve: [],
      maxToolCallsPerTurn: 64,
      maxParallelToolCalls: 16,
    });
    expect([...a.agents.keys()]).toEqual(["a", "b"]);
  });

  it("without a default, the first agent is the default", () => {
    const a = parseAgents(
      JSON.stringify({ agents: { z: { provider: "p", model: "m" }, a: { provider: "p", model: "m" } } }),
    );
    expect(a.defaultAgent).toBe("z");
  });

  it("rejects text that is not JSON, naming the source", () => {
    expect(() => parseAgents("{nope", "/etc/cairn/agents.json")).toThrow(/^\/etc\/cairn\/agents\.json is not JSON: /);
    expect(() => parseAgents("")).toThrow(/^agents file is not JSON: /);
  });

  it("rejects an unknown default agent", () => {
    expect(() => parseAgents(JSON.stringify({ default: "zz", agents: { a: { provider: "p", model: "m" } } }))).toThrow(
      'agents file: default agent "zz" is not defined',
    );
  });

  it("rejects an empty agents map (no default possible)", () => {
    expect(() => parseAgents(JSON.stringify({ agents: {} }))).toThrow(/^agents file: default agent .* is not defined$/);
  });

  it("rejects bad tool names with the path of the offending entry", () => {
    expect(() =>
      parseAgents(JSON.stringify({ agents: { a: { provider: "p", model: "m", tools: ["ok", "bad name"] } } })),
    ).toThrow("agents file is invalid: agents.a.tools.1: Invalid string: must match pattern /^[A-Za-z0-9_-]{1,64}$/");
    expect(() => parseAgents(JSON.stringify({ agents: { a: { provider: "p", model: "m", tools: ["a.b"] } } }))).toThrow(
      /agents\.a\.tools\.0/,
    );
    expect(() =>
      parseAgents(JSON.stringify({ agents: { a: { provider: "p", model: "m", tools: ["x".repeat(65)] } } })),
    ).toThrow(/agents\.a\.tools\.0/);
  });

  it("lists every problem at once", () => {
    let message = "";
    try {
      parseAgents(
        JSON.stringify({ agents: { a: { provider: "", model: "m", maxTurns: 0 }, b: { model: "m", maxTurns: 1.5 } } }),
        "x.json",
      );
    } catch (err) {
      message = (err as Error).message;
    }
    expect(message).toMatch(/^x\.json is invalid: /);
    for (const path of ["agents.a.provider", "agents.a.maxTurns", "agents.b.provider", "agents.b.maxTurns"])
      expect(message).toContain(`${path}: `);
  });

  it("rejects maxTurns out of range and a missing agents map", () => {
    expect(() => parseAgents(JSON.stringify({ agents: { a: { provider: "p", model: "m", maxTurns: 0 } } }))).toThrow(
      "agents file is invalid: agents.a.maxTurns: Too small: expected number to be >=1",
    );
    expect(() =>
      parseAgents(JSON.stringify({ agents: { a: { provider: "p", model: "m", maxTurns: 10_001 } } })),
    ).toThrow(/agents\.a\.maxTurns/);
    expect(() => parseAgents(JSON.stringify({ default: "a" }))).toThrow(/^agents file is invalid: agents: /);
  });
});

describe("parseAgents: fair share (maxToolCallsPerTurn, maxParallelToolCalls)", () => {
  const parse = (a: Record<string, unknown>) =>
    parseAgents(
      JSON.stringify({ agents: { a: { provider: "scripted", model: "m", ...a } } }),
      "agents.json",
    ).agents.get("a");

  it("defaults: 64 calls run per turn, 16 in flight per run — also for the built-in agent", () => {
    expect(DEFAULT_MAX_TOOL_CALLS_PER_TURN).toBe(64);
    expect(DEFAULT_MAX_PARALLEL_TOOL_CALLS).toBe(16);
    expect(parse({})).toMatchObject({ maxToolCallsPerTurn: 64, maxParallelToolCalls: 16 });
    expect(BUILTIN_AGENTS.agents.get("default")).toMatchObject({ maxToolCallsPerTurn: 64, maxParallelToolCalls: 16 });
  });

  it("keeps the values given (a window wider than the cap is allowed: it just never fills)", () => {
    expect(parse({ maxToolCallsPerTurn: 3000, maxParallelToolCalls: 1 })).toMatchObject({
      maxToolCallsPerTurn: 3000,
      maxParallelToolCalls: 1,
    });
    expect(parse({ maxToolCallsPerTurn: 4, maxParallelToolCalls: 10_000 })).toMatchObject({
      maxToolCallsPerTurn: 4,
      maxParallelToolCalls: 10_000,
    });
  });

  it("refuses values that are not whole numbers from 1 to 10000, naming the file, the agent, the setting and what it means", () => {
    expect(() => parse({ maxToolCallsPerTurn: 0 })).toThrow(
      "agents.json is invalid: agents.a.maxToolCallsPerTurn: maxToolCallsPerTurn must be at least 1 (tool calls of one model response that are run; the rest are answered with a too_many_calls error)",
    );
    expect(() => parse({ maxParallelToolCalls: 2.5 })).toThrow(
      "agents.json is invalid: agents.a.maxParallelToolCalls: maxParallelToolCalls must be a whole number (tool calls of a run in flight at a time)",
    );
    expect(() => parse({ maxParallelToolCalls: "16" })).toThrow(
      "agents.json is invalid: agents.a.maxParallelToolCalls: maxParallelToolCalls must be a whole number (tool calls of a run in flight at a time)",
    );
    expect(() => parse({ maxParallelToolCalls: 10_001 })).toThrow(
      "agents.json is invalid: agents.a.maxParallelToolCalls: maxParallelToolCalls must be at most 10000 (tool calls of a run in flight at a time)",
    );
    expect(() => parse({ maxToolCallsPerTurn: null })).toThrow(
      /agents\.a\.maxToolCallsPerTurn: maxToolCallsPerTurn must be a whole number/,
    );
  });
});

describe("loadAgents", () => {
  it("without a file, the built-in scripted demo agent", () => {
    expect(loadAgents(undefined)).toBe(BUILTIN_AGENTS);
    expect(BUILTIN_AGENTS.defaultAgent).toBe("default");
    expect(BUILTIN_AGENTS.agents.get("default")).toMatchObject({
      provider: "scripted",
      model: "demo",
      tools: ["read_file", "write_file", "list_files"],
      maxTurns: 20,
    });
  });

  it("reads and parses a file, naming it in errors", () => {
    const dir = mkdtempSync(join(tmpdir(), "cairn-agents-"));
    try {
      const good = join(dir, "agents.json");
      writeFileSync(
        good,
        JSON.stringify({ agents: { solo: { provider: "scripted", model: "demo", tools: ["read_file"] } } }),
      );
      const a = loadAgents(good);
      expect(a.defaultAgent).toBe("solo");
      expect(a.agents.get("solo")?.tools).toEqual(["read_file"]);
      const bad = join(dir, "bad.json");
      writeFileSync(bad, "not json");
      expect(() => loadAgents(bad)).toThrow(
        new RegExp(`^${bad.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&")} is not JSON: `),
      );
      expect(() => loadAgents(join(dir, "missing.json"))).toThrow(/ENOENT/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("summarize: true takes the defaults; it needs a context budget and keeps at least the last turn", () => {
    const parse = (a: Record<string, unknown>) =>
      parseAgents(JSON.stringify({ agents: { a: { provider: "scripted", model: "m", ...a } } })).agents.get("a");
    expect(parse({ contextBudgetTokens: 1000, summarize: true })?.summarize).toEqual({ keepRecentTurns: 2 });
    expect(
      parse({ contextBudgetTokens: 1000, summarize: { keepRecentTurns: 3, instructions: "Be brief." } })?.summarize,
    ).toEqual({ keepRecentTurns: 3, instructions: "Be brief." });
    expect(() => parse({ summarize: true })).toThrow(/summarize needs contextBudgetTokens/);
    expect(() => parse({ contextBudgetTokens: 1000, summarize: { keepRecentTurns: 0 } })).toThrow(/keepRecentTurns/);
    expect(() => parse({ contextBudgetTokens: 1000, summarize: { keepRecentTurns: 1, model: "x" } })).toThrow(
      /summarize/,
    );
  });
});

describe("parseAgents: loopGuard (the stuck-loop guard)", () => {
  const parse = (loopGuard: unknown) =>
    parseAgents(JSON.stringify({ agents: { a: { provider: "p", model: "m", loopGuard } } })).agents.get("a")!;

  it("is off unless set, and pauses for a human by default", () => {
    expect(
      parseAgents(JSON.stringify({ agents: { a: { provider: "p", model: "m" } } })).agents.get("a")!.loopGuard,
    ).toBe(undefined);
    expect(parse({ sameCall: 3 }).loopGuard).toEqual({ sameCall: 3, onTrip: "pause" });
    expect(parse({ idleTurns: 4, onTrip: "fail" }).loopGuard).toEqual({ idleTurns: 4, onTrip: "fail" });
    expect(parse({ sameCall: 2, idleTurns: 1, onTrip: "pause" }).loopGuard).toEqual({
      sameCall: 2,
      idleTurns: 1,
      onTrip: "pause",
    });
  });

  it("refuses a guard that watches for nothing, bad numbers, unknown fields and other trips, saying why", () => {
    expect(() => parse({})).toThrow(/loopGuard needs sameCall, idleTurns or both/);
    expect(() => parse({ onTrip: "fail" })).toThrow(/loopGuard needs sameCall, idleTurns or both/);
    expect(() => parse({ sameCall: 1 })).toThrow(/loopGuard.sameCall must be at least 2/);
    expect(() => parse({ sameCall: 2.5 })).toThrow(/loopGuard.sameCall must be a whole number/);
    expect(() => parse({ idleTurns: 0 })).toThrow(/loopGuard.idleTurns must be at least 1/);
    expect(() => parse({ idleTurns: "3" })).toThrow(/loopGuard.idleTurns must be a whole number/);
    expect(() => parse({ sameCall: 3, onTrip: "approve" })).toThrow(/loopGuard.onTrip must be "pause" .* or "fail"/);
    expect(() => parse({ sameCall: 3, same: 2 })).toThrow(/agents\.a\.loopGuard/);
  });
});

describe("parseAgents: output (structured output) and editableArgs", () => {
  const parse = (extra: Record<string, unknown>) =>
    parseAgents(
      JSON.stringify({ agents: { a: { provider: "p", model: "m", tools: ["pay", "read"], ...extra } } }),
    ).agents.get("a")!;

  it("keeps the schema, its name and maxAttempts; and the tools whose arguments an approver may edit", () => {
    const schema = { type: "object", properties: { total: { type: "number" } }, required: ["total"] };
    expect(parse({ output: { schema } }).output).toEqual({ schema });
    expect(parse({ output: { schema, name: "invoice", maxAttempts: 5 } }).output).toEqual({
      schema,
      name: "invoice",
      maxAttempts: 5,
    });
    expect(parse({}).output).toBeUndefined();
    expect(parse({ approve: ["pay"], editableArgs: ["pay"] }).editableArgs).toEqual(["pay"]);
    expect(parse({}).editableArgs).toBeUndefined();
  });

  it("refuses a schema that does not compile, bad attempts or names, unknown fields, and editable tools the agent lacks", () => {
    expect(() => parse({ output: { schema: { type: "nope" } } })).toThrow(
      /agent "a": the schema does not compile: .*type/,
    );
    expect(() => parse({ output: { schema: [] } })).toThrow(/output.schema must be a JSON Schema object/);
    expect(() => parse({ output: {} })).toThrow(/agents\.a\.output\.schema/);
    expect(() => parse({ output: { schema: {}, maxAttempts: 0 } })).toThrow(/output.maxAttempts must be at least 1/);
    expect(() => parse({ output: { schema: {}, maxAttempts: 11 } })).toThrow(/output.maxAttempts must be at most 10/);
    expect(() => parse({ output: { schema: {}, name: "a b" } })).toThrow(/output.name must be 1-64 letters/);
    expect(() => parse({ output: { schema: {}, strict: true } })).toThrow(/agents\.a\.output/);
    expect(() => parse({ editableArgs: ["write"] })).toThrow(/editableArgs names a tool the agent does not have/);
  });
});

describe("parseAgents: handoffs and teamOf", () => {
  const file = (agents: Record<string, Record<string, unknown>>) =>
    JSON.stringify({
      agents: Object.fromEntries(Object.entries(agents).map(([n, a]) => [n, { provider: "p", model: "m", ...a }])),
    });

  it("keeps the agents one may hand off to; teamOf follows them from agent to agent, each once", async () => {
    const { teamOf } = await import("./agents.js");
    const agents = parseAgents(
      file({ a: { handoffs: ["b", "b"] }, b: { handoffs: ["c", "a"] }, c: { handoffs: ["a"] }, d: {} }),
    );
    expect(agents.agents.get("a")!.handoffs).toEqual(["b"]);
    expect(teamOf(agents, agents.agents.get("a")!).map((x) => x.name)).toEqual(["b", "c"]);
    expect(teamOf(agents, agents.agents.get("c")!).map((x) => x.name)).toEqual(["a", "b"]);
    expect(teamOf(agents, agents.agents.get("d")!)).toEqual([]);
  });

  it("refuses a handoff to an unknown agent or to itself, and a tool named handoff on an agent with handoffs", () => {
    expect(() => parseAgents(file({ a: { handoffs: ["ghost"] } }))).toThrow(
      /agent "a" hands off to "ghost", which is not defined/,
    );
    expect(() => parseAgents(file({ a: { handoffs: ["a"] } }))).toThrow(/agent "a" hands off to itself/);
    expect(() => parseAgents(file({ a: { handoffs: ["b"], tools: ["handoff"] }, b: {} }))).toThrow(
      /a tool named handoff: that name is the built-in handoff tool's/,
    );
    expect(() => parseAgents(file({ a: { handoffs: ["b c"] } }))).toThrow(/handoffs: agent names/);
  });
});

describe("parseAgents: maxOutputTokens and instructionsInCode", () => {
  it("keeps the response's token limit, refusing what is not a positive whole number", () => {
    const parse = (extra: Record<string, unknown>) =>
      parseAgents(JSON.stringify({ agents: { a: { provider: "p", model: "m", ...extra } } })).agents.get("a")!;
    expect(parse({ maxOutputTokens: 512 }).maxOutputTokens).toBe(512);
    expect(parse({}).maxOutputTokens).toBeUndefined();
    expect(() => parse({ maxOutputTokens: 0 })).toThrow(/maxOutputTokens/);
    expect(() => parse({ maxOutputTokens: 1.5 })).toThrow(/maxOutputTokens must be a whole number/);
    expect(parse({ instructionsInCode: true }).instructionsInCode).toBe(true);
    expect(() => parse({ instructionsInCode: false })).toThrow(/instructionsInCode/);
  });
});
