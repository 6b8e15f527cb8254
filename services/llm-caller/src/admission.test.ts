import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Kvm } from "@nats-io/kv";
import { startJetStream, type JetStreamFixture } from "@cairn/testing";
import { createLogger } from "@cairn/telemetry";
import {
  budgetKey,
  decide,
  emptyState,
  priorityOf,
  serviceOrder,
  settle,
  SLOTS,
  tokensOfFailedCall,
  type AdmissionRequest,
  type Budget,
  type Waiter,
  type WindowState,
} from "./admission.js";
import { AdmissionStore, budgetOf } from "./admission-store.js";

const W = 60_000;
const SLOT = W / SLOTS;
const b: Budget = { tpm: 1000, windowMs: W };
const req = (seq: number, tokens: number, o: Partial<AdmissionRequest> = {}): AdmissionRequest => ({
  seq,
  tokens,
  tenant: "",
  priority: 0,
  ...o,
});

describe("decide: the sliding window", () => {
  it("admits calls while the window has room, then delays the next until enough of it has left", () => {
    let s = emptyState();
    for (let i = 1; i <= 4; i++) {
      const d = decide(s, req(i, 250), b, 1000);
      expect(d.admit).toBe(true);
      s = d.state;
    }
    const d = decide(s, req(5, 250), b, 2000);
    expect(d.admit).toBe(false);
    if (d.admit) return;
    // the charges of slot 1000 count until the slot's end plus the window
    expect(2000 + d.delayMs).toBe(1000 + SLOT + W);
    expect(d.state.waiting["5"]?.due).toBe(1000 + SLOT + W);
    expect(decide(d.state, req(5, 250), b, 1000 + SLOT + W).admit).toBe(true);
  });

  it("never lets a window-long span hold more than the budget, whatever the arrivals", () => {
    // Calls arrive at random; one told to wait asks again when due (as JetStream redelivers), time only goes forward.
    let s = emptyState();
    const admitted: [at: number, tokens: number][] = [];
    let seed = 7;
    const rand = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    const events: { at: number; r: AdmissionRequest }[] = [];
    let t = 0;
    for (let seq = 1; seq <= 300; seq++) {
      t += Math.floor(rand() * 400);
      events.push({ at: t, r: req(seq, 20 + Math.floor(rand() * 120), { tenant: rand() < 0.5 ? "a" : "b" }) });
    }
    while (events.length > 0) {
      events.sort((x, y) => x.at - y.at || x.r.seq - y.r.seq);
      const e = events.shift()!;
      const d = decide(s, e.r, b, e.at);
      s = d.state;
      if (d.admit) admitted.push([e.at, e.r.tokens]);
      else events.push({ at: e.at + d.delayMs, r: e.r });
    }
    expect(admitted).toHaveLength(300);
    for (const [start] of admitted) {
      const inSpan = admitted.filter(([at]) => at >= start && at < start + W).reduce((n, [, k]) => n + k, 0);
      expect(inSpan).toBeLessThanOrEqual(b.tpm!);
    }
    // and the budget is used: the 300 calls took little more than their tokens' worth of windows
    const total = admitted.reduce((n, [, k]) => n + k, 0);
    const span = admitted[admitted.length - 1]![0] - admitted[0]![0];
    expect(span).toBeLessThan((total / b.tpm! + 2) * (W + SLOT));
  });

  it("counts a call's waits, across a retry that waits again, so that no wait is taken for an attempt", () => {
    let s = decide(emptyState(), req(1, 1000), b, 0).state;
    const w1 = decide(s, req(2, 100), b, 10);
    const w2 = decide(w1.state, req(2, 100), b, 20);
    expect(w2.state.waiting["2"]?.waits).toBe(2);
    const a = decide(w2.state, req(2, 100), b, SLOT + W);
    if (!a.admit) throw new Error("not admitted");
    expect(a.waits).toBe(2);
    // the call failed and is retried: it waits once more, then is admitted with 3 waits behind it
    s = decide(a.state, req(3, 1000, { force: true }), b, SLOT + W + 1).state;
    const w3 = decide(s, req(2, 100), b, 2 * SLOT + W);
    expect(w3.admit).toBe(false);
    expect(w3.state.admitted?.["2"]).toBeUndefined();
    const again = decide(w3.state, req(2, 100), b, 3 * SLOT + 2 * W);
    expect(again.admit && again.waits).toBe(3);
    // forgotten a while after (past a retry's backoff)
    expect(decide(again.state, req(9, 1), b, 3 * SLOT + 5 * W + 60_000).state.admitted).toBeUndefined();
  });

  it("admits a call larger than the whole budget alone, into an empty window", () => {
    const d = decide(emptyState(), req(1, 5000), b, 0);
    expect(d.admit).toBe(true);
    const next = decide(d.state, req(2, 1), b, 1);
    expect(next.admit).toBe(false);
  });

  it("counts requests per window too", () => {
    const rb: Budget = { rpm: 2, windowMs: W };
    let s = decide(emptyState(), req(1, 1), rb, 0).state;
    s = decide(s, req(2, 1), rb, 0).state;
    expect(decide(s, req(3, 1), rb, 0).admit).toBe(false);
  });

  it("admits a command near its last delivery over the budget (force)", () => {
    const s = decide(emptyState(), req(1, 1000), b, 0).state;
    expect(decide(s, req(2, 10, { force: true }), b, 1).admit).toBe(true);
  });
});

