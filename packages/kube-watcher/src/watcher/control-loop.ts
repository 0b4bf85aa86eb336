/**
 * The watcher's control loop: the reconciler, the controller that runs it over the work queue, the initial-reconcile
 * barrier that counts its first pass, and the periodic resync. Built with the watcher; its workers start only once
 * every cache has synced (controller-runtime waits for its sources too: a reconcile on a half-filled cache would
 * decide on missing dependencies).
 */
import type { Clock, Logger } from '@vmcp/core';
import type { CacheReader, Discoverer, WatchPlan } from '@vmcp/discoverer';
import { BackendReconciler } from '@vmcp/reconciler';
import { Controller, type ControllerStopResult } from '../controller/index.ts';
import { InitialReconcileBarrier } from './initial-reconcile.ts';
import { DEFAULT_RESYNC_PERIOD_MS, PeriodicResync } from './periodic-resync.ts';
import type { BackendWatcherOptions, WatcherMetrics } from './types.ts';

/** What the control loop reports back to the watcher. */
export interface ControlLoopHooks {
  log: Logger;
  metric: (fn: (m: WatcherMetrics) => void) => void;
  /** A reconcile of `name` finished with a decision or a failure (its exclusion may have changed). */
  onDecided: (name: string) => void;
  /** Every name of the initial pass completed one reconcile, `durationMs` after the pass began. */
  onBarrierPassed: (durationMs: number) => void;
  /** The controller stopped with an error. */
  onFailed: (error: unknown) => void;
}

/** What the loop reads. */
export interface ControlLoopParts {
  namespace: string;
  group: string;
  discoverer: Discoverer<string>;
  reader: CacheReader;
  plan: WatchPlan<string>;
  clock: Clock;
}

/** One per watcher. */
export class ControlLoop {
  readonly reconciler: BackendReconciler<string>;
  readonly controller: Controller;
  readonly barrier: InitialReconcileBarrier;
  readonly #resync: PeriodicResync;
  readonly #onFailed: (error: unknown) => void;
  #workers: Promise<void> | undefined;

  constructor(options: BackendWatcherOptions, parts: ControlLoopParts, hooks: ControlLoopHooks) {
    const { log } = hooks;
    this.#onFailed = hooks.onFailed;
    const reconciler = new BackendReconciler<string>({
      namespace: parts.namespace,
      groupRef: options.groupRef,
      registry: options.registry,
      discoverer: parts.discoverer,
      reader: parts.reader,
      plan: parts.plan,
      clock: parts.clock,
      onResult: (request, outcome) => {
        // A failure is logged by the controller's onError, with the retry; its exclusion is still news.
        if (!('error' in outcome)) {
          const { action, changed } = outcome;
          log.debug('reconciled', { name: request.name, action, changed, reason: outcome.reason?.code });
        }
        hooks.onDecided(request.name);
      },
      onConflict: (conflict) => {
        const message = `backend name "${conflict.name}" is used by several kinds in group "${parts.group}"; serving ${conflict.kinds[0]}`;
        log.warn(message, { name: conflict.name, kinds: conflict.kinds });
        hooks.metric((m) => m.conflicts?.(reconciler.conflicts().length));
      },
    });
    this.reconciler = reconciler;
    this.barrier = new InitialReconcileBarrier(parts.clock, hooks.onBarrierPassed);
    this.controller = new Controller({
      name: `backend-reconciler-${parts.group}`,
      clock: parts.clock,
      reconcile: async (request, signal) => {
        const result = await reconciler.reconcile({ name: request.name }, signal);
        return result.requeueAfterMs !== undefined ? { requeueAfterMs: result.requeueAfterMs } : {};
      },
      maxConcurrentReconciles: options.workers ?? 4,
      gracePeriodMs: options.gracePeriodMs ?? 30_000,
      ...(options.rateLimiter ? { rateLimiter: options.rateLimiter } : {}),
      ...(options.metrics?.workqueue ? { queueMetrics: options.metrics.workqueue } : {}),
      ...(options.metrics?.controller ? { metrics: options.metrics.controller } : {}),
      onError: (request, err) =>
        log.warn(`reconcile of backend "${request.name}" failed, retrying with backoff: ${err.message}`, { name: request.name }),
      onReconciled: (request) => this.barrier.completed(request.name),
    });
    this.#resync = new PeriodicResync(parts.clock, options.resyncPeriodMs ?? DEFAULT_RESYNC_PERIOD_MS, () => {
      const names = reconciler.namesToResync();
      log.debug('periodic resync', { names: names.length });
      this.enqueue(names);
    });
  }

  /** Queues names for reconcile (deduplicated; before the workers start they wait in the queue). */
  enqueue(names: Iterable<string>): void {
    for (const name of names) this.controller.enqueue(name);
  }

  /**
   * The caches are synced: queues every source object and every registry id (which removes seed entries no object
   * backs) as the initial pass of the barrier, and starts the workers and the periodic resync.
   */
  startInitialPass(): void {
    const names = this.reconciler.namesToResync();
    this.enqueue(names);
    this.barrier.begin(names);
    this.#workers = this.controller.start().catch(this.#onFailed);
    this.#resync.start();
  }

  /** Stops the resync, then drains in-flight reconciles (bounded by the grace period). */
  async stop(): Promise<ControllerStopResult> {
    this.#resync.stop();
    const result = await this.controller.stop();
    await this.#workers;
    return result;
  }
}
