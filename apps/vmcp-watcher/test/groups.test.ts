/**
 * A service of several groups over a fake set of watchers: `/api/v1/groups`, the per-group paths, today's paths
 * (409 naming `/api/v1/groups`), 404 and 400 for unknown or malformed path parameters, a group that appears and goes
 * (its streams end with `event: end`, its metric series go), readiness with namespaces and groups named, and no
 * planted secret in any answer.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { BackendListResponse } from '../src/index.ts';
import type { GroupListResponse } from '../src/http/routes/groups.ts';
import { backend, openEvents, PLANTED_SECRETS, secretBackend, type SseClient } from './helpers.ts';
import { FakeWatcherSet, startGroupService, type TestGroupService } from './set-helpers.ts';

let svc: TestGroupService | undefined;
const clients: SseClient[] = [];
afterEach(async () => {
  for (const c of clients.splice(0)) c.close();
  await svc?.close();
  svc = undefined;
});

async function json<T = Record<string, unknown>>(url: string): Promise<{ status: number; body: T; text: string }> {
  const res = await fetch(url);
  const text = await res.text();
  return { status: res.status, body: JSON.parse(text) as T, text };
}

async function stream(url: string): Promise<SseClient> {
  const client = await openEvents(url);
  clients.push(client);
  return client;
}

/** Two namespaces, two groups each, different backends in each. */
function twoByTwo(): FakeWatcherSet {
  const set = new FakeWatcherSet({ a: 'ok', b: 'ok' });
  set.add('a', 'g1', [backend('a-one'), secretBackend('a-secret')]);
  set.add('a', 'g2', [backend('a-two')]);
  set.add('b', 'g1', [backend('b-one'), backend('b-two'), backend('b-three')]);
  set.add('b', 'g2', []);
  return set;
}

