import type { KubeConfig } from '@kubernetes/client-node';
import type { BackoffOptions, Clock, Logger } from '@vmcp/core';
import type { CacheReader, Discoverer, DirectReader, WatchPlan } from '@vmcp/discoverer';
import type { DynamicRegistry } from '@vmcp/registry';
import type { Exclusion, NameConflict, ReconcileCounters } from '@vmcp/reconciler';
import type { ControllerMetrics } from '../controller/index.ts';
import type { KubeHttpClient } from '../client/index.ts';
import type { InformerFeed } from '../informer/index.ts';
import type { ListPath } from '../reflector/index.ts';
import type { RateLimiter, WorkQueueMetricsProvider } from '../workqueue/index.ts';
import type { InitialReconcileProgress } from './initial-reconcile.ts';

/** `@vmcp/core`'s one `Logger` contract, re-exported so that a watcher's user can name it without another import. */
export type { Logger } from '@vmcp/core';

/** Metrics hooks; every hook optional. No Prometheus dependency here: the service binds them. */
export interface WatcherMetrics {
  /** Reconcile-loop metrics with controller-runtime names. */
  controller?: ControllerMetrics;
  /** Work-queue metrics with client-go names. */
  workqueue?: WorkQueueMetricsProvider;
  /** One watch event received (`type` ADDED, MODIFIED, DELETED or BOOKMARK). */
  watchEvent?(kind: string, type: string): void;
  /** One list/watch failure (`phase` list, watch or store), before the retry. */
  watchError?(kind: string, phase: string): void;
  /** One handler/transform/indexer error. */
  handlerError?(kind: string, source: string): void;
  /** The number of same-name conflicts changed. */
  conflicts?(count: number): void;
  /** Every required cache synced (once): milliseconds since `start()`. */
  cacheSynced?(durationMs: number): void;
  /**
   * The initial-reconcile barrier was passed (once): milliseconds from the last required cache's sync to the
   * moment every name of the initial pass had completed one reconcile. Bind it to a histogram.
   */
  initialReconcile?(durationMs: number): void;
}

/** Reflector tuning shared by every kind. */
export interface WatcherReflectorOptions {
  /** See `ReflectorOptions.inactivityTimeoutMs`. Default 120 000. */
  inactivityTimeoutMs?: number;
  /** See `ReflectorOptions.watchTimeoutSeconds`. Default 50–90 % of the inactivity deadline (60–108 s), always below it. */
  watchTimeoutSeconds?: { min: number; max: number };
  /** Retry pacing of failed lists and watches (`@vmcp/core`'s `BackoffOptions`). Default client-go's reflector backoff. */
  backoff?: BackoffOptions;
  pageSize?: number;
  /** See `ReflectorOptions.watchList`: (re)list with a streaming list, falling back to LIST by itself. Default true. */
  watchList?: boolean;
}

/** What a discoverer factory receives from the watcher. */
export interface DiscovererContext {
  namespace: string;
  /** The bare group name; `''` when the watcher serves many groups (one discoverer serves them all). */
  group: string;
  /** The informer caches of the plan's kinds. */
  reader: CacheReader;
  /** Uncached GETs of Secrets and ConfigMaps. */
  direct: DirectReader;
  logger: Logger;
}

/** The groups of a many-groups watcher: a list of MCPGroup names, or `'all'` to follow the namespace's MCPGroups. */
export type WatchedGroups = readonly string[] | 'all';

/**
 * Options of `new BackendWatcher(...)`: EITHER one group (`groupRef` and `registry`, as always) OR many groups of the
 * namespace (`groups`, and optionally `registryFor` and `maxGroups`). Giving both, or neither, is a constructor error.
 */
