import { afterEach, describe, expect, it } from 'vitest';
import type { ChangeEntry } from '../src/http/change-log.ts';
import { backend, PLANTED_SECRETS, secretBackend, startTestService, type TestService } from './helpers.ts';

let svc: TestService | undefined;
afterEach(async () => {
  await svc?.close();
  svc = undefined;
});

async function recent(query = ''): Promise<{ version: number; changes: ChangeEntry[] }> {
  return (await (await fetch(`${svc!.url}/api/v1/changes${query}`)).json()) as { version: number; changes: ChangeEntry[] };
}

describe('/api/v1/changes', () => {
  it('keeps the recent changes, newest first, each saying what changed', async () => {
    svc = await startTestService({ initial: [backend('github')] });
    svc.registry.upsert(backend('github', { healthStatus: 'unhealthy', metadata: { workload_status: 'Failed' } }));
    svc.registry.upsert(backend('notion-proxy'));
    svc.registry.upsert(
      backend('notion-proxy', {
        transportType: 'sse',
        baseUrl: 'https://user:pw@elsewhere.example.com/mcp',
        metadata: { ...backend('x').metadata, remote_url: 'https://token@remote.example.com/mcp' },
      }),
    );
    svc.registry.remove('notion-proxy');
    const { version, changes } = await recent();
    expect(version).toBe(4);
    expect(changes.map((c) => c.summary)).toEqual([
      'notion-proxy removed',
      'notion-proxy: transport streamable-http → sse, URL changed, remote_url changed',
      'notion-proxy added (healthy)',
      'github: healthy → unhealthy, tool_type mcp → –, workload_status Ready → Failed, workload_type mcp_server → –',
    ]);
    expect(changes[0]).toMatchObject({ version: 4, backend: 'notion-proxy', change: 'removed', details: [] });
    expect(Date.parse(changes[0]!.at)).not.toBeNaN();
    // A changed URL is named, never quoted (its userinfo least of all).
    expect(JSON.stringify(changes)).not.toMatch(/elsewhere|remote\.example|token@/);
    expect((await recent('?limit=1')).changes).toHaveLength(1);
    expect((await fetch(`${svc.url}/api/v1/changes?limit=0`)).status).toBe(400);
  });

  it('says an auth change by its type or "auth settings changed", never with a secret value', async () => {
    svc = await startTestService({ initial: [secretBackend('fetch')] });
    const before = svc.registry.get('fetch')!;
    const rotated = secretBackend('fetch', {
      authConfig: { ...before.authConfig!, tokenExchange: { ...before.authConfig!.tokenExchange!, clientSecret: PLANTED_SECRETS[1]! } },
    });
    svc.registry.upsert(rotated);
    svc.registry.upsert({
      ...rotated,
      authConfig: { ...rotated.authConfig!, tokenExchange: { ...rotated.authConfig!.tokenExchange!, audience: 'other' } },
    });
    svc.registry.upsert(backend('fetch'));
    const { changes } = await recent();
    expect(changes.map((c) => c.summary)).toEqual([
      'fetch: auth token_exchange → unauthenticated',
      'fetch: auth settings changed',
      // The secret alone changed: nothing public did, so nothing is named.
      'fetch: updated',
    ]);
    for (const secret of PLANTED_SECRETS) expect(JSON.stringify(changes)).not.toContain(secret);
  });
});

describe('/api/v1/backends filter and health counts', () => {
  it('filters by a part of the name on the server and counts the whole registry by health', async () => {
    svc = await startTestService({
      initial: [
        backend('github'),
        backend('gitlab', { healthStatus: 'unhealthy' }),
        backend('notion'),
        backend('fetch', { healthStatus: 'unknown' }),
      ],
    });
    const body = (await (await fetch(`${svc.url}/api/v1/backends?q=GIT`)).json()) as {
      count: number;
      backends: { id: string }[];
      health: Record<string, number>;
    };
    expect(body.backends.map((b) => b.id)).toEqual(['github', 'gitlab']);
    expect(body.count).toBe(2);
    expect(body.health).toEqual({ healthy: 2, unhealthy: 1, unknown: 1 });
    const all = (await (await fetch(`${svc.url}/api/v1/backends`)).json()) as { count: number };
    expect(all.count).toBe(4);
    expect((await fetch(`${svc.url}/api/v1/backends?q=${'x'.repeat(300)}`)).status).toBe(400);
  });
});

describe('/api/v1/watcher', () => {
  it('serves the status event on demand', async () => {
    svc = await startTestService();
    svc.watcher.sync();
    expect(await (await fetch(`${svc.url}/api/v1/watcher`)).json()).toMatchObject({
      mode: 'dynamic',
      groupRef: 'engineering',
      namespace: 'team-a',
      warnings: [],
      watcher: { synced: true, state: 'running' },
    });
  });
});
