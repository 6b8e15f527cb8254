import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { deploymentSpec } from "./provision.js";

describe("cairn provision: the llm-caller's work queues", () => {
  it("makes a work queue for every endpoint of the providers file, with its maxConcurrent (CAIRN_LLM_LIMITS wins)", async () => {
    const dir = mkdtempSync(join(tmpdir(), "cairn-provision-"));
    try {
      const file = join(dir, "providers.json");
      writeFileSync(
        file,
        JSON.stringify({
          providers: {
            "vllm-a": { type: "openai-compatible", baseUrl: "http://10.0.0.5:8000/v1", maxConcurrent: 8 },
            ollama: { type: "openai-compatible", baseUrl: "http://localhost:11434/v1", maxConcurrent: 2 },
            claude: { type: "anthropic", apiKeyEnv: "ANTHROPIC_API_KEY" },
          },
        }),
      );
      const { spec } = await deploymentSpec(
        {
          NATS_URL: "nats://127.0.0.1:1",
          CAIRN_PROVIDERS_FILE: file,
          ANTHROPIC_API_KEY: "k",
          CAIRN_LLM_LIMITS: "ollama=1",
        },
        "llm-caller",
      );
      expect(spec.providers).toEqual(
        new Map([
          ["scripted", 10_000],
          ["vllm-a", 8],
          ["ollama", 1],
          ["claude", 10_000],
        ]),
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
