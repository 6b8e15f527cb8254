/** The Cairn client library: submit, status, list, cancel, watch and wait — what the CLI and users import. */
export { CairnClient, CairnApiError } from "./client.js";
export type { ClientOptions, ListOptions, LogEntry, SubmitOptions } from "./client.js";
