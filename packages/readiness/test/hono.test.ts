import { afterEach, describe, expect, it } from 'vitest';
import { eventually } from '@vmcp/vitest-config/poll';
import type { ReadinessOptions } from '../src/index.ts';
import { createHonoApp } from './examples/hono-app.ts';
import { FakeSource, expectLivenessFailsWithoutErrorText, fetchListener, listen, readinessContract } from './helpers.ts';

const closers: Array<() => Promise<void>> = [];
afterEach(async () => {
  await Promise.all(closers.splice(0).map((close) => close()));
});

/** Sends `path` to the README's Hono app, built with `options`. */
type Client = (options: ReadinessOptions) => Promise<(path: string, init?: RequestInit) => Promise<Response>>;

const transports: Array<[string, Client]> = [
  [
    'app.request',
    (options) => {
      const app = createHonoApp(options);
      return Promise.resolve(async (path, init) => app.request(path, init));
    },
  ],
  [
    'node:http',
    async (options) => {
      const app = createHonoApp(options);
      const server = await listen(fetchListener((request) => app.fetch(request)));
      closers.push(server.close);
      return (path, init) => fetch(`${server.url}${path}`, init);
    },
  ],
];

describe.each(transports)('Hono 4 through %s', (transport, client) => {
  readinessContract(async (options) => {
    const send = await client(options);
    return (query = '') => send(`/readyz${query}`);
  });

  it('turns liveness 503 and readiness watcher_failed after a fatal watcher error', async () => {
    const source = new FakeSource();
    const send = await client({ watcher: source });
    const alive = await send('/healthz');
    expect(alive.status).toBe(200);
    expect(await alive.text()).toBe('{"status":"ok"}');
    await expectLivenessFailsWithoutErrorText(() => send('/healthz?verbose'), source);
    const ready = await send('/readyz');
    expect(ready.status).toBe(503);
    expect(await ready.json()).toEqual({ status: 'not_ready', mode: 'dynamic', reason: 'watcher_failed' });
    expect(source.waits).toBe(0);
  });

  it('answers HEAD with the headers only (Hono routes HEAD to app.get)', async () => {
    const send = await client({});
    const head = await send('/readyz', { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(head.headers.get('content-type')).toBe('application/json');
    expect(await head.text()).toBe('');
  });

  it('leaves other routes to the app', async () => {
    const source = new FakeSource();
    const send = await client({ watcher: source, timeoutMs: 50 });
    const home = await send('/');
    expect(home.status).toBe(200);
    expect(await home.text()).toBe('your app');
    expect((await send('/nothing-here')).status).toBe(404);
    // Only GET/HEAD are routed to the handler; Hono answers other methods itself.
    expect((await send('/readyz', { method: 'POST' })).status).toBe(404);
    expect(source.waits).toBe(0);
  });

  it('stops waiting when the client goes away (c.req.raw.signal)', async () => {
    const source = new FakeSource();
    const send = await client({ watcher: source, timeoutMs: 60_000 });
    const abort = new AbortController();
    const pending = send('/readyz', { signal: abort.signal });
    await eventually(() => source.waits === 1);
    expect(source.lastSignal?.aborted).toBe(false);
    abort.abort();
    if (transport === 'node:http') {
      await expect(pending).rejects.toThrow(); // fetch gives up; the adapter aborts the Request on `close`
    } else {
      expect((await pending).status).toBe(503); // app.request hands the signal straight to the handler
    }
    await eventually(() => source.lastSignal?.aborted === true);
  });
});
