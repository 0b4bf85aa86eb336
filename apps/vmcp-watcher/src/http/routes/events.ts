import type { IncomingMessage, ServerResponse } from 'node:http';
import { parseEventId, type ResumePoint } from '../sse/event-hub.ts';
import type { ResetMode } from '../sse/reset-frame.ts';
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

/** `?reset=full` (default: a reset carries every backend) or `?reset=version` (only `{version, count}`). */
export function resetModeOf(url: URL): ResetMode | { error: string } {
  const raw = url.searchParams.get('reset');
  if (raw === null || raw === '' || raw === 'full') return 'full';
  if (raw === 'version') return 'version';
  return { error: 'reset must be full or version' };
}

/** `GET /api/v1/events`: Server-Sent Events of registry changes (see `sse/event-hub.ts`). */
export function eventsRoute(ctx: ServiceContext): (req: IncomingMessage, res: ServerResponse, url: URL) => void {
  return (req, res, url) => {
    const resume = resumePointOf(req, url);
    const resetMode = resetModeOf(url);
    if ('error' in resume) {
      sendJson(req, res, 400, { error: 'bad_request', message: resume.error });
      return;
    }
    if (typeof resetMode === 'object') {
      sendJson(req, res, 400, { error: 'bad_request', message: resetMode.error });
      return;
    }
    if (!ctx.hub.attach(req, res, resume, resetMode)) ctx.logger.warn('event-stream client refused', { clients: ctx.hub.clientCount });
  };
}
