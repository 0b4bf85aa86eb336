/**
 * A service that serves several groups (and namespaces): a set of watchers, one {@link GroupEntry} per served group
 * (registry, event hub, change log, feed) made and closed as the set's groups come and go, the per-group paths,
 * `/api/v1/groups`, and today's paths answering 409 (see `groups/directory.ts`). Started and stopped as a unit, like
 * `app.ts`'s one-group service, whose servers, probes and metrics it shares.
 */
import type { WatcherStatus } from '@vmcp/kube-watcher';
import type { ServiceGroup, ServiceWatcher, ServiceWatcherSet } from './cluster/service-watcher.ts';
import { watcherRun } from './cluster/watcher-run.ts';
import { createAccessCheck, type AccessCheck } from './feed/access.ts';
import type { ApiAccessOptions } from './feed/api-access.ts';
import { createFeed } from './feed/feed.ts';
import { buildGroup } from './groups/group-context.ts';
import { ServedGroups } from './groups/served-groups.ts';
import type { ServiceBaseOptions, ServiceRun } from './app.ts';
import { DEFAULT_HTTP_LIMITS, type HttpLimits } from './http/limits.ts';
import { PublicBackendWriter } from './http/public-json.ts';
import { probeHandlers } from './http/routes/health.ts';
import { setReadinessDetails, setReadinessSource } from './http/routes/set-health.ts';
import { ServerSet } from './http/server-set.ts';
import { groupServiceServers } from './http/set-routes.ts';
import { AggregateRegistry } from './observe/metrics/aggregate-registry.ts';
import { createMetrics, type ServiceMetrics } from './observe/metrics/index.ts';
import { mergedWatcherStatus } from './observe/set-status.ts';
import { SERVICE_VERSION } from './version.ts';

/** Options of {@link createGroupService}. */
export interface GroupServiceOptions extends ServiceBaseOptions {
  /** Build the set once the metrics exist (its hooks are bound to them). */
  watcherSet: (metrics: ServiceMetrics) => ServiceWatcherSet;
  /** The feed (`--feed`): one per group, each access review naming its group. `authPublic` is not supported here. */
  access?: Omit<ApiAccessOptions, 'authPublic'> | undefined;
}

/** A running (or runnable) service of several groups. */
export interface GroupService extends ServiceRun {
  readonly set: ServiceWatcherSet;
  /** The groups served now, each with its context. */
  readonly groups: ServedGroups;
  readonly metrics: ServiceMetrics;
  /** The access check of the feed, when on. */
  readonly access: AccessCheck | undefined;
}

/** The set as the watcher run drives it (start, stop, the `ready` log line). */
function runnable(set: ServiceWatcherSet): ServiceWatcher {
  return {
    start: (signal) => set.start(signal),
    stop: () => set.stop(),
    hasSynced: () => set.hasSynced(),
    waitForCacheSync: (signal) => set.waitForCacheSync(signal),
    status: () => mergedWatcherStatus(set.status()),
    onStatusChange: (listener) => set.onStatusChange((status) => listener(mergedWatcherStatus(status))),
  };
}

/** Wires a service of several groups. Nothing listens or watches until `listen` / `startWatcher`. */
export function createGroupService(options: GroupServiceOptions): GroupService {
  const { logger } = options;
  const limits: HttpLimits = { ...DEFAULT_HTTP_LIMITS, ...options.httpLimits };
  const publicJson = new PublicBackendWriter(limits.maxBackendBytes, logger.child({ component: 'http' }));
  const registries = new AggregateRegistry();
  const holder: { set?: ServiceWatcherSet; groups?: ServedGroups } = {};
  const servedNow = (): ReturnType<ServedGroups['list']> => holder.groups?.list() ?? [];
  const groupStatuses = (): { namespace: string; group: string; status: WatcherStatus }[] =>
    servedNow().flatMap((g) => {
      const status = g.context.watcher?.status();
      return status === undefined ? [] : [{ namespace: g.namespace, group: g.group, status }];
    });
  const metrics = createMetrics({
    registry: registries,
    groups: {
      groups: () =>
        servedNow().map((g) => ({
          namespace: g.namespace,
          group: g.group,
          registry: g.context.registry,
          synced: () => g.context.watcher?.hasSynced() ?? true,
          status: () => g.context.watcher?.status(),
        })),
      namespaces: () => holder.groups?.namespaces() ?? [],
    },
    watcherStatus: () => (holder.set === undefined ? undefined : mergedWatcherStatus(holder.set.status(), groupStatuses())),
    sseClients: () => servedNow().reduce((n, g) => n + g.context.hub.clientCount, 0),
    defaultMetrics: options.defaultMetrics ?? true,
    version: SERVICE_VERSION,
  });
  const set = (holder.set = options.watcherSet(metrics));
  const readinessTimeoutMs = options.readinessTimeoutMs ?? 5000;
  const accessOptions = options.access;
  const access =
    accessOptions === undefined
      ? undefined
      : createAccessCheck({
          context: { logger, metrics },
          reviews: accessOptions.reviews,
          audiences: accessOptions.audiences,
          ...(accessOptions.limits === undefined ? {} : { limits: accessOptions.limits }),
          feedClients: () => servedNow().reduce((n, g) => n + (g.feed?.hub.clientCount ?? 0), 0),
        });
  const feedOn = options.access?.feed === true && access !== undefined;
  const groups = (holder.groups = new ServedGroups(
    set,
    (served: ServiceGroup) => {
      const detach = registries.attach(served.registry);
      const built = buildGroup(set, served, {
        logger,
        limits,
        publicJson,
        metrics,
        version: SERVICE_VERSION,
        readinessTimeoutMs,
        maxSseClients: options.maxSseClients ?? 100,
        sseHeartbeatMs: options.sseHeartbeatMs,
        sseBufferSize: options.sseBufferSize,
        feed: feedOn ? (context) => createFeed({ ...options.access?.feedLimits, context, access }) : undefined,
      });
      return {
        entry: built.entry,
        close: (removed) => {
          built.close(removed);
          detach();
        },
      };
    },
    logger.child({ component: 'groups' }),
  ));
  const probes = probeHandlers(setReadinessSource(set), () => setReadinessDetails(groups), { readinessTimeoutMs, logger });
  const servers = new ServerSet(
    groupServiceServers(
      { directory: groups, probes, metrics, logger, version: SERVICE_VERSION, feed: feedOn },
      options.metricsServer ?? true,
      options.tls,
    ),
    logger,
  );
  const run = watcherRun(runnable(set), registries, logger);

  const stop = async (): Promise<void> => {
    logger.info('shutting down');
    groups.close();
    await servers.drain(options.drainMs ?? 10_000);
    await run.stop();
    await servers.close();
    metrics.close();
    logger.info('stopped');
  };
  let shuttingDown: Promise<void> | undefined;
  return {
    set,
    groups,
    server: servers.servers.api,
    servers: servers.servers,
    metrics,
    access,
    watcherDone: run.done,
    listen: (addresses) => servers.listen(addresses),
    startWatcher: () => run.start(),
    shutdown: () => (shuttingDown ??= stop()),
  };
}
