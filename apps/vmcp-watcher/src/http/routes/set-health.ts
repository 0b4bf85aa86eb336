/**
 * Readiness of a set of watchers: ready when every served group of every namespace not reported `forbidden` or
 * `crds-missing` has passed its initial reconcile (the set's `hasSynced`). A forbidden namespace does not hold
 * readiness (one team's missing RoleBinding must not take every other team's gateway down): `/readyz?verbose` names
 * it, with each group and its sync state, and its groups' feed answers 503 until they sync.
 */
import type { ReadinessProgress, ReadinessSource } from '@vmcp/readiness';
import type { ServiceWatcherSet } from '../../cluster/service-watcher.ts';
import type { GroupDirectory } from '../../groups/directory.ts';
import { readinessProgressOf } from './health.ts';

/** The set as `@vmcp/readiness` reads it. */
export function setReadinessSource(set: ServiceWatcherSet): ReadinessSource {
  return {
    waitForCacheSync: (signal) => set.waitForCacheSync(signal),
    hasSynced: () => set.hasSynced(),
    fatalError: () => {
      const status = set.status();
      return status.state === 'failed' ? new Error(status.fatalError ?? 'the watcher set failed') : undefined;
    },
    readinessProgress: () => {
      const total: ReadinessProgress = { cacheSync: { synced: 0, total: 0 }, initialReconcile: { started: true, done: 0, total: 0 } };
      for (const ns of set.status().namespaces) {
        if (ns.access === 'forbidden' || ns.access === 'crds-missing') continue;
        const one = readinessProgressOf(ns.watcher);
        total.cacheSync.synced += one.cacheSync.synced;
        total.cacheSync.total += one.cacheSync.total;
        total.initialReconcile.done += one.initialReconcile.done;
        total.initialReconcile.total += one.initialReconcile.total;
        total.initialReconcile.started &&= one.initialReconcile.started;
      }
      return total;
    },
  };
}

/** What `/readyz?verbose` adds for a set: each namespace (access named) and each group with its sync state. */
export function setReadinessDetails(directory: GroupDirectory): Record<string, unknown> {
  return {
    namespaces: directory.namespaces(),
    groups: directory.list().map((g) => ({ namespace: g.namespace, group: g.group, synced: g.context.watcher?.hasSynced() ?? true })),
  };
}