describe("settle", () => {
  it("replaces the estimate by the usage the provider reported", () => {
    const d = decide(emptyState(), req(1, 900), b, 0);
    if (!d.admit) throw new Error("not admitted");
    expect(decide(d.state, req(2, 200), b, 10).admit).toBe(false);
    const s = settle(d.state, d.reservation, 100, {}, b, 20);
    expect(s.slots).toEqual([{ at: 0, tokens: 100, requests: 1, tenants: { "": 100 } }]);
    expect(decide(s, req(2, 200), b, 30).admit).toBe(true);
  });

  it("charges a call from when it ended: it counts until its end's slot leaves the window", () => {
    // admitted at 0, the provider saw it some time later, it ended at 20 s: a provider-side minute
    // from its arrival reaches past 60 s, so it must still count there
    const d = decide(emptyState(), req(1, 1000), b, 0);
    if (!d.admit) throw new Error("not admitted");
    const s = settle(d.state, d.reservation, 1000, {}, b, 20_000);
    expect(s.slots).toEqual([{ at: 20_000, tokens: 1000, requests: 1, tenants: { "": 1000 } }]);
    expect(decide(s, req(2, 10), b, SLOT + W).admit).toBe(false);
    expect(decide(s, req(2, 10), b, 20_000 + SLOT + W).admit).toBe(true);
    // a call that ran longer than the window: its reservation already left; its usage counts from its end
    const late = settle(d.state, d.reservation, 500, {}, b, 2 * W);
    expect(late.slots).toEqual([{ at: 2 * W, tokens: 500, requests: 1, tenants: { "": 500 } }]);
  });

  it("charges from `chargedAt` when given (never before the admission's slot, never after now)", () => {
    const d = decide(emptyState(), req(1, 1000), b, 0);
    if (!d.admit) throw new Error("not admitted");
    expect(settle(d.state, d.reservation, 900, {}, b, 20_000, 3_500).slots).toEqual([
      { at: 3_000, tokens: 900, requests: 1, tenants: { "": 900 } },
    ]);
    expect(settle(d.state, d.reservation, 900, {}, b, 20_000, -5_000).slots[0]?.at).toBe(0);
    expect(settle(d.state, d.reservation, 900, {}, b, 20_000, 90_000).slots[0]?.at).toBe(20_000);
  });

  it("settles a call the provider refused with 0, one that failed otherwise with its estimate", () => {
    const r = { slot: 0, tokens: 300, tenant: "" };
    const http = (status: number) => Object.assign(new Error(`HTTP ${status}`), { status });
    expect(tokensOfFailedCall(http(429), r)).toBe(0);
    expect(tokensOfFailedCall(http(400), r)).toBe(0);
    expect(tokensOfFailedCall(http(500), r)).toBe(300);
    expect(tokensOfFailedCall(new Error("The operation was aborted due to timeout"), r)).toBe(300);
    expect(tokensOfFailedCall(null, r)).toBe(300);
  });

  it("does not count the reporting call's own charge against what the provider says is left", () => {
    const d = decide(emptyState(), req(1, 100), b, 0);
    if (!d.admit) throw new Error("not admitted");
    // the provider answered this call at 500 ms and says 250 are left (after counting it)
    const s = settle(d.state, d.reservation, 100, { tokens: { remaining: 250, resetMs: 10_000 } }, b, 500);
    expect(s.learned?.tokens).toMatchObject({ remaining: 250, baseline: 100 });
    expect(decide(s, req(2, 200), b, 600).admit).toBe(true);
    expect(decide(s, req(2, 300), b, 600).admit).toBe(false);
  });

  it("lets an unsettled reservation (its llm-caller was killed) leave the window with its slot: no budget leaks", () => {
    const d = decide(emptyState(), req(1, 1000), b, 0);
    expect(decide(d.state, req(2, 10), b, W).admit).toBe(false);
    expect(decide(d.state, req(2, 10), b, SLOT + W).admit).toBe(true);
  });

  it("waits until the provider's reset when its headers say nothing is left", () => {
    const d = decide(emptyState(), req(1, 10), b, 0);
    if (!d.admit) throw new Error("not admitted");
    const s = settle(d.state, d.reservation, 10, { tokens: { remaining: 0, resetMs: 5000 } }, b, 100);
    const w = decide(s, req(2, 10), b, 200);
    expect(w.admit).toBe(false);
    if (!w.admit) expect(200 + w.delayMs).toBe(5100);
    expect(decide(w.state, req(2, 10), b, 5100).admit).toBe(true);
  });

  it("lowers the budget to the provider's limit (per minute, scaled to the window), never raises it", () => {
    const s = settle(emptyState(), undefined, undefined, { tokens: { limit: 300 } }, b, 0);
    const first = decide(s, req(1, 300), b, 1);
    expect(first.admit).toBe(true);
    expect(decide(first.state, req(2, 1), b, 2).admit).toBe(false);
    const high = settle(emptyState(), undefined, undefined, { tokens: { limit: 10_000 } }, b, 0);
    expect(decide(decide(high, req(1, 1000), b, 1).state, req(2, 1), b, 2).admit).toBe(false);
  });
});

