/**
 * One service instance: HTTP servers (API, probes, metrics), event hub, metrics and (optionally) a watcher, started
 * and stopped as a unit. `run.ts` builds one against a cluster; tests build one with a fake watcher. This module only
 * wires the parts together; each part is in `config/`, `cluster/`, `http/` or `observe/`.
 */
import type http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { DynamicRegistry, RegistryEvent } from '@vmcp/registry';
import { NO_CONFIG_WARNINGS, type ConfigWarningSource } from './cluster/config-warnings.ts';
import type { ServiceWatcher } from './cluster/service-watcher.ts';
import { watcherRun } from './cluster/watcher-run.ts';
import type { ListenAddress } from './config/parsers.ts';
import { ChangeLog } from './http/change-log.ts';
import type { ServiceContext } from './http/context.ts';
import { DEFAULT_HTTP_LIMITS, type HttpLimits } from './http/limits.ts';
import { closeServer, listen } from './http/listen.ts';
import { PublicBackendWriter } from './http/public-json.ts';
import { trackRequests } from './http/request-tracker.ts';
import { createServers, type ServiceServers } from './http/server.ts';
import { EventHub } from './http/sse/event-hub.ts';
import { feedStatus } from './http/sse/status-feed.ts';
import type { Logger } from './observe/logger.ts';
import { createMetrics, type ServiceMetrics } from './observe/metrics/index.ts';
import { SERVICE_VERSION } from './version.ts';

export { SERVICE_VERSION };

/** Options of {@link createService}. */
export interface ServiceOptions {
  registry: DynamicRegistry;
  namespace: string;
  groupRef: string;
  logger: Logger;
  /** Build the watcher once the metrics exist (its hooks are bound to them). Absent = static mode. */
  watcher?: (metrics: ServiceMetrics) => ServiceWatcher;
  /** Probable misconfigurations to show (cluster/config-warnings.ts), given the watcher. Default: none. */
  configWarnings?: (watcher: ServiceWatcher | undefined) => ConfigWarningSource;
  readinessTimeoutMs?: number;
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
}

/** Where each server listens; `metrics` is ignored when the service has no metrics server. */
export interface ServiceAddresses {
  api: ListenAddress;
  probes: ListenAddress;
  metrics?: ListenAddress | undefined;
}

/** The bound addresses. */
export interface BoundAddresses {
  api: AddressInfo;
  probes: AddressInfo;
  metrics: AddressInfo | undefined;
}

/** A running (or runnable) service. */
export interface Service {
  readonly context: ServiceContext;
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

/** A port that could not be bound; `listener` says which (`http`, `probes`, `metrics`). */
export class ListenerError extends Error {
  override readonly name = 'ListenerError';
  readonly listener: string;
  readonly code: string | undefined;
  constructor(listener: string, cause: unknown) {
    const code = (cause as NodeJS.ErrnoException | undefined)?.code;
    super(`cannot listen (${listener}): ${code ?? String(cause)}`, { cause });
    this.listener = listener;
    this.code = code;
  }
}

function describeChange(event: RegistryEvent): Record<string, unknown> {
  return event.type === 'upsert'
    ? {
        change: event.previous === undefined ? 'added' : 'updated',
        backend: event.backend.name,
        version: event.version,
        health: event.backend.healthStatus,
      }
    : { change: 'removed', backend: event.id, version: event.version };
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
    watcherStatus: () => holder.watcher?.status(),
    sseClients: () => hub.clientCount,
    configWarnings: () => holder.warnings.current(),
    defaultMetrics: options.defaultMetrics ?? true,
    version: SERVICE_VERSION,
  });
  const watcher = options.watcher?.(metrics);
  if (watcher !== undefined) holder.watcher = watcher;
  const warnings = options.configWarnings?.(watcher) ?? NO_CONFIG_WARNINGS;
  holder.warnings = warnings;
  const context: ServiceContext = {
    registry,
    watcher,
    hub,
    changes: new ChangeLog(registry, options.sseBufferSize ?? 1000),
    metrics,
    warnings,
    logger,
    namespace: options.namespace,
    groupRef: options.groupRef,
    version: SERVICE_VERSION,
    readinessTimeoutMs: options.readinessTimeoutMs ?? 5000,
    limits,
    publicJson,
  };
  const servers = createServers(context, options.metricsServer ?? true);
  const all = [servers.api, servers.probes, ...(servers.metrics === undefined ? [] : [servers.metrics])];
  const requests = all.map((server) => trackRequests(server, logger, '/api/v1/events'));
  const stopChangeLog = registry.subscribe((event) => logger.info('registry changed', describeChange(event)));
  const stopStatusFeed = feedStatus(context);
  const run = watcherRun(watcher, registry, logger);
  let shuttingDown: Promise<void> | undefined;

  const bind = async (server: http.Server, address: ListenAddress, name: string): Promise<AddressInfo> => {
    try {
      return await listen(server, address, name, logger);
    } catch (error) {
      throw new ListenerError(name, error);
    }
  };

  return {
    context,
    server: servers.api,
    servers,
    watcherDone: run.done,
    listen: async (addresses) => ({
      api: await bind(servers.api, addresses.api, 'http'),
      probes: await bind(servers.probes, addresses.probes, 'probes'),
      metrics:
        servers.metrics === undefined || addresses.metrics === undefined
          ? undefined
          : await bind(servers.metrics, addresses.metrics, 'metrics'),
    }),
    startWatcher: () => {
      warnings.start?.();
      run.start();
    },
    shutdown: () => {
      shuttingDown ??= (async () => {
        logger.info('shutting down');
        stopStatusFeed();
        warnings.stop?.();
        const closed = Promise.all(all.map(closeServer));
        hub.close();
        // Requests already accepted (a probe waiting for the sync, a metrics scrape) get their answer first.
        const inFlight = requests.reduce((sum, r) => sum + r.inFlight, 0);
        if (inFlight > 0) {
          logger.info('waiting for in-flight requests', { requests: inFlight });
          await Promise.all(requests.map((r) => r.drained(options.drainMs ?? 10_000)));
        }
        await run.stop();
        // Whatever is still open now (keep-alive sockets, overrunning requests) is cut.
        for (const server of all) server.closeAllConnections();
        await closed;
        stopChangeLog();
        context.changes.close();
        metrics.close();
        logger.info('stopped');
      })();
      return shuttingDown;
    },
  };
}
