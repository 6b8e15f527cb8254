import type { Service, ServiceStats } from "@nats-io/services";

/** One request being served: `done` once it is answered (with the error message, if the answer was an error). */
export interface RequestTiming {
  done(error?: string): void;
}

interface Counts {
  requests: number;
  errors: number;
  lastError: string;
  nanos: bigint;
}

/**
 * The `$SRV.STATS` numbers of the service's endpoints, counted by the planner from receipt to
 * answer. @nats-io/services times a handler only until it returns — for the planner's handlers,
 * which answer asynchronously, that is the time to start reading a request — and counts as errors
 * only handlers that throw, never an answer sent with `respondError`. So the service's `stats()`
 * (what its `$SRV.STATS` handler answers) reports these counts instead, and `reset()` clears them.
 */
export function trackEndpointStats(svc: Service): { begin(endpoint: string): RequestTiming } {
  const counts = new Map<string, Counts>();
  const libraryStats = svc.stats.bind(svc);
  const libraryReset = svc.reset.bind(svc);
  svc.stats = async (): Promise<ServiceStats> => {
    const s = await libraryStats();
    for (const e of s.endpoints ?? []) {
      const c = counts.get(e.name) ?? { requests: 0, errors: 0, lastError: "", nanos: 0n };
      e.num_requests = c.requests;
      e.num_errors = c.errors;
      e.last_error = c.lastError;
      e.processing_time = Number(c.nanos);
      e.average_processing_time = c.requests ? Math.trunc(Number(c.nanos) / c.requests) : 0;
    }
    return s;
  };
  svc.reset = (): void => {
    libraryReset();
    counts.clear();
  };
  return {
    begin(endpoint) {
      const start = process.hrtime.bigint();
      let finished = false;
      return {
        done(error) {
          if (finished) return;
          finished = true;
          let c = counts.get(endpoint);
          if (!c) counts.set(endpoint, (c = { requests: 0, errors: 0, lastError: "", nanos: 0n }));
          c.requests++;
          c.nanos += process.hrtime.bigint() - start;
          if (error !== undefined) {
            c.errors++;
            c.lastError = error;
          }
        },
      };
    },
  };
}
