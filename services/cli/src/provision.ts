import { jetstreamManager } from "@nats-io/jetstream";
import { provisionDeployment, type DeploymentSpec, type NatsConnection, type ProvisionReport } from "@cairn/bus";
import { Subjects } from "@cairn/protocol";
import { judgeProviders } from "@cairn/runtime";
import { loadAgentSources, loadConfig as plannerConfig, type Agents } from "@cairn/planner";
import {
  configuredProviders,
  DEFAULT_MAX_IN_FLIGHT as LLM_DEFAULT_MAX,
  loadConfig as llmConfig,
} from "@cairn/llm-caller";
import {
  configuredTools,
  DEFAULT_MAX_IN_FLIGHT as TOOL_DEFAULT_MAX,
  loadConfig as toolConfig,
} from "@cairn/tool-runner";

/** What to provision: everything, or what one service needs (its consumers; the planner's agents' work queues, create-only). */
export type ProvisionScope = "all" | "planner" | "llm-caller" | "tool-runner";

export const PROVISION_SCOPES: readonly ProvisionScope[] = ["all", "planner", "llm-caller", "tool-runner"];

/** The planner's consumer: events of every run in flight across all planner instances. */
const PLANNER_MAX_ACK_PENDING = 10_000;

/**
 * The deployment `env` describes (the same CAIRN_* variables the services read): the planner's
 * consumer, a work queue for every provider and tool the agents file names, and for every provider
 * the llm-caller and every tool the tool-runner would serve, with CAIRN_LLM_LIMITS / CAIRN_TOOL_LIMITS
 * as their max_ack_pending.
 */
export async function deploymentSpec(
  env: Record<string, string | undefined>,
  scope: ProvisionScope,
  o: { agents?: Agents } = {},
): Promise<{ subjects: Subjects; spec: DeploymentSpec }> {
  const pc = plannerConfig(env);
  const spec: DeploymentSpec = {
    replicas: pc.replicas,
    maxMsgSize: pc.maxMessageBytes,
    placementTags: pc.placementTags,
    ackWaitMs: pc.ackWaitMs,
    maxDeliver: pc.maxDeliver,
    providers: new Map(),
    tools: new Map(),
  };
  if (scope === "all" || scope === "planner") {
    spec.planner = { maxAckPending: PLANNER_MAX_ACK_PENDING };
    const agents = o.agents ?? (await loadAgentSources(pc.agentsFile, pc.agentsModule));
    for (const a of agents.agents.values()) {
      spec.providers.set(a.provider, LLM_DEFAULT_MAX);
      // a model-judged guardrail's judge, on its own provider
      for (const p of judgeProviders(a)) spec.providers.set(p, LLM_DEFAULT_MAX);
      for (const t of a.tools) spec.tools.set(t, TOOL_DEFAULT_MAX);
    }
    // The planner alone never changes a worker's queue: the workers' deployment owns its limits.
    if (scope === "planner") spec.workQueuesCreateOnly = true;
  }
  if (scope === "all" || scope === "llm-caller") {
    const lc = llmConfig(env);
    for (const p of configuredProviders(lc).keys()) spec.providers.set(p, LLM_DEFAULT_MAX);
    for (const p of spec.providers.keys()) spec.providers.set(p, lc.providerLimits.get(p) ?? LLM_DEFAULT_MAX);
  }
  if (scope === "all" || scope === "tool-runner") {
    const tc = toolConfig(env);
    for (const t of await configuredTools(tc)) spec.tools.set(t.name, TOOL_DEFAULT_MAX);
    for (const t of spec.tools.keys()) spec.tools.set(t, tc.toolLimits.get(t) ?? TOOL_DEFAULT_MAX);
  }
  return { subjects: new Subjects(pc.prefix), spec };
}

/** Provisions what `env` describes on `nc` (which must hold the admin credential). */
export async function provision(
  nc: NatsConnection,
  env: Record<string, string | undefined>,
  scope: ProvisionScope = "all",
  o: { agents?: Agents } = {},
): Promise<ProvisionReport> {
  const { subjects, spec } = await deploymentSpec(env, scope, o);
  const jsm = await jetstreamManager(nc, { timeout: 10_000 });
  try {
    return await provisionDeployment(nc, jsm, subjects, spec);
  } catch (err) {
    if (/permissions violation/i.test((err as Error).message)) {
      throw new Error(
        `provisioning needs the admin credential (this connection may not manage streams and consumers): ${(err as Error).message}`,
        { cause: err },
      );
    }
    throw err;
  }
}
