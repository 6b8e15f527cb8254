import { describe, expect, it } from "vitest";
import { foldHintOf } from "./service.js";

const h = (m: Record<string, string>) => ({ get: (k: string) => m[k] ?? "" });

describe("foldHintOf (the planner's history hint on an LLM command)", () => {
  it("reads the event count, the last response's sequence and the sequences after it", () => {
    expect(foldHintOf(h({ "Cairn-Events": "7", "Cairn-Since": "40", "Cairn-Seqs": "42,45" }))).toEqual({
      events: 7,
      since: 40,
      seqs: [42, 45],
    });
    expect(foldHintOf(h({ "Cairn-Events": "2" }))).toEqual({ events: 2 });
  });

  it("leaves out anything malformed (the llm-caller then reads the history as without a hint)", () => {
    expect(foldHintOf(undefined)).toEqual({});
    expect(foldHintOf(h({}))).toEqual({});
    expect(foldHintOf(h({ "Cairn-Events": "x7" }))).toEqual({});
    expect(foldHintOf(h({ "Cairn-Events": "7", "Cairn-Since": "40", "Cairn-Seqs": "42,x" }))).toEqual({ events: 7 });
    expect(foldHintOf(h({ "Cairn-Events": "7", "Cairn-Seqs": "42" }))).toEqual({ events: 7 });
  });
});
