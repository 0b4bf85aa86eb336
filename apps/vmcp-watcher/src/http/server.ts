/**
 * The service's three ports, each a node:http server with its own route table (controller-runtime's split, so a
 * NetworkPolicy can admit each client to its port only):
 * - the API port (`--listen`): the API, `/status`, the status page and the event stream, plus upstream vMCP's
 *   probe paths (`/health`, `/ping`, `/readyz`) and `/healthz`, which upstream's clients call on this port;
 * - the probe port (`--health-probe-bind-address`): `/healthz`, `/livez`, `/readyz`;
 * - the metrics port (`--metrics-bind-address`): `/metrics`.
 * Every answer is JSON except `/metrics` (Prometheus text), `/` (HTML) and `/api/v1/events` (SSE).
 */
import http from 'node:http';
import type { ServiceContext } from './context.ts';
import { createListener, type RouteTable } from './listener.ts';
import { sendJson } from './respond.ts';
import { getBackendRoute, listBackendsRoute } from './routes/backends.ts';
import { changesRoute } from './routes/changes.ts';
import { eventsRoute } from './routes/events.ts';
import { excludedRoute } from './routes/excluded.ts';
import { groupPathsFallback, groupsRoute } from './routes/groups.ts';
import { singleGroupDirectory, type GroupDirectory } from '../groups/directory.ts';
import { healthRoutes } from './routes/health.ts';
import { metricsRoute } from './routes/metrics.ts';
import { pageRoute } from './routes/page.ts';
import { statusRoute } from './routes/status.ts';
import { statusEventOf } from './sse/status-feed.ts';
import { createTlsServer, type TlsSettings } from '../feed/tls.ts';

const BACKEND_PATH = /^\/api\/v1\/backends\/([^/]+)$/;

/** The probe paths, on the probe port and (for upstream's clients) on the API port. */
export function probeRoutes(ctx: ServiceContext): RouteTable['exact'] {
  const { liveness, readiness } = healthRoutes(ctx);
  return { '/healthz': liveness, '/livez': liveness, '/health': liveness, '/ping': liveness, '/readyz': readiness };
}

/** The API port's routes: today's paths on `ctx`, and the per-group paths of `directory` (by default `ctx`'s one group). */
export function apiRoutes(ctx: ServiceContext, directory: GroupDirectory = singleGroupDirectory(ctx, () => undefined)): RouteTable {
  const one = getBackendRoute(ctx);
  const groupPaths = groupPathsFallback(directory);
  return {
    exact: {
      ...probeRoutes(ctx),
      '/': pageRoute(ctx),
      '/status': statusRoute(ctx),
      '/api/v1/backends': listBackendsRoute(ctx),
      '/api/v1/events': eventsRoute(ctx),
      '/api/v1/changes': changesRoute(ctx),
      // The status event's payload on demand: the watcher's status now (event ages move on between events).
      '/api/v1/watcher': (req, res) => sendJson(req, res, 200, statusEventOf(ctx)),
      '/api/v1/excluded': excludedRoute(ctx),
      '/api/v1/groups': groupsRoute(directory),
    },
    fallback: (req, res, url) => {
      const match = BACKEND_PATH.exec(url.pathname);
      if (match?.[1] === undefined) return groupPaths(req, res, url);
      let id: string;
      try {
        id = decodeURIComponent(match[1]);
      } catch {
        sendJson(req, res, 400, { error: 'bad_request' });
        return true;
      }
      one(req, res, id);
      return true;
    },
  };
}

/** A node:http server for a route table (HTTPS with `tls`), not yet listening. */
export function createHttpServer(table: RouteTable, ctx: Pick<ServiceContext, 'logger'>, tls?: TlsSettings): http.Server {
  const listener = createListener(table, ctx.logger);
  const server = tls === undefined ? http.createServer(listener) : createTlsServer(listener, { ...tls, logger: ctx.logger }).server;
  // Probes and API calls are small; slow clients must not hold sockets for long. SSE responses are long-lived by
  // design and do not count against requestTimeout once the headers are out.
  server.headersTimeout = 10_000;
  server.requestTimeout = 30_000;
  server.keepAliveTimeout = 5_000;
  return server;
}

/** The three servers of a service; `metrics` is absent when its port is turned off. */
export interface ServiceServers {
  api: http.Server;
  probes: http.Server;
  metrics: http.Server | undefined;
}

/** How the API port differs from the default: its routes (the feed, the access check) and TLS. */
export interface ApiPortOptions {
  routes?: (table: RouteTable) => RouteTable;
  /** The groups of the per-group paths; default the context's one group. */
  directory?: GroupDirectory | undefined;
  /** Serve HTTPS with this pair (reloaded when it changes); the probe and metrics ports stay plain. */
  tls?: TlsSettings | undefined;
}

/** Builds the servers (none listens yet). */
export function createServers(ctx: ServiceContext, withMetrics: boolean, api: ApiPortOptions = {}): ServiceServers {
  const table = apiRoutes(ctx, api.directory);
  return {
    api: createHttpServer(api.routes?.(table) ?? table, ctx, api.tls),
    probes: createHttpServer({ exact: probeRoutes(ctx) }, ctx),
    metrics: withMetrics ? createHttpServer({ exact: { '/metrics': metricsRoute(ctx) } }, ctx) : undefined,
  };
}

/** The API port's request listener (what a server of one's own, e.g. over TLS, serves). */
export function createRequestListener(ctx: ServiceContext): http.RequestListener {
  return createListener(apiRoutes(ctx), ctx.logger);
}
