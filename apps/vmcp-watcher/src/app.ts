/**
 * One service instance: HTTP server, event hub, metrics and (optionally) a watcher, started and stopped as a unit.
 * `cli.ts` and `demo.ts` build one; tests build one with a fake watcher.
 */
import type http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { DynamicRegistry, RegistryEvent } from '@vmcp/registry';
import type { ListenAddress } from './config.ts';
import { createHttpServer } from './http/server.ts';
import type { ServiceContext } from './http/context.ts';
import { DEFAULT_HTTP_LIMITS, type HttpLimits } from './http/limits.ts';
import { PublicBackendWriter } from './http/public-json.ts';
import type { Logger } from './logger.ts';
import { createMetrics, type ServiceMetrics } from './metrics.ts';
import { EventHub } from './sse.ts';
import { SERVICE_VERSION } from './version.ts';
import type { ServiceWatcher } from './watcher.ts';

export { SERVICE_VERSION };

/** Options of {@link createService}. */
export interface ServiceOptions {
  registry: DynamicRegistry;
  namespace: string;
  groupRef: string;
  logger: Logger;
  /** Build the watcher once the metrics exist (its hooks are bound to them). Absent = static mode. */
  watcher?: (metrics: ServiceMetrics) => ServiceWatcher;
  readinessTimeoutMs?: number;
  maxSseClients?: number;
  sseHeartbeatMs?: number;
  sseBufferSize?: number;
  /** How long a graceful stop waits for requests in flight. Default 10 s. */
  drainMs?: number;
  /** process metrics (`process_*`, `nodejs_*`). Default true. */
  defaultMetrics?: boolean;
  /** Page sizes and the per-backend size bound of the HTTP answers; unset fields keep their defaults. */
  httpLimits?: Partial<HttpLimits>;
}

/** A running (or runnable) service. */
export interface Service {
  readonly context: ServiceContext;
  readonly server: http.Server;
  /** Listens; resolves with the bound address. */
  listen(address: ListenAddress): Promise<AddressInfo>;
  /** Starts the watcher in the background; resolves when it is running (not synced). */
  startWatcher(): void;
  /** Resolves when the watcher ends: undefined after a graceful stop, the error after a fatal one. */
  readonly watcherDone: Promise<Error | undefined>;
  /** Graceful stop: refuse new connections, end event streams, drain the watcher, close the server. Idempotent. */
  shutdown(): Promise<void>;
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
  // The watcher is built after the metrics (its hooks are bound to them) while the metrics read the watcher's view
  // at scrape time: a holder breaks the cycle.
  const holder: { watcher?: ServiceWatcher } = {};
  const metrics = createMetrics({
    registry,
    watcherView: () => holder.watcher?.view(),
    sseClients: () => hub.clientCount,
    defaultMetrics: options.defaultMetrics ?? true,
    version: SERVICE_VERSION,
  });
  const watcher = options.watcher?.(metrics);
  if (watcher !== undefined) holder.watcher = watcher;

  const context: ServiceContext = {
    registry,
    watcher,
    hub,
    metrics,
    logger,
    namespace: options.namespace,
    groupRef: options.groupRef,
    version: SERVICE_VERSION,
    readinessTimeoutMs: options.readinessTimeoutMs ?? 5000,
    limits,
    publicJson,
  };
  const server = createHttpServer(context);
  // Requests being answered (event streams excluded: they are ended by the hub), so a graceful stop lets them finish.
  let inFlight = 0;
  const drained = new Set<() => void>();
  server.on('request', (req: http.IncomingMessage, res: http.ServerResponse) => {
    // The path only (a query may carry anything): lets a test or an operator see that a request has arrived.
    if (logger.isEnabled('debug')) logger.debug('request received', { method: req.method, path: req.url?.split('?')[0] });
    if (req.url?.startsWith('/api/v1/events') === true) return;
    inFlight += 1;
    res.once('close', () => {
      inFlight -= 1;
      if (inFlight === 0) for (const notify of [...drained]) notify();
    });
  });
  const waitForRequests = (ms: number): Promise<void> =>
    inFlight === 0
      ? Promise.resolve()
      : new Promise<void>((resolve) => {
          const done = (): void => {
            clearTimeout(timer);
            drained.delete(done);
            resolve();
          };
          const timer = setTimeout(done, ms);
          drained.add(done);
        });
  const unsubscribe = registry.subscribe((event) => logger.info('registry changed', describeChange(event)));

