import { execFile, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse, parseAllDocuments } from "yaml";
import { connect, type NatsConnection } from "@nats-io/transport-node";
import { AckPolicy, DeliverPolicy, jetstream, jetstreamManager } from "@nats-io/jetstream";
import { Kvm } from "@nats-io/kv";
import { CairnClient } from "@cairn/client";
import { loadConfig as loadLlmCallerConfig, startLlmCaller } from "@cairn/llm-caller";
import { loadConfig as loadPlannerConfig, parseAgents, startPlanner } from "@cairn/planner";
import { silentLogger } from "@cairn/telemetry";
import { findNatsServer, ledgerToolModule, startNatsServer, tempDir, waitFor, workspaceRoot, type RunningNatsServer } from "@cairn/testing";
import { loadConfig as loadToolRunnerConfig, startToolRunner } from "@cairn/tool-runner";

const run = promisify(execFile);
const root = workspaceRoot();
const deploy = join(root, "deploy");
const natsDir = join(deploy, "nats");
const configs = readdirSync(natsDir).filter((f) => f.endsWith(".conf"));
const accountsConf = readFileSync(join(natsDir, "accounts.conf"), "utf8");

/** Test passwords for the `$VAR`s deploy/nats/accounts.conf takes from the server's environment. */
const PASSWORDS = {
  CAIRN_ADMIN_PASSWORD: "pw-admin",
  CAIRN_PLANNER_PASSWORD: "pw-planner",
  CAIRN_LLM_CALLER_PASSWORD: "pw-llm-caller",
  CAIRN_TOOL_RUNNER_PASSWORD: "pw-tool-runner",
  CAIRN_CLIENT_PASSWORD: "pw-client",
  NATS_SYS_PASSWORD: "pw-sys",
} as const;
const USER_PASSWORD: Record<string, string> = {
  admin: PASSWORDS.CAIRN_ADMIN_PASSWORD,
  planner: PASSWORDS.CAIRN_PLANNER_PASSWORD,
  "llm-caller": PASSWORDS.CAIRN_LLM_CALLER_PASSWORD,
  "tool-runner": PASSWORDS.CAIRN_TOOL_RUNNER_PASSWORD,
  client: PASSWORDS.CAIRN_CLIENT_PASSWORD,
};
// startNatsServer's children inherit the environment: the password variables resolve there too.
Object.assign(process.env, PASSWORDS);

/** The password variables accounts.conf references. */
const passwordVars = [...accountsConf.matchAll(/password:\s*\$([A-Z0-9_]+)/g)].map((m) => m[1]!);

function filesUnder(dir: string, keep: (f: string) => boolean): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...filesUnder(p, keep));
    else if (keep(p)) out.push(p);
  }
  return out.sort();
}

function yamlFile<T = any>(path: string): T {
  return parse(readFileSync(path, "utf8"), { merge: true }) as T;
}

describe("deploy/nats configs", () => {
  it("has the single-node config, the three cluster nodes and the accounts", () => {
    expect(configs).toEqual(expect.arrayContaining(["single-node.conf", "nats-1.conf", "nats-2.conf", "nats-3.conf", "accounts.conf"]));
    expect(passwordVars.sort()).toEqual(Object.keys(PASSWORDS).sort());
  });

  for (const f of configs) {
    it(`${f} passes nats-server -t (with the password variables set)`, async () => {
      const r = await run(findNatsServer().path, ["-t", "-c", join(natsDir, f)], { env: { ...process.env, ...PASSWORDS } });
      expect(`${r.stdout}${r.stderr}`).toMatch(/configuration file .* is valid/);
    });
  }

  it("takes the passwords from the environment: a node refuses to start without them", () => {
    const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !(k in PASSWORDS)));
    const r = spawnSync(findNatsServer().path, ["-t", "-c", join(natsDir, "nats-1.conf")], { env, encoding: "utf8" });
    expect(r.status).not.toBe(0);
    expect(r.stderr).toMatch(/variable reference for 'CAIRN_[A-Z_]+_PASSWORD'.*can not be found/);
  });

  it("makes the cluster nodes distinct, routed to each other, with JetStream fsyncing every write", () => {
    const common = readFileSync(join(natsDir, "cluster.inc"), "utf8");
    const names = ["nats-1.conf", "nats-2.conf", "nats-3.conf"].map((f) => /^server_name:\s*(\S+)/m.exec(readFileSync(join(natsDir, f), "utf8"))?.[1]);
    expect(new Set(names).size).toBe(3);
    for (const n of [1, 2, 3]) expect(common).toContain(`nats-route://nats-${n}:6222`);
    for (const text of [common, readFileSync(join(natsDir, "single-node.conf"), "utf8")]) {
      expect(text).toMatch(/^\s*sync_interval:\s*always\s*$/m);
      expect(text).toMatch(/^include \.\/accounts\.conf$/m);
    }
  });
});

// ---------------------------------------------------------------------------------------------
// YAML: compose, Kubernetes manifests, Helm values

