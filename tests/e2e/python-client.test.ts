import { execFile } from "node:child_process";
import { join } from "node:path";
import { promisify } from "node:util";
import { rmSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createLogger } from "@cairn/telemetry";
import { tempDir, uniquePrefix, workspaceRoot } from "@cairn/testing";
import { LEDGER_ANSWER, LEDGER_SCRIPT, makeFixture, serviceEnv, useEmbedded } from "../helpers.js";

// A client in another language, as docs/protocol.md describes it: Python with nats-py and msgpack,
// installed from the package registry into this file's own venv, against a real nats-server and
// the real services.
const exec = promisify(execFile);
const h = useEmbedded();
const PYTHON_DIR = join(workspaceRoot(), "tests", "python");

/** The venv's python, or why there is none (python3 or its venv module missing: skipped, but not under CI=true). */
let venvPython: string | undefined;
let noPython: string | undefined;
let venvDir: string | undefined;
afterAll(() => {
  if (venvDir) rmSync(venvDir, { recursive: true, force: true });
});

beforeAll(async () => {
  const python = process.env.CAIRN_TEST_PYTHON ?? "python3";
  try {
    await exec(python, ["-c", "import venv, ensurepip"], { timeout: 30_000 });
  } catch (err) {
    noPython = `${python} with its venv and ensurepip modules is needed for the Python client test: ${(err as Error).message.split("\n")[0]} (install python3 and python3-venv, or set CAIRN_TEST_PYTHON)`;
    return;
  }
  // A fresh venv for this run, in a temp dir (never in the repository), removed after it.
  venvDir = tempDir("cairn-python-client-");
  const venv = join(venvDir, "venv");
  await exec(python, ["-m", "venv", venv], { timeout: 120_000 });
  const bin = join(venv, "bin");
  try {
    await exec(join(bin, "pip"), ["install", "--quiet", "-r", join(PYTHON_DIR, "requirements.txt")], {
      timeout: 300_000,
    });
  } catch (err) {
    const e = err as Error & { stderr?: string };
    throw new Error(`pip could not install tests/python/requirements.txt into ${venv}: ${e.stderr || e.message}`);
  }
  venvPython = join(bin, "python");
}, 420_000);

interface Reply {
  code: string | null;
  description: string | null;
  body: { v: number; error: { kind: string; message: string; retryable?: boolean } } | null;
}
interface EndpointStats {
  name: string;
  num_requests: number;
  num_errors: number;
  last_error: string;
  processing_time: number;
  average_processing_time: number;
}
interface Output {
  info: {
    name: string;
    version: string;
    metadata: Record<string, string>;
    endpoints: { name: string; subject: string; metadata: Record<string, string> }[];
  };
  submitted: { v: number; runId: string; created: boolean };
  firstStatus: { runId: string; status: string; task: string };
  records: { seq: number; subject: string; type: string }[];
  ended: { status: string; answer: string; turns: number };
  finalStatus: { runId: string; status: string; answer: string };
  notFound: Reply;
  badVersion: Reply;
  stats: { name: string; endpoints: EndpointStats[] };
}

describe("a Python client (nats-py, msgpack) speaks the wire protocol", () => {
  it("submits without v, reads status, watches the log to its end, and reads micro errors and stats", async (ctx) => {
    if (noPython) {
      if (process.env.CI === "true") throw new Error(noPython);
      ctx.skip(noPython);
    }
    const f = makeFixture({ work: LEDGER_SCRIPT });
    const prefix = uniquePrefix();
    await h.start({
      prefix,
      env: serviceEnv(h.server.url, prefix, f),
      agents: f.agents,
      log: createLogger({ service: "test", level: "info", destination: join(f.dir, "services.log") }),
    });

    const { stdout } = await exec(
      venvPython!,
      [join(PYTHON_DIR, "cairn_client.py"), h.server.url, prefix, "record four items"],
      { timeout: 120_000 },
    ).catch((err: Error & { stdout?: string; stderr?: string }) => {
      throw new Error(`cairn_client.py failed: ${err.stderr || err.message}\n${err.stdout ?? ""}`);
    });
    const out = JSON.parse(stdout) as Output;

    // Discovery: each endpoint names its request, reply and error schemas.
    expect(out.info.name).toBe("cairn");
    expect(out.info.version).toMatch(/^\d+\.\d+\.\d+/);
    expect(out.info.metadata).toMatchObject({ prefix, protocol_version: "1" });
    const submitInfo = out.info.endpoints.find((e) => e.name === "submit");
    expect(submitInfo).toMatchObject({
      subject: `${prefix}.api.submit`,
      metadata: { request_schema: "submit-request.v1", reply_schema: "submit-reply.v1", error_schema: "api-error.v1" },
    });
    expect(out.info.endpoints.find((e) => e.name === "status")?.metadata).toMatchObject({
      request_schema: "run-request.v1",
      reply_schema: "run-status.v1",
    });

    // Submitted without v, and read back.
    expect(out.submitted).toMatchObject({ v: 1, created: true });
    expect(out.firstStatus).toMatchObject({ runId: out.submitted.runId, task: "record four items" });

    // The whole log, every record decoded from msgpack: submission first, end last, in stream order.
    const types = out.records.map((r) => r.type);
    expect(out.records[0]).toMatchObject({ subject: "evt.submitted", type: "run.submitted" });
    expect(out.records.at(-1)).toMatchObject({ subject: "evt.ended", type: "run.ended" });
    expect(out.records.map((r) => r.seq)).toEqual([...out.records.map((r) => r.seq)].sort((a, b) => a - b));
    expect(types.filter((t) => t === "llm.command")).toHaveLength(3);
    expect(types.filter((t) => t === "llm.result")).toHaveLength(3);
    expect(types.filter((t) => t === "tool.command")).toHaveLength(4);
    expect(types.filter((t) => t === "tool.result")).toHaveLength(4);
    expect(out.records.find((r) => r.type === "tool.result")?.subject).toMatch(/^evt\.tool\.1\.\d\.ledger$/);
    expect(out.ended).toEqual({ status: "completed", answer: LEDGER_ANSWER, turns: 3 });
    expect(out.finalStatus).toMatchObject({ status: "completed", answer: LEDGER_ANSWER });

    // Errors the NATS micro way: the code and description in headers, the ApiError as the body.
    expect(out.notFound.code).toBe("404");
    expect(out.notFound.description).toBe("no run nosuchrun (never submitted, or purged)");
    expect(out.notFound.body).toEqual({
      v: 1,
      error: { kind: "not_found", message: "no run nosuchrun (never submitted, or purged)", retryable: false },
    });
    expect(out.badVersion.code).toBe("400");
    expect(out.badVersion.body?.error.kind).toBe("unsupported_version");

    // $SRV.STATS counts them: per endpoint, errors included, timed to the answer.
    const stat = (name: string) => out.stats.endpoints.find((e) => e.name === name)!;
    expect(stat("status")).toMatchObject({
      num_requests: 3,
      num_errors: 1,
      last_error: "no run nosuchrun (never submitted, or purged)",
    });
    expect(stat("submit")).toMatchObject({ num_requests: 2, num_errors: 1 });
    expect(stat("submit").last_error).toContain("v=2");
    expect(stat("read").num_requests).toBeGreaterThanOrEqual(1);
    expect(stat("read").num_errors).toBe(0);
    expect(stat("submit").processing_time).toBeGreaterThan(0);
    expect(stat("list_tenant")).toMatchObject({ num_requests: 0, num_errors: 0 });
  });
});
