import { describe, expect, it } from "vitest";
import { Subjects } from "@cairn/protocol";
import { runStreamConfig } from "./provision.js";

describe("runStreamConfig", () => {
  it("writes every subject once, ever, and takes replicas and placement from config", () => {
    const c = runStreamConfig(new Subjects("cairn"), { replicas: 3, placementTags: ["eu", "ssd"], maxMsgSize: 65_536 });
    expect(c).toMatchObject({
      name: "CAIRN_RUNS",
      subjects: ["cairn.run.>"],
      num_replicas: 3,
      max_msgs_per_subject: 1,
      discard: "new",
      discard_new_per_subject: true,
      allow_direct: true,
      max_msg_size: 65_536,
      placement: { tags: ["eu", "ssd"] },
    });
    expect(runStreamConfig(new Subjects("cairn"), { replicas: 1 }).placement).toBeUndefined();
  });
});
