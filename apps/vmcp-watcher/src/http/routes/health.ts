/**
 * The probes, through `@vmcp/readiness`: liveness (`/healthz`, `/livez`, upstream's `/health` and `/ping`) and
 * readiness (`/readyz`). The watcher's `WatcherStatus` says whether it failed and how far the sync has come;
 * `/readyz?verbose` also lists the configuration warnings, which never hold readiness (see cluster/config-warnings.ts).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { WatcherStatus } from '@vmcp/kube-watcher';
import { evaluateLiveness, evaluateReadiness, type ReadinessProgress, type ReadinessSource } from '@vmcp/readiness';
import type { ServiceWatcher } from '../../cluster/service-watcher.ts';
import type { ServiceContext } from '../context.ts';
import { sendJson } from '../respond.ts';

/** The error a failed watcher stopped on, from its status. */
export function fatalErrorOf(status: WatcherStatus): Error | undefined {
  return status.state === 'failed' ? new Error(status.fatalError ?? 'the watcher failed') : undefined;
}

/** `?verbose`'s counts: kinds synced (or tolerated as not installed), and the initial pass. */
export function readinessProgressOf(status: WatcherStatus): ReadinessProgress {
  const { started, done, total } = status.initialReconcile;
  return {
    cacheSync: { synced: status.kinds.filter((k) => k.synced || k.tolerated).length, total: status.kinds.length },
    initialReconcile: { started, done, total },
  };
}

/** The watcher as `@vmcp/readiness` reads it. */
export function readinessSourceOf(watcher: ServiceWatcher): ReadinessSource {
  return {
    waitForCacheSync: (signal) => watcher.waitForCacheSync(signal),
    hasSynced: () => watcher.hasSynced(),
    fatalError: () => fatalErrorOf(watcher.status()),
    readinessProgress: () => readinessProgressOf(watcher.status()),
  };
}

type Handler = (req: IncomingMessage, res: ServerResponse, url: URL) => void | Promise<void>;

/** The liveness and readiness handlers of one service. */
export function healthRoutes(ctx: ServiceContext): { liveness: Handler; readiness: Handler } {
  const watcher = ctx.watcher === undefined ? undefined : readinessSourceOf(ctx.watcher);
  return probeHandlers(watcher, () => ({ warnings: ctx.warnings.current() }), ctx);
}

/**
 * Liveness and readiness on a readiness source (undefined = static mode); `verboseExtras` is added to the
 * `?verbose` body of `/readyz`.
 */
export function probeHandlers(
  watcher: ReadinessSource | undefined,
  verboseExtras: () => Record<string, unknown>,
  ctx: Pick<ServiceContext, 'readinessTimeoutMs' | 'logger'>,
): { liveness: Handler; readiness: Handler } {
  return {
    liveness: (req, res, url) => {
      const result = evaluateLiveness({ watcher }, { verbose: url.searchParams.has('verbose') });
      sendJson(req, res, result.statusCode, result.body);
    },
    readiness: async (req, res, url) => {
      const verbose = url.searchParams.has('verbose');
      // Stop waiting as soon as the client is gone, so abandoned probes do not pile up.
      const gone = new AbortController();
      res.once('close', () => gone.abort());
      const result = await evaluateReadiness(
        { watcher, timeoutMs: ctx.readinessTimeoutMs, onError: (error) => ctx.logger.warn('readiness check failed', { error }) },
        { verbose, signal: gone.signal },
      );
      if (res.destroyed) return;
      const body = verbose ? { ...result.body, ...verboseExtras() } : result.body;
      sendJson(req, res, result.statusCode, body);
    },
  };
}
