/**
 * The watcher's control loop: the reconciler, the controller that runs it over the work queue, the initial-reconcile
 * barrier that counts its first pass, and the periodic resync. Built with the watcher; its workers start only once
 * every cache has synced (controller-runtime waits for its sources too: a reconcile on a half-filled cache would
 * decide on missing dependencies).
 */
import type { Clock, Logger } from '@vmcp/core';
import type { CacheReader, Discoverer, WatchPlan } from '@vmcp/discoverer';
import { GroupsReconciler, type GroupsResult } from '@vmcp/reconciler';
import type { DynamicRegistry } from '@vmcp/registry';
import { Controller, type ControllerStopResult } from '../controller/index.ts';
import { DecisionChanges } from './decision-changes.ts';
import { InitialReconcileBarrier } from './initial-reconcile.ts';
import { DEFAULT_RESYNC_PERIOD_MS, PeriodicResync } from './periodic-resync.ts';
import type { BackendWatcherOptions, WatcherMetrics } from './types.ts';

/** What the control loop reports back to the watcher. */
export interface ControlLoopHooks {
  log: Logger;
  metric: (fn: (m: WatcherMetrics) => void) => void;
  /**
   * After the initial pass, a decision changed what the status shows (an exclusion appeared, changed or went, or the
   * conflict count changed). The initial pass itself is shown once, when the barrier is passed.
   */
  onStatusChanged: () => void;
  /** Every name of the initial pass completed one reconcile, `durationMs` after the pass began. */
  onBarrierPassed: (durationMs: number) => void;
  /** The controller stopped with an error. */
  onFailed: (error: unknown) => void;
  /** `name` completed a reconcile (any outcome): the barriers of groups that appeared later count it. */
  onReconciled?: (name: string) => void;
}

/** What the loop reads. */
export interface ControlLoopParts {
  namespace: string;
  /** The one group of a one-group watcher; undefined when it serves many. */
  group: string | undefined;
  /** The groups served from the start, with their registries. */
  groups: Iterable<readonly [string, DynamicRegistry]>;
  discoverer: Discoverer<string>;
  reader: CacheReader;
  plan: WatchPlan<string>;
  clock: Clock;
}

/** One per watcher. */
export class ControlLoop {
  readonly reconciler: GroupsReconciler<string>;
  readonly controller: Controller;
  readonly barrier: InitialReconcileBarrier;
  readonly #resync: PeriodicResync;
  readonly #decisionChanges = new DecisionChanges();
  readonly #onFailed: (error: unknown) => void;
  #workers: Promise<void> | undefined;

  constructor(options: BackendWatcherOptions, parts: ControlLoopParts, hooks: ControlLoopHooks) {
    const { log } = hooks;
    this.#onFailed = hooks.onFailed;
    const one = parts.group;
    const reconciler = new GroupsReconciler<string>({
      namespace: parts.namespace,
      groups: parts.groups,
      discoverer: parts.discoverer,
      reader: parts.reader,
      plan: parts.plan,
      clock: parts.clock,
      ...(one !== undefined ? { oneGroup: one } : {}),
      onResult: (request, outcome) => {
        // A failure is logged by the controller's onError, with the retry; its exclusion is still news.
        if (!('error' in outcome)) logResult(log, request.name, outcome, one);
        if (this.barrier.passed && this.#recordDecision(request.name, outcome, one)) hooks.onStatusChanged();
      },
      onConflict: (group, conflict) => {
        const message = `backend name "${conflict.name}" is used by several kinds in group "${group}"; serving ${conflict.kinds[0]}`;
        log.warn(message, { name: conflict.name, kinds: conflict.kinds, ...(one === undefined ? { group } : {}) });
        hooks.metric((m) => m.conflicts?.(reconciler.conflictCount()));
      },
    });
    this.reconciler = reconciler;
    this.barrier = new InitialReconcileBarrier(parts.clock, hooks.onBarrierPassed);
    this.controller = new Controller({
      name: `backend-reconciler-${one ?? parts.namespace}`,
      clock: parts.clock,
      reconcile: async (request, signal) => {
        // Decisions are level-based and never ask for a timed re-check; a failure throws and is retried with backoff.
        await reconciler.reconcile({ name: request.name }, signal);
        return {};
      },
      maxConcurrentReconciles: options.workers ?? 4,
      gracePeriodMs: options.gracePeriodMs ?? 30_000,
      ...(options.rateLimiter ? { rateLimiter: options.rateLimiter } : {}),
      ...(options.metrics?.workqueue ? { queueMetrics: options.metrics.workqueue } : {}),
      ...(options.metrics?.controller ? { metrics: options.metrics.controller } : {}),
      onError: (request, err) =>
        log.warn(`reconcile of backend "${request.name}" failed, retrying with backoff: ${err.message}`, { name: request.name }),
      onReconciled: (request) => {
        this.barrier.completed(request.name);
        hooks.onReconciled?.(request.name);
      },
    });
    this.#resync = new PeriodicResync(parts.clock, options.resyncPeriodMs ?? DEFAULT_RESYNC_PERIOD_MS, () => {
      const names = reconciler.namesToResync();
      log.debug('periodic resync', { names: names.length });
      this.enqueue(names);
    });
  }

  /** Whether the status shows a different decision about `name` than before. */
  #recordDecision(name: string, outcome: GroupsResult | { error: Error }, one: string | undefined): boolean {
    const { reconciler } = this;
    const conflicts = reconciler.conflictCount();
    if (one !== undefined) return this.#decisionChanges.record(name, reconciler.exclusionOf(name, one), conflicts);
    // Many groups: the shared out-of-group record, and the record of every group this reconcile decided.
    let changed = this.#decisionChanges.record(`/${name}`, reconciler.outOfGroupOf(name), conflicts);
    if ('error' in outcome) return changed;
    for (const group of outcome.results.keys()) {
      if (this.#decisionChanges.record(`${group}/${name}`, reconciler.exclusionOf(name, group), conflicts)) changed = true;
    }
    return changed;
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

function logResult(log: Logger, name: string, outcome: GroupsResult, one: string | undefined): void {
  for (const [group, { action, changed, reason }] of outcome.results) {
    log.debug('reconciled', { name, action, changed, reason: reason?.code, ...(one === undefined ? { group } : {}) });
  }
}
