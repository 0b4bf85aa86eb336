/**
 * One service instance: HTTP servers (API, probes, metrics), event hub, metrics and (optionally) a watcher, started
 * and stopped as a unit. `run.ts` builds one against a cluster; tests build one with a fake watcher. This module only
 * wires the parts together; each part is in `config/`, `cluster/`, `http/` or `observe/`.
 */
import type http from 'node:http';
import type { DynamicRegistry } from '@vmcp/registry';
import { NO_CONFIG_WARNINGS, type ConfigWarningSource } from './cluster/config-warnings.ts';
import type { ServiceWatcher } from './cluster/service-watcher.ts';
import { watcherRun } from './cluster/watcher-run.ts';
import { parseGroupRef } from '@vmcp/reconciler';
import { singleGroupDirectory } from './groups/directory.ts';
import { ChangeLog } from './http/change-log.ts';
import type { ServiceContext } from './http/context.ts';
import { DEFAULT_HTTP_LIMITS, type HttpLimits } from './http/limits.ts';
import { PublicBackendWriter } from './http/public-json.ts';
import { ServerSet, type BoundAddresses, type ServiceAddresses } from './http/server-set.ts';
import { createServers, probeRoutes, type ServiceServers } from './http/server.ts';
import { createApiAccess, type ApiAccess, type ApiAccessOptions } from './feed/api-access.ts';
import type { TlsSettings } from './feed/tls.ts';
import { EventHub } from './http/sse/event-hub.ts';
import { feedStatus } from './http/sse/status-feed.ts';
import type { Logger } from './observe/logger.ts';
import { logRegistryChanges } from './observe/registry-log.ts';
import { createMetrics, type ServiceMetrics } from './observe/metrics/index.ts';
import { SERVICE_VERSION } from './version.ts';

export { SERVICE_VERSION };
export { ListenerError, type BoundAddresses, type ServiceAddresses } from './http/server-set.ts';

/** What every service takes, whatever it serves (one group here, several in `group-service.ts`). */
export interface ServiceBaseOptions {
  logger: Logger;
  readinessTimeoutMs?: number;
  /** Concurrent event-stream clients (of each group). Default 100. */
  maxSseClients?: number;
  sseHeartbeatMs?: number;
  sseBufferSize?: number;
  /** How long a graceful stop waits for requests in flight. Default 10 s. */
  drainMs?: number;
  /** process metrics (`process_*`, `nodejs_*`). Default true. */
  defaultMetrics?: boolean;
  /** Serve `/metrics` on a port of its own. Default true (`--metrics-bind-address 0` turns it off). */
  metricsServer?: boolean;
  /** Page sizes and the per-backend size bound of the HTTP answers; unset fields keep their defaults. */
  httpLimits?: Partial<HttpLimits>;
  /** Serve the API port over HTTPS with this pair (reloaded when it changes). Probes and metrics stay plain. */
  tls?: TlsSettings | undefined;
}

/** Options of {@link createService}. */
export interface ServiceOptions extends ServiceBaseOptions {
  registry: DynamicRegistry;
  namespace: string;
  groupRef: string;
  /** Build the watcher once the metrics exist (its hooks are bound to them). Absent = static mode. */
  watcher?: (metrics: ServiceMetrics) => ServiceWatcher;
  /** Probable misconfigurations to show (cluster/config-warnings.ts), given the watcher. Default: none. */
  configWarnings?: (watcher: ServiceWatcher | undefined) => ConfigWarningSource;
  /** The Kubernetes access check: the feed (`--feed`) and/or the public routes (`--auth-public`). */
  access?: ApiAccessOptions | undefined;
}

/** What every service is run by, whatever it serves: its servers and its lifecycle. */
export interface ServiceRun {
  /** The API server (the API, the page, the event stream). */
  readonly server: http.Server;
  readonly servers: ServiceServers;
  /** Listens on every port; resolves with the bound addresses. Rejects naming the listener that failed. */
  listen(addresses: ServiceAddresses): Promise<BoundAddresses>;
  /** Starts the watcher in the background; resolves when it is running (not synced). */
  startWatcher(): void;
  /** Resolves when the watcher ends: undefined after a graceful stop, the error after a fatal one. */
  readonly watcherDone: Promise<Error | undefined>;
  /** Graceful stop: refuse new connections, end event streams, drain the watcher, close the servers. Idempotent. */
  shutdown(): Promise<void>;
}

