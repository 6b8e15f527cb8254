import { Deferred } from "@cairn/runtime";
import { defineTool } from "../define.js";
import type { ToolDefinition } from "../define.js";
import { abortError } from "./abort.js";

const HEARTBEAT_MS = 5_000;
/** Sleeps longer than this are durable timers: the call is handed back to JetStream until it is due. */
const DURABLE_AFTER_MS = 1_000;

export function sleepTool(maxSleepMs: number): ToolDefinition<{ ms: number }> {
  return defineTool<{ ms: number }>({
    name: "sleep",
    description: `Waits for the given number of milliseconds (0 to ${maxSleepMs}) and returns "slept N ms". Long waits are durable: they hold no process and survive restarts.`,
    input: {
      type: "object",
      properties: {
        ms: { type: "integer", minimum: 0, maximum: maxSleepMs, description: "How long to wait, in milliseconds." },
      },
      required: ["ms"],
      additionalProperties: false,
    },
    // The runner's default limit may be shorter than a long sleep.
    timeoutMs: maxSleepMs + 10_000,
    run({ ms }, ctx) {
      if (ms > DURABLE_AFTER_MS) {
        // A durable timer: due at issue time + ms, however often the call is redelivered.
        const wakeAt = ctx.issuedAt + ms;
        if (Date.now() < wakeAt) throw new Deferred(wakeAt);
        return `slept ${ms} ms`;
      }
      return new Promise<string>((resolve, reject) => {
        if (ctx.signal.aborted) return reject(abortError(ctx.signal, "sleep"));
        const timer = setTimeout(() => {
          cleanup();
          resolve(`slept ${ms} ms`);
        }, ms);
        const beat = setInterval(() => ctx.heartbeat(), HEARTBEAT_MS);
        const onAbort = (): void => {
          cleanup();
          reject(abortError(ctx.signal, "sleep"));
        };
        const cleanup = (): void => {
          clearTimeout(timer);
          clearInterval(beat);
          ctx.signal.removeEventListener("abort", onAbort);
        };
        ctx.signal.addEventListener("abort", onAbort, { once: true });
      });
    },
  });
}
