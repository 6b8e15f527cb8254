/**
 * Token-aware admission to model providers: the window and fairness arithmetic, pure (no NATS, no
 * clock). The KV-backed store (admission-store.ts) reads a budget's {@link WindowState}, asks
 * {@link decide} or {@link settle} for the next state, and writes it back with compare-and-set.
 *
 * - A budget (provider, model, API key) counts tokens and requests in a sliding window of
 *   `windowMs` cut into 60 slots. A charge in a slot counts until that slot's end plus the window,
 *   so no window-long span ever holds more than the budget (the conservative side of the slot).
 * - A call reserves its estimate (prompt + reserved output) when admitted; its settlement moves
 *   its charge to the slot of a time by which the provider surely had the request (the handler's
 *   `chargedAt`: a second after it was sent, or its end if sooner), with the usage the provider
 *   reported instead of the estimate. A provider counts a call when it arrives, which is after
 *   its admission by a lag that varies (a loaded machine, a slow network); charged from then, the
 *   call counts in every window-long span that its arrival is in, so no provider-side span holds
 *   more than the budget either (a call still in flight counts at its estimate). A caller that dies before
 *   settling leaves its estimate, which leaves the window with its admission's slot: nothing leaks.
 * - A call that does not fit is handed back to JetStream (a nak with the returned delay) and listed
 *   as waiting. Waiting calls are served in one order, fair across tenants: each tenant's waiting
 *   calls (higher priority first, then oldest command first) are given a virtual time, the tenant's
 *   tokens in the window plus its calls ahead and the call itself; the lowest virtual time goes
 *   first. A tenant over its fair share of the window thus waits behind the others. Each call's
 *   delay is when the window, with everyone ahead of it projected in, has room for it.
 * - The provider's headers (remaining tokens or requests until a reset) cap the budget until the
 *   reset; their limit lowers it (never raises it).
 */

/** A budget as configured: requests and tokens per window. */
export interface Budget {
  rpm?: number;
  tpm?: number;
  windowMs: number;
}

/** What the provider's headers last said of a budget. */
export interface Learned {
  /** Its limit per minute. */
  limit?: number;
  /** Left at `at`, until `resetAt`. */
  remaining?: number;
  resetAt?: number;
  at: number;
  /**
   * What the window held from `at`'s slot on when `remaining` was learned (the reporting call's
   * own charge among it): the provider counted it already, so it is not counted against `remaining` again.
   */
  baseline?: number;
}

/** One slot of the window: what was charged in it, in all and by tenant ("" is the deployment's own account). */
export interface Slot {
  at: number;
  tokens: number;
  requests: number;
  tenants: Record<string, number>;
}

/** A call that was handed back to wait, by its command's stream sequence. */
export interface Waiter {
  tokens: number;
  tenant: string;
  priority: number;
  /** When it was told to come back. */
  due: number;
  /** How many times it was told to wait, this time included. */
  waits?: number;
}

/** A budget's state, one KV value. */
export interface WindowState {
  v: 1;
  slots: Slot[];
  waiting: Record<string, Waiter>;
  /**
   * Calls admitted after waiting, by sequence: how often they waited (so that a wait never counts
   * as one of the call's attempts, even across a retry that waits again), kept a while.
   */
  admitted?: Record<string, { waits: number; at: number }>;
  learned?: { tokens?: Learned; requests?: Learned };
}

/** One call asking for admission. */
export interface AdmissionRequest {
  /** The command's stream sequence: the same across redeliveries, and its age (lower is older). */
  seq: number;
  /** Estimated tokens of the call (prompt + output reserved). */
  tokens: number;
  tenant: string;
  /** Higher is served first among a tenant's waiting calls (0 normal). */
  priority: number;
  /** Admit even over the budget (a command about to run out of deliveries). */
  force?: boolean;
}

/** What was reserved for an admitted call, to settle it. */
export interface Reservation {
  slot: number;
  tokens: number;
  tenant: string;
}

export type Decision =
  | {
      admit: true;
      state: WindowState;
      reservation: Reservation;
      /** How many deliveries of the command so far were waits (not attempts of the call). */
      waits: number;
    }
  | { admit: false; state: WindowState; delayMs: number; reason: string };

/** The slots of a window. */
export const SLOTS = 60;

export const emptyState = (): WindowState => ({ v: 1, slots: [], waiting: {} });

const slotMsOf = (b: Budget): number => Math.max(1, Math.floor(b.windowMs / SLOTS));
const slotOf = (t: number, slotMs: number): number => Math.floor(t / slotMs) * slotMs;
/** When a charge made in slot `at` leaves the window. */
const releaseOf = (at: number, b: Budget): number => at + slotMsOf(b) + b.windowMs;