describe('a service of several groups', () => {
  it('lists every served group with counts, sync state and paths, and the namespaces', async () => {
    svc = await startGroupService(twoByTwo());
    const before = await json<GroupListResponse>(`${svc.url}/api/v1/groups`);
    expect(before.status).toBe(200);
    expect(before.body.synced).toBe(false);
    expect(before.body.todayPaths).toBe(false);
    expect(before.body.groups.map((g) => [g.namespace, g.group, g.backends, g.synced])).toEqual([
      ['a', 'g1', 2, false],
      ['a', 'g2', 1, false],
      ['b', 'g1', 3, false],
      ['b', 'g2', 0, false],
    ]);
    expect(before.body.groups[0]!.paths.backends).toBe('/api/v1/namespaces/a/groups/g1/backends');
    expect(before.body.namespaces).toEqual([
      { namespace: 'a', access: 'ok' },
      { namespace: 'b', access: 'ok' },
    ]);
    svc.set.syncAll();
    const after = await json<GroupListResponse>(`${svc.url}/api/v1/groups`);
    expect(after.body.synced).toBe(true);
    expect(after.body.groups.every((g) => g.synced)).toBe(true);
  });

  it("serves each group's backends, one, status, changes and events from that group's registry only", async () => {
    const set = twoByTwo();
    svc = await startGroupService(set);
    const base = `${svc.url}/api/v1/namespaces/b/groups/g1`;
    const page = await json<BackendListResponse>(`${base}/backends?limit=2`);
    expect(page.status).toBe(200);
    expect(page.body).toMatchObject({ namespace: 'b', groupRef: 'g1', count: 3, remainingItemCount: 1 });
    expect(page.body.backends.map((b) => b.id)).toEqual(['b-one', 'b-three']);
    const next = await json<BackendListResponse>(`${base}/backends?limit=2&continue=${page.body.continue ?? ''}`);
    expect(next.body.backends.map((b) => b.id)).toEqual(['b-two']);
    expect((await json(`${base}/backends/b-two`)).status).toBe(200);
    // A backend of another group is not found in this one.
    expect((await json(`${base}/backends/a-one`)).status).toBe(404);
    const status = await json<{ group_ref: string; namespace: string; backends: unknown[] }>(`${base}/status`);
    expect(status.body).toMatchObject({ group_ref: 'g1', namespace: 'b' });
    expect(status.body.backends).toHaveLength(3);

    const events = await stream(`${base}/events`);
    const reset = await events.waitFor((e) => e.event === 'reset');
    expect((JSON.parse(reset.data) as { backends: { id: string }[] }).backends.map((b) => b.id).sort()).toEqual([
      'b-one',
      'b-three',
      'b-two',
    ]);
    set.group('a', 'g1')!.registry.upsert(backend('elsewhere'));
    set.group('b', 'g1')!.registry.upsert(backend('b-four'));
    await events.waitFor((e) => e.event === 'upsert');
    expect(events.events.filter((e) => e.event === 'upsert').map((e) => (JSON.parse(e.data) as { id: string }).id)).toEqual(['b-four']);
    const changes = await json<{ changes: { backend: string }[] }>(`${base}/changes`);
    expect(changes.body.changes.map((c) => c.backend)).toEqual(['b-four']);
  });

  it("answers today's paths with 409 naming /api/v1/groups, whatever the number of groups at the moment", async () => {
    const set = new FakeWatcherSet({ a: 'ok' });
    set.add('a', 'only', [backend('x')]);
    svc = await startGroupService(set);
    for (const path of ['/api/v1/backends', '/api/v1/backends/x', '/api/v1/events', '/status', '/api/v1/changes', '/api/v1/excluded']) {
      const answer = await json<{ error: string; groups: string; message: string }>(`${svc.url}${path}`);
      expect(answer.status, path).toBe(409);
      expect(answer.body.groups).toBe('/api/v1/groups');
      expect(answer.body.message).toContain('/api/v1/namespaces/{namespace}/groups/{group}/');
    }
    // Positive control: the same group on its own path.
    expect((await json(`${svc.url}/api/v1/namespaces/a/groups/only/backends`)).status).toBe(200);
  });

  it('answers 404 naming an unknown namespace or group, 400 for a malformed one, and keeps serving', async () => {
    svc = await startGroupService(twoByTwo());
    const unknown = await json<{ namespace: string; group: string; message: string }>(`${svc.url}/api/v1/namespaces/c/groups/g1/backends`);
    expect(unknown.status).toBe(404);
    expect(unknown.body).toMatchObject({ namespace: 'c', group: 'g1' });
    expect(unknown.body.message).toContain('/api/v1/groups');
    expect((await json(`${svc.url}/api/v1/namespaces/a/groups/g9/events`)).status).toBe(404);
    for (const bad of [
      'Bad_NS/groups/g1',
      '%ZZ/groups/g1',
      `${'a'.repeat(64)}/groups/g1`,
      'a/groups/Bad%20Group',
      'a/groups/-x-',
      'a/groups/.x',
    ]) {
      const answer = await json<{ error: string; message: string }>(`${svc.url}/api/v1/namespaces/${bad}/backends`);
      expect(answer.status, bad).toBe(400);
      expect(answer.body.error).toBe('bad_request');
    }
    expect((await json(`${svc.url}/api/v1/namespaces/a/groups/g1/nope`)).status).toBe(404);
    expect((await json(`${svc.url}/api/v1/namespaces/a/groups/g1/backends/%ZZ`)).status).toBe(400);
    expect((await json(`${svc.url}/api/v1/namespaces/a/groups/g1/backends`)).status).toBe(200);
  });

  it('follows groups: a new group is served at once; a removed one ends its streams with event: end, then 404s', async () => {
    const set = twoByTwo();
    svc = await startGroupService(set);
    expect((await json(`${svc.url}/api/v1/namespaces/b/groups/g3/backends`)).status).toBe(404);
    set.add('b', 'g3', [backend('new')]);
    const served = await json<BackendListResponse>(`${svc.url}/api/v1/namespaces/b/groups/g3/backends`);
    expect(served.body.backends.map((b) => b.id)).toEqual(['new']);

    const events = await stream(`${svc.url}/api/v1/namespaces/b/groups/g3/events`);
    await events.waitFor((e) => e.event === 'reset');
    const other = await stream(`${svc.url}/api/v1/namespaces/a/groups/g2/events`);
    await other.waitFor((e) => e.event === 'reset');
    set.remove('b', 'g3');
    const end = await events.waitFor((e) => e.event === 'end');
    expect(JSON.parse(end.data)).toMatchObject({ reason: 'group_removed', namespace: 'b', group: 'g3' });
    expect((await json(`${svc.url}/api/v1/namespaces/b/groups/g3/backends`)).status).toBe(404);
    const listed = await json<GroupListResponse>(`${svc.url}/api/v1/groups`);
    expect(listed.body.groups.map((g) => `${g.namespace}/${g.group}`)).not.toContain('b/g3');
    // Another group's stream is untouched.
    expect(other.events.some((e) => e.event === 'end')).toBe(false);
    set.group('a', 'g2')!.registry.upsert(backend('still'));
    await other.waitFor((e) => e.event === 'upsert');
  });

  it('is ready when every group of the accessible namespaces synced; ?verbose names the forbidden namespace and each group', async () => {
    const set = new FakeWatcherSet({ a: 'ok', locked: 'forbidden' });
    set.add('a', 'g1', [backend('x')]);
    set.add('locked', 'g1');
    svc = await startGroupService(set);
    expect((await fetch(`${svc.probesUrl}/readyz`)).status).toBe(503);
    for (const g of set.groups()) if (g.namespace === 'a') g.synced = true;
    set.changed();
    const ready = await json<{
      status: string;
      namespaces: { namespace: string; access: string; message?: string }[];
      groups: { namespace: string; group: string; synced: boolean }[];
    }>(`${svc.probesUrl}/readyz?verbose`);
    expect(ready.status).toBe(200);
    expect(ready.body.namespaces).toContainEqual({
      namespace: 'locked',
      access: 'forbidden',
      message: 'mcpservers is forbidden in namespace locked',
    });
    expect(ready.body.groups).toEqual([
      { namespace: 'a', group: 'g1', synced: true },
      { namespace: 'locked', group: 'g1', synced: false },
    ]);
    expect((await fetch(`${svc.url}/readyz`)).status).toBe(200);
    set.fail(new Error('boom'));
    expect((await fetch(`${svc.probesUrl}/livez`)).status).toBe(503);
  });

  it("labels per-group metrics by watched_namespace and group, drops a removed group, and sums today's families", async () => {
    const set = twoByTwo();
    svc = await startGroupService(set);
    const scrape = async (): Promise<string> => (await fetch(`${svc!.metricsUrl}/metrics`)).text();
    let text = await scrape();
    expect(text).toMatch(/^vmcp_group_backends\{watched_namespace="b",group="g1"\} 3$/m);
    expect(text).toMatch(/^vmcp_group_backends\{watched_namespace="a",group="g1"\} 2$/m);
    expect(text).toMatch(/^vmcp_group_synced\{watched_namespace="a",group="g2"\} 0$/m);
    expect(text).toMatch(/^vmcp_registry_backends 6$/m);
    expect(text).toMatch(/^vmcp_namespace_access\{watched_namespace="a",access="ok"\} 1$/m);
    expect(text).toMatch(/^vmcp_cache_synced 0$/m);
    set.group('a', 'g2')!.registry.upsert(backend('more'));
    set.remove('b', 'g1');
    set.syncAll();
    text = await scrape();
    expect(text).not.toMatch(/watched_namespace="b",group="g1"/);
    expect(text).toMatch(/^vmcp_group_backends\{watched_namespace="a",group="g2"\} 2$/m);
    expect(text).toMatch(/^vmcp_registry_backends 4$/m);
    expect(text).toMatch(/^vmcp_registry_events_total\{type="upsert"\} 1$/m);
    expect(text).toMatch(/^vmcp_cache_synced 1$/m);
  });

  it('never serves a planted secret on any path', async () => {
    const set = twoByTwo();
    svc = await startGroupService(set);
    set.syncAll();
    // The test would be vacuous if the registry did not hold the secret.
    expect(JSON.stringify(set.group('a', 'g1')!.registry.list())).toContain(PLANTED_SECRETS[0]);
    const base = `${svc.url}/api/v1/namespaces/a/groups/g1`;
    const events = await stream(`${base}/events`);
    await events.waitFor((e) => e.event === 'reset');
    const outputs = [events.raw];
    for (const path of ['/backends', '/backends/a-secret', '/status', '/changes', '/watcher', '/excluded'])
      outputs.push((await json(`${base}${path}`)).text);
    outputs.push(
      (await json(`${svc.url}/api/v1/groups`)).text,
      await (await fetch(`${svc.metricsUrl}/metrics`)).text(),
      svc.logs.join('\n'),
    );
    // Positive control: the backend is there, redacted.
    expect(outputs[2]).toContain('a-secret');
    for (const output of outputs) for (const secret of PLANTED_SECRETS) expect(output.includes(secret)).toBe(false);
  });
});
