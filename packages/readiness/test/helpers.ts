import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { eventually } from '@vmcp/vitest-config/poll';
import { expect, it } from 'vitest';
import type { ReadinessBody, ReadinessOptions, ReadinessSource } from '../src/index.ts';

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

/**
 * Serves a Web `fetch` handler (a Hono app's `app.fetch`, a `WebHealthHandler`) over node:http, the way a node
 * adapter does: the request's method, URL and headers go in, the `Request.signal` aborts when the client
 * disconnects, and the `Response`'s status, headers and body come out.
 */
export function fetchListener(handle: (request: Request) => Response | Promise<Response>): http.RequestListener {
  return (req, res) => {
    const client = new AbortController();
    res.once('close', () => {
      if (!res.writableFinished) client.abort();
    });
    const headers = new Headers();
    for (const [name, value] of Object.entries(req.headers)) {
      for (const item of Array.isArray(value) ? value : value === undefined ? [] : [value]) headers.append(name, item);
    }
    const method = req.method ?? 'GET';
    const hasBody = method !== 'GET' && method !== 'HEAD';
    const request = new Request(`http://${req.headers.host ?? 'localhost'}${req.url ?? '/'}`, {
      method,
      headers,
      signal: client.signal,
      ...(hasBody ? { body: Readable.toWeb(req) as ReadableStream<Uint8Array>, duplex: 'half' } : {}),
    });
    const respond = async (): Promise<void> => {
      const response = await handle(request);
      res.writeHead(response.status, Object.fromEntries(response.headers));
      if (response.body === null) res.end();
      else await pipeline(Readable.fromWeb(response.body), res);
    };
    respond().catch(() => res.destroy());
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

/** Asks the readiness path of a handler under test, with an optional query string (`?verbose`). */
export type AskReadiness = (query?: string) => Promise<Response>;

/**
 * The readiness contract every adapter keeps (node:http, Express, Hono): `serve(options)` builds the adapter's
 * readiness handler with `options` and returns how to ask it. Registers one test per rule in the calling `describe`.
 */
export function readinessContract(serve: (options: ReadinessOptions) => Promise<AskReadiness>): void {
  it('answers static mode without a watcher', async () => {
    const res = await (await serve({}))();
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/json');
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(await res.text()).toBe('{"status":"ready","mode":"static"}');
  });

  it('answers 200 dynamic at once when the watcher has synced, without waiting', async () => {
    const source = new FakeSource();
    source.synced = true;
    const res = await (await serve({ watcher: source }))();
    expect(res.status).toBe(200);
    expect(await res.text()).toBe('{"status":"ready","mode":"dynamic"}');
    expect(source.waits).toBe(0);
  });

  it('answers 200 dynamic when the sync completes during the wait', async () => {
    const source = new FakeSource();
    const ask = await serve({ watcher: source, timeoutMs: 5000 });
    const pending = ask();
    await eventually(() => source.waits === 1);
    source.sync();
    const res = await pending;
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: 'ready', mode: 'dynamic' });
  });

  it('answers 503 cache_sync_pending at the timeout when the watcher has not synced', async () => {
    const source = new FakeSource();
    const ask = await serve({ watcher: source, timeoutMs: 150 });
    const started = Date.now();
    const res = await ask();
    const elapsed = Date.now() - started;
    expect(res.status).toBe(503);
    expect(res.headers.get('content-type')).toBe('application/json');
    expect(await res.text()).toBe('{"status":"not_ready","mode":"dynamic","reason":"cache_sync_pending"}');
    expect(elapsed).toBeGreaterThanOrEqual(140);
    expect(elapsed).toBeLessThan(2000);
    expect(source.lastSignal?.aborted).toBe(true);
  });

  it('lists each check with ?verbose, controller-runtime style, and only when asked', async () => {
    const source = new FakeSource();
    const ask = await serve({ watcher: source, timeoutMs: 50 });
    const notReady = (await (await ask('?verbose')).json()) as ReadinessBody;
    expect(notReady).toMatchObject({ status: 'not_ready', reason: 'cache_sync_pending' });
    expect(notReady.checks!.map((c) => c.line)).toEqual(['[+]watcher ok', '[-]cache-sync failed: reason cache_sync_pending']);
    source.sync();
    const ready = (await (await ask('?verbose=1')).json()) as ReadinessBody;
    expect(ready.checks!.map((c) => c.line)).toEqual(['[+]watcher ok', '[+]cache-sync ok']);
    expect(await (await ask()).json()).not.toHaveProperty('checks');
  });
}

/**
 * Liveness after a fatal watcher error, the same for every adapter: `ask()` asks a liveness path with `?verbose`;
 * once `source` reports a fatal error the answer is a 503 `watcher_failed` whose text never repeats the error's.
 */
export async function expectLivenessFailsWithoutErrorText(ask: () => Promise<Response>, source: FakeSource): Promise<void> {
  source.fatal = new Error('token abc-secret rejected');
  const res = await ask();
  const text = await res.text();
  expect(res.status).toBe(503);
  expect(JSON.parse(text)).toMatchObject({ status: 'unhealthy', reason: 'watcher_failed' });
  expect(text).toContain('[-]watcher failed');
  expect(text).not.toContain('abc-secret');
}
