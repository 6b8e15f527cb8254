import { describe, it, expect } from "vitest";
import { z } from "zod";
import { ConfigError, commonEnv, envFlag, parseEnv, parseLimits, toCommonConfig, workerRetryPolicy } from "./config.js";

const URL = "nats://nats.example.internal:4222"; // a config value only: no connection is made

function problems(fn: () => unknown): { error: unknown; lines: string[] } {
  try {
    fn();
  } catch (error) {
    const lines = error instanceof Error ? error.message.split("\n").slice(1) : [];
    return { error, lines };
  }
  throw new Error("expected a ConfigError");
}

describe("parseEnv(commonEnv)", () => {
  it("fills defaults", () => {
    expect(parseEnv(commonEnv, { NATS_URL: URL })).toEqual({
      NATS_URL: URL,
      CAIRN_PREFIX: "cairn",
      CAIRN_REPLICAS: 1,
      CAIRN_ACK_WAIT_MS: 10_000,
      CAIRN_MAX_DELIVER: 20,
      CAIRN_MAX_MESSAGE_BYTES: 1_048_576,
      CAIRN_LARGE_PAYLOAD_BYTES: 262_144,
      CAIRN_DOUBLE_ACK: false,
      LOG_LEVEL: "info",
    });
  });

  it("coerces numbers and booleans", () => {
    const e = parseEnv(commonEnv, {
      NATS_URL: URL,
      CAIRN_PREFIX: "acme.prod-1",
      CAIRN_REPLICAS: "3",
      CAIRN_ACK_WAIT_MS: "200",
      CAIRN_MAX_DELIVER: "2",
      CAIRN_MAX_MESSAGE_BYTES: "1024",
      CAIRN_DOUBLE_ACK: "1",
      LOG_LEVEL: "debug",
    });
    expect(e).toMatchObject({
      CAIRN_PREFIX: "acme.prod-1",
      CAIRN_REPLICAS: 3,
      CAIRN_ACK_WAIT_MS: 200,
      CAIRN_MAX_DELIVER: 2,
      CAIRN_MAX_MESSAGE_BYTES: 1024,
      CAIRN_DOUBLE_ACK: true,
      LOG_LEVEL: "debug",
    });
    expect(parseEnv(commonEnv, { NATS_URL: URL, CAIRN_DOUBLE_ACK: "true" }).CAIRN_DOUBLE_ACK).toBe(true);
    expect(parseEnv(commonEnv, { NATS_URL: URL, CAIRN_DOUBLE_ACK: "0" }).CAIRN_DOUBLE_ACK).toBe(false);
    expect(parseEnv(commonEnv, { NATS_URL: URL, CAIRN_DOUBLE_ACK: "false" }).CAIRN_DOUBLE_ACK).toBe(false);
  });

  it("treats empty strings as unset (defaults apply)", () => {
    const e = parseEnv(commonEnv, {
      NATS_URL: URL,
      CAIRN_PREFIX: "",
      CAIRN_REPLICAS: "",
      NATS_USER: "",
      NATS_TOKEN: undefined,
    });
    expect(e.CAIRN_PREFIX).toBe("cairn");
    expect(e.CAIRN_REPLICAS).toBe(1);
    expect(e).not.toHaveProperty("NATS_USER");
    expect(e).not.toHaveProperty("NATS_TOKEN");
  });

  it("ignores variables it does not know", () => {
    expect(parseEnv(commonEnv, { NATS_URL: URL, PATH: "/usr/bin", HOME: "/root" })).not.toHaveProperty("PATH");
  });

  it("throws one ConfigError listing every problem at once", () => {
    const { error, lines } = problems(() =>
      parseEnv(commonEnv, {
        NATS_URL: URL,
        CAIRN_PREFIX: "bad prefix",
        CAIRN_REPLICAS: "9",
        CAIRN_ACK_WAIT_MS: "abc",
        CAIRN_MAX_DELIVER: "1",
        CAIRN_DOUBLE_ACK: "yes",
        LOG_LEVEL: "loud",
      }),
    );
    expect(error).toBeInstanceOf(ConfigError);
    expect(error).toBeInstanceOf(Error);
    expect((error as ConfigError).name).toBe("ConfigError");
    expect((error as ConfigError).retryable).toBe(false);
    expect((error as ConfigError).message.split("\n")[0]).toBe("invalid configuration:");
    expect(lines).toEqual([
      "  CAIRN_PREFIX: CAIRN_PREFIX must be lower-case letters, digits and '-' (not first), parts joined by '.' (e.g. cairn, acme.prod-1)",
      "  CAIRN_REPLICAS: Too big: expected number to be <=5",
      "  CAIRN_ACK_WAIT_MS: Invalid input: expected number, received NaN",
      "  CAIRN_MAX_DELIVER: Too small: expected number to be >=2",
      '  CAIRN_DOUBLE_ACK: Invalid option: expected one of "0"|"1"|"true"|"false"',
      '  LOG_LEVEL: Invalid option: expected one of "trace"|"debug"|"info"|"warn"|"error"|"fatal"|"silent"',
    ]);
  });

  it.each(["a..b", ".a", "a.", "a.*", "a b", "a.>", "ACME", "t_a", "-a"])("rejects CAIRN_PREFIX %j", (prefix) => {
    const { lines } = problems(() => parseEnv(commonEnv, { NATS_URL: URL, CAIRN_PREFIX: prefix }));
    expect(lines).toEqual([
      "  CAIRN_PREFIX: CAIRN_PREFIX must be lower-case letters, digits and '-' (not first), parts joined by '.' (e.g. cairn, acme.prod-1)",
    ]);
  });

  it("rejects a CAIRN_PREFIX with a part that is one of Cairn's own subject tokens", () => {
    const { lines } = problems(() => parseEnv(commonEnv, { NATS_URL: URL, CAIRN_PREFIX: "acme.run" }));
    expect(lines).toEqual([
      "  CAIRN_PREFIX: CAIRN_PREFIX may not have a part run, api, tapi, stream, tap, payload, purged, archive (Cairn's own subject tokens)",
    ]);
  });

  it("rejects a non-integer number", () => {
    const { lines } = problems(() => parseEnv(commonEnv, { NATS_URL: URL, CAIRN_REPLICAS: "1.5" }));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^ {2}CAIRN_REPLICAS: /);
  });

  it("missing NATS_URL is reported with the documented 'NATS_URL is required' hint", () => {
    for (const env of [{}, { NATS_URL: "" }]) {
      const { error, lines } = problems(() => parseEnv(commonEnv, env));
      expect(error).toBeInstanceOf(ConfigError);
      expect(lines).toEqual(["  NATS_URL: NATS_URL is required (e.g. nats://nats-1:4222,nats://nats-2:4222)"]);
    }
  });

  it("a missing NATS_URL is reported alongside the other problems", () => {
    const { lines } = problems(() => parseEnv(commonEnv, { CAIRN_REPLICAS: "0" }));
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(/^ {2}NATS_URL: /);
    expect(lines[1]).toBe("  CAIRN_REPLICAS: Too small: expected number to be >=1");
  });

  it("works with a service's own extended shape", () => {
    const shape = { ...commonEnv, MY_LIMIT: z.coerce.number().int().min(1).default(7) };
    expect(parseEnv(shape, { NATS_URL: URL }).MY_LIMIT).toBe(7);
    expect(parseEnv(shape, { NATS_URL: URL, MY_LIMIT: "12" }).MY_LIMIT).toBe(12);
    const { lines } = problems(() => parseEnv(shape, { NATS_URL: URL, MY_LIMIT: "0", LOG_LEVEL: "x" }));
    expect(lines.map((l) => l.split(":")[0]!.trim()).sort()).toEqual(["LOG_LEVEL", "MY_LIMIT"]);
  });
});

