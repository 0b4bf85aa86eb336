import type http from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { eventually } from '@vmcp/vitest-config/poll';
import { livenessHandler, readinessHandler } from '../src/index.ts';
import { FakeSource, expectLivenessFailsWithoutErrorText, listen, readinessContract } from './helpers.ts';

const servers: Array<{ close: () => Promise<void> }> = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

async function serve(handler: http.RequestListener): Promise<string> {
  const server = await listen(handler);
  servers.push(server);
  return server.url;
}

describe('readinessHandler on node:http', () => {
  readinessContract(async (options) => {
    const url = await serve(readinessHandler(options));
    return (query = '') => fetch(`${url}/readyz${query}`);
  });

  it('still answers at the timeout when the source ignores its signal', async () => {
    const source = new FakeSource();
    source.hang = true;
    const url = await serve(readinessHandler({ watcher: source, timeoutMs: 100 }));
    const res = await fetch(`${url}/readyz`);
    expect(res.status).toBe(503);
  });

  it('answers 503 without the error text when the wait throws, and reports the error', async () => {
    const source = new FakeSource();
    source.throws = new Error('secret-looking detail s3cr3t');
    const seen: unknown[] = [];
    const url = await serve(readinessHandler({ watcher: source, onError: (e) => seen.push(e) }));
    const res = await fetch(`${url}/readyz?verbose`);
    const text = await res.text();
    expect(res.status).toBe(503);
    expect(text).not.toContain('s3cr3t');
    expect(seen).toHaveLength(1);
  });

  it('stops waiting when the client disconnects', async () => {
    const source = new FakeSource();
    const url = await serve(readinessHandler({ watcher: source, timeoutMs: 60_000 }));
    const client = new AbortController();
    const pending = fetch(`${url}/readyz`, { signal: client.signal });
    await eventually(() => source.waits === 1);
    expect(source.lastSignal?.aborted).toBe(false);
    client.abort();
    await expect(pending).rejects.toThrow();
    await eventually(() => source.lastSignal?.aborted === true);
  });

  it('answers 503 watcher_failed at once after a fatal error', async () => {
    const source = new FakeSource();
    source.fatal = new Error('boom');
    const url = await serve(readinessHandler({ watcher: source }));
    const res = await fetch(`${url}/readyz`);
    expect(res.status).toBe(503);
    expect(await res.json()).toEqual({ status: 'not_ready', mode: 'dynamic', reason: 'watcher_failed' });
    expect(source.waits).toBe(0);
  });

  it('sends headers only for HEAD and 405 for other methods', async () => {
    const url = await serve(readinessHandler());
    const head = await fetch(`${url}/readyz`, { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(await head.text()).toBe('');
    const post = await fetch(`${url}/readyz`, { method: 'POST' });
    expect(post.status).toBe(405);
    expect(post.headers.get('allow')).toBe('GET, HEAD');
  });
});

describe('livenessHandler on node:http', () => {
  it('answers ok on every path it is given', async () => {
    const url = await serve(livenessHandler({ watcher: new FakeSource() }));
    for (const path of ['/health', '/healthz', '/ping']) {
      const res = await fetch(`${url}${path}`);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe('application/json');
      expect(await res.text()).toBe('{"status":"ok"}');
    }
  });

  it('turns 503 when the watcher reports a fatal error, without the error text', async () => {
    const source = new FakeSource();
    const url = await serve(livenessHandler({ watcher: source }));
    expect((await fetch(`${url}/healthz`)).status).toBe(200);
    await expectLivenessFailsWithoutErrorText(() => fetch(`${url}/healthz?verbose`), source);
  });
});
