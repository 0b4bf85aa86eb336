/**
 * The watcher's wiring: the reconciler and the controller that runs it, and one informer per kind whose events map
 * to backend names on the work queue. No decisions about errors or status live here (see informer-error-policy.ts
 * and status-projection.ts).
 */
import type { ResourceDescriptor } from '@vmcp/api';
import type { CacheReader, Discoverer, WatchPlan, WatchedKind } from '@vmcp/discoverer';
import { BackendReconciler } from '@vmcp/reconciler';
import type { KubeHttpClient } from '../client/http.ts';
import { Controller } from '../controller/index.ts';
import type { ReconcileResultLabel } from '../controller/metrics.ts';
import { Informer, deletedObject, type InformerErrorInfo } from '../informer/index.ts';
import type { Clock } from '@vmcp/core';
import type { BackendWatcherOptions, Logger, WatcherMetrics } from './types.ts';

/** What the control loop reports back to the watcher. */
export interface ControlLoopHooks {
  log: Logger;
  metric: (fn: (m: WatcherMetrics) => void) => void;
  /** Every finished reconcile, whatever its outcome (the barrier counts these). */
  onReconciled: (name: string, result: ReconcileResultLabel) => void;
  /** A reconcile of `name` finished with a decision or a failure (its exclusion may have changed). */
  onDecided: (name: string) => void;
}

/** The reconciler and the controller that runs it over the work queue. */
export interface ControlLoop {
  reconciler: BackendReconciler<string>;
  controller: Controller;
}

/** Builds the reconciler and its controller (workers start later, once the caches are synced). */
export function createControlLoop(
  o: BackendWatcherOptions,
  parts: { namespace: string; group: string; discoverer: Discoverer<string>; reader: CacheReader; plan: WatchPlan<string>; clock: Clock },
  hooks: ControlLoopHooks,
): ControlLoop {
  const reconciler: BackendReconciler<string> = new BackendReconciler<string>({
    namespace: parts.namespace,
    groupRef: o.groupRef,
    registry: o.registry,
    discoverer: parts.discoverer,
    reader: parts.reader,
    plan: parts.plan,
    onResult: (req, outcome) => {
      // A failure is logged by the controller's onError, with the retry; its exclusion is still news.
      if (!('error' in outcome)) {
        hooks.log.debug('reconciled', { name: req.name, action: outcome.action, changed: outcome.changed, reason: outcome.reason?.code });
      }
      hooks.onDecided(req.name);
    },
    onConflict: (c) => {
      hooks.log.warn(`backend name "${c.name}" is used by several kinds in group "${parts.group}"; serving ${c.kinds[0]}`, {
        name: c.name,
        kinds: c.kinds,
      });
      hooks.metric((m) => m.conflicts?.(reconciler.conflicts().length));
    },
  });
  const controller = new Controller({
    name: `backend-reconciler-${parts.group}`,
    clock: parts.clock,
    reconcile: async (req, signal) => {
      const res = await reconciler.reconcile({ name: req.name }, signal);
      return res.requeueAfterMs !== undefined ? { requeueAfterMs: res.requeueAfterMs } : {};
    },
    maxConcurrentReconciles: o.workers ?? 4,
    gracePeriodMs: o.gracePeriodMs ?? 30_000,
    ...(o.rateLimiter ? { rateLimiter: o.rateLimiter } : {}),
    ...(o.metrics?.workqueue ? { queueMetrics: o.metrics.workqueue } : {}),
    ...(o.metrics?.controller ? { metrics: o.metrics.controller } : {}),
    onError: (req, err) =>
      hooks.log.warn(`reconcile of backend "${req.name}" failed, retrying with backoff: ${err.message}`, { name: req.name }),
    onReconciled: (req, result) => hooks.onReconciled(req.name, result),
  });
  return { reconciler, controller };
}

/** What a kind's informer reports to the watcher. */
export interface InformerHooks {
  onError: (kind: WatchedKind, err: Error, info: InformerErrorInfo) => void;
  onWatchEvent: (kind: WatchedKind, type: string) => void;
  enqueue: (names: readonly string[]) => void;
}

/**
 * One informer for `kind`, listing and watching `resource` (the version API discovery chose), with handlers that
 * map every event to backend names. For an update the names of the old and the new object are both enqueued, so a
 * backend that moved out of the group (only the old one maps) is re-checked and removed.
 */
export function createKindInformer(
  kind: WatchedKind,
  resource: ResourceDescriptor,
  parts: { client: KubeHttpClient; namespace: string; reader: CacheReader; reflector: BackendWatcherOptions['reflector']; clock: Clock },
  hooks: InformerHooks,
): Informer {
  const r = parts.reflector ?? {};
  const informer = new Informer({
    client: parts.client,
    namespace: parts.namespace,
    kind: kind.kind,
    resource,
    metadataOnly: kind.metadataOnly ?? false,
    ...(kind.transform ? { transform: kind.transform } : {}),
    ...(kind.indexers ? { indexers: kind.indexers } : {}),
    onError: (err, info) => hooks.onError(kind, err, info),
    reflector: {
      ...(r.inactivityTimeoutMs !== undefined ? { inactivityTimeoutMs: r.inactivityTimeoutMs } : {}),
      ...(r.watchTimeoutSeconds ? { watchTimeoutSeconds: r.watchTimeoutSeconds } : {}),
      ...(r.backoff ? { backoff: r.backoff } : {}),
      ...(r.pageSize !== undefined ? { pageSize: r.pageSize } : {}),
      ...(r.watchList !== undefined ? { watchList: r.watchList } : {}),
      clock: parts.clock,
      onWatchEvent: (type) => hooks.onWatchEvent(kind, type),
    },
  });
  const { reader } = parts;
  informer.addHandlers({
    onAdd: (obj) => hooks.enqueue(kind.mapToBackends(obj, reader)),
    onUpdate: (oldObj, newObj) => {
      hooks.enqueue(kind.mapToBackends(oldObj, reader));
      hooks.enqueue(kind.mapToBackends(newObj, reader));
    },
    onDelete: (obj) => hooks.enqueue(kind.mapToBackends(deletedObject(obj), reader)),
  });
  return informer;
}
