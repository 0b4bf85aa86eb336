/**
 * The groups a many-groups watcher serves: which are served now, the registry of each, when each is synced, and the
 * `ServedGroup` handles users hold. Under `groups: 'all'` it follows the namespace's MCPGroup objects, level-based
 * (each MCPGroup event asks the cache whether the group exists now), and caps the served groups at `maxGroups`.
 *
 * A group served when the caches synced is synced with the namespace's initial pass (its names are part of that
 * pass). A group that appears later gets a barrier of its own over the names that reference it then; the watcher is
 * synced only once every such barrier has passed too.
 */
import { MCPGroupResource, type KubeObject } from '@vmcp/api';
import { Emitter, type Clock, type Logger } from '@vmcp/core';
import { GROUP_INDEX, MCP_GROUP, type CacheReader, type WatchedKind, type WatchPlan } from '@vmcp/discoverer';
import type { GroupsReconciler } from '@vmcp/reconciler';
import { createDynamicRegistry, type DynamicRegistry } from '@vmcp/registry';
import { InitialReconcileBarrier } from './initial-reconcile.ts';
import type { ServedGroup, WatcherStatus } from './types.ts';

/** What the set needs from its watcher. */
export interface ServedGroupSetParts {
  namespace: string;
  clock: Clock;
  logger: Logger;
  maxGroups: number;
  registryFor: ((group: string) => DynamicRegistry) | undefined;
  /** The namespace's initial-reconcile barrier. */
  namespaceBarrier: () => InitialReconcileBarrier;
  /** The reconciler serving every group (known once the control loop is built). */
  reconciler: () => GroupsReconciler<string>;
  enqueue: (names: Iterable<string>) => void;
  /** A group's status snapshot. */
  statusOf: (group: string) => WatcherStatus;
  /** The served set changed (a status push). */
  onChange: () => void;
  /** A group that appeared late passed its barrier. */
  onGroupSynced: () => void;
}

/** One per many-groups watcher. */
export class ServedGroupSet {
  readonly #parts: ServedGroupSetParts;
  readonly #handles = new Map<string, ServedGroup>();
  /** Barriers of groups that appeared after the caches synced, until passed. */
  readonly #lateBarriers = new Map<string, InitialReconcileBarrier>();
  readonly #pendingLate = new Set<InitialReconcileBarrier>();
  /** MCPGroups not served because `maxGroups` were served already (and logged once each). */
  readonly #overLimit = new Set<string>();
  readonly #listeners = new Emitter<{ groups: readonly ServedGroup[] }>();
  #sorted: readonly ServedGroup[] | undefined;
  #passBegun = false;
  #plan: WatchPlan<string> = { kinds: [], sources: [] };
  #reader: CacheReader | undefined;

  constructor(parts: ServedGroupSetParts) {
    this.#parts = parts;
  }

  /** The plan and the caches to find a group's names in (they exist only after the set, which the plan includes). */
  attach(plan: WatchPlan<string>, reader: CacheReader): void {
    this.#plan = plan;
    this.#reader = reader;
  }

  /**
   * The metadata-only watch of MCPGroups that `groups: 'all'` adds to the plan: each event serves or drops its group
   * (the names of a new group are enqueued by {@link follow}, so the kind maps to no backend itself).
   */
  watchedKind(): WatchedKind {
    return {
      kind: MCP_GROUP,
      resource: MCPGroupResource,
      metadataOnly: true,
      transform: keepIdentity,
      mapToBackends: (object) => {
        this.follow(typeof object.metadata?.name === 'string' ? object.metadata.name : '');
        return [];
      },
      required: true,
    };
  }

  /** The registry a group starts with, and the handle for it (the reconciler adds the group itself). */
  open(group: string): DynamicRegistry {
    const registry = this.#parts.registryFor?.(group) ?? createDynamicRegistry();
    const late = (): InitialReconcileBarrier | undefined => this.#lateBarriers.get(group);
    const { namespace } = this.#parts;
    this.#handles.set(
      group,
      Object.freeze({
        namespace,
        group,
        registry,
        hasSynced: () => (late() ?? this.#parts.namespaceBarrier()).passed,
        status: () => this.#parts.statusOf(group),
      }),
    );
    this.#sorted = undefined;
    return registry;
  }

  /** Served groups, sorted by name. */
  groups(): readonly ServedGroup[] {
    this.#sorted ??= Object.freeze([...this.#handles.values()].sort((a, b) => (a.group < b.group ? -1 : a.group > b.group ? 1 : 0)));
    return this.#sorted;
  }

  group(name: string): ServedGroup | undefined {
    return this.#handles.get(name);
  }

  /** Every served registry together: the sum of their versions and of their sizes. */
  totals(): { version(): number; count(): number } {
    const served = this.groups();
    return {
      version: () => served.reduce((sum, g) => sum + g.registry.version(), 0),
      count: () => served.reduce((sum, g) => sum + g.registry.count(), 0),
    };
  }