/** A running (or runnable) service of one group. */
export interface Service extends ServiceRun {
  readonly context: ServiceContext;
  /** The access check and the feed, when configured. */
  readonly access: ApiAccess | undefined;
}

/** Wires a service. Nothing listens or watches until `listen` / `startWatcher`. */
export function createService(options: ServiceOptions): Service {
  const { registry, logger } = options;
  const limits: HttpLimits = { ...DEFAULT_HTTP_LIMITS, ...options.httpLimits };
  const publicJson = new PublicBackendWriter(limits.maxBackendBytes, logger.child({ component: 'http' }));
  const hub = new EventHub({
    serialize: (backend) => publicJson.json(backend),
    registry,
    logger: logger.child({ component: 'sse' }),
    maxClients: options.maxSseClients ?? 100,
    ...(options.sseHeartbeatMs !== undefined ? { heartbeatMs: options.sseHeartbeatMs } : {}),
    ...(options.sseBufferSize !== undefined ? { bufferSize: options.sseBufferSize } : {}),
  });
  // The watcher (and the warnings, which read it) are built after the metrics, as its hooks are bound to them, while
  // the metrics read both at scrape time: a holder breaks the cycle.
  const holder: { watcher?: ServiceWatcher; warnings: ConfigWarningSource } = { warnings: NO_CONFIG_WARNINGS };
  const metrics = createMetrics({
    registry,
    groups: {
      groups: () => [
        {
          namespace: options.namespace,
          group: parseGroupRef(options.groupRef, options.namespace).name,
          registry,
          synced: () => holder.watcher?.hasSynced() ?? true,
          status: () => holder.watcher?.status(),
        },
      ],
    },
    watcherStatus: () => holder.watcher?.status(),
    sseClients: () => hub.clientCount,
    configWarnings: () => holder.warnings.current(),
    defaultMetrics: options.defaultMetrics ?? true,
    version: SERVICE_VERSION,
  });
  const watcher = options.watcher?.(metrics);
  if (watcher !== undefined) holder.watcher = watcher;
  const warnings = (holder.warnings = options.configWarnings?.(watcher) ?? NO_CONFIG_WARNINGS);
  const context: ServiceContext = {
    registry,
    watcher,
    hub,
    metrics,
    warnings,
    logger,
    limits,
    publicJson,
    changes: new ChangeLog(registry, options.sseBufferSize ?? 1000),
    namespace: options.namespace,
    groupRef: options.groupRef,
    version: SERVICE_VERSION,
    readinessTimeoutMs: options.readinessTimeoutMs ?? 5000,
  };
  const access = options.access === undefined ? undefined : createApiAccess(context, options.access);
  const probePaths = Object.keys(probeRoutes(context));
  const servers = new ServerSet(
    createServers(context, options.metricsServer ?? true, {
      ...(access === undefined ? {} : { routes: (table) => access.routes(table, probePaths) }),
      directory: singleGroupDirectory(context, () => access?.feed),
      tls: options.tls,
    }),
    logger,
  );
  const stopChangeLog = logRegistryChanges(registry, logger);
  const stopStatusFeed = feedStatus(context);
  const run = watcherRun(watcher, registry, logger);

  const stop = async (): Promise<void> => {
    logger.info('shutting down');
    stopStatusFeed();
    warnings.stop?.();
    hub.close();
    access?.close();
    // Requests already accepted (a probe waiting for the sync, a metrics scrape) get their answer first.
    await servers.drain(options.drainMs ?? 10_000);
    await run.stop();
    await servers.close();
    stopChangeLog();
    context.changes.close();
    metrics.close();
    logger.info('stopped');
  };
  let shuttingDown: Promise<void> | undefined;
  return {
    context,
    server: servers.servers.api,
    servers: servers.servers,
    access,
    watcherDone: run.done,
    listen: (addresses) => servers.listen(addresses),
    startWatcher: () => {
      warnings.start?.();
      run.start();
    },
    shutdown: () => (shuttingDown ??= stop()),
  };
}
