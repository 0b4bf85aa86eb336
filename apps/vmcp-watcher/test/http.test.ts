import { afterEach, describe, expect, it } from 'vitest';
import { createDynamicRegistry } from '@vmcp/registry';
import { createService, ListenerError } from '../src/app.ts';
import type { BackendListResponse, StatusResponse } from '../src/index.ts';
import { createLogger } from '../src/observe/logger.ts';
import { backend, kindStatus, PACKAGE_VERSION, secretBackend, startTestService, watcherStatus, type TestService } from './helpers.ts';

let svc: TestService | undefined;
afterEach(async () => {
  await svc?.close();
  svc = undefined;
});

describe('HTTP API', () => {
  it('serves upstream /status shape from the registry', async () => {
    svc = await startTestService({
      initial: [secretBackend('fetch'), backend('flaky', { healthStatus: 'unhealthy', transportType: 'sse' })],
    });
    const res = await fetch(`${svc.url}/status`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/json');
    const body = await res.json();
    expect(body).toEqual({
      backends: [
        { name: 'fetch', health: 'healthy', transport: 'streamable-http', auth_type: 'token_exchange' },
        { name: 'flaky', health: 'unhealthy', transport: 'sse', auth_type: 'unauthenticated' },
      ],
      healthy: true,
      version: PACKAGE_VERSION,
      group_ref: 'engineering',
      registry_version: 0,
      synced: false,
      namespace: 'team-a',
      warnings: [],
    });
    svc.registry.remove('fetch');
    const after = (await (await fetch(`${svc.url}/status`)).json()) as StatusResponse;
    expect(after.healthy).toBe(false);
    expect(after.registry_version).toBe(1);
  });

  it('lists backends as public JSON, with exclusions, conflicts and watches from the watcher', async () => {
    svc = await startTestService({ initial: [secretBackend('b'), backend('a')] });
    svc.watcher.statusState = watcherStatus({
      kinds: [kindStatus('MCPServer', { resourceVersion: '42' })],
      exclusions: {
        'pending-server': { kind: 'MCPServer', code: 'no-url', message: 'no status.url yet', since: '2026-01-01T00:00:00.000Z' },
      },
      conflicts: [{ name: 'dup', kinds: ['MCPServer', 'MCPRemoteProxy'] }],
    });
    svc.watcher.sync();
    const body = (await (await fetch(`${svc.url}/api/v1/backends`)).json()) as BackendListResponse;
    expect(body).toMatchObject({ namespace: 'team-a', groupRef: 'engineering', version: 0, synced: true, count: 2 });
    expect(body.backends.map((b) => b.id)).toEqual(['a', 'b']);
    expect(body.backends[1]!.authConfig).toEqual({
      type: 'token_exchange',
      tokenExchange: { tokenUrl: 'https://idp.example.com/token', clientId: 'vmcp', audience: 'backend' },
      redacted: ['tokenExchange.clientSecret'],
    });
    expect(body.excluded).toEqual([
      { name: 'pending-server', kind: 'MCPServer', code: 'no-url', message: 'no status.url yet', since: '2026-01-01T00:00:00.000Z' },
    ]);
    expect(body.conflicts).toEqual([{ name: 'dup', kinds: ['MCPServer', 'MCPRemoteProxy'] }]);
    expect(body.watches[0]).toMatchObject({ kind: 'MCPServer', connected: true });
  });

  it('serves one backend by id, 404 JSON for unknown ids, with the reason for excluded ones', async () => {
    svc = await startTestService({ initial: [backend('github')] });
    svc.watcher.statusState = watcherStatus({
      exclusions: { 'pending-server': { code: 'no-url', message: 'no status.url yet', since: '2026-01-01T00:00:00.000Z' } },
    });
    const ok = await fetch(`${svc.url}/api/v1/backends/github`);
    expect(ok.status).toBe(200);
    expect(await ok.json()).toMatchObject({ version: 0, backend: { id: 'github', baseUrl: 'http://mcp-github-proxy:8080' } });
    const missing = await fetch(`${svc.url}/api/v1/backends/nope`);
    expect(missing.status).toBe(404);
    expect(missing.headers.get('content-type')).toBe('application/json');
    expect(await missing.json()).toEqual({ error: 'not_found', id: 'nope' });
    const excluded = await (await fetch(`${svc.url}/api/v1/backends/pending-server`)).json();
    expect(excluded).toMatchObject({ error: 'not_found', id: 'pending-server', excluded: { name: 'pending-server', code: 'no-url' } });
    // An id that is a key of every object's prototype is no exclusion.
    expect(await (await fetch(`${svc.url}/api/v1/backends/constructor`)).json()).toEqual({ error: 'not_found', id: 'constructor' });
    expect((await fetch(`${svc.url}/api/v1/backends/%E0%A4%A`)).status).toBe(400);
  });

  it('answers liveness and readiness through @vmcp/readiness', async () => {
    svc = await startTestService({ readinessTimeoutMs: 100 });
    for (const path of ['/health', '/healthz', '/ping']) {
      const res = await fetch(`${svc.url}${path}`);
      expect(res.status).toBe(200);
      expect(await res.text()).toBe('{"status":"ok"}');
    }
    const pending = await fetch(`${svc.url}/readyz`);
    expect(pending.status).toBe(503);
    expect(await pending.json()).toEqual({ status: 'not_ready', mode: 'dynamic', reason: 'cache_sync_pending' });
    svc.watcher.sync();
    expect(await (await fetch(`${svc.url}/readyz`)).json()).toEqual({ status: 'ready', mode: 'dynamic' });
    // The probe port answers the same probes (and /livez), and nothing of the API.
    for (const path of ['/healthz', '/livez']) expect(await (await fetch(`${svc.probesUrl}${path}`)).text()).toBe('{"status":"ok"}');
    expect(await (await fetch(`${svc.probesUrl}/readyz`)).json()).toEqual({ status: 'ready', mode: 'dynamic' });
    expect((await fetch(`${svc.probesUrl}/api/v1/backends`)).status).toBe(404);
    expect((await fetch(`${svc.probesUrl}/`)).status).toBe(404);
    svc.watcher.fail(new Error('lost'));
    expect((await fetch(`${svc.url}/healthz`)).status).toBe(503);
    expect((await fetch(`${svc.url}/readyz`)).status).toBe(503);
    expect((await fetch(`${svc.probesUrl}/livez`)).status).toBe(503);
    expect(await (await fetch(`${svc.probesUrl}/readyz`)).json()).toEqual({
      status: 'not_ready',
      mode: 'dynamic',
      reason: 'watcher_failed',
    });
    expect(svc.logs.some((l) => l.includes('watcher stopped on a fatal error'))).toBe(true);
  });

  it('is in static mode without a watcher', async () => {
    svc = await startTestService({ staticMode: true });
    expect(await (await fetch(`${svc.url}/readyz`)).json()).toEqual({ status: 'ready', mode: 'static' });
    expect(((await (await fetch(`${svc.url}/status`)).json()) as StatusResponse).synced).toBe(true);
  });

  it('refuses other methods with 405 and unknown paths with 404 JSON', async () => {
    svc = await startTestService();
    const post = await fetch(`${svc.url}/api/v1/backends`, { method: 'POST', body: '{}' });
    expect(post.status).toBe(405);
    expect(post.headers.get('allow')).toBe('GET, HEAD');
    const unknown = await fetch(`${svc.url}/api/v2/whatever`);
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toEqual({ error: 'not_found', path: '/api/v2/whatever' });
    const head = await fetch(`${svc.url}/status`, { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(await head.text()).toBe('');
  });

  it('serves a self-contained status page with a strict CSP', async () => {
    svc = await startTestService();
    const res = await fetch(`${svc.url}/`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
    const csp = res.headers.get('content-security-policy') ?? '';
    const html = await res.text();
    const nonce = /script-src 'nonce-([^']+)'/.exec(csp)?.[1];
    expect(nonce).toBeDefined();
    expect(html).toContain(`<script type="module" nonce="${nonce}">`);
    expect(csp).toContain("default-src 'none'");
    expect(html).not.toMatch(/<(script|link|img)[^>]+(src|href)="(?!data:)/);
    expect(html).toContain('api/v1/events');
    expect(html).toContain('<strong id="group">engineering</strong>');
    const again = await fetch(`${svc.url}/`);
    expect(again.headers.get('content-security-policy')).not.toBe(csp);
  });

  it('logs each registry change as one JSON line', async () => {
    svc = await startTestService();
    svc.registry.upsert(backend('x'));
    svc.registry.remove('x');
    const changes = svc.logs.map((l) => JSON.parse(l) as Record<string, unknown>).filter((l) => l['msg'] === 'registry changed');
    expect(changes).toEqual([
      expect.objectContaining({ level: 'info', change: 'added', backend: 'x', version: 1 }),
      expect.objectContaining({ level: 'info', change: 'removed', backend: 'x', version: 2 }),
    ]);
    for (const line of svc.logs) expect(typeof (JSON.parse(line) as { time: unknown }).time).toBe('string');
  });

  it('names the listener whose port cannot be bound', async () => {
    svc = await startTestService();
    const taken = Number(new URL(svc.url).port);
    const other = createService({
      registry: createDynamicRegistry(),
      namespace: 'team-a',
      groupRef: 'engineering',
      logger: createLogger({ level: 'error', write: () => undefined }),
      defaultMetrics: false,
    });
    try {
      const error = await other.listen({ api: { host: '127.0.0.1', port: 0 }, probes: { host: '127.0.0.1', port: taken } }).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(ListenerError);
      expect(error).toMatchObject({ listener: 'probes', code: 'EADDRINUSE' });
    } finally {
      await other.shutdown();
    }
  });
});
