/**
 * A set's status folded into today's one `WatcherStatus`, for what reads the service as a whole: today's metric
 * families (`vmcp_cache_synced`, `vmcp_watch_connected{kind}`, `vmcp_backend_exclusions{reason}`…, which the chart's
 * alerts read) and the `ready` log line. A kind is connected and synced only when it is in every namespace, its
 * last event age is the oldest; exclusions and conflicts are the groups', keyed `namespace/group/name`.
 */
import type { KindStatus, WatcherStatus } from '@vmcp/kube-watcher';
import type { ServiceWatcherSetStatus } from '../cluster/service-watcher.ts';

const MAX_NAMES = 20;

function mergeKind(a: KindStatus, b: KindStatus): KindStatus {
  const error = a.lastError ?? b.lastError;
  const age = Math.max(a.lastEventAgeMs ?? -1, b.lastEventAgeMs ?? -1);
  const merged: KindStatus = {
    ...a,
    connected: a.connected && b.connected,
    synced: a.synced && b.synced,
    tolerated: a.tolerated && b.tolerated,
    objects: a.objects + b.objects,
    consecutiveErrors: Math.max(a.consecutiveErrors, b.consecutiveErrors),
  };
  if (age >= 0) merged.lastEventAgeMs = age;
  if (error !== undefined) merged.lastError = error;
  return merged;
}

/** The set's status as one `WatcherStatus`; `groups` are the served groups' own statuses. */
export function mergedWatcherStatus(
  status: ServiceWatcherSetStatus,
  groups: readonly { namespace: string; group: string; status: WatcherStatus }[] = [],
): WatcherStatus {
  const kinds = new Map<string, KindStatus>();
  let cachesSynced = true;
  const initialReconcile = { started: true, passed: true, done: 0, total: 0, pending: 0, pendingNames: [] as string[] };
  const queue = { depth: 0, inFlight: [] as string[] };
  for (const ns of status.namespaces) {
    const w = ns.watcher;
    for (const kind of w.kinds) {
      const seen = kinds.get(kind.kind);
      kinds.set(kind.kind, seen === undefined ? kind : mergeKind(seen, kind));
    }
    if (ns.access === 'forbidden' || ns.access === 'crds-missing') continue;
    cachesSynced &&= w.cachesSynced;
    initialReconcile.started &&= w.initialReconcile.started;
    initialReconcile.passed &&= w.initialReconcile.passed;
    initialReconcile.done += w.initialReconcile.done;
    initialReconcile.total += w.initialReconcile.total;
    initialReconcile.pending += w.initialReconcile.pending;
    initialReconcile.pendingNames.push(...w.initialReconcile.pendingNames.map((n) => `${ns.namespace}/${n}`));
    queue.depth += w.queue.depth;
    queue.inFlight.push(...w.queue.inFlight.map((n) => `${ns.namespace}/${n}`));
  }
  const exclusions: WatcherStatus['exclusions'] = {};
  const conflicts: WatcherStatus['conflicts'] = [];
  for (const g of groups) {
    const prefix = `${g.namespace}/${g.group}/`;
    for (const [name, exclusion] of Object.entries(g.status.exclusions)) exclusions[`${prefix}${name}`] = exclusion;
    for (const conflict of g.status.conflicts) conflicts.push({ ...conflict, name: `${prefix}${conflict.name}` });
  }
  const merged: WatcherStatus = {
    namespace: status.namespaces.map((n) => n.namespace).join(','),
    groupRef: '',
    group: '',
    state: status.state,
    synced: status.synced,
    cachesSynced,
    initialReconcile: { ...initialReconcile, pendingNames: initialReconcile.pendingNames.slice(0, MAX_NAMES) },
    kinds: [...kinds.values()],
    queue: { depth: queue.depth, inFlight: queue.inFlight.slice(0, MAX_NAMES) },
    registry: {
      version: status.groups.reduce((n, g) => n + g.version, 0),
      backends: status.groups.reduce((n, g) => n + g.backends, 0),
    },
    conflicts,
    exclusions,
  };
  if (status.fatalError !== undefined) merged.fatalError = status.fatalError;
  return merged;
}
