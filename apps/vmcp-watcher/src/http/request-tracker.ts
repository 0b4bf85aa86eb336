/**
 * Counts the requests a server is answering (event streams excluded: the hub ends those), so a graceful stop can
 * let them finish before it cuts what is left.
 */
import type http from 'node:http';
import type { Logger } from '../observe/logger.ts';

/** The requests in flight on one server. */
export interface RequestTracker {
  readonly inFlight: number;
  /** Resolves when no request is in flight, or after `ms`, whichever comes first. */
  drained(ms: number): Promise<void>;
}

/** Starts counting the requests of `server`; paths under `streamPrefix` are not counted. */
export function trackRequests(server: http.Server, logger: Logger, streamPrefix: string): RequestTracker {
  let inFlight = 0;
  const waiters = new Set<() => void>();
  server.on('request', (req: http.IncomingMessage, res: http.ServerResponse) => {
    // The path only (a query may carry anything): lets a test or an operator see that a request has arrived.
    if (logger.isEnabled('debug')) logger.debug('request received', { method: req.method, path: req.url?.split('?')[0] });
    if (req.url?.startsWith(streamPrefix) === true) return;
    inFlight += 1;
    res.once('close', () => {
      inFlight -= 1;
      if (inFlight === 0) for (const notify of [...waiters]) notify();
    });
  });
  return {
    get inFlight() {
      return inFlight;
    },
    drained: (ms) =>
      inFlight === 0
        ? Promise.resolve()
        : new Promise<void>((resolve) => {
            const done = (): void => {
              clearTimeout(timer);
              waiters.delete(done);
              resolve();
            };
            const timer = setTimeout(done, ms);
            waiters.add(done);
          }),
  };
}
