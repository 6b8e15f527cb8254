/**
 * The raw JetStream baseline: the same agent loop written directly on @nats-io/jetstream, with no
 * Cairn code. Three durable pull consumers (planner, llm, tool) on one file stream; every handler
 * publishes its result and waits for the server's ack, then acks the message it handled. The
 * planner decides from the message alone (no history reads), the model answers from the turn
 * number, the tool returns at once: this is the floor Cairn's overhead is measured against. Its
 * worker processes run on the same NATS client settings as Cairn's services (raw-worker.ts), so
 * the floor pays no client cost that Cairn does not.
 *
 * With `loop: "cairn"` the same handlers run on Cairn's own messaging instead — its consume loop
 * (`startConsumer`: pulls only for free slots, one message at a time per run for the planner,
 * heartbeats, settle after the handler) and `appendOnce` — with Cairn's default concurrencies.
 * That is not the floor: it splits Cairn's overhead into what its messaging costs and what its
 * handlers cost (see the benchmark's breakdown scenario).
 */
import {
  AckPolicy,
  DiscardPolicy,
  jetstream,
  jetstreamManager,
  RetentionPolicy,
  StorageType,
  type JetStreamClient,
  type JsMsg,
} from "@nats-io/jetstream";
import type { NatsConnection } from "@nats-io/transport-node";

export type RawRole = "planner" | "llm" | "tool";
export const RAW_ROLES: RawRole[] = ["planner", "llm", "tool"];

export function rawStream(prefix: string): string {
  return `${prefix.toUpperCase()}_RUNS`;
}

const FILTERS: Record<RawRole, (p: string) => string> = {
  planner: (p) => `${p}.run.*.evt.>`,
  llm: (p) => `${p}.run.*.cmd.llm.*`,
  tool: (p) => `${p}.run.*.cmd.tool.*`,
};

/**
 * Creates the stream and the three durable consumers. `writeOnce` gives the stream Cairn's
 * written-once settings (one message per subject, discard new per subject) so the
 * cost of those settings can be told apart from the cost of Cairn's code.
 */
export async function provisionRaw(nc: NatsConnection, prefix: string, writeOnce: boolean): Promise<void> {
  const jsm = await jetstreamManager(nc);
  await jsm.streams.add({
    name: rawStream(prefix),
    subjects: [`${prefix}.run.>`],
    retention: RetentionPolicy.Limits,
    storage: StorageType.File,
    num_replicas: 1,
    allow_direct: true,
    ...(writeOnce ? { max_msgs_per_subject: 1, discard: DiscardPolicy.New, discard_new_per_subject: true } : {}),
  });
  for (const role of RAW_ROLES) {
    await jsm.consumers.add(rawStream(prefix), {
      durable_name: role,
      ack_policy: AckPolicy.Explicit,
      filter_subject: FILTERS[role](prefix),
      ack_wait: 10_000_000_000,
      max_deliver: 20,
      max_ack_pending: 10_000,
    });
  }
}

const enc = new TextEncoder();
const dec = new TextDecoder();

interface RawCommand {
  runId: string;
  turn: number;
  /** Tool-calling turns in the run; turn `turns + 1` answers. */
  turns: number;
}

