/** The planner: folds run events, decides the next commands, serves the `cairn` run API. */
export { startPlanner, PLANNER_DURABLE } from "./service.js";
export type { PlannerDeps } from "./service.js";
export { loadConfig, plannerEnv } from "./config.js";
export type { PlannerConfig } from "./config.js";
export { loadAgents, loadAgentSources, loadPrices, parseAgents, BUILTIN_AGENTS } from "./agents.js";
export type { AgentDefinition, Agents, LoopGuard, PriceTable } from "./agents.js";
export { createPlannerHandler, createApi, newRunId } from "./handler.js";
export { loadAccess, OPERATOR, parseAccess, ROLES, tenantCaller } from "./access.js";
export type { Access, Caller, Role } from "./access.js";
export { RunIndex, rebuildRunIndex } from "./run-index.js";
export type { RebuildResult } from "./run-index.js";
