import type { IncomingMessage, ServerResponse } from 'node:http';
import { sendJson } from '../http/respond.ts';
import type { AccessDecision } from './authorizer.ts';

const ERROR_OF = { 401: 'unauthorized', 403: 'forbidden', 503: 'unavailable' } as const;

/**
 * The answer to a refused request: 401, 403 or 503 with a JSON body naming the cause (`missing_token`,
 * `token_expired`, `access_denied`, `token_review_failed`...). Never the token, never the API server's own text.
 */
export function sendRefusal(req: IncomingMessage, res: ServerResponse, decision: Extract<AccessDecision, { allowed: false }>): void {
  const headers: Record<string, string> = {};
  if (decision.status === 401) headers['www-authenticate'] = `Bearer realm="vmcp-watcher", error="invalid_token"`;
  if (decision.status === 503) headers['retry-after'] = '2';
  sendJson(req, res, decision.status, { error: ERROR_OF[decision.status], cause: decision.cause, message: decision.message }, headers);
}
