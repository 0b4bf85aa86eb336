/**
 * Which parts a backend watcher's `status()` is read from, and how: one group's status (the namespace's kinds and
 * queue, the group's registry, exclusions, conflicts and sync), or a many-groups watcher's namespace view (the names
 * in no served group, every group's conflicts, registry totals, the groups served and those over the limit).
 */
import type { Clock } from '@vmcp/core';
import type { ControlLoop } from './control-loop.ts';
import type { KindInformers } from './kind-informers.ts';
import type { Lifecycle } from './lifecycle.ts';
import type { ServedGroupSet } from './served-group-set.ts';
import type { ServedVersionsDiscovery } from './served-versions.ts';
import { projectStatus, type ProjectionInput } from './status-projection.ts';
import type { SyncMilestones } from './sync-milestones.ts';
import type { WatcherStatus } from './types.ts';

/** The watcher's parts a status is read from. */
export interface StatusParts {
  readonly namespace: string;
  readonly lifecycle: Pick<Lifecycle, 'state' | 'fatalError'>;
  readonly milestones: Pick<SyncMilestones, 'cachesSynced' | 'cachesSyncedAt' | 'readyAt'>;
  readonly servedVersions: Pick<ServedVersionsDiscovery, 'retryingError' | 'servedVersions'>;
  readonly sources: Pick<KindInformers, 'projected'>;
  readonly loop: Pick<ControlLoop, 'reconciler' | 'controller' | 'barrier'>;
  readonly groups: ServedGroupSet;
  readonly clock: Clock;
}

/** One group's status: the namespace's kinds and queue, the group's registry, exclusions, conflicts and sync. */
export function groupStatus(parts: StatusParts, group: string, groupRef = group): WatcherStatus {
  const { reconciler } = parts.loop;
  const registry = parts.groups.group(group)?.registry ?? { version: () => 0, count: () => 0 };
  const barrier = parts.groups.barrierOf(group);
  const [exclusions, conflicts] = [reconciler.exclusions(group), reconciler.conflicts(group)];
  return projectStatus({ ...statusBase(parts), groupRef, group, barrier, registry, exclusions, conflicts });
}

/** A many-groups watcher's namespace view; `synced` is the watcher's `hasSynced()`. */
export function namespaceStatus(parts: StatusParts, groupRef: string, synced: boolean): WatcherStatus {
  const { reconciler } = parts.loop;
  const served = parts.groups.groups();
  return projectStatus({
    ...statusBase(parts),
    synced,
    groupRef,
    group: '',
    barrier: parts.loop.barrier,
    registry: parts.groups.totals(),
    exclusions: reconciler.outOfGroup(),
    conflicts: served.flatMap((g) => reconciler.conflicts(g.group)),
    groups: { served: served.map((g) => g.group), overLimit: parts.groups.overLimit() },
  });
}

function statusBase(parts: StatusParts): Omit<ProjectionInput, 'groupRef' | 'group' | 'barrier' | 'registry' | 'exclusions' | 'conflicts'> {
  const { milestones, servedVersions } = parts;
  return {
    namespace: parts.namespace,
    state: parts.lifecycle.state,
    cachesSynced: milestones.cachesSynced,
    readyAt: milestones.readyAt,
    cacheSyncedAt: milestones.cachesSyncedAt,
    fatal: parts.lifecycle.fatalError,
    discoveryError: servedVersions.retryingError,
    servedVersions: servedVersions.servedVersions,
    kinds: parts.sources.projected(),
    counters: parts.loop.reconciler.counters(),
    controller: parts.loop.controller,
    now: parts.clock.now(),
  };
}
