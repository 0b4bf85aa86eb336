import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MCPExternalAuthConfigResource, MCPServerEntryResource, MCPServerResource, SecretResource } from '@vmcp/api';
import type { Discoverer, TypedWorkload } from '@vmcp/discoverer';
import { createDynamicRegistry, type DynamicRegistry } from '@vmcp/registry';
import { FakeClock, flushAsync } from '@vmcp/core/testing';
import { eventually } from '@vmcp/vitest-config/poll';
import {
  type BackendWatcher,
  KubeHttpClient,
  resolveToolHiveVersions,
  ToolHiveKindNotServedError,
  type BackendWatcherOptions,
  type WatcherStatus,
} from '../src/index.ts';
import { cm } from './helpers/configmap-plan.ts';
import { configMapWatcher, serveListThenHoldWatch } from './helpers/configmap-watcher.ts';
import type { ServerResponse } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { ScriptedApi, event, listBody, statusBody } from './helpers/scripted-api.ts';

let api: ScriptedApi;
let registry: DynamicRegistry;
let watchers: BackendWatcher[];
let watchRes: ServerResponse | undefined;

beforeEach(async () => {
  api = await ScriptedApi.start();
  registry = createDynamicRegistry();
  watchers = [];
});
afterEach(async () => {
  await Promise.all(watchers.map((w) => w.stop()));
  await api.close();
});

function serve(items: unknown[]): void {
  serveListThenHoldWatch(api, items, '10', (res) => (watchRes = res));
}

function make(extra: Partial<BackendWatcherOptions> & { delayMs?: number } = {}): BackendWatcher {
  const w = configMapWatcher(api, registry, extra);
  watchers.push(w);
  return w;
}

describe('initial-reconcile barrier', () => {
  it('waitForCacheSync and hasSynced turn true only once every name of the initial pass was reconciled', async () => {
    // 40 servable, 10 without URL (excluded), 10 of another group; each reconcile takes 20 ms on 2 workers, so the
    // caches sync long before the registry is complete: without the barrier the check below sees a partial registry.
    const items = [
      ...Array.from({ length: 40 }, (_, i) => cm(`s${i}`, `${i + 1}`, 'g', `http://s${i}`)),
      ...Array.from({ length: 10 }, (_, i) => cm(`x${i}`, `${i + 100}`, 'g')),
      ...Array.from({ length: 10 }, (_, i) => cm(`o${i}`, `${i + 200}`, 'other', `http://o${i}`)),
    ];
    serve(items);
    const cacheSyncMs: number[] = [];
    const barrierMs: number[] = [];
    const w = make({
      delayMs: 20,
      workers: 2,
      metrics: { cacheSynced: (ms) => cacheSyncMs.push(ms), initialReconcile: (ms) => barrierMs.push(ms) },
    });
    void w.start();
    const seen: WatcherStatus[] = [];
    await eventually(
      () => {
        const s = w.status();
        if (s.cachesSynced && !s.synced) seen.push(s);
        return s.cachesSynced && !s.synced;
      },
      5000,
      'caches synced, barrier not yet passed',
    );
    expect(w.hasSynced()).toBe(false);
    // The pass holds every source object's name (the other group's too: each is checked once).
    expect(seen[0]!.initialReconcile).toMatchObject({ started: true, passed: false, total: 60 });
    expect(seen[0]!.initialReconcile.pending).toBeGreaterThan(0);
    expect(await w.waitForCacheSync()).toBe(true);
    // The very moment it is true: every servable backend is served.
    expect(registry.count()).toBe(40);
    const s = w.status();
    expect(s).toMatchObject({
      synced: true,
      cachesSynced: true,
      initialReconcile: { started: true, passed: true, total: 60, done: 60, pending: 0, pendingNames: [] },
    });
    expect(Object.keys(s.exclusions)).toHaveLength(20); // 10 without a URL, 10 of another group
    expect(cacheSyncMs).toHaveLength(1);
    expect(barrierMs).toHaveLength(1);
    // 50 names of the group take 20 ms each on 2 workers: at least 25 rounds.
    expect(barrierMs[0]).toBeGreaterThanOrEqual(20 * 25 * 0.9);
  });

  it('a reconcile that fails does not hold readiness: failed and queued for retry counts as done', async () => {
    serve([cm('good', '1', 'g', 'http://good'), cm('bad', '2', 'g', 'http://bad')]);
    let badAttempts = 0;
    const failing: Discoverer<'CM'> = {
      listWorkloadsInGroup: () => Promise.resolve([]),
      getWorkloadAsBackend: (wl: TypedWorkload<'CM'>) =>
        wl.name === 'bad'
          ? Promise.reject(new Error(`boom for bad (attempt ${++badAttempts})`))
          : Promise.resolve({
              id: wl.name,
              name: wl.name,
              baseUrl: 'http://good',
              transportType: 'sse',
              healthStatus: 'healthy',
              metadata: {},
            }),
    };
    const warnings: string[] = [];
    // The retry waits on the watcher's fake clock, so the test sees the state between the failure and its retry.
    const clock = new FakeClock();
    const w = make({ discoverer: failing, logger: { debug() {}, info() {}, warn: (m) => warnings.push(m), error() {} }, clock });
    void w.start();
    expect(await w.waitForCacheSync(AbortSignal.timeout(5000))).toBe(true);
    expect(registry.list().map((b) => b.id)).toEqual(['good']);
    expect(warnings.some((m) => /^reconcile of backend "bad" failed, retrying with backoff: .*boom for bad/.test(m))).toBe(true);
    expect(w.status().exclusions['bad']).toMatchObject({ code: 'conversion-error' });
    expect(w.status().initialReconcile).toMatchObject({ passed: true, total: 2, done: 2 });
    // Ready while the retry is still queued: the default rate limiter's first step (5 ms), then 10 ms.
    expect(badAttempts).toBe(1);
    expect(clock.nextTimerAt()! - clock.now()).toBe(5);
    await clock.advanceAsync(5);
    await eventually(() => badAttempts === 2, 3000, 'the retry of bad');
    await eventually(() => clock.nextTimerAt()! - clock.now() === 10, 3000, 'the second retry queued');
    expect(w.hasSynced()).toBe(true);
  });

  it('an empty namespace passes the barrier at once', async () => {
    serve([]);
    const w = make();
    void w.start();
    expect(await w.waitForCacheSync(undefined, 5000)).toBe(true);
    expect(w.status().initialReconcile).toMatchObject({ started: true, passed: true, total: 0 });
  });
});

