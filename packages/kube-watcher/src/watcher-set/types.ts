import type { KubeConfig } from '@kubernetes/client-node';
import type { Clock, Logger } from '@vmcp/core';
import type { KubeHttpClient } from '../client/http.ts';
import type { WatchedGroups, WatcherMetrics, WatcherReflectorOptions, WatcherStatus } from '../watcher/types.ts';
import type { ClusterWatchStatus } from './cluster-feed.ts';

/** Options of `new WatcherSet(...)`. */
export interface WatcherSetOptions {
  kubeConfig: KubeConfig;
  /**
   * The namespaces to serve: a list (one watch per kind per namespace, a Role per namespace is enough), or `'all'`
   * (cluster mode: one watch per kind across the cluster, needs a ClusterRole; the namespaces served are those that
   * have an MCPGroup of a served group).
   */
  namespaces: readonly string[] | 'all';
  /**
   * The groups to serve in each namespace, all from the namespace's one set of caches: a list, or `'all'` (every
   * MCPGroup of the namespace, followed live).
   */
  groups: WatchedGroups;
  /** Under `groups: 'all'`: at most this many groups per namespace (the rest are reported, not served). Default 100. */
  maxGroups?: number;
  logger?: Logger;
  /**
   * The watchers' metrics hooks: one set shared by every namespace's watcher, or a function giving each namespace
   * its own (to label them by namespace: a gauge such as `conflicts` is per namespace).
   */
  metrics?: WatcherMetrics | ((namespace: string) => WatcherMetrics);
  /** Concurrent reconciles per namespace. Default 4. */
  workers?: number;
  /** Time source of the set and of every watcher. Default `systemClock`. */
  clock?: Clock;
  reflector?: WatcherReflectorOptions;
  resyncPeriodMs?: number;
  gracePeriodMs?: number;
  /** Default timeout of `waitForCacheSync`. Default 30 s. */
  cacheSyncTimeoutMs?: number;
  discoverApiVersions?: boolean;
  /** The one REST client of every watch of the set. Default one built from `kubeConfig`. */
  client?: KubeHttpClient;
}

/**
 * Whether a namespace can be served: `ok` (its caches synced), `pending` (not yet known), `forbidden` (the service
 * may not list or watch a kind there: a 403), `crds-missing` (a required ToolHive kind is not served: a 404).
 */
export type NamespaceAccess = 'ok' | 'forbidden' | 'crds-missing' | 'pending';

/** One namespace of a `WatcherSet`. */
export interface NamespaceStatus {
  namespace: string;
  access: NamespaceAccess;
  /** Why it is forbidden or missing CRDs, naming the kind and the namespace (the API server's error). */
  message?: string;
  /** Its watcher's status (kinds, queue; single group: exactly `BackendWatcher.status()`). */
  watcher: WatcherStatus;
}

/** One served (namespace, group) in a status: counts and sync state. */
export interface GroupSummary {
  namespace: string;
  group: string;
  synced: boolean;
  backends: number;
  version: number;
  exclusions: number;
}

/** `WatcherSet.status()`. */
export interface WatcherSetStatus {
  state: 'new' | 'starting' | 'running' | 'stopping' | 'stopped' | 'failed';
  /** What `hasSynced()` says (see `WatcherSet.hasSynced`). */
  synced: boolean;
  /** Sorted by namespace. */
  namespaces: NamespaceStatus[];
  /** Every served (namespace, group), sorted by namespace then group. */
  groups: GroupSummary[];
  /** Cluster mode: the cluster-wide watches (one per kind, plus MCPGroups), whatever the number of namespaces. */
  clusterWatches?: ClusterWatchStatus[];
  fatalError?: string;
}
