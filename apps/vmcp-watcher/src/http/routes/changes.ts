import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ServiceContext } from '../context.ts';
import { sendJson } from '../respond.ts';

/** `GET /api/v1/changes?limit=N`: `{version, changes}`, the recent registry changes newest first (default 50). */
export function changesRoute(ctx: ServiceContext): (req: IncomingMessage, res: ServerResponse, url: URL) => void {
  return (req, res, url) => {
    const raw = url.searchParams.get('limit');
    if (raw !== null && raw !== '' && (!/^[0-9]{1,9}$/.test(raw) || Number(raw) < 1)) {
      sendJson(req, res, 400, { error: 'bad_request', message: 'limit must be a whole number from 1' });
      return;
    }
    const limit = Math.min(raw === null || raw === '' ? 50 : Number(raw), ctx.limits.maxPageSize);
    sendJson(req, res, 200, { version: ctx.registry.version(), changes: ctx.changes.recent(limit) });
  };
}
