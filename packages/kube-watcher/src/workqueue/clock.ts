/**
 * Time source for the queues, rate limiters and controller.
 *
 * Everything time-dependent in this package goes through a {@link Clock} so tests can drive time with
 * {@link FakeClock} instead of sleeping.
 */

declare const timerHandleBrand: unique symbol;

/** Opaque handle returned by {@link Clock.setTimeout}; only meaningful to the clock that created it. */
export interface TimerHandle {
  readonly [timerHandleBrand]: true;
}

/** A monotonic millisecond clock with one-shot timers. */
export interface Clock {
  /** Current time in milliseconds. Monotonic; the origin is arbitrary, so only differences are meaningful. */
  now(): number;
  /** Calls `fn` once, `ms` milliseconds from now (negative or NaN counts as 0). */
  setTimeout(fn: () => void, ms: number): TimerHandle;
  /** Cancels a timer; a handle that already fired or was cleared is ignored. */
  clearTimeout(handle: TimerHandle): void;
}

/**
 * Node's timers treat any delay above 2^31-1 ms as 1 ms. Longer waits are split: the timer fires at the cap and
 * re-arms, so a caller asking for e.g. 30 days still waits 30 days.
 */
const MAX_NODE_TIMEOUT_MS = 2 ** 31 - 1;

interface RealTimer {
  node: ReturnType<typeof globalThis.setTimeout> | undefined;
}

/** The process clock: `performance.now()` (monotonic, immune to wall-clock jumps) and Node timers. */
export const realClock: Clock = {
  now: () => performance.now(),
  setTimeout(fn, ms) {
    const timer: RealTimer = { node: undefined };
    const deadline = performance.now() + sanitizeDelay(ms);
    const arm = (): void => {
      const remaining = deadline - performance.now();
      if (remaining > MAX_NODE_TIMEOUT_MS) {
        timer.node = globalThis.setTimeout(arm, MAX_NODE_TIMEOUT_MS);
      } else {
        timer.node = globalThis.setTimeout(fn, Math.max(0, remaining));
      }
    };
    arm();
    return timer as unknown as TimerHandle;
  },
  clearTimeout(handle) {
    const timer = handle as unknown as RealTimer;
    if (timer.node !== undefined) globalThis.clearTimeout(timer.node);
    timer.node = undefined;
  },
};

function sanitizeDelay(ms: number): number {
  return Number.isNaN(ms) || ms < 0 ? 0 : ms;
}

interface FakeTimer {
  readonly dueAt: number;
  /** Tie-breaker: timers due at the same instant run in the order they were created. */
  readonly seq: number;
  readonly fn: () => void;
  cancelled: boolean;
}

/**
 * A manually driven clock for deterministic tests.
 *
 * Time only moves when the test calls {@link FakeClock.advance}, {@link FakeClock.setTime} or
 * {@link FakeClock.advanceAsync}. Due timers run in order of due time (creation order for ties), with `now()` set
 * to each timer's due time while it runs; timers created by a running timer that fall inside the advanced window
 * run in the same call.
 */
export class FakeClock implements Clock {
  #now: number;
  #seq = 0;
  #timers: FakeTimer[] = [];

  /** @param startMs the initial value of `now()`. */
  constructor(startMs = 0) {
    this.#now = startMs;
  }

  now(): number {
    return this.#now;
  }

  setTimeout(fn: () => void, ms: number): TimerHandle {
    const timer: FakeTimer = { dueAt: this.#now + sanitizeDelay(ms), seq: this.#seq++, fn, cancelled: false };
    this.#timers.push(timer);
    return timer as unknown as TimerHandle;
  }

  clearTimeout(handle: TimerHandle): void {
    const timer = handle as unknown as FakeTimer;
    timer.cancelled = true;
    this.#timers = this.#timers.filter((t) => t !== timer);
  }

  /** Number of timers waiting to fire. */
  pendingTimers(): number {
    return this.#timers.length;
  }

  /** Due time of the earliest pending timer, or `undefined` when none is pending. */
  nextTimerAt(): number | undefined {
    return this.#nextDue()?.dueAt;
  }

  /** Moves time forward by `ms` synchronously, running every timer that falls due on the way. */
  advance(ms: number): void {
    if (!(ms >= 0)) throw new RangeError(`FakeClock.advance: ms must be a non-negative number, got ${ms}`);
    this.setTime(this.#now + ms);
  }

  /**
   * Sets the time to `ms`. Moving forward runs the timers due on the way (like {@link advance}); moving backward
   * only changes `now()` and runs nothing.
   */
  setTime(ms: number): void {
    if (Number.isNaN(ms)) throw new RangeError('FakeClock.setTime: ms is NaN');
    for (let t = this.#nextDue(); t !== undefined && t.dueAt <= ms; t = this.#nextDue()) {
      this.#runTimer(t);
    }
    this.#now = ms;
  }

  /**
   * Like {@link advance}, but lets pending promise callbacks and I/O callbacks run (one `setImmediate` turn)
   * after each timer and at the end, so async code woken by a timer can schedule its own follow-up timers
   * within the same window. Use it when the code under test awaits between timers.
   */
  async advanceAsync(ms: number): Promise<void> {
    if (!(ms >= 0)) throw new RangeError(`FakeClock.advanceAsync: ms must be a non-negative number, got ${ms}`);
    const target = this.#now + ms;
    await flushAsync();
    for (let t = this.#nextDue(); t !== undefined && t.dueAt <= target; t = this.#nextDue()) {
      this.#runTimer(t);
      await flushAsync();
    }
    this.#now = target;
    await flushAsync();
  }

  #nextDue(): FakeTimer | undefined {
    let best: FakeTimer | undefined;
    for (const t of this.#timers) {
      if (best === undefined || t.dueAt < best.dueAt || (t.dueAt === best.dueAt && t.seq < best.seq)) best = t;
    }
    return best;
  }

  #runTimer(timer: FakeTimer): void {
    this.#timers = this.#timers.filter((t) => t !== timer);
    // Never move time backwards when a timer was created "in the past" relative to a setTime jump.
    this.#now = Math.max(this.#now, timer.dueAt);
    timer.fn();
  }
}

/** Resolves after every queued microtask and one macrotask turn have run. */
export function flushAsync(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