describe("CAIRN_ALLOW_UNPATCHED_NATS", () => {
  it("is off unless set to 1 or true, and is passed to connectNats only when on", () => {
    expect(parseEnv(commonEnv, { NATS_URL: URL })).not.toHaveProperty("CAIRN_ALLOW_UNPATCHED_NATS");
    expect(toCommonConfig(parseEnv(commonEnv, { NATS_URL: URL }), "planner").nats).toEqual({ servers: URL });
    for (const v of ["0", "false", ""]) {
      expect(
        toCommonConfig(parseEnv(commonEnv, { NATS_URL: URL, CAIRN_ALLOW_UNPATCHED_NATS: v }), "planner").nats,
      ).toEqual({ servers: URL });
    }
    for (const v of ["1", "true"]) {
      expect(parseEnv(commonEnv, { NATS_URL: URL, CAIRN_ALLOW_UNPATCHED_NATS: v }).CAIRN_ALLOW_UNPATCHED_NATS).toBe(
        true,
      );
      expect(
        toCommonConfig(parseEnv(commonEnv, { NATS_URL: URL, CAIRN_ALLOW_UNPATCHED_NATS: v }), "planner").nats,
      ).toEqual({ servers: URL, allowUnpatchedServer: true });
    }
  });

  it("rejects other values", () => {
    const { error, lines } = problems(() => parseEnv(commonEnv, { NATS_URL: URL, CAIRN_ALLOW_UNPATCHED_NATS: "yes" }));
    expect(error).toBeInstanceOf(ConfigError);
    expect(lines).toEqual(['  CAIRN_ALLOW_UNPATCHED_NATS: Invalid option: expected one of "0"|"1"|"true"|"false"']);
  });
});

