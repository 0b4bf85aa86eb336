import { afterEach, describe, expect, it } from 'vitest';
import { eventually } from '@vmcp/vitest-config/poll';
import { webLivenessHandler, webReadinessHandler, type ReadinessBody } from '../src/index.ts';
import { FakeSource, fetchListener, listen } from './helpers.ts';

const closers: Array<() => Promise<void>> = [];
afterEach(async () => {
  await Promise.all(closers.splice(0).map((close) => close()));
});

describe('Web Request → Response handlers', () => {
  it('answer the upstream bodies directly', async () => {
    const source = new FakeSource();
    const ready = webReadinessHandler({ watcher: source, timeoutMs: 50 });
    const pending = await ready(new Request('http://x/readyz'));
    expect(pending.status).toBe(503);
    expect(pending.headers.get('content-type')).toBe('application/json');
    expect(await pending.json()).toEqual({ status: 'not_ready', mode: 'dynamic', reason: 'cache_sync_pending' });
    source.sync();
    expect(await (await ready(new Request('http://x/readyz'))).json()).toEqual({ status: 'ready', mode: 'dynamic' });
    const staticMode = await webReadinessHandler()(new Request('http://x/readyz'));
    expect(await staticMode.json()).toEqual({ status: 'ready', mode: 'static' });
    const live = await webLivenessHandler({ watcher: source })(new Request('http://x/health'));
    expect(await live.json()).toEqual({ status: 'ok' });
  });

  it('stop waiting when request.signal aborts', async () => {
    const source = new FakeSource();
    const client = new AbortController();
    const pending = webReadinessHandler({ watcher: source, timeoutMs: 60_000 })(new Request('http://x/readyz', { signal: client.signal }));
    await eventually(() => source.waits === 1);
    client.abort();
    const res = await pending;
    expect(res.status).toBe(503);
    expect(source.lastSignal?.aborted).toBe(true);
  });

  it('work over a real HTTP server through a node adapter, including disconnects', async () => {
    const source = new FakeSource();
    const ready = webReadinessHandler({ watcher: source, timeoutMs: 60_000 });
    const live = webLivenessHandler({ watcher: source });
    const server = await listen(fetchListener((request) => (new URL(request.url).pathname === '/readyz' ? ready(request) : live(request))));
    closers.push(server.close);

    const client = new AbortController();
    const abandoned = fetch(`${server.url}/readyz`, { signal: client.signal });
    await eventually(() => source.waits === 1);
    client.abort();
    await expect(abandoned).rejects.toThrow();
    await eventually(() => source.lastSignal?.aborted === true);

    const waiting = fetch(`${server.url}/readyz?verbose`);
    await eventually(() => source.waits === 2);
    source.sync();
    const res = await waiting;
    expect(res.status).toBe(200);
    expect(((await res.json()) as ReadinessBody).checks!.map((c) => c.line)).toContain('[+]cache-sync ok');

    source.fatal = new Error('x');
    const dead = await fetch(`${server.url}/healthz`);
    expect(dead.status).toBe(503);
    expect(await dead.json()).toEqual({ status: 'unhealthy', reason: 'watcher_failed' });
    expect((await fetch(`${server.url}/readyz`, { method: 'DELETE' })).status).toBe(405);
  });
});
