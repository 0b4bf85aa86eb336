/**
 * What the service needs from a watcher. `@vmcp/kube-watcher`'s `BackendWatcher` is one as it is, and its
 * `WatcherStatus` is the one status shape the API, the page, the probes and the metrics read: a new status field
 * is added to that type and to the places that show it, nothing in between. Tests drive a fake.
 */
import type { WatcherStatus } from '@vmcp/kube-watcher';
import type { DynamicRegistry } from '@vmcp/registry';

/** The watcher as the service drives it (docs/architecture.md, "Contracts"). */
export interface ServiceWatcher {
  /** Resolves after a graceful stop; rejects on a fatal error (then `status().state` is `failed`). */
  start(signal?: AbortSignal): Promise<void>;
  waitForCacheSync(signal?: AbortSignal): Promise<boolean>;
  hasSynced(): boolean;
  /** Drain in-flight reconciles and stop watching. */
  stop(): Promise<void>;
  status(): WatcherStatus;
  /** Calls `listener` after a change worth showing (sync, a watch connecting or failing, an exclusion…). */
  onStatusChange(listener: (status: WatcherStatus) => void): () => void;
}

/**
 * One served (namespace, group): what `@vmcp/kube-watcher`'s `ServedGroup` is. Its status is the `WatcherStatus`
 * shape projected for the group (its registry, exclusions and conflicts, its own `synced`).
 */
export interface ServiceGroup {
  readonly namespace: string;
  readonly group: string;
  readonly registry: DynamicRegistry;
  hasSynced(): boolean;
  status(): WatcherStatus;
}

/** How a namespace can be read: `forbidden` and `crds-missing` are reported by name and do not hold readiness. */
export type NamespaceAccess = 'ok' | 'forbidden' | 'crds-missing' | 'pending';

/** One watched namespace in the set's status. */
export interface ServiceNamespaceStatus {
  namespace: string;
  access: NamespaceAccess;
  message?: string;
  watcher: WatcherStatus;
}

/** One served group in the set's status: counts and sync state. */
export interface ServiceGroupSummary {
  namespace: string;
  group: string;
  synced: boolean;
  backends: number;
  version: number;
  exclusions: number;
}

/** The status of a set of watchers. */
export interface ServiceWatcherSetStatus {
  state: WatcherStatus['state'];
  synced: boolean;
  namespaces: readonly ServiceNamespaceStatus[];
  groups: readonly ServiceGroupSummary[];
  /** Set when `state` is `failed`, if the set says why. */
  fatalError?: string;
}

/**
 * The watchers of several groups and namespaces, as the service drives them: what `@vmcp/kube-watcher`'s
 * `WatcherSet` is. Groups come and go (`--all-groups` follows MCPGroup objects); `onGroupsChange` says when.
 */
export interface ServiceWatcherSet {
  /** Resolves after a graceful stop; rejects on a fatal error (then `status().state` is `failed`). */
  start(signal?: AbortSignal): Promise<void>;
  stop(): Promise<void>;
  /** True when every served group of every accessible namespace has passed its initial reconcile. */
  hasSynced(): boolean;
  waitForCacheSync(signal?: AbortSignal, timeoutMs?: number): Promise<boolean>;
  /** Every (namespace, group) served now, sorted by namespace then group. */
  groups(): readonly ServiceGroup[];
  group(namespace: string, group: string): ServiceGroup | undefined;
  onGroupsChange(listener: (groups: readonly ServiceGroup[]) => void): () => void;
  status(): ServiceWatcherSetStatus;
  onStatusChange(listener: (status: ServiceWatcherSetStatus) => void): () => void;
}
