import { evaluateLiveness, evaluateReadiness } from './evaluate.ts';
import type { HealthAnswer, LivenessOptions, ReadinessOptions } from './types.ts';

/** A Web-standard handler: Hono, Bun, Deno, Cloudflare-style runtimes, or `fetch`-shaped tests. */
export type WebHealthHandler = (request: Request) => Promise<Response>;

function toResponse(request: Request, answer: HealthAnswer<object>): Response {
  return new Response(request.method === 'HEAD' ? null : JSON.stringify(answer.body), {
    status: answer.statusCode,
    headers: { 'content-type': 'application/json', 'cache-control': 'no-store' },
  });
}

function methodNotAllowed(request: Request): Response | undefined {
  if (request.method === 'GET' || request.method === 'HEAD') return undefined;
  return new Response(JSON.stringify({ error: 'method_not_allowed' }), {
    status: 405,
    headers: { allow: 'GET, HEAD', 'content-type': 'application/json' },
  });
}

/**
 * `/readyz` as `(Request) => Promise<Response>`. The wait ends at `timeoutMs` or when `request.signal` aborts
 * (the client went away). It answers whatever request it is given; route it yourself.
 *
 * @example
 * app.get('/readyz', (c) => ready(c.req.raw));   // Hono
 */
export function webReadinessHandler(options: ReadinessOptions = {}): WebHealthHandler {
  return async (request) => {
    const rejected = methodNotAllowed(request);
    if (rejected !== undefined) return rejected;
    const verbose = new URL(request.url).searchParams.has('verbose');
    return toResponse(request, await evaluateReadiness(options, { verbose, signal: request.signal }));
  };
}

/** Liveness as `(Request) => Promise<Response>`: 200 `{"status":"ok"}`, or 503 after a fatal watcher error. */
export function webLivenessHandler(options: LivenessOptions = {}): WebHealthHandler {
  return (request) => {
    const rejected = methodNotAllowed(request);
    if (rejected !== undefined) return Promise.resolve(rejected);
    const verbose = new URL(request.url).searchParams.has('verbose');
    return Promise.resolve(toResponse(request, evaluateLiveness(options, { verbose })));
  };
}
