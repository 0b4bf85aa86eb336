/**
 * The watcher of one namespace of a set: one `BackendWatcher` serving every group of the namespace from one set of
 * caches (its own informers, or cluster mode's fed ones), so an extra group costs no watch.
 */
import { BackendWatcher } from '../watcher/backend-watcher.ts';
import type { BackendWatcherOptions, ServedGroup, WatchedGroups, WatcherStatus } from '../watcher/types.ts';

/** What every watcher of the set shares (everything of `BackendWatcherOptions` but the namespace and its groups). */
export type SharedWatcherOptions = Omit<BackendWatcherOptions, 'namespace' | 'groupRef' | 'registry' | 'groups' | 'registryFor'>;

/** One namespace: its watcher, started once, stopped once. */
export class NamespaceWatcher {
  readonly namespace: string;
  readonly #watcher: BackendWatcher;
  #done: Promise<void> | undefined;

  constructor(namespace: string, groups: WatchedGroups, shared: SharedWatcherOptions) {
    this.namespace = namespace;
    this.#watcher = new BackendWatcher({ ...shared, namespace, groups });
  }

  /**
   * Starts the watcher; the promise settles when it stops (rejects on its fatal error, which the set reports for
   * this namespace alone).
   */
  start(signal: AbortSignal): Promise<void> {
    this.#done ??= this.#watcher.start(signal);
    return this.#done;
  }

  async stop(): Promise<void> {
    await this.#watcher.stop();
    await this.#done?.catch(() => undefined);
  }

  /** Every served group of the namespace passed its initial reconcile. */
  hasSynced(): boolean {
    return this.#watcher.hasSynced();
  }

  /** The namespace's served groups, sorted by group. */
  groups(): readonly ServedGroup[] {
    return this.#watcher.groups();
  }

  /** The namespace's watcher status (kinds, queue, lifecycle). */
  status(): WatcherStatus {
    return this.#watcher.status();
  }

  /** Calls `listener` after a change of the namespace's status or of its served groups; returns the remover. */
  onChange(listener: () => void): () => void {
    const offStatus = this.#watcher.onStatusChange(() => listener());
    const offGroups = this.#watcher.onGroupsChange(() => listener());
    return () => {
      offStatus();
      offGroups();
    };
  }
}