  /** MCPGroups over the limit, sorted. */
  overLimit(): string[] {
    return [...this.#overLimit].sort();
  }

  /** Every group that appeared after the initial pass began has passed its own barrier. O(1). */
  allSynced(): boolean {
    return this.#pendingLate.size === 0;
  }

  /** The barrier of `group`'s `synced`: its own when it appeared late, else the namespace's. */
  barrierOf(group: string): InitialReconcileBarrier {
    return this.#lateBarriers.get(group) ?? this.#parts.namespaceBarrier();
  }

  onGroupsChange(listener: (groups: readonly ServedGroup[]) => void): () => void {
    return this.#listeners.on('groups', listener);
  }

  /** The namespace's initial pass began: from now on a new group gets a barrier of its own. */
  passBegun(): void {
    this.#passBegun = true;
  }

  /** `name` completed a reconcile: counted by every late group still syncing (a handful at most). */
  reconciled(name: string): void {
    for (const barrier of this.#pendingLate) barrier.completed(name);
  }

  /**
   * MCPGroup `name` changed (added, updated, deleted, relisted): serve it if it exists and fits, stop serving it if
   * it is gone. Idempotent, so the old and the new object of an update may both call it.
   */
  follow(name: string): void {
    if (name === '') return;
    const exists = this.#reader?.get(MCP_GROUP, name) !== undefined;
    const served = this.#handles.has(name);
    if (exists && !served) this.#serveOrQueue(name);
    else if (!exists && served) {
      this.#stopServing(name);
      this.#promote();
    } else if (!exists) this.#overLimit.delete(name);
  }

  /** Every name whose objects reference `group`: an index lookup per source kind (a scan for a plan without it). */
  namesOf(group: string): Set<string> {
    const plan = this.#plan;
    const reader = this.#reader;
    const names = new Set<string>();
    if (reader === undefined) return names;
    for (const source of plan.sources) {
      const indexed = plan.kinds.find((k) => k.kind === source.kind)?.indexers?.[GROUP_INDEX] !== undefined;
      const objects = indexed ? reader.byIndex(source.kind, GROUP_INDEX, group) : reader.list(source.kind);
      for (const object of objects) if (indexed || source.groupOf(object) === group) names.add(object.metadata.name);
    }
    return names;
  }

  #serveOrQueue(name: string): void {
    if (this.#handles.size >= this.#parts.maxGroups) {
      if (!this.#overLimit.has(name)) {
        this.#overLimit.add(name);
        const fields = { namespace: this.#parts.namespace, group: name, maxGroups: this.#parts.maxGroups };
        this.#parts.logger.warn(`MCPGroup "${name}" is not served: ${this.#parts.maxGroups} groups (maxGroups) are served already`, fields);
        this.#parts.onChange();
      }
      return;
    }
    this.#overLimit.delete(name);
    const registry = this.open(name);
    this.#parts.reconciler().addGroup(name, registry);
    const names = this.namesOf(name);
    for (const backend of registry.list()) names.add(backend.id);
    if (this.#passBegun) {
      const barrier = new InitialReconcileBarrier(this.#parts.clock, () => {
        this.#pendingLate.delete(barrier);
        this.#parts.logger.info('group synced', { namespace: this.#parts.namespace, group: name, names: names.size });
        this.#parts.onGroupSynced();
        this.#parts.onChange();
      });
      this.#lateBarriers.set(name, barrier);
      this.#pendingLate.add(barrier);
      barrier.begin(names);
    }
    this.#parts.logger.info('serving group', { namespace: this.#parts.namespace, group: name, names: names.size });
    this.#parts.enqueue(names);
    this.#changed();
  }

  #stopServing(name: string): void {
    const removed = this.#parts.reconciler().removeGroup(name);
    const barrier = this.#lateBarriers.get(name);
    if (barrier !== undefined) this.#pendingLate.delete(barrier);
    this.#lateBarriers.delete(name);
    this.#handles.delete(name);
    this.#sorted = undefined;
    this.#parts.logger.info('group gone, registry emptied', { namespace: this.#parts.namespace, group: name, removed: removed.length });
    // Its objects are now in no served group: reconciled again, they show as out-of-group.
    this.#parts.enqueue(this.namesOf(name));
    this.#changed();
  }

  /** A served group went: the first waiting MCPGroup (by name) that still exists takes its place. */
  #promote(): void {
    for (const name of this.overLimit()) {
      if (this.#handles.size >= this.#parts.maxGroups) return;
      this.#overLimit.delete(name);
      if (this.#reader?.get(MCP_GROUP, name) !== undefined) this.#serveOrQueue(name);
    }
  }

  #changed(): void {
    this.#sorted = undefined;
    this.#listeners.emit('groups', this.groups());
    this.#parts.onChange();
  }
}

/** Only what following groups needs of an MCPGroup: its name (and identity); nothing else is cached. */
function keepIdentity(object: KubeObject): KubeObject {
  const { name, namespace, uid, resourceVersion } = object.metadata ?? {};
  return { apiVersion: object.apiVersion, kind: object.kind, metadata: { name, namespace, uid, resourceVersion } } as KubeObject;
}
