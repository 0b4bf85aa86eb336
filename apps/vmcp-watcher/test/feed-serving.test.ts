/**
 * The feed over real TLS (certificates made by openssl), with scripted access reviews: codes and bodies, the
 * positive control, where planted secrets may appear, serving-certificate rotation on disk, the minimum TLS version,
 * a client that never reads, a malformed Last-Event-ID. The reviews against a real API server are in
 * feed.int.test.ts.
 */
import { copyFileSync, mkdirSync, mkdtempSync, renameSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import https from 'node:https';
import tls from 'node:tls';
import { createPki, type PkiFiles } from '@vmcp/envtest';
import { RegistryFeed } from '@vmcp/registry-feed';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { FEED_BACKENDS_PATH, FEED_EVENTS_PATH } from '../src/feed/feed.ts';
import type { Reviews } from '../src/feed/kube-reviews.ts';
import { PLANTED_SECRETS, secretBackend, backend } from './helpers.ts';
import { startFeedService, type FeedTestService } from './feed-helpers.ts';

/** `Bearer good` may read; `Bearer denied` authenticates but may not; `Bearer down` makes the review fail. */
const reviews: Reviews = {
  reviewToken: (token, audiences) => {
    if (token === 'down') return Promise.reject(new Error('connect ECONNREFUSED'));
    if (token === 'good' || token === 'denied') {
      return Promise.resolve({
        authenticated: true,
        user: { username: `system:serviceaccount:team-a:${token}` },
        audiences: [...audiences],
      });
    }
    return Promise.resolve({ authenticated: false, error: 'invalid bearer token' });
  },
  reviewAccess: (user) => Promise.resolve({ allowed: user.username.endsWith(':good'), reason: '' }),
};

let pkiA: PkiFiles;
let pkiB: PkiFiles;
let tlsDir: string;
beforeAll(async () => {
  const root = mkdtempSync(path.join(tmpdir(), 'feed-tls-'));
  [pkiA, pkiB] = await Promise.all([createPki(path.join(root, 'a')), createPki(path.join(root, 'b'))]);
  tlsDir = path.join(root, 'serving');
  mkdirSync(tlsDir);
}, 60_000);

/** Puts `pki`'s serving pair in place as a Secret volume update would: new files renamed over the old ones. */
function installPair(pki: PkiFiles): { certFile: string; keyFile: string } {
  const certFile = path.join(tlsDir, 'tls.crt');
  const keyFile = path.join(tlsDir, 'tls.key');
  copyFileSync(pki.apiserverCert, `${certFile}.new`);
  copyFileSync(pki.apiserverKey, `${keyFile}.new`);
  renameSync(`${keyFile}.new`, keyFile);
  renameSync(`${certFile}.new`, certFile);
  return { certFile, keyFile };
}

let svc: FeedTestService | undefined;
const clients: RegistryFeed[] = [];
afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()));
  await svc?.close();
  svc = undefined;
});
afterAll(() => undefined);

function feedClient(token: string, caFile: string): RegistryFeed {
  const client = new RegistryFeed({ url: svc!.url, token: () => token, caFile, backoff: { initialMs: 20, maxMs: 100 } });
  clients.push(client);
  return client.start();
}

async function get(pathname: string, headers: Record<string, string> = {}): Promise<{ status: number; text: string }> {
  const res = await svc!.request(pathname, headers);
  return res;
}

