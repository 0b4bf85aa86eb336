/**
 * The one time source of every package. Code that waits, retries, times out or jitters takes a {@link Clock}, so a
 * test drives it with `FakeClock` (`@vmcp/core/testing`) instead of sleeping.
 */

declare const timerHandleBrand: unique symbol;

/** Opaque handle returned by {@link Clock.setTimeout}; only meaningful to the clock that created it. */
export interface TimerHandle {
  readonly [timerHandleBrand]: true;
}

/** A monotonic millisecond clock with one-shot timers and the randomness used for jitter. */
export interface Clock {
  /** Current time in milliseconds. Monotonic; the origin is arbitrary, so only differences are meaningful. */
  now(): number;
  /** Calls `fn` once, `ms` milliseconds from now (negative or NaN counts as 0). */
  setTimeout(fn: () => void, ms: number): TimerHandle;
  /** Cancels a timer; a handle that already fired or was cleared is ignored. */
  clearTimeout(handle: TimerHandle): void;
  /** A number in [0, 1), for jitter. A fake clock makes it repeatable. */
  random(): number;
  /**
   * Wall-clock time in milliseconds since the Unix epoch, for timestamps shown to people (`lastSyncTime`, `since`).
   * Not monotonic: never subtract two of these to measure a duration, use {@link Clock.now}.
   */
  epochMs(): number;
}

/**
 * Node's timers treat any delay above 2^31-1 ms as 1 ms. Longer waits are split: the timer fires at the cap and
 * re-arms, so a caller asking for e.g. 30 days still waits 30 days.
 */
const MAX_NODE_TIMEOUT_MS = 2 ** 31 - 1;

interface NodeTimer {
  node: ReturnType<typeof globalThis.setTimeout> | undefined;
}

/** Negative and NaN delays count as 0, as Node's own timers do. */
export function sanitizeDelay(ms: number): number {
  return Number.isNaN(ms) || ms < 0 ? 0 : ms;
}

function processClock(keepsProcessAlive: boolean): Clock {
  return {
    now: () => performance.now(),
    setTimeout(fn, ms) {
      const timer: NodeTimer = { node: undefined };
      const deadline = performance.now() + sanitizeDelay(ms);
      const arm = (): void => {
        const remaining = deadline - performance.now();
        timer.node =
          remaining > MAX_NODE_TIMEOUT_MS
            ? globalThis.setTimeout(arm, MAX_NODE_TIMEOUT_MS)
            : globalThis.setTimeout(fn, Math.max(0, remaining));
        if (!keepsProcessAlive) timer.node.unref();
      };
      arm();
      return timer as unknown as TimerHandle;
    },
    clearTimeout(handle) {
      const timer = handle as unknown as NodeTimer;
      if (timer.node !== undefined) globalThis.clearTimeout(timer.node);
      timer.node = undefined;
    },
    random: () => Math.random(),
    epochMs: () => Date.now(),
  };
}

/**
 * The process clock: `performance.now()` (monotonic, immune to wall-clock jumps), Node timers and `Math.random`.
 * A pending timer keeps the process alive, as a pending `setTimeout` does: a program awaiting a watcher that is
 * backing off does not exit under it.
 */
export const systemClock: Clock = processClock(true);

/**
 * The process clock for background work (probes, retries of an optional connection): its timers are unref'd, so they
 * never keep a process alive on their own.
 */
export const backgroundClock: Clock = processClock(false);
