import { describe, it, expect } from "vitest";
import { readdirSync, readFileSync } from "node:fs";
import { encode } from "./codec.js";
import { decodeEntry, type DecodedEntry } from "./entry.js";
import type { RunApproval, RunError } from "./generated/types.js";
import { Subjects } from "./subjects.js";

/** Each kind of entry and the `type` its message carries. */
const TYPE_OF: Record<Exclude<DecodedEntry["kind"], "invalid">, string> = {
  submitted: "run.submitted",
  "llm-command": "llm.command",
  "llm-result": "llm.result",
  "summary-command": "summary.command",
  "summary-result": "summary.result",
  "check-command": "check.command",
  "check-result": "check.result",
  "tool-command": "tool.command",
  "tool-result": "tool.result",
  "tool-rerun": "tool.command",
  "tool-started": "tool.started",
  "tool-ambiguous": "tool.ambiguous",
  "ambiguity-approval": "run.approval",
  signal: "run.signal",
  approval: "run.approval",
  "budget-approval": "run.approval",
  "loop-approval": "run.approval",
  message: "run.message",
  guard: "run.guard",
  "guard-approval": "run.approval",
  error: "run.error",
  ended: "run.ended",
};

/** Real run logs recorded by the services (tests/fixtures/golden): every message with its subject. */
function goldenMessages(): { prefix: string; subject: string; data: Uint8Array }[] {
  const dir = new URL("../../../tests/fixtures/golden/", import.meta.url);
  const out: { prefix: string; subject: string; data: Uint8Array }[] = [];
  for (const f of readdirSync(dir).filter((n) => n.endsWith(".cairn.jsonl"))) {
    const [head, ...lines] = readFileSync(new URL(f, dir), "utf8").trim().split("\n");
    const { prefix } = JSON.parse(head!) as { prefix: string };
    for (const l of lines) {
      const m = JSON.parse(l) as { subject: string; data: string };
      out.push({ prefix, subject: m.subject, data: new Uint8Array(Buffer.from(m.data, "base64")) });
    }
  }
  return out;
}

const S = new Subjects("t");
const at = "2026-01-01T00:00:00.000Z";
const approval: RunApproval = {
  v: 1,
  type: "run.approval",
  runId: "r1",
  turn: 2,
  index: 0,
  callId: "call_2_0",
  decision: "approve",
  by: "alice",
  at,
};
const error: RunError = {
  v: 1,
  type: "run.error",
  runId: "r1",
  service: "planner",
  subject: "t.run.r1.evt.llm.1",
  seq: 3,
  error: { kind: "bad", message: "m", retryable: false },
  at,
};

describe("decodeEntry", () => {
  it("decodes every message of the recorded golden logs as the kind its subject names, with that kind's message type", () => {
    const seen = new Set<string>();
    const messages = goldenMessages();
    expect(messages.length).toBeGreaterThan(80);
    for (const m of messages) {
      const e = decodeEntry(new Subjects(m.prefix), m.subject, m.data);
      expect(e.kind, m.subject).not.toBe("invalid");
      if (e.kind === "invalid") continue;
      expect((e.message as { type: string }).type, m.subject).toBe(TYPE_OF[e.kind]);
      seen.add(e.kind);
    }
    expect([...seen].sort()).toEqual([
      "ended",
      "llm-command",
      "llm-result",
      "signal",
      "submitted",
      "summary-command",
      "summary-result",
      "tool-command",
      "tool-result",
    ]);
  });

  it("decodes approvals, budget approvals and errors by their subjects", () => {
    expect(decodeEntry(S, S.approval("r1", 2, 0), encode(approval))).toEqual({ kind: "approval", message: approval });
    expect(decodeEntry(S, S.budgetApproval("r1", 2), encode(approval))).toEqual({
      kind: "budget-approval",
      message: approval,
    });
    expect(decodeEntry(S, S.loopApproval("r1", 2), encode(approval))).toEqual({
      kind: "loop-approval",
      message: approval,
    });
    expect(decodeEntry(S, S.error("r1", "e1"), encode(error))).toEqual({ kind: "error", message: error });
    const message = { v: 1, type: "run.message", runId: "r1", n: 2, text: "hi", by: "alice", at } as const;
    expect(decodeEntry(S, S.message("r1", 2), encode(message))).toEqual({ kind: "message", message });
    expect(decodeEntry(S, "t.run.r1.evt.message.0", encode(message))).toMatchObject({ kind: "invalid" });
  });

  it("calls a message invalid, never throwing, when its subject is not a run subject, is of no known kind, or its body is not the kind's schema", () => {
    expect(decodeEntry(S, "other.run.r1.evt.ended", encode(error))).toEqual({
      kind: "invalid",
      subject: "other.run.r1.evt.ended",
      reason: "not a known run subject",
    });
    expect(decodeEntry(S, "t.run.r1.foo.bar", encode(error))).toEqual({
      kind: "invalid",
      subject: "t.run.r1.foo.bar",
      reason: "not a known run subject",
    });
    // An approval's body under an error's subject: the right shape for the wrong kind.
    const wrong = decodeEntry(S, S.error("r1", "e1"), encode(approval));
    expect(wrong.kind).toBe("invalid");
    expect(wrong).toMatchObject({ subject: S.error("r1", "e1"), reason: expect.stringMatching(/^\w+: /) });
    const bytes = decodeEntry(S, S.ended("r1"), new Uint8Array([0xc1, 0xff, 0x00]));
    expect(bytes).toMatchObject({ kind: "invalid", subject: S.ended("r1") });
  });
});
