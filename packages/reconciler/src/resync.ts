import type { CacheReader, WatchPlan } from '@vmcp/discoverer';
import type { BackendRegistry } from '@vmcp/registry';

/**
 * Every backend name a periodic safety-net re-check must reconcile: the name of every object of every source kind in
 * the cache, every id in the registry (so a stale seed entry, or one whose object vanished while an event was lost,
 * is removed), and any `extra` names (e.g. the reconciler's current exclusions). Excluded-by-missing-dependency
 * objects are covered because they are still source objects. Duplicates are dropped; order is sources first (in
 * plan order), then registry ids, then extras.
 */
export function namesToResync(
  reader: Pick<CacheReader, 'list'>,
  plan: Pick<WatchPlan, 'sources'>,
  registry: Pick<BackendRegistry, 'list'>,
  extra: Iterable<string> = [],
): string[] {
  const names = new Set<string>();
  for (const source of plan.sources) {
    for (const object of reader.list(source.kind)) names.add(object.metadata.name);
  }
  for (const backend of registry.list()) names.add(backend.id);
  for (const name of extra) names.add(name);
  return [...names];
}