  const publishStatus = (): void => {
    const view = watcher?.view();
    hub.publishStatus({
      synced: view?.synced ?? true,
      mode: watcher === undefined ? 'static' : 'dynamic',
      groupRef: options.groupRef,
      namespace: options.namespace,
      exclusions: view?.exclusions ?? [],
      conflicts: view?.conflicts ?? [],
      ...(view?.initialReconcile !== undefined
        ? { initialReconcile: { done: view.initialReconcile.done, total: view.initialReconcile.total } }
        : {}),
      watches: (view?.kinds ?? []).map((k) => ({ kind: k.kind, connected: k.connected, synced: k.synced })),
      ...(view?.fatalError !== undefined ? { fatalError: true } : {}),
    });
  };
  publishStatus();
  // Pushed by the watcher on every change worth showing (no polling); the hub drops repeats of the same payload.
  let loggedReady = false;
  const stopStatus = watcher?.onStatusChange(() => {
    if (!loggedReady && watcher.hasSynced()) {
      // Logged once, with how long it took: the moment /readyz turns 200.
      loggedReady = true;
      logger.info('ready', {
        ms: Math.round(performance.now() - startedAt),
        backends: registry.count(),
        version: registry.version(),
      });
    }
    publishStatus();
  });

  let resolveDone: (value: Error | undefined) => void = () => undefined;
  const watcherDone = new Promise<Error | undefined>((resolve) => (resolveDone = resolve));
  let started = false;
  let startedAt = 0;
  let shuttingDown: Promise<void> | undefined;

  return {
    context,
    server,
    watcherDone,
    listen: (address) =>
      new Promise<AddressInfo>((resolve, reject) => {
        const onError = (error: Error): void => reject(error);
        server.once('error', onError);
        server.listen({ port: address.port, ...(address.host !== undefined ? { host: address.host } : {}) }, () => {
          server.off('error', onError);
          const bound = server.address() as AddressInfo;
          logger.info('listening', { address: bound.address, port: bound.port });
          resolve(bound);
        });
      }),
    startWatcher: () => {
      if (watcher === undefined || started) {
        if (watcher === undefined) resolveDone(undefined);
        return;
      }
      started = true;
      startedAt = performance.now();
      watcher.start().then(
        () => resolveDone(undefined),
        (error: unknown) => {
          const err = error instanceof Error ? error : new Error(String(error));
          // Liveness turns 503 from here (fatalError), so Kubernetes restarts the pod.
          logger.error('watcher stopped on a fatal error', { error: err });
          publishStatus();
          resolveDone(err);
        },
      );
    },
    shutdown: () => {
      shuttingDown ??= (async () => {
        logger.info('shutting down');
        stopStatus?.();
        const closed = new Promise<void>((resolve) => server.close(() => resolve()));
        hub.close();
        server.closeIdleConnections();
        // Requests already accepted (a probe waiting for the sync, a metrics scrape) get their answer first.
        if (inFlight > 0) {
          logger.info('waiting for in-flight requests', { requests: inFlight });
          await waitForRequests(options.drainMs ?? 10_000);
        }
        if (watcher !== undefined && started) await watcher.stop();
        // Whatever is still open now (keep-alive sockets, overrunning requests) is cut.
        server.closeAllConnections();
        await closed;
        unsubscribe();
        metrics.close();
        logger.info('stopped');
      })();
      return shuttingDown;
    },
  };
}