/** How long a waiter that did not come back is kept after it was due. */
export const waiterGrace = (b: Budget): number => Math.min(b.windowMs, 10_000);

/** How long an admitted call's count of waits is kept (past a retry's backoff, which is at most a minute). */
export const admittedKeep = (b: Budget): number => 2 * b.windowMs + 60_000;

/** The budget's tokens per window now: the configured one, lowered by the provider's limit (a per-minute figure, scaled to the window). */
export function tokenLimit(state: WindowState, b: Budget): number | undefined {
  const learned = state.learned?.tokens?.limit;
  const scaled = learned !== undefined ? Math.floor((learned * b.windowMs) / 60_000) : undefined;
  if (b.tpm === undefined) return scaled;
  return scaled === undefined ? b.tpm : Math.min(b.tpm, Math.max(1, scaled));
}

/** The budget's requests per window now. */
export function requestLimit(state: WindowState, b: Budget): number | undefined {
  const learned = state.learned?.requests?.limit;
  const scaled = learned !== undefined ? Math.floor((learned * b.windowMs) / 60_000) : undefined;
  if (b.rpm === undefined) return scaled;
  return scaled === undefined ? b.rpm : Math.min(b.rpm, Math.max(1, scaled));
}

/** `o` without its field `k`. */
function without<T extends object, K extends keyof T>(o: T, k: K): Omit<T, K> {
  const { [k]: _drop, ...rest } = o;
  return rest;
}

/** The state without what no longer counts at `now`: slots out of the window, waiters long overdue, headers past their reset. */
export function prune(state: WindowState, b: Budget, now: number): WindowState {
  const waiting: Record<string, Waiter> = {};
  for (const [k, w] of Object.entries(state.waiting)) if (w.due + waiterGrace(b) > now) waiting[k] = w;
  const out: WindowState = { v: 1, slots: state.slots.filter((s) => releaseOf(s.at, b) > now), waiting };
  const admitted = Object.entries(state.admitted ?? {}).filter(([, a]) => a.at + admittedKeep(b) > now);
  if (admitted.length > 0) out.admitted = Object.fromEntries(admitted);
  const keep = (l: Learned | undefined): Learned | undefined => {
    if (!l) return undefined;
    // a limit stays known for a while (10 windows); remaining only until its reset
    if (l.resetAt !== undefined && l.resetAt <= now) {
      if (l.limit === undefined || l.at + 10 * b.windowMs <= now) return undefined;
      return { limit: l.limit, at: l.at };
    }
    return l;
  };
  const tokens = keep(state.learned?.tokens);
  const requests = keep(state.learned?.requests);
  if (tokens || requests) out.learned = { ...(tokens ? { tokens } : {}), ...(requests ? { requests } : {}) };
  return out;
}

/** A charge in the window: real (a slot) or projected (a waiter served ahead). */
interface Charge {
  at: number;
  tokens: number;
  requests: number;
}

/**
 * When each call of `order` is served, in turn, until `target`: each at the earliest time (not
 * before the one ahead of it) at which the window, with the calls ahead projected in, has room for
 * it (or is empty: a call larger than the budget goes alone), and what the provider said is left
 * allows it. Time only moves forward and charges leave in the order they came, so one pass over a
 * queue does it.
 */
function projectedTime(s: WindowState, b: Budget, now: number, order: [number, Waiter][], target: number): number {
  const slotMs = slotMsOf(b);
  const tpm = tokenLimit(s, b);
  const rpm = requestLimit(s, b);
  const lt = s.learned?.tokens;
  const lr = s.learned?.requests;
  const active: Charge[] = s.slots
    .map((x) => ({ at: x.at, tokens: x.tokens, requests: x.requests }))
    .sort((x, y) => x.at - y.at);
  let head = 0;
  let tokens = 0;
  let requests = 0;
  let sinceT = 0;
  let sinceR = 0;
  for (const c of active) {
    tokens += c.tokens;
    requests += c.requests;
    if (lt && c.at >= slotOf(lt.at, slotMs)) sinceT += c.tokens;
    if (lr && c.at >= slotOf(lr.at, slotMs)) sinceR += c.requests;
  }
  sinceT = Math.max(0, sinceT - (lt?.baseline ?? 0));
  sinceR = Math.max(0, sinceR - (lr?.baseline ?? 0));
  let t = now;
  const advance = (to: number) => {
    t = Math.max(t, to);
    while (head < active.length && releaseOf(active[head]!.at, b) <= t) {
      tokens -= active[head]!.tokens;
      requests -= active[head]!.requests;
      head++;
    }
  };
  advance(now);
  for (const [seq, w] of order) {
    for (;;) {
      const empty = head >= active.length;
      const full =
        !empty && ((tpm !== undefined && tokens + w.tokens > tpm) || (rpm !== undefined && requests + 1 > rpm));
      const tokenReset =
        lt?.remaining !== undefined && lt.resetAt !== undefined && t < lt.resetAt && sinceT + w.tokens > lt.remaining
          ? lt.resetAt
          : Infinity;
      const requestReset =
        lr?.remaining !== undefined && lr.resetAt !== undefined && t < lr.resetAt && sinceR + 1 > lr.remaining
          ? lr.resetAt
          : Infinity;
      if (!full && tokenReset === Infinity && requestReset === Infinity) break;
      // wait for the first thing that could make room: a charge leaving, or the provider's reset
      advance(Math.min(full ? releaseOf(active[head]!.at, b) : Infinity, tokenReset, requestReset));
    }
    if (seq === target) return t;
    active.push({ at: slotOf(t, slotMs), tokens: w.tokens, requests: 1 });
    tokens += w.tokens;
    requests += 1;
    sinceT += w.tokens;
    sinceR += 1;
  }
  return t;
}

