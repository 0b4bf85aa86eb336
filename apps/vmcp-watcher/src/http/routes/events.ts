import type { IncomingMessage, ServerResponse } from 'node:http';
import { parseEventId, type ResumePoint } from '../../sse.ts';
import type { ServiceContext } from '../context.ts';
import { sendJson } from '../respond.ts';

/**
 * Where a client resumes: `Last-Event-ID` (sent by EventSource on reconnect) wins over `?since=`; neither means
 * "send me the full list first". Returns an error message for a malformed value.
 */
export function resumePointOf(req: IncomingMessage, url: URL): ResumePoint | { error: string } {
  const header = req.headers['last-event-id'];
  const raw = (Array.isArray(header) ? header[0] : header) ?? url.searchParams.get('since') ?? undefined;
  if (raw === undefined || raw === '') return { kind: 'snapshot' };
  const id = parseEventId(raw);
  if (id === undefined) {
    return { error: `${header === undefined ? 'since' : 'Last-Event-ID'} must be an event id (<epoch>.<version>, as sent in the stream)` };
  }
  return { kind: 'since', epoch: id.epoch, version: id.version };
}

/** `GET /api/v1/events`: Server-Sent Events of registry changes (see `sse.ts`). */
export function eventsRoute(ctx: ServiceContext): (req: IncomingMessage, res: ServerResponse, url: URL) => void {
  return (req, res, url) => {
    const resume = resumePointOf(req, url);
    if ('error' in resume) {
      sendJson(req, res, 400, { error: 'bad_request', message: resume.error });
      return;
    }
    if (!ctx.hub.attach(req, res, resume)) ctx.logger.warn('event-stream client refused', { clients: ctx.hub.clientCount });
  };
}
