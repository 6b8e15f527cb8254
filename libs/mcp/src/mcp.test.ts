import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { tempDir } from "@cairn/testing";
import type { ToolContext } from "@cairn/tools";
import { loadMcpServers, parseMcpServers } from "./config.js";
import { mapToolNames, mcpToolName } from "./names.js";
import { recordedOutput } from "./result.js";
import { listMcpTools, MCP_META, startMcpTools } from "./tools.js";

const noLog = { debug() {}, info() {}, warn() {}, error() {} };

describe("MCP tool names", () => {
  it("joins server and tool, maps characters a subject token may not hold, and shortens long names apart", () => {
    expect(mcpToolName("fs", "read_text_file")).toBe("fs__read_text_file");
    expect(mcpToolName("gh", "repos.get/file")).toBe("gh__repos_get_file");
    const a = mcpToolName("srv", "x".repeat(80) + "a");
    const b = mcpToolName("srv", "x".repeat(80) + "b");
    expect(a).toHaveLength(64);
    expect(b).toHaveLength(64);
    expect(a).not.toBe(b);
    expect(a).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(mcpToolName("srv", "t", "my_tool")).toBe("my_tool");
    expect(() => mcpToolName("srv", "t", "bad name")).toThrow(/configured for tool "t" is not valid/);
  });

  it("refuses two tools that map to one name, saying how to resolve it", () => {
    expect(() => mapToolNames("s", ["a.b", "a_b"])).toThrow(
      /tools "a.b" and "a_b" both map to the Cairn name "s__a_b": give one another name in the server's "names" option/,
    );
    expect([...mapToolNames("s", ["a.b", "a_b"], { "a.b": "s__a_dot_b" }).values()]).toEqual(["s__a_dot_b", "s__a_b"]);
  });
});

describe("MCP servers configuration", () => {
  it("accepts stdio and Streamable HTTP servers", () => {
    const c = parseMcpServers(
      JSON.stringify({
        servers: {
          fs: { command: "npx", args: ["-y", "x"], env: { A: "1" }, tools: ["read"], requiresApproval: ["read"] },
          web: { url: "http://127.0.0.1:3001/mcp", headers: { authorization: "Bearer x" }, requiresApproval: true },
        },
      }),
    );
    expect(Object.keys(c.servers)).toEqual(["fs", "web"]);
    expect(parseMcpServers('{"servers": {"a": {"command": "x"}}}').servers["a"]).toEqual({ command: "x", args: [] });
  });

  it("names every problem by its path", () => {
    expect(() => parseMcpServers("{")).toThrow(/is not valid JSON/);
    expect(() => parseMcpServers('{"servers": {}}')).toThrow(/name at least one server/);
    expect(() => parseMcpServers('{"servers": {"a.b": {"command": "x"}}}')).toThrow(/a server name is 1-32/);
    expect(() => parseMcpServers('{"servers": {"a": {"url": "ftp://x"}}}')).toThrow(/servers\.a/);
    expect(() => parseMcpServers('{"servers": {"a": {"command": "x", "timeoutMs": 1}}}')).toThrow(/servers\.a/);
    expect(() => parseMcpServers('{"servers": {"a": {"command": "x", "bogus": 1}}}')).toThrow(/bogus/);
    expect(() => loadMcpServers(join(tempDir(), "missing.json"))).toThrow(/cannot read the MCP servers file/);
  });
});

describe("recordedOutput", () => {
  it("keeps text as text, and anything else as JSON with every block", () => {
    expect(
      recordedOutput({
        content: [
          { type: "text", text: "a" },
          { type: "text", text: "b" },
        ],
      }),
    ).toBe("a\nb");
    const image = { type: "image" as const, data: "iVBO", mimeType: "image/png" };
    expect(JSON.parse(recordedOutput({ content: [{ type: "text", text: "see" }, image] }))).toEqual({
      content: [{ type: "text", text: "see" }, image],
    });
    expect(JSON.parse(recordedOutput({ content: [], structuredContent: { n: 1 } }))).toEqual({
      content: [],
      structuredContent: { n: 1 },
    });
  });
});

/** A stdio MCP server (the SDK's McpServer) that answers with the request's `_meta`, and a tool that fails. */
const FIXTURE = join(import.meta.dirname, "..", "test", "fixture-server.mjs");

describe("requiresApproval fails closed", () => {
  it("a gate naming a tool the server does not serve stops the runner; a Cairn name gates too", async () => {
    await expect(
      listMcpTools({
        servers: { fs: { command: "x", args: [], tools: ["read", "write"], requiresApproval: ["wirte"] } },
      }),
    ).rejects.toThrow(
      /MCP server fs: requiresApproval names tools it does not serve: wirte \(it serves: read, write\)/,
    );
    const listed = await listMcpTools({
      servers: { fs: { command: "x", args: [], tools: ["read", "write"], requiresApproval: ["fs__write"] } },
    });
    expect(listed.map((t) => [t.name, t.requiresApproval ?? false])).toEqual([
      ["fs__read", false],
      ["fs__write", true],
    ]);
  });
});

describe("startMcpTools", () => {
  it("calls a stdio server's tool with the call's idempotency key in _meta; isError is a terminal tool error", async () => {
    const mcp = await startMcpTools(
      { servers: { fx: { command: process.execPath, args: [FIXTURE], requiresApproval: ["fails"] } } },
      { log: noLog },
    );
    try {
      expect(mcp.tools.map((t) => [t.name, t.requiresApproval ?? false])).toEqual([
        ["fx__meta_echo", false],
        ["fx__fails", true],
      ]);
      const ctx: ToolContext = {
        runId: "r1",
        turn: 2,
        callId: "call_2_0",
        idempotencyKey: "r1:2:0",
        attempt: 3,
        round: 0,
        issuedAt: 0,
        signal: new AbortController().signal,
        heartbeat: () => {},
        workspaceDir: tempDir(),
        log: noLog,
      };
      const out = JSON.parse((await mcp.tools[0]!.run({ n: 7 }, ctx)) as string) as {
        args: unknown;
        meta: Record<string, unknown>;
      };
      expect(out.args).toEqual({ n: 7 });
      expect(out.meta).toMatchObject({
        [MCP_META.idempotencyKey]: "r1:2:0",
        [MCP_META.runId]: "r1",
        [MCP_META.callId]: "call_2_0",
        [MCP_META.attempt]: 3,
      });
      await expect(mcp.tools[1]!.run({}, ctx)).rejects.toMatchObject({
        name: "TerminalError",
        kind: "tool_error",
        message: "it broke",
      });
    } finally {
      await mcp.close();
    }
  });

  it("refuses to start when the server lacks a tool its configuration names, or cannot be started", async () => {
    await expect(
      startMcpTools({ servers: { none: { command: join(tempDir(), "no-such-program"), args: [] } } }, { log: noLog }),
    ).rejects.toThrow(/cannot connect to MCP server none/);
    await expect(
      startMcpTools(
        { servers: { fx: { command: process.execPath, args: [FIXTURE], tools: ["fails", "nope"] } } },
        { log: noLog },
      ),
    ).rejects.toThrow(
      /MCP server fx does not list the tools its configuration names: nope \(it lists: meta.echo, fails\)/,
    );
  });
});
