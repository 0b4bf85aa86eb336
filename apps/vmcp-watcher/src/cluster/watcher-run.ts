/**
 * Running the watcher inside the service: start it once in the background, log `ready` once (with how long the
 * sync took: the moment `/readyz` turns 200) and a fatal error once, and say how it ended.
 */
import { errorMessage } from '@vmcp/core';
import type { DynamicRegistry } from '@vmcp/registry';
import type { Logger } from '../observe/logger.ts';
import type { ServiceWatcher } from './service-watcher.ts';

/** The watcher's run. */
export interface WatcherRun {
  /** Starts the watcher (once); resolves nothing: `done` says how it ended. */
  start(): void;
  /** Undefined after a graceful stop (or in static mode), the error after a fatal one. */
  readonly done: Promise<Error | undefined>;
  /** Stops a started watcher; nothing otherwise. */
  stop(): Promise<void>;
}

/** Prepares the run of `watcher` (undefined = static mode: `done` resolves at `start`). */
export function watcherRun(
  watcher: ServiceWatcher | undefined,
  registry: Pick<DynamicRegistry, 'count' | 'version'>,
  logger: Logger,
): WatcherRun {
  let resolveDone: (value: Error | undefined) => void = () => undefined;
  const done = new Promise<Error | undefined>((resolve) => (resolveDone = resolve));
  let started = false;
  let stopReadyLog: (() => void) | undefined;
  return {
    done,
    start: () => {
      if (watcher === undefined) resolveDone(undefined);
      if (watcher === undefined || started) return;
      started = true;
      const startedAt = performance.now();
      let logged = false;
      stopReadyLog = watcher.onStatusChange((status) => {
        if (logged || !status.synced) return;
        logged = true;
        logger.info('ready', { ms: performance.now() - startedAt, backends: registry.count(), version: registry.version() });
      });
      watcher.start().then(
        () => resolveDone(undefined),
        (error: unknown) => {
          // Liveness turns 503 from here (the status says `failed`), so Kubernetes restarts the pod.
          const err = error instanceof Error ? error : new Error(errorMessage(error));
          logger.error('watcher stopped on a fatal error', { error: err });
          resolveDone(err);
        },
      );
    },
    stop: async () => {
      stopReadyLog?.();
      if (watcher !== undefined && started) await watcher.stop();
    },
  };
}
