import type { JetStreamClient, JetStreamManager } from "@nats-io/jetstream";
import { type Subjects, messageSha256 } from "@cairn/protocol";
import { appendOnce } from "./publish.js";

/** Where a large payload went (as recorded in the event that refers to it). */
export interface PayloadRef {
  /** The payload stream (`<PREFIX>_PAYLOADS`). */
  bucket: string;
  /** `<runId>/<sha256>`: the chunks are `<p>.payload.<runId>.<sha256>.<n>`. */
  name: string;
  bytes: number;
  sha256: string;
}

/** How much of a large payload stays inline, as a preview. */
export const PREVIEW_CHARS = 1024;

/** Chunk size: well under the default max_payload (1 MiB) with room for headers. */
const CHUNK = 256 * 1024;

/**
 * Large tool results and model replies live in the payload stream; events carry a reference (with
 * the payload's sha256) and a preview, so nothing fails because a payload exceeded max_payload.
 *
 * Content-addressed and written once: chunk `n` of a payload is `<p>.payload.<runId>.<sha256>.<n>`
 * on a stream that keeps one message per subject and refuses a second, rollups and deletes. A
 * repeated put (a redelivered step) writes nothing new; a step re-run with other output writes other
 * subjects, and only the reference its recorded result holds is ever read. A reader checks the
 * bytes against the recorded sha256, so a chunk squatted by someone else is detected, never used.
 */
export class PayloadStore {
  constructor(
    private readonly js: JetStreamClient,
    private readonly jsm: JetStreamManager,
    private readonly subjects: Subjects,
  ) {}

  get bucket(): string {
    return this.subjects.payloadStream;
  }

  async put(runId: string, text: string): Promise<PayloadRef> {
    const data = new TextEncoder().encode(text);
    const sha256 = messageSha256(data);
    for (let n = 0, at = 0; at < data.length || n === 0; n++, at += CHUNK) {
      await appendOnce(this.js, this.subjects.payloadChunk(runId, sha256, n), data.subarray(at, at + CHUNK));
    }
    return { bucket: this.bucket, name: `${runId}/${sha256}`, bytes: data.length, sha256 };
  }

  /** The payload's text; throws if it is missing or does not match its recorded hash. */
  async get(ref: PayloadRef): Promise<string> {
    const [runId, sha] = ref.name.split("/");
    if (ref.bucket !== this.bucket || !runId || sha !== ref.sha256) {
      throw new Error(
        `payload ${ref.bucket}/${ref.name} is not in this deployment's payload stream ${this.bucket} (recorded by an older version that used an object store?)`,
      );
    }
    const parts: Uint8Array[] = [];
    let got = 0;
    for (let n = 0; got < ref.bytes || n === 0; n++) {
      const m = await this.jsm.direct.getMessage(this.bucket, {
        last_by_subj: this.subjects.payloadChunk(runId, sha, n),
      });
      if (!m) throw new Error(`payload ${ref.bucket}/${ref.name} is missing chunk ${n} from the payload stream`);
      parts.push(m.data);
      got += m.data.length;
      if (m.data.length === 0) break;
    }
    const data = Buffer.concat(parts);
    if (data.length !== ref.bytes || messageSha256(data) !== ref.sha256) {
      throw new Error(`payload ${ref.bucket}/${ref.name} does not match its recorded hash`);
    }
    return new TextDecoder().decode(data);
  }
}

/** The inline preview kept in an event for a payload stored elsewhere. */
export function preview(text: string): string {
  return text.length > PREVIEW_CHARS
    ? `${text.slice(0, PREVIEW_CHARS)}… [${text.length} characters in the payload stream]`
    : text;
}
