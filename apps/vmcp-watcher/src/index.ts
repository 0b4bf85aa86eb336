/**
 * The vmcp-watcher service as a library (for tests and embedding): configuration, the service, its HTTP routes,
 * metrics, event hub and status page. The command is `cli.ts`.
 * @packageDocumentation
 */
export { createService, ListenerError, SERVICE_VERSION, type Service, type ServiceOptions, type ServiceRun } from './app.ts';
export { createGroupService, type GroupService, type GroupServiceOptions } from './group-service.ts';
export type { GroupDirectory, GroupEntry, NamespaceEntry } from './groups/directory.ts';
export type { GroupListResponse, GroupRow } from './http/routes/groups.ts';
export type { ExcludedListResponse } from './http/routes/excluded.ts';
export { ConfigError } from './config/error.ts';
export { loadConfig, type Config, type ConfigInputs, type LoadResult, type WatchTargets } from './config/load.ts';
export { parseListen, type ListenAddress, type LogFormat, type LogLevel } from './config/parsers.ts';
export { SETTINGS } from './config/settings.ts';
export { USAGE } from './config/usage.ts';
export { CONFIG_WARNING_CODES, type ConfigWarning, type ConfigWarningSource } from './cluster/config-warnings.ts';
export { checkCluster, ClusterUnavailableError } from './cluster/preflight.ts';
export { createKubeWatcher } from './cluster/kube-watcher.ts';
export { loadKubeConfig } from './cluster/kubeconfig.ts';
export type {
  ServiceGroup,
  ServiceGroupSummary,
  ServiceNamespaceStatus,
  ServiceWatcher,
  ServiceWatcherSet,
  ServiceWatcherSetStatus,
} from './cluster/service-watcher.ts';
export { apiRoutes, createHttpServer, createServers } from './http/server.ts';
export type { ServiceContext } from './http/context.ts';
export { buildStatus, type StatusResponse } from './http/routes/status.ts';
export type { BackendListResponse, ExcludedObject } from './http/routes/backends.ts';
export type { Omission, OmittedBackend } from './http/public-json.ts';
export { DEFAULT_HTTP_LIMITS, type HttpLimits } from './http/limits.ts';
export { EventHub, type ResumePoint } from './http/sse/event-hub.ts';
export type { StatusEvent } from './http/sse/status-feed.ts';
export { renderStatusPage } from './http/page/render.ts';
export { createLogger, type Logger, type LogFields } from './observe/logger.ts';
export { createMetrics, type ServiceMetrics } from './observe/metrics/index.ts';
export { installSignalHandlers } from './shutdown.ts';
