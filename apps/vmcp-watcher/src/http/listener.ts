/**
 * The request listener of one port: a table of exact paths plus an optional fallback, GET and HEAD only
 * (everything else is 405), no framework.
 *
 * No request can take the process down: whatever a route throws (synchronously or from its promise) becomes a 500
 * for that request (or, once the body has started, an aborted response), logged once; the server keeps serving.
 */
import type http from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from '../observe/logger.ts';
import { notFound, sendJson } from './respond.ts';

/** A route: answers the request, synchronously or by the time its promise settles. */
export type Route = (req: IncomingMessage, res: ServerResponse, url: URL) => void | Promise<void>;

/** What one port answers. */
export interface RouteTable {
  exact: Record<string, Route>;
  /** Tried for a path that is not in `exact`; returns false when it does not answer it either (404). */
  fallback?: (req: IncomingMessage, res: ServerResponse, url: URL) => boolean;
}

/** The one place a failed request is logged (once) and answered. */
function failRequest(logger: Logger, req: IncomingMessage, res: ServerResponse, error: unknown): void {
  // The path only: a query may carry anything a client typed.
  const path = (req.url ?? '').split('?', 1)[0];
  logger.error('request failed', { method: req.method, path, error });
  if (!res.headersSent) {
    sendJson(req, res, 500, { error: 'internal_error', message: 'the request failed; the service logged the error' });
    return;
  }
  // The status line is gone: cutting the connection is the only way left to tell the client the body is incomplete.
  res.destroy();
}

/** The request listener for a route table. */
export function createListener(table: RouteTable, logger: Logger): http.RequestListener {
  const dispatch = (req: IncomingMessage, res: ServerResponse): void | Promise<void> => {
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
    const route = Object.hasOwn(table.exact, url.pathname) ? table.exact[url.pathname] : undefined;
    if (route !== undefined) return route(req, res, url);
    if (table.fallback?.(req, res, url) !== true) notFound(req, res, { path: url.pathname });
  };
  return (req, res) => {
    const fail = (error: unknown): void => failRequest(logger, req, res, error);
    try {
      const pending = dispatch(req, res);
      if (pending !== undefined) pending.catch(fail);
    } catch (error) {
      fail(error);
    }
  };
}
