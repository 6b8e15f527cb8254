import { createHash } from "node:crypto";
import { Objm, type ObjectStore } from "@nats-io/obj";
import type { NatsConnection } from "@nats-io/transport-node";
import { retryProvisioning } from "./provision.js";

/** Where a large payload went (as recorded in the event that refers to it). */
export interface PayloadRef {
  bucket: string;
  name: string;
  bytes: number;
  sha256: string;
}

/** How much of a large payload stays inline, as a preview. */
export const PREVIEW_CHARS = 1024;

/**
 * Large tool results and model replies live in the JetStream Object Store; events carry a
 * reference and a preview, so nothing fails because a payload exceeded the server's max_payload.
 * Names are derived from the step (`<runId>/tool/<turn>/<index>`), so a repeated put overwrites
 * the same object with the same bytes.
 */
export class PayloadStore {
  private constructor(private readonly os: ObjectStore, readonly bucket: string) {}

  static async open(nc: NatsConnection, bucket: string, replicas: number): Promise<PayloadStore> {
    const os = await retryProvisioning(`object store ${bucket}`, () => new Objm(nc).create(bucket, { replicas, description: "Cairn large payloads (tool results, model replies)" }));
    return new PayloadStore(os, bucket);
  }

  async put(name: string, text: string): Promise<PayloadRef> {
    const data = new TextEncoder().encode(text);
    await this.os.putBlob({ name }, data);
    return { bucket: this.bucket, name, bytes: data.length, sha256: createHash("sha256").update(data).digest("hex") };
  }

  /** The payload's text; throws if it is missing or does not match its recorded hash. */
  async get(ref: PayloadRef): Promise<string> {
    const data = await this.os.getBlob(ref.name);
    if (!data) throw new Error(`payload ${ref.bucket}/${ref.name} is missing from the object store`);
    const sha = createHash("sha256").update(data).digest("hex");
    if (sha !== ref.sha256) throw new Error(`payload ${ref.bucket}/${ref.name} does not match its recorded hash`);
    return new TextDecoder().decode(data);
  }
}

/** The inline preview kept in an event for a payload stored elsewhere. */
export function preview(text: string): string {
  return text.length > PREVIEW_CHARS ? `${text.slice(0, PREVIEW_CHARS)}… [${text.length} characters in the object store]` : text;
}
