import type { IncomingMessage, ServerResponse } from 'node:http';

/** Writes a JSON answer (HEAD: headers only). API answers are never cached: they describe a live registry. */
export function sendJson(
  req: IncomingMessage,
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const payload = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json',
    'cache-control': 'no-store',
    'content-length': Buffer.byteLength(payload),
    ...headers,
  });
  res.end(req.method === 'HEAD' ? undefined : payload);
}

/** 404 with a JSON body naming what was not found. */
export function notFound(req: IncomingMessage, res: ServerResponse, what: Record<string, unknown> = {}): void {
  sendJson(req, res, 404, { error: 'not_found', ...what });
}
