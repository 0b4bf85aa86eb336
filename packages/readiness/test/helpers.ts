import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ReadinessSource } from '../src/index.ts';

/** A real HTTP server on a random local port. */
export async function listen(handler: http.RequestListener): Promise<{ url: string; close: () => Promise<void> }> {
  const server = http.createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A controllable watcher double that records every wait and the signal it got. */
export class FakeSource implements ReadinessSource {
  synced = false;
  fatal: Error | undefined;
  waits = 0;
  lastSignal: AbortSignal | undefined;
  /** When set, `waitForCacheSync` ignores its signal and never settles (a misbehaving source). */
  hang = false;
  /** When set, `waitForCacheSync` throws this. */
  throws: Error | undefined;
  #waiters = new Set<() => void>();

  hasSynced(): boolean {
    return this.synced;
  }

  fatalError(): Error | undefined {
    return this.fatal;
  }

  waitForCacheSync(signal?: AbortSignal): Promise<boolean> {
    this.waits += 1;
    this.lastSignal = signal;
    if (this.throws !== undefined) return Promise.reject(this.throws);
    if (this.hang) return new Promise<boolean>(() => undefined);
    if (this.synced) return Promise.resolve(true);
    return new Promise<boolean>((resolve) => {
      const done = (): void => {
        this.#waiters.delete(done);
        resolve(this.synced);
      };
      this.#waiters.add(done);
      signal?.addEventListener('abort', done, { once: true });
    });
  }

  /** Marks the source synced and wakes every waiter. */
  sync(): void {
    this.synced = true;
    for (const waiter of [...this.#waiters]) waiter();
  }
}

/** Polls until `check` is true or fails after `ms`. */
export async function eventually(check: () => boolean, ms = 2000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
