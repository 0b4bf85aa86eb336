/** Starts the service against a cluster: preflight, registry, watcher, the three HTTP servers. */
import type { KubeConfig } from '@kubernetes/client-node';
import type { AddressInfo } from 'node:net';
import { errorMessage } from '@vmcp/core';
import { createDynamicRegistry } from '@vmcp/registry';
import { createService, ListenerError, type BoundAddresses, type Service, type ServiceAddresses } from './app.ts';
import { KubeHttpClient } from '@vmcp/kube-watcher';
import { parseGroupRef } from '@vmcp/reconciler';
import { ConfigChecker } from './cluster/config-checker.ts';
import { kubeReviews, type Reviews } from './feed/kube-reviews.ts';
import { createKubeWatcher } from './cluster/kube-watcher.ts';
import { checkCluster } from './cluster/preflight.ts';
import { ConfigError } from './config/error.ts';
import type { Config } from './config/load.ts';
import type { ListenAddress } from './config/parsers.ts';
import { SETTINGS } from './config/settings.ts';
import type { Logger } from './observe/logger.ts';

/** Thrown when a listen address cannot be bound; names the setting. */
export class ListenError extends Error {
  override readonly name = 'ListenError';
}

/** A running service and the URLs it serves. */
export interface RunningService {
  service: Service;
  /** The API, the page and the event stream. */
  url: string;
  /** The probes. */
  probesUrl: string;
  /** `/metrics`; undefined when turned off. */
  metricsUrl: string | undefined;
}

/** The URL shown for a bound address (`localhost` for every interface). */
export function urlOf(address: AddressInfo, scheme = 'http'): string {
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  const shown = host === '0.0.0.0' || host === '[::]' ? 'localhost' : host;
  return `${scheme}://${shown}:${address.port}/`;
}

const SETTING_OF_LISTENER: Record<string, { flag: string; address: (config: Config) => ListenAddress | undefined }> = {
  http: { flag: SETTINGS.listen.flag, address: (c) => c.listen },
  probes: { flag: SETTINGS.probeListen.flag, address: (c) => c.probeListen },
  metrics: { flag: SETTINGS.metricsListen.flag, address: (c) => c.metricsListen },
};

/** Preflights the cluster, then listens and starts watching. Throws ConfigError / ClusterUnavailableError / ListenError. */
export async function startAgainstCluster(config: Config, kubeConfig: KubeConfig, logger: Logger): Promise<RunningService> {
  await checkCluster(kubeConfig, config.namespace);
  const registry = createDynamicRegistry();
  const service = createService({
    registry,
    namespace: config.namespace,
    groupRef: config.groupRef,
    logger,
    readinessTimeoutMs: config.readinessTimeoutMs,
    maxSseClients: config.maxSseClients,
    metricsServer: config.metricsListen !== undefined,
    watcher: (metrics) => {
      try {
        return createKubeWatcher({
          kubeConfig,
          namespace: config.namespace,
          groupRef: config.groupRef,
          registry,
          logger,
          metrics,
          workers: config.workers,
        });
      } catch (error) {
        // The watcher validates like upstream's NewBackendWatcher (namespace, groupRef…): a configuration problem.
        throw new ConfigError('--group/--namespace', errorMessage(error));
      }
    },
    tls: config.tls,
    access:
      config.feed || config.authPublic
        ? {
            reviews: serviceReviews(kubeConfig),
            audiences: config.authAudiences,
            feed: config.feed,
            authPublic: config.authPublic,
          }
        : undefined,
    configWarnings: (watcher) =>
      new ConfigChecker({
        client: new KubeHttpClient(kubeConfig, { userAgent: 'vmcp-watcher/config-check' }),
        namespace: config.namespace,
        group: parseGroupRef(config.groupRef, config.namespace).name,
        watcher,
        served: () => registry.count(),
        logger: logger.child({ component: 'config-check' }),
      }),
  });
  return listenAndStart(service, config);
}

/** Listens (see {@link listenOrExplain}), starts the watcher, and says where each port is. */
export async function listenAndStart<S extends ListeningService & { startWatcher(): void }>(
  service: S,
  config: Config,
): Promise<{ service: S; url: string; probesUrl: string; metricsUrl: string | undefined }> {
  const bound = await listenOrExplain(service, config);
  service.startWatcher();
  return {
    service,
    url: urlOf(bound.api, config.tls === undefined ? 'http' : 'https'),
    probesUrl: urlOf(bound.probes),
    metricsUrl: bound.metrics === undefined ? undefined : urlOf(bound.metrics),
  };
}

/** What listens: a service of one group or of several. */
interface ListeningService {
  listen(addresses: ServiceAddresses): Promise<BoundAddresses>;
  shutdown(): Promise<void>;
}

/**
 * Listens on the configured addresses; a listener that cannot bind shuts the service down and becomes one
 * {@link ListenError} naming its setting.
 */
export async function listenOrExplain(service: ListeningService, config: Config): Promise<BoundAddresses> {
  try {
    return await service.listen({ api: config.listen, probes: config.probeListen, metrics: config.metricsListen });
  } catch (error) {
    await service.shutdown();
    if (!(error instanceof ListenerError)) throw error;
    const setting = SETTING_OF_LISTENER[error.listener];
    const address = setting?.address(config);
    const where = address === undefined ? '' : `${address.host ?? ''}:${address.port}`;
    throw new ListenError(
      `invalid configuration: --${setting?.flag ?? error.listener}: cannot listen on ${where}: ${error.code ?? errorMessage(error.cause)}`,
    );
  }
}

/** The access reviews, asked by the service's own identity: it needs system:auth-delegator. */
export function serviceReviews(kubeConfig: KubeConfig): Reviews {
  return kubeReviews(new KubeHttpClient(kubeConfig, { userAgent: 'vmcp-watcher/access-review' }));
}