describe('the feed over TLS', () => {
  it('answers each refusal with its code and a JSON body naming the cause; only the allowed caller sees secrets', async () => {
    svc = await startFeedService({
      reviews,
      tls: { ...installPair(pkiA), minVersion: '1.2', pollMs: 100 },
      ca: pkiA.servingCaCert,
      initial: [secretBackend('fetch'), backend('plain')],
    });
    const answers = {
      none: await get(FEED_BACKENDS_PATH),
      garbage: await get(FEED_BACKENDS_PATH, { authorization: 'Bearer garbage' }),
      denied: await get(FEED_BACKENDS_PATH, { authorization: 'Bearer denied' }),
      down: await get(FEED_BACKENDS_PATH, { authorization: 'Bearer down' }),
      allowed: await get(FEED_BACKENDS_PATH, { authorization: 'Bearer good' }),
      public: await get('/api/v1/backends'),
    };
    expect(answers.none.status).toBe(401);
    expect(JSON.parse(answers.none.text)).toMatchObject({ error: 'unauthorized', cause: 'missing_token' });
    expect(JSON.parse(answers.garbage.text)).toMatchObject({ error: 'unauthorized', cause: 'invalid_token' });
    expect(answers.denied.status).toBe(403);
    expect(JSON.parse(answers.denied.text)).toMatchObject({ error: 'forbidden', cause: 'access_denied' });
    expect(answers.down.status).toBe(503);
    expect(JSON.parse(answers.down.text)).toMatchObject({ error: 'unavailable', cause: 'token_review_failed' });
    expect(answers.allowed.status).toBe(200);
    // Positive control: the planted secret is in the allowed feed answer, so its absence elsewhere means something.
    expect(answers.allowed.text).toContain(PLANTED_SECRETS[0]);
    for (const [name, answer] of Object.entries(answers)) {
      if (name === 'allowed') continue;
      for (const secret of PLANTED_SECRETS) expect(answer.text, name).not.toContain(secret);
    }
    // /metrics is on the metrics port (plain HTTP), not on the API port.
    const metrics = { text: await (await fetch(`${svc.metricsUrl}/metrics`)).text() };
    expect(metrics.text).toMatch(/vmcp_feed_access_refused_total\{code="401",cause="missing_token"\} 1/);
    expect(metrics.text).toMatch(/vmcp_feed_access_refused_total\{code="403",cause="access_denied"\} 1/);
    for (const secret of PLANTED_SECRETS) expect(metrics.text + svc.logs.join('\n')).not.toContain(secret);
    expect(svc.logs.join('\n')).not.toMatch(/Bearer|garbage/);
  });

  it('a feed client syncs the full backends, follows changes, and the pair rotates on disk without a restart', async () => {
    svc = await startFeedService({
      reviews,
      tls: { ...installPair(pkiA), minVersion: '1.2', pollMs: 100 },
      ca: pkiA.servingCaCert,
      initial: [secretBackend('fetch')],
    });
    const a = feedClient('good', pkiA.servingCaCert);
    await a.waitForSync({ timeoutMs: 10_000 });
    expect(a.get('fetch')?.authConfig?.tokenExchange?.clientSecret).toBe(PLANTED_SECRETS[0]);
    svc.registry.upsert(backend('added'));
    await until(() => a.get('added') !== undefined);

    // The new pair lands on disk; the service polls the files (every 100 ms here) and swaps it in, no restart.
    installPair(pkiB);
    await until(() => svc!.logs.some((l) => l.includes('serving certificate reloaded')));
    const b = feedClient('good', pkiB.servingCaCert);
    await b.waitForSync({ timeoutMs: 10_000 });
    expect(b.count()).toBe(2);
    // A client that still trusts only the old CA is now refused by TLS itself.
    const stale = feedClient('good', pkiA.servingCaCert);
    await until(() => stale.status().lastError?.kind === 'transport');
    expect(stale.status().lastError?.message).toMatch(/certificate/i);
  });

  it('--auth-public: the public API, page and event stream need an allowed token; probes stay open; the public stream never carries a secret', async () => {
    svc = await startFeedService({
      reviews,
      tls: { ...installPair(pkiA), minVersion: '1.2', pollMs: 100 },
      ca: pkiA.servingCaCert,
      initial: [secretBackend('fetch')],
      authPublic: true,
    });
    for (const path of ['/', '/status', '/api/v1/backends', '/api/v1/backends/fetch', '/api/v1/events', '/no-such-path']) {
      const none = await get(path);
      expect(none.status, path).toBe(401);
      expect(JSON.parse(none.text), path).toMatchObject({ cause: 'missing_token' });
      expect((await get(path, { authorization: 'Bearer denied' })).status, path).toBe(403);
    }
    // Positive control: the allowed token reads them (and an unknown path is then a plain 404).
    expect((await get('/api/v1/backends/fetch', { authorization: 'Bearer good' })).status).toBe(200);
    expect((await get('/no-such-path', { authorization: 'Bearer good' })).status).toBe(404);
    for (const probe of ['/healthz', '/readyz']) expect((await get(probe)).status, probe).toBe(200);
    const stream = await firstReset(svc, '/api/v1/events', 'Bearer good');
    expect(stream).toContain('"fetch"');
    expect(stream).not.toContain(PLANTED_SECRETS[0]);
    // The same backend on the feed does carry it: the public stream's omission is redaction, not absence.
    expect(await firstReset(svc, FEED_EVENTS_PATH, 'Bearer good')).toContain(PLANTED_SECRETS[0]);
  });

  it('ends feed streams after their maximum age, so a revoked gateway is refused on its next connect and drops the backends', async () => {
    let revoked = false;
    const revocable: Reviews = {
      reviewToken: (token, audiences) => reviews.reviewToken(token, audiences),
      reviewAccess: (user, attributes) =>
        revoked ? Promise.resolve({ allowed: false, reason: 'revoked' }) : reviews.reviewAccess(user, attributes),
    };
    svc = await startFeedService({
      reviews: revocable,
      tls: { ...installPair(pkiA), minVersion: '1.2', pollMs: 100 },
      ca: pkiA.servingCaCert,
      initial: [secretBackend('fetch')],
      maxStreamMs: 300,
      allowTtlMs: 50,
    });
    const client = feedClient('good', pkiA.servingCaCert);
    await client.waitForSync({ timeoutMs: 10_000 });
    // Positive control: while allowed, an ended stream is resumed and nothing changes.
    await until(() => client.status().reconnects >= 1 && client.status().connected);
    expect(client.count()).toBe(1);
    revoked = true;
    await until(() => client.status().lastError?.kind === 'forbidden');
    expect(client.count()).toBe(0);
  });

  it('refuses a TLS version below the minimum', async () => {
    svc = await startFeedService({ reviews, tls: { ...installPair(pkiA), minVersion: '1.3', pollMs: 100 }, ca: pkiA.servingCaCert });
    const port = Number(new URL(svc.url).port);
    const attempt = (maxVersion: tls.SecureVersion): Promise<string> =>
      new Promise((resolve) => {
        const socket = tls.connect({ host: '127.0.0.1', port, ca: svc!.caPem, maxVersion, servername: 'localhost' }, () => {
          resolve(socket.getProtocol() ?? 'none');
          socket.end();
        });
        socket.on('error', (error) => resolve(`error: ${error.message}`));
      });
    expect(await attempt('TLSv1.3')).toBe('TLSv1.3');
    expect(await attempt('TLSv1.2')).toMatch(/^error: .*(protocol version|alert)/i);
  });

  it('answers 503 not_synced until the watcher has synced, and 400 for a malformed Last-Event-ID', async () => {
    svc = await startFeedService({
      reviews,
      tls: { ...installPair(pkiA), minVersion: '1.2', pollMs: 100 },
      ca: pkiA.servingCaCert,
      synced: false,
    });
    const early = await get(FEED_EVENTS_PATH, { authorization: 'Bearer good' });
    expect(early.status).toBe(503);
    expect(JSON.parse(early.text)).toMatchObject({ cause: 'not_synced' });
    svc.watcher.sync();
    for (const malformed of ['x.y.z', 'EPOCH.-1', '1'.repeat(40), '"><script>']) {
      const bad = await get(FEED_EVENTS_PATH, { authorization: 'Bearer good', 'last-event-id': malformed });
      expect(bad.status, malformed).toBe(400);
      expect(JSON.parse(bad.text)).toMatchObject({
        error: 'bad_request',
        message: expect.stringMatching(/Last-Event-ID must be an event id/),
      });
    }
    // A well-formed id of another epoch is not an error: it gets a reset (checked by the replica tests).
  });

  // 10,000 against the access check alone are in feed-authorizer.test.ts; over TLS 2,000 show the same bounds end to end.
  it('2,000 concurrent requests with bad tokens over TLS: bounded reviews, bounded cache, the allowed client still served', async () => {
    let running = 0;
    let maxRunning = 0;
    let reviewed = 0;
    const slow: Reviews = {
      reviewToken: async (token, audiences) => {
        running += 1;
        reviewed += 1;
        maxRunning = Math.max(maxRunning, running);
        await new Promise((r) => setTimeout(r, 5));
        running -= 1;
        return reviews.reviewToken(token, audiences);
      },
      reviewAccess: (user, attributes) => reviews.reviewAccess(user, attributes),
    };
    svc = await startFeedService({
      reviews: slow,
      tls: { ...installPair(pkiA), minVersion: '1.2', pollMs: 100 },
      ca: pkiA.servingCaCert,
      initial: [secretBackend('fetch')],
    });
    expect((await get(FEED_BACKENDS_PATH, { authorization: 'Bearer good' })).status).toBe(200);
    // More connections than reviews may run and wait (8 + 64): the rest must be refused at once, not queued.
    const agent = new https.Agent({ keepAlive: true, maxSockets: 256, ca: svc.caPem });
    const codes = new Map<number, number>();
    const one = (i: number): Promise<void> =>
      new Promise((resolve, reject) => {
        const req = https.get(`${svc!.url}${FEED_BACKENDS_PATH}`, { agent, headers: { authorization: `Bearer bad-${i}` } }, (res) => {
          res.resume();
          res.on('end', () => {
            codes.set(res.statusCode ?? 0, (codes.get(res.statusCode ?? 0) ?? 0) + 1);
            resolve();
          });
        });
        req.on('error', reject);
      });
    await Promise.all(Array.from({ length: 2_000 }, (_, i) => one(i)));
    agent.destroy();
    expect([...codes.keys()].sort()).toEqual([401, 503]);
    expect(codes.get(503)).toBeGreaterThan(500);
    expect((codes.get(401) ?? 0) + (codes.get(503) ?? 0)).toBe(2_000);
    expect(maxRunning).toBeLessThanOrEqual(8);
    expect(reviewed).toBe((codes.get(401) ?? 0) + 1);
    expect(svc.authorizer.cached.denied).toBeLessThanOrEqual(4096);
    expect(svc.authorizer.cached.allowed).toBe(1);
    // The gateway allowed before the flood is answered from the cache, without a review.
    const before = reviewed;
    expect((await get(FEED_BACKENDS_PATH, { authorization: 'Bearer good' })).text).toContain(PLANTED_SECRETS[0]);
    expect(reviewed).toBe(before);
  }, 120_000);

  it('drops a feed client that never reads, and keeps serving the others', async () => {
    svc = await startFeedService({
      reviews,
      tls: { ...installPair(pkiA), minVersion: '1.2', pollMs: 100 },
      ca: pkiA.servingCaCert,
      maxBufferedBytes: 256 * 1024,
    });
    const reader = feedClient('good', pkiA.servingCaCert);
    await reader.waitForSync({ timeoutMs: 10_000 });
    const stuck = await svc.openSilentStream('good');
    await until(() => svc!.feed.hub.clientCount === 2);
    for (let i = 0; i < 4000; i++) svc.registry.upsert(secretBackend(`b${i % 50}`, { metadata: { round: String(i) } }));
    await until(() => svc!.feed.hub.clientCount === 1);
    expect(svc.logs.join('\n')).toMatch(/dropping a slow event-stream client/);
    await until(() => reader.get('b49')?.metadata['round'] === '3999');
    stuck.destroy();
  });
});

async function until(check: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** The text of a stream up to the end of its first `reset` event, then the stream is closed. */
function firstReset(service: FeedTestService, pathname: string, authorization: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = https.get(`${service.url}${pathname}`, { ca: service.caPem, headers: { authorization } }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        text += chunk;
        const start = text.indexOf('event: reset');
        if (start !== -1 && text.indexOf('\n\n', start) !== -1) {
          req.destroy();
          resolve(text);
        }
      });
      res.on('end', () => reject(new Error(`the stream ended before a reset: ${text.slice(0, 200)}`)));
    });
    req.on('error', (error) => reject(error));
  });
}
