/**
 * The service's cold start, as the image runs it: `dist/cli.js` with the image's Node flags, spawn → `/readyz` 200
 * (readiness = every configured group has passed its initial reconcile), then its RSS as a pod would show it: read
 * from /proc after a short settle, with no garbage collection forced from outside (the service gets no `mem`
 * command; whatever it does to its memory after the sync, apps/vmcp-watcher/src/runtime, is what is measured).
 */
import { startService } from '../fleet/service.ts';
import { sleep, type BenchContext } from './context.ts';

/** One start of the service. */
export interface ServiceSample {
  /** Spawn → `/readyz` 200. */
  processToReady: number;
  /** RSS {@link SETTLE_MS} after ready. */
  rss: number;
}

/** The wait between readiness and the RSS reading: the post-sync memory step runs half a second after the sync. */
export const SETTLE_MS = 2000;

/** Starts the service once against `namespace` (`groups` served), measures, stops it. */
export async function serviceStartOnce(
  ctx: BenchContext,
  o: { namespace: string; groups: readonly string[]; nodeFlags: readonly string[]; timeoutMs: number; env?: NodeJS.ProcessEnv },
): Promise<ServiceSample> {
  const service = await startService({ kubeconfig: ctx.cp.kubeconfigPath, ...o });
  try {
    await sleep(SETTLE_MS);
    const rss = service.rss();
    if (rss === null) throw new Error(`service (pid ${service.pid}): RSS unreadable from /proc`);
    return { processToReady: service.readyAt - service.spawnedAt, rss };
  } finally {
    await service.stop();
  }
}
