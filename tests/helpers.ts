import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { CairnClient } from "@cairn/client";
import { readRunLog, connectNats, type NatsConnection } from "@cairn/bus";
import { decodeEntry, Subjects, type DecodedEntry, type RunStatus } from "@cairn/protocol";
import { parseAgents, type Agents } from "@cairn/planner";
import { ledgerToolModule, tempDir } from "@cairn/testing";
import { jetstreamManager } from "@nats-io/jetstream";

/** A scripted-model script: the deterministic stand-in for an LLM used by tests (see libs/providers). */
export interface ScriptTurn {
  content?: string | null;
  toolCalls?: { name: string; arguments?: unknown; argumentsRaw?: string }[];
}

/** The standard test run: 3 turns, 3 parallel ledger calls, then 1, then an answer built from the last result. */
export const LEDGER_SCRIPT: ScriptTurn[] = [
  { content: "Recording three items in parallel.", toolCalls: [{ name: "ledger", arguments: { item: "a" } }, { name: "ledger", arguments: { item: "b" } }, { name: "ledger", arguments: { item: "c" } }] },
  { content: "One more.", toolCalls: [{ name: "ledger", arguments: { item: "d" } }] },
  { content: "Recorded: {{toolResults}}" },
];
export const LEDGER_ANSWER = "Recorded: recorded d";

/** Per-test files: scripts dir, workspace root, ledger file, and an agents definition. */
export interface Fixture {
  dir: string;
  scriptsDir: string;
  workspaceRoot: string;
  ledgerFile: string;
  agentsFile: string;
  agents: Agents;
}

export function makeFixture(scripts: Record<string, ScriptTurn[]>, agentTools: Record<string, string[]> = {}, maxTurns: Record<string, number> = {}): Fixture {
  const dir = tempDir();
  const scriptsDir = join(dir, "scripts");
  mkdirSync(scriptsDir);
  const agents: Record<string, unknown> = {};
  for (const [name, turns] of Object.entries(scripts)) {
    writeFileSync(join(scriptsDir, `${name}.json`), JSON.stringify({ turns }));
    agents[name] = { provider: "scripted", model: name, systemPrompt: "test agent", tools: agentTools[name] ?? ["ledger"], maxTurns: maxTurns[name] ?? 10 };
  }
  const agentsJson = JSON.stringify({ default: Object.keys(scripts)[0], agents });
  const agentsFile = join(dir, "agents.json");
  writeFileSync(agentsFile, agentsJson);
  return { dir, scriptsDir, workspaceRoot: join(dir, "ws"), ledgerFile: join(dir, "ws", "ledger.jsonl"), agentsFile, agents: parseAgents(agentsJson) };
}

/** Environment for services in tests: a short ack_wait so crashed work is redelivered in ~2 s. */
export function serviceEnv(url: string, prefix: string, f: Fixture, extra: Record<string, string> = {}): Record<string, string> {
  return {
    NATS_URL: url,
    CAIRN_PREFIX: prefix,
    CAIRN_SCRIPTS_DIR: f.scriptsDir,
    CAIRN_AGENTS_FILE: f.agentsFile,
    CAIRN_WORKSPACE_ROOT: f.workspaceRoot,
    CAIRN_TOOLS_MODULE: ledgerToolModule(),
    CAIRN_ACK_WAIT_MS: "2000",
    CAIRN_TOOL_RETRY_DELAY_MS: "50",
    CAIRN_LLM_RETRY_DELAY_MS: "50",
    LOG_LEVEL: "info",
    ...extra,
  };
}

export async function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let t: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([p, new Promise<never>((_, rej) => (t = setTimeout(() => rej(new Error(`timed out after ${ms} ms: ${what}`)), ms)))]);
  } finally {
    clearTimeout(t);
  }
}

/** Waits for the run to end and returns its final status. */
export function waitRun(c: CairnClient, runId: string, ms = 60_000): Promise<RunStatus> {
  return withTimeout(c.wait(runId), ms, `run ${runId} to end`);
}

/** The run's whole log, decoded. */
export async function runLog(nc: NatsConnection, prefix: string, runId: string): Promise<{ seq: number; subject: string; entry: DecodedEntry }[]> {
  const subjects = new Subjects(prefix);
  const jsm = await jetstreamManager(nc);
  return (await readRunLog(jsm, subjects, runId)).map((e) => ({ seq: e.seq, subject: e.subject, entry: decodeEntry(subjects, e.subject, e.data) }));
}

export async function clientFor(url: string, prefix: string): Promise<CairnClient> {
  return CairnClient.connect({ connect: { servers: url }, prefix });
}

export { connectNats };
