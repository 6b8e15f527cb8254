import { describe, it, expect } from "vitest";
import { Subjects } from "./subjects.js";

// Every builder's exact subject, and the parse of every shape: a subject changed by one token is a
// different record in the log, so each is pinned here.
const s = new Subjects("p.q");
const SHA = "a".repeat(64);

describe("archive subjects", () => {
  it("spread runs over a fixed number of subjects, the same one for a run every time", () => {
    const seen = new Set(Array.from({ length: 5000 }, (_, i) => s.archive(`r${i}`)));
    expect(seen.size).toBe(256);
    expect([...seen].every((x) => /^p\.q\.archive\.[0-9a-f]{2}$/.test(x))).toBe(true);
    expect(s.archive("r1")).toBe(s.archive("r1"));
    expect(() => s.archive("a.b")).toThrow();
  });
  it("spread directory pages over 16,384 keys, the same one for a run every time", () => {
    const pages = Array.from({ length: 200_000 }, (_, i) => s.archivePageKey(`r${i}`));
    expect(new Set(pages).size).toBe(16_384);
    expect(pages.every((x) => /^[0-9a-f]{4}$/.test(x))).toBe(true);
    expect(s.archivePageKey("r1")).toBe(s.archivePageKey("r1"));
    expect(() => s.archivePageKey("a.b")).toThrow();
  });
});

