/**
 * The status projection: turns the watcher's parts (informers, error policy, barrier, reconciler, controller) into
 * the JSON-safe `WatcherStatus` snapshot, and tells whether a change is worth pushing to `onStatusChange` listeners.
 */
import { apiVersionOf, type ResourceDescriptor } from '@vmcp/api';
import type { WatchedKind } from '@vmcp/discoverer';
import type { Exclusion, NameConflict, ReconcileCounters } from '@vmcp/reconciler';
import type { Controller } from '../controller/index.ts';
import type { Informer } from '../informer/index.ts';
import type { InitialReconcileBarrier } from './initial-reconcile.ts';
import type { KindStatus, WatcherStatus } from './types.ts';

/** How many pending names `status().initialReconcile.pendingNames` shows at most. */
export const PENDING_NAMES_SHOWN = 20;

/** One watched kind as the projection sees it. */
export interface ProjectedKind {
  kind: WatchedKind;
  /** The descriptor being listed and watched (after API discovery); undefined before start. */
  resource: ResourceDescriptor | undefined;
  informer: Informer | undefined;
  tolerated: boolean;
  /** Clock time of the last watch event, bookmark or completed list; undefined if none yet. */
  lastContactAt: number | undefined;
}

/** Everything {@link projectStatus} reads. */
export interface ProjectionInput {
  namespace: string;
  groupRef: string;
  group: string;
  state: WatcherStatus['state'];
  cachesSynced: boolean;
  /** ISO time the barrier was passed. */
  readyAt: string | undefined;
  cacheSyncedAt: string | undefined;
  fatal: Error | undefined;
  discoveryError: string | undefined;
  servedVersions: readonly string[] | undefined;
  kinds: readonly ProjectedKind[];
  /** `synced` when it is more than the barrier's pass (a many-groups watcher: its late groups too). */
  synced?: boolean;
  /** The barrier whose pass is this status's `synced` (the namespace's, or a later group's own). */
  barrier: Pick<InitialReconcileBarrier, 'progress' | 'pendingNames'>;
  /** The exclusions this status shows (one group's projection, or the names in no served group). */
  exclusions: ReadonlyMap<string, Readonly<Exclusion>>;
  conflicts: NameConflict[];
  counters: ReconcileCounters;
  controller: Controller;
  /** Many groups: the groups served, and those over `maxGroups`. */
  groups?: { served: string[]; overLimit: string[] };
  registry: { version(): number; count(): number };
  /** The watcher's clock, for ages. */
  now: number;
}

const iso = (t: number | undefined): string | undefined => (t === undefined ? undefined : new Date(t).toISOString());

function kindStatus(k: ProjectedKind, now: number): KindStatus {
  const s = k.informer?.status();
  const resource = k.resource ?? k.kind.resource;
  return {
    kind: k.kind.kind,
    resource: s?.resource ?? (resource.group === '' ? resource.plural : `${resource.plural}.${resource.group}`),
    apiVersion: apiVersionOf(resource),
    required: k.kind.required ?? true,
    connected: s?.connected ?? false,
    synced: s?.synced ?? false,
    tolerated: k.tolerated && s?.synced !== true,
    resourceVersion: s?.lastResourceVersion ?? '',
    listPath: s?.listPath ?? 'watch-list',
    ...(s?.watchListUnsupported !== undefined ? { watchListUnsupported: s.watchListUnsupported } : {}),
    objects: s?.objects ?? 0,
    consecutiveErrors: s?.consecutiveErrors ?? 0,
    ...(k.lastContactAt !== undefined ? { lastEventAgeMs: Math.max(0, Math.round(now - k.lastContactAt)) } : {}),
    ...(s?.lastEventTime !== undefined ? { lastEventTime: iso(s.lastEventTime)! } : {}),
    ...(s?.lastSyncTime !== undefined ? { lastSyncTime: iso(s.lastSyncTime)! } : {}),
    ...(s?.lastError ? { lastError: { ...s.lastError, at: iso(s.lastError.at)! } } : {}),
  };
}

/** The `status()` snapshot. Contains no secret value. */
export function projectStatus(p: ProjectionInput): WatcherStatus {
  const exclusions: WatcherStatus['exclusions'] = {};
  for (const [name, e] of p.exclusions) {
    exclusions[name] = {
      ...(e.kind !== undefined ? { kind: e.kind } : {}),
      code: e.reason.code,
      message: e.reason.message,
      since: e.since.toISOString(),
    };
  }
  const barrier = p.barrier.progress();
  return {
    namespace: p.namespace,
    groupRef: p.groupRef,
    group: p.group,
    state: p.state,
    synced: p.synced ?? barrier.passed,
    cachesSynced: p.cachesSynced,
    initialReconcile: { ...barrier, pendingNames: p.barrier.pendingNames(PENDING_NAMES_SHOWN) },
    ...(p.readyAt !== undefined ? { syncedAt: p.readyAt } : {}),
    ...(p.cacheSyncedAt !== undefined ? { cachesSyncedAt: p.cacheSyncedAt } : {}),
    ...(p.fatal ? { fatalError: p.fatal.message } : {}),
    ...(p.discoveryError !== undefined ? { discoveryError: p.discoveryError } : {}),
    ...(p.servedVersions !== undefined ? { servedToolHiveVersions: [...p.servedVersions] } : {}),
    kinds: p.kinds.map((k) => kindStatus(k, p.now)),
    queue: { depth: p.controller.queue.len(), inFlight: p.controller.inFlight() },
    registry: { version: p.registry.version(), backends: p.registry.count() },
    conflicts: p.conflicts,
    exclusions,
    counters: p.counters,
    ...(p.groups !== undefined ? { servedGroups: p.groups.served, groupsOverLimit: p.groups.overLimit } : {}),
  };
}

/**
 * The part of a kind's status whose change is pushed to listeners: connection, sync, toleration and the last error.
 * Event times and object counts change with every event and are read on demand instead.
 */
export function kindSignature(k: ProjectedKind): string {
  const s = k.informer?.status();
  return `${s?.connected === true ? 1 : 0}${s?.synced === true ? 1 : 0}${k.tolerated ? 1 : 0}|${s?.lastError?.message ?? ''}`;
}
