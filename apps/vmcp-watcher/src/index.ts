/**
 * The vmcp-watcher service as a library (for tests and embedding): configuration, the service, its HTTP routes,
 * metrics, event hub and status page. The command is `cli.ts`.
 * @packageDocumentation
 */
export { createService, SERVICE_VERSION, type Service, type ServiceOptions } from './app.ts';
export { ConfigError, loadConfig, parseListen, USAGE, type Config, type ConfigInputs, type LoadResult, type LogLevel } from './config.ts';
export { createRequestListener, createHttpServer } from './http/server.ts';
export type { ServiceContext } from './http/context.ts';
export { buildStatus, type StatusResponse } from './http/routes/status.ts';
export type { BackendListResponse } from './http/routes/backends.ts';
export type { Omission, OmittedBackend } from './http/public-json.ts';
export { DEFAULT_HTTP_LIMITS, type HttpLimits } from './http/limits.ts';
export { adaptBackendWatcher, checkCluster, ClusterUnavailableError, createKubeWatcher, loadKubeConfig, viewOfStatus } from './kube.ts';
export { createLogger, type Logger, type LogFields } from './logger.ts';
export { createMetrics, type ServiceMetrics } from './metrics.ts';
export { EventHub, type ResumePoint } from './sse.ts';
export { installSignalHandlers } from './shutdown.ts';
export { renderStatusPage } from './status-page.ts';
export type { ServiceWatcher, WatcherView } from './watcher.ts';
