/**
 * Scale: 50 feed clients over real TLS on a registry of 10,000 backends, with changes while they connect and after:
 * every client converges to exactly the watcher's state. The registry is filled directly (10,000 objects in a real
 * API server would take most of the CI budget for no more coverage of the feed); access is scripted here and
 * exercised against the real API server in feed.int.test.ts. Throughput figures are the benchmark's job.
 */
import { createHash } from 'node:crypto';
import { copyFileSync, mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createPki } from '@vmcp/envtest';
import type { Backend, BackendRegistry } from '@vmcp/registry';
import { RegistryFeed } from '@vmcp/registry-feed';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Reviews } from '../src/feed/kube-reviews.ts';
import { startFeedService, type FeedTestService } from './feed-helpers.ts';

const BACKENDS = 10_000;
const CLIENTS = 50;

const reviews: Reviews = {
  reviewToken: (_token, audiences) =>
    Promise.resolve({ authenticated: true, user: { username: 'system:serviceaccount:team-a:gateway' }, audiences: [...audiences] }),
  reviewAccess: () => Promise.resolve({ allowed: true, reason: '' }),
};

/** A small backend (the cost of the test is the clients' parsing), with a secret value that changes per round. */
function numbered(i: number, round = 0): Backend {
  const id = `b${String(i).padStart(5, '0')}`;
  return {
    id,
    name: id,
    baseUrl: `http://${id}:8080`,
    transportType: 'streamable-http',
    healthStatus: 'healthy',
    authConfig: { type: 'header_injection', headerInjection: { headerName: 'X-Key', headerValue: `${i}-${round}` } },
    metadata: {},
  };
}

/** A digest of a registry's whole content, independent of order. */
function digest(registry: BackendRegistry): string {
  const hash = createHash('sha256');
  for (const b of registry.list().sort((x, y) => (x.id < y.id ? -1 : 1))) hash.update(JSON.stringify(b));
  return hash.digest('hex');
}

let svc: FeedTestService;
let caFile: string;
const clients: RegistryFeed[] = [];
beforeAll(async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'feed-scale-'));
  const pki = await createPki(path.join(dir, 'pki'));
  mkdirSync(path.join(dir, 'tls'));
  const certFile = path.join(dir, 'tls', 'tls.crt');
  const keyFile = path.join(dir, 'tls', 'tls.key');
  copyFileSync(pki.apiserverCert, certFile);
  copyFileSync(pki.apiserverKey, keyFile);
  caFile = pki.servingCaCert;
  svc = await startFeedService({
    reviews,
    tls: { certFile, keyFile, minVersion: '1.2' },
    ca: caFile,
    initial: Array.from({ length: BACKENDS }, (_, i) => numbered(i)),
  });
}, 60_000);

afterAll(async () => {
  await Promise.all(clients.map((c) => c.close()));
  await svc?.close();
}, 30_000);

it(`${CLIENTS} feed clients on ${BACKENDS} backends converge to the watcher's state`, async () => {
  for (let i = 0; i < CLIENTS; i++) {
    clients.push(new RegistryFeed({ url: svc.url, token: () => `gateway-${i}`, caFile, backoff: { initialMs: 50, maxMs: 500 } }).start());
  }
  // Changes while the resets are being written: each client gets them after its reset, or within it.
  for (let i = 0; i < 200; i++) svc.registry.upsert(numbered(i * 7, 1));
  await Promise.all(clients.map((c) => c.waitForSync({ timeoutMs: 120_000 })));
  // And after: updates, removals, additions.
  for (let i = 0; i < 300; i++) svc.registry.upsert(numbered(i * 13, 2));
  for (let i = 0; i < 100; i++) svc.registry.remove(`b${String(i * 31).padStart(5, '0')}`);
  for (let i = 0; i < 100; i++) svc.registry.upsert(numbered(BACKENDS + i));
  const target = svc.registry.version();
  const deadline = Date.now() + 120_000;
  while (clients.some((c) => c.status().version !== target)) {
    if (Date.now() > deadline)
      throw new Error(`clients at versions ${[...new Set(clients.map((c) => c.status().version))].join(',')}, watcher at ${target}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  const expected = digest(svc.registry);
  expect(svc.registry.count()).toBe(BACKENDS);
  for (const [i, client] of clients.entries()) {
    expect(client.count(), `client ${i}`).toBe(BACKENDS);
    expect(digest(client), `client ${i}`).toBe(expected);
    expect(client.status()).toMatchObject({ connected: true, synced: true, stale: false, epoch: svc.feed.hub.epoch, reconnects: 0 });
  }
}, 240_000);
