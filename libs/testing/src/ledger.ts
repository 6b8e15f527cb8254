import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { workspaceRoot } from "./util.js";

/** One line of the ledger: a tool execution that completed its side effect. */
export interface LedgerEntry {
  key: string;
  runId: string;
  callId: string;
  attempt: number;
  pid: number;
  item: string;
  at: string;
}

/** Path of the ledger test tool module (`ledger`: appends one line per completed execution to <workspace root>/ledger.jsonl). */
export function ledgerToolModule(): string {
  return join(workspaceRoot(), "tests", "fixtures", "ledger-tool.mjs");
}

export function readLedger(file: string): LedgerEntry[] {
  if (!existsSync(file)) return [];
  return readFileSync(file, "utf8")
    .split("\n")
    .filter(Boolean)
    .map((l) => JSON.parse(l) as LedgerEntry);
}
