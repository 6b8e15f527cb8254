/**
 * The admission bucket (token-aware admission's budgets, CAIRN_admission) as an attacker holding a
 * shipped credential finds it, against a real nats-server started with the shipped accounts.conf:
 * the llm-caller reads it and writes it with compare-and-set, and nothing more; no other user can
 * read or write it. (An attacker holding the llm-caller's credential can still exhaust or reset
 * the budgets: docs/security.md says so.)
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { headers as natsHeaders } from "@nats-io/transport-node";
import { jetstream, jetstreamManager } from "@nats-io/jetstream";
import { Kvm } from "@nats-io/kv";
import type { ShippedUser, TenantUser } from "@cairn/testing";
import { canPublish, failure, startSecuredDeployment, type SecuredDeployment } from "./deployment.js";

const PERMISSION = /Permissions Violation/i;
let d: SecuredDeployment;
beforeAll(async () => {
  d = await startSecuredDeployment({ plain: [{ content: "ok" }] }, { plain: { tools: [] } });
}, 120_000);
afterAll(async () => {
  await d?.stop();
});

describe("the admission bucket under the shipped accounts.conf", () => {
  it("lets the llm-caller read and compare-and-set a budget, and refuses a write on a stale revision", async () => {
    const kv = await new Kvm(await d.as("llm-caller")).open(d.subjects.admissionBucket);
    const r1 = await kv.create("openai.gpt-4o.k1", JSON.stringify({ v: 1, slots: [], waiting: {} }));
    const r2 = await kv.update("openai.gpt-4o.k1", JSON.stringify({ v: 1, slots: [], waiting: { "7": {} } }), r1);
    expect(r2).toBeGreaterThan(r1);
    expect((await kv.get("openai.gpt-4o.k1"))?.revision).toBe(r2);
    // compare-and-set: another llm-caller's write on the revision it read first is refused
    expect(await failure(() => kv.update("openai.gpt-4o.k1", "{}", r1))).toMatch(/wrong last sequence/i);
  });

  it("gives the llm-caller nothing broader: no delete or purge of the bucket, no rollup, no other bucket", async () => {
    const nc = await d.as("llm-caller");
    const jsm = await jetstreamManager(nc);
    const bucket = `KV_${d.subjects.admissionBucket}`;
    expect(await failure(() => jsm.streams.delete(bucket))).toMatch(PERMISSION);
    expect(await failure(() => jsm.streams.purge(bucket))).toMatch(PERMISSION);
    expect(await failure(() => jsm.streams.update(bucket, { allow_rollup_hdrs: true }))).toMatch(PERMISSION);
    // a rollup would purge every budget at once: the bucket refuses rollup headers
    const h = natsHeaders();
    h.set("Nats-Rollup", "all");
    expect(
      await failure(() => jetstream(nc).publish(`$KV.${d.subjects.admissionBucket}.any`, "{}", { headers: h })),
    ).toMatch(/rollup/i);
    expect(await canPublish(nc, `$KV.${d.subjects.toolsBucket}.ledger`, "{}")).toBe(false);
    expect(await canPublish(nc, `$KV.${d.subjects.runsBucket}.x`, "{}")).toBe(false);
  });

  it("refuses every other user: a tool-runner, your tools' runner, the planner, the client and a tenant can neither write nor read it", async () => {
    const others: (ShippedUser | TenantUser)[] = ["tool-runner", "tool-runner-app", "planner", "client", "acme-dev"];
    for (const user of others) {
      const nc = await d.as(user);
      expect(await canPublish(nc, `$KV.${d.subjects.admissionBucket}.openai.gpt-4o.k1`, "{}"), user).toBe(false);
      expect(
        await canPublish(
          nc,
          `$JS.API.DIRECT.GET.KV_${d.subjects.admissionBucket}.$KV.${d.subjects.admissionBucket}.openai.gpt-4o.k1`,
          "",
        ),
        user,
      ).toBe(false);
      const read = async () => (await new Kvm(nc).open(d.subjects.admissionBucket)).get("openai.gpt-4o.k1");
      expect(await failure(read), user).not.toBe("");
    }
  });
});
