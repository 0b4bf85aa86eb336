import { setTimeout as sleep } from 'node:timers/promises';
import { vi } from 'vitest';

type Maybe<T> = T | undefined | null | false;

/**
 * Polls `fn` with vitest's `vi.waitFor` until it returns a truthy value, and resolves with that value. A throw counts
 * as "not yet". After `timeoutMs` it fails naming `what` (and the last error, if `fn` threw).
 */
export function eventually<T>(fn: () => Maybe<T> | Promise<Maybe<T>>, timeoutMs = 10_000, what = 'condition'): Promise<T> {
  return vi.waitFor(
    async () => {
      let value: Maybe<T>;
      try {
        value = await fn();
      } catch (err) {
        throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}: ${err instanceof Error ? err.message : String(err)}`);
      }
      if (!value) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
      return value;
    },
    { timeout: timeoutMs, interval: 20 },
  );
}

/** Asserts that `fn` stays true for `ms` (checked every 50 ms): the negative counterpart of {@link eventually}. */
export async function consistently(fn: () => boolean, ms: number, what = 'condition'): Promise<void> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (!fn()) throw new Error(`expected ${what} to hold for ${ms} ms`);
    await sleep(50);
  }
}
