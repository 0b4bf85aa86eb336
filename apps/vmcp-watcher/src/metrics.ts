/**
 * Prometheus metrics (prom-client, a private registry): Node process metrics, the work-queue and reconcile metrics
 * under controller-runtime's names (bound to the watcher's metrics hooks, so existing controller dashboards work),
 * and the service's own `vmcp_*` gauges, computed at scrape time from the registry and the watcher view.
 */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { DynamicRegistry } from '@vmcp/registry';
import type { WatcherView } from './watcher.ts';

// Structural copies of @vmcp/kube-watcher's hook interfaces: the service binds them without depending on the
// watcher's internals (WorkQueueMetricsProvider / ControllerMetrics, docs/architecture.md).
interface GaugeHook {
  inc(): void;
  dec(): void;
}
interface SetHook {
  set(value: number): void;
}
interface CounterHook {
  inc(): void;
}
interface ObserveHook {
  observe(value: number): void;
}

/** client-go's `workqueue.MetricsProvider`, with controller-runtime's metric names. */
export interface WorkQueueMetricsHooks {
  newDepthMetric(name: string): GaugeHook;
  newAddsMetric(name: string): CounterHook;
  newLatencyMetric(name: string): ObserveHook;
  newWorkDurationMetric(name: string): ObserveHook;
  newUnfinishedWorkSecondsMetric(name: string): SetHook;
  newLongestRunningProcessorSecondsMetric(name: string): SetHook;
  newRetriesMetric(name: string): CounterHook;
}

/** controller-runtime's reconcile metrics, one hook per metric. */
export interface ControllerMetricsHooks {
  reconcileTotal(controller: string, result: string): void;
  reconcileErrorsTotal(controller: string): void;
  terminalReconcileErrorsTotal(controller: string): void;
  reconcilePanicsTotal(controller: string): void;
  reconcileTimeSeconds(controller: string, seconds: number): void;
  activeWorkers(controller: string, count: number): void;
  maxConcurrentReconciles(controller: string, count: number): void;
}

/** Options of {@link createMetrics}. */
export interface MetricsOptions {
  registry: DynamicRegistry;
  /** The watcher's current view; undefined before it exists. */
  watcherView: () => WatcherView | undefined;
  /** Connected event-stream clients. */
  sseClients?: () => number;
  /** Adds `process_*` and `nodejs_*` metrics. Default true. */
  defaultMetrics?: boolean;
  version?: string;
}

/** The service's metrics: the registry to scrape and the hooks to hand to the watcher. */
export interface ServiceMetrics {
  readonly register: Registry;
  readonly workqueue: WorkQueueMetricsHooks;
  readonly controller: ControllerMetricsHooks;
  /** Counts watch events per kind and type, for `vmcp_watch_events_total`. */
  watchEvent(kind: string, type: string): void;
  /**
   * Observes `vmcp_initial_reconcile_seconds`: from the last watch cache's sync to the initial-reconcile barrier
   * (every backend name reconciled once; the moment readiness turns true). Once per process.
   */
  initialReconcileSeconds(seconds: number): void;
  /** Stops listening to the registry. */
  close(): void;
}

// controller-runtime: prometheus.ExponentialBuckets(10e-9, 10, 12) for queue latency and work duration.
const QUEUE_BUCKETS = Array.from({ length: 12 }, (_, i) => 1e-8 * 10 ** i);
// controller-runtime's reconcile_time_seconds buckets.
const RECONCILE_BUCKETS = [
  0.005, 0.01, 0.025, 0.05, 0.1, 0.15, 0.2, 0.25, 0.3, 0.35, 0.4, 0.45, 0.5, 0.6, 0.7, 0.8, 0.9, 1, 1.25, 1.5, 1.75, 2, 2.5, 3, 3.5, 4, 4.5,
  5, 6, 7, 8, 9, 10, 15, 20, 25, 30, 40, 50, 60,
];

