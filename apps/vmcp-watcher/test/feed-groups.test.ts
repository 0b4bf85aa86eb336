/**
 * The feed of a service of several groups, over real TLS with scripted reviews: each group's feed path asks a
 * SubjectAccessReview naming that group and its namespace (`get mcpgroups/backends <group>` in `<namespace>`); a
 * token allowed one group reads it (full backends: the positive control for the planted secret) and is refused
 * another; today's feed paths answer 409; the public paths never carry the secret.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createPki, type PkiFiles } from '@vmcp/envtest';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { ResourceAttributes, Reviews } from '../src/feed/kube-reviews.ts';
import { startFeedService, tlsClient } from './feed-helpers.ts';
import { backend, PLANTED_SECRETS, secretBackend } from './helpers.ts';
import { FakeWatcherSet, startGroupService, type TestGroupService } from './set-helpers.ts';

const asked: ResourceAttributes[] = [];
/** `Bearer team-a` may read the feed of group g1 in namespace a, nothing else. */
const reviews: Reviews = {
  reviewToken: (token, audiences) =>
    Promise.resolve(
      token === 'team-a'
        ? { authenticated: true, user: { username: 'system:serviceaccount:a:gateway' }, audiences: [...audiences] }
        : { authenticated: false, error: 'invalid bearer token' },
    ),
  reviewAccess: (_user, attributes) => {
    asked.push(attributes);
    return Promise.resolve({ allowed: attributes.namespace === 'a' && attributes.name === 'g1', reason: '' });
  },
};

let pki: PkiFiles;
beforeAll(async () => {
  pki = await createPki(mkdtempSync(path.join(tmpdir(), 'feed-groups-')));
}, 60_000);

let svc: TestGroupService | undefined;
afterEach(async () => {
  await svc?.close();
  svc = undefined;
  asked.length = 0;
});

describe('the feed of a service of several groups', () => {
  it('asks for the group of the path, serves the allowed group in full and refuses the other', async () => {
    const set = new FakeWatcherSet({ a: 'ok', b: 'ok' });
    set.add('a', 'g1', [secretBackend('with-secret')]);
    set.add('b', 'g1', [backend('other')]);
    svc = await startGroupService(set, {
      tls: { certFile: pki.apiserverCert, keyFile: pki.apiserverKey, minVersion: '1.2' },
      access: { reviews, audiences: ['vmcp-watcher'], feed: true },
    });
    set.syncAll();
    const client = tlsClient(svc.url.replace(/^http:/, 'https:'), pki.servingCaCert);
    const auth = { authorization: 'Bearer team-a' };

    const allowed = await client.request('/api/v1/feed/namespaces/a/groups/g1/backends', auth);
    expect(allowed.status).toBe(200);
    // Positive control: the feed carries the full backend, secret included.
    expect(allowed.text).toContain(PLANTED_SECRETS[0]);
    expect(asked).toContainEqual({
      namespace: 'a',
      verb: 'get',
      group: 'toolhive.stacklok.dev',
      resource: 'mcpgroups',
      subresource: 'backends',
      name: 'g1',
    });

    const refused = await client.request('/api/v1/feed/namespaces/b/groups/g1/backends', auth);
    expect(refused.status).toBe(403);
    expect(refused.text).not.toContain('other');
    expect(asked.map((a) => `${a.namespace}/${a.name}/${a.subresource ?? ''}`)).toContain('b/g1/backends');
    expect((await client.request('/api/v1/feed/namespaces/a/groups/g1/backends')).status).toBe(401);
    expect((await client.request('/api/v1/feed/namespaces/a/groups/g9/events', auth)).status).toBe(404);
    expect((await client.request('/api/v1/feed/backends', auth)).status).toBe(409);

    const publicAnswers = [
      await client.request('/api/v1/namespaces/a/groups/g1/backends'),
      await client.request('/api/v1/namespaces/a/groups/g1/status'),
      await client.request('/api/v1/groups'),
    ];
    expect(publicAnswers[0]!.text).toContain('with-secret');
    for (const answer of publicAnswers) for (const secret of PLANTED_SECRETS) expect(answer.text.includes(secret)).toBe(false);
    for (const secret of PLANTED_SECRETS) expect(svc.logs.join('\n').includes(secret)).toBe(false);
  });

  it("serves today's one group on its per-group feed path too, asking for that group", async () => {
    const one = await startFeedService({
      reviews: {
        reviewToken: (token, audiences) => reviews.reviewToken(token, audiences),
        reviewAccess: (_user, attributes) => {
          asked.push(attributes);
          return Promise.resolve({ allowed: attributes.namespace === 'team-a' && attributes.name === 'engineering', reason: '' });
        },
      },
      tls: { certFile: pki.apiserverCert, keyFile: pki.apiserverKey, minVersion: '1.2' },
      ca: pki.servingCaCert,
      initial: [secretBackend('with-secret')],
    });
    try {
      const auth = { authorization: 'Bearer team-a' };
      const perGroup = await one.request('/api/v1/feed/namespaces/team-a/groups/engineering/backends', auth);
      expect(perGroup.status).toBe(200);
      expect(perGroup.text).toContain(PLANTED_SECRETS[0]);
      expect(JSON.parse(perGroup.text).backends).toEqual(JSON.parse((await one.request('/api/v1/feed/backends', auth)).text).backends);
      expect(asked.at(-1)).toEqual({
        namespace: 'team-a',
        verb: 'get',
        group: 'toolhive.stacklok.dev',
        resource: 'mcpgroups',
        subresource: 'backends',
        name: 'engineering',
      });
      expect((await one.request('/api/v1/feed/namespaces/team-a/groups/other/backends', auth)).status).toBe(404);
    } finally {
      await one.close();
    }
  });
});
