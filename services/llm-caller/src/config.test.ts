import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { loadConfig } from "./config.js";
import { configuredProviders } from "./service.js";

const dir = mkdtempSync(join(tmpdir(), "cairn-llm-config-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function providersFile(name: string, content: unknown): string {
  const file = join(dir, name);
  writeFileSync(file, typeof content === "string" ? content : JSON.stringify(content));
  return file;
}

const base = { NATS_URL: "nats://127.0.0.1:1" };

describe("the llm-caller's model endpoints", () => {
  it("without a providers file: OPENAI_* is the openai provider, ANTHROPIC_* the anthropic one, as before", () => {
    expect([...configuredProviders(loadConfig(base)).keys()]).toEqual(["scripted"]);
    const c = loadConfig({
      ...base,
      OPENAI_BASE_URL: "http://127.0.0.1:1234/v1",
      OPENAI_API_KEY: "sk-1",
      ANTHROPIC_API_KEY: "sk-ant-2",
      CAIRN_LLM_LIMITS: "openai=3",
    });
    expect(c.endpoints).toEqual(
      new Map([
        ["openai", { type: "openai-compatible", baseUrl: "http://127.0.0.1:1234/v1", apiKey: "sk-1" }],
        ["anthropic", { type: "anthropic", baseUrl: "https://api.anthropic.com", apiKey: "sk-ant-2" }],
      ]),
    );
    expect([...configuredProviders(c).keys()]).toEqual(["scripted", "openai", "anthropic"]);
    expect(c.providerLimits).toEqual(new Map([["openai", 3]]));
  });

  it("CAIRN_PROVIDERS_FILE names the endpoints; their maxConcurrent are the limits, CAIRN_LLM_LIMITS wins", () => {
    const file = providersFile("providers.json", {
      providers: {
        openai: { type: "openai", apiKeyEnv: "OPENAI_API_KEY", maxConcurrent: 16 },
        "vllm-a": { type: "openai-compatible", baseUrl: "http://10.0.0.5:8000/v1", maxConcurrent: 8 },
        ollama: { type: "openai-compatible", baseUrl: "http://localhost:11434/v1" },
        claude: { type: "anthropic", apiKeyEnv: "ANTHROPIC_API_KEY", maxOutputTokens: 8192 },
      },
    });
    const c = loadConfig({
      ...base,
      CAIRN_PROVIDERS_FILE: file,
      OPENAI_API_KEY: "sk-1",
      ANTHROPIC_API_KEY: "sk-ant-2",
      CAIRN_LLM_LIMITS: "vllm-a=2,claude=4",
    });
    expect([...configuredProviders(c).keys()]).toEqual(["scripted", "openai", "vllm-a", "ollama", "claude"]);
    expect(c.endpoints.get("claude")).toEqual({
      type: "anthropic",
      apiKey: "sk-ant-2",
      maxOutputTokens: 8192,
    });
    expect(c.providerLimits).toEqual(
      new Map([
        ["openai", 16],
        ["vllm-a", 2],
        ["claude", 4],
      ]),
    );
  });

  it("a bad providers file stops the start with an error naming the file and the field", () => {
    const file = providersFile("bad.json", {
      providers: {
        "vllm-a": { type: "openai-compatible", baseUrl: "not a url" },
        c: { type: "anthropic", apiKeyEnv: "NOPE" },
      },
    });
    expect(() => loadConfig({ ...base, CAIRN_PROVIDERS_FILE: file })).toThrow(
      [
        "invalid configuration:",
        `  CAIRN_PROVIDERS_FILE: invalid providers file ${file}:`,
        "    providers.vllm-a.baseUrl: must be an http(s) URL",
      ].join("\n"),
    );
    const missing = join(dir, "missing.json");
    expect(() => loadConfig({ ...base, CAIRN_PROVIDERS_FILE: missing })).toThrow(
      `CAIRN_PROVIDERS_FILE: cannot read the providers file ${missing}`,
    );
  });

  it("a providers file and OPENAI_BASE_URL or ANTHROPIC_BASE_URL together are refused (which would win?)", () => {
    const file = providersFile("one.json", {
      providers: { ollama: { type: "openai-compatible", baseUrl: "http://h/v1" } },
    });
    expect(() =>
      loadConfig({
        ...base,
        CAIRN_PROVIDERS_FILE: file,
        OPENAI_BASE_URL: "http://x/v1",
        ANTHROPIC_BASE_URL: "http://y",
      }),
    ).toThrow(
      [
        "invalid configuration:",
        "  OPENAI_BASE_URL: not used with CAIRN_PROVIDERS_FILE: name the endpoint in the providers file",
        "  ANTHROPIC_BASE_URL: not used with CAIRN_PROVIDERS_FILE: name the endpoint in the providers file",
      ].join("\n"),
    );
  });
});
