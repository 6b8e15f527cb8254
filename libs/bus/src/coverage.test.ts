// DeliveryCoverage: what a keyed consumer may vouch for, from the delivery and stream sequences of
// the messages it is handed (the fold cache's fast path rests on it: a wrong "covers" skips a read
// that would have found a gap).
import { describe, expect, it } from "vitest";
import type { JsMsg } from "@nats-io/jetstream";
import { DeliveryCoverage } from "./consume.js";

/** A delivery as the consume loop sees it: its delivery sequence, stream sequence and delivery count. */
const msg = (deliverySequence: number, streamSequence: number, deliveryCount = 1): JsMsg =>
  ({ info: { deliverySequence, streamSequence, deliveryCount } }) as unknown as JsMsg;

describe("DeliveryCoverage", () => {
  it("vouches for nothing before its first delivery", () => {
    const c = new DeliveryCoverage("S", ["s.>"]);
    expect(c.floor).toBe(Number.POSITIVE_INFINITY);
    expect(c.frontier).toBe(0);
    expect(c.covers(0, 0)).toBe(false);
    expect(c.covers(5, 6)).toBe(false);
  });

  it("a run of contiguous first deliveries covers the stream from just before the first to the last", () => {
    const c = new DeliveryCoverage("S", ["s.>"]);
    c.delivered(msg(1, 10));
    expect([c.floor, c.frontier]).toEqual([9, 10]);
    c.delivered(msg(2, 12)); // stream sequence 11 matched no filter: still contiguous deliveries
    c.delivered(msg(3, 15));
    expect([c.floor, c.frontier]).toEqual([9, 15]);
    expect(c.covers(9, 15)).toBe(true);
    expect(c.covers(12, 14)).toBe(true);
    expect(c.covers(8, 15)).toBe(false); // before the floor
    expect(c.covers(9, 16)).toBe(false); // past the frontier
  });

  it("a missing delivery sequence (another instance took it) starts again from the message in hand", () => {
    const c = new DeliveryCoverage("S", ["s.>"]);
    c.delivered(msg(1, 10));
    c.delivered(msg(2, 11));
    c.delivered(msg(4, 20)); // delivery 3 went elsewhere
    expect([c.floor, c.frontier]).toEqual([19, 20]);
    expect(c.covers(10, 20)).toBe(false);
    expect(c.covers(19, 20)).toBe(true);
  });

  it("a redelivery in sequence keeps the coverage; one after a gap vouches for nothing", () => {
    const c = new DeliveryCoverage("S", ["s.>"]);
    c.delivered(msg(1, 10));
    c.delivered(msg(2, 10, 2)); // the same message again, next delivery sequence
    expect([c.floor, c.frontier]).toEqual([9, 10]);
    c.delivered(msg(5, 10, 3)); // a redelivery after a gap
    expect(c.floor).toBe(Number.POSITIVE_INFINITY);
    expect(c.frontier).toBe(0);
    expect(c.covers(9, 10)).toBe(false);
    // the next first delivery in sequence starts a new run
    c.delivered(msg(6, 30));
    expect([c.floor, c.frontier]).toEqual([29, 30]);
  });

  it("a first delivery at or below the frontier (the consumer was reset) vouches for nothing", () => {
    const c = new DeliveryCoverage("S", ["s.>"]);
    c.delivered(msg(1, 10));
    c.delivered(msg(2, 11));
    c.delivered(msg(3, 11)); // a first delivery of a sequence already seen
    expect(c.floor).toBe(Number.POSITIVE_INFINITY);
    expect(c.frontier).toBe(11);
    expect(c.covers(10, 11)).toBe(false);
  });

  it("a lapse (a message not acked, or acked unfolded) raises the floor to the frontier", () => {
    const c = new DeliveryCoverage("S", ["s.>"]);
    c.lapsed(); // nothing vouched for yet: stays so
    expect(c.floor).toBe(Number.POSITIVE_INFINITY);
    c.delivered(msg(1, 10));
    c.delivered(msg(2, 14));
    c.lapsed();
    expect([c.floor, c.frontier]).toEqual([14, 14]);
    expect(c.covers(10, 14)).toBe(false);
    expect(c.covers(14, 14)).toBe(true);
    c.delivered(msg(3, 17));
    expect(c.covers(14, 17)).toBe(true);
    expect(c.covers(13, 17)).toBe(false);
  });
});