describe("Subjects builders, exactly", () => {
  it("builds each run subject and filter", () => {
    expect({
      allRuns: s.allRuns(),
      run: s.run("r1"),
      runEvents: s.runEvents("r1"),
      allEvents: s.allEvents(),
      allSubmissions: s.allSubmissions(),
      archive: s.archive("r1"),
      allArchives: s.allArchives(),
      archivedRuns: s.archivedRuns(),
      archivePageKey: s.archivePageKey("r1"),
      archivePage: s.archivePage("r1"),
      runHead: s.runHead("r1"),
      runEventsHead: s.runEventsHead("r1"),
      allEnded: s.allEnded(),
      legacyToolResult: s.legacyToolResult("r1", 3, 0),
      signalTap: s.signalTap("cancel"),
      apiGroup: s.apiGroup(),
      tenantApiGroup: s.tenantApiGroup(),
      runsKey: s.runsKey("r1"),
      submissionKey: s.submissionKey("r1"),
      submissionKeyHead: s.submissionKeyHead(),
      toolKey: s.toolKey("ledger"),
      llmCommands: s.llmCommands(),
      llmCommandsOf: s.llmCommands("openai"),
      llmWork: s.llmWork("openai"),
      summaryCommands: s.summaryCommands(),
      summaryCommandsOf: s.summaryCommands("openai"),
      toolCommands: s.toolCommands(),
      toolCommandsOf: s.toolCommands("ledger"),
      submitted: s.submitted("r1"),
      llmResult: s.llmResult("r1", 3),
      toolResult: s.toolResult("r1", 3, 0, "ledger"),
      toolResults: s.toolResults(),
      toolResultsOf: s.toolResults("ledger"),
      signal: s.signal("r1", "cancel"),
      error: s.error("r1", "e-1"),
      budgetApproval: s.budgetApproval("r1", 4),
      loopApproval: s.loopApproval("r1", 4),
      approval: s.approval("r1", 4, 2),
      summaryResult: s.summaryResult("r1", 5),
      summaryCommand: s.summaryCommand("r1", 5, "openai"),
      ended: s.ended("r1"),
      llmCommand: s.llmCommand("r1", 6, "openai"),
      toolCommand: s.toolCommand("r1", 6, 1, "ledger"),
      tokens: s.tokens("r1", 7),
      tokensAll: s.tokens("r1", "*"),
      runRepublish: s.runRepublish(),
      toolResultTap: s.toolResultTap(),
      runTap: s.runTap("r1"),
      allPayloads: s.allPayloads(),
      payloadChunk: s.payloadChunk("r1", SHA, 2),
      purged: s.purged("r1"),
      purgedAll: s.purged("*"),
      llmConsumer: s.llmConsumer("openai"),
      toolConsumer: s.toolConsumer("ledger"),
      api: s.api("submit"),
      tenantApi: s.tenantApi(),
      tenantApiOf: s.tenantApi("approve"),
      names: [s.stream, s.runsBucket, s.toolsBucket, s.payloadStream, s.archiveStream, s.archiveBucket],
    }).toEqual({
      allRuns: "p.q.run.>",
      run: "p.q.run.r1.>",
      runEvents: "p.q.run.r1.evt.>",
      allEvents: "p.q.run.*.evt.>",
      allSubmissions: "p.q.run.*.evt.submitted",
      archive: "p.q.archive.ac",
      allArchives: "p.q.archive.>",
      archivedRuns: "p.q.archive.runs",
      archivePageKey: "3dac",
      archivePage: "$KV.P_Q_archived.3dac",
      runHead: "p.q.run.r1.",
      runEventsHead: "p.q.run.r1.evt.",
      allEnded: "p.q.run.*.evt.ended",
      legacyToolResult: "p.q.run.r1.evt.tool.3.0",
      signalTap: "p.q.tap.*.evt.signal.cancel",
      apiGroup: "p.q.api",
      tenantApiGroup: "p.q.tapi",
      runsKey: "$KV.P_Q_runs.r1",
      submissionKey: "s.r1",
      submissionKeyHead: "s.",
      toolKey: "$KV.P_Q_tools.ledger",
      llmCommands: "p.q.run.*.cmd.llm.*.*",
      llmCommandsOf: "p.q.run.*.cmd.llm.*.openai",
      llmWork: ["p.q.run.*.cmd.*.*.openai"],
      summaryCommands: "p.q.run.*.cmd.summary.*.*",
      summaryCommandsOf: "p.q.run.*.cmd.summary.*.openai",
      toolCommands: "p.q.run.*.cmd.tool.*.*.*",
      toolCommandsOf: "p.q.run.*.cmd.tool.*.*.ledger",
      submitted: "p.q.run.r1.evt.submitted",
      llmResult: "p.q.run.r1.evt.llm.3",
      toolResult: "p.q.run.r1.evt.tool.3.0.ledger",
      toolResults: "p.q.run.*.evt.tool.*.*.*",
      toolResultsOf: "p.q.run.*.evt.tool.*.*.ledger",
      signal: "p.q.run.r1.evt.signal.cancel",
      error: "p.q.run.r1.evt.error.e-1",
      budgetApproval: "p.q.run.r1.evt.approval.4.budget",
      loopApproval: "p.q.run.r1.evt.approval.4.loop",
      approval: "p.q.run.r1.evt.approval.4.2",
      summaryResult: "p.q.run.r1.evt.summary.5",
      summaryCommand: "p.q.run.r1.cmd.summary.5.openai",
      ended: "p.q.run.r1.evt.ended",
      llmCommand: "p.q.run.r1.cmd.llm.6.openai",
      toolCommand: "p.q.run.r1.cmd.tool.6.1.ledger",
      tokens: "p.q.stream.r1.7",
      tokensAll: "p.q.stream.r1.*",
      runRepublish: { src: "p.q.run.>", dest: "p.q.tap.>" },
      toolResultTap: "p.q.tap.*.evt.tool.>",
      runTap: "p.q.tap.r1.>",
      allPayloads: "p.q.payload.>",
      payloadChunk: `p.q.payload.r1.${SHA}.2`,
      purged: "p.q.purged.r1",
      purgedAll: "p.q.purged.*",
      llmConsumer: "llm_openai",
      toolConsumer: "tool_ledger",
      api: "p.q.api.submit",
      tenantApi: "p.q.tapi.>",
      tenantApiOf: "p.q.tapi.approve",
      names: ["P_Q_RUNS", "P_Q_runs", "P_Q_tools", "P_Q_PAYLOADS", "P_Q_ARCHIVE", "P_Q_archived"],
    });
  });

  it("refuses a payload hash that is not exactly 64 lower-case hex digits, anywhere in the string", () => {
    for (const bad of ["a".repeat(63), "a".repeat(65), `x${"a".repeat(64)}`, `${"a".repeat(64)}x`, "A".repeat(64)]) {
      expect(() => s.payloadChunk("r1", bad, 0), bad).toThrow(/invalid payload sha256/);
    }
  });

  it("maps only the tool results to their tap subject", () => {
    expect(s.toolResultTapOf(s.toolResult("r1", 1, 0, "ledger"))).toBe("p.q.tap.r1.evt.tool.1.0.ledger");
    expect(s.toolResultTapOf(s.llmResult("r1", 1))).toBeUndefined();
    expect(s.toolResultTapOf("other.run.r1.evt.tool.1.0.x")).toBeUndefined();
    expect(s.tapOf("other.run.r1.evt.ended")).toBeUndefined();
  });
});