describe("toCommonConfig", () => {
  it("maps the parsed env, with the instance defaulting to <service>-<pid>", () => {
    const c = toCommonConfig(parseEnv(commonEnv, { NATS_URL: URL }), "planner");
    // strictly: a setting that is not given is absent, not present and undefined
    expect(c).toStrictEqual({
      nats: { servers: URL },
      prefix: "cairn",
      replicas: 1,
      placementTags: [],
      ackWaitMs: 10_000,
      maxDeliver: 20,
      maxMessageBytes: 1_048_576,
      largePayloadBytes: 262_144,
      doubleAck: false,
      instance: `planner-${process.pid}`,
      logLevel: "info",
    });
  });

  it("reads placement tags for a cluster", () => {
    const c = toCommonConfig(
      parseEnv(commonEnv, { NATS_URL: URL, CAIRN_REPLICAS: "3", CAIRN_PLACEMENT_TAGS: "eu, ssd" }),
      "planner",
    );
    expect([c.replicas, c.placementTags]).toEqual([3, ["eu", "ssd"]]);
  });

  it("passes credentials, crash point and instance through", () => {
    const c = toCommonConfig(
      parseEnv(commonEnv, {
        NATS_URL: URL,
        NATS_USER: "u",
        NATS_PASSWORD: "p",
        NATS_TOKEN: "tok",
        NATS_CREDS: "/creds/x.creds",
        CAIRN_CRASH_AT: "after-publish:2",
        CAIRN_INSTANCE: "planner-a",
      }),
      "planner",
    );
    expect(c.nats).toEqual({ servers: URL, user: "u", pass: "p", token: "tok", credsFile: "/creds/x.creds" });
    expect(c.crashAt).toBe("after-publish:2");
    // TLS files (as the nats CLI names the variables), for a TLS-only server
    const tls = toCommonConfig(
      parseEnv(commonEnv, { NATS_URL: URL, NATS_CA: "/tls/ca.pem", NATS_CERT: "/tls/c.pem", NATS_KEY: "/tls/c.key" }),
      "planner",
    );
    expect(tls.nats).toEqual({
      servers: URL,
      tls: { caFile: "/tls/ca.pem", certFile: "/tls/c.pem", keyFile: "/tls/c.key" },
    });
    expect(toCommonConfig(parseEnv(commonEnv, { NATS_URL: URL, NATS_CA: "/tls/ca.pem" }), "planner").nats).toEqual({
      servers: URL,
      tls: { caFile: "/tls/ca.pem" },
    });
    expect(c.instance).toBe("planner-a");
  });
});