describe("fairness and priority", () => {
  const w = (tenant: string, tokens: number, priority = 0): Waiter => ({ tenant, tokens, priority, due: 0 });

  it("serves the tenant that used the least of the window first, interleaving tenants", () => {
    const usage = new Map([["big", 800]]);
    const order = serviceOrder(
      [
        [1, w("big", 100)],
        [2, w("big", 100)],
        [3, w("small", 100)],
        [4, w("small", 100)],
      ],
      usage,
    ).map(([seq]) => seq);
    expect(order).toEqual([3, 4, 1, 2]);
    const even = serviceOrder(
      [
        [1, w("a", 100)],
        [2, w("a", 100)],
        [3, w("b", 100)],
        [4, w("b", 100)],
      ],
      new Map(),
    ).map(([seq]) => seq);
    expect(even).toEqual([1, 3, 2, 4]);
  });

  it("serves a tenant's higher-priority calls first, older first among equals", () => {
    const order = serviceOrder(
      [
        [1, w("a", 100)],
        [2, w("a", 100, 1)],
        [3, w("a", 100, -1)],
        [4, w("a", 100)],
      ],
      new Map(),
    ).map(([seq]) => seq);
    expect(order).toEqual([2, 1, 4, 3]);
  });

  it("makes a tenant over its fair share wait behind another tenant's waiting call", () => {
    // tenant "big" filled the window; "small" asked and waits; big asks again; when room comes, small goes first
    let s = emptyState();
    for (let i = 1; i <= 10; i++) s = decide(s, req(i, 100, { tenant: "big" }), b, 0).state;
    const small = decide(s, req(20, 600, { tenant: "small" }), b, 10);
    if (small.admit) throw new Error("admitted");
    const big = decide(small.state, req(21, 600, { tenant: "big" }), b, 20);
    if (big.admit) throw new Error("admitted");
    const due = 10 + small.delayMs;
    expect(20 + big.delayMs).toBeGreaterThan(due);
    // at the release, big's call asking first is not served: small's is
    expect(decide(big.state, req(21, 600, { tenant: "big" }), b, due).admit).toBe(false);
    expect(decide(big.state, req(20, 600, { tenant: "small" }), b, due).admit).toBe(true);
  });
});

