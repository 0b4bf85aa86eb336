/**
 * The safety-net resync: every period (±10 %, so that many watchers started together do not resync together), the
 * watcher re-enqueues every name it knows. Time and jitter come from the watcher's clock.
 */
import type { Clock, TimerHandle } from '@vmcp/core';

/** Default period of the resync: 10 minutes. */
export const DEFAULT_RESYNC_PERIOD_MS = 600_000;

/** One per watcher; started once the caches are synced, stopped with the watcher. */
export class PeriodicResync {
  readonly #clock: Clock;
  readonly #periodMs: number;
  readonly #onResync: () => void;
  #timer: TimerHandle | undefined;
  #stopped = false;

  /** @param periodMs 0 or less disables the resync. */
  constructor(clock: Clock, periodMs: number, onResync: () => void) {
    this.#clock = clock;
    this.#periodMs = periodMs;
    this.#onResync = onResync;
  }

  /** Schedules the next resync (and each one after it). */
  start(): void {
    if (this.#periodMs <= 0 || this.#stopped) return;
    const delayMs = this.#periodMs * (0.9 + 0.2 * this.#clock.random());
    this.#timer = this.#clock.setTimeout(() => {
      this.#onResync();
      this.start();
    }, delayMs);
  }

  /** Cancels the pending resync for good. */
  stop(): void {
    this.#stopped = true;
    if (this.#timer !== undefined) this.#clock.clearTimeout(this.#timer);
    this.#timer = undefined;
  }
}
