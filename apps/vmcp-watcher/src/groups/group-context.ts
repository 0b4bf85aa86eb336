/**
 * What one served group of a set gets: its own event hub, change log, status events and (with `--feed`) feed,
 * around the registry the set made for it; the size bound, metrics and limits are the service's. The result is a
 * {@link ServiceContext} like today's, so every route serves a group of a set as it serves today's one group.
 */
import { NO_CONFIG_WARNINGS } from '../cluster/config-warnings.ts';
import { groupWatcher } from '../cluster/group-watcher.ts';
import type { ServiceGroup, ServiceWatcherSet } from '../cluster/service-watcher.ts';
import type { Feed } from '../feed/feed.ts';
import { ChangeLog } from '../http/change-log.ts';
import type { ServiceContext } from '../http/context.ts';
import { EventHub } from '../http/sse/event-hub.ts';
import { feedStatus } from '../http/sse/status-feed.ts';
import type { BuiltGroup } from './served-groups.ts';

/** The service-wide parts every group shares, and how each group's streams are bounded. */
export interface GroupParts extends Pick<
  ServiceContext,
  'logger' | 'limits' | 'publicJson' | 'metrics' | 'version' | 'readinessTimeoutMs'
> {
  /** Concurrent event-stream clients of one group. */
  maxSseClients: number;
  sseHeartbeatMs?: number | undefined;
  sseBufferSize?: number | undefined;
  /** Builds the group's feed (the service's `--feed`); absent = no feed. */
  feed?: ((context: ServiceContext) => Feed) | undefined;
}

/** The `event: end` a group's streams get when it is no longer served. */
export function groupEndEvent(namespace: string, group: string): { event: string; data: object } {
  return {
    event: 'end',
    data: { reason: 'group_removed', namespace, group, message: 'this group is no longer served; see /api/v1/groups' },
  };
}

/** Builds the entry of `served`, whose status changes `set` announces. */
export function buildGroup(set: ServiceWatcherSet, served: ServiceGroup, parts: GroupParts): BuiltGroup {
  const { namespace, group, registry } = served;
  const logger = parts.logger.child({ namespace, group });
  const hub = new EventHub({
    serialize: (backend) => parts.publicJson.json(backend),
    registry,
    logger: logger.child({ component: 'sse' }),
    maxClients: parts.maxSseClients,
    ...(parts.sseHeartbeatMs === undefined ? {} : { heartbeatMs: parts.sseHeartbeatMs }),
    ...(parts.sseBufferSize === undefined ? {} : { bufferSize: parts.sseBufferSize }),
  });
  const context: ServiceContext = {
    registry,
    watcher: groupWatcher(set, served),
    hub,
    changes: new ChangeLog(registry, parts.sseBufferSize ?? 1000),
    metrics: parts.metrics,
    // The probable-misconfiguration checks look at one group of one namespace; a set reports per namespace instead.
    warnings: NO_CONFIG_WARNINGS,
    logger,
    namespace,
    groupRef: group,
    version: parts.version,
    readinessTimeoutMs: parts.readinessTimeoutMs,
    limits: parts.limits,
    publicJson: parts.publicJson,
  };
  const stopStatus = feedStatus(context);
  const feed = parts.feed?.(context);
  return {
    entry: { namespace, group, context, feed },
    close: (removed) => {
      stopStatus();
      const end = removed ? groupEndEvent(namespace, group) : undefined;
      hub.close(end);
      feed?.hub.close(end);
      context.changes.close();
    },
  };
}
