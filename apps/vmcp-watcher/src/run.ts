/** Starts the service against a cluster: preflight, registry, watcher, HTTP server. */
import type { KubeConfig } from '@kubernetes/client-node';
import { createDynamicRegistry } from '@vmcp/registry';
import { createService, type Service } from './app.ts';
import { ConfigError, type Config } from './config.ts';
import { checkCluster, createKubeWatcher } from './kube.ts';
import type { Logger } from './logger.ts';

/** Thrown when the listen address cannot be bound; names the setting. */
export class ListenError extends Error {
  override readonly name = 'ListenError';
}

/** A running service and the URL it serves. */
export interface RunningService {
  service: Service;
  url: string;
}

/** Preflights the cluster, then listens and starts watching. Throws ConfigError / ClusterUnavailableError / ListenError. */
export async function startAgainstCluster(config: Config, kubeConfig: KubeConfig, logger: Logger): Promise<RunningService> {
  await checkCluster(kubeConfig, config.namespace);
  const registry = createDynamicRegistry();
  let service: Service;
  try {
    service = createService({
      registry,
      namespace: config.namespace,
      groupRef: config.groupRef,
      logger,
      readinessTimeoutMs: config.readinessTimeoutMs,
      maxSseClients: config.maxSseClients,
      watcher: (metrics) =>
        createKubeWatcher({
          kubeConfig,
          namespace: config.namespace,
          groupRef: config.groupRef,
          registry,
          logger,
          metrics,
          workers: config.workers,
        }),
    });
  } catch (error) {
    // The watcher validates like upstream's NewBackendWatcher (namespace, groupRef…): a configuration problem.
    throw new ConfigError('--group/--namespace', error instanceof Error ? error.message : String(error));
  }
  let address;
  try {
    address = await service.listen(config.listen);
  } catch (error) {
    await service.shutdown();
    const code = (error as NodeJS.ErrnoException).code;
    const where = `${config.listen.host ?? ''}:${config.listen.port}`;
    throw new ListenError(
      `invalid configuration: --listen: cannot listen on ${where}: ${code ?? (error instanceof Error ? error.message : String(error))}`,
    );
  }
  service.startWatcher();
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  const shown = host === '0.0.0.0' || host === '[::]' ? 'localhost' : host;
  return { service, url: `http://${shown}:${address.port}/` };
}
