import { sanitizeDelay, type Clock, type TimerHandle } from '../clock.ts';

interface FakeTimer {
  readonly dueAt: number;
  /** Tie-breaker: timers due at the same instant run in the order they were created. */
  readonly seq: number;
  readonly fn: () => void;
}

/** Options of {@link FakeClock}. */
export interface FakeClockOptions {
  /** What {@link Clock.random} returns, called each time. Default `() => 0.5`, so jitter is repeatable. */
  random?: () => number;
  /** What {@link Clock.epochMs} returns when `now()` is 0; it moves with `now()`. Default 2026-01-01T00:00:00Z. */
  epochAtZeroMs?: number;
}

/**
 * A manually driven clock for deterministic tests.
 *
 * Time only moves when the test calls {@link FakeClock.advance}, {@link FakeClock.setTime} or
 * {@link FakeClock.advanceAsync}. Due timers run in order of due time (creation order for ties), with `now()` set to
 * each timer's due time while it runs; timers created by a running timer that fall inside the advanced window run in
 * the same call.
 */
export class FakeClock implements Clock {
  #now: number;
  #seq = 0;
  #timers: FakeTimer[] = [];
  readonly #random: () => number;
  readonly #epochAtZero: number;

  /** @param startMs the initial value of `now()`. */
  constructor(startMs = 0, options: FakeClockOptions = {}) {
    this.#now = startMs;
    this.#random = options.random ?? (() => 0.5);
    this.#epochAtZero = options.epochAtZeroMs ?? Date.UTC(2026, 0, 1);
  }

  now(): number {
    return this.#now;
  }

  random(): number {
    return this.#random();
  }

  epochMs(): number {
    return this.#epochAtZero + this.#now;
  }

  setTimeout(fn: () => void, ms: number): TimerHandle {
    const timer: FakeTimer = { dueAt: this.#now + sanitizeDelay(ms), seq: this.#seq++, fn };
    this.#timers.push(timer);
    return timer as unknown as TimerHandle;
  }

  clearTimeout(handle: TimerHandle): void {
    const timer = handle as unknown as FakeTimer;
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
   * Sets the time to `ms`. Moving forward runs the timers due on the way (like {@link advance}); moving backward only
   * changes `now()` and runs nothing.
   */
  setTime(ms: number): void {
    if (Number.isNaN(ms)) throw new RangeError('FakeClock.setTime: ms is NaN');
    for (let t = this.#nextDue(); t !== undefined && t.dueAt <= ms; t = this.#nextDue()) this.#runTimer(t);
    this.#now = ms;
  }

  /**
   * Like {@link advance}, but lets pending promise and I/O callbacks run (one `setImmediate` turn) after each timer
   * and at the end, so async code woken by a timer can schedule its own follow-up timers within the same window.
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
