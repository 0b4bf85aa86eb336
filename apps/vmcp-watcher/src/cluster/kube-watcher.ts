/** The production watcher: `@vmcp/kube-watcher`'s `BackendWatcher`, bound to the service's logger and metrics. */
import type { KubeConfig } from '@kubernetes/client-node';
import { BackendWatcher, type BackendWatcherOptions } from '@vmcp/kube-watcher';
import type { DynamicRegistry } from '@vmcp/registry';
import type { Logger } from '../observe/logger.ts';
import type { ServiceMetrics } from '../observe/metrics/index.ts';
import type { ServiceWatcher } from './service-watcher.ts';

/** Options of {@link createKubeWatcher}. */
export interface KubeWatcherOptions {
  kubeConfig: KubeConfig;
  namespace: string;
  groupRef: string;
  registry: DynamicRegistry;
  logger: Logger;
  metrics: ServiceMetrics;
  workers: number | undefined;
}

/** A `BackendWatcher` for the service. Throws the watcher's validation errors (namespace, groupRef…). */
export function createKubeWatcher(options: KubeWatcherOptions): ServiceWatcher {
  const watcherOptions: BackendWatcherOptions = {
    kubeConfig: options.kubeConfig,
    namespace: options.namespace,
    groupRef: options.groupRef,
    registry: options.registry,
    logger: options.logger.child({ component: 'watcher' }),
    metrics: options.metrics.watcher,
  };
  if (options.workers !== undefined) watcherOptions.workers = options.workers;
  return new BackendWatcher(watcherOptions);
}