describe("names", () => {
  it("reads a run's priority from its metadata", () => {
    expect(priorityOf({ priority: "high" })).toBe(1);
    expect(priorityOf({ priority: "low" })).toBe(-1);
    expect(priorityOf({ priority: "3" })).toBe(3);
    expect(priorityOf({ priority: "urgent!" })).toBe(0);
    expect(priorityOf(undefined)).toBe(0);
  });

  it("makes a KV key of any model name", () => {
    expect(budgetKey("openai", "gpt-4o", "k1")).toBe("openai.gpt-4o.k1");
    expect(budgetKey("ollama", "llama3.1:8b", "nokey")).toBe("ollama.llama3=2e1=3a8b.nokey");
  });

  it("takes a model's budget from its endpoint, a model entry winning; none without limits", () => {
    const e = {
      type: "openai" as const,
      apiKey: "sk-1",
      maxOutputTokens: 64,
      limits: { tpm: 100, rpm: 5, models: { mini: { tpm: 1000 } } },
    };
    expect(budgetOf("openai", e, "mini")).toMatchObject({
      budget: { tpm: 1000, rpm: 5, windowMs: 60_000 },
      defaultOutputTokens: 64,
    });
    expect(budgetOf("openai", { ...e, limits: { ...e.limits, outputTokens: 10 } }, "mini")?.outputTokens).toBe(10);
    expect(budgetOf("openai", e, "big")?.budget.tpm).toBe(100);
    expect(budgetOf("openai", e, "big")?.key).not.toContain("sk-1");
    expect(budgetOf("openai", { type: "openai" }, "big")).toBeUndefined();
  });
});

describe("AdmissionStore on a real KV bucket", () => {
  let f: JetStreamFixture;
  beforeAll(async () => {
    f = await startJetStream();
  });
  afterAll(async () => {
    await f?.stop();
  });

  it("keeps the budget with many stores reserving at once (compare-and-set)", async () => {
    const kv = await new Kvm(f.nc).create("ADM_test", { history: 1 });
    const log = createLogger({ service: "test", level: "silent" });
    const stores = [0, 1, 2, 3].map(() => new AdmissionStore(kv, { now: () => 1000, log }));
    const mb = { key: "p.m.k", budget: { tpm: 1000, windowMs: W }, defaultOutputTokens: 0 };
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) => stores[i % 4]!.reserve(mb, req(i + 1, 100, { tenant: `t${i % 3}` }))),
    );
    expect(results.filter((r) => r.admit)).toHaveLength(10);
    const state = (await kv.get("p.m.k"))!.json<WindowState>();
    expect(state.slots.reduce((n, s) => n + s.tokens, 0)).toBe(1000);
    expect(Object.keys(state.waiting)).toHaveLength(10);
    const admitted = results.find((r) => r.admit);
    if (!admitted?.admit) throw new Error("none admitted");
    await stores[0]!.settle(mb, admitted.reservation, 40, {});
    expect((await kv.get("p.m.k"))!.json<WindowState>().slots.reduce((n, s) => n + s.tokens, 0)).toBe(940);
  });

  it("reads a budget value that is not a state (written by hand) as an empty one, and writes over it", async () => {
    const kv = await new Kvm(f.nc).create("ADM_bad", { history: 1 });
    const log = createLogger({ service: "test", level: "silent" });
    const store = new AdmissionStore(kv, { now: () => 1000, log });
    const mb = { key: "p.m.k", budget: { tpm: 1000, windowMs: W }, defaultOutputTokens: 0 };
    for (const bad of ["", "not json", "null", '{"v":1,"slots":[],"waiting":null}']) {
      await kv.put("p.m.k", bad);
      await expect(store.reserve(mb, req(1, 100))).resolves.toMatchObject({ admit: true });
      expect((await kv.get("p.m.k"))!.json<WindowState>().slots).toHaveLength(1);
    }
  });

  it("applies one process's changes asked at once in one write, in the order asked", async () => {
    const kv = await new Kvm(f.nc).create("ADM_batch", { history: 1 });
    const log = createLogger({ service: "test", level: "silent" });
    let writes = 0;
    const counted = {
      get: (k: string) => kv.get(k),
      create: (k: string, d: string) => (writes++, kv.create(k, d)),
      update: (k: string, d: string, v: number) => (writes++, kv.update(k, d, v)),
    };
    const store = new AdmissionStore(counted, { now: () => 1000, log });
    const mb = { key: "p.m.k", budget: { tpm: 1000, windowMs: W }, defaultOutputTokens: 0 };
    const results = await Promise.all(Array.from({ length: 30 }, (_, i) => store.reserve(mb, req(i + 1, 100))));
    // the first change is written alone (nothing was queued before it), the other 29 together
    expect(writes).toBe(2);
    expect(results.map((r) => r.admit)).toEqual(Array.from({ length: 30 }, (_, i) => i < 10));
    const state = (await kv.get("p.m.k"))!.json<WindowState>();
    expect(state.slots.reduce((n, s) => n + s.tokens, 0)).toBe(1000);
    expect(
      Object.keys(state.waiting)
        .map(Number)
        .sort((x, y) => x - y),
    ).toEqual(Array.from({ length: 20 }, (_, i) => i + 11));
  });
});
