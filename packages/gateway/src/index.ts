export { BackendPool, NotInCatalogueError } from './pool.ts';
export type {
  BackendPoolEvents,
  BackendPoolOptions,
  CallToolOptions,
  HealthProbeOptions,
  PromptsChangedEvent,
  ResourcesChangedEvent,
  SubscribableRegistry,
  ToolsChangedEvent,
  TransportFactory,
  TransportRequest,
} from './pool.ts';
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
export type { BackoffOptions } from './backoff.ts';
export { systemTimers } from './timers.ts';
export type { TimerHandle, Timers } from './timers.ts';
export type { CallEvent, ConnectionEvent, PoolLogger, PoolMetrics, ProbeEvent } from './metrics.ts';
