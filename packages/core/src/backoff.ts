import { systemClock, type Clock } from './clock.ts';

/**
 * How a failing operation is retried. The one meaning of `BackoffOptions` in every package; each user states its own
 * defaults in its docs by passing them here.
 */
export interface BackoffOptions {
  /** First delay, before jitter. Default 800 ms. */
  initialMs?: number;
  /** Largest delay, jitter included. Default 30 s. */
  maxMs?: number;
  /** Growth per failure. Default 2. */
  factor?: number;
  /**
   * Jitter only ever lengthens a delay: `delay · (1 + jitter · random())`, capped at `maxMs`. Default 1 (so 800 ms
   * becomes 800–1600 ms). 0 turns it off, which only tests should do.
   */
  jitter?: number;
  /** A failure more than this long after the previous one starts again from `initialMs`. Default 2 min. */
  resetAfterMs?: number;
}

/** The defaults of {@link BackoffOptions}: client-go's reflector backoff. */
export const DEFAULT_BACKOFF: Required<BackoffOptions> = {
  initialMs: 800,
  maxMs: 30_000,
  factor: 2,
  jitter: 1,
  resetAfterMs: 120_000,
};

/**
 * Jittered exponential backoff with a reset after a healthy period. Jitter matters: after an API server restart every
 * client reconnects, and without it they all come back in the same millisecond.
 */
export class Backoff {
  readonly #options: Required<BackoffOptions>;
  readonly #clock: Clock;
  #current: number;
  #failures = 0;
  #lastFailureAt: number | undefined;

  /**
   * @param options overrides of {@link DEFAULT_BACKOFF}; invalid numbers throw a `RangeError` naming the option.
   * @param clock time for the reset period and randomness for the jitter. Default the process clock.
   */
  constructor(options: BackoffOptions = {}, clock: Clock = systemClock) {
    this.#options = { ...DEFAULT_BACKOFF, ...definedOnly(options) };
    for (const [name, value] of Object.entries(this.#options)) {
      if (!(Number.isFinite(value) && value >= 0)) {
        throw new RangeError(`BackoffOptions.${name} must be a finite number ≥ 0, got ${String(value)}`);
      }
    }
    if (this.#options.factor < 1) throw new RangeError(`BackoffOptions.factor must be ≥ 1, got ${this.#options.factor}`);
    this.#clock = clock;
    this.#current = this.#options.initialMs;
  }

  /** Failures counted since the last {@link reset} (or the reset period). */
  get failures(): number {
    return this.#failures;
  }

  /** Records a failure now and returns the delay before the next attempt; grows with each call. */
  next(): number {
    const now = this.#clock.now();
    if (this.#lastFailureAt !== undefined && now - this.#lastFailureAt > this.#options.resetAfterMs) this.reset();
    this.#lastFailureAt = now;
    this.#failures += 1;
    const base = this.#current;
    this.#current = Math.min(this.#options.maxMs, this.#current * this.#options.factor);
    const jittered = base * (1 + this.#options.jitter * this.#clock.random());
    return Math.round(Math.min(this.#options.maxMs, jittered));
  }

  /** Forgets past failures (after a stretch of healthy work, e.g. a watch that delivered events). */
  reset(): void {
    this.#current = this.#options.initialMs;
    this.#failures = 0;
    this.#lastFailureAt = undefined;
  }
}

function definedOnly(options: BackoffOptions): BackoffOptions {
  return Object.fromEntries(Object.entries(options).filter(([, value]) => value !== undefined));
}
