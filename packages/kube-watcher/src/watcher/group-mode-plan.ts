/**
 * What a watcher's group mode means for what it watches and serves from the start: the watch plan (under `'all'`,
 * plus the MCPGroups) and the groups whose registries exist before any MCPGroup is seen.
 */
import { kubernetesWatchPlan, type WatchPlan } from '@vmcp/discoverer';
import { watchPlanOrDefault } from '@vmcp/reconciler';
import type { DynamicRegistry } from '@vmcp/registry';
import type { ServedGroupSet } from './served-group-set.ts';
import type { GroupMode } from './validate-options.ts';

/** The plan to watch: the given one, else the Kubernetes plan of the group(s); under `'all'`, plus MCPGroups. */
export function watchPlanFor(mode: GroupMode, given: WatchPlan<string> | undefined, groups: ServedGroupSet): WatchPlan<string> {
  if (mode.kind === 'one') return watchPlanOrDefault(given, mode.ref.name);
  // Only a watcher that follows MCPGroups meets a group after the start, and asks the group index for its names.
  const indexByGroup = mode.groups === 'all';
  const base = given ?? kubernetesWatchPlan({ servedGroup: (group) => groups.group(group) !== undefined, indexByGroup });
  if (mode.groups !== 'all') return base;
  // Everything else the plan says (its sources, sourcesReadByName) holds for the MCPGroups added to it.
  return Object.freeze({ ...base, kinds: Object.freeze([...base.kinds, groups.watchedKind()]) });
}

/** Opens the groups served from the start (the one group, or a list's), with their registries; none under `'all'`. */
export function openInitialGroups(mode: GroupMode, groups: ServedGroupSet): (readonly [string, DynamicRegistry])[] {
  if (mode.kind === 'one') return [[mode.ref.name, groups.open(mode.ref.name)]];
  if (mode.groups === 'all') return [];
  return mode.groups.map((g) => [g, groups.open(g)] as const);
}
