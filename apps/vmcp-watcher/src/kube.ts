/**
 * The production wiring to Kubernetes: load the kube config, check once that the cluster is reachable and lets us
 * list what we watch (one clear message otherwise), and adapt `@vmcp/kube-watcher`'s `BackendWatcher` to the
 * service's {@link ServiceWatcher}.
 */
import { KubeConfig } from '@kubernetes/client-node';
import { MCPServerResource, collectionPath } from '@vmcp/api';
import {
  BackendWatcher,
  KubeApiError,
  KubeHttpClient,
  ToolHiveKindNotServedError,
  resolveToolHiveVersions,
  type BackendWatcherOptions,
  type WatcherStatus,
} from '@vmcp/kube-watcher';
import { publicUrl, type DynamicRegistry } from '@vmcp/registry';
import { ConfigError, type ClusterSource } from './config.ts';
import type { Logger } from './logger.ts';
import type { ServiceMetrics } from './metrics.ts';
import type { ServiceWatcher, WatcherView } from './watcher.ts';
import { loadKubeconfigFiles } from './kubeconfig.ts';

/** Loads the kube config the configuration names. Throws ConfigError for a bad file or an unknown context. */
export function loadKubeConfig(cluster: ClusterSource): KubeConfig {
  if (cluster.kind === 'in-cluster') {
    const kc = new KubeConfig();
    kc.loadFromCluster();
    return kc;
  }
  let kc: KubeConfig;
  try {
    // Exactly the files that were validated (a list is merged with kubectl's rules): never KUBECONFIG or HOME.
    kc = loadKubeconfigFiles(cluster.paths);
  } catch (error) {
    throw new ConfigError(cluster.from, `cannot load kubeconfig ${error instanceof Error ? error.message : String(error)}`);
  }
  if (cluster.context !== undefined) {
    if (kc.getContextObject(cluster.context) === null) {
      throw new ConfigError('--context', `context "${cluster.context}" is not in ${cluster.path}`);
    }
    kc.setCurrentContext(cluster.context);
  }
  if (kc.getCurrentCluster() === null) {
    throw new ConfigError(cluster.from, `kubeconfig ${cluster.path} has no current context with a cluster`);
  }
  return kc;
}

/** The cluster could not be used at start-up; the message says what and what to check. */
export class ClusterUnavailableError extends Error {
  override readonly name = 'ClusterUnavailableError';
}

/**
 * API discovery of ToolHive's group, then one LIST of MCPServers (limit 1) in the namespace at the version the
 * cluster serves (`v1beta1`, else `v1alpha1`), before anything starts: tells apart "cannot connect", "credentials
 * rejected", "not allowed" and "ToolHive's CRDs not installed" (naming the versions the cluster serves), so a
 * misconfiguration is one clear message and a non-zero exit instead of a service that retries quietly forever.
 */
export async function checkCluster(kc: KubeConfig, namespace: string, timeoutMs = 10_000): Promise<void> {
  const client = new KubeHttpClient(kc, { userAgent: 'vmcp-watcher/preflight' });
  const signal = AbortSignal.timeout(timeoutMs);
  let resource = MCPServerResource;
  const target = { verb: 'list' as const, resource, namespace };
  try {
    const found = await resolveToolHiveVersions(client, [MCPServerResource], signal);
    if (found.missing.length > 0) {
      throw new ClusterUnavailableError(
        `cannot use the Kubernetes API at ${publicUrl(client.server)}: ${new ToolHiveKindNotServedError(found.missing, found.servedVersions).message}`,
      );
    }
    resource = found.resources.get(MCPServerResource.kind) ?? MCPServerResource;
    await client.getJson({
      target,
      path: collectionPath(resource, namespace),
      query: { limit: '1' },
      accept: 'application/json',
      signal,
    });
  } catch (error) {
    if (error instanceof ClusterUnavailableError) throw error;
    // The server address as the one URL-display rule allows: a kubeconfig may carry userinfo in it.
    const server = publicUrl(client.server);
    if (error instanceof KubeApiError) {
      const hint =
        error.status === 401
          ? 'the credentials were rejected'
          : error.status === 403
            ? 'the user may not list MCPServers here; apply the Role in deploy/ (or check the RoleBinding)'
            : error.status === 404
              ? `MCPServers are not served at ${resource.group}/${resource.version} (is ToolHive's operator installed?)`
              : 'the API server refused the request';
      throw new ClusterUnavailableError(`cannot use the Kubernetes API at ${server}: ${hint}: ${error.message}`);
    }
    const reason =
      error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError')
        ? `no answer within ${timeoutMs} ms`
        : error instanceof Error
          ? error.message
          : String(error);
    throw new ClusterUnavailableError(`cannot reach the Kubernetes API at ${server}: ${reason}`);
  }
}

