/**
 * One attempt at reading the feed: a GET of the event stream, its body handed to `eventsource-parser` chunk by chunk,
 * each message passed on. It ends when the server ends the body (a graceful stop of the watcher), and fails on an
 * error status, a broken connection, a malformed message, or silence longer than the idle timeout (the watcher sends
 * a heartbeat every 15 s, so silence means a dead connection nobody closed).
 */
import http from 'node:http';
import https from 'node:https';
import type { Clock, TimerHandle } from '@vmcp/core';
import { createParser, type EventSourceMessage } from 'eventsource-parser';
import { FeedError, describeErrorBody, kindOfStatus, parseRetryAfterMs } from './errors.ts';

/** What one attempt needs. */
export interface StreamRequest {
  url: URL;
  /** Sent as is: `authorization`, `last-event-id`. */
  headers: Record<string, string>;
  /** Trusted CA certificates (PEM) for an `https:` URL; undefined = Node's default roots. */
  ca: Buffer | undefined;
  signal: AbortSignal;
  idleTimeoutMs: number;
  /** The largest event (its data) accepted, in characters. */
  maxEventChars: number;
  clock: Clock;
  /** The server answered 200: the stream is open. */
  onOpen(): void;
  /** Each message, in order. Throwing ends the attempt with that error. */
  onMessage(message: EventSourceMessage): void;
  /** Any byte arrived (an event or a heartbeat). */
  onActivity(): void;
}

const MAX_ERROR_BODY_CHARS = 4096;

/** Reads the stream until it ends (resolves) or fails (rejects with a {@link FeedError} or the abort reason). */
export function readStream(request: StreamRequest): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    let settled = false;
    let idle: TimerHandle | undefined;
    const finish = (error?: unknown): void => {
      if (settled) return;
      settled = true;
      if (idle !== undefined) request.clock.clearTimeout(idle);
      request.signal.removeEventListener('abort', onAbort);
      req.destroy();
      if (error === undefined) resolve();
      else reject(error instanceof Error ? error : new FeedError('transport', 'the feed stream failed'));
    };
    const arm = (): void => {
      if (idle !== undefined) request.clock.clearTimeout(idle);
      idle = request.clock.setTimeout(
        () => finish(new FeedError('idle', `nothing arrived from the feed for ${request.idleTimeoutMs} ms`)),
        request.idleTimeoutMs,
      );
    };
    const onAbort = (): void => finish(request.signal.reason ?? new DOMException('aborted', 'AbortError'));

    const secure = request.url.protocol === 'https:';
    const options: https.RequestOptions = {
      method: 'GET',
      headers: { accept: 'text/event-stream', 'cache-control': 'no-store', ...request.headers },
      ...(secure && request.ca !== undefined ? { ca: request.ca } : {}),
    };
    const req = (secure ? https : http).request(request.url, options);
    request.signal.addEventListener('abort', onAbort, { once: true });
    arm();
    req.on('error', (error) =>
      finish(settled ? undefined : new FeedError('transport', `feed connection failed: ${error.message}`, { cause: error })),
    );
    req.on('response', (res) => {
      arm();
      res.setEncoding('utf8');
      const status = res.statusCode ?? 0;
      if (status !== 200) {
        let body = '';
        res.on('data', (chunk: string) => {
          if (body.length < MAX_ERROR_BODY_CHARS) body += chunk;
        });
        res.on('end', () => {
          const { reason, message } = describeErrorBody(body);
          const retryAfterMs = parseRetryAfterMs(res.headers['retry-after']);
          const text = `the feed answered ${status}${reason === undefined ? '' : ` (${reason})`}${message === undefined ? '' : `: ${message}`}`;
          finish(
            new FeedError(kindOfStatus(status), text, {
              status,
              ...(reason === undefined ? {} : { reason }),
              ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
            }),
          );
        });
        res.on('error', (error) => finish(new FeedError('transport', `feed answer broke off: ${error.message}`, { cause: error })));
        return;
      }
      const parser = createParser({
        maxBufferSize: request.maxEventChars,
        onEvent: (message) => {
          if (settled) return;
          try {
            request.onMessage(message);
          } catch (error) {
            finish(error);
          }
        },
        onError: (error) => {
          // Unknown fields are ignored, as EventSource does; only an oversized event stops the stream.
          if (error.type === 'max-buffer-size-exceeded') {
            finish(new FeedError('protocol', `a feed event exceeded ${request.maxEventChars} characters`));
          }
        },
      });
      try {
        request.onOpen();
      } catch (error) {
        finish(error);
        return;
      }
      res.on('data', (chunk: string) => {
        if (settled) return;
        arm();
        request.onActivity();
        parser.feed(chunk);
      });
      res.on('end', () => finish());
      res.on('error', (error) => finish(new FeedError('transport', `feed stream broke off: ${error.message}`, { cause: error })));
      res.on('aborted', () => finish(new FeedError('transport', 'feed stream closed mid-event')));
    });
    req.end();
  });
}