export interface BackendWatcherOptions {
  kubeConfig: KubeConfig;
  namespace: string;
  /** One group: `name` or `namespace/name` (the namespace part must be `namespace`). */
  groupRef?: string;
  /** One group: the registry kept equal to the group's backends. */
  registry?: DynamicRegistry;
  /**
   * Many groups, from one set of caches (an extra group costs no watch): their names (`name` or `namespace/name`),
   * or `'all'` to follow the namespace's MCPGroup objects — a group's registry appears with its MCPGroup and is
   * emptied, then dropped, when the MCPGroup goes. Reach each group through `servedGroup(name)` / `groups()`.
   */
  groups?: WatchedGroups;
  /** Many groups: the registry of a newly served group. Default: a fresh `createDynamicRegistry()`. */
  registryFor?: (group: string) => DynamicRegistry;
  /**
   * Many groups: at most this many served at once (default 100). A list longer than this is a constructor error;
   * under `'all'` the groups beyond it are not served, reported in `status().groupsOverLimit` and logged once. This
   * caps memory and the label cardinality of per-group metrics.
   */
  maxGroups?: number;
  /**
   * Replaces the Kubernetes discoverer; give its `plan` too. Pass a factory to read through the watcher's own
   * informer caches (a discoverer needs them, and they exist only once the watcher is built).
   */
  discoverer?: Discoverer<string> | ((context: DiscovererContext) => Discoverer<string>);
  /** The watch plan of `discoverer`. Default `kubernetesWatchPlan({ group })`. */
  plan?: WatchPlan<string>;
  /** Replaces the API-backed direct reader (Secrets/ConfigMaps GETs) of the default discoverer. */
  directReader?: DirectReader;
  logger?: Logger;
  metrics?: WatcherMetrics;
  /** Concurrent reconciles (never two for one name). Default 4. */
  workers?: number;
  /** Safety-net re-check of every known name. Default 10 min, ±10 % jitter. 0 disables. */
  resyncPeriodMs?: number;
  /** Default timeout of `waitForCacheSync`. Default 30 s (upstream). */
  cacheSyncTimeoutMs?: number;
  /** How long `stop()` waits for running reconciles. Default 30 s (controller-runtime). */
  gracePeriodMs?: number;
  /** Retry pacing of failed reconciles. Default client-go's MaxOf(5 ms..1000 s per item, 10 qps burst 100). */
  rateLimiter?: RateLimiter<string>;
  reflector?: WatcherReflectorOptions;
  /**
   * Time source of every duration and timer of the watcher and its controller (work queue delays, retries, the
   * resync period and its jitter, `waitForCacheSync` timeouts, API-discovery retries, event ages, the barrier metric)
   * and of every reflector (list/watch retries, watch timeouts, status times). Default `systemClock`. Tests pass a
   * `FakeClock`. ISO timestamps in `status()` come from its `epochMs()`.
   */
  clock?: Clock;
  /**
   * Ask the API server which version of `toolhive.stacklok.dev` serves each ToolHive kind of the plan, and list and
   * watch `v1beta1` where it is served, else `v1alpha1`. Default true. With false the plan's descriptors are used
   * as they are.
   */
  discoverApiVersions?: boolean;
  /**
   * The REST client to share with other watchers (one connection pool and one set of credentials for many
   * namespaces, as `WatcherSet` does). Default a client of its own built from `kubeConfig`.
   */
  client?: KubeHttpClient;
  /**
   * Caches fed from outside: each kind's informer comes from this feed instead of listing and watching the namespace
   * itself (`WatcherSet`'s cluster mode feeds every namespace from one cluster-wide watch per kind). Default none.
   */
  informerFeed?: InformerFeed;
}

/** Status of one watched kind. Times are ISO strings. */
export interface KindStatus {
  kind: string;
  resource: string;
  /** The `apiVersion` listed and watched, e.g. `toolhive.stacklok.dev/v1alpha1` on a ToolHive v0.7.0 cluster. */
  apiVersion: string;
  required: boolean;
  /** A watch stream is open. */
  connected: boolean;
  synced: boolean;
  /** Not required and its CRD is not installed (404): sync does not wait for it. A 403 is never tolerated. */
  tolerated: boolean;
  resourceVersion: string;
  /** How this kind (re)lists: a streaming list (`watch-list`) or, when the server refuses that, `paginated-list`. */
  listPath: ListPath;
  /** Why it fell back to the paginated LIST: the server's answer to the streaming list. */
  watchListUnsupported?: string;
  objects: number;
  lastEventTime?: string;
  /**
   * Milliseconds since the API server last spoke on this kind: a watch event, a bookmark, a completed list, or the
   * server ending a watch. Every watch asks the server to end it before the inactivity deadline (2 minutes by
   * default), so on a healthy connection this stays below that even on a kind that never changes; an age well above
   * it means a stalled server or connection even while `connected` is still true.
   */
  lastEventAgeMs?: number;
  lastSyncTime?: string;
  lastError?: { message: string; at: string; status?: number; reason?: string };
  consecutiveErrors: number;
}

/** `WatcherStatus.initialReconcile`. */
export interface InitialReconcileStatus extends InitialReconcileProgress {
  /** Up to 20 of the names still pending, sorted. */
  pendingNames: string[];
}

/** `BackendWatcher.status()`. */
export interface WatcherStatus {
  namespace: string;
  groupRef: string;
  group: string;
  state: 'new' | 'starting' | 'running' | 'stopping' | 'stopped' | 'failed';
  /** Ready: every required cache synced AND the initial-reconcile barrier passed (what `hasSynced()` says). */
  synced: boolean;
  /** When `synced` turned true. */
  syncedAt?: string;
  /** Every required cache delivered its first full list (the barrier's pass starts then). */
  cachesSynced: boolean;
  cachesSyncedAt?: string;
  initialReconcile: InitialReconcileStatus;
  /** The last API discovery failure while it is being retried. */
  discoveryError?: string;
  /** Versions of `toolhive.stacklok.dev` the cluster serves, once API discovery answered. */
  servedToolHiveVersions?: string[];
  fatalError?: string;
  kinds: KindStatus[];
  queue: { depth: number; inFlight: string[] };
  registry: { version: number; backends: number };
  conflicts: NameConflict[];
  exclusions: Record<string, { kind?: string; code: string; message: string; since: string }>;
  counters?: ReconcileCounters;
  /** Many groups: the groups served now, sorted (absent for a one-group watcher). */
  servedGroups?: string[];
  /** Many groups under `'all'`: MCPGroups not served because `maxGroups` were already served, sorted. */
  groupsOverLimit?: string[];
}

/**
 * One group served by a watcher: its registry and its own readiness and status. `status()` is the watcher's
 * `WatcherStatus` projected for this group (its registry, exclusions, conflicts and `synced`; kinds, queue and
 * counters are the namespace's, shared by every group).
 */
export interface ServedGroup {
  readonly namespace: string;
  /** The bare MCPGroup name. */
  readonly group: string;
  readonly registry: DynamicRegistry;
  /**
   * True once every name that referenced this group when the caches synced (or when it began to be served, for a
   * group that appeared later) completed one reconcile. Never false again while the group is served.
   */
  hasSynced(): boolean;
  status(): WatcherStatus;
}

export type { Exclusion };
