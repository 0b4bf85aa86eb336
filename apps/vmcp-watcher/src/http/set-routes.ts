/**
 * The three ports of a service of several groups: the same split as `server.ts` (API, probes, metrics), with the
 * API port serving `/api/v1/groups`, the per-group paths, the page, and today's paths answering the directory's
 * refusal (409 naming `/api/v1/groups`).
 */
import { FEED_BACKENDS_PATH, FEED_EVENTS_PATH } from '../feed/feed.ts';
import type { TlsSettings } from '../feed/tls.ts';
import type { GroupDirectory } from '../groups/directory.ts';
import type { Logger } from '../observe/logger.ts';
import type { ServiceMetrics } from '../observe/metrics/index.ts';
import type { Route, RouteTable } from './listener.ts';
import { sendJson } from './respond.ts';
import { groupPathsFallback, groupsRoute, soleGroupRoutes } from './routes/groups.ts';
import { metricsRoute } from './routes/metrics.ts';
import { statusPageRoute } from './routes/page.ts';
import { createHttpServer, type ServiceServers } from './server.ts';

/** What the ports of a service of several groups read. */
export interface GroupServiceParts {
  directory: GroupDirectory;
  probes: { liveness: Route; readiness: Route };
  metrics: ServiceMetrics;
  logger: Logger;
  version: string;
  /** The feed is on: today's feed paths answer the refusal too (else 404, as without `--feed`). */
  feed?: boolean;
}

/** The API port's routes of a service of several groups. */
export function groupServiceRoutes(parts: GroupServiceParts): RouteTable {
  const { directory, probes } = parts;
  const refuse: Route = (req, res) => {
    const sole = directory.sole();
    if ('status' in sole) sendJson(req, res, sole.status, sole.body);
    else sendJson(req, res, 404, { error: 'not_found' });
  };
  const groupPaths = groupPathsFallback(directory);
  return {
    exact: {
      '/healthz': probes.liveness,
      '/livez': probes.liveness,
      '/health': probes.liveness,
      '/ping': probes.liveness,
      '/readyz': probes.readiness,
      // The page's script picks the group (`?namespace=&group=`, else the first served).
      '/': statusPageRoute(() => ({ groupRef: '–', namespace: '–', version: parts.version })),
      '/api/v1/groups': groupsRoute(directory),
      ...soleGroupRoutes(directory),
      ...(parts.feed === true ? { [FEED_EVENTS_PATH]: refuse, [FEED_BACKENDS_PATH]: refuse } : {}),
    },
    fallback: (req, res, url) => {
      if (groupPaths(req, res, url)) return true;
      if (!url.pathname.startsWith('/api/v1/backends/')) return false;
      void refuse(req, res, url);
      return true;
    },
  };
}

/** Builds the servers (none listens yet). */
export function groupServiceServers(parts: GroupServiceParts, withMetrics: boolean, tls: TlsSettings | undefined): ServiceServers {
  const { liveness, readiness } = parts.probes;
  const probeTable: RouteTable = {
    exact: { '/healthz': liveness, '/livez': liveness, '/health': liveness, '/ping': liveness, '/readyz': readiness },
  };
  const metricsTable: RouteTable = { exact: { '/metrics': metricsRoute({ metrics: parts.metrics, logger: parts.logger }) } };
  return {
    api: createHttpServer(groupServiceRoutes(parts), parts, tls),
    probes: createHttpServer(probeTable, parts),
    metrics: withMetrics ? createHttpServer(metricsTable, parts) : undefined,
  };
}
