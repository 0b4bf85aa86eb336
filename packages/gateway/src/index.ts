export { BackendPool } from './pool.ts';
export { DEFAULT_POOL_BACKOFF } from './pool-options.ts';
export { NotInCatalogueError } from './errors.ts';
export type {
  BackendPoolEvents,
  BackendPoolOptions,
  CallToolOptions,
  PromptsChangedEvent,
  ResourcesChangedEvent,
  SubscribableRegistry,
  ToolsChangedEvent,
} from './pool-options.ts';
export type { HealthProbeOptions } from './connection.ts';
export type { TransportFactory, TransportRequest } from './backend-transport.ts';
export { DEFAULT_CONFLICT_RESOLUTION, mergePrompts, mergeResources, mergeTools } from './catalogue.ts';
export type {
  BackendTools,
  CatalogueEntry,
  CataloguePrompt,
  CatalogueResource,
  CatalogueTool,
  ConflictResolution,
  ToolConflict,
} from './catalogue.ts';
export { combineHealth, isServing } from './health.ts';
export type { BackendHealth, ConnectionState, ObservedHealth } from './health.ts';
export { BUILT_IN_STRATEGIES, resolveOutgoingAuth } from './outgoing-auth.ts';
export type {
  AuthRequest,
  OutgoingAuth,
  OutgoingAuthOptions,
  OutgoingAuthResolution,
  StrategyFactory,
  SubjectTokenProvider,
} from './outgoing-auth.ts';
export { ACCESS_TOKEN_TYPE, TOKEN_EXCHANGE_GRANT_TYPE, TokenExchangeClient } from './token-exchange.ts';
export type { FetchFunction, TokenExchangeClientOptions } from './token-exchange.ts';
export type { CallEvent, ConnectionEvent, PoolMetrics, ProbeEvent } from './metrics.ts';
export { createGatewayServer } from './gateway-server.ts';
export type { GatewayServer, GatewayServerOptions } from './gateway-server.ts';
export { RESOURCE_NOT_FOUND, requestFailure, toolFailure } from './mcp-server.ts';
export type { GatewayRequestInfo } from './mcp-server.ts';
export { BackendCallError } from './errors.ts';
export type { FailureKind } from './failure.ts';
export { DEFAULT_HEALTH_PROBE } from './pool-options.ts';
export type { FailureHandlingOptions, TimeoutOptions } from './pool-options.ts';
