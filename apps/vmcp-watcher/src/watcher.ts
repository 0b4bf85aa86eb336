/**
 * What the service needs from a watcher, and the JSON-safe view of its state that the API, the status page and
 * the metrics show. The real `BackendWatcher` is adapted to this in `kube.ts`; tests drive a fake. Keeping the
 * service on this small interface lets it run (and be tested) before and independently of the watcher's internals.
 */
import type { ReadinessSource } from '@vmcp/readiness';

/** One watched kind, as the API and metrics show it. Times are ISO strings. */
export interface WatchedKindView {
  kind: string;
  /** A watch stream is open. */
  connected: boolean;
  /** The first LIST was delivered. */
  synced: boolean;
  resourceVersion?: string;
  /** The `apiVersion` listed and watched (API discovery picks `v1beta1` where served, else `v1alpha1`). */
  apiVersion?: string;
  lastEventTime?: string;
  /**
   * Milliseconds since the last event, bookmark or list of this kind when the view was taken. An idle watch gets a
   * bookmark about once a minute: an age far above that means a stalled API server, even while `connected`.
   */
  lastEventAgeMs?: number;
  /** The last error's message (names objects and HTTP statuses, never secret values). */
  lastError?: { message: string; at: string };
}

/** An existing object that is not served, and why. */
export interface ExclusionView {
  name: string;
  kind?: string;
  reason: { code: string; message: string };
  since: string;
}

/** Same-name objects of several kinds in the group; `kinds[0]` is served. */
export interface ConflictView {
  name: string;
  kinds: string[];
}

/** Everything the service shows about the watcher. */
export interface WatcherView {
  /** Ready: caches synced and every backend name of the initial pass reconciled once. */
  synced: boolean;
  /** Every watched kind delivered its first full list (the initial pass runs from then on). */
  cachesSynced?: boolean;
  /** The initial pass: names that completed one reconcile, of all names in it. */
  initialReconcile?: { started: boolean; done: number; total: number; durationMs?: number };
  kinds: WatchedKindView[];
  exclusions: ExclusionView[];
  conflicts: ConflictView[];
  /** Set when the watcher stopped for good. */
  fatalError?: string;
}

/** The watcher as the service drives it (docs/architecture.md, "Contracts", plus `view()` for what the service shows). */
export interface ServiceWatcher extends ReadinessSource {
  /** Resolves after a graceful stop; rejects on a fatal error. */
  start(signal?: AbortSignal): Promise<void>;
  waitForCacheSync(signal?: AbortSignal): Promise<boolean>;
  hasSynced(): boolean;
  fatalError(): Error | undefined;
  /** Drain in-flight reconciles and stop watching. */
  stop(): Promise<void>;
  view(): WatcherView;
  /**
   * Calls `listener` after a change of what `view()` shows (sync, readiness, a watch connecting or failing, an
   * exclusion…), instead of the service polling. Returns a function that removes it.
   */
  onStatusChange(listener: () => void): () => void;
}
