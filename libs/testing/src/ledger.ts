import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { workspaceRoot } from "./util.js";

/** One execution of the ledger test tool (re-executions included). */
export interface LedgerEntry {
  key: string;
  runId: string;
  callId: string;
  attempt: number;
  /** 0, or the n-th rerun a human approved of a call whose outcome was ambiguous. */
  round?: number;
  pid: number;
  item: string;
  /** When the execution started (before its delay) and when its side effect happened. */
  startedAt: string;
  at: string;
}

/** A commit of the ledger tool: at most one per idempotency key (exclusive file creation). */
export interface LedgerCommit {
  key: string;
  result: string;
  pid: number;
}

/** Path of the ledger test tool module (see tests/fixtures/ledger-tool.mjs). */
export function ledgerToolModule(): string {
  return join(workspaceRoot(), "tests", "fixtures", "ledger-tool.mjs");
}

/** Every execution, from `<workspace root>/ledger.jsonl`. */
export function readLedger(file: string): LedgerEntry[] {
  if (!existsSync(file)) return [];
  return readFileSync(file, "utf8")
    .split("\n")
    .filter(Boolean)
    .map((l) => JSON.parse(l) as LedgerEntry);
}

/** Every commit, from `<workspace root>/commits/`. */
export function readCommits(workspaceRoot: string): LedgerCommit[] {
  const dir = join(workspaceRoot, "commits");
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => !f.endsWith(".tmp"))
    .map((f) => JSON.parse(readFileSync(join(dir, f), "utf8")) as LedgerCommit);
}

/** Where a test's services find their scripts, agents and workspace. */
export interface TestDirs {
  scriptsDir: string;
  agentsFile: string;
  workspaceRoot: string;
}

/**
 * Environment for services in tests: the scripted model's scripts, the agents file, the ledger
 * test tools, and a short ack_wait so crashed work is redelivered in about 2 s.
 */
export function testServiceEnv(
  url: string,
  prefix: string,
  dirs: TestDirs,
  extra: Record<string, string> = {},
): Record<string, string> {
  return {
    NATS_URL: url,
    CAIRN_PREFIX: prefix,
    CAIRN_SCRIPTS_DIR: dirs.scriptsDir,
    CAIRN_AGENTS_FILE: dirs.agentsFile,
    CAIRN_WORKSPACE_ROOT: dirs.workspaceRoot,
    CAIRN_TOOLS_MODULE: ledgerToolModule(),
    CAIRN_ACK_WAIT_MS: "2000",
    CAIRN_TOOL_RETRY_DELAY_MS: "50",
    CAIRN_LLM_RETRY_DELAY_MS: "50",
    LOG_LEVEL: "info",
    ...extra,
  };
}