describe("the variables' bounds, descriptions and helpers", () => {
  it("takes sizes and waits at or above their minimum, and refuses them below", () => {
    const e = parseEnv(commonEnv, {
      NATS_URL: URL,
      CAIRN_ACK_WAIT_MS: "60000",
      CAIRN_MAX_MESSAGE_BYTES: "8388608",
      CAIRN_LARGE_PAYLOAD_BYTES: "4194304",
    });
    expect([e.CAIRN_ACK_WAIT_MS, e.CAIRN_MAX_MESSAGE_BYTES, e.CAIRN_LARGE_PAYLOAD_BYTES]).toEqual([
      60_000, 8_388_608, 4_194_304,
    ]);
    const { lines } = problems(() =>
      parseEnv(commonEnv, {
        NATS_URL: URL,
        CAIRN_ACK_WAIT_MS: "199",
        CAIRN_MAX_MESSAGE_BYTES: "1023",
        CAIRN_LARGE_PAYLOAD_BYTES: "1023",
      }),
    );
    expect(lines.map((l) => l.split(":")[0]!.trim())).toEqual([
      "CAIRN_ACK_WAIT_MS",
      "CAIRN_MAX_MESSAGE_BYTES",
      "CAIRN_LARGE_PAYLOAD_BYTES",
    ]);
  });

  it("describes every variable (docs/configuration.md is generated from these)", () => {
    const undescribed = Object.entries(commonEnv)
      .filter(([, schema]) => !(schema as z.ZodType).description?.trim())
      .map(([name]) => name);
    expect(undescribed).toEqual([]);
  });

  it("envFlag: true/1 and false/0, the default when unset, nothing else", () => {
    const shape = { ON: envFlag(true), OFF: envFlag(false) };
    expect(parseEnv(shape, {})).toEqual({ ON: true, OFF: false });
    expect(parseEnv(shape, { ON: "0", OFF: "1" })).toEqual({ ON: false, OFF: true });
    expect(parseEnv(shape, { ON: "false", OFF: "true" })).toEqual({ ON: false, OFF: true });
    expect(problems(() => parseEnv(shape, { ON: "yes" })).lines).toHaveLength(1);
  });

  it("parseLimits reads name=positive integer pairs and names the variable of a bad one", () => {
    expect(parseLimits("CAIRN_TOOL_LIMITS", " render=2, train=1 ,")).toEqual(
      new Map([
        ["render", 2],
        ["train", 1],
      ]),
    );
    expect(parseLimits("X", undefined)).toEqual(new Map());
    for (const bad of ["render", "render=0", "render=-1", "ren der=2", "render=2x", "a.b=1", `${"n".repeat(65)}=1`]) {
      expect(() => parseLimits("CAIRN_TOOL_LIMITS", bad)).toThrow(
        new ConfigError(
          `invalid configuration:\n  CAIRN_TOOL_LIMITS: "${bad.trim()}" is not <name>=<positive integer>`,
        ),
      );
    }
    expect(parseLimits("X", `${"n".repeat(64)}=10`).get("n".repeat(64))).toBe(10);
  });
});

describe("workerRetryPolicy", () => {
  it("is the configured attempts and first delay, doubling, capped at a minute", () => {
    expect(workerRetryPolicy(4, 1000)).toEqual({
      maxAttempts: 4,
      initialDelayMs: 1000,
      maxDelayMs: 60_000,
      multiplier: 2,
    });
  });
});
