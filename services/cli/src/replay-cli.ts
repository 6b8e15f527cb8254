import { readFileSync, writeFileSync } from "node:fs";
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";
import type { Command } from "commander";
import pc from "picocolors";
import type { CairnClient } from "@cairn/client";
import {
  buildTimeline,
  checkRun,
  exportRunLog,
  forkRun,
  loadRunLog,
  parseDuration,
  parseRunExport,
  promptAt,
  purgeOlderThan,
  purgeRun,
  renderCheck,
  renderPromptCheck,
  renderState,
  renderTimeline,
  stateAt,
  terminalJson,
  terminalSafe,
  type DecideFn,
  type RenderOptions,
  type RunLog,
} from "@cairn/replay";
import { Kvm } from "@nats-io/kv";
import { jetstream, jetstreamManager } from "@nats-io/jetstream";
import { loadAgentSources, rebuildRunIndex } from "@cairn/planner";
import { decide, type CodeGuards } from "@cairn/runtime";
import { createLogger } from "@cairn/telemetry";
import { addConn, client, type ConnFlags } from "./conn.js";
import { renderEntry, renderStatus } from "./render.js";

/** Exit code of `cairn replay --check` when the code diverges from the log (errors exit 1). */
const DIVERGED = 3;

function render(width?: string): RenderOptions {
  return {
    color: pc.isColorSupported,
    width: width !== undefined ? int("--width", width) : Math.max(60, process.stdout.columns ?? 120),
  };
}

function int(name: string, v: string): number {
  if (!/^\d+$/.test(v)) throw new Error(`${name} must be a whole number, got ${JSON.stringify(v)}`);
  return Number(v);
}

async function withClient<T>(o: ConnFlags, fn: (c: CairnClient) => Promise<T>): Promise<T> {
  const c = await client(o);
  try {
    return await fn(c);
  } finally {
    await c.close();
  }
}

/** The run's log: from an exported file (no NATS), or from the stream. */
async function readLog(runId: string | undefined, o: ConnFlags & { file?: string }): Promise<RunLog> {
  if (o.file) {
    const log = parseRunExport(readFileSync(o.file, "utf8"));
    if (runId && runId !== log.runId) throw new Error(`${o.file} holds run ${log.runId}, not ${runId}`);
    return log;
  }
  if (!runId) throw new Error("name a run (cairn replay <runId>) or an exported file (--file run.cairn.jsonl)");
  return withClient(o, (c) => loadRunLog(c.nc, c.subjects, runId));
}

/** The runtime's decisions with the guardrails in code of an agents module (`--agents`). */
function withAgents(code: CodeGuards | undefined): DecideFn {
  return (state, applied, subjects) => decide(state, applied, subjects, code);
}

/** A planner module for `--check`: its `decide` export (same signature as the runtime's). */
async function loadDecide(file: string): Promise<DecideFn> {
  const m = (await import(pathToFileURL(resolve(file)).href)) as { decide?: unknown; default?: { decide?: unknown } };
  const fn = m.decide ?? m.default?.decide;
  if (typeof fn !== "function") throw new Error(`${file} does not export a decide(state, applied, subjects) function`);
  return fn as DecideFn;
}

/*
 * Output: the renderers make every string from the log terminal-safe; `--json` output is JSON with
 * DEL, C1 and bidi controls escaped too (terminalJson: the same JSON value, nothing raw).
 */
function out(text: string): void {
  process.stdout.write(text.endsWith("\n") ? text : `${text}\n`);
}

function collect(v: string, prev: string[]): string[] {
  return [...prev, v];
}

function parseSetResults(items: string[]): Record<string, unknown> {
  const res: Record<string, unknown> = {};
  for (const item of items) {
    const eq = item.indexOf("=");
    if (eq <= 0) throw new Error(`--set-result ${JSON.stringify(item)}: use <callId>=<json>`);
    const callId = item.slice(0, eq);
    const text = item.slice(eq + 1);
    try {
      res[callId] = JSON.parse(text);
    } catch (err) {
      throw new Error(
        `--set-result ${callId}: ${JSON.stringify(text)} is not JSON (${(err as Error).message}); quote a string as '"text"'`,
      );
    }
  }
  return res;
}

