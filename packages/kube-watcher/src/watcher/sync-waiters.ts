/**
 * The callers of `waitForCacheSync()` waiting for the watcher to be ready: each resolves on readiness, on its own
 * timeout or abort, or when the watcher stops, whichever comes first.
 */
import type { Clock } from '@vmcp/core';

/** One per watcher. */
export class SyncWaiters {
  readonly #clock: Clock;
  readonly #isReady: () => boolean;
  readonly #waiters = new Set<() => void>();

  /** @param isReady what a woken waiter resolves with. */
  constructor(clock: Clock, isReady: () => boolean) {
    this.#clock = clock;
    this.#isReady = isReady;
  }

  /** Resolves with `isReady()` when woken, false on timeout (on the clock) or abort. */
  wait(timeoutMs: number, signal: AbortSignal | undefined): Promise<boolean> {
    return new Promise<boolean>((resolve) => {
      const finish = (ready: boolean): void => {
        this.#clock.clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
        this.#waiters.delete(onWake);
        resolve(ready);
      };
      const onAbort = (): void => finish(false);
      const onWake = (): void => finish(this.#isReady());
      const timer = this.#clock.setTimeout(() => finish(false), timeoutMs);
      signal?.addEventListener('abort', onAbort, { once: true });
      this.#waiters.add(onWake);
    });
  }

  /** Resolves every waiter with the current `isReady()` (the watcher became ready, or is stopping). */
  wakeAll(): void {
    for (const wake of [...this.#waiters]) wake();
  }
}
