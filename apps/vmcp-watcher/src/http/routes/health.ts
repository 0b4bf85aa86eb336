import { livenessHandler, readinessHandler, type NodeHealthHandler } from '@vmcp/readiness';
import type { ServiceContext } from '../context.ts';

/** `/health`, `/healthz`, `/ping` (liveness) and `/readyz`, through `@vmcp/readiness`. */
export function healthRoutes(ctx: ServiceContext): { liveness: NodeHealthHandler; readiness: NodeHealthHandler } {
  return {
    liveness: livenessHandler({ watcher: ctx.watcher }),
    readiness: readinessHandler({
      watcher: ctx.watcher,
      timeoutMs: ctx.readinessTimeoutMs,
      onError: (error) => ctx.logger.warn('readiness check failed', { error }),
    }),
  };
}
