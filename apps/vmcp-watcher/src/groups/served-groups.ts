/**
 * The directory of a set of watchers: one {@link GroupEntry} per served (namespace, group), made when the group
 * appears (`onGroupsChange`) and closed when it goes, its event-stream clients told so with `event: end`.
 */
import { compareBy } from '@vmcp/core';
import type { ServiceGroup, ServiceWatcherSet } from '../cluster/service-watcher.ts';
import type { Logger } from '../observe/logger.ts';
import { SEVERAL_GROUPS, type GroupDirectory, type GroupEntry, type NamespaceEntry, type Refusal } from './directory.ts';

/** A served group's entry and how to take it down. */
export interface BuiltGroup {
  entry: GroupEntry;
  /**
   * Ends its streams and stops following its registry. `removed`: the group is no longer served, and its clients
   * get `event: end` (not sent at shutdown, when a client should come back to another replica).
   */
  close(removed: boolean): void;
}

const keyOf = (namespace: string, group: string): string => `${namespace}/${group}`;

/** Follows `set`'s groups, building each group's entry with `build`. */
export class ServedGroups implements GroupDirectory {
  readonly #set: ServiceWatcherSet;
  readonly #build: (served: ServiceGroup) => BuiltGroup;
  readonly #logger: Logger;
  readonly #built = new Map<string, { served: ServiceGroup; built: BuiltGroup }>();
  #sorted: readonly GroupEntry[] = [];
  readonly #unsubscribe: () => void;

  constructor(set: ServiceWatcherSet, build: (served: ServiceGroup) => BuiltGroup, logger: Logger) {
    this.#set = set;
    this.#build = build;
    this.#logger = logger;
    this.#unsubscribe = set.onGroupsChange((groups) => this.#follow(groups));
    this.#follow(set.groups());
  }

  #follow(groups: readonly ServiceGroup[]): void {
    const now = new Map(groups.map((served) => [keyOf(served.namespace, served.group), served]));
    for (const [key, { served, built }] of this.#built) {
      const still = now.get(key);
      // Same name, another registry: the group went and came back between two notices; serve the new one.
      if (still !== undefined && still.registry === served.registry) continue;
      this.#built.delete(key);
      built.close(true);
      this.#logger.info('group no longer served', { namespace: served.namespace, group: served.group });
    }
    for (const [key, served] of now) {
      if (this.#built.has(key)) continue;
      this.#built.set(key, { served, built: this.#build(served) });
      this.#logger.info('group served', { namespace: served.namespace, group: served.group });
    }
    this.#sorted = [...this.#built.values()].map((b) => b.built.entry).sort(compareBy((e) => keyOf(e.namespace, e.group)));
  }

  list(): readonly GroupEntry[] {
    return this.#sorted;
  }

  get(namespace: string, group: string): GroupEntry | undefined {
    return this.#built.get(keyOf(namespace, group))?.built.entry;
  }

  namespaces(): readonly NamespaceEntry[] {
    return this.#set.status().namespaces.map(({ namespace, access, message }) => ({
      namespace,
      access,
      ...(message === undefined ? {} : { message }),
    }));
  }

  sole(): Refusal {
    return SEVERAL_GROUPS;
  }

  /** Stops following the set and closes every group. */
  close(): void {
    this.#unsubscribe();
    for (const { built } of this.#built.values()) built.close(false);
    this.#built.clear();
    this.#sorted = [];
  }
}
