import { realClock, type Clock } from '../workqueue/clock.ts';

/** Options of {@link Backoff}; defaults are client-go's reflector backoff (reflector.go). */
export interface BackoffOptions {
  /** First delay. Default 800 ms. */
  initialMs?: number;
  /** Largest delay, jitter included. Default 30 s. */
  maxMs?: number;
  /** Growth per failure. Default 2. */
  factor?: number;
  /** Delay is `d * (1 + jitter * random())`. Default 1 (so 800 ms → between 800 and 1600 ms). */
  jitter?: number;
  /** A failure more than this long after the previous one starts again from `initialMs`. Default 2 min. */
  resetAfterMs?: number;
  random?: () => number;
  /** Time source for the reset-after period. Default the process clock. */
  clock?: Clock;
}

/**
 * Jittered exponential backoff with reset after a healthy period. Jitter matters: after an API server restart every
 * watcher reconnects, and without it they all come back in the same millisecond (client-go's jittered backoff exists for the same reason).
 */
export class Backoff {
  readonly #initial: number;
  readonly #max: number;
  readonly #factor: number;
  readonly #jitter: number;
  readonly #resetAfter: number;
  readonly #random: () => number;
  readonly #clock: Clock;
  #current: number;
  #lastFailure: number | undefined;

  constructor(o: BackoffOptions = {}) {
    this.#initial = o.initialMs ?? 800;
    this.#max = o.maxMs ?? 30_000;
    this.#factor = o.factor ?? 2;
    this.#jitter = o.jitter ?? 1;
    this.#resetAfter = o.resetAfterMs ?? 120_000;
    this.#random = o.random ?? Math.random;
    this.#clock = o.clock ?? realClock;
    this.#current = this.#initial;
  }

  /** The delay before the next attempt after a failure now; grows with each call. */
  next(): number {
    const now = this.#clock.now();
    if (this.#lastFailure !== undefined && now - this.#lastFailure > this.#resetAfter) this.#current = this.#initial;
    this.#lastFailure = now;
    const base = this.#current;
    this.#current = Math.min(this.#max, this.#current * this.#factor);
    return Math.round(Math.min(this.#max, base * (1 + this.#jitter * this.#random())));
  }

  /** Forget past failures (used after a stretch of healthy work, e.g. a watch that delivered events). */
  reset(): void {
    this.#current = this.#initial;
    this.#lastFailure = undefined;
  }
}

/** Resolves after `ms` on `clock` (default the process clock), or rejects with the signal's reason once it aborts. */
export function sleep(ms: number, signal?: AbortSignal, clock: Clock = realClock): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason instanceof Error ? signal.reason : new DOMException('aborted', 'AbortError'));
      return;
    }
    const onAbort = (): void => {
      clock.clearTimeout(t);
      reject(signal?.reason instanceof Error ? signal.reason : new DOMException('aborted', 'AbortError'));
    };
    const t = clock.setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