/** Creates the metrics registry. Each call has its own prom-client registry (tests run several side by side). */
export function createMetrics(options: MetricsOptions): ServiceMetrics {
  const register = new Registry();
  const registers = [register];
  if (options.defaultMetrics !== false) collectDefaultMetrics({ register });

  // --- work queue (controller-runtime names; labels controller and name are both the queue's name) ---
  const wq = ['controller', 'name'] as const;
  const depth = new Gauge({ name: 'workqueue_depth', help: 'Current depth of workqueue', labelNames: wq, registers });
  const adds = new Counter({ name: 'workqueue_adds_total', help: 'Total number of adds handled by workqueue', labelNames: wq, registers });
  const latency = new Histogram({
    name: 'workqueue_queue_duration_seconds',
    help: 'How long in seconds an item stays in workqueue before being requested',
    labelNames: wq,
    buckets: QUEUE_BUCKETS,
    registers,
  });
  const workDuration = new Histogram({
    name: 'workqueue_work_duration_seconds',
    help: 'How long in seconds processing an item from workqueue takes.',
    labelNames: wq,
    buckets: QUEUE_BUCKETS,
    registers,
  });
  const unfinished = new Gauge({
    name: 'workqueue_unfinished_work_seconds',
    help: "How many seconds of work has been done that is in progress and hasn't been observed by work_duration.",
    labelNames: wq,
    registers,
  });
  const longest = new Gauge({
    name: 'workqueue_longest_running_processor_seconds',
    help: 'How many seconds has the longest running processor for workqueue been running.',
    labelNames: wq,
    registers,
  });
  const retries = new Counter({
    name: 'workqueue_retries_total',
    help: 'Total number of retries handled by workqueue',
    labelNames: wq,
    registers,
  });
  const labels = (name: string) => ({ controller: name, name });
  const workqueue: WorkQueueMetricsHooks = {
    newDepthMetric: (name) => ({ inc: () => depth.inc(labels(name)), dec: () => depth.dec(labels(name)) }),
    newAddsMetric: (name) => ({ inc: () => adds.inc(labels(name)) }),
    newLatencyMetric: (name) => ({ observe: (v) => latency.observe(labels(name), v) }),
    newWorkDurationMetric: (name) => ({ observe: (v) => workDuration.observe(labels(name), v) }),
    newUnfinishedWorkSecondsMetric: (name) => ({ set: (v) => unfinished.set(labels(name), v) }),
    newLongestRunningProcessorSecondsMetric: (name) => ({ set: (v) => longest.set(labels(name), v) }),
    newRetriesMetric: (name) => ({ inc: () => retries.inc(labels(name)) }),
  };

  // --- reconcile (controller-runtime names) ---
  const reconcileTotal = new Counter({
    name: 'controller_runtime_reconcile_total',
    help: 'Total number of reconciliations per controller',
    labelNames: ['controller', 'result'] as const,
    registers,
  });
  const reconcileErrors = new Counter({
    name: 'controller_runtime_reconcile_errors_total',
    help: 'Total number of reconciliation errors per controller',
    labelNames: ['controller'] as const,
    registers,
  });
  const terminalErrors = new Counter({
    name: 'controller_runtime_terminal_reconcile_errors_total',
    help: 'Total number of terminal reconciliation errors per controller',
    labelNames: ['controller'] as const,
    registers,
  });
  const panics = new Counter({
    name: 'controller_runtime_reconcile_panics_total',
    help: 'Total number of reconciliation panics per controller',
    labelNames: ['controller'] as const,
    registers,
  });
  const reconcileTime = new Histogram({
    name: 'controller_runtime_reconcile_time_seconds',
    help: 'Length of time per reconciliation per controller',
    labelNames: ['controller'] as const,
    buckets: RECONCILE_BUCKETS,
    registers,
  });
  const activeWorkers = new Gauge({
    name: 'controller_runtime_active_workers',
    help: 'Number of currently used workers per controller',
    labelNames: ['controller'] as const,
    registers,
  });
  const maxConcurrent = new Gauge({
    name: 'controller_runtime_max_concurrent_reconciles',
    help: 'Maximum number of concurrent reconciles per controller',
    labelNames: ['controller'] as const,
    registers,
  });
  const controller: ControllerMetricsHooks = {
    reconcileTotal: (c, result) => reconcileTotal.inc({ controller: c, result }),
    reconcileErrorsTotal: (c) => reconcileErrors.inc({ controller: c }),
    terminalReconcileErrorsTotal: (c) => terminalErrors.inc({ controller: c }),
    reconcilePanicsTotal: (c) => panics.inc({ controller: c }),
    reconcileTimeSeconds: (c, s) => reconcileTime.observe({ controller: c }, s),
    activeWorkers: (c, n) => activeWorkers.set({ controller: c }, n),
    maxConcurrentReconciles: (c, n) => maxConcurrent.set({ controller: c }, n),
  };

  // --- the service's own gauges, computed at scrape time ---
  const { registry, watcherView } = options;
  new Gauge({
    name: 'vmcp_registry_backends',
    help: 'Backends currently in the registry',
    registers,
    collect() {
      this.set(registry.count());
    },
  });
  new Gauge({
    name: 'vmcp_registry_version',
    help: 'Registry version (effective changes since start)',
    registers,
    collect() {
      this.set(registry.version());
    },
  });
  const registryEvents = new Counter({
    name: 'vmcp_registry_events_total',
    help: 'Effective registry changes by type',
    labelNames: ['type'] as const,
    registers,
  });
  registryEvents.inc({ type: 'upsert' }, 0);
  registryEvents.inc({ type: 'remove' }, 0);
  const unsubscribe = registry.subscribe((event) => registryEvents.inc({ type: event.type }));
  new Gauge({
    name: 'vmcp_cache_synced',
    help: '1 when ready: every watch cache has completed its first sync and every backend name was reconciled once',
    registers,
    collect() {
      this.set(watcherView()?.synced === true ? 1 : 0);
    },
  });
  const initialReconcile = new Histogram({
    name: 'vmcp_initial_reconcile_seconds',
    help: 'Time from the last watch cache sync to the initial-reconcile barrier (readiness)',
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
    registers,
  });
  new Gauge({
    name: 'vmcp_watch_last_event_age_seconds',
    help: 'Seconds since the last watch event, bookmark or list of a kind (an idle watch gets a bookmark about once a minute)',
    labelNames: ['kind'] as const,
    registers,
    collect() {
      this.reset();
      for (const kind of watcherView()?.kinds ?? []) {
        if (kind.lastEventAgeMs !== undefined) this.set({ kind: kind.kind }, kind.lastEventAgeMs / 1000);
      }
    },
  });
  new Gauge({
    name: 'vmcp_watch_connected',
    help: '1 when the watch stream of a kind is open',
    labelNames: ['kind'] as const,
    registers,
    collect() {
      this.reset();
      for (const kind of watcherView()?.kinds ?? []) this.set({ kind: kind.kind }, kind.connected ? 1 : 0);
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
      for (const exclusion of watcherView()?.exclusions ?? []) {
        counts.set(exclusion.reason.code, (counts.get(exclusion.reason.code) ?? 0) + 1);
      }
      for (const [reason, count] of counts) this.set({ reason }, count);
    },
  });
  new Gauge({
    name: 'vmcp_backend_name_conflicts',
    help: 'Backend names claimed by objects of more than one kind in the group',
    registers,
    collect() {
      this.set(watcherView()?.conflicts.length ?? 0);
    },
  });
  new Gauge({
    name: 'vmcp_watcher_failed',
    help: '1 when the watcher stopped on a fatal error',
    registers,
    collect() {
      this.set(watcherView()?.fatalError === undefined ? 0 : 1);
    },
  });
  const watchEvents = new Counter({
    name: 'vmcp_watch_events_total',
    help: 'Watch events received, by kind and type',
    labelNames: ['kind', 'type'] as const,
    registers,
  });
  const { sseClients } = options;
  if (sseClients !== undefined) {
    new Gauge({
      name: 'vmcp_sse_clients',
      help: 'Connected /api/v1/events clients',
      registers,
      collect() {
        this.set(sseClients());
      },
    });
  }
  new Gauge({
    name: 'vmcp_build_info',
    help: 'Always 1; the version label says which build runs',
    labelNames: ['version'] as const,
    registers,
  }).set({ version: options.version ?? 'dev' }, 1);

  return {
    register,
    workqueue,
    controller,
    watchEvent: (kind, type) => watchEvents.inc({ kind, type }),
    initialReconcileSeconds: (seconds) => initialReconcile.observe(seconds),
    close: unsubscribe,
  };
}
