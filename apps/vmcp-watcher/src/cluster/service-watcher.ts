/**
 * What the service needs from a watcher. `@vmcp/kube-watcher`'s `BackendWatcher` is one as it is, and its
 * `WatcherStatus` is the one status shape the API, the page, the probes and the metrics read: a new status field
 * is added to that type and to the places that show it, nothing in between. Tests drive a fake.
 */
import type { GroupSummary, NamespaceAccess, NamespaceStatus, ServedGroup, WatcherSetStatus, WatcherStatus } from '@vmcp/kube-watcher';

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

/** One served (namespace, group): `@vmcp/kube-watcher`'s `ServedGroup` (its status projected for the group). */
export type ServiceGroup = ServedGroup;

/** How a namespace can be read: `forbidden` and `crds-missing` are reported by name and do not hold readiness. */
export type { NamespaceAccess };

/** One watched namespace in the set's status. */
export type ServiceNamespaceStatus = NamespaceStatus;

/** One served group in the set's status: counts and sync state. */
export type ServiceGroupSummary = GroupSummary;

/** The status of a set of watchers: `@vmcp/kube-watcher`'s `WatcherSetStatus`. */
export type ServiceWatcherSetStatus = WatcherSetStatus;

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
