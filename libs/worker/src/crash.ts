import type { Logger } from "@cairn/telemetry";

/** Places in a step where a test can make a service die with SIGKILL on purpose. */
export type CrashPoint = "after-receive" | "after-llm" | "after-effect" | "after-publish" | "after-ack";

/**
 * FOR TESTS ONLY. `CAIRN_CRASH_AT=<point>[:<n>]` makes the process SIGKILL itself the n-th time
 * (default 1st) it reaches `point`, so chaos tests hit each crash window deterministically.
 */
export class CrashPoints {
  private readonly point: string | undefined;
  private readonly nth: number;
  private count = 0;

  constructor(
    spec: string | undefined,
    private readonly log?: Logger,
  ) {
    if (!spec) {
      this.nth = 0;
      return;
    }
    const [p, n] = spec.split(":");
    this.point = p;
    this.nth = n ? Number(n) : 1;
  }

  hit(point: CrashPoint, subject?: string): void {
    if (this.point !== point) return;
    this.count++;
    if (this.count === this.nth) {
      this.log?.warn({ crashPoint: point, subject }, "CAIRN_CRASH_AT reached: SIGKILL self (test crash point)");
      process.kill(process.pid, "SIGKILL");
    }
  }
}
