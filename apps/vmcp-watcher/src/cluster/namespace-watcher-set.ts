/**
 * One namespace's many-groups `BackendWatcher` seen as a set of watchers: what `--namespace ns --group a,b` and
 * `--namespace ns --all-groups` need. Several namespaces (and `--all-namespaces`) take `@vmcp/kube-watcher`'s
 * `WatcherSet` (`kube-watcher-set.ts`).
 */
import type { BackendWatcher, WatcherStatus } from '@vmcp/kube-watcher';
import type { NamespaceAccess, ServiceWatcherSet, ServiceWatcherSetStatus } from './service-watcher.ts';

/** How the namespace can be read, from its watches: a 403 is `forbidden`, a required kind not served `crds-missing`. */
function accessOf(status: WatcherStatus): NamespaceAccess {
  if (status.cachesSynced) return 'ok';
  if (status.kinds.some((k) => k.required && k.lastError?.status === 403)) return 'forbidden';
  if (status.kinds.some((k) => k.required && k.lastError?.status === 404)) return 'crds-missing';
  return 'pending';
}

/** The set of one namespace's groups. */
export function namespaceWatcherSet(watcher: BackendWatcher, namespace: string): ServiceWatcherSet {
  const status = (): ServiceWatcherSetStatus => {
    const w = watcher.status();
    const access = accessOf(w);
    const forbiddenKind = w.kinds.find((k) => k.lastError !== undefined && access !== 'ok' && access !== 'pending');
    return {
      state: w.state,
      synced: w.synced,
      namespaces: [
        { namespace, access, ...(forbiddenKind?.lastError === undefined ? {} : { message: forbiddenKind.lastError.message }), watcher: w },
      ],
      groups: watcher.groups().map((g) => {
        const own = g.status();
        return {
          namespace,
          group: g.group,
          synced: g.hasSynced(),
          backends: g.registry.count(),
          version: g.registry.version(),
          exclusions: Object.keys(own.exclusions).length,
        };
      }),
      ...(w.fatalError === undefined ? {} : { fatalError: w.fatalError }),
    };
  };
  return {
    start: (signal) => watcher.start(signal),
    stop: () => watcher.stop(),
    hasSynced: () => watcher.hasSynced(),
    waitForCacheSync: (signal) => watcher.waitForCacheSync(signal),
    groups: () => watcher.groups(),
    group: (ns, group) => (ns === namespace ? watcher.servedGroup(group) : undefined),
    onGroupsChange: (listener) => watcher.onGroupsChange(listener),
    status,
    onStatusChange: (listener) => watcher.onStatusChange(() => listener(status())),
  };
}
