import { describe, it, expect } from "vitest";
import { defineTool } from "./define.js";
import { ToolRegistry } from "./registry.js";
import { builtinTools } from "./builtins/index.js";

const add = defineTool<{ a: number; b: number; round?: boolean }>({
  name: "add",
  description: "Adds two numbers.",
  input: {
    type: "object",
    properties: { a: { type: "number" }, b: { type: "number" }, round: { type: "boolean", default: false } },
    required: ["a", "b"],
    additionalProperties: false,
  },
  run: ({ a, b }) => a + b,
});

const echo = defineTool({
  name: "echo-2",
  description: "Echoes.",
  input: { type: "object", properties: { text: { type: "string", format: "email" } } },
  run: (args) => args,
});

describe("ToolRegistry", () => {
  it("lists names, tools and specs in registration order", () => {
    const r = new ToolRegistry([add, echo]);
    expect(r.names()).toEqual(["add", "echo-2"]);
    expect(r.get("add")).toBe(add);
    expect(r.get("nope")).toBeUndefined();
    expect(r.specs()).toEqual([
      { name: "add", description: "Adds two numbers.", inputSchema: add.input },
      { name: "echo-2", description: "Echoes.", inputSchema: echo.input },
    ]);
  });

  it("rejects duplicate names, bad names and schemas that do not compile", () => {
    expect(() => new ToolRegistry([add, add])).toThrow(/duplicate tool name "add"/);
    expect(() => new ToolRegistry([{ ...add, name: "has space" }])).toThrow(/invalid name "has space"/);
    expect(() => new ToolRegistry([{ ...add, name: "a.b" }])).toThrow(/invalid name/);
    expect(() => new ToolRegistry([{ ...add, name: "x".repeat(65) }])).toThrow(/invalid name/);
    expect(() => new ToolRegistry([{ ...add, name: "" }])).toThrow(/invalid name/);
    expect(() => new ToolRegistry([{ ...add, input: { type: "bogus" } }])).toThrow(
      /tool "add" has an input schema that does not compile/,
    );
    expect(() => new ToolRegistry([{ ...add, input: { $ref: "#/$defs/missing" } }])).toThrow(/does not compile/);
    expect(new ToolRegistry([{ ...add, name: "x".repeat(64) }]).names()).toHaveLength(1);
  });

  it("reports an unknown tool", () => {
    const r = new ToolRegistry([add]);
    expect(r.parseArguments("sub", "{}")).toEqual({
      ok: false,
      error: { kind: "unknown_tool", message: expect.stringContaining('unknown tool "sub"') },
    });
  });

  it("reports arguments that are not JSON or not an object", () => {
    const r = new ToolRegistry([add]);
    const bad = r.parseArguments("add", '{"a": 1,');
    expect(bad.ok).toBe(false);
    if (!bad.ok) {
      expect(bad.error.kind).toBe("invalid_arguments");
      expect(bad.error.message).toMatch(/^arguments are not valid JSON: /);
    }
    for (const raw of ["[1,2]", "3", "null", '"x"']) {
      const res = r.parseArguments("add", raw);
      expect(res).toMatchObject({
        ok: false,
        error: { kind: "invalid_arguments", message: expect.stringMatching(/must be a JSON object/) },
      });
    }
  });

  it("summarises schema failures with paths", () => {
    const r = new ToolRegistry([add, echo]);
    const res = r.parseArguments("add", '{"a": "one", "c": 3}');
    expect(res.ok).toBe(false);
    if (res.ok) return;
    expect(res.error.kind).toBe("invalid_arguments");
    expect(res.error.message).toContain("/a must be number");
    expect(res.error.message).toContain("must have required property 'b'");
    expect(res.error.message).toContain('must NOT have additional properties ("c")');
    // formats from ajv-formats are checked
    expect(r.parseArguments("echo-2", '{"text": "not an email"}')).toMatchObject({ ok: false });
    expect(r.parseArguments("echo-2", '{"text": "a@example.com"}')).toMatchObject({ ok: true });
  });

  it("reports at most five errors", () => {
    const many = defineTool({
      name: "many",
      description: "Many numbers.",
      input: { type: "object", additionalProperties: { type: "number" } },
      run: () => "",
    });
    const r = new ToolRegistry([many]);
    const res = r.parseArguments("many", JSON.stringify({ a: "x", b: "x", c: "x", d: "x", e: "x", f: "x", g: "x" }));
    expect(res.ok).toBe(false);
    if (res.ok) return;
    expect(res.error.message.split("; ")).toHaveLength(6);
    expect(res.error.message).toMatch(/and 2 more$/);
  });

  it("fills in defaults and treats empty text as {}", () => {
    const r = new ToolRegistry([add, ...builtinTools()]);
    expect(r.parseArguments("add", '{"a": 1, "b": 2}')).toEqual({ ok: true, args: { a: 1, b: 2, round: false } });
    expect(r.parseArguments("list_files", "")).toEqual({ ok: true, args: { path: "." } });
    expect(r.parseArguments("list_files", "  {}  ")).toEqual({ ok: true, args: { path: "." } });
  });

  it("accepts all built-ins, whose schemas forbid extra properties", () => {
    const tools = builtinTools({ httpAllowHosts: ["example.com"], shellEnabled: true, maxSleepMs: 1000 });
    const r = new ToolRegistry(tools);
    expect(r.names()).toEqual(["read_file", "write_file", "list_files", "http_fetch", "shell", "sleep"]);
    for (const spec of r.specs()) {
      expect(spec.description.length).toBeGreaterThan(20);
      expect(spec.inputSchema).toMatchObject({ type: "object", additionalProperties: false });
    }
    expect(r.parseArguments("sleep", '{"ms": 1001}').ok).toBe(false);
    expect(r.parseArguments("sleep", '{"ms": 1.5}').ok).toBe(false);
    expect(r.parseArguments("sleep", '{"ms": 1000}').ok).toBe(true);
    expect(r.parseArguments("http_fetch", '{"url": "https://example.com", "method": "PUT"}').ok).toBe(false);
    expect(r.parseArguments("http_fetch", '{"url": "https://example.com"}')).toEqual({
      ok: true,
      args: { url: "https://example.com", method: "GET" },
    });
    expect(r.parseArguments("shell", '{"command": "ls"}')).toEqual({
      ok: true,
      args: { command: "ls", timeoutMs: 60_000 },
    });
    expect(r.parseArguments("read_file", '{"path": "a", "extra": 1}').ok).toBe(false);
  });
});
