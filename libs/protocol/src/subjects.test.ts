import { describe, it, expect } from "vitest";
import { runStepOf, Subjects, isToken } from "./subjects.js";

const s = new Subjects("t");

describe("Subjects builders", () => {
  it("build the documented run subjects", () => {
    expect(s.submitted("r1")).toBe("t.run.r1.evt.submitted");
    expect(s.llmResult("r1", 3)).toBe("t.run.r1.evt.llm.3");
    expect(s.toolResult("r1", 2, 0, "ledger")).toBe("t.run.r1.evt.tool.2.0.ledger");
    expect(s.toolResults("ledger")).toBe("t.run.*.evt.tool.*.*.ledger");
    expect(s.payloadChunk("r1", "a".repeat(64), 3)).toBe(`t.payload.r1.${"a".repeat(64)}.3`);
    expect(() => s.payloadChunk("r1", "xyz", 0)).toThrow(/invalid payload sha256/);
    expect(s.signal("r1", "cancel")).toBe("t.run.r1.evt.signal.cancel");
    expect(s.error("r1", "s17")).toBe("t.run.r1.evt.error.s17");
    expect(s.ended("r1")).toBe("t.run.r1.evt.ended");
    expect(s.llmCommand("r1", 1, "openai")).toBe("t.run.r1.cmd.llm.1.openai");
    expect(s.toolCommand("r1", 4, 2, "read_file")).toBe("t.run.r1.cmd.tool.4.2.read_file");
    expect(s.summaryCommand("r1", 5, "openai")).toBe("t.run.r1.cmd.summary.5.openai");
    expect(s.summaryResult("r1", 5)).toBe("t.run.r1.evt.summary.5");
    expect(s.parse("t.run.r1.cmd.summary.5.openai")?.what).toEqual({
      kind: "summary-command",
      turn: 5,
      provider: "openai",
    });
    expect(s.parse("t.run.r1.evt.summary.5")?.what).toEqual({ kind: "summary-result", turn: 5 });
    expect(s.parse("t.run.r1.evt.summary.0")?.what).toEqual({ kind: "unknown" });
    expect(s.parse("t.run.r1.cmd.summary.5")?.what).toEqual({ kind: "unknown" });
    // a model-judged guardrail's check n: asked of the guardrail's provider, recorded by number
    expect(s.checkCommand("r1", 2, "openai")).toBe("t.run.r1.cmd.check.2.openai");
    expect(s.checkResult("r1", 2)).toBe("t.run.r1.evt.check.2");
    expect(s.parse("t.run.r1.cmd.check.2.openai")?.what).toEqual({ kind: "check-command", n: 2, provider: "openai" });
    expect(s.parse("t.run.r1.evt.check.2")?.what).toEqual({ kind: "check-result", n: 2 });
    expect(s.parse("t.run.r1.evt.check.0")?.what).toEqual({ kind: "unknown" });
    expect(s.parse("t.run.r1.evt.check.2.x")?.what).toEqual({ kind: "unknown" });
    expect(s.parse("t.run.r1.cmd.check.2")?.what).toEqual({ kind: "unknown" });
    // on the llm_<provider> consumer's one filter, never on a tool-runner's
    expect(s.llmWork("openai")[0]).toBe("t.run.*.cmd.*.*.openai");
    expect(runStepOf(s.checkResult("r1", 2))?.template).toBe("t.run.{runId}.evt.check.{n}");
    expect(runStepOf(s.checkCommand("r1", 2, "openai"))?.template).toBe("t.run.{runId}.cmd.check.{n}.openai");
  });

  it("build the filters and api subjects", () => {
    expect(s.allRuns()).toBe("t.run.>");
    expect(s.run("r1")).toBe("t.run.r1.>");
    expect(s.runEvents("r1")).toBe("t.run.r1.evt.>");
    expect(s.allEvents()).toBe("t.run.*.evt.>");
    expect(s.llmCommands()).toBe("t.run.*.cmd.llm.*.*");
    expect(s.llmCommands("openai")).toBe("t.run.*.cmd.llm.*.openai");
    expect(s.llmWork("openai")).toEqual(["t.run.*.cmd.*.*.openai"]);
    expect(s.llmConsumer("openai")).toBe("llm_openai");
    expect(s.toolConsumer("read_file")).toBe("tool_read_file");
    expect(s.toolCommands()).toBe("t.run.*.cmd.tool.*.*.*");
    expect(s.toolCommands("*")).toBe("t.run.*.cmd.tool.*.*.*");
    expect(s.toolCommands("write_file")).toBe("t.run.*.cmd.tool.*.*.write_file");
    expect(s.api("submit")).toBe("t.api.submit");
    expect(s.api("status")).toBe("t.api.status");
    expect(s.api("list")).toBe("t.api.list");
    expect(s.api("cancel")).toBe("t.api.cancel");
  });

  it("republish every stored run message to its tap subject", () => {
    expect(s.runRepublish()).toEqual({ src: "t.run.>", dest: "t.tap.>" });
    expect(s.tapOf("t.run.r1.evt.tool.1.0.ledger")).toBe("t.tap.r1.evt.tool.1.0.ledger");
    expect(s.toolResultTapOf("t.run.r1.evt.tool.1.0.ledger")).toBe("t.tap.r1.evt.tool.1.0.ledger");
    expect(s.toolResultTapOf("t.run.r1.evt.llm.1")).toBeUndefined();
    expect(s.runTap("r1")).toBe("t.tap.r1.>");
    expect(s.toolResultTap()).toBe("t.tap.*.evt.tool.>");
  });

  it("use a dotted prefix verbatim in subjects", () => {
    const d = new Subjects("acme.prod-1");
    expect(d.prefix).toBe("acme.prod-1");
    expect(d.submitted("r-9_x")).toBe("acme.prod-1.run.r-9_x.evt.submitted");
    expect(d.allEvents()).toBe("acme.prod-1.run.*.evt.>");
  });
});

