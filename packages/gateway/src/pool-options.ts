import type { Implementation } from '@modelcontextprotocol/sdk/types.js';
import type { BackoffOptions, Clock, Logger } from '@vmcp/core';
import type { BackendRegistry, RegistryListener } from '@vmcp/registry';
import type { TransportFactory } from './backend-transport.ts';
import type { CataloguePrompt, CatalogueResource, CatalogueTool, ConflictResolution, ToolConflict } from './catalogue.ts';
import type { HealthProbeOptions } from './connection.ts';
import type { BackendHealth } from './health.ts';
import type { PoolMetrics } from './metrics.ts';
import type { OutgoingAuthOptions } from './outgoing-auth.ts';

/** A registry that says when it changed: `DynamicRegistry` from `@vmcp/registry`, or your own. */
export interface SubscribableRegistry extends BackendRegistry {
  subscribe(listener: RegistryListener): () => void;
}

/** The gateway's reconnect backoff: {@link DEFAULT_BACKOFF} of `@vmcp/core` with a shorter first delay. */
export const DEFAULT_POOL_BACKOFF: BackoffOptions = Object.freeze({
  initialMs: 500,
  maxMs: 30_000,
  factor: 2,
  jitter: 0.5,
  resetAfterMs: 120_000,
});

/** Options of {@link BackendPool}. */
export interface BackendPoolOptions {
  /** The backends to connect to; the pool follows its changes. It only reads it: the registry keeps one writer. */
  registry: SubscribableRegistry;
  /** How the pool introduces itself to backends. Default `{ name: 'vmcp-gateway', version: '0.1.0' }`. */
  clientInfo?: Implementation;
  auth?: OutgoingAuthOptions;
  conflictResolution?: ConflictResolution;
  health?: HealthProbeOptions;
  /**
   * Bound on each request the pool makes on its own (initialize, lists). A whole connect (transport start,
   * initialize, lists) is bounded by three times this. Default 10 s.
   */
  requestTimeoutMs?: number;
  /** Reconnect backoff; each field defaults to {@link DEFAULT_POOL_BACKOFF}. */
  backoff?: BackoffOptions;
  /** Time for probes, retries and deadlines. Default `backgroundClock`: the pool never keeps a process alive. */
  clock?: Clock;
  metrics?: PoolMetrics;
  /** Default silent. The pool logs at info and warn; messages never contain secret values. */
  logger?: Logger;
  /** Default: `streamable-http` → `StreamableHTTPClientTransport`, `sse` → `SSEClientTransport`. */
  createTransport?: TransportFactory;
}

/** Options of {@link BackendPool.callTool}, `getPrompt` and `readResource`. */
export interface CallToolOptions {
  /** Handed to `auth.subjectToken` (and custom strategies) for this call's HTTP requests, e.g. the caller's session. */
  context?: unknown;
  signal?: AbortSignal;
  /** Default: the SDK's request timeout (60 s). */
  timeoutMs?: number;
}

/** Payload of the `toolsChanged` event. */
export interface ToolsChangedEvent {
  tools: CatalogueTool[];
  conflicts: ToolConflict[];
}

/** Payload of the `promptsChanged` event. */
export interface PromptsChangedEvent {
  prompts: CataloguePrompt[];
}

/** Payload of the `resourcesChanged` event. */
export interface ResourcesChangedEvent {
  resources: CatalogueResource[];
}

/** Events of a {@link BackendPool}. */
export interface BackendPoolEvents {
  /** The merged tools changed (a tool appeared, vanished or changed its definition). */
  toolsChanged: ToolsChangedEvent;
  /** The merged prompts changed. */
  promptsChanged: PromptsChangedEvent;
  /** The merged resources changed. */
  resourcesChanged: ResourcesChangedEvent;
  /** The health of a backend changed (any field of {@link BackendHealth} but the probe latency); `closed` when removed. */
  healthChanged: BackendHealth;
}
