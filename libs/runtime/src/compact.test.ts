import { describe, expect, it } from "vitest";
import { compact, estimateTokens, type ChatMessage } from "./index.js";

const big = (c: string) => c.repeat(4000);

function conversation(): ChatMessage[] {
  return [
    { role: "system", content: "s" },
    { role: "user", content: "task" },
    { role: "assistant", content: null, toolCalls: [{ id: "a", name: "read_file", arguments: "{}" }] },
    { role: "tool", toolCallId: "a", name: "read_file", content: big("A") },
    { role: "assistant", content: null, toolCalls: [{ id: "b", name: "read_file", arguments: "{}" }] },
    { role: "tool", toolCallId: "b", name: "read_file", content: big("B") },
    { role: "assistant", content: null, toolCalls: [{ id: "c", name: "read_file", arguments: "{}" }] },
    { role: "tool", toolCallId: "c", name: "read_file", content: big("C") },
  ];
}

describe("context compaction", () => {
  it("truncates the oldest tool results first, with a note, until the prompt fits", () => {
    const m = conversation();
    compact(m, 2500);
    const tool = m.filter((x): x is Extract<ChatMessage, { role: "tool" }> => x.role === "tool");
    expect(tool[0]!.content).toBe(
      `${"A".repeat(200)}… [truncated by Cairn to fit the context budget: 3800 characters removed]`,
    );
    expect(tool[1]!.content).toBe(big("B")); // already under budget after the first cut
    expect(tool[2]!.content).toBe(big("C"));
    expect(estimateTokens(m)).toBeLessThanOrEqual(2500);
  });

  it("never cuts the last turn's results, even when still over budget", () => {
    const m = conversation();
    compact(m, 100);
    const tool = m.filter((x): x is Extract<ChatMessage, { role: "tool" }> => x.role === "tool");
    expect(tool[0]!.content).toMatch(/^A{200}… \[truncated/);
    expect(tool[1]!.content).toMatch(/^B{200}… \[truncated/);
    expect(tool[2]!.content).toBe(big("C"));
  });

  it("leaves a prompt under budget untouched", () => {
    const m = conversation();
    const before = JSON.stringify(m);
    compact(m, 10_000);
    expect(JSON.stringify(m)).toBe(before);
  });
});
