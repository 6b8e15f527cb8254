import { execFile, spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { parse, parseAllDocuments } from "yaml";
import { parseAgents } from "@cairn/planner";
import { findNatsServer, workspaceRoot } from "@cairn/testing";

const run = promisify(execFile);
const root = workspaceRoot();
const deploy = join(root, "deploy");
const natsDir = join(deploy, "nats");
const configs = readdirSync(natsDir).filter((f) => f.endsWith(".conf") && f !== "tenants.conf");
const accountsConf = readFileSync(join(natsDir, "accounts.conf"), "utf8");

/** Test passwords for the `$VAR`s deploy/nats/accounts.conf takes from the server's environment. */
const PASSWORDS = {
  CAIRN_ADMIN_PASSWORD: "pw-admin",
  CAIRN_PLANNER_PASSWORD: "pw-planner",
  CAIRN_LLM_CALLER_PASSWORD: "pw-llm-caller",
  CAIRN_TOOL_RUNNER_PASSWORD: "pw-tool-runner",
  CAIRN_TOOLS_APP_PASSWORD: "pw-tool-runner-app",
  CAIRN_CLIENT_PASSWORD: "pw-client",
  NATS_SYS_PASSWORD: "pw-sys",
} as const;
/** The example tenants' passwords (deploy/nats/tenants.conf, included by accounts.conf). */
const TENANT_PASSWORDS = {
  ACME_DEV_PASSWORD: "pw-acme-dev",
  ACME_APPROVER_PASSWORD: "pw-acme-approver",
  ACME_AUDITOR_PASSWORD: "pw-acme-auditor",
  GLOBEX_DEV_PASSWORD: "pw-globex-dev",
} as const;
const tenantsConf = readFileSync(join(natsDir, "tenants.conf"), "utf8");
// startNatsServer's children inherit the environment: the password variables resolve there too.
Object.assign(process.env, PASSWORDS, TENANT_PASSWORDS);

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
    expect(configs).toEqual(
      expect.arrayContaining(["single-node.conf", "nats-1.conf", "nats-2.conf", "nats-3.conf", "accounts.conf"]),
    );
    expect(passwordVars.sort()).toEqual(Object.keys(PASSWORDS).sort());
    expect([...tenantsConf.matchAll(/password:\s*\$([A-Z0-9_]+)/g)].map((m) => m[1]!).sort()).toEqual(
      Object.keys(TENANT_PASSWORDS).sort(),
    );
    expect(accountsConf).toMatch(/^\s*include \.\/tenants\.conf$/m);
  });

  for (const f of configs) {
    it(`${f} passes nats-server -t (with the password variables set)`, async () => {
      const r = await run(findNatsServer().path, ["-t", "-c", join(natsDir, f)], {
        env: { ...process.env, ...PASSWORDS, ...TENANT_PASSWORDS },
      });
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
    const names = ["nats-1.conf", "nats-2.conf", "nats-3.conf"].map(
      (f) => /^server_name:\s*(\S+)/m.exec(readFileSync(join(natsDir, f), "utf8"))?.[1],
    );
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
    expect(rel).toEqual(
      expect.arrayContaining(["compose/compose.yaml", "k8s/kustomization.yaml", "k8s/nats-values.yaml"]),
    );
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

  it("has the 3-node NATS cluster, Jaeger, the admin's provisioning and the three services", () => {
    expect(Object.keys(services)).toEqual(
      expect.arrayContaining([
        "nats-1",
        "nats-2",
        "nats-3",
        "jaeger",
        "provision",
        "planner",
        "llm-caller",
        "tool-runner",
      ]),
    );
  });

  it("provisions once as the admin before any service starts (services may not create their streams or consumers)", () => {
    const p = services.provision;
    expect(p.command).toEqual(["provision"]);
    expect(p.entrypoint.join(" ")).toMatch(/services\/cli\/bin\/cairn\.js$/);
    expect(p.environment.NATS_USER).toBe("admin");
    expect(p.restart).toBe("no");
    for (const name of ["planner", "llm-caller", "tool-runner"]) {
      expect(services[name].depends_on.provision).toEqual({ condition: "service_completed_successfully" });
      // what provision made is what the services check: the same settings
      for (const k of ["CAIRN_PREFIX", "CAIRN_REPLICAS", "CAIRN_AGENTS_FILE", "CAIRN_LLM_LIMITS", "CAIRN_TOOL_LIMITS"])
        expect(services[name].environment[k], `${name} ${k}`).toBe(p.environment[k]);
    }
  });

  it("pins every NATS node to a patched nats-server release", () => {
    for (const n of [1, 2, 3]) expect(services[`nats-${n}`].image).toMatch(/^nats:2\.(1[5-9]|[2-9]\d)\.\d+(-alpine)?$/);
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
      expect(existsSync(resolve(dirname(composeFile), s.build.context as string, s.build.dockerfile as string))).toBe(
        true,
      );
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
    expect(
      (s.volumes as string[]).some((v) =>
        v.endsWith(`:${(s.environment as Record<string, string>).CAIRN_WORKSPACE_ROOT}`),
      ),
    ).toBe(true);
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
  const docs: K8sDoc[] = resources.flatMap((r) =>
    parseAllDocuments(readFileSync(join(k8sDir, r), "utf8")).map((d) => d.toJS() as K8sDoc),
  );
  const deployments = docs.filter((d) => d.kind === "Deployment");
  const scaled = docs.filter((d) => d.kind === "ScaledObject");

  it("lists resources and generator inputs that exist", () => {
    expect(resources.length).toBeGreaterThan(0);
    for (const r of resources) expect(existsSync(join(k8sDir, r)), r).toBe(true);
    for (const g of kz.configMapGenerator as { envs?: string[]; files?: string[] }[]) {
      for (const f of [...(g.envs ?? []), ...(g.files ?? [])]) expect(existsSync(join(k8sDir, f)), f).toBe(true);
    }
  });

  it("runs cairn provision as the admin in a Job", () => {
    const job = docs.find((d) => d.kind === "Job");
    expect(job?.metadata.name).toBe("cairn-provision");
    const c = job!.spec.template.spec.containers[0];
    expect(c.args).toEqual(["services/cli/bin/cairn.js", "provision"]);
    expect(c.env.find((e: { name: string }) => e.name === "NATS_USER").value).toBe("admin");
    expect(c.env.find((e: { name: string }) => e.name === "NATS_PASSWORD").valueFrom.secretKeyRef).toEqual({
      name: "cairn-nats-auth",
      key: "admin",
    });
    expect(c.envFrom[0].configMapRef.name).toBe("cairn-config");
  });

  it("has a Deployment for each service, with image, env, resources, probes and a non-root user", () => {
    expect(deployments.map((d) => d.metadata.name).sort()).toEqual(["llm-caller", "planner", "tool-runner"]);
    for (const d of deployments) {
      expect(d.apiVersion).toBe("apps/v1");
      const pod = d.spec.template.spec;
      const c = pod.containers[0];
      expect(c.image).toBeTruthy();
      expect(c.args).toEqual([`services/${d.metadata.name}/dist/main.js`]);
      const env = c.env as {
        name: string;
        value?: string;
        valueFrom?: { secretKeyRef?: { name: string; key: string } };
      }[];
      expect(env.length).toBeGreaterThan(0);
      expect(env.find((e) => e.name === "NATS_USER")?.value).toBe(d.metadata.name);
      expect(env.find((e) => e.name === "NATS_PASSWORD")?.valueFrom?.secretKeyRef).toEqual({
        name: "cairn-nats-auth",
        key: d.metadata.name,
      });
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
      // the account the streams live in
      expect(t.metadata.account).toBe("CAIRN_DATA");
      expect(t.metadata.stream).toBe("CAIRN_RUNS");
      expect(t.metadata.consumer).toMatch(/^tool_[A-Za-z0-9_-]+$/);
      expect(t.metadata.lagThreshold).toMatch(/^[1-9]\d*$/);
      expect(t.metadata.natsServerMonitoringEndpoint).toMatch(/^nats-headless\.[a-z0-9-]+\.svc\.cluster\.local:8222$/);
    }
  });

  // What `kubectl kustomize deploy/k8s` does with this kustomization, done here (kubectl is not part
  // of the project's setup, and a test that skips when it is missing says nothing): the resources,
  // the generated ConfigMaps (named with a content hash, references to them renamed), the
  // namespace, the labels and the image. Then the render is checked as a whole.
  it("renders as kustomize would: every reference resolves, every object lands in the namespace with the image set", () => {
    const rendered = renderKustomization(k8sDir);
    const kinds = rendered.map((d) => d.kind).sort();
    expect(kinds).toEqual([
      "ConfigMap",
      "ConfigMap",
      "Deployment",
      "Deployment",
      "Deployment",
      "Job",
      "Namespace",
      "ScaledObject",
    ]);
    const ids = rendered.map((d) => `${d.kind}/${d.metadata.name}`);
    expect(new Set(ids).size, "kind/name pairs are unique").toBe(ids.length);
    const ns = rendered.find((d) => d.kind === "Namespace")!;
    expect(ns.metadata.name).toBe(kz.namespace);
    for (const d of rendered) {
      if (d.kind !== "Namespace") expect(d.metadata.namespace, `${d.kind}/${d.metadata.name}`).toBe(kz.namespace);
      expect(d.metadata.labels?.["app.kubernetes.io/part-of"], `${d.kind}/${d.metadata.name}`).toBe("cairn");
    }
    const maps = new Map(
      rendered.filter((d) => d.kind === "ConfigMap").map((d) => [d.metadata.name, d.data as Record<string, string>]),
    );
    for (const w of rendered.filter((d) => d.kind === "Deployment" || d.kind === "Job")) {
      const pod = w.spec.template.spec;
      const where = `${w.kind}/${w.metadata.name}`;
      for (const c of pod.containers as any[]) {
        // Every container uses the image the kustomization sets (none left with a bare "cairn").
        expect(c.image, where).toBe(`${kz.images[0].newName}:${kz.images[0].newTag}`);
        // Every ConfigMap it reads is a generated one (a name kustomize did not rewrite points at nothing).
        for (const e of (c.envFrom ?? []) as any[])
          if (e.configMapRef)
            expect(maps.has(e.configMapRef.name), `${where} envFrom ${e.configMapRef.name}`).toBe(true);
        for (const e of (c.env ?? []) as any[]) {
          const ref = e.valueFrom?.configMapKeyRef;
          if (ref) expect(maps.get(ref.name)?.[ref.key], `${where} env ${e.name}`).toBeDefined();
        }
        // A file the settings name under a mounted ConfigMap is one of its keys.
        const settings = Object.assign(
          {},
          ...((c.envFrom ?? []) as any[]).filter((e) => e.configMapRef).map((e) => maps.get(e.configMapRef.name)),
        ) as Record<string, string>;
        for (const m of (c.volumeMounts ?? []) as any[]) {
          const vol = (pod.volumes as any[]).find((v) => v.name === m.name);
          expect(vol, `${where} mounts a declared volume ${m.name}`).toBeDefined();
          if (!vol.configMap) continue;
          const data = maps.get(vol.configMap.name);
          expect(data, `${where} volume ${m.name}: ConfigMap ${vol.configMap.name}`).toBeDefined();
          for (const [k, v] of Object.entries(settings))
            if (v.startsWith(`${m.mountPath}/`))
              expect(data![v.slice(m.mountPath.length + 1)], `${k}=${v}`).toBeDefined();
        }
      }
    }
    // The planner reads its agents and access files from the mounted ConfigMap.
    const planner = rendered.find((d) => d.kind === "Deployment" && d.metadata.name === "planner")!;
    expect(
      planner.spec.template.spec.volumes.some(
        (v: any) => v.configMap && maps.get(v.configMap.name)?.["agents.json"] !== undefined,
      ),
    ).toBe(true);
    const so = rendered.find((d) => d.kind === "ScaledObject")!;
    expect(ids).toContain(`Deployment/${so.spec.scaleTargetRef.name}`);
  });
});

/**
 * The subset of kustomize this kustomization uses: resources, configMapGenerator (envs and files;
 * names get a hash of the content, and references by name are rewritten), namespace, labels, images.
 */
function renderKustomization(
  dir: string,
): (K8sDoc & { metadata: { name: string; namespace?: string; labels?: Record<string, string> }; data?: unknown })[] {
  const k = yamlFile(join(dir, "kustomization.yaml"));
  const known = new Set(["apiVersion", "kind", "namespace", "labels", "resources", "configMapGenerator", "images"]);
  for (const key of Object.keys(k))
    if (!known.has(key))
      throw new Error(
        `kustomization.yaml uses "${key}", which this test's renderer does not do: extend renderKustomization`,
      );
  const out: any[] = (k.resources as string[]).flatMap((r) =>
    parseAllDocuments(readFileSync(join(dir, r), "utf8")).map((d) => d.toJS()),
  );
  const renamed = new Map<string, string>();
  for (const g of (k.configMapGenerator ?? []) as { name: string; envs?: string[]; files?: string[] }[]) {
    const data: Record<string, string> = {};
    for (const f of g.envs ?? []) {
      for (const line of readFileSync(join(dir, f), "utf8").split("\n")) {
        const t = line.trim();
        if (!t || t.startsWith("#")) continue;
        const eq = t.indexOf("=");
        if (eq <= 0) throw new Error(`${f}: not KEY=VALUE: ${t}`);
        data[t.slice(0, eq)] = t.slice(eq + 1);
      }
    }
    for (const f of g.files ?? []) data[f.split("/").at(-1)!] = readFileSync(join(dir, f), "utf8");
    const hash = createHash("sha256").update(JSON.stringify(data)).digest("hex").slice(0, 10);
    renamed.set(g.name, `${g.name}-${hash}`);
    out.push({ apiVersion: "v1", kind: "ConfigMap", metadata: { name: `${g.name}-${hash}` }, data });
  }
  const images = new Map(
    ((k.images ?? []) as { name: string; newName?: string; newTag?: string }[]).map((i) => [i.name, i]),
  );
  for (const d of out) {
    d.metadata ??= {};
    if (k.namespace && d.kind !== "Namespace") d.metadata.namespace = k.namespace;
    for (const l of (k.labels ?? []) as { pairs: Record<string, string> }[])
      d.metadata.labels = { ...d.metadata.labels, ...l.pairs };
    const pod = d.spec?.template?.spec;
    if (!pod) continue;
    for (const c of [...(pod.containers ?? []), ...(pod.initContainers ?? [])]) {
      const name = String(c.image).split(/[:@]/)[0]!;
      const img = images.get(name);
      if (img) c.image = `${img.newName ?? name}:${img.newTag ?? "latest"}`;
      for (const e of c.envFrom ?? [])
        if (e.configMapRef) e.configMapRef.name = renamed.get(e.configMapRef.name) ?? e.configMapRef.name;
      for (const e of c.env ?? [])
        if (e.valueFrom?.configMapKeyRef)
          e.valueFrom.configMapKeyRef.name =
            renamed.get(e.valueFrom.configMapKeyRef.name) ?? e.valueFrom.configMapKeyRef.name;
    }
    for (const v of pod.volumes ?? [])
      if (v.configMap) v.configMap.name = renamed.get(v.configMap.name) ?? v.configMap.name;
  }
  return out;
}

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
  // users of the streams' account (admin) and of the services' account
  const cairnAccount = accountsConf.slice(accountsConf.indexOf("  CAIRN_DATA {"), accountsConf.indexOf("  SYS {"));
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

  it("pins the image to a patched nats-server release", () => {
    expect(helmValues.container.image).toEqual({
      repository: "nats",
      tag: expect.stringMatching(/^2\.(1[5-9]|[2-9]\d)\.\d+(-alpine)?$/) as string,
    });
  });

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
    expect(Object.keys(conf).sort()).toEqual([
      "admin",
      "client",
      "llm-caller",
      "planner",
      "tool-runner",
      "tool-runner-app",
    ]);
    const users = [
      ...(cfg.merge.accounts.CAIRN_DATA.users as { user: string; password: string; permissions?: any }[]),
      ...(cfg.merge.accounts.CAIRN.users as { user: string; password: string; permissions?: any }[]),
    ];
    // the streams in CAIRN_DATA (admin only), reached from CAIRN through the same imports as in accounts.conf
    expect(cfg.merge.accounts.CAIRN_DATA.users.map((u: { user: string }) => u.user)).toEqual(["admin"]);
    expect(cfg.merge.accounts.CAIRN.jetstream).toBeUndefined();
    const confImports = [
      ...accountsConf
        .slice(accountsConf.indexOf("  CAIRN {"))
        .matchAll(/\{ (service|stream): \{ account: CAIRN_DATA, subject: "([^"]+)" \} \}/g),
    ]
      .map((m) => `${m[1]} ${m[2]}`)
      .sort();
    const helmImports = (
      cfg.merge.accounts.CAIRN.imports as { service?: { subject: string }; stream?: { subject: string } }[]
    )
      .map((i) => (i.service ? `service ${i.service.subject}` : `stream ${i.stream!.subject}`))
      .sort();
    expect(helmImports).toEqual(confImports);
    expect(confImports.length).toBe(7);
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

// The permissions themselves are checked as attacks, in a real nats-server with each user's own
// connection: tests/security/.
