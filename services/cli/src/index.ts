/** The `cairn` command line (see `cairn --help`), and the embedded mode behind `cairn dev` and `cairn demo`. */
export { startEmbedded } from "./embedded.js";
export type { Embedded, EmbeddedOptions } from "./embedded.js";
export { renderEntry, renderStatus, renderRuns } from "./render.js";
export { resolveServer, readDevInfo, cairnHome } from "./server.js";
export { deploymentSpec, provision, PROVISION_SCOPES } from "./provision.js";
export type { ProvisionScope } from "./provision.js";
