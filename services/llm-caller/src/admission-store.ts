import { createHash } from "node:crypto";
import type { Endpoint } from "@cairn/providers";
import type { Logger } from "@cairn/telemetry";
import {
  budgetKey,
  decide,
  emptyState,
  settle,
  type AdmissionRequest,
  type Budget,
  type HeaderInfo,
  type Reservation,
  type WindowState,
} from "./admission.js";

/** The KV bucket as the store uses it (the @nats-io/kv KV: get, create, update with the expected revision). */
export interface AdmissionKv {
  get(k: string): Promise<{ revision: number; operation: string; json<T>(): T } | null>;
  create(k: string, data: string): Promise<number>;
  update(k: string, data: string, version: number): Promise<number>;
}

/** Thrown when a budget's state could not be written after many compare-and-set conflicts; retryable. */
export class AdmissionContendedError extends Error {
  override readonly name = "AdmissionContendedError";
  readonly retryable = true;
  readonly kind = "admission_contended";
}

/** One model's budget of one endpoint: its KV key, and how much it allows. */
export interface ModelBudget {
  key: string;
  budget: Budget;
  /** Output tokens reserved per call before its usage is known, when the limits say (they win over the call's maxOutputTokens). */
  outputTokens?: number;
  /** Reserved when neither the limits nor the call say: the endpoint's maxOutputTokens, else 512. */
  defaultOutputTokens: number;
}

/** The budget of `model` at endpoint `provider`, or undefined when the endpoint has no `limits` (no admission). */
export function budgetOf(provider: string, e: Endpoint, model: string): ModelBudget | undefined {
  const l = e.limits;
  if (!l) return undefined;
  const m = l.models?.[model];
  const budget: Budget = { windowMs: l.windowMs ?? 60_000 };
  const tpm = m?.tpm ?? l.tpm;
  const rpm = m?.rpm ?? l.rpm;
  if (tpm !== undefined) budget.tpm = tpm;
  if (rpm !== undefined) budget.rpm = rpm;
  // The key's id, never the key: two endpoints with the same key and model share one budget, as the provider counts it.
  const keyId = e.apiKey ? createHash("sha256").update(e.apiKey).digest("hex").slice(0, 16) : "nokey";
  return {
    key: budgetKey(provider, model, keyId),
    budget,
    ...(l.outputTokens !== undefined ? { outputTokens: l.outputTokens } : {}),
    defaultOutputTokens: e.maxOutputTokens ?? 512,
  };
}

const isConflict = (err: unknown): boolean => {
  const code = (err as { code?: unknown } | null)?.code;
  return code === 10071 || /wrong last sequence/i.test((err as Error | null)?.message ?? "");
};

/** A budget's state as stored; an empty one for a value that is missing, deleted or not a state (a value written by hand). */
function readState(e: Awaited<ReturnType<AdmissionKv["get"]>>): WindowState {
  if (!e || e.operation !== "PUT") return emptyState();
  let v: WindowState | undefined;
  try {
    v = e.json<WindowState>();
  } catch {
    return emptyState();
  }
  const valid =
    typeof v === "object" &&
    v !== null &&
    v.v === 1 &&
    Array.isArray(v.slots) &&
    typeof v.waiting === "object" &&
    v.waiting !== null;
  return valid ? v : emptyState();
}

/** A change waiting for its budget's next write. */
interface Op {
  step(s: WindowState, now: number): { state: WindowState; out: unknown };
  resolve(out: unknown): void;
  reject(err: unknown): void;
}

/**
 * The budgets' states in a KV bucket shared by every llm-caller: each change is a read, the pure
 * step (admission.ts), and a compare-and-set write (create for a new key, update with the
 * revision read); on a conflict it reads again. The changes one process asks for at once are
 * applied together, in the order asked, in one write per budget: the writers that contend for a
 * budget's value are the processes, not their calls in flight.
 */
export class AdmissionStore {
  /** Per budget key: changes waiting for the next write, and whether a write is under way. */
  private readonly queued = new Map<string, Op[]>();
  private readonly writing = new Set<string>();

  constructor(
    private readonly kv: AdmissionKv,
    private readonly o: { now(): number; log: Logger; maxTries?: number },
  ) {}

  private change<T>(key: string, step: (s: WindowState, now: number) => { state: WindowState; out: T }): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const list = this.queued.get(key) ?? [];
      list.push({ step, resolve, reject });
      this.queued.set(key, list);
      if (!this.writing.has(key)) void this.drain(key);
    });
  }

  /** Writes the key's queued changes, a batch at a time, until none are left. */
  private async drain(key: string): Promise<void> {
    this.writing.add(key);
    try {
      for (let batch = this.queued.get(key); batch && batch.length > 0; batch = this.queued.get(key)) {
        this.queued.delete(key);
        // write() answers every change of its batch when its write lands; when it throws (a read or
        // a write failed, or too many conflicts), every change of the batch gets that error
        await this.write(key, batch).catch((err: unknown) => {
          for (const op of batch) op.reject(err);
        });
      }
    } finally {
      this.writing.delete(key);
    }
  }

  private async write(key: string, batch: Op[]): Promise<void> {
    const tries = this.o.maxTries ?? 50;
    for (let i = 0; i < tries; i++) {
      const e = await this.kv.get(key);
      let state = readState(e);
      const now = this.o.now();
      const outs: { ok: boolean; value: unknown }[] = [];
      for (const op of batch) {
        try {
          const r = op.step(state, now);
          state = r.state;
          outs.push({ ok: true, value: r.out });
        } catch (err) {
          outs.push({ ok: false, value: err });
        }
      }
      try {
        if (e) await this.kv.update(key, JSON.stringify(state), e.revision);
        else await this.kv.create(key, JSON.stringify(state));
        batch.forEach((op, j) => (outs[j]!.ok ? op.resolve(outs[j]!.value) : op.reject(outs[j]!.value)));
        return;
      } catch (err) {
        if (!isConflict(err)) throw err;
        // another llm-caller changed it first: read again (a short random pause spreads the retries)
        await new Promise((r) => setTimeout(r, Math.random() * Math.min(50, 2 * (i + 1))));
      }
    }
    throw new AdmissionContendedError(`admission state ${key}: ${tries} compare-and-set conflicts in a row`);
  }

  /** Admits the call (its reservation) or says how long it must wait. */
  reserve(
    b: ModelBudget,
    req: AdmissionRequest,
  ): Promise<
    { admit: true; reservation: Reservation; waits: number } | { admit: false; delayMs: number; reason: string }
  > {
    return this.change(b.key, (s, now) => {
      const d = decide(s, req, b.budget, now);
      return {
        state: d.state,
        out: d.admit
          ? { admit: true as const, reservation: d.reservation, waits: d.waits }
          : { admit: false as const, delayMs: d.delayMs, reason: d.reason },
      };
    });
  }

  /**
   * Settles an admitted call with the tokens it used (0: the provider refused it), charged from
   * `chargedAt` (default: now), and what the provider's headers said.
   */
  async settle(
    b: ModelBudget,
    r: Reservation,
    usedTokens: number,
    headers: HeaderInfo,
    chargedAt?: number,
  ): Promise<void> {
    await this.change(b.key, (s, now) => ({
      state: settle(s, r, usedTokens, headers, b.budget, now, chargedAt),
      out: undefined,
    }));
  }
}
