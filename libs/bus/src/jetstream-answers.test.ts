// The classifiers of JetStream's answers, fed the errors and messages a real nats-server gives (and
// the client's ways of reporting them), each next to an answer that must not be taken for it.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { connect, headers, type NatsConnection } from "@nats-io/transport-node";
import { jetstream, jetstreamManager, type JetStreamManager } from "@nats-io/jetstream";
import { Kvm } from "@nats-io/kv";
import { startNatsServer, uniquePrefix, type RunningNatsServer } from "@cairn/testing";
import { isConsumerNotFound, isKvValue, isMissingStream, isWrongLastSequence } from "./jetstream-answers.js";

let server: RunningNatsServer;
let nc: NatsConnection;
let jsm: JetStreamManager;

beforeAll(async () => {
  server = await startNatsServer();
  nc = await connect({ servers: server.url });
  jsm = await jetstreamManager(nc);
});
afterAll(async () => {
  await nc?.close();
  await server?.stop({ clean: true });
});

/** What a promise rejects with (fails the test if it resolves). */
async function rejection(p: Promise<unknown>): Promise<unknown> {
  try {
    await p;
  } catch (err) {
    return err;
  }
  throw new Error("expected a rejection");
}

describe("JetStream answers, classified", () => {
  it("a stream that does not exist is missing; a consumer that does not exist on a stream that does is not", async () => {
    const missing = await rejection(jsm.streams.info(`NOPE_${uniquePrefix()}`));
    expect(isMissingStream(missing)).toBe(true);
    expect(isConsumerNotFound(missing)).toBe(false);
    expect(isWrongLastSequence(missing)).toBe(false);

    const name = `S_${uniquePrefix()}`;
    await jsm.streams.add({ name, subjects: [`${name}.>`] });
    const noConsumer = await rejection(jsm.consumers.info(name, "nobody"));
    expect(isConsumerNotFound(noConsumer)).toBe(true);
    expect(isMissingStream(noConsumer)).toBe(false);
    expect(isWrongLastSequence(noConsumer)).toBe(false);
  });

  it("an append whose expected last subject sequence is not the subject's is a lost compare-and-set; a KV update with a stale revision too", async () => {
    const name = `W_${uniquePrefix()}`;
    await jsm.streams.add({ name, subjects: [`${name}.>`] });
    const js = jetstream(nc);
    await js.publish(`${name}.a`, "first");
    const lost = await rejection(js.publish(`${name}.a`, "second", { expect: { lastSubjectSequence: 0 } }));
    expect(isWrongLastSequence(lost)).toBe(true);
    expect(isMissingStream(lost)).toBe(false);
    expect(isConsumerNotFound(lost)).toBe(false);

    const kv = await new Kvm(nc).create(`B_${uniquePrefix()}`);
    const rev = await kv.put("k", "1");
    await kv.update("k", "2", rev);
    expect(isWrongLastSequence(await rejection(kv.update("k", "3", rev)))).toBe(true);
    // creating a key that exists is refused the same way
    expect(isWrongLastSequence(await rejection(kv.create("k", "again")))).toBe(true);
  });

  it("nothing answering a request (no responders: JetStream off for the account) is a missing stream, as the client reports it", async () => {
    const err = await rejection(nc.request(`nobody.${uniquePrefix()}`, "", { timeout: 2_000 }));
    expect(isMissingStream(err)).toBe(true);
    expect(isConsumerNotFound(err)).toBe(false);
    expect(isWrongLastSequence(err)).toBe(false);
  });

  it("reports by code, name or text (how other client versions give them), and nothing else", () => {
    expect(isWrongLastSequence({ code: 10071 })).toBe(true);
    expect(isWrongLastSequence({ code: 10164 })).toBe(true);
    expect(isWrongLastSequence({ message: "wrong last sequence: 4" })).toBe(true);
    expect(isWrongLastSequence({ code: 10070, message: "maximum messages per subject exceeded" })).toBe(false);
    expect(isMissingStream({ code: 10059 })).toBe(true);
    expect(isMissingStream({ code: 503 })).toBe(true);
    expect(isMissingStream({ name: "NoRespondersError" })).toBe(true);
    expect(isMissingStream({ message: "stream not found" })).toBe(true);
    expect(isMissingStream({ message: "503 no responders available" })).toBe(true);
    expect(isMissingStream({ code: 10014, message: "consumer not found" })).toBe(false);
    expect(isConsumerNotFound({ name: "ConsumerNotFoundError" })).toBe(true);
    expect(isConsumerNotFound({ code: 10014 })).toBe(true);
    expect(isConsumerNotFound({ message: "consumer not found" })).toBe(true);
    expect(isConsumerNotFound({ code: 10059, message: "stream not found" })).toBe(false);
    for (const f of [isWrongLastSequence, isMissingStream, isConsumerNotFound]) {
      expect(f(new Error("timeout"))).toBe(false);
      expect(f({ message: 42 })).toBe(false);
      // Only a message that is a string is read as text.
      expect(f({ message: { toString: () => "wrong last sequence; stream not found; consumer not found" } })).toBe(
        false,
      );
      expect(f({})).toBe(false);
    }
  });

  it("a KV value is what a writer put: not a delete or purge marker, not a response reflected onto the key", async () => {
    const bucket = `V_${uniquePrefix()}`;
    const kv = await new Kvm(nc).create(bucket);
    await kv.put("a", "value");
    await kv.put("b", "value");
    await kv.delete("b");
    await kv.put("c", "value");
    await kv.purge("c");
    const last = (key: string) => jsm.direct.getMessage(`KV_${bucket}`, { last_by_subj: `$KV.${bucket}.${key}` });
    const a = await last("a");
    const b = await last("b");
    const c = await last("c");
    expect(a && isKvValue(a)).toBe(true);
    expect(b && isKvValue(b)).toBe(false);
    expect(c && isKvValue(c)).toBe(false);

    // A stored message that carries JetStream's own headers (a Direct Get answer someone published
    // onto the key) reads with each of them twice: not a writer's value.
    const h = headers();
    h.set("Nats-Stream", "CAIRN_RUNS");
    h.set("Nats-Sequence", "7");
    h.set("Nats-Subject", "cairn.run.r1.evt.submitted");
    h.set("Nats-Time-Stamp", new Date().toISOString());
    await jetstream(nc).publish(`$KV.${bucket}.d`, "forged", { headers: h });
    const d = await last("d");
    expect(d && isKvValue(d)).toBe(false);
  });
});
