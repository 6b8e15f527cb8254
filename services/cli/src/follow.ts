import { stripVTControlCharacters } from "node:util";
import pc from "picocolors";
import type { CairnClient } from "@cairn/client";
import { sleepWakeAt, stepKey, terminalJson, terminalSafe } from "@cairn/replay";
import { renderEntry, renderWaiting, type PendingRetry, type PendingSleep } from "./render.js";

export interface FollowOptions {
  /** JSON lines of the log entries only (no tokens, no waiting lines). */
  json: boolean;
  /** Where to write; process.stdout by default. */
  out?: NodeJS.WriteStream;
  /** How often the run's status is read while no log message arrives (ms, default 1500). */
  pollMs?: number;
}

/** Sleep calls in flight: the `sleep` tool's commands without a result, due at command time + ms. */
function trackSleeps(): {
  command(callId: string, args: string, time: string): void;
  result(callId: string): void;
  list(): PendingSleep[];
} {
  const m = new Map<string, number>();
  return {
    command(callId, args, time) {
      const at = sleepWakeAt(args, time);
      if (at !== undefined) m.set(callId, at);
    },
    result(callId) {
      m.delete(callId);
    },
    list: () => [...m].map(([callId, wakeAt]) => ({ callId, wakeAt })),
  };
}

/** Retries due: a step's retry notices (error records with `retryAt`) until its result arrives. */
function trackRetries(): {
  notice(commandSubject: string, attempt: number, retryAt: string, error: string): void;
  result(resultSubject: string): void;
  list(): PendingRetry[];
} {
  const m = new Map<string, PendingRetry>();
  // A notice can follow its step's result (a delivery that stalled past ack_wait failed after
  // another recorded the result): a recorded step waits for no retry.
  const recorded = new Set<string>();
  return {
    notice(subject, attempt, retryAt, error) {
      const key = stepKey(subject);
      const at = Date.parse(retryAt);
      if (key && !recorded.has(key) && Number.isFinite(at)) m.set(key, { subject, attempt, retryAt: at, error });
    },
    result(subject) {
      const key = stepKey(subject);
      if (!key) return;
      recorded.add(key);
      m.delete(key);
    },
    list: () => [...m.values()],
  };
}

/**
 * Prints a run's log from its first message, live until it ends (`submit --follow`, `follow`),
 * and returns its final status. While no message arrives, the run's status is read every
 * `pollMs` and what it waits for is shown (see renderWaiting): on a terminal as one line redrawn
 * in place (ordinary waits too), otherwise a line printed once each time it changes (approvals,
 * budgets, missing workers, sleeps and retries only).
 */
export async function follow(c: CairnClient, runId: string, o: FollowOptions): Promise<string> {
  const out = o.out ?? process.stdout;
  const tty = !o.json && out.isTTY === true;
  let status = "running";
  // Model output tokens arrive live (plain NATS) while a call runs; the recorded response follows.
  // They are the model's raw text: shown terminal-safe (newlines kept, other controls escaped).
  let streaming = false;
  let shown = false; // a waiting line is on screen (tty)
  let lastWaiting = "";
  let lastEntryAt = Date.now();
  const clear = (): void => {
    if (shown) out.write("\r\x1b[2K");
    shown = false;
  };
  const tokens = o.json
    ? undefined
    : c.nc.subscribe(c.subjects.tokens(runId, "*"), {
        callback: (_err, m) => {
          clear();
          if (!streaming) out.write(pc.dim("  ⋯ "));
          streaming = true;
          lastEntryAt = Date.now();
          out.write(pc.dim(terminalSafe(m.string(), { keepNewlines: true })));
        },
      });
  const sleeps = trackSleeps();
  const retries = trackRetries();
  let ended = false;
  let polling = false;
  const poll = async (): Promise<void> => {
    if (ended || polling || streaming || Date.now() - lastEntryAt < 1_000) return;
    polling = true;
    try {
      const s = await c.status(runId);
      if (ended) return;
      const lines = renderWaiting(s, sleeps.list(), Date.now(), tty, retries.list());
      if (tty) {
        if (!lines.length) return clear();
        // One line, never wider than the terminal (a wrapped line could not be redrawn in place).
        const width = Math.max(40, out.columns || 100) - 1;
        const more = lines.length > 1 ? ` (+${lines.length - 1} more: cairn status ${terminalSafe(runId)})` : "";
        const line = `${lines[0]!}${pc.dim(more)}`;
        const plain = stripVTControlCharacters(line);
        out.write(`\r\x1b[2K${plain.length > width ? `${plain.slice(0, width - 1)}…` : line}`);
        shown = true;
      } else {
        const text = lines.join("\n");
        if (text && text !== lastWaiting) out.write(`${text}\n`);
        lastWaiting = text;
      }
    } catch {
      // a status read that failed (a planner restarting): the next tick tries again
    } finally {
      polling = false;
    }
  };
  const ticker = o.json ? undefined : setInterval(() => void poll(), o.pollMs ?? 1_500);
  try {
    for await (const e of c.watch(runId)) {
      clear();
      if (streaming) {
        out.write("\n");
        streaming = false;
      }
      lastEntryAt = Date.now();
      lastWaiting = "";
      if (o.json) out.write(terminalJson({ seq: e.seq, subject: e.subject, time: e.time, ...e.entry }) + "\n");
      else {
        const line = renderEntry(e);
        if (line !== undefined) out.write(line + "\n");
      }
      if (e.entry.kind === "tool-command" && e.entry.message.tool === "sleep")
        sleeps.command(e.entry.message.callId, e.entry.message.arguments, e.time);
      if (e.entry.kind === "tool-result") sleeps.result(e.entry.message.callId);
      if (e.entry.kind === "error" && e.entry.message.retryAt)
        retries.notice(
          e.entry.message.subject,
          e.entry.message.attempt ?? 1,
          e.entry.message.retryAt,
          `${e.entry.message.error.kind}: ${e.entry.message.error.message}`,
        );
      if (e.entry.kind === "tool-result" || e.entry.kind === "llm-result" || e.entry.kind === "summary-result")
        retries.result(e.subject);
      if (e.entry.kind === "ended") {
        ended = true;
        status = e.entry.message.status;
      }
    }
  } finally {
    ended = true;
    if (ticker) clearInterval(ticker);
    clear();
    tokens?.unsubscribe();
  }
  return status;
}
