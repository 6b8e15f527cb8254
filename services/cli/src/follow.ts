import { stripVTControlCharacters } from "node:util";
import pc from "picocolors";
import type { CairnClient } from "@cairn/client";
import { terminalJson, terminalSafe, trackPending } from "@cairn/replay";
import { renderEntry, renderWaiting } from "./render.js";

export interface FollowOptions {
  /** JSON lines of the log entries only (no tokens, no waiting lines). */
  json: boolean;
  /** Where to write; process.stdout by default. */
  out?: NodeJS.WriteStream;
  /** How often the run's status is read while no log message arrives (ms, default 1500). */
  pollMs?: number;
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
  // sleeps and retries in flight, as the log shows them
  const inFlight = trackPending();
  let ended = false;
  let polling = false;
  const poll = async (): Promise<void> => {
    if (ended || polling || streaming || Date.now() - lastEntryAt < 1_000) return;
    polling = true;
    try {
      const s = await c.status(runId);
      if (ended) return;
      const { sleeps, retries } = inFlight.pending();
      const lines = renderWaiting(s, sleeps, Date.now(), tty, retries);
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
        inFlight.sleep(e.entry.message.callId, e.entry.message.arguments, e.time);
      if (e.entry.kind === "error" && e.entry.message.retryAt)
        inFlight.retry(
          e.entry.message.subject,
          e.entry.message.attempt ?? 1,
          e.entry.message.retryAt,
          `${e.entry.message.error.kind}: ${e.entry.message.error.message}`,
        );
      if (
        e.entry.kind === "tool-result" ||
        e.entry.kind === "llm-result" ||
        e.entry.kind === "summary-result" ||
        e.entry.kind === "check-result"
      )
        inFlight.result(e.subject, e.entry.kind === "tool-result" ? e.entry.message.callId : undefined);
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
