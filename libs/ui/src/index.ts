/**
 * The run inspector in the browser (`cairn ui`): server-rendered pages on node:http over a
 * `CairnClient` — runs, a run's timeline as `cairn replay` knows it, live tokens, approvals and
 * cancels with the connection's own identity and roles.
 */
export { startUi, isLoopback, parseFilters, ROLE_PROBE_CALL_ID } from "./server.js";
export type { UiOptions, RunningUi } from "./server.js";
export { html, text, block, trusted, Html } from "./html.js";