/** `cairn replay`, `cairn export`, `cairn fork` and `cairn purge`. */
export function registerReplayCommands(program: Command): void {
  addConn(program.command("replay [runId]"))
    .description(
      "a run's timeline read from its log; --at: its state after a step; --prompt: a turn's exact request; --check: re-drive the planner and compare",
    )
    .option("--file <path>", "replay an exported run (cairn export) without NATS")
    .option(
      "--at <step>",
      "the run's state after this step (0 = the submission): the messages the model would see next",
    )
    .option(
      "--prompt <turn>",
      "the exact request sent to the model at this turn, rebuilt from the log and checked against its recorded hash (exit 3 on MISMATCH)",
    )
    .option(
      "--check",
      `re-drive the current planner over the recorded events; exit ${DIVERGED} at the first divergence`,
    )
    .option(
      "--planner <module>",
      "with --check: use the decide() exported by this module instead of the built-in planner",
    )
    .option(
      "--agents <module>",
      "with --check: re-run the guardrails of this agents module (defineAgent; as CAIRN_AGENTS_MODULE) over the recorded runs, and name the first decision they would change",
    )
    .option("--json", "machine-readable output")
    .option("--width <columns>", "line width of the text output (default: the terminal's)")
    .action(
      async (
        runId: string | undefined,
        o: ConnFlags & {
          file?: string;
          at?: string;
          prompt?: string;
          check?: boolean;
          planner?: string;
          agents?: string;
          json?: boolean;
          width?: string;
        },
      ) => {
        const modes = [o.at !== undefined, o.prompt !== undefined, !!o.check].filter(Boolean).length;
        if (modes > 1) throw new Error("use one of --at, --prompt and --check at a time");
        if (o.planner && !o.check) throw new Error("--planner goes with --check");
        if (o.agents && !o.check) throw new Error("--agents goes with --check");
        if (o.agents && o.planner) throw new Error("use --planner or --agents, not both");
        const log = await readLog(runId, o);
        if (o.at !== undefined) {
          const s = stateAt(log, int("--at", o.at));
          out(o.json ? terminalJson(s) : renderState(s, render(o.width)));
        } else if (o.prompt !== undefined) {
          const p = promptAt(log, int("--prompt", o.prompt));
          out(o.json ? terminalJson(p) : renderPromptCheck(p, render(o.width)));
          if (p.match === false) process.exitCode = DIVERGED;
        } else if (o.check) {
          const r = checkRun(
            log,
            o.planner
              ? { decide: await loadDecide(o.planner) }
              : o.agents
                ? { decide: withAgents((await loadAgentSources(undefined, o.agents)).code) }
                : {},
          );
          out(o.json ? terminalJson(r) : renderCheck(r, render(o.width)));
          if (!r.ok) process.exitCode = DIVERGED;
        } else {
          const t = buildTimeline(log);
          out(o.json ? terminalJson(t) : renderTimeline(t, render(o.width)));
        }
      },
    );

  addConn(program.command("export <runId>"))
    .description("write a run's whole log as JSON Lines (lossless), for replay --file, bug reports and fixtures")
    .option("-o, --output <file>", "write to this file instead of stdout")
    .action(async (runId: string, o: ConnFlags & { output?: string }) => {
      const log = await readLog(runId, o);
      const text = exportRunLog(log, { exportedAt: new Date().toISOString() });
      if (o.output) writeFileSync(o.output, text);
      else process.stdout.write(text);
    });

  addConn(program.command("fork <runId>"))
    .description(
      "start a new run whose history is this run's up to a step (recorded model responses reused), and continue it live",
    )
    .requiredOption("--from <step>", "last step of the source to keep (see cairn replay)")
    .option(
      "--set-result <callId=json>",
      "replace (or supply) the result of a tool call in the kept history; repeatable",
      collect,
      [] as string[],
    )
    .option("--model <model>", "continue with another model (the agent snapshot is otherwise kept)")
    .option("--file <path>", "fork from an exported run instead of the stream")
    .option("--wait", "wait for the fork to end and print its outcome")
    .option("-f, --follow", "show the fork live")
    .option("--json", "machine-readable output")
    .action(
      async (
        runId: string,
        o: ConnFlags & {
          from: string;
          setResult: string[];
          model?: string;
          file?: string;
          wait?: boolean;
          follow?: boolean;
          json?: boolean;
        },
      ) => {
        const opts = {
          fromStep: int("--from", o.from),
          setResults: parseSetResults(o.setResult),
          ...(o.model ? { model: o.model } : {}),
        };
        const fileLog = o.file ? await readLog(runId, o) : undefined;
        await withClient(o, async (c) => {
          const source = fileLog ?? (await loadRunLog(c.nc, c.subjects, runId));
          const r = await forkRun(c.nc, c.subjects, source, opts);
          if (o.follow) {
            let status = "running";
            for await (const e of c.watch(r.runId)) {
              const line = o.json
                ? terminalJson({ seq: e.seq, subject: e.subject, time: e.time, ...e.entry })
                : renderEntry(e);
              if (line !== undefined) out(line);
              if (e.entry.kind === "ended") status = e.entry.message.status;
            }
            process.exitCode = status === "completed" ? 0 : 2;
          } else if (o.wait) {
            const s = await c.wait(r.runId);
            out(o.json ? terminalJson({ ...s, forkedFrom: r.forkedFrom }) : renderStatus(s));
            process.exitCode = s.status === "completed" ? 0 : 2;
          } else {
            out(
              o.json
                ? terminalJson(r)
                : `${terminalSafe(r.runId)} ${pc.dim(`(fork of ${terminalSafe(r.forkedFrom.runId)} at step ${r.forkedFrom.step}: ${r.copied} results copied, continuing live)`)}`,
            );
          }
        });
      },
    );

  for (const archive of [false, true]) {
    const verb = archive ? "archive" : "purge";
    const done = archive ? "archived" : "purged";
    addConn(program.command(`${verb} [runId]`))
      .description(
        archive
          ? "seal ended runs' logs into the archive stream and remove them from the runs stream (never runs in flight): nats-server then keeps no per-message state for them; replay, export, fork and status read the archive"
          : "remove ended runs' history from the stream (never runs in flight); the runs index remembers them as purged",
      )
      .option(
        "--older-than <duration>",
        "every run that ended longer ago than this (e.g. 30d, 12h, 90m; 0s: every ended run)",
      )
      .option("--dry-run", `with --older-than: list what would be ${done}`)
      .option(
        "--force",
        `also ${verb} ended runs whose last calls have no result yet (a cancelled run's tool may still be running)`,
      )
      .option(
        "--every <duration>",
        `with --older-than: keep running, and ${verb} again every this long (e.g. 1m) until stopped`,
      )
      .option("--json", "machine-readable output")
      .action(
        async (
          runId: string | undefined,
          o: ConnFlags & { olderThan?: string; dryRun?: boolean; force?: boolean; every?: string; json?: boolean },
        ) => {
          if (!runId === (o.olderThan === undefined)) throw new Error("name one run, or give --older-than <duration>");
          if (o.every !== undefined && (runId || o.dryRun))
            throw new Error("--every goes with --older-than (and not --dry-run)");
          const every = o.every !== undefined ? parseDuration(o.every) : undefined;
          if (every !== undefined && every < 1_000) throw new Error("--every must be at least 1s");
          await withClient(o, async (c) => {
            if (every !== undefined) {
              // A long-running archiver (or purger): one pass now, then one every `every`, until SIGINT/SIGTERM.
              const stop = new AbortController();
              for (const sig of ["SIGINT", "SIGTERM"] as const) process.once(sig, () => stop.abort());
              while (!stop.signal.aborted) {
                const r = await purgeOlderThan(c.nc, c.subjects, parseDuration(o.olderThan!), {
                  force: !!o.force,
                  archive,
                });
                out(
                  o.json
                    ? terminalJson({
                        at: new Date().toISOString(),
                        [done]: r.purged.map((p) => p.runId),
                        kept: r.kept,
                        unsettled: r.unsettled,
                      })
                    : pc.dim(
                        `${new Date().toISOString()} ${r.purged.length} ${done}, ${r.kept} ended more recently, ${r.unsettled.length} unsettled`,
                      ),
                );
                await new Promise<void>((res) => {
                  const t = setTimeout(res, every);
                  stop.signal.addEventListener("abort", () => (clearTimeout(t), res()), { once: true });
                });
              }
              return;
            }
            if (runId) {
              const r = await purgeRun(c.nc, c.subjects, runId, { force: !!o.force, archive });
              out(
                o.json
                  ? terminalJson(r)
                  : `${done} ${terminalSafe(r.runId)} ${pc.dim(`(${r.status.status}; ${r.purged} messages)`)}`,
              );
              return;
            }
            const ms = parseDuration(o.olderThan!);
            const r = await purgeOlderThan(c.nc, c.subjects, ms, { dryRun: !!o.dryRun, force: !!o.force, archive });
            if (o.json) return out(terminalJson(r));
            const lines = o.dryRun
              ? r.wouldPurge.map(
                  (s) =>
                    `would ${verb} ${terminalSafe(s.runId)} ${pc.dim(terminalSafe(`(${s.status}, ended ${s.endedAt ?? "?"})`))}`,
                )
              : r.purged.map(
                  (p) => `${done} ${terminalSafe(p.runId)} ${pc.dim(`(${p.status.status}; ${p.purged} messages)`)}`,
                );
            for (const u of r.unsettled)
              lines.push(
                `kept ${terminalSafe(u.runId)} ${pc.dim(`(ended, but no result yet for ${terminalSafe(u.unanswered.join(", "))}; --force to ${verb})`)}`,
              );
            lines.push(
              pc.dim(
                `${o.dryRun ? `${r.wouldPurge.length} to ${verb}` : `${r.purged.length} ${done}`}, ${r.kept} ended more recently, runs in flight untouched`,
              ),
            );
            out(lines.join("\n"));
          });
        },
      );
  }

  const idx = program.command("index").description("the runs index (what `cairn runs` and `cairn status` read)");
  addConn(idx.command("rebuild"))
    .description(
      "write the runs index from the log: every run's submission record and status (after losing the index, or upgrading)",
    )
    .option("--json", "machine-readable output")
    .action(async (o: ConnFlags & { json?: boolean }) => {
      await withClient(o, async (c) => {
        const kv = await new Kvm(c.nc).open(c.subjects.runsBucket);
        const jsm = await jetstreamManager(c.nc, { timeout: 10_000 });
        const r = await rebuildRunIndex(
          kv,
          jetstream(c.nc),
          jsm,
          c.subjects,
          createLogger({ service: "cairn-cli", level: "warn" }),
        );
        out(
          o.json
            ? JSON.stringify(r)
            : `${r.runs} runs in the log: ${r.submissions} submission records and ${r.statuses} status records written (the rest were current); ${r.retired} archived or purged runs moved out of the index, ${r.directory} archive directory entries written`,
        );
      });
    });
}