/** The outputs (subject, payload) a role publishes for one message, or none. */
export function rawStep(
  role: RawRole,
  prefix: string,
  subject: string,
  data: Uint8Array,
): { subject: string; data: Uint8Array } | undefined {
  // <p>.run.<id>.<evt|cmd>.<kind>[.<turn>] — the prefix has no dots.
  const t = subject.split(".");
  const runId = t[2]!;
  const kind = t[4]!;
  const m = JSON.parse(dec.decode(data)) as RawCommand & { toolCalls?: unknown[] };
  const base = `${prefix}.run.${runId}`;
  const out = (s: string, v: unknown) => ({ subject: `${base}.${s}`, data: enc.encode(JSON.stringify(v)) });
  switch (role) {
    case "planner":
      if (kind === "submitted") return out("cmd.llm.1", { runId, turn: 1, turns: m.turns });
      if (kind === "llm") {
        if (m.toolCalls?.length)
          return out(`cmd.tool.${m.turn}`, {
            runId,
            turn: m.turn,
            turns: m.turns,
            tool: "noop",
            arguments: `{"i":${m.turn}}`,
          });
        return out("evt.ended", { runId, status: "completed", turns: m.turn });
      }
      if (kind === "tool") return out(`cmd.llm.${m.turn + 1}`, { runId, turn: m.turn + 1, turns: m.turns });
      return undefined;
    case "llm":
      if (m.turn <= m.turns) {
        return out(`evt.llm.${m.turn}`, {
          runId,
          turn: m.turn,
          turns: m.turns,
          content: "step",
          toolCalls: [{ id: `call_${m.turn}_0`, name: "noop", arguments: `{"i":${m.turn}}` }],
        });
      }
      return out(`evt.llm.${m.turn}`, { runId, turn: m.turn, turns: m.turns, content: "done", toolCalls: [] });
    case "tool":
      return out(`evt.tool.${m.turn}`, { runId, turn: m.turn, turns: m.turns, ok: true, output: `ok ${m.turn}` });
  }
}

/** Cairn's default concurrency per service (CAIRN_PLANNER_CONCURRENCY, CAIRN_LLM_CONCURRENCY, CAIRN_TOOL_CONCURRENCY). */
const CAIRN_CONCURRENCY: Record<RawRole, number> = { planner: 64, llm: 32, tool: 16 };

/** The raw handlers on Cairn's consume loop and appendOnce (loop "cairn"). */
async function startOnCairnLoop(
  js: JetStreamClient,
  prefix: string,
  role: RawRole,
): Promise<{ close(): Promise<void> }> {
  const { appendOnce, startConsumer } = await import("@cairn/bus");
  const { createLogger } = await import("@cairn/telemetry");
  const c = await startConsumer({
    js,
    stream: rawStream(prefix),
    durable: role,
    concurrency: CAIRN_CONCURRENCY[role],
    ackWaitMs: 10_000,
    log: createLogger({ service: `raw-${role}`, level: process.env["LOG_LEVEL"] ?? "info" }),
    // As Cairn's planner: one event at a time per run.
    ...(role === "planner" ? { keyOf: (m: JsMsg) => m.subject.split(".")[2]! } : {}),
    handle: async (msg) => {
      const o = rawStep(role, prefix, msg.subject, msg.data);
      if (o) await appendOnce(js, o.subject, o.data);
      return { ack: true };
    },
  });
  return { close: () => c.stop() };
}

/** Runs the given roles on one connection until `stop` is called. */
export async function startRawWorkers(
  nc: NatsConnection,
  prefix: string,
  roles: RawRole[],
  opts: { maxMessages: number; loop?: "consume" | "cairn" },
): Promise<{ stop(): Promise<void> }> {
  const js: JetStreamClient = jetstream(nc);
  const iters: { close(): Promise<void | Error> }[] = [];
  if (opts.loop === "cairn") {
    for (const role of roles) iters.push(await startOnCairnLoop(js, prefix, role));
    return {
      async stop() {
        for (const i of iters) await i.close();
      },
    };
  }
  const handle = async (role: RawRole, msg: JsMsg): Promise<void> => {
    try {
      const o = rawStep(role, prefix, msg.subject, msg.data);
      if (o) await js.publish(o.subject, o.data);
      msg.ack();
    } catch (err) {
      // A repeat refused by the written-once stream (--raw-write-once) is already recorded: done.
      if (/maximum messages per subject exceeded/i.test((err as Error)?.message ?? "")) msg.ack();
      else msg.nak(100);
    }
  };
  for (const role of roles) {
    const consumer = await js.consumers.get(rawStream(prefix), role);
    const iter = await consumer.consume({ max_messages: opts.maxMessages });
    iters.push(iter);
    void (async () => {
      for await (const msg of iter) void handle(role, msg);
    })();
  }
  return {
    async stop() {
      for (const i of iters) await i.close();
    },
  };
}