describe('pushed status', () => {
  it('onStatusChange reports the lifecycle without polling, and each kind reports the age of its last event', async () => {
    serve([cm('a', '1', 'g', 'http://a')]);
    const w = make();
    const pushed: WatcherStatus[] = [];
    const off = w.onStatusChange((s) => pushed.push(s));
    void w.start();
    expect(await w.waitForCacheSync()).toBe(true);
    await eventually(() => pushed.some((s) => s.synced), 3000, 'ready pushed');
    expect(pushed.some((s) => s.state === 'starting' && !s.synced)).toBe(true);
    const ready = pushed.find((s) => s.synced)!;
    expect(ready.registry.backends).toBe(1);
    expect(ready.kinds[0]!.lastEventAgeMs).toBeGreaterThanOrEqual(0);
    // After the barrier, a new exclusion is pushed (the URL went away).
    await eventually(() => watchRes, 3000, 'watch open');
    watchRes!.write(event('MODIFIED', cm('a', '11', 'g')));
    await eventually(() => pushed.some((s) => s.exclusions['a']?.code !== undefined), 3000, 'exclusion pushed');
    off();
    const count = pushed.length;
    await w.stop();
    await sleep(20);
    expect(pushed.length).toBe(count);
  });

  it('a listener that throws does not break watching', async () => {
    serve([cm('a', '1', 'g', 'http://a')]);
    const w = make();
    w.onStatusChange(() => {
      throw new Error('listener bug');
    });
    void w.start();
    expect(await w.waitForCacheSync()).toBe(true);
    expect(registry.count()).toBe(1);
  });
});

