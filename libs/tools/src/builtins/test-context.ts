import type { ToolContext } from "../define.js";

const noop = (): void => undefined;

/** A minimal ToolContext for calling a tool directly in the tools' own tests (not built into dist). */
export function toolTestContext(
  workspaceDir: string,
  overrides: Partial<ToolContext> = {},
): ToolContext & { abort: AbortController } {
  const abort = new AbortController();
  const runId = overrides.runId ?? "run-1";
  return {
    runId,
    turn: 1,
    callId: "call-1",
    idempotencyKey: `${runId}:1:0`,
    attempt: 1,
    round: 0,
    issuedAt: Date.now(),
    signal: abort.signal,
    heartbeat: noop,
    workspaceDir,
    log: { debug: noop, info: noop, warn: noop, error: noop },
    abort,
    ...overrides,
  };
}
