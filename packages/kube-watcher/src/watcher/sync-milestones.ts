/**
 * The moments a watcher passes on its way to ready — started, caches synced, initial reconcile done — recorded for
 * its status (ISO times), logged and measured.
 */
import type { Clock, LogFields, Logger } from '@vmcp/core';
import type { WatcherMetrics } from './types.ts';

/** One per watcher. */
export class SyncMilestones {
  readonly #clock: Clock;
  readonly #logger: Logger;
  /** The fields that say which watcher a log line is about. */
  readonly #where: LogFields;
  readonly #metric: (fn: (metrics: WatcherMetrics) => void) => void;
  #startedAt = 0;
  #cachesSynced = false;
  #cachesSyncedAt: string | undefined;
  #readyAt: string | undefined;

  constructor(clock: Clock, logger: Logger, where: LogFields, metric: (fn: (metrics: WatcherMetrics) => void) => void) {
    this.#clock = clock;
    this.#logger = logger;
    this.#where = where;
    this.#metric = metric;
  }

  get cachesSynced(): boolean {
    return this.#cachesSynced;
  }

  /** ISO time the caches synced. */
  get cachesSyncedAt(): string | undefined {
    return this.#cachesSyncedAt;
  }

  /** ISO time the initial-reconcile barrier was passed. */
  get readyAt(): string | undefined {
    return this.#readyAt;
  }

  started(kinds: readonly string[]): void {
    this.#startedAt = this.#clock.now();
    this.#logger.info('starting backend watcher', { ...this.#where, kinds });
  }

  /** Records that the caches synced; {@link reportCachesSynced} logs and measures it once the state says so. */
  markCachesSynced(): void {
    this.#cachesSynced = true;
    this.#cachesSyncedAt = new Date(this.#clock.epochMs()).toISOString();
  }

  reportCachesSynced(): void {
    const ms = this.#clock.now() - this.#startedAt;
    this.#logger.info('caches synced, reconciling the initial pass', { ...this.#where, ms });
    this.#metric((m) => m.cacheSynced?.(ms));
  }

  /** The initial-reconcile barrier was passed after `ms`, over `names` names, leaving `backends` backends. */
  ready(ms: number, names: number, backends: number): void {
    this.#readyAt = new Date(this.#clock.epochMs()).toISOString();
    this.#logger.info('initial reconcile done, ready', { ...this.#where, ms, names, backends });
    this.#metric((m) => m.initialReconcile?.(ms));
  }
}
