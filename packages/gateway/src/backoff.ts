/** How failed connects are retried. */
export interface BackoffOptions {
  /** Delay before the first retry. Default 500 ms. */
  initialMs?: number;
  /** Upper bound of the delay. Default 30 s. */
  maxMs?: number;
  /** Growth per attempt. Default 2. */
  factor?: number;
  /** Relative spread around the delay, 0..1: 0.2 means ±20 %. Default 0.2. */
  jitter?: number;
}

/**
 * The delay before retry number `attempt` (0 for the first retry): `min(maxMs, initialMs · factor^attempt)`, spread
 * by ±`jitter` using `random` (a number in [0, 1)), so backends that failed together do not retry in lockstep.
 */
export function backoffDelay(attempt: number, options: BackoffOptions, random: number): number {
  const initial = options.initialMs ?? 500;
  const max = options.maxMs ?? 30_000;
  const factor = options.factor ?? 2;
  const jitter = Math.min(Math.max(options.jitter ?? 0.2, 0), 1);
  const base = Math.min(max, initial * factor ** Math.max(0, attempt));
  return Math.max(0, Math.round(base * (1 - jitter + 2 * jitter * random)));
}