describe("Subjects prefixes", () => {
  it("takes parts of 1 to 32 characters of a-z, 0-9 and '-' (not first), and no reserved token", () => {
    expect(new Subjects("a").prefix).toBe("a");
    expect(new Subjects(`a${"b".repeat(31)}`).stream).toBe(`A${"B".repeat(31)}_RUNS`);
    expect(new Subjects("x.a-b.9").stream).toBe("X_A-B_9_RUNS");
    for (const bad of [`a${"b".repeat(32)}`, "-a", "A", "a_b", "a..b", "", "ab!"])
      expect(() => new Subjects(bad), bad).toThrow(/invalid prefix part/);
    for (const reserved of ["run", "api", "tapi", "stream", "tap", "payload", "purged"]) {
      expect(() => new Subjects(`x.${reserved}`), reserved).toThrow(/Cairn's own subject tokens/);
    }
  });
});

describe("Subjects.parse, every shape", () => {
  const cases: [string, unknown][] = [
    ["p.q.run.r1.evt.approval.4.2", { kind: "approval", turn: 4, index: 2 }],
    ["p.q.run.r1.evt.approval.4.0", { kind: "approval", turn: 4, index: 0 }],
    ["p.q.run.r1.evt.approval.4.budget", { kind: "budget-approval", turn: 4 }],
    ["p.q.run.r1.evt.approval.0.budget", { kind: "unknown" }],
    ["p.q.run.r1.evt.approval.4.loop", { kind: "loop-approval", turn: 4 }],
    ["p.q.run.r1.evt.approval.0.loop", { kind: "unknown" }],
    ["p.q.run.r1.evt.approval.4.other", { kind: "unknown" }],
    ["p.q.run.r1.evt.approval.4", { kind: "unknown" }],
    ["p.q.run.r1.evt.approval.4.2.x", { kind: "unknown" }],
    ["p.q.run.r1.evt.summary.5", { kind: "summary-result", turn: 5 }],
    ["p.q.run.r1.evt.summary.x", { kind: "unknown" }],
    ["p.q.run.r1.evt.summary.5.x", { kind: "unknown" }],
    ["p.q.run.r1.evt.error.e1", { kind: "error", id: "e1" }],
    ["p.q.run.r1.evt.error.e1.x", { kind: "unknown" }],
    ["p.q.run.r1.evt.tool.3.0.ledger", { kind: "tool-result", turn: 3, index: 0, tool: "ledger" }],
    ["p.q.run.r1.evt.tool.3.0", { kind: "tool-result", turn: 3, index: 0 }],
    ["p.q.run.r1.evt.tool.0.0.ledger", { kind: "unknown" }],
    ["p.q.run.r1.evt.tool.3.x.ledger", { kind: "unknown" }],
    ["p.q.run.r1.evt.tool.3.0.ledger.x", { kind: "unknown" }],
    ["p.q.run.r1.cmd.summary.5.openai", { kind: "summary-command", turn: 5, provider: "openai" }],
    ["p.q.run.r1.cmd.summary.5", { kind: "unknown" }],
    ["p.q.run.r1.cmd.summary.x.openai", { kind: "unknown" }],
    ["p.q.run.r1.cmd.tool.6.1.ledger", { kind: "tool-command", turn: 6, index: 1, tool: "ledger" }],
    ["p.q.run.r1.cmd.tool.6.1", { kind: "unknown" }],
    ["p.q.run.r1.cmd.tool.6.x.ledger", { kind: "unknown" }],
    ["p.q.run.r1.cmd.llm.6.openai", { kind: "llm-command", turn: 6, provider: "openai" }],
    ["p.q.run.r1.cmd.llm.6", { kind: "unknown" }],
    ["p.q.run.r1.cmd.ended", { kind: "unknown" }],
    ["p.q.run.r1.evt.llm.01", { kind: "unknown" }],
    ["p.q.run.r1.evt.llm.999999999", { kind: "llm-result", turn: 999999999 }],
    ["p.q.run.r1.evt.llm.1000000000", { kind: "unknown" }],
    ["p.q.run.r1.evt.llm.1x", { kind: "unknown" }],
    ["p.q.run.r1.evt.llm.x1", { kind: "unknown" }],
    ["p.q.run.r1.xyz.submitted", { kind: "unknown" }],
  ];
  for (const [subject, what] of cases) {
    it(`${subject} → ${JSON.stringify(what)}`, () => {
      expect(s.parse(subject)).toEqual({ runId: "r1", what });
    });
  }

  it("gives the same frozen answer from its cache, for subjects that parse and for those that do not, past the cache's size", () => {
    const t = new Subjects("c");
    const first = t.parse("c.run.r1.evt.ended");
    expect(Object.isFrozen(first)).toBe(true);
    expect(Object.isFrozen(first!.what)).toBe(true);
    expect(t.parse("c.run.r1.evt.ended")).toBe(first);
    expect(t.parse("other")).toBeUndefined();
    expect(t.parse("other")).toBeUndefined();
    for (let i = 0; i < 5000; i++)
      expect(t.parse(`c.run.r${i}.evt.llm.${i + 1}`)).toEqual({
        runId: `r${i}`,
        what: { kind: "llm-result", turn: i + 1 },
      });
    expect(t.parse("c.run.r1.evt.ended")).toEqual(first);
  });
});
