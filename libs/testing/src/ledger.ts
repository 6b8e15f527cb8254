import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { workspaceRoot } from "./util.js";

/** One execution of the ledger test tool (re-executions included). */
export interface LedgerEntry {
  key: string;
  runId: string;
  callId: string;
  attempt: number;
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
