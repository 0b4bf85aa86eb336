/**
 * Today's mode (one group of one namespace) also answers the per-group paths and `/api/v1/groups`, with the same
 * data as today's paths; the `excluded` list is paged on its own and never repeated on later pages of backends.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { BackendListResponse } from '../src/index.ts';
import type { ExcludedListResponse } from '../src/http/routes/excluded.ts';
import type { GroupListResponse } from '../src/http/routes/groups.ts';
import { backend, openEvents, startTestService, watcherStatus, type SseClient, type TestService } from './helpers.ts';

let svc: TestService | undefined;
const clients: SseClient[] = [];
afterEach(async () => {
  for (const c of clients.splice(0)) c.close();
  await svc?.close();
  svc = undefined;
});

async function json<T>(url: string): Promise<{ status: number; body: T }> {
  const res = await fetch(url);
  return { status: res.status, body: (await res.json()) as T };
}

function exclusions(n: number): ReturnType<typeof watcherStatus>['exclusions'] {
  const out: ReturnType<typeof watcherStatus>['exclusions'] = {};
  for (let i = 0; i < n; i++) {
    out[`x-${String(i).padStart(3, '0')}`] = {
      kind: 'MCPServer',
      code: 'no-url',
      message: 'no status.url yet',
      since: '2026-01-01T00:00:00.000Z',
    };
  }
  return out;
}

describe("today's mode on the per-group paths", () => {
  it('lists its one group and serves the same answers on its group paths; other groups are 404', async () => {
    svc = await startTestService({ initial: [backend('a'), backend('b')] });
    svc.watcher.sync();
    const groups = await json<GroupListResponse>(`${svc.url}/api/v1/groups`);
    expect(groups.body.todayPaths).toBe(true);
    expect(groups.body.groups).toEqual([
      {
        namespace: 'team-a',
        group: 'engineering',
        synced: true,
        backends: 2,
        version: 0,
        exclusions: 0,
        paths: {
          backends: '/api/v1/namespaces/team-a/groups/engineering/backends',
          events: '/api/v1/namespaces/team-a/groups/engineering/events',
          status: '/api/v1/namespaces/team-a/groups/engineering/status',
        },
      },
    ]);
    const base = `${svc.url}/api/v1/namespaces/team-a/groups/engineering`;
    for (const [today, group] of [
      ['/api/v1/backends', '/backends'],
      ['/status', '/status'],
      ['/api/v1/backends/a', '/backends/a'],
      ['/api/v1/changes', '/changes'],
    ] as const) {
      expect(await json(`${base}${group}`), group).toEqual(await json(`${svc.url}${today}`));
    }
    const events = await openEvents(`${base}/events`);
    clients.push(events);
    await events.waitFor((e) => e.event === 'reset');
    svc.registry.upsert(backend('c'));
    const upsert = await events.waitFor((e) => e.event === 'upsert');
    expect(upsert.id).toBe(svc.service.context.hub.eventId(1));
    expect((await json(`${svc.url}/api/v1/namespaces/team-a/groups/other/backends`)).status).toBe(404);
    expect((await json(`${svc.url}/api/v1/namespaces/team-b/groups/engineering/status`)).status).toBe(404);
  });

  it('pages the excluded objects: a page of them on the first page of backends only, the rest at /api/v1/excluded', async () => {
    svc = await startTestService({ initial: [backend('a'), backend('b'), backend('c')] });
    svc.watcher.statusState = watcherStatus({ exclusions: exclusions(5) });
    svc.watcher.sync();
    const first = await json<BackendListResponse>(`${svc.url}/api/v1/backends?limit=2`);
    expect(first.body.excluded.map((e) => e.name)).toEqual(['x-000', 'x-001']);
    expect(first.body.excludedCount).toBe(5);
    expect(first.body.excludedContinue).toBeDefined();
    const second = await json<BackendListResponse>(`${svc.url}/api/v1/backends?limit=2&continue=${first.body.continue ?? ''}`);
    expect(second.body.backends.map((b) => b.id)).toEqual(['c']);
    expect(second.body.excluded).toEqual([]);
    expect(second.body.excludedCount).toBeUndefined();

    const names: string[] = [];
    let token: string | undefined = first.body.excludedContinue;
    while (token !== undefined) {
      const page: { body: ExcludedListResponse } = await json<ExcludedListResponse>(`${svc.url}/api/v1/excluded?limit=2&continue=${token}`);
      expect(page.body.count).toBe(5);
      names.push(...page.body.excluded.map((e) => e.name));
      token = page.body.continue;
    }
    expect(names).toEqual(['x-002', 'x-003', 'x-004']);
    const all = await json<ExcludedListResponse>(`${svc.url}/api/v1/excluded`);
    expect(all.body.excluded).toHaveLength(5);
    expect(all.body.continue).toBeUndefined();
    expect((await json(`${svc.url}/api/v1/excluded?continue=bogus!`)).status).toBe(400);
  });

  it('keeps the first page bounded whatever the number of exclusions', async () => {
    svc = await startTestService({ initial: [backend('a')], httpLimits: { defaultPageSize: 10 } });
    svc.watcher.statusState = watcherStatus({ exclusions: exclusions(400) });
    svc.watcher.sync();
    const first = await json<BackendListResponse>(`${svc.url}/api/v1/backends`);
    expect(first.body.excluded).toHaveLength(10);
    expect(first.body.excludedCount).toBe(400);
  });
});