/** The service's view of a `WatcherStatus`. */
export function viewOfStatus(status: WatcherStatus): WatcherView {
  const r = status.initialReconcile;
  return {
    synced: status.synced,
    cachesSynced: status.cachesSynced,
    initialReconcile: {
      started: r.started,
      done: r.done,
      total: r.total,
      ...(r.durationMs !== undefined ? { durationMs: r.durationMs } : {}),
    },
    kinds: status.kinds.map((k) => ({
      kind: k.kind,
      connected: k.connected,
      synced: k.synced,
      resourceVersion: k.resourceVersion,
      apiVersion: k.apiVersion,
      ...(k.lastEventTime !== undefined ? { lastEventTime: k.lastEventTime } : {}),
      ...(k.lastEventAgeMs !== undefined ? { lastEventAgeMs: k.lastEventAgeMs } : {}),
      ...(k.lastError !== undefined ? { lastError: { message: k.lastError.message, at: k.lastError.at } } : {}),
    })),
    exclusions: Object.entries(status.exclusions)
      .map(([name, e]) => ({
        name,
        ...(e.kind !== undefined ? { kind: e.kind } : {}),
        reason: { code: e.code, message: e.message },
        since: e.since,
      }))
      .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)),
    conflicts: status.conflicts.map((c) => ({ name: c.name, kinds: [...c.kinds] })),
    ...(status.fatalError !== undefined ? { fatalError: status.fatalError } : {}),
  };
}

/** Adapts a `BackendWatcher` to the service: remembers the fatal error `start()` rejects with. */
export function adaptBackendWatcher(watcher: BackendWatcher): ServiceWatcher {
  let fatal: Error | undefined;
  return {
    start: async (signal) => {
      try {
        await watcher.start(signal);
      } catch (error) {
        fatal = error instanceof Error ? error : new Error(String(error));
        throw fatal;
      }
    },
    waitForCacheSync: (signal) => watcher.waitForCacheSync(signal),
    hasSynced: () => watcher.hasSynced(),
    fatalError: () =>
      fatal ?? (watcher.status().state === 'failed' ? new Error(watcher.status().fatalError ?? 'watcher failed') : undefined),
    stop: () => watcher.stop(),
    view: () => viewOfStatus(watcher.status()),
    onStatusChange: (listener) => watcher.onStatusChange(() => listener()),
    readinessProgress: () => {
      const s = watcher.status();
      const synced = s.kinds.filter((k) => k.synced || k.tolerated).length;
      const r = s.initialReconcile;
      return { cacheSync: { synced, total: s.kinds.length }, initialReconcile: { started: r.started, done: r.done, total: r.total } };
    },
  };
}

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

/** A `BackendWatcher` bound to the service's logger and metrics. Throws the watcher's validation errors. */
export function createKubeWatcher(options: KubeWatcherOptions): ServiceWatcher {
  const watcherOptions: BackendWatcherOptions = {
    kubeConfig: options.kubeConfig,
    namespace: options.namespace,
    groupRef: options.groupRef,
    registry: options.registry,
    logger: options.logger.child({ component: 'watcher' }),
    metrics: {
      controller: options.metrics.controller,
      workqueue: options.metrics.workqueue,
      watchEvent: (kind, type) => options.metrics.watchEvent(kind, type),
      initialReconcile: (ms) => options.metrics.initialReconcileSeconds(ms / 1000),
    },
  };
  if (options.workers !== undefined) watcherOptions.workers = options.workers;
  return adaptBackendWatcher(new BackendWatcher(watcherOptions));
}
