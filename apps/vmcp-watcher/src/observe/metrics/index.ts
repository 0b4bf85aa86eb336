/**
 * Prometheus metrics (prom-client, a private registry per service): Node process metrics, the work-queue and
 * reconcile metrics under controller-runtime's names (bound to kube-watcher's hooks, so existing controller
 * dashboards work), and the service's own `vmcp_*` metrics, computed at scrape time from the registry and the
 * watcher's status. One file per family.
 */
import type { WatcherMetrics, WatcherStatus } from '@vmcp/kube-watcher';
import { Registry, collectDefaultMetrics } from 'prom-client';
import { controllerMetrics } from './controller.ts';
import { groupMetrics, type GroupMetricsSources } from './groups.ts';
import { registryMetrics, type RegistryMetricsSource } from './registry.ts';
import { serviceMetrics, type ServiceMetricsSources } from './service.ts';
import { watcherMetrics } from './watcher.ts';
import { workqueueMetrics } from './workqueue.ts';

/** Options of {@link createMetrics}. */
export interface MetricsOptions extends ServiceMetricsSources {
  /** The registry (today's mode), or the sum of a set's group registries. */
  registry: RegistryMetricsSource;
  /** The served groups, for the per-group series; absent = none. */
  groups?: GroupMetricsSources;
  /** The watcher's current status; undefined before it exists (and in static mode). */
  watcherStatus: () => WatcherStatus | undefined;
  /** Adds `process_*` and `nodejs_*` metrics. Default true. */
  defaultMetrics?: boolean;
}

/** The service's metrics: the registry to scrape and the hooks to hand to the watcher. */
export interface ServiceMetrics {
  readonly register: Registry;
  /** Every hook of kube-watcher's `WatcherMetrics`, bound to this registry. */
  readonly watcher: WatcherMetrics;
  /** Stops listening to the registry. */
  close(): void;
}

/** Creates the metrics. Each call has its own prom-client registry (tests run several side by side). */
export function createMetrics(options: MetricsOptions): ServiceMetrics {
  const register = new Registry();
  const registers = [register];
  if (options.defaultMetrics !== false) collectDefaultMetrics({ register });
  const close = registryMetrics(options.registry, registers);
  serviceMetrics(options, registers);
  if (options.groups !== undefined) groupMetrics(options.groups, registers);
  const watcher: WatcherMetrics = {
    ...watcherMetrics(options.watcherStatus, registers),
    controller: controllerMetrics(registers),
    workqueue: workqueueMetrics(registers),
  };
  return { register, watcher, close };
}
