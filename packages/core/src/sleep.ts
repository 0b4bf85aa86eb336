import { systemClock, type Clock } from './clock.ts';

/** Options of {@link sleep}. */
export interface SleepOptions {
  /** Rejects the sleep with the signal's reason once it aborts. */
  signal?: AbortSignal | undefined;
  /** Whose time to wait on. Default the process clock. */
  clock?: Clock | undefined;
}

/** Resolves after `ms` on the clock, or rejects with the signal's reason (an `AbortError` if it has none) on abort. */
export function sleep(ms: number, { signal, clock = systemClock }: SleepOptions = {}): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(abortReason(signal));
      return;
    }
    const onAbort = (): void => {
      clock.clearTimeout(timer);
      reject(abortReason(signal!));
    };
    const timer = clock.setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

function abortReason(signal: AbortSignal): Error {
  return signal.reason instanceof Error ? signal.reason : new DOMException('aborted', 'AbortError');
}