describe('API discovery of toolhive.stacklok.dev', () => {
  function serveDiscovery(versions: Record<string, string[]>): void {
    api.script = (req, res) => {
      if (req.path === '/apis/toolhive.stacklok.dev') {
        if (Object.keys(versions).length === 0)
          return void res.writeHead(404).end(statusBody(404, 'NotFound', 'the server could not find the requested resource'));
        return void res.writeHead(200).end(
          JSON.stringify({
            kind: 'APIGroup',
            name: 'toolhive.stacklok.dev',
            versions: Object.keys(versions).map((v) => ({ groupVersion: `toolhive.stacklok.dev/${v}`, version: v })),
          }),
        );
      }
      const m = /^\/apis\/toolhive\.stacklok\.dev\/(v1\w+)$/.exec(req.path);
      if (m) {
        const plurals = versions[m[1]!] ?? [];
        return void res
          .writeHead(200)
          .end(JSON.stringify({ kind: 'APIResourceList', resources: plurals.flatMap((p) => [{ name: p }, { name: `${p}/status` }]) }));
      }
      res.writeHead(404).end(statusBody(404, 'NotFound', 'no'));
    };
  }
  const descriptors = [MCPServerResource, MCPServerEntryResource, MCPExternalAuthConfigResource, SecretResource];
  const client = (): KubeHttpClient => new KubeHttpClient(api.kubeConfig());

  it('picks v1beta1 where it is served, else v1alpha1, and leaves other groups alone', async () => {
    serveDiscovery({ v1alpha1: ['mcpservers', 'mcpexternalauthconfigs'], v1beta1: ['mcpservers'] });
    const found = await resolveToolHiveVersions(client(), descriptors);
    expect(found.servedVersions).toEqual(['v1alpha1', 'v1beta1']);
    expect(found.resources.get('MCPServer')?.version).toBe('v1beta1');
    expect(found.resources.get('MCPExternalAuthConfig')?.version).toBe('v1alpha1');
    expect(found.resources.get('Secret')).toBe(SecretResource);
    expect(found.missing).toEqual(['MCPServerEntry']);
  });

  it('a v1alpha1-only cluster (ToolHive v0.7.0) gets every kind at v1alpha1', async () => {
    serveDiscovery({ v1alpha1: ['mcpservers', 'mcpexternalauthconfigs', 'mcpserverentries'] });
    const found = await resolveToolHiveVersions(client(), descriptors);
    expect([...found.resources.values()].filter((d) => d.group !== '').map((d) => d.version)).toEqual(['v1alpha1', 'v1alpha1', 'v1alpha1']);
  });

  it('a missing required kind is fatal: the error names the kind and the served versions and points at ToolHive', async () => {
    serveDiscovery({ v1alpha1: ['mcpexternalauthconfigs'] });
    const w = make({
      plan: {
        kinds: [{ kind: 'MCPServer', resource: MCPServerResource, mapToBackends: () => [] }],
        sources: [{ kind: 'MCPServer', groupOf: () => '' }],
      },
    });
    const err = await w.start().then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(ToolHiveKindNotServedError);
    const message = (err as Error).message;
    expect(message).toContain('MCPServer is not served');
    expect(message).toContain('serves toolhive.stacklok.dev at v1alpha1');
    expect(message).toContain("ToolHive's operator");
    expect(message).not.toMatch(/packages\/api|crds\//);
    expect(w.status()).toMatchObject({ state: 'failed', servedToolHiveVersions: ['v1alpha1'] });
  });

  it('a cluster without the group at all says so', async () => {
    serveDiscovery({});
    const w = make({
      plan: {
        kinds: [{ kind: 'MCPServer', resource: MCPServerResource, mapToBackends: () => [] }],
        sources: [{ kind: 'MCPServer', groupOf: () => '' }],
      },
    });
    await expect(w.start()).rejects.toThrow(
      /MCPServer is not served: the cluster does not serve the API group toolhive\.stacklok\.dev at all; install ToolHive's operator/,
    );
  });

  it('retries discovery while the API server fails, reporting it, and a missing optional kind is tolerated', async () => {
    let failing = true;
    serveDiscovery({ v1alpha1: ['mcpservers'] });
    const discovery = api.script;
    api.script = (req, res, i) => {
      if (failing && req.path.startsWith('/apis/toolhive'))
        return void res.writeHead(503).end(statusBody(503, 'ServiceUnavailable', 'etcd down'));
      if (req.path.endsWith('/mcpservers')) {
        if (!req.watch) return void res.writeHead(200).end(listBody([], '1'));
        res.writeHead(200);
        return void res.flushHeaders();
      }
      discovery(req, res, i);
    };
    const plan = {
      kinds: [
        { kind: 'MCPServer', resource: MCPServerResource, mapToBackends: () => [] },
        { kind: 'MCPServerEntry', resource: MCPServerEntryResource, mapToBackends: () => [], required: false },
      ],
      sources: [{ kind: 'MCPServer', groupOf: () => '' }],
    };
    // The retry runs on the fake clock, whose random() is 0.5: the first delay is 500 ms lengthened by half.
    const clock = new FakeClock();
    const w = make({ plan, clock });
    void w.start();
    await eventually(() => w.status().discoveryError, 3000, 'discovery error reported');
    expect(w.status().discoveryError).toContain('503');
    expect(clock.nextTimerAt()).toBe(750); // core's Backoff: initialMs 500 · (1 + jitter 1 · random 0.5)
    expect(w.hasSynced()).toBe(false);
    failing = false;
    const ready = w.waitForCacheSync(undefined, 5000);
    clock.advance(749);
    await flushAsync();
    expect(api.requests.filter((r) => r.path === '/apis/toolhive.stacklok.dev')).toHaveLength(1); // not yet retried
    clock.advance(1);
    expect(await ready).toBe(true);
    const kinds = w.status().kinds;
    expect(kinds.find((k) => k.kind === 'MCPServer')).toMatchObject({ apiVersion: 'toolhive.stacklok.dev/v1alpha1', synced: true });
    expect(kinds.find((k) => k.kind === 'MCPServerEntry')).toMatchObject({ tolerated: true, synced: false });
    expect(api.requests.some((r) => r.path === '/apis/toolhive.stacklok.dev/v1alpha1/namespaces/ns/mcpservers')).toBe(true);
    expect(w.status().discoveryError).toBeUndefined();
  });
});
