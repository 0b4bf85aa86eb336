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

/**
 * The probe defaults: a `ping` every 2 s with a 2 s deadline, so a killed backend (connection refused, a transport
 * error) leaves the catalogue within about 2 s even when nobody calls it.
 */
export const DEFAULT_HEALTH_PROBE: Required<HealthProbeOptions> = Object.freeze({ intervalMs: 2_000, timeoutMs: 2_000 });

/** Options of {@link BackendPool}. */
export interface BackendPoolOptions {
  /** The backends to connect to; the pool follows its changes. It only reads it: the registry keeps one writer. */
  registry: SubscribableRegistry;
  /** How the pool introduces itself to backends. Default `{ name: 'vmcp-gateway', version: '0.1.0' }`. */
  clientInfo?: Implementation;
  auth?: OutgoingAuthOptions;
  conflictResolution?: ConflictResolution;
  health?: HealthProbeOptions;
  /** What a failed call, probe or listing does to its backend (upstream vMCP's `failureHandling`). */
  failureHandling?: FailureHandlingOptions;
  /** Bounds on routed calls (upstream vMCP's `timeouts`, in milliseconds here). */
  timeouts?: TimeoutOptions;
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

/** Upstream vMCP's `failureHandling`, with the parts this pool implements. */
export interface FailureHandlingOptions {
  /**
   * `fail` (default): a failed call is returned to its caller as an error; the backend stays in the catalogue until
   * the circuit breaker opens. `best_effort`: the first counted failure (a timeout, an HTTP error, a failed probe or
   * listing) takes the backend out of the catalogue for a cool-down (the reconnect backoff), so the other backends
   * keep serving. A transport error takes the backend out at once in both modes.
   */
  partialFailureMode?: 'fail' | 'best_effort';
  circuitBreaker?: {
    /** Counted failures in a row (probes, calls, listings) that open the circuit. Default 3. */
    failureThreshold?: number;
  };
}

/** Upstream vMCP's `timeouts`: a default bound on routed calls and one per backend. */
export interface TimeoutOptions {
  /** Bound on a routed call, in ms, unless the call gives its own `timeoutMs`. Default 30 s (upstream's default). */
  default?: number;
  /** Per backend id, overriding `default`. */
  perWorkload?: Readonly<Record<string, number>>;
}

/** Options of {@link BackendPool.callTool}, `getPrompt` and `readResource`. */
export interface CallToolOptions {
  /** Handed to `auth.subjectToken` (and custom strategies) for this call's HTTP requests, e.g. the caller's session. */
  context?: unknown;
  /** Aborts the call (e.g. the MCP request's `extra.signal`): the backend is sent a cancellation; not a health failure. */
  signal?: AbortSignal;
  /** Bound on this call. Default: `timeouts.perWorkload[backend]`, else `timeouts.default` (30 s). */
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