const composeFile = join(deploy, "compose", "compose.yaml");
const k8sDir = join(deploy, "k8s");

describe("deploy/ YAML files", () => {
  const files = filesUnder(deploy, (f) => /\.ya?ml$/.test(f));

  it("has compose, kustomize and Helm values files", () => {
    const rel = files.map((f) => relative(deploy, f));
    expect(rel).toEqual(expect.arrayContaining(["compose/compose.yaml", "k8s/kustomization.yaml", "k8s/nats-values.yaml"]));
  });

  for (const f of files) {
    it(`${relative(root, f)} parses`, () => {
      const docs = parseAllDocuments(readFileSync(f, "utf8"), { merge: true });
      const list = Array.isArray(docs) ? docs : [docs];
      for (const d of list) expect(d.errors.map((e) => e.message)).toEqual([]);
      expect(list.length).toBeGreaterThan(0);
    });
  }
});

describe("deploy/compose/compose.yaml", () => {
  const compose = yamlFile(composeFile);
  const services = compose.services as Record<string, any>;
  const env = readFileSync(join(deploy, "compose", ".env.example"), "utf8");

  it("has the 3-node NATS cluster, Jaeger and the three services", () => {
    expect(Object.keys(services)).toEqual(expect.arrayContaining(["nats-1", "nats-2", "nats-3", "jaeger", "planner", "llm-caller", "tool-runner"]));
  });

  it("starts each NATS node with its own config from deploy/nats, the passwords and a volume", () => {
    for (const n of [1, 2, 3]) {
      const s = services[`nats-${n}`];
      const mount = (s.volumes as string[]).find((v) => v.endsWith(":ro"))!.split(":");
      const hostDir = resolve(dirname(composeFile), mount[0]!);
      expect(hostDir).toBe(natsDir);
      const conf = (s.command as string[]).find((a) => a.endsWith(".conf"))!;
      expect(conf).toBe(`${mount[1]}/nats-${n}.conf`);
      expect(existsSync(join(hostDir, `nats-${n}.conf`))).toBe(true);
      expect(Object.keys(s.environment)).toEqual(expect.arrayContaining(passwordVars));
      expect((s.volumes as string[]).some((v) => v.endsWith(":/data"))).toBe(true);
    }
  });

  it("runs Jaeger with OTLP (4317, 4318) and its UI (16686)", () => {
    const ports = (services.jaeger.ports as string[]).join(" ");
    for (const p of ["4317", "4318", "16686"]) expect(ports).toContain(`:${p}`);
  });

  it("builds the services from deploy/docker/Dockerfile and points them at every node, with R3 and their own users", () => {
    for (const name of ["planner", "llm-caller", "tool-runner"]) {
      const s = services[name];
      expect(s.build ?? s.image).toBeTruthy();
      expect(existsSync(resolve(dirname(composeFile), s.build.context as string, s.build.dockerfile as string))).toBe(true);
      const e = s.environment as Record<string, string>;
      for (const n of [1, 2, 3]) expect(e.NATS_URL).toContain(`nats://nats-${n}:4222`);
      expect(e.CAIRN_REPLICAS).toBe("3");
      expect(e.NATS_USER).toBe(name);
      expect(e.OTEL_EXPORTER_OTLP_ENDPOINT).toMatch(/^http:\/\/jaeger:43(17|18)$/);
      expect(s.command).toEqual([`services/${name}/dist/main.js`]);
      expect(existsSync(join(root, "services", name, "src", "main.ts"))).toBe(true);
    }
  });

  it("scales the tool-runner to several replicas sharing one workspace volume", () => {
    const s = services["tool-runner"];
    expect(s.deploy.replicas).toBeGreaterThanOrEqual(2);
    expect((s.volumes as string[]).some((v) => v.endsWith(`:${(s.environment as Record<string, string>).CAIRN_WORKSPACE_ROOT}`))).toBe(true);
  });

  it("lists every variable the compose file requires in .env.example", () => {
    const required = new Set([...readFileSync(composeFile, "utf8").matchAll(/\$\{([A-Z0-9_]+):\?/g)].map((m) => m[1]!));
    for (const v of required) expect(env).toMatch(new RegExp(`^${v}=`, "m"));
  });
});

describe("deploy/docker/Dockerfile", () => {
  const text = readFileSync(join(deploy, "docker", "Dockerfile"), "utf8");
  const stages = text.split(/^FROM /m).slice(1);

  it("builds in one stage and runs production dependencies only, as a non-root user, in another", () => {
    expect(stages.length).toBeGreaterThanOrEqual(2);
    expect(stages[0]).toMatch(/npm ci/);
    expect(stages[0]).toMatch(/npx tsc -b/);
    const last = stages.at(-1)!;
    expect(last).toMatch(/npm ci --omit=dev/);
    const user = [...last.matchAll(/^USER\s+(\S+)/gm)].at(-1)?.[1];
    expect(user).toBeDefined();
    expect(["root", "0"]).not.toContain(user);
    expect(last).toMatch(/^ENTRYPOINT .*"node"\]/m);
  });
});

