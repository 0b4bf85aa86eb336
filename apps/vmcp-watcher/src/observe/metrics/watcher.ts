/**
 * The watcher's metrics: gauges read from its `WatcherStatus` at scrape time, and the hooks it calls for events,
 * errors and the initial-reconcile barrier (kube-watcher's `WatcherMetrics`).
 */
import type { KindStatus, WatcherMetrics, WatcherStatus } from '@vmcp/kube-watcher';
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

/** The `reason` label of `vmcp_watch_errors_total`. */
export type WatchErrorReason = 'forbidden' | 'not_found' | 'expired' | 'connection' | 'decode' | 'other';

/** Sorts a kind's last list/watch error into a few reasons an alert can tell apart. */
export function watchErrorReason(error: KindStatus['lastError']): WatchErrorReason {
  if (error === undefined) return 'other';
  if (error.status === 403) return 'forbidden';
  if (error.status === 404) return 'not_found';
  if (error.status === 410 || error.reason === 'Expired' || error.reason === 'Gone') return 'expired';
  if (error.status !== undefined) return 'other';
  // No HTTP status: the transport failed, or the answer could not be read.
  return /malformed|not a list|unknown watch event/.test(error.message) ? 'decode' : 'connection';
}

/** Registers the watcher metrics; returns the hooks to hand to the watcher. */
export function watcherMetrics(status: () => WatcherStatus | undefined, registers: Registry[]): WatcherMetrics {
  const kinds = (): KindStatus[] => status()?.kinds ?? [];
  new Gauge({
    name: 'vmcp_cache_synced',
    help: '1 when ready: every watch cache has completed its first sync and every backend name was reconciled once',
    registers,
    collect() {
      this.set(status()?.synced === true ? 1 : 0);
    },
  });
  new Gauge({
    name: 'vmcp_watcher_failed',
    help: '1 when the watcher stopped on a fatal error',
    registers,
    collect() {
      this.set(status()?.state === 'failed' ? 1 : 0);
    },
  });
  new Gauge({
    name: 'vmcp_watch_connected',
    help: '1 when the watch stream of a kind is open',
    labelNames: ['kind'] as const,
    registers,
    collect() {
      this.reset();
      for (const kind of kinds()) this.set({ kind: kind.kind }, kind.connected ? 1 : 0);
    },
  });
  new Gauge({
    name: 'vmcp_watch_last_event_age_seconds',
    help: 'Seconds since the last watch event, bookmark or list of a kind (an idle watch gets a bookmark about once a minute)',
    labelNames: ['kind'] as const,
    registers,
    collect() {
      this.reset();
      for (const kind of kinds()) if (kind.lastEventAgeMs !== undefined) this.set({ kind: kind.kind }, kind.lastEventAgeMs / 1000);
    },
  });
  new Gauge({
    name: 'vmcp_backend_exclusions',
    help: 'Objects that exist but are not served, by reason',
    labelNames: ['reason'] as const,
    registers,
    collect() {
      this.reset();
      const counts = new Map<string, number>();
      for (const exclusion of Object.values(status()?.exclusions ?? {})) counts.set(exclusion.code, (counts.get(exclusion.code) ?? 0) + 1);
      for (const [reason, count] of counts) this.set({ reason }, count);
    },
  });
  new Gauge({
    name: 'vmcp_backend_name_conflicts',
    help: 'Backend names claimed by objects of more than one kind in the group',
    registers,
    collect() {
      this.set(status()?.conflicts.length ?? 0);
    },
  });
  const events = new Counter({
    name: 'vmcp_watch_events_total',
    help: 'Watch events received, by kind and type',
    labelNames: ['kind', 'type'] as const,
    registers,
  });
  const errors = new Counter({
    name: 'vmcp_watch_errors_total',
    help: 'List and watch failures (each retried), by kind and reason: forbidden, not_found, expired, connection, decode, other',
    labelNames: ['kind', 'reason'] as const,
    registers,
  });
  const initialReconcile = new Histogram({
    name: 'vmcp_initial_reconcile_seconds',
    help: 'Time from the last watch cache sync to the initial-reconcile barrier (readiness)',
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
    registers,
  });
  return {
    watchEvent: (kind, type) => events.inc({ kind, type }),
    // The reflector records the error in its status before it reports it: the reason is read from there.
    watchError: (kind) => errors.inc({ kind, reason: watchErrorReason(kinds().find((k) => k.kind === kind)?.lastError) }),
    initialReconcile: (ms) => initialReconcile.observe(ms / 1000),
  };
}
