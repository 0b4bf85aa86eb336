/**
 * A delaying queue whose retries are paced by a {@link RateLimiter} (client-go `rate_limiting_queue.go`).
 */
import { BasicDelayingQueue, type DelayingQueue } from './delaying-queue.ts';
import type { WorkQueueOptions } from './queue.ts';
import { defaultControllerRateLimiter, type RateLimiter } from './rate-limiters.ts';

/** A {@link DelayingQueue} with rate-limited retries. */
export interface RateLimitingQueue<T> extends DelayingQueue<T> {
  /** `addAfter(item, rateLimiter.when(item))`: the delay grows with the item's failures until {@link forget}. */
  addRateLimited(item: T): void;
  /** Clears the item's failure history in the rate limiter; it does not remove the item from the queue. */
  forget(item: T): void;
  /** The item's failure count according to the rate limiter. */
  numRequeues(item: T): number;
}

/** Options of {@link createRateLimitingQueue}. */
export interface RateLimitingQueueOptions<T> extends WorkQueueOptions<T> {
  /** Retry pacing. Default {@link defaultControllerRateLimiter} on the queue's clock. */
  rateLimiter?: RateLimiter<T>;
}

class BasicRateLimitingQueue<T> extends BasicDelayingQueue<T> implements RateLimitingQueue<T> {
  readonly #limiter: RateLimiter<T>;

  constructor(options: RateLimitingQueueOptions<T>) {
    super(options);
    this.#limiter = options.rateLimiter ?? defaultControllerRateLimiter<T>(this.base.clock);
  }

  addRateLimited(item: T): void {
    // Checked first so a stopped queue does not inflate the item's backoff.
    if (this.shuttingDown()) return;
    this.addAfter(item, this.#limiter.when(item));
  }

  forget(item: T): void {
    this.#limiter.forget(item);
  }

  numRequeues(item: T): number {
    return this.#limiter.numRequeues(item);
  }
}

/**
 * Creates a {@link RateLimitingQueue}. Note: a per-item rate limiter keys its state by the item itself, not by
 * `keyOf`; with object items, pass a limiter that matches your key.
 */
export function createRateLimitingQueue<T>(options: RateLimitingQueueOptions<T> = {}): RateLimitingQueue<T> {
  return new BasicRateLimitingQueue(options);
}
