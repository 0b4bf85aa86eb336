/**
 * Rate limiters for retries (client-go `default_rate_limiters.go`). A limiter answers "how long should this item
 * wait before its next attempt", and remembers per-item failures until the item is forgotten.
 */
import { systemClock, type Clock } from '@vmcp/core';

/** Decides retry delays. Implementations with per-item state key it by the item (SameValueZero). */
export interface RateLimiter<T> {
  /** Delay in milliseconds before `item` may be retried. Records an attempt: calling it has side effects. */
  when(item: T): number;
  /** Clears the item's failure history (call it when the item succeeded or is given up). */
  forget(item: T): void;
  /** How many times `when` was called for the item since it was last forgotten. */
  numRequeues(item: T): number;
}

function requirePositive(fn: string, what: string, value: number): void {
  if (!(value > 0) || !Number.isFinite(value)) {
    throw new RangeError(`${fn}: ${what} must be a positive finite number, got ${value}`);
  }
}

/**
 * Per-item exponential backoff: `baseMs * 2^failures`, capped at `maxMs`. Every `when` counts a failure, so the
 * sequence for one item is base, 2·base, 4·base, … until `forget`.
 */
export function itemExponentialFailureRateLimiter<T>(baseMs: number, maxMs: number): RateLimiter<T> {
  requirePositive('itemExponentialFailureRateLimiter', 'baseMs', baseMs);
  requirePositive('itemExponentialFailureRateLimiter', 'maxMs', maxMs);
  const failures = new Map<T, number>();
  return {
    when(item) {
      const exp = failures.get(item) ?? 0;
      failures.set(item, exp + 1);
      // 2 ** exp reaches Infinity for large exp; min() still yields maxMs.
      return Math.min(baseMs * 2 ** exp, maxMs);
    },
    forget(item) {
      failures.delete(item);
    },
    numRequeues(item) {
      return failures.get(item) ?? 0;
    },
  };
}

/** Per-item: `fastMs` for the first `maxFastAttempts` attempts, then `slowMs`. */
export function itemFastSlowRateLimiter<T>(fastMs: number, slowMs: number, maxFastAttempts: number): RateLimiter<T> {
  if (!(fastMs >= 0) || !(slowMs >= 0) || !(maxFastAttempts >= 0)) {
    throw new RangeError(
      'itemFastSlowRateLimiter: fastMs, slowMs and maxFastAttempts must be >= 0, ' + `got ${fastMs}, ${slowMs}, ${maxFastAttempts}`,
    );
  }
  const attempts = new Map<T, number>();
  return {
    when(item) {
      const n = (attempts.get(item) ?? 0) + 1;
      attempts.set(item, n);
      return n <= maxFastAttempts ? fastMs : slowMs;
    },
    forget(item) {
      attempts.delete(item);
    },
    numRequeues(item) {
      return attempts.get(item) ?? 0;
    },
  };
}

/**
 * An overall token bucket shared by all items (golang.org/x/time/rate `Reserve().Delay()`): holds up to `burst`
 * tokens, refilled at `qps` per second; each `when` takes a token, going into debt when none is left, and returns
 * how long until that token exists. It has no per-item state: `forget` does nothing and `numRequeues` is 0.
 */
export function bucketRateLimiter<T>(qps: number, burst: number, clock: Clock = systemClock): RateLimiter<T> {
  requirePositive('bucketRateLimiter', 'qps', qps);
  if (!Number.isInteger(burst) || burst < 1) {
    throw new RangeError(`bucketRateLimiter: burst must be an integer >= 1, got ${burst}`);
  }
  let tokens = burst;
  let last = clock.now();
  return {
    when() {
      const now = clock.now();
      if (now > last) {
        tokens = Math.min(burst, tokens + ((now - last) * qps) / 1000);
        last = now;
      }
      tokens -= 1;
      return tokens >= 0 ? 0 : (-tokens * 1000) / qps;
    },
    forget() {},
    numRequeues() {
      return 0;
    },
  };
}

/**
 * Combines limiters: `when` asks **every** limiter (each records the attempt) and returns the longest delay;
 * `forget` forgets in all; `numRequeues` is the largest count.
 */
export function maxOfRateLimiter<T>(...limiters: RateLimiter<T>[]): RateLimiter<T> {
  if (limiters.length === 0) throw new RangeError('maxOfRateLimiter: at least one limiter is required');
  return {
    when(item) {
      let max = 0;
      for (const l of limiters) max = Math.max(max, l.when(item));
      return max;
    },
    forget(item) {
      for (const l of limiters) l.forget(item);
    },
    numRequeues(item) {
      let max = 0;
      for (const l of limiters) max = Math.max(max, l.numRequeues(item));
      return max;
    },
  };
}

/**
 * client-go's `DefaultTypedControllerRateLimiter`: MaxOf(per-item exponential 5 ms..1000 s, bucket 10 qps burst
 * 100). The bucket only bites when more than 100 retries happen at once.
 */
export function defaultControllerRateLimiter<T>(clock: Clock = systemClock): RateLimiter<T> {
  return maxOfRateLimiter<T>(itemExponentialFailureRateLimiter(5, 1_000_000), bucketRateLimiter(10, 100, clock));
}

/** client-go's `DefaultItemBasedRateLimiter`: per-item exponential 1 ms..1000 s, no overall bucket. */
export function defaultItemBasedRateLimiter<T>(): RateLimiter<T> {
  return itemExponentialFailureRateLimiter(1, 1_000_000);
}
