// readRun against a real nats-server: a run's messages read by subject (one multi_last Direct Get)
// are exactly what the stream walk (next_by_subj) reads, in the same order, whatever the run's size.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DiscardPolicy, RetentionPolicy, StorageType, type JetStreamManager } from "@nats-io/jetstream";
import { startJetStream, uniquePrefix, type JetStreamFixture } from "@cairn/testing";
import { MULTI_READ_MAX, readRange, readRun } from "./log.js";

let t: JetStreamFixture;
beforeAll(async () => {
  t = await startJetStream();
});
afterAll(async () => {
  await t?.stop();
});

/** A write-once stream like the runs stream, and a counter of the Direct Gets made through `jsm`. */
async function stream(): Promise<{
  name: string;
  p: string;
  counted: JetStreamManager;
  calls: { single: number; multi: number };
}> {
  const p = uniquePrefix("rr");
  const name = p.toUpperCase();
  await t.jsm.streams.add({
    name,
    subjects: [`${p}.>`],
    retention: RetentionPolicy.Limits,
    storage: StorageType.File,
    max_msgs_per_subject: 1,
    discard: DiscardPolicy.New,
    discard_new_per_subject: true,
    allow_direct: true,
  });
  const calls = { single: 0, multi: 0 };
  const direct = t.jsm.direct;
  const counted = {
    direct: {
      getMessage: (...a: Parameters<typeof direct.getMessage>) => (calls.single++, direct.getMessage(...a)),
      getLastMessagesFor: (...a: Parameters<typeof direct.getLastMessagesFor>) => (
        calls.multi++,
        direct.getLastMessagesFor(...a)
      ),
    },
  } as unknown as JetStreamManager;
  return { name, p, counted, calls };
}

const view = (es: { seq: number; subject: string; data: Uint8Array; time: string; reflected?: boolean }[]) =>
  es.map((e) => ({
    seq: e.seq,
    subject: e.subject,
    data: new TextDecoder().decode(e.data),
    time: e.time,
    reflected: e.reflected,
  }));

async function walk(name: string, filter: string, from = 1, to?: number) {
  const out = [];
  for await (const e of readRange(t.jsm, name, filter, from, to)) out.push(e);
  return out;
}

describe("readRun: one run's messages by subject", () => {
  it("reads a run's messages, between other runs' messages, in stream order with one request", async () => {
    const s = await stream();
    for (let i = 0; i < 6; i++) {
      await t.js.publish(`${s.p}.run.a.evt.e${i}`, `a${i}`);
      await t.js.publish(`${s.p}.run.b.evt.e${i}`, `b${i}`);
      await t.js.publish(`${s.p}.run.a.cmd.c${i}`, `ac${i}`);
    }
    const got = await readRun(s.counted, s.name, `${s.p}.run.a.evt.>`);
    expect(got.map((e) => new TextDecoder().decode(e.data))).toEqual(["a0", "a1", "a2", "a3", "a4", "a5"]);
    expect(view(got)).toEqual(view(await walk(s.name, `${s.p}.run.a.evt.>`)));
    expect(s.calls).toEqual({ single: 0, multi: 1 });
    // Commands and events of the run, as `readRunLog` reads a whole run.
    expect(view(await readRun(s.counted, s.name, `${s.p}.run.a.>`))).toEqual(
      view(await walk(s.name, `${s.p}.run.a.>`)),
    );
  });

  it("keeps only the messages with a sequence in [fromSeq, toSeq]", async () => {
    const s = await stream();
    const seqs: number[] = [];
    for (let i = 0; i < 5; i++) {
      seqs.push((await t.js.publish(`${s.p}.run.a.evt.e${i}`, `a${i}`)).seq);
      await t.js.publish(`${s.p}.run.b.evt.e${i}`, `b${i}`);
    }
    const got = await readRun(s.counted, s.name, `${s.p}.run.a.evt.>`, seqs[1], seqs[3]);
    expect(got.map((e) => e.seq)).toEqual(seqs.slice(1, 4));
    expect(await readRun(s.counted, s.name, `${s.p}.run.a.evt.>`, seqs[3], seqs[1])).toEqual([]);
  });

  it("answers nothing for a run the stream does not hold", async () => {
    const s = await stream();
    await t.js.publish(`${s.p}.run.a.evt.e0`, "a0");
    expect(await readRun(s.counted, s.name, `${s.p}.run.zz.evt.>`)).toEqual([]);
    expect(s.calls.multi).toBe(1);
  });

  it("walks a short gap (within the scan window) instead", async () => {
    const s = await stream();
    const a = (await t.js.publish(`${s.p}.run.a.evt.e0`, "a0")).seq;
    await t.js.publish(`${s.p}.run.b.evt.e0`, "b0");
    const a1 = (await t.js.publish(`${s.p}.run.a.evt.e1`, "a1")).seq;
    const got = await readRun(s.counted, s.name, `${s.p}.run.a.evt.>`, a + 1, a1, 256);
    expect(got.map((e) => e.seq)).toEqual([a1]);
    expect(s.calls.multi).toBe(0);
  });

  it(`falls back to the walk for a run of more than ${MULTI_READ_MAX} subjects (the server refuses to answer them at once)`, async () => {
    const s = await stream();
    const n = MULTI_READ_MAX + 60;
    for (let i = 0; i < n; i += 200)
      await Promise.all(
        Array.from({ length: Math.min(200, n - i) }, (_, k) =>
          t.js.publish(`${s.p}.run.big.evt.e${String(i + k).padStart(5, "0")}`, `x${i + k}`),
        ),
      );
    await t.js.publish(`${s.p}.run.other.evt.e0`, "o");
    const got = await readRun(s.counted, s.name, `${s.p}.run.big.evt.>`);
    expect(got).toHaveLength(n);
    expect(got.map((e) => e.seq)).toEqual([...got.map((e) => e.seq)].sort((x, y) => x - y));
    expect(s.calls.multi).toBe(1);
    expect(s.calls.single).toBe(n + 1); // the walk: one Direct Get per message, and the one that finds none
  });
});
