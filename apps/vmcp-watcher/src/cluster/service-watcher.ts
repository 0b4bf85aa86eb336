/**
 * What the service needs from a watcher. `@vmcp/kube-watcher`'s `BackendWatcher` is one as it is, and its
 * `WatcherStatus` is the one status shape the API, the page, the probes and the metrics read: a new status field
 * is added to that type and to the places that show it, nothing in between. Tests drive a fake.
 */
import type { WatcherStatus } from '@vmcp/kube-watcher';

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
