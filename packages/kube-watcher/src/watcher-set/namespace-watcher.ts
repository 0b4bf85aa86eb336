/**
 * The watcher of one namespace of a set, and its served groups. Every group of the namespace is served from the
 * namespace's one set of caches (its watcher's informers, or cluster mode's fed ones).
 */
import { createDynamicRegistry } from '@vmcp/registry';
import { BackendWatcher } from '../watcher/backend-watcher.ts';
import type { BackendWatcherOptions, WatcherStatus } from '../watcher/types.ts';
import type { ServedGroup } from './types.ts';

/** What every watcher of the set shares (everything of `BackendWatcherOptions` but the namespace and the groups). */
export type SharedWatcherOptions = Omit<BackendWatcherOptions, 'namespace' | 'groupRef' | 'registry'>;

/** One namespace: its watcher, started once, stopped once. */
export class NamespaceWatcher {
  readonly namespace: string;
  readonly #watchers: BackendWatcher[];
  readonly #groups: ServedGroup[];
  #done: Promise<void> | undefined;

  constructor(namespace: string, groups: readonly string[], shared: SharedWatcherOptions) {
    if (groups.length === 0) throw new Error(`namespace ${JSON.stringify(namespace)}: no group to serve`);
    this.namespace = namespace;
    this.#watchers = groups.map(
      (group) => new BackendWatcher({ ...shared, namespace, groupRef: group, registry: createDynamicRegistry() }),
    );
    this.#groups = this.#watchers.map((watcher) => ({
      namespace,
      group: watcher.group,
      registry: watcher.registry,
      hasSynced: () => watcher.hasSynced(),
      status: () => watcher.status(),
    }));
  }

  /**
   * Starts the watcher; the promise settles when it stops (rejects on its fatal error, which the set reports for
   * this namespace alone).
   */
  start(signal: AbortSignal): Promise<void> {
    this.#done ??= Promise.all(this.#watchers.map((w) => w.start(signal))).then(() => undefined);
    return this.#done;
  }

  async stop(): Promise<void> {
    await Promise.all(this.#watchers.map((w) => w.stop()));
    await this.#done?.catch(() => undefined);
  }

  /** Every served group of the namespace passed its initial reconcile. */
  hasSynced(): boolean {
    return this.#watchers.every((w) => w.hasSynced());
  }

  /** The namespace's served groups, sorted by group. */
  groups(): readonly ServedGroup[] {
    return [...this.#groups].sort((a, b) => a.group.localeCompare(b.group));
  }

  /** The namespace's watcher status (kinds, queue, lifecycle). */
  status(): WatcherStatus {
    return this.#watchers[0]!.status();
  }

  /** Calls `listener` after a change of the namespace's status; returns the function that removes it. */
  onStatusChange(listener: () => void): () => void {
    const offs = this.#watchers.map((w) => w.onStatusChange(() => listener()));
    return () => offs.forEach((off) => off());
  }
}
