import { mkdtempSync, renameSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { RegistryEvent } from '@vmcp/registry';
import { afterEach, describe, expect, it } from 'vitest';
import { RegistryFeed, type RegistryFeedOptions } from '../src/index.ts';
import { FakeFeed, backend, eventFrame, resetFrame, until } from './fake-feed.ts';

const feeds: FakeFeed[] = [];
const clients: RegistryFeed[] = [];
afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()));
  await Promise.all(feeds.splice(0).map((f) => f.close()));
});

async function setup(
  options: Partial<RegistryFeedOptions> = {},
): Promise<{ feed: FakeFeed; client: RegistryFeed; events: RegistryEvent[] }> {
  const feed = await new FakeFeed().listen();
  feeds.push(feed);
  const client = new RegistryFeed({
    url: feed.url,
    token: () => 'tok-1',
    insecureHttp: true,
    backoff: { initialMs: 5, maxMs: 20, jitter: 0.5 },
    ...options,
  });
  clients.push(client);
  const events: RegistryEvent[] = [];
  client.subscribe((e) => events.push(e));
  return { feed, client, events };
}

const changes = (events: RegistryEvent[]): string[] => events.map((e) => `${e.type} ${e.type === 'upsert' ? e.backend.id : e.id}`);

describe('RegistryFeed', () => {
  it('syncs from a reset, then follows upserts and removes', async () => {
    const { feed, client, events } = await setup();
    const secret = { type: 'header_injection', headerInjection: { headerName: 'X-Key', headerValue: 's3cr3t' } };
    feed.answers = [{ stream: (res) => res.write(resetFrame('ep1', 4, [backend('a', { authConfig: secret }), backend('b')])) }];
    client.start();
    await client.waitForSync({ timeoutMs: 5000 });
    expect(client.get('a')?.authConfig).toEqual(secret);
    expect(client.count()).toBe(2);
    expect(feed.requests[0]).toMatchObject({ authorization: 'Bearer tok-1', lastEventId: undefined, path: '/api/v1/feed/events' });
    expect(client.status()).toMatchObject({ connected: true, synced: true, stale: false, epoch: 'ep1', version: 4, backends: 2 });

    feed.send(eventFrame('upsert', 'ep1', 5, backend('c')) + eventFrame('remove', 'ep1', 6, backend('a')));
    await until(() => client.count() === 2 && client.get('c') !== undefined, 'c added, a removed');
    expect(changes(events)).toEqual(['upsert a', 'upsert b', 'upsert c', 'remove a']);
    expect(client.status()).toMatchObject({ epoch: 'ep1', version: 6 });
  });

  it('applies a reset as a diff: a watcher restart emits only what changed, and the resume point is sent', async () => {
    const { feed, client, events } = await setup();
    const before = [backend('a'), backend('b'), backend('c')];
    const after = [backend('a'), backend('b', { baseUrl: 'http://b2.svc/mcp' }), backend('d')];
    feed.answers = [
      { stream: (res) => res.write(resetFrame('ep1', 3, before)) },
      { stream: (res) => res.write(resetFrame('ep2', 9, after)) },
    ];
    client.start();
    await client.waitForSync();
    events.length = 0;
    feed.endStreams(); // the watcher stops; the client reconnects to the new process
    await until(() => client.status().epoch === 'ep2', 'the second reset');
    expect(feed.requests[1]?.lastEventId).toBe('ep1.3');
    expect(changes(events).sort()).toEqual(['remove c', 'upsert b', 'upsert d']);
    expect(client.status()).toMatchObject({ resets: 2, reconnects: 1, version: 9 });
  });

  it('keeps the last known backends while the feed is down, and says how stale they are', async () => {
    const { feed, client } = await setup({ backoff: { initialMs: 20, maxMs: 40 } });
    feed.answers = [
      { stream: (res) => res.write(resetFrame('ep1', 1, [backend('a')])) },
      { status: 503, body: { error: 'unavailable', cause: 'not_synced' }, retryAfter: '0' },
    ];
    client.start();
    await client.waitForSync();
    feed.endStreams();
    await until(() => client.status().lastError?.status === 503, 'a 503 answer');
    const status = client.status();
    expect(status).toMatchObject({
      connected: false,
      synced: true,
      stale: true,
      backends: 1,
      lastError: { kind: 'unavailable', reason: 'not_synced' },
    });
    expect(status.staleForMs).toBeGreaterThanOrEqual(0);
    expect(client.get('a')).toBeDefined();
  });

  it('keeps the backends on 401 and uses a rotated token file on the next attempt', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'feed-token-'));
    const file = path.join(dir, 'token');
    writeFileSync(file, 'old-token\n');
    const { feed, client } = await setup({ token: file });
    feed.answers = [
      { stream: (res) => res.write(resetFrame('ep1', 1, [backend('a')])) },
      { status: 401, body: { error: 'unauthorized', cause: 'token_expired' } },
      { stream: (res) => res.write(resetFrame('ep1', 1, [backend('a')])) },
    ];
    client.start();
    await client.waitForSync();
    // The kubelet's atomic swap: a new file renamed over the old one.
    feed.endStreams();
    await until(() => client.status().lastError?.kind === 'unauthorized', 'the 401');
    expect(client.get('a')).toBeDefined();
    expect(client.status().lastError).toMatchObject({ status: 401, reason: 'token_expired' });
    writeFileSync(path.join(dir, 'token.new'), 'new-token');
    renameSync(path.join(dir, 'token.new'), file);
    await until(() => feed.requests.some((r) => r.authorization === 'Bearer new-token'), 'a request with the rotated token');
    expect(feed.requests[0]?.authorization).toBe('Bearer old-token');
  });

  it('on 403 removes every held backend by default (access was taken away), and resyncs from a full reset', async () => {
    const { feed, client, events } = await setup();
    feed.answers = [
      { stream: (res) => res.write(resetFrame('ep1', 2, [backend('a'), backend('b')])) },
      { status: 403, body: { error: 'forbidden', cause: 'access_denied' } },
      { stream: (res) => res.write(resetFrame('ep1', 2, [backend('a'), backend('b')])) },
    ];
    client.start();
    await client.waitForSync();
    feed.endStreams();
    await until(() => client.count() === 0, 'the backends removed');
    expect(changes(events)).toEqual(['upsert a', 'upsert b', 'remove a', 'remove b']);
    await until(() => client.count() === 2, 'a resync');
    // No resume point after a clear: the buffer of changes cannot bring back what was removed locally.
    expect(feed.requests[2]?.lastEventId).toBeUndefined();
  });

  it("keeps the backends on 403 with onForbidden: 'keep'", async () => {
    const { feed, client } = await setup({ onForbidden: 'keep' });
    feed.answers = [
      { stream: (res) => res.write(resetFrame('ep1', 1, [backend('a')])) },
      { status: 403, body: { cause: 'access_denied' } },
    ];
    client.start();
    await client.waitForSync();
    feed.endStreams();
    await until(() => client.status().lastError?.kind === 'forbidden', 'the 403');
    expect(client.count()).toBe(1);
  });

  it('drops a silent stream after the idle timeout and reconnects', async () => {
    const { feed, client } = await setup({ idleTimeoutMs: 60 });
    feed.answers = [{ stream: (res) => res.write(resetFrame('ep1', 1, [backend('a')])) }];
    client.start();
    await client.waitForSync();
    await until(() => feed.requests.length >= 2, 'a reconnect after silence');
    expect(feed.requests[1]?.lastEventId).toBe('ep1.1');
  });

  it('a malformed event changes nothing, is reported without its content, and the stream is reopened', async () => {
    const { feed, client } = await setup();
    feed.answers = [
      {
        stream: (res) =>
          res.write(resetFrame('ep1', 1, [backend('a')]) + 'id: ep1.2\nevent: upsert\ndata: {"id":"a","token":"planted-s3cret"\n\n'),
      },
      { stream: (res) => res.write(resetFrame('ep1', 1, [backend('a')])) },
    ];
    client.start();
    await client.waitForSync();
    await until(() => client.status().lastError?.kind === 'protocol', 'the protocol error');
    expect(client.status().lastError?.message).not.toContain('planted-s3cret');
    expect(client.status().lastError?.message).toMatch(/upsert event whose data is not JSON/);
    await until(() => feed.requests.length >= 2, 'the reconnect');
    // The bad event did not move the resume point.
    expect(feed.requests[1]?.lastEventId).toBe('ep1.1');
  });

  it('waitForSync rejects with the last failure after its timeout, and on close', async () => {
    const { feed, client } = await setup();
    feed.answers = [{ status: 401, body: { error: 'unauthorized', cause: 'invalid_token' } }];
    client.start();
    await expect(client.waitForSync({ timeoutMs: 200 })).rejects.toThrow(
      /did not sync within 200 ms; last failure: .*401 \(invalid_token\)/,
    );
    const pending = client.waitForSync();
    await client.close();
    await expect(pending).rejects.toThrow(/closed/);
    expect(client.status().state).toBe('closed');
  });

  it('refuses an http: URL unless insecureHttp is set', () => {
    expect(() => new RegistryFeed({ url: 'http://watcher:8080', token: 'x' })).toThrow(/must be https:/);
  });

  it('reports an unreadable token file by name without reading further', async () => {
    const { client } = await setup({ token: '/nonexistent/token' });
    client.start();
    await until(() => client.status().lastError?.kind === 'credentials', 'the credentials error');
    expect(client.status().lastError?.message).toMatch(/cannot read token file "\/nonexistent\/token": ENOENT/);
  });
});
