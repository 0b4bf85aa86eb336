/**
 * The HTTP server: node:http with a small route table, no framework. GET and HEAD only; everything else is 405.
 * Every answer is JSON except `/metrics` (Prometheus text), `/` (HTML) and `/api/v1/events` (SSE).
 *
 * No request can take the process down: whatever a route throws (synchronously or from its promise) becomes a 500
 * for that request (or, once the body has started, an aborted response), logged once; the server keeps serving.
 */
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { ServiceContext } from './context.ts';
import { notFound, sendJson } from './respond.ts';
import { getBackendRoute, listBackendsRoute } from './routes/backends.ts';
import { eventsRoute } from './routes/events.ts';
import { healthRoutes } from './routes/health.ts';
import { metricsRoute } from './routes/metrics.ts';
import { pageRoute } from './routes/page.ts';
import { statusRoute } from './routes/status.ts';

const BACKEND_PATH = /^\/api\/v1\/backends\/([^/]+)$/;

/** The request listener for one service context. */
export function createRequestListener(ctx: ServiceContext): http.RequestListener {
  const { liveness, readiness } = healthRoutes(ctx);
  const status = statusRoute(ctx);
  const list = listBackendsRoute(ctx);
  const one = getBackendRoute(ctx);
  const events = eventsRoute(ctx);
  const metrics = metricsRoute(ctx);
  const page = pageRoute(ctx);
  const exact: Record<string, Route> = {
    '/': page,
    // Called without `next`: the handlers answer whatever they are given (the table already matched the path).
    '/health': (req, res) => liveness(req, res),
    '/healthz': (req, res) => liveness(req, res),
    '/ping': (req, res) => liveness(req, res),
    '/readyz': (req, res) => readiness(req, res),
    '/status': status,
    '/api/v1/backends': list,
    '/api/v1/events': events,
    '/metrics': metrics,
  };

  const guarded = (req: IncomingMessage, res: ServerResponse, handle: () => void | Promise<void>): void => {
    const fail = (error: unknown): void => failRequest(ctx, req, res, error);
    try {
      const pending = handle();
      if (pending !== undefined) pending.catch(fail);
    } catch (error) {
      fail(error);
    }
  };

  return (req, res) => guarded(req, res, () => dispatch(req, res));

  function dispatch(req: IncomingMessage, res: ServerResponse): void | Promise<void> {
    res.setHeader('x-content-type-options', 'nosniff');
    let url: URL;
    try {
      url = new URL(req.url ?? '/', 'http://localhost');
    } catch {
      sendJson(req, res, 400, { error: 'bad_request' });
      return;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      sendJson(req, res, 405, { error: 'method_not_allowed' }, { allow: 'GET, HEAD' });
      return;
    }
    const route = exact[url.pathname];
    if (route !== undefined) return route(req, res, url);
    const match = BACKEND_PATH.exec(url.pathname);
    if (match?.[1] !== undefined) {
      let id: string;
      try {
        id = decodeURIComponent(match[1]);
      } catch {
        sendJson(req, res, 400, { error: 'bad_request' });
        return;
      }
      one(req, res, id);
      return;
    }
    notFound(req, res, { path: url.pathname });
  }
}

/** A route: answers the request, synchronously or by the time its promise settles. */
type Route = (req: IncomingMessage, res: ServerResponse, url: URL) => void | Promise<void>;

/** The one place a failed request is logged (once) and answered. */
function failRequest(ctx: ServiceContext, req: IncomingMessage, res: ServerResponse, error: unknown): void {
  // The path only: a query may carry anything a client typed.
  const path = (req.url ?? '').split('?', 1)[0];
  ctx.logger.error('request failed', { method: req.method, path, error });
  if (!res.headersSent) {
    sendJson(req, res, 500, { error: 'internal_error', message: 'the request failed; the service logged the error' });
    return;
  }
  // The status line is gone: cutting the connection is the only way left to tell the client the body is incomplete.
  res.destroy();
}

/** A node:http server for the context, not yet listening. */
export function createHttpServer(ctx: ServiceContext): http.Server {
  const server = http.createServer(createRequestListener(ctx));
  // Probes and API calls are small; slow clients must not hold sockets for long. SSE responses are long-lived by
  // design and do not count against requestTimeout once the headers are out.
  server.headersTimeout = 10_000;
  server.requestTimeout = 30_000;
  server.keepAliveTimeout = 5_000;
  return server;
}
