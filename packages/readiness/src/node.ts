import type { IncomingMessage, ServerResponse } from 'node:http';
import { evaluateLiveness, evaluateReadiness } from './evaluate.ts';
import type { HealthAnswer, LivenessOptions, ReadinessOptions } from './types.ts';

/** Connect's `next`. Express, connect and polka all call middleware this way. */
export type NextFunction = (error?: unknown) => void;

/**
 * A handler for `http.createServer` that is also a connect-style middleware: called with `next` it answers only
 * its path(s) and passes everything else on; called without `next` it answers every request it is given.
 */
export type NodeHealthHandler = (req: IncomingMessage, res: ServerResponse, next?: NextFunction) => void;

interface RequestTarget {
  pathname: string;
  verbose: boolean;
}

/** Express rewrites `req.url` under a mount point and keeps the original in `originalUrl`. */
function targetOf(req: IncomingMessage): RequestTarget {
  const raw = (req as IncomingMessage & { originalUrl?: string }).originalUrl ?? req.url ?? '/';
  const url = new URL(raw, 'http://localhost');
  return { pathname: url.pathname, verbose: url.searchParams.has('verbose') };
}

/** Writes a JSON answer; HEAD gets the headers only. Probes must never be cached by a proxy. */
export function sendJson(req: IncomingMessage, res: ServerResponse, answer: HealthAnswer<object>): void {
  if (res.headersSent || res.destroyed) return;
  const payload = JSON.stringify(answer.body);
  res.writeHead(answer.statusCode, {
    'content-type': 'application/json',
    'cache-control': 'no-store',
    'content-length': Buffer.byteLength(payload),
  });
  res.end(req.method === 'HEAD' ? undefined : payload);
}

/** Answers 405 to anything but GET and HEAD; true when it did. */
function rejectMethod(req: IncomingMessage, res: ServerResponse): boolean {
  if (req.method === 'GET' || req.method === 'HEAD' || req.method === undefined) return false;
  const payload = JSON.stringify({ error: 'method_not_allowed' });
  res.writeHead(405, { allow: 'GET, HEAD', 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) });
  res.end(payload);
  return true;
}

/**
 * `/readyz` for `node:http` and connect/Express. Waits up to `timeoutMs` (default 5 s) for the watcher's cache
 * sync, and stops waiting as soon as the client disconnects, so abandoned probes do not pile up.
 *
 * @example
 * http.createServer(readinessHandler({ watcher })).listen(8080);
 * app.use(readinessHandler({ watcher }));            // Express: answers /readyz, passes the rest on
 */
export function readinessHandler(options: ReadinessOptions = {}): NodeHealthHandler {
  const path = options.path ?? '/readyz';
  return (req, res, next) => {
    const target = targetOf(req);
    if (next !== undefined && target.pathname !== path) {
      next();
      return;
    }
    if (rejectMethod(req, res)) return;
    const client = new AbortController();
    // `close` on the response fires when the socket goes away; after a normal end it is harmless.
    const onClose = (): void => {
      if (!res.writableFinished) client.abort();
    };
    res.once('close', onClose);
    evaluateReadiness(options, { verbose: target.verbose, signal: client.signal })
      .then((answer) => {
        res.off('close', onClose);
        sendJson(req, res, answer);
      })
      .catch((error: unknown) => {
        // evaluateReadiness never rejects; this is a last line of defence that still answers.
        options.onError?.(error);
        sendJson(req, res, { statusCode: 503, body: { status: 'not_ready', mode: 'dynamic', reason: 'cache_sync_pending' } });
      });
  };
}

/**
 * `/health`, `/healthz`, `/ping` for `node:http` and connect/Express: 200 `{"status":"ok"}`, or 503 when the
 * watcher reports a fatal error (upstream keeps answering 200; see the README).
 */
export function livenessHandler(options: LivenessOptions = {}): NodeHealthHandler {
  const paths = new Set(options.paths ?? ['/health', '/healthz', '/ping']);
  return (req, res, next) => {
    const target = targetOf(req);
    if (next !== undefined && !paths.has(target.pathname)) {
      next();
      return;
    }
    if (rejectMethod(req, res)) return;
    sendJson(req, res, evaluateLiveness(options, { verbose: target.verbose }));
  };
}