interface K8sDoc {
  apiVersion: string;
  kind: string;
  metadata: { name: string };
  spec: any;
}

describe("deploy/k8s (kustomize)", () => {
  const kz = yamlFile(join(k8sDir, "kustomization.yaml"));
  const resources = kz.resources as string[];
  const docs: K8sDoc[] = resources.flatMap((r) => parseAllDocuments(readFileSync(join(k8sDir, r), "utf8")).map((d) => d.toJS() as K8sDoc));
  const deployments = docs.filter((d) => d.kind === "Deployment");
  const scaled = docs.filter((d) => d.kind === "ScaledObject");

  it("lists resources and generator inputs that exist", () => {
    expect(resources.length).toBeGreaterThan(0);
    for (const r of resources) expect(existsSync(join(k8sDir, r)), r).toBe(true);
    for (const g of kz.configMapGenerator as { envs?: string[]; files?: string[] }[]) {
      for (const f of [...(g.envs ?? []), ...(g.files ?? [])]) expect(existsSync(join(k8sDir, f)), f).toBe(true);
    }
  });

  it("has a Deployment for each service, with image, env, resources, probes and a non-root user", () => {
    expect(deployments.map((d) => d.metadata.name).sort()).toEqual(["llm-caller", "planner", "tool-runner"]);
    for (const d of deployments) {
      expect(d.apiVersion).toBe("apps/v1");
      const pod = d.spec.template.spec;
      const c = pod.containers[0];
      expect(c.image).toBeTruthy();
      expect(c.args).toEqual([`services/${d.metadata.name}/dist/main.js`]);
      const env = c.env as { name: string; value?: string; valueFrom?: { secretKeyRef?: { name: string; key: string } } }[];
      expect(env.length).toBeGreaterThan(0);
      expect(env.find((e) => e.name === "NATS_USER")?.value).toBe(d.metadata.name);
      expect(env.find((e) => e.name === "NATS_PASSWORD")?.valueFrom?.secretKeyRef).toEqual({ name: "cairn-nats-auth", key: d.metadata.name });
      expect(c.envFrom[0].configMapRef.name).toBe("cairn-config");
      expect(c.resources.requests).toBeDefined();
      expect(c.resources.limits).toBeDefined();
      expect(c.readinessProbe).toBeDefined();
      expect(c.livenessProbe).toBeDefined();
      expect(pod.securityContext.runAsNonRoot).toBe(true);
    }
    // KEDA owns the tool-runner's replica count.
    expect(deployments.find((d) => d.metadata.name === "tool-runner")!.spec.replicas).toBeUndefined();
  });

  it("gives every service the settings for a 3-node cluster", () => {
    const cfg = Object.fromEntries(
      readFileSync(join(k8sDir, "config.env"), "utf8")
        .split("\n")
        .filter((l) => l.includes("="))
        .map((l) => [l.slice(0, l.indexOf("=")), l.slice(l.indexOf("=") + 1)]),
    );
    expect(cfg.CAIRN_REPLICAS).toBe("3");
    expect(cfg.CAIRN_PREFIX).toBe("cairn");
    expect(cfg.NATS_URL).toMatch(/^nats:\/\//);
    expect(cfg.OTEL_EXPORTER_OTLP_ENDPOINT).toMatch(/^https?:\/\//);
    expect(() => parseAgents(readFileSync(join(k8sDir, "agents.json"), "utf8"))).not.toThrow();
  });

  it("scales the tool-runner with KEDA on its tool consumers' lag (nats-jetstream)", () => {
    expect(scaled).toHaveLength(1);
    const so = scaled[0]!;
    expect(so.apiVersion).toBe("keda.sh/v1alpha1");
    expect(so.spec.scaleTargetRef.name).toBe("tool-runner");
    expect(so.spec.minReplicaCount).toBeGreaterThanOrEqual(1);
    const triggers = so.spec.triggers as { type: string; metadata: Record<string, string> }[];
    expect(triggers.length).toBeGreaterThan(0);
    for (const t of triggers) {
      expect(t.type).toBe("nats-jetstream");
      expect(t.metadata.account).toBe("CAIRN");
      expect(t.metadata.stream).toBe("CAIRN_RUNS");
      expect(t.metadata.consumer).toMatch(/^tool_[A-Za-z0-9_-]+$/);
      expect(t.metadata.lagThreshold).toMatch(/^[1-9]\d*$/);
      expect(t.metadata.natsServerMonitoringEndpoint).toMatch(/^nats-headless\.[a-z0-9-]+\.svc\.cluster\.local:8222$/);
    }
  });

  it.skipIf(spawnSync("kubectl", ["version", "--client"]).status !== 0)("renders with kubectl kustomize", async () => {
    const r = await run("kubectl", ["kustomize", k8sDir]);
    const kinds = parseAllDocuments(r.stdout).map((d) => (d.toJS() as K8sDoc).kind);
    expect(kinds.filter((k) => k === "Deployment")).toHaveLength(3);
    expect(kinds).toContain("ScaledObject");
  });
});

// The Helm chart merges `config.merge` into nats.conf as JSON, unquoting "<< ... >>" strings.
const helmValues = yamlFile(join(k8sDir, "nats-values.yaml"));
function helmMergeConfig(): string {
  const merge = helmValues.config.merge as Record<string, unknown>;
  return Object.entries(merge)
    .map(([k, v]) => `${k}: ${JSON.stringify(v, null, 2).replace(/"<<\s+(.*?)\s+>>"/g, "$1")}`)
    .join("\n");
}

interface Perms {
  pubAllow: string[];
  pubDeny: string[];
  subAllow: string[];
  allowResponses: boolean;
}

/** The permission lists of accounts.conf, by user (a small reader for the file's own layout). */
function confPermissions(): Record<string, Perms> {
  const blocks = new Map<string, string>();
  for (const m of accountsConf.matchAll(/^(CAIRN_[A-Z_]+_PERMISSIONS) = \{\n([\s\S]*?)^\}/gm)) blocks.set(m[1]!, m[2]!);
  const out: Record<string, Perms> = {};
  const cairnAccount = accountsConf.slice(accountsConf.indexOf("  CAIRN {"), accountsConf.indexOf("  SYS {"));
  for (const m of cairnAccount.matchAll(/\{ user: ([\w-]+), password: \$\w+(?:, permissions: \$(\w+))? \}/g)) {
    const p: Perms = { pubAllow: [], pubDeny: [], subAllow: [], allowResponses: false };
    const text = m[2] ? blocks.get(m[2])!.replace(/^\s*#.*$/gm, "") : "";
    let section = "";
    let list = "";
    for (const t of text.matchAll(/(publish|subscribe|allow|deny|allow_responses)\s*:\s*(true)?|"([^"]*)"/g)) {
      if (t[1] === "publish" || t[1] === "subscribe") section = t[1];
      else if (t[1] === "allow" || t[1] === "deny") list = t[1];
      else if (t[1] === "allow_responses") p.allowResponses = t[2] === "true";
      else if (section === "publish") (list === "allow" ? p.pubAllow : p.pubDeny).push(t[3]!);
      else if (section === "subscribe" && list === "allow") p.subAllow.push(t[3]!);
    }
    out[m[1]!] = p;
  }
  return out;
}

describe("deploy/k8s/nats-values.yaml (official NATS Helm chart)", () => {
  const cfg = helmValues.config;

  it("runs a 3-node cluster with JetStream on file storage with PVCs, fsyncing every write", () => {
    expect(cfg.cluster.enabled).toBe(true);
    expect(cfg.cluster.replicas).toBe(3);
    expect(cfg.jetstream.enabled).toBe(true);
    expect(cfg.jetstream.fileStore.enabled).toBe(true);
    expect(cfg.jetstream.fileStore.pvc.enabled).toBe(true);
    expect(cfg.jetstream.merge.sync_interval).toBe("always");
  });

  it("merges the same accounts, users and permissions as deploy/nats/accounts.conf", () => {
    const conf = confPermissions();
    expect(Object.keys(conf).sort()).toEqual(["admin", "client", "llm-caller", "planner", "tool-runner"]);
    const users = cfg.merge.accounts.CAIRN.users as { user: string; password: string; permissions?: any }[];
    const helm: Record<string, Perms> = {};
    for (const u of users) {
      helm[u.user] = {
        pubAllow: u.permissions?.publish?.allow ?? [],
        pubDeny: u.permissions?.publish?.deny ?? [],
        subAllow: u.permissions?.subscribe?.allow ?? [],
        allowResponses: u.permissions?.allow_responses ?? false,
      };
    }
    for (const [user, p] of Object.entries(conf)) {
      expect(helm[user], user).toBeDefined();
      expect([...helm[user]!.pubAllow].sort(), `${user} publish allow`).toEqual([...p.pubAllow].sort());
      expect([...helm[user]!.pubDeny].sort(), `${user} publish deny`).toEqual([...p.pubDeny].sort());
      expect([...helm[user]!.subAllow].sort(), `${user} subscribe allow`).toEqual([...p.subAllow].sort());
      expect(helm[user]!.allowResponses, `${user} allow_responses`).toBe(p.allowResponses);
    }
    expect(cfg.merge.system_account).toBe("SYS");
    expect(Object.keys(helmValues.container.env)).toEqual(expect.arrayContaining(passwordVars));
    for (const v of passwordVars) expect(helmMergeConfig()).toContain(`$${v}`);
  });
});

// ---------------------------------------------------------------------------------------------
// Least privilege, checked in a real nats-server with real connections

function errorText(err: unknown): string {
  const e = err as Error & { cause?: Error };
  return `${e?.name ?? ""} ${e?.message ?? String(err)} ${e?.cause?.message ?? ""}`;
}

/** Publishes (as a request) and tells whether the server let it through. */
async function canPublish(nc: NatsConnection, subject: string, data = "probe"): Promise<boolean> {
  try {
    await nc.request(subject, data, { timeout: 750 });
    return true;
  } catch (err) {
    const t = errorText(err);
    if (/Permissions Violation for Publish/i.test(t)) return false;
    if (/no responders|timeout/i.test(t)) return true;
    throw err;
  }
}

async function canSubscribe(nc: NatsConnection, subject: string, queue?: string): Promise<boolean> {
  const sub = nc.subscribe(subject, queue ? { queue } : {});
  await nc.flush();
  const closed = await Promise.race([sub.closed.then(() => true), new Promise<boolean>((r) => setTimeout(() => r(false), 100))]);
  if (!closed) sub.unsubscribe();
  return !closed;
}

const PERMISSION_SOURCES = [
  { name: "deploy/nats/accounts.conf", config: () => accountsConf },
  { name: "deploy/k8s/nats-values.yaml", config: helmMergeConfig },
];

describe.each(PERMISSION_SOURCES)("least-privilege users of $name, in a real nats-server", ({ config }) => {
  let server: RunningNatsServer;
  const open: NatsConnection[] = [];
  const as = async (user: string): Promise<NatsConnection> => {
    const nc = await connect({ servers: server.url, user, pass: USER_PASSWORD[user]!, maxReconnectAttempts: 0 });
    open.push(nc);
    return nc;
  };

  beforeAll(async () => {
    server = await startNatsServer({ extraConfig: config() });
    // The admin provisions what the services would: the stream, the buckets, the work queues.
    const admin = await as("admin");
    const jsm = await jetstreamManager(admin);
    await jsm.streams.add({ name: "CAIRN_RUNS", subjects: ["cairn.run.>"], allow_direct: true });
    const kvm = new Kvm(admin);
    await kvm.create("CAIRN_runs");
    await (await kvm.create("CAIRN_tools")).put("echo", "spec");
    for (const [durable, filters] of [
      ["planner", ["cairn.run.*.evt.>"]],
      ["llm_scripted", ["cairn.run.*.cmd.llm.*.scripted", "cairn.run.*.cmd.summary.*.scripted"]],
      ["tool_echo", ["cairn.run.*.cmd.tool.*.*.echo"]],
    ] as const) {
      await jsm.consumers.add("CAIRN_RUNS", { durable_name: durable, ack_policy: AckPolicy.Explicit, ...(filters.length === 1 ? { filter_subject: filters[0] } : { filter_subjects: [...filters] }), ack_wait: 30_000_000_000 });
    }
    const js = jetstream(admin);
    await js.publish("cairn.run.r0.evt.submitted", "submitted");
    await js.publish("cairn.run.r0.cmd.llm.1.scripted", "llm command");
    await js.publish("cairn.run.r0.cmd.tool.1.0.echo", "tool command");
  });
  afterAll(async () => {
    await Promise.all(open.map((nc) => nc.close()));
    await server?.stop();
  });

  it("refuses connections without a user or with a wrong password", async () => {
    await expect(connect({ servers: server.url, maxReconnectAttempts: 0 })).rejects.toThrow(/Authorization Violation/);
    await expect(connect({ servers: server.url, user: "tool-runner", pass: "wrong", maxReconnectAttempts: 0 })).rejects.toThrow(/Authorization Violation/);
  });

  it("lets a tool-runner record tool results, register tools and work its tool consumers — nothing else", async () => {
    const nc = await as("tool-runner");
    const js = jetstream(nc);
    expect((await js.publish("cairn.run.x.evt.tool.1.0", "result")).seq).toBeGreaterThan(0);
    expect(await canPublish(nc, "cairn.run.x.evt.error.s7")).toBe(true);
    // not a model response, a tool command, a submission or an end
    for (const s of ["cairn.run.x.evt.llm.1", "cairn.run.x.cmd.tool.1.0.t", "cairn.run.x.cmd.llm.1.scripted", "cairn.run.x.evt.submitted", "cairn.run.x.evt.ended", "cairn.run.x.evt.signal.cancel"]) {
      expect(await canPublish(nc, s), s).toBe(false);
    }
    await (await new Kvm(nc).open("CAIRN_tools")).put("echo", "spec");
    expect(await canPublish(nc, "$KV.CAIRN_runs.x")).toBe(false);

    // its own consumer: create/update it, pull a call, ack it
    const jsm = await jetstreamManager(nc);
    await jsm.consumers.update("CAIRN_RUNS", "tool_echo", { max_ack_pending: 2 });
    await jsm.consumers.add("CAIRN_RUNS", { durable_name: "tool_new", ack_policy: AckPolicy.Explicit, filter_subject: "cairn.run.*.cmd.tool.*.*.new" });
    const m = await (await js.consumers.get("CAIRN_RUNS", "tool_echo")).next({ expires: 2_000 });
    expect(m?.subject).toBe("cairn.run.r0.cmd.tool.1.0.echo");
    expect(await m!.ackAck()).toBe(true);
    expect((await jsm.direct.getMessage("CAIRN_RUNS", { last_by_subj: "cairn.run.x.evt.tool.1.0" }))?.subject).toBe("cairn.run.x.evt.tool.1.0");
    // a redelivered call: is its result recorded? (asked of the stream leader, as the service does)
    expect((await jsm.streams.getMessage("CAIRN_RUNS", { last_by_subj: "cairn.run.x.evt.tool.1.0" }))?.subject).toBe("cairn.run.x.evt.tool.1.0");

    // the other services' consumers: no pulling, acking or reconfiguring them
    for (const s of [
      "$JS.API.CONSUMER.MSG.NEXT.CAIRN_RUNS.planner",
      "$JS.API.CONSUMER.MSG.NEXT.CAIRN_RUNS.llm_scripted",
      "$JS.ACK.CAIRN_RUNS.planner.1.1.1.1.0",
      "$JS.API.CONSUMER.CREATE.CAIRN_RUNS.planner.cairn.run.*.cmd.tool.*.*.echo",
      "$JS.API.CONSUMER.CREATE.CAIRN_RUNS.llm_scripted.cairn.run.*.cmd.tool.*.*.echo",
      "$JS.API.CONSUMER.CREATE.CAIRN_RUNS",
      "$JS.API.CONSUMER.DURABLE.CREATE.CAIRN_RUNS.planner",
      "$JS.API.CONSUMER.CREATE.CAIRN_RUNS.tool_evil.cairn.run.>",
      "$JS.API.CONSUMER.DELETE.CAIRN_RUNS.tool_echo",
      "$JS.API.STREAM.DELETE.CAIRN_RUNS",
      "$JS.API.STREAM.PURGE.CAIRN_RUNS",
      "$JS.API.STREAM.MSG.DELETE.CAIRN_RUNS",
    ]) {
      expect(await canPublish(nc, s, "{}"), s).toBe(false);
    }
    // it hears cancel signals (to abort running tools), and nothing else of the runs
    expect(await canSubscribe(nc, "cairn.run.*.evt.signal.cancel")).toBe(true);
    expect(await canSubscribe(nc, "cairn.run.>")).toBe(false);
    expect(await canSubscribe(nc, "cairn.api.submit", "q")).toBe(false);
  });

  it("lets an llm-caller record model responses from its provider consumers — nothing else", async () => {
    const nc = await as("llm-caller");
    const js = jetstream(nc);
    // the tool results the stream republishes (its read-ahead), and no other stored subject
    expect(await canSubscribe(nc, "cairn.tap.*.tool.>")).toBe(true);
    expect(await canSubscribe(nc, "cairn.run.>")).toBe(false);
    expect((await js.publish("cairn.run.x.evt.llm.1", "response")).seq).toBeGreaterThan(0);
    expect((await js.publish("cairn.run.x.evt.summary.2", "summary")).seq).toBeGreaterThan(0);
    for (const s of ["cairn.run.x.evt.tool.1.0", "cairn.run.x.cmd.llm.2.scripted", "cairn.run.x.cmd.summary.2.scripted", "cairn.run.x.cmd.tool.1.0.t", "cairn.run.x.evt.ended", "$KV.CAIRN_tools.x", "$KV.CAIRN_runs.x"]) {
      expect(await canPublish(nc, s), s).toBe(false);
    }
    const jsm = await jetstreamManager(nc);
    // a redelivered command: is its response recorded? (asked of the stream leader, as the service does)
    expect((await jsm.streams.getMessage("CAIRN_RUNS", { last_by_subj: "cairn.run.x.evt.llm.1" }))?.subject).toBe("cairn.run.x.evt.llm.1");
    expect(await jsm.streams.getMessage("CAIRN_RUNS", { last_by_subj: "cairn.run.x.evt.llm.9" })).toBeNull();
    await jsm.consumers.update("CAIRN_RUNS", "llm_scripted", { max_ack_pending: 4 });
    const m = await (await js.consumers.get("CAIRN_RUNS", "llm_scripted")).next({ expires: 2_000 });
    expect(m?.subject).toBe("cairn.run.r0.cmd.llm.1.scripted");
    expect(await m!.ackAck()).toBe(true);
    for (const s of [
      "$JS.API.CONSUMER.MSG.NEXT.CAIRN_RUNS.planner",
      "$JS.API.CONSUMER.MSG.NEXT.CAIRN_RUNS.tool_echo",
      "$JS.ACK.CAIRN_RUNS.tool_echo.1.1.1.1.0",
      "$JS.API.CONSUMER.CREATE.CAIRN_RUNS.planner.cairn.run.*.evt.>",
      "$JS.API.CONSUMER.CREATE.CAIRN_RUNS.tool_echo.cairn.run.*.cmd.tool.*.*.echo",
      "$JS.API.CONSUMER.CREATE.CAIRN_RUNS",
      "$JS.API.STREAM.DELETE.CAIRN_RUNS",
    ]) {
      expect(await canPublish(nc, s, "{}"), s).toBe(false);
    }
  });

  it("lets the planner append commands and run events, serve the API in its queue group, and create work queues", async () => {
    const nc = await as("planner");
    const js = jetstream(nc);
    for (const s of ["cairn.run.p.evt.submitted", "cairn.run.p.cmd.llm.1.scripted", "cairn.run.p.cmd.summary.2.scripted", "cairn.run.p.cmd.tool.1.0.echo", "cairn.run.p.evt.approval.1.0", "cairn.run.p.evt.approval.2.budget", "cairn.run.p.evt.signal.cancel", "cairn.run.p.evt.error.s3", "cairn.run.p.evt.ended"]) {
      expect((await js.publish(s, "x")).seq, s).toBeGreaterThan(0);
    }
    for (const s of ["cairn.run.p.evt.llm.1", "cairn.run.p.evt.summary.2", "cairn.run.p.evt.tool.1.0", "$KV.CAIRN_tools.x"]) expect(await canPublish(nc, s), s).toBe(false);
    await (await new Kvm(nc).open("CAIRN_runs")).put("p", "status");
    expect((await (await new Kvm(nc).open("CAIRN_tools")).get("echo"))?.string()).toBe("spec");

    const jsm = await jetstreamManager(nc);
    // work queues for a tool and a provider nobody serves yet
    await jsm.consumers.add("CAIRN_RUNS", { durable_name: "tool_later", ack_policy: AckPolicy.Explicit, filter_subject: "cairn.run.*.cmd.tool.*.*.later" });
    // a provider's queue has two filters (model turns and summaries)
    await jsm.consumers.add("CAIRN_RUNS", { durable_name: "llm_openai", ack_policy: AckPolicy.Explicit, filter_subjects: ["cairn.run.*.cmd.llm.*.openai", "cairn.run.*.cmd.summary.*.openai"] });
    expect((await jsm.consumers.info("CAIRN_RUNS", "tool_echo")).name).toBe("tool_echo");
    const m = await (await js.consumers.get("CAIRN_RUNS", "planner")).next({ expires: 2_000 });
    expect(m?.subject).toBe("cairn.run.r0.evt.submitted");
    expect(await m!.ackAck()).toBe(true);
    for (const s of ["$JS.API.CONSUMER.MSG.NEXT.CAIRN_RUNS.tool_echo", "$JS.API.CONSUMER.MSG.NEXT.CAIRN_RUNS.llm_scripted", "$JS.ACK.CAIRN_RUNS.tool_echo.1.1.1.1.0", "$JS.API.CONSUMER.CREATE.CAIRN_RUNS", "$JS.API.STREAM.DELETE.CAIRN_RUNS"]) {
      expect(await canPublish(nc, s, "{}"), s).toBe(false);
    }
    expect(await canSubscribe(nc, "cairn.api.>", "q")).toBe(true);
    expect(await canSubscribe(nc, "cairn.api.>")).toBe(false);
    expect(await canSubscribe(nc, "$SRV.PING")).toBe(true);
  });

  it("lets a client call the run API and watch a run's log, but not write into the stream or touch the services' consumers", async () => {
    // a planner stand-in answers the API (allow_responses lets it reply to the client's inbox)
    const planner = await as("planner");
    planner.subscribe("cairn.api.submit", { queue: "q", callback: (_err, msg) => {
        msg.respond(JSON.stringify({ runId: "r0" }));
      },
    });
    await planner.flush();

    const nc = await as("client");
    expect((await nc.request("cairn.api.submit", "{}", { timeout: 2_000 })).json()).toEqual({ runId: "r0" });
    const js = jetstream(nc);
    const jsm = await jetstreamManager(nc);
    expect((await jsm.direct.getMessage("CAIRN_RUNS", { last_by_subj: "cairn.run.r0.evt.submitted" }))?.subject).toBe("cairn.run.r0.evt.submitted");
    // an ordered (ephemeral, no-ack) consumer on one run's subjects, filter in the create subject
    const watch = await js.consumers.get("CAIRN_RUNS", { filter_subjects: "cairn.run.r0.>", deliver_policy: DeliverPolicy.All });
    expect((await watch.next({ expires: 2_000 }))?.subject).toBe("cairn.run.r0.evt.submitted");
    // the runs index, read-only (cairn replay)
    expect((await (await new Kvm(nc).open("CAIRN_runs")).get("p"))?.string()).toBe("status");

    for (const s of ["cairn.run.r9.evt.submitted", "cairn.run.r9.cmd.tool.1.0.echo", "cairn.run.r9.evt.tool.1.0", "cairn.run.r9.evt.llm.1", "cairn.run.r9.evt.signal.cancel", "$KV.CAIRN_runs.x", "$KV.CAIRN_tools.x"]) {
      expect(await canPublish(nc, s), s).toBe(false);
    }
    for (const s of [
      "$JS.API.CONSUMER.CREATE.CAIRN_RUNS", // name and filter only in the body: could re-point any consumer
      "$JS.API.CONSUMER.CREATE.CAIRN_RUNS.planner.cairn.run.x.>",
      "$JS.API.CONSUMER.CREATE.CAIRN_RUNS.llm_scripted.cairn.run.x.>",
      "$JS.API.CONSUMER.DURABLE.CREATE.CAIRN_RUNS.planner",
      "$JS.API.CONSUMER.MSG.NEXT.CAIRN_RUNS.planner",
      "$JS.API.CONSUMER.MSG.NEXT.CAIRN_RUNS.llm_scripted",
      "$JS.ACK.CAIRN_RUNS.tool_echo.1.1.1.1.0",
      "$JS.API.CONSUMER.DELETE.CAIRN_RUNS.planner",
      "$JS.API.STREAM.CREATE.CAIRN_RUNS",
      "$JS.API.STREAM.UPDATE.CAIRN_RUNS",
      "$JS.API.STREAM.DELETE.CAIRN_RUNS",
      "$JS.API.STREAM.PURGE.CAIRN_RUNS",
    ]) {
      expect(await canPublish(nc, s, "{}"), s).toBe(false);
    }
    expect(await canSubscribe(nc, "cairn.api.submit", "q")).toBe(false);
    expect(await canSubscribe(nc, "cairn.run.>")).toBe(false);
    // the planner's consumer is as the admin made it
    const admin = await as("admin");
    expect((await (await jetstreamManager(admin)).consumers.info("CAIRN_RUNS", "planner")).config.filter_subject).toBe("cairn.run.*.evt.>");
  });
});

describe("a run with every service on its own least-privilege user (deploy/nats/accounts.conf)", () => {
  let server: RunningNatsServer;
  let logFile: string;
  const stops: (() => Promise<void>)[] = [];
  const dirs: string[] = [];

  beforeAll(async () => {
    const dir = tempDir("cairn-deploy-");
    dirs.push(dir);
    logFile = join(dir, "nats.log");
    server = await startNatsServer({ extraConfig: accountsConf, logFile });
  });
  afterAll(async () => {
    for (const stop of stops.reverse()) await stop();
    await server?.stop();
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  it("completes (with a human approving its calls), and the server records no permission violation", async () => {
    const dir = tempDir("cairn-deploy-run-");
    dirs.push(dir);
    mkdirSync(join(dir, "scripts"));
    writeFileSync(
      join(dir, "scripts", "two.json"),
      JSON.stringify({ turns: [{ content: "Recording.", toolCalls: [{ name: "ledger", arguments: { item: "a" } }, { name: "ledger", arguments: { item: "b" } }] }, { content: "Done: {{toolResults}}" }] }),
    );
    const agents = parseAgents(JSON.stringify({ default: "two", agents: { two: { provider: "scripted", model: "two", systemPrompt: "test", tools: ["ledger"], approve: ["ledger"], maxTurns: 5 } } }));
    const base = { NATS_URL: server.url, CAIRN_PREFIX: "cairn", CAIRN_SCRIPTS_DIR: join(dir, "scripts"), CAIRN_WORKSPACE_ROOT: join(dir, "ws"), CAIRN_TOOLS_MODULE: ledgerToolModule(), LOG_LEVEL: "silent" };
    const creds = (user: string) => ({ NATS_USER: user, NATS_PASSWORD: USER_PASSWORD[user]! });
    const log = silentLogger();
    stops.push((await startToolRunner(loadToolRunnerConfig({ ...base, ...creds("tool-runner") }), { log })).stop);
    stops.push((await startLlmCaller(loadLlmCallerConfig({ ...base, ...creds("llm-caller") }), { log })).stop);
    stops.push((await startPlanner(loadPlannerConfig({ ...base, ...creds("planner") }), { log, agents })).stop);

    const c = await CairnClient.connect({ connect: { servers: server.url, user: "client", pass: USER_PASSWORD.client! } });
    stops.push(() => c.close());
    const { runId } = await c.submit({ task: "record a and b" });
    // Both calls wait for a human; approving goes through the planner's API into the run's log.
    const paused = await waitFor("the calls to await approval", async () => {
      const st = await c.status(runId);
      return st.approvals?.length === 2 ? st : undefined;
    }, 60_000, 200);
    for (const a of paused.approvals!) await c.approve(runId, a.callId, { by: "deploy-test" });
    const s = await waitFor("the run to end", async () => {
      const st = await c.status(runId);
      return st.status === "running" || st.status === "awaiting_approval" ? undefined : st;
    }, 60_000, 200);
    expect(s.status).toBe("completed");
    expect(s.answer).toMatch(/^Done: /);
    expect(s.toolCalls).toBe(2);
    expect((await c.list()).map((r) => r.runId)).toContain(runId);
    expect(readFileSync(logFile, "utf8")).not.toMatch(/Violation/);
  });
});
