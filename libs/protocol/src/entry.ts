import { decode, type Decoded } from "./codec.js";
import type {
  CheckCommand,
  CheckResult,
  LlmCommand,
  LlmResult,
  RunApproval,
  RunMessage,
  RunGuard,
  RunEnded,
  RunError,
  RunSignal,
  RunSubmitted,
  SummaryCommand,
  SummaryResult,
  ToolAmbiguous,
  ToolCommand,
  ToolResult,
  ToolStarted,
} from "./generated/types.js";
import type { Subjects } from "./subjects.js";

/** One message of a run's log as read from the stream. */
export interface HistoryEntry {
  /** Stream sequence. */
  seq: number;
  subject: string;
  data: Uint8Array;
  /** Server timestamp (ISO 8601) — the only clock the reducer uses, so folding is deterministic. */
  time: string;
  /** Delivery count, when the entry came from a consumer (informational). */
  deliveries?: number;
  /** The stored message carries JetStream's own headers: a response someone reflected onto this subject, not a writer's message (see libs/bus isReflected). */
  reflected?: boolean;
}

/** A run-log message decoded by what its subject says it is. */
export type DecodedEntry =
  | { kind: "submitted"; message: RunSubmitted }
  | { kind: "llm-command"; message: LlmCommand }
  | { kind: "llm-result"; message: LlmResult }
  | { kind: "summary-command"; message: SummaryCommand }
  | { kind: "summary-result"; message: SummaryResult }
  | { kind: "check-command"; message: CheckCommand }
  | { kind: "check-result"; message: CheckResult }
  | { kind: "tool-command"; message: ToolCommand }
  | { kind: "tool-result"; message: ToolResult }
  | { kind: "tool-rerun"; message: ToolCommand }
  | { kind: "tool-started"; message: ToolStarted }
  | { kind: "tool-ambiguous"; message: ToolAmbiguous }
  | { kind: "ambiguity-approval"; message: RunApproval }
  | { kind: "signal"; message: RunSignal }
  | { kind: "approval"; message: RunApproval }
  | { kind: "budget-approval"; message: RunApproval }
  | { kind: "loop-approval"; message: RunApproval }
  | { kind: "message"; message: RunMessage }
  | { kind: "guard"; message: RunGuard }
  | { kind: "guard-approval"; message: RunApproval }
  | { kind: "error"; message: RunError }
  | { kind: "ended"; message: RunEnded }
  | { kind: "invalid"; subject: string; reason: string };

const TYPES = {
  submitted: "RunSubmitted",
  "llm-command": "LlmCommand",
  "llm-result": "LlmResult",
  "summary-command": "SummaryCommand",
  "summary-result": "SummaryResult",
  "check-command": "CheckCommand",
  "check-result": "CheckResult",
  "tool-command": "ToolCommand",
  "tool-result": "ToolResult",
  "tool-rerun": "ToolCommand",
  "tool-started": "ToolStarted",
  "tool-ambiguous": "ToolAmbiguous",
  "ambiguity-approval": "RunApproval",
  signal: "RunSignal",
  approval: "RunApproval",
  "budget-approval": "RunApproval",
  "loop-approval": "RunApproval",
  message: "RunMessage",
  guard: "RunGuard",
  "guard-approval": "RunApproval",
  error: "RunError",
  ended: "RunEnded",
} as const;

/** Decodes one message of a run's log; never throws. */
export function decodeEntry(subjects: Subjects, subject: string, data: Uint8Array): DecodedEntry {
  const p = subjects.parse(subject);
  if (!p || p.what.kind === "unknown") return { kind: "invalid", subject, reason: "not a known run subject" };
  const type = TYPES[p.what.kind];
  const d: Decoded<unknown> = decode(type, data);
  if (!d.ok) return { kind: "invalid", subject, reason: `${d.kind}: ${d.message}` };
  return { kind: p.what.kind, message: d.value } as DecodedEntry;
}
