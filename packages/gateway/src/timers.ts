/** An opaque timer handle, as returned by {@link Timers.setTimeout}. */
export type TimerHandle = object | number;

/**
 * Time as the pool sees it. Inject a fake in tests so retries and probes run deterministically; the default uses the
 * real clock, `setTimeout` (unref'd, so a pool never keeps a process alive) and `Math.random`.
 */
export interface Timers {
  /** Milliseconds, monotonic enough for durations. */
  now(): number;
  setTimeout(callback: () => void, ms: number): TimerHandle;
  clearTimeout(handle: TimerHandle): void;
  /** A number in [0, 1), for jitter. */
  random(): number;
}

/** The real clock. */
export const systemTimers: Timers = {
  now: () => performance.now(),
  setTimeout: (callback, ms) => {
    const handle = setTimeout(callback, ms);
    handle.unref();
    return handle;
  },
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
  random: () => Math.random(),
};