describe("stream and bucket names", () => {
  it("are derived from the prefix", () => {
    expect(new Subjects("cairn").stream).toBe("CAIRN_RUNS");
    expect(new Subjects("cairn").runsBucket).toBe("CAIRN_runs");
    expect(new Subjects("cairn").toolsBucket).toBe("CAIRN_tools");
    expect(new Subjects("cairn").admissionBucket).toBe("CAIRN_admission");
  });

  it("map dots to underscores and upper-case the prefix", () => {
    const d = new Subjects("t.x-1");
    expect(d.stream).toBe("T_X-1_RUNS");
    expect(d.runsBucket).toBe("T_X-1_runs");
    expect(d.toolsBucket).toBe("T_X-1_tools");
    expect(d.payloadStream).toBe("T_X-1_PAYLOADS");
    // the names never contain characters NATS refuses in stream/bucket names
    for (const name of [d.stream, d.runsBucket, d.toolsBucket, d.payloadStream])
      expect(name).toMatch(/^[A-Za-z0-9_-]+$/);
  });

  it("are injective: prefixes that would share a stream are refused, never mapped together", () => {
    // "t.a" and "t-a" (and "acme" and "ACME") once mapped to the same stream and consumers
    expect(new Subjects("t.a").stream).not.toBe(new Subjects("t-a").stream);
    for (const bad of ["ACME", "Acme", "t_a", "t.A"]) expect(() => new Subjects(bad)).toThrow(/invalid prefix part/);
    const names = ["a", "a.b", "a-b", "ab", "a.b.c", "a-b.c", "a.b-c"].map((p) => new Subjects(p).stream);
    expect(new Set(names).size).toBe(names.length);
  });

  it("build the purge notification subject and its filter", () => {
    expect(s.purged("r1")).toBe("t.purged.r1");
    expect(s.purged("*")).toBe("t.purged.*");
    expect(new Subjects("acme.prod-1").purged("r-2_x")).toBe("acme.prod-1.purged.r-2_x");
    for (const bad of ["a.b", "a*", ">", "", "a b"]) expect(() => s.purged(bad)).toThrow(/invalid runId/);
    // not a run subject: the run parser leaves it alone
    expect(s.parse(s.purged("r1"))).toBeUndefined();
  });

  it("refuse the purge notification's token as a prefix part", () => {
    for (const bad of ["purged", "a.purged", "purged.b"])
      expect(() => new Subjects(bad)).toThrow(/Cairn's own subject tokens/);
  });

  it("refuse a prefix part that is one of Cairn's own subject tokens (it would overlap another prefix's subjects)", () => {
    for (const bad of ["a.run", "run", "x.tap", "api", "a.stream", "payload"])
      expect(() => new Subjects(bad)).toThrow(/Cairn's own subject tokens/);
  });
});

describe("token validation", () => {
  it("isToken accepts letters, digits, '_' and '-' only", () => {
    expect(isToken("abc_DEF-123")).toBe(true);
    for (const bad of ["", "a.b", "a b", "*", ">", "a*", "a>", "a\tb", "ä"]) expect(isToken(bad)).toBe(false);
  });

  it.each(["a.b", "a b", "*", ">", "", "r1.>", "r*"])("builders reject runId %j", (bad) => {
    expect(() => s.submitted(bad)).toThrow(/invalid runId/);
    expect(() => s.run(bad)).toThrow(/invalid runId/);
    expect(() => s.runEvents(bad)).toThrow(/invalid runId/);
    expect(() => s.llmResult(bad, 1)).toThrow(/invalid runId/);
    expect(() => s.toolCommand(bad, 1, 0, "x")).toThrow(/invalid runId/);
  });

  it("the error message names the offending value", () => {
    expect(() => s.ended("a.b")).toThrow(`invalid runId "a.b": use letters, digits, '_' and '-' only`);
  });

  it.each(["a.b", "a b", "*", ">", ""])("tool tokens reject %j", (bad) => {
    expect(() => s.toolCommand("r1", 1, 0, bad)).toThrow(/invalid tool/);
  });

  it("toolCommands rejects a bad tool name but allows the '*' wildcard", () => {
    expect(() => s.toolCommands("a.b")).toThrow(/invalid tool/);
    expect(() => s.toolCommands(">")).toThrow(/invalid tool/);
    expect(() => s.toolCommands("")).toThrow(/invalid tool/);
  });

  it("signal names and error ids are tokens too", () => {
    expect(() => s.signal("r1", "can cel")).toThrow(/invalid signal/);
    expect(() => s.error("r1", "s.1")).toThrow(/invalid error id/);
  });

  it.each(["", "a..b", "a b", "a.*", ">", "a.>", ".a", "a.", "-a", "a_b", "A"])(
    "the constructor rejects prefix %j",
    (bad) => {
      expect(() => new Subjects(bad)).toThrow(/invalid prefix part/);
    },
  );
});

describe("Subjects.parse", () => {
  it("round-trips every kind", () => {
    expect(s.parse(s.submitted("r1"))).toEqual({ runId: "r1", what: { kind: "submitted" } });
    expect(s.parse(s.llmResult("r1", 7))).toEqual({ runId: "r1", what: { kind: "llm-result", turn: 7 } });
    expect(s.parse(s.toolResult("r1", 2, 0, "ledger"))).toEqual({
      runId: "r1",
      what: { kind: "tool-result", turn: 2, index: 0, tool: "ledger" },
    });
    expect(s.parse(s.toolResult("r1", 2, 11, "_invalid"))).toEqual({
      runId: "r1",
      what: { kind: "tool-result", turn: 2, index: 11, tool: "_invalid" },
    });
    // logs recorded before the tool joined the subject
    expect(s.parse("t.run.r1.evt.tool.2.0")).toEqual({ runId: "r1", what: { kind: "tool-result", turn: 2, index: 0 } });
    expect(s.parse(s.signal("r1", "cancel"))).toEqual({ runId: "r1", what: { kind: "signal", name: "cancel" } });
    expect(s.message("r1", 3)).toBe("t.run.r1.evt.message.3");
    expect(s.parse(s.message("r1", 3))).toEqual({ runId: "r1", what: { kind: "message", n: 3 } });
    expect(s.parse("t.run.r1.evt.message.0")).toEqual({ runId: "r1", what: { kind: "unknown" } });
    expect(s.parse("t.run.r1.evt.message.x")).toEqual({ runId: "r1", what: { kind: "unknown" } });
    expect(s.guard("r1", 2, "output")).toBe("t.run.r1.evt.guard.2.output");
    expect(s.parse(s.guard("r1", 2, "output"))).toEqual({
      runId: "r1",
      what: { kind: "guard", turn: 2, point: "output" },
    });
    expect(s.parse(s.guard("r1", 1, "input"))).toEqual({
      runId: "r1",
      what: { kind: "guard", turn: 1, point: "input" },
    });
    expect(s.parse("t.run.r1.evt.guard.2.middle")).toEqual({ runId: "r1", what: { kind: "unknown" } });
    expect(s.parse("t.run.r1.evt.guard.0.input")).toEqual({ runId: "r1", what: { kind: "unknown" } });
    expect(s.parse("t.run.r1.evt.guard.2")).toEqual({ runId: "r1", what: { kind: "unknown" } });
    expect(s.guardApproval("r1", 3)).toBe("t.run.r1.evt.approval.3.guard");
    expect(s.parse(s.guardApproval("r1", 3))).toEqual({ runId: "r1", what: { kind: "guard-approval", turn: 3 } });
    expect(s.parse(s.error("r1", "s42"))).toEqual({ runId: "r1", what: { kind: "error", id: "s42" } });
    expect(s.parse(s.ended("r1"))).toEqual({ runId: "r1", what: { kind: "ended" } });
    expect(s.parse(s.llmCommand("r1", 1, "scripted"))).toEqual({
      runId: "r1",
      what: { kind: "llm-command", turn: 1, provider: "scripted" },
    });
    expect(s.parse(s.toolCommand("r1", 3, 1, "_invalid"))).toEqual({
      runId: "r1",
      what: { kind: "tool-command", turn: 3, index: 1, tool: "_invalid" },
    });
  });

  it("round-trips under a dotted prefix", () => {
    const d = new Subjects("a.b");
    expect(d.parse(d.toolCommand("run-1", 1, 0, "list_files"))).toEqual({
      runId: "run-1",
      what: { kind: "tool-command", turn: 1, index: 0, tool: "list_files" },
    });
    // a subject of prefix "a.b" is not in prefix "a"'s run space
    expect(new Subjects("a").parse(d.ended("run-1"))).toBeUndefined();
  });

  it.each([
    "t.run.r1",
    "t.run.r1.evt",
    "t.run.r1.evt.submitted.x",
    "t.run.r1.evt.ended.x",
    "t.run.r1.evt.llm",
    "t.run.r1.evt.llm.0",
    "t.run.r1.evt.llm.x",
    "t.run.r1.evt.llm.-1",
    "t.run.r1.evt.llm.1.2",
    "t.run.r1.evt.tool.1",
    "t.run.r1.evt.tool.0.0",
    "t.run.r1.evt.tool.1.x",
    "t.run.r1.evt.tool.1.0.x.extra",
    "t.run.r1.evt.signal",
    "t.run.r1.evt.signal.a.b",
    "t.run.r1.evt.error",
    "t.run.r1.evt.other",
    "t.run.r1.cmd.llm",
    "t.run.r1.cmd.llm.0",
    "t.run.r1.cmd.llm.1",
    "t.run.r1.cmd.llm.1.x.y",
    "t.run.r1.cmd.tool.1.0",
    "t.run.r1.cmd.tool.0.0.x",
    "t.run.r1.cmd.tool.1.0.x.y",
    "t.run.r1.foo.bar",
  ])("parses the unknown shape %s as kind unknown", (subject) => {
    expect(s.parse(subject)).toEqual({ runId: "r1", what: { kind: "unknown" } });
  });

  it.each([
    "other.run.r1.evt.ended",
    "t.api.submit",
    "t.run.",
    "t.run..evt.ended",
    "t.run.r*.evt.ended",
    "tt.run.r1.evt.ended",
    "t.runs.r1.evt.ended",
    "t",
  ])("returns undefined for %s (not a run subject of this prefix)", (subject) => {
    expect(s.parse(subject)).toBeUndefined();
  });
});

describe("runStepOf: the step a run subject of any prefix names, by the same grammar as Subjects.parse", () => {
  const s = new Subjects("acme.prod-1");
  it("names each kind of run subject with its numbers templated", () => {
    expect(runStepOf(s.submitted("r1"))).toEqual({
      prefix: "acme.prod-1",
      runId: "r1",
      family: "evt",
      kind: "submitted",
      template: "acme.prod-1.run.{runId}.evt.submitted",
    });
    expect(runStepOf(s.llmResult("r1", 3))).toEqual({
      prefix: "acme.prod-1",
      runId: "r1",
      family: "evt",
      kind: "llm",
      turn: 3,
      template: "acme.prod-1.run.{runId}.evt.llm.{turn}",
    });
    expect(runStepOf(s.summaryResult("r1", 4))?.template).toBe("acme.prod-1.run.{runId}.evt.summary.{turn}");
    expect(runStepOf(s.message("r1", 2))).toMatchObject({
      kind: "message",
      template: "acme.prod-1.run.{runId}.evt.message.{n}",
    });
    expect(runStepOf(s.guard("r1", 2, "input"))).toMatchObject({
      kind: "guard",
      turn: 2,
      template: "acme.prod-1.run.{runId}.evt.guard.{turn}.input",
    });
    expect(runStepOf(s.guardApproval("r1", 2))).toMatchObject({
      kind: "approval",
      turn: 2,
      template: "acme.prod-1.run.{runId}.evt.approval.{turn}.guard",
    });
    expect(runStepOf(s.approval("r1", 2, 1))).toMatchObject({
      kind: "approval",
      turn: 2,
      index: 1,
      template: "acme.prod-1.run.{runId}.evt.approval.{turn}.{index}",
    });
    expect(runStepOf(s.toolCommand("r1", 2, 0, "ledger"))).toEqual({
      prefix: "acme.prod-1",
      runId: "r1",
      family: "cmd",
      kind: "tool",
      turn: 2,
      index: 0,
      tool: "ledger",
      template: "acme.prod-1.run.{runId}.cmd.tool.{turn}.{index}.ledger",
    });
  });

  it("agrees with Subjects.parse on the run id, and refuses what the parser refuses", () => {
    for (const subject of [
      s.submitted("a-1"),
      s.ended("a-1"),
      s.llmResult("a-1", 9),
      s.toolResult("a-1", 1, 2, "t"),
      s.error("a-1", "s5"),
    ]) {
      expect(runStepOf(subject)?.runId).toBe(s.parse(subject)?.runId);
    }
    expect(runStepOf("acme.prod-1.run.r1.evt.llm.0")).toBeUndefined(); // turns count from 1
    expect(runStepOf("acme.prod-1.run.r1.evt.whatever")).toBeUndefined();
    expect(runStepOf("acme.prod-1.api.submit")).toBeUndefined();
    expect(runStepOf("Bad_Prefix.run.r1.evt.ended")).toBeUndefined();
  });
});

describe("subjects of a tool's effect contract (start markers, ambiguity, decisions, reruns)", () => {
  const s = new Subjects("p");
  it("builds and parses each, and a rerun stays on its tool's command filter", () => {
    expect(s.toolStarted("r1", 2, 1, 0, "pay")).toBe("p.run.r1.evt.started.2.1.0.pay");
    expect(s.parse(s.toolStarted("r1", 2, 1, 0, "pay"))?.what).toEqual({
      kind: "tool-started",
      turn: 2,
      index: 1,
      round: 0,
      tool: "pay",
    });
    expect(s.parse(s.toolAmbiguous("r1", 2, 1, 3, "pay"))?.what).toEqual({
      kind: "tool-ambiguous",
      turn: 2,
      index: 1,
      round: 3,
      tool: "pay",
    });
    expect(s.parse(s.ambiguityApproval("r1", 2, 1, 0))?.what).toEqual({
      kind: "ambiguity-approval",
      turn: 2,
      index: 1,
      round: 0,
    });
    const rerun = s.toolRerun("r1", 2, 1, 1, "pay");
    expect(rerun).toBe("p.run.r1.cmd.tool.2.1-r1.pay");
    expect(s.parse(rerun)?.what).toEqual({ kind: "tool-rerun", turn: 2, index: 1, round: 1, tool: "pay" });
    // the tool's consumer filter matches it: `p.run.*.cmd.tool.*.*.pay`
    const filter = s.toolCommands("pay").split(".");
    const parts = rerun.split(".");
    expect(parts.length).toBe(filter.length);
    expect(filter.every((t, i) => t === "*" || t === parts[i])).toBe(true);
    expect(runStepOf(rerun)).toMatchObject({
      kind: "tool",
      template: "p.run.{runId}.cmd.tool.{turn}.{index}-r{round}.pay",
    });
    // round 0 is the command itself, never a rerun; malformed tokens are unknown
    for (const bad of ["p.run.r1.cmd.tool.2.1-r0.pay", "p.run.r1.cmd.tool.2.1-x1.pay", "p.run.r1.evt.started.2.1.pay"])
      expect(s.parse(bad)?.what.kind).toBe("unknown");
  });
});
