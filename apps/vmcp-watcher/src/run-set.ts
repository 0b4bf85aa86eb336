/**
 * Starts a service of several groups against a cluster (`--namespace a,b`, `--group a,b`, `--all-namespaces`,
 * `--all-groups`): a set of watchers, the three HTTP servers. No preflight LIST: a namespace the service may not
 * read is reported by name (status, `/readyz?verbose`, `vmcp_namespace_access`) while the others are served.
 */
import type { KubeConfig } from '@kubernetes/client-node';
import type { ServiceWatcherSet } from './cluster/service-watcher.ts';
import type { Config, WatchTargets } from './config/load.ts';
import { createGroupService, type GroupService } from './group-service.ts';
import type { Logger } from './observe/logger.ts';
import type { ServiceMetrics } from './observe/metrics/index.ts';
import { listenAndStart, serviceReviews } from './run.ts';

/** A running service of several groups and the URLs it serves. */
export interface RunningGroupService {
  service: GroupService;
  url: string;
  probesUrl: string;
  metricsUrl: string | undefined;
}

/** What a set is built from: the cluster, the targets and the service's logger and metrics. */
export interface WatcherSetInputs {
  kubeConfig: KubeConfig;
  targets: WatchTargets;
  logger: Logger;
  metrics: ServiceMetrics;
  workers: number | undefined;
}

/** Listens and starts watching; `makeSet` builds the set (production: `cluster/kube-watcher-set.ts`). */
export async function startSetAgainstCluster(
  config: Config & { watch: WatchTargets },
  kubeConfig: KubeConfig,
  logger: Logger,
  makeSet: (inputs: WatcherSetInputs) => ServiceWatcherSet,
): Promise<RunningGroupService> {
  const service = createGroupService({
    logger,
    readinessTimeoutMs: config.readinessTimeoutMs,
    maxSseClients: config.maxSseClients,
    metricsServer: config.metricsListen !== undefined,
    watcherSet: (metrics) => makeSet({ kubeConfig, targets: config.watch, logger, metrics, workers: config.workers }),
    tls: config.tls,
    access: config.feed
      ? {
          reviews: serviceReviews(kubeConfig),
          audiences: config.authAudiences,
          feed: true,
        }
      : undefined,
  });
  return listenAndStart(service, config);
}
