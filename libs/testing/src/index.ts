/**
 * Test support: real nats-servers, real service processes, unique prefixes, a ledger tool.
 * Nothing here mocks NATS.
 */
export { startNatsServer, findNatsServer } from "@cairn/natsd";
export type { RunningNatsServer, NatsServerOptions } from "@cairn/natsd";
export { uniquePrefix, workspaceRoot, tempDir, waitFor } from "./util.js";
export { startJetStream, type JetStreamFixture } from "./jetstream.js";
export { provisionFor, spawnService, type AdminAuth, type ServiceProcess, type ServiceName } from "./process.js";
export {
  readLedger,
  readCommits,
  ledgerToolModule,
  testServiceEnv,
  type LedgerEntry,
  type LedgerCommit,
  type TestDirs,
} from "./ledger.js";
export { startNatsCluster, type ClusterOptions, type NatsCluster } from "./cluster.js";
export {
  eventStreamHandler,
  rejectionOf,
  startHttpServer,
  withHttpServer,
  type HttpHandler,
  type ReceivedRequest,
  type TestHttpServer,
} from "./http.js";
export {
  adminAuth,
  credentialsEnv,
  SHIPPED_USERS,
  shippedAccounts,
  shippedAccountsConf,
  shippedPasswordEnv,
  TENANT_USERS,
  tenantPassword,
  testPassword,
  type ShippedUser,
  type TenantUser,
} from "./accounts.js";
export { startTcpProxy, type TcpProxy, type ProxyDirection, type ProxyDirections } from "./proxy.js";
export { rawControls, withoutSgr } from "./terminal.js";
