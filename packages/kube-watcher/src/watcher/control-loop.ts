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
  /** Set from {@link startEarly} until the initial pass begins. */
  #early: EarlyPass | undefined;

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
        const early = this.#early;
        // Before the pass, a name the caches cannot decide yet waits for it (the pass queues it again).
        if (early !== undefined && !early.canDecide(request.name)) return {};
        early?.touched.delete(request.name);
        // Decisions are level-based and never ask for a timed re-check; a failure throws and is retried with backoff.
        await reconciler.reconcile({ name: request.name }, signal);
        // Decided on what is still current: nothing about the name arrived while it ran.
        if (early !== undefined && this.#early === early && !early.touched.has(request.name)) early.settled.add(request.name);
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
    const early = this.#early;
    for (const name of names) {
      if (early !== undefined) {
        // Something about the name changed: a decision taken before no longer counts for the pass.
        early.settled.delete(name);
        early.touched.add(name);
      }
      this.controller.enqueue(name);
    }
  }

  /**
   * Starts the workers before every cache has synced (`WatchPlan.sourcesReadByName`): until the initial pass begins,
   * a name is reconciled only when `canDecide(name)`, else left for the pass. A name decided on caches that held
   * everything it reads, and not touched by an event since, counts as done for the pass, so the reconcile of a large
   * initial list runs while the list is still arriving instead of after it. Idempotent.
   */
  startEarly(canDecide: (name: string) => boolean): void {
    if (this.#workers !== undefined) return;
    this.#early = { canDecide, settled: new Set(), touched: new Set() };
    this.#workers = this.controller.start().catch(this.#onFailed);
  }

  /**
   * The caches are synced: queues every source object and every registry id (which removes seed entries no object
   * backs) as the initial pass of the barrier, and starts the workers (unless {@link startEarly} did) and the
   * periodic resync. Names already decided early are counted done, not queued again.
   */
  startInitialPass(): void {
    const names = this.reconciler.namesToResync();
    const settled = this.#early?.settled ?? new Set<string>();
    this.#early = undefined;
    this.enqueue(names.filter((name) => !settled.has(name)));
    this.barrier.begin(names);
    for (const name of settled) this.barrier.completed(name);
    this.#workers ??= this.controller.start().catch(this.#onFailed);
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

/** The bookkeeping of reconciles that run before the initial pass (see {@link ControlLoop.startEarly}). */
interface EarlyPass {
  canDecide: (name: string) => boolean;
  /** Names decided on complete caches and not touched since. */
  settled: Set<string>;
  /** Names queued since their last reconcile began. */
  touched: Set<string>;
}

function logResult(log: Logger, name: string, outcome: GroupsResult, one: string | undefined): void {
  for (const [group, { action, changed, reason }] of outcome.results) {
    log.debug('reconciled', { name, action, changed, reason: reason?.code, ...(one === undefined ? { group } : {}) });
  }
}
