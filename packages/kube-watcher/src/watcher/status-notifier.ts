/**
 * Pushes status snapshots to `onStatusChange` listeners, as client-go's sharedProcessor hands notifications to each
 * processorListener without letting one slow or broken listener hold the source: changes within one synchronous run
 * are coalesced into one push, pushes are spaced at least {@link STATUS_PUSH_INTERVAL_MS} apart (an auth-config edit
 * that touches thousands of backends must not build thousands of snapshots), and a listener that throws is ignored.
 */
import { Emitter, type Clock } from '@vmcp/core';
import type { WatcherStatus } from './types.ts';

/** At most one push per this many ms. The first change of a quiet period is pushed at once. */
export const STATUS_PUSH_INTERVAL_MS = 100;

/** One per watcher. */
export class StatusNotifier {
  readonly #clock: Clock;
  readonly #snapshot: () => WatcherStatus;
  readonly #listeners = new Emitter<{ status: WatcherStatus }>();
  /** The last signature seen per key (a kind): only a change of it is news. */
  readonly #signatures = new Map<string, string>();
  #pushQueued = false;
  #lastPushAt = -Infinity;

  /** @param snapshot builds the status to push, called once per push. */
  constructor(clock: Clock, snapshot: () => WatcherStatus) {
    this.#clock = clock;
    this.#snapshot = snapshot;
  }

  /** Adds a listener; returns the function that removes it. */
  subscribe(listener: (status: WatcherStatus) => void): () => void {
    return this.#listeners.on('status', listener);
  }

  /** Something worth showing changed: schedules one push for this synchronous run, throttled. */
  notify(): void {
    if (this.#pushQueued || this.#listeners.listenerCount('status') === 0) return;
    this.#pushQueued = true;
    const waitMs = this.#lastPushAt + STATUS_PUSH_INTERVAL_MS - this.#clock.now();
    if (waitMs > 0) this.#clock.setTimeout(() => this.#push(), waitMs);
    else queueMicrotask(() => this.#push());
  }

  /** Notifies only when `signature` differs from the last one seen for `key`. */
  notifyIfChanged(key: string, signature: string): void {
    if (this.#signatures.get(key) === signature) return;
    this.#signatures.set(key, signature);
    this.notify();
  }

  #push(): void {
    this.#pushQueued = false;
    this.#lastPushAt = this.#clock.now();
    this.#listeners.emit('status', this.#snapshot());
  }
}