/**
 * `slots` (not changed) with `tokens` and `requests` added to the slot at `at` (made when missing),
 * in all and for `tenant`; never below 0.
 */
function charged(slots: Slot[], at: number, tenant: string, tokens: number, requests: number): Slot[] {
  const add = (x: Slot): Slot => ({
    ...x,
    tokens: Math.max(0, x.tokens + tokens),
    requests: Math.max(0, x.requests + requests),
    tenants: { ...x.tenants, [tenant]: Math.max(0, (x.tenants[tenant] ?? 0) + tokens) },
  });
  return slots.some((x) => x.at === at)
    ? slots.map((x) => (x.at === at ? add(x) : x))
    : [...slots, add({ at, tokens: 0, requests: 0, tenants: {} })];
}

/** The tokens each tenant was charged in the window at `now`. */
export function tenantUsage(state: WindowState): Map<string, number> {
  const m = new Map<string, number>();
  for (const s of state.slots) for (const [t, n] of Object.entries(s.tenants)) m.set(t, (m.get(t) ?? 0) + n);
  return m;
}

/**
 * The order in which waiting calls are served: per tenant by priority (higher first) then age; across
 * tenants by virtual time (the tenant's tokens in the window, plus its calls ahead, plus the call).
 */
export function serviceOrder(
  waiting: Iterable<[seq: number, w: Waiter]>,
  usage: Map<string, number>,
): [seq: number, w: Waiter][] {
  const byTenant = new Map<string, [number, Waiter][]>();
  for (const e of waiting) {
    const list = byTenant.get(e[1].tenant) ?? [];
    list.push(e);
    byTenant.set(e[1].tenant, list);
  }
  const ranked: { e: [number, Waiter]; vtime: number }[] = [];
  for (const [tenant, list] of byTenant) {
    list.sort((a, b) => b[1].priority - a[1].priority || a[0] - b[0]);
    let vtime = usage.get(tenant) ?? 0;
    for (const e of list) {
      vtime += e[1].tokens;
      ranked.push({ e, vtime });
    }
  }
  ranked.sort((a, b) => a.vtime - b.vtime || b.e[1].priority - a.e[1].priority || a.e[0] - b.e[0]);
  return ranked.map((r) => r.e);
}

/**
 * Admits `req` now or tells it how long to wait. The waiting calls (and `req`) are put in
 * {@link serviceOrder}; each, in turn, is projected at the earliest time the window has room for it
 * after those ahead; `req` is admitted when its time is now, else it waits until its time.
 */
export function decide(state: WindowState, req: AdmissionRequest, b: Budget, now: number): Decision {
  const s = prune(state, b, now);
  const slotMs = slotMsOf(b);
  const tokens = Math.max(0, Math.ceil(req.tokens));
  const key = String(req.seq);
  const { [key]: self, ...others } = s.waiting;
  const { [key]: before, ...admittedOthers } = s.admitted ?? {};
  const waits = self?.waits ?? before?.waits ?? 0;
  const admit = (): Decision => {
    const at = slotOf(now, slotMs);
    const slots = charged(s.slots, at, req.tenant, tokens, 1);
    const admitted = waits > 0 ? { ...admittedOthers, [key]: { waits, at: now } } : admittedOthers;
    return {
      admit: true,
      state: {
        ...without(s, "admitted"),
        slots,
        waiting: others,
        ...(Object.keys(admitted).length > 0 ? { admitted } : {}),
      },
      reservation: { slot: at, tokens, tenant: req.tenant },
      waits,
    };
  };
  if (req.force) return admit();

  const me: Waiter = { tokens, tenant: req.tenant, priority: req.priority, due: now };
  const order = serviceOrder(
    [...Object.entries(others).map(([k, w]): [number, Waiter] => [Number(k), w]), [req.seq, me]],
    tenantUsage(s),
  );
  const mine = projectedTime(s, b, now, order, req.seq);
  const ahead = order.findIndex(([seq]) => seq === req.seq);
  if (mine <= now) return admit();
  const delayMs = Math.max(1, mine - now);
  return {
    admit: false,
    state: {
      ...without(s, "admitted"),
      waiting: { ...others, [key]: { ...me, due: now + delayMs, waits: waits + 1 } },
      ...(Object.keys(admittedOthers).length > 0 ? { admitted: admittedOthers } : {}),
    },
    delayMs,
    reason: ahead > 0 ? `${ahead} waiting call(s) are served first` : "the window is full",
  };
}

/** What the provider said in a call's answer (see parseRateLimitHeaders in @cairn/providers). */
export interface HeaderInfo {
  tokens?: { limit?: number; remaining?: number; resetMs?: number };
  requests?: { limit?: number; remaining?: number; resetMs?: number };
}

/**
 * Settles an admitted call: its reservation leaves the slot it was charged to (while that slot is
 * in the window) and `usedTokens` with its request are charged to the slot of `chargedAt` (by then
 * the provider had the request: see the handler; never later than `now`), and what the provider's
 * headers said is learned. A call the provider refused settles with 0; one that failed otherwise
 * with its estimate (the provider may have counted it).
 */
export function settle(
  state: WindowState,
  r: Reservation | undefined,
  usedTokens: number | undefined,
  headers: HeaderInfo,
  b: Budget,
  now: number,
  chargedAt: number = now,
): WindowState {
  const s = prune(state, b, now);
  const slotMs = slotMsOf(b);
  if (r && usedTokens !== undefined) {
    const used = Math.max(0, Math.ceil(usedTokens));
    const at = Math.max(r.slot, slotOf(Math.min(chargedAt, now), slotMs));
    // out of the reservation's slot (if still in the window), into the one it is charged from
    const moved = s.slots.some((x) => x.at === r.slot) ? charged(s.slots, r.slot, r.tenant, -r.tokens, -1) : s.slots;
    s.slots = charged(moved, at, r.tenant, used, 1).filter((x) => x.tokens > 0 || x.requests > 0);
  }
  const from = slotOf(now, slotMs);
  const learn = (
    h: HeaderInfo["tokens"],
    old: Learned | undefined,
    counted: (x: Slot) => number,
  ): Learned | undefined => {
    if (!h || (h.limit === undefined && h.remaining === undefined)) return old;
    const l: Learned = { at: now };
    const limit = h.limit ?? old?.limit;
    if (limit !== undefined) l.limit = limit;
    if (h.remaining !== undefined && h.resetMs !== undefined && h.resetMs > 0) {
      l.remaining = h.remaining;
      l.resetAt = now + h.resetMs;
      const baseline = s.slots.filter((x) => x.at >= from).reduce((n, x) => n + counted(x), 0);
      if (baseline > 0) l.baseline = baseline;
    }
    return l;
  };
  const tokens = learn(headers.tokens, s.learned?.tokens, (x) => x.tokens);
  const requests = learn(headers.requests, s.learned?.requests, (x) => x.requests);
  if (tokens || requests) s.learned = { ...(tokens ? { tokens } : {}), ...(requests ? { requests } : {}) };
  return s;
}

/**
 * The tokens a failed call settles with: 0 when the provider refused it (HTTP 4xx, a 429 among
 * them: it counted nothing), else its reservation (a 5xx, a timeout, a cut stream: the provider
 * may have counted the prompt and some output).
 */
export function tokensOfFailedCall(err: unknown, r: Reservation): number {
  const status = (err as { status?: unknown } | null)?.status;
  return typeof status === "number" && status >= 400 && status < 500 ? 0 : r.tokens;
}

/** A run's priority from its metadata (`priority`: "high", "normal", "low" or an integer -9..9); else 0. */
export function priorityOf(metadata: Record<string, string | undefined> | undefined): number {
  const p = metadata?.["priority"]?.trim().toLowerCase();
  if (p === undefined) return 0;
  if (p === "high") return 1;
  if (p === "low") return -1;
  return /^-?\d$/.test(p) ? Number(p) : 0;
}

/** A KV key for a budget: the provider as is, the model with any character a key cannot hold as `=hh`, and the key's id. */
export function budgetKey(provider: string, model: string, keyId: string): string {
  const safe = model.replace(/[^A-Za-z0-9_-]/g, (c) =>
    [...Buffer.from(c)].map((x) => `=${x.toString(16).padStart(2, "0")}`).join(""),
  );
  return `${provider}.${safe || "="}.${keyId}`;
}
