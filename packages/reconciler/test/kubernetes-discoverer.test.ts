/**
 * The reconciler with every real part below it: the Kubernetes watch plan, the memory cache reader (standing in for
 * the informers), the memory direct reader (Secrets and CA ConfigMaps, read at conversion time), the Kubernetes
 * discoverer and the dynamic registry. Dependency changes go through the plan's `mapToBackends`, as in the watcher.
 */
import type { KubeObject } from '@vmcp/api';
import { createKubernetesDiscoverer, kubernetesWatchPlan } from '@vmcp/discoverer';
import { createMemoryCacheReader, createMemoryDirectReader, secretData } from '@vmcp/discoverer/testing';
import { BackendReconciler, type Result } from '@vmcp/reconciler';
import { createDynamicRegistry } from '@vmcp/registry';
import { describe, expect, it } from 'vitest';

const NS = 'team-ns';
const GROUP = 'team-a';
const SECRET_VALUE = 'planted-SECRET-value-4711';
const PEM = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n';

type Json = Record<string, unknown>;
function object(kind: string, name: string, spec: Json, status?: Json, rv = '1'): KubeObject {
  return {
    apiVersion: kind === 'ConfigMap' || kind === 'Secret' ? 'v1' : 'toolhive.stacklok.dev/v1beta1',
    kind,
    metadata: { name, namespace: NS, uid: `uid-${kind}-${name}`, resourceVersion: rv },
    spec,
    ...(status === undefined ? {} : { status }),
  } as KubeObject;
}
const server = (
  name: string,
  group: string,
  spec: Json = {},
  status: Json | undefined = { url: `http://${name}.svc:8080/mcp`, phase: 'Running' },
  rv = '1',
) => object('MCPServer', name, { groupRef: { name: group }, ...spec }, status, rv);
const proxy = (name: string, group: string) =>
  object(
    'MCPRemoteProxy',
    name,
    { groupRef: { name: group }, remoteUrl: 'https://remote.example.com/mcp', transport: 'streamable-http' },
    { url: `http://${name}-proxy.svc:8080/mcp`, phase: 'Ready' },
  );
const entry = (name: string, group: string, spec: Json = {}, phase = 'Valid') =>
  object(
    'MCPServerEntry',
    name,
    { groupRef: { name: group }, remoteUrl: 'https://mcp.example.com/mcp', transport: 'streamable-http', ...spec },
    { phase },
  );
const metadataOnly = (kind: 'Secret' | 'ConfigMap', name: string) =>
  ({ apiVersion: 'v1', kind, metadata: { name, namespace: NS, resourceVersion: '1' } }) as KubeObject;

function setup() {
  const plan = kubernetesWatchPlan({ group: GROUP });
  const cache = createMemoryCacheReader(plan);
  const direct = createMemoryDirectReader();
  const discoverer = createKubernetesDiscoverer({ namespace: NS, reader: cache, direct });
  const registry = createDynamicRegistry();
  const outcomes: unknown[] = [];
  const reconciler = new BackendReconciler({
    namespace: NS,
    groupRef: GROUP,
    registry,
    discoverer,
    reader: cache,
    plan,
    onResult: (_request, outcome) => outcomes.push(outcome),
  });
  /** Stores an object in the cache and returns the backend names the watcher would enqueue for it. */
  const put = (o: KubeObject): readonly string[] => {
    const kind = o.kind!;
    const stored = cache.set(kind, o);
    return plan.kinds.find((k) => k.kind === kind)!.mapToBackends(stored, cache);
  };
  const reconcileAll = async (names: readonly string[]): Promise<Result[]> => {
    const results: Result[] = [];
    for (const name of names) results.push(await reconciler.reconcile({ name }));
    return results;
  };
  return { plan, cache, direct, discoverer, registry, reconciler, outcomes, put, reconcileAll };
}

function assertNoSecret(value: unknown): void {
  const text = JSON.stringify(value, (_k, v: unknown) =>
    v instanceof Error ? { message: v.message, cause: v.cause } : v instanceof Map ? [...v] : v,
  );
  expect(text).not.toContain(SECRET_VALUE);
  expect(text).not.toContain(Buffer.from(SECRET_VALUE).toString('base64'));
}

describe("upstream's workload scenarios with the real Kubernetes discoverer", () => {
  it('MCPServer in group with a URL → upserted under its name; its status URL is the base URL', async () => {
    const t = setup();
    await t.reconcileAll(t.put(server('s', GROUP)));
    expect(t.registry.get('s')).toMatchObject({ id: 's', baseUrl: 'http://s.svc:8080/mcp' });
    expect(t.registry.version()).toBe(1);
  });

  it('MCPServer in another group → not served, and reported out-of-group (its event enqueues its name)', async () => {
    const t = setup();
    expect(t.put(server('s', 'other'))).toEqual(['s']);
    expect(await t.reconciler.reconcile({ name: 's' })).toMatchObject({ action: 'remove', reason: { code: 'out-of-group' } });
    expect(t.reconciler.exclusions().get('s')).toMatchObject({ kind: 'MCPServer', reason: { code: 'out-of-group' } });
    expect(t.registry.count()).toBe(0);
  });

  it('MCPServer without status.url → excluded with reason no-url, not an error', async () => {
    const t = setup();
    const [result] = await t.reconcileAll(t.put(server('s', GROUP, {}, { phase: 'Pending' })));
    expect(result).toMatchObject({ action: 'remove', changed: false, reason: { code: 'no-url' } });
    expect(t.reconciler.exclusions().get('s')).toMatchObject({ kind: 'MCPServer', reason: { code: 'no-url' } });
  });

  it('MCPServerEntry Valid → served with type entry; not Valid → removed with entry-not-valid', async () => {
    const t = setup();
    await t.reconcileAll(t.put(entry('e', GROUP)));
    expect(t.registry.get('e')).toMatchObject({ type: 'entry', baseUrl: 'https://mcp.example.com/mcp', transportType: 'streamable-http' });
    const [result] = await t.reconcileAll(t.put(entry('e', GROUP, {}, 'Pending')));
    expect(result).toMatchObject({ action: 'remove', changed: true, reason: { code: 'entry-not-valid' } });
  });

  it('deleted → removed, and no longer listed as excluded', async () => {
    const t = setup();
    await t.reconcileAll(t.put(server('s', GROUP)));
    t.cache.delete('MCPServer', 's');
    expect(await t.reconciler.reconcile({ name: 's' })).toMatchObject({ action: 'remove', changed: true, reason: { code: 'not-found' } });
    expect(t.reconciler.exclusions().size).toBe(0);
  });
});

describe('cross-kind collisions with the real discoverer', () => {
  it('MCPServer x in another group does not hide MCPRemoteProxy x in ours', async () => {
    const t = setup();
    t.put(server('x', 'other'));
    await t.reconcileAll(t.put(proxy('x', GROUP)));
    expect(t.registry.get('x')?.baseUrl).toBe('http://x-proxy.svc:8080/mcp');
  });

  it('MCPServer x and MCPRemoteProxy x both in ours → the server is served, the conflict reported until the server leaves', async () => {
    const t = setup();
    t.put(proxy('x', GROUP));
    await t.reconcileAll(t.put(server('x', GROUP)));
    expect(t.registry.get('x')?.baseUrl).toBe('http://x.svc:8080/mcp');
    expect(t.reconciler.conflicts()).toEqual([{ name: 'x', kinds: ['MCPServer', 'MCPRemoteProxy'] }]);
    // The server moves away: the old object mapped to x, so the watcher enqueues x (old ∪ new).
    t.put(server('x', 'other'));
    await t.reconciler.reconcile({ name: 'x' });
    expect(t.registry.get('x')?.baseUrl).toBe('http://x-proxy.svc:8080/mcp');
    expect(t.reconciler.conflicts()).toEqual([]);
    expect(t.registry.version()).toBe(2);
  });
});

describe('repeated events', () => {
  it('status writes and resyncs that do not change the backend do not bump the version', async () => {
    const t = setup();
    await t.reconcileAll(t.put(server('s', GROUP)));
    for (let rv = 2; rv < 7; rv++) {
      const status = {
        url: 'http://s.svc:8080/mcp',
        phase: 'Running',
        conditions: [{ type: 'Ready', status: 'True', lastTransitionTime: `2026-01-0${rv}T00:00:00Z` }],
      };
      const results = await t.reconcileAll(t.put(server('s', GROUP, {}, status, String(rv))));
      expect(results).toEqual([{ action: 'upsert', changed: false }]);
    }
    expect(t.registry.version()).toBe(1);
  });
});

describe('a dependency appearing later', () => {
  it('CA ConfigMap: the entry is excluded until the ConfigMap exists, then its event brings the entry in', async () => {
    const t = setup();
    const caRef = { caBundleRef: { configMapRef: { name: 'ca', key: 'ca.crt' } } };
    const [first] = await t.reconcileAll(t.put(entry('e', GROUP, caRef)));
    expect(first).toMatchObject({ action: 'remove', changed: false, reason: { code: 'ca-bundle-unreadable' } });
    expect(first?.reason?.message).toContain('ca');
    expect(t.reconciler.exclusions().get('e')).toMatchObject({ kind: 'MCPServerEntry', reason: { code: 'ca-bundle-unreadable' } });

    t.direct.setConfigMap({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'ca', namespace: NS }, data: { 'ca.crt': PEM } });
    const enqueued = t.put(metadataOnly('ConfigMap', 'ca'));
    expect(enqueued).toEqual(['e']);
    expect(await t.reconcileAll(enqueued)).toEqual([{ action: 'upsert', changed: true }]);
    expect(t.registry.get('e')?.caBundleData).toBe(PEM);
    expect(t.reconciler.exclusions().size).toBe(0);
  });

  it('auth config, then its Secret: excluded with auth-unresolved at each step, served once both exist, no secret leaked', async () => {
    const t = setup();
    const [first] = await t.reconcileAll(t.put(server('s', GROUP, { externalAuthConfigRef: { name: 'hi' } })));
    expect(first).toMatchObject({ action: 'remove', reason: { code: 'auth-unresolved' } });

    // The auth config appears, its Secret does not exist yet.
    const authEvent = t.put(
      object('MCPExternalAuthConfig', 'hi', {
        type: 'headerInjection',
        headerInjection: { headerName: 'X-API-Key', valueSecretRef: { name: 'hs', key: 'v' } },
      }),
    );
    expect(authEvent).toEqual(['s']);
    const [second] = await t.reconcileAll(authEvent);
    expect(second).toMatchObject({ action: 'remove', changed: false, reason: { code: 'auth-unresolved' } });
    expect(second?.reason?.message).toContain('hs');

    // The Secret appears: its metadata-only event maps through the auth config to the backend.
    t.direct.setSecret({
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 'hs', namespace: NS },
      data: secretData({ v: SECRET_VALUE }),
    });
    const secretEvent = t.put(metadataOnly('Secret', 'hs'));
    expect(secretEvent).toEqual(['s']);
    expect(await t.reconcileAll(secretEvent)).toEqual([{ action: 'upsert', changed: true }]);
    expect(t.registry.get('s')?.authConfig).toEqual({
      type: 'header_injection',
      headerInjection: { headerName: 'X-API-Key', headerValue: SECRET_VALUE },
    });

    // Rotation: a new value is an effective change; the same value again is not.
    t.direct.setSecret({
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 'hs', namespace: NS },
      data: secretData({ v: `${SECRET_VALUE}-2` }),
    });
    expect(await t.reconcileAll(t.put(metadataOnly('Secret', 'hs')))).toEqual([{ action: 'upsert', changed: true }]);
    expect(await t.reconcileAll(t.put(metadataOnly('Secret', 'hs')))).toEqual([{ action: 'upsert', changed: false }]);
    expect(t.registry.version()).toBe(2);

    // The Secret is deleted: excluded again, and nothing the reconciler reports carries the value.
    t.direct.deleteSecret(NS, 'hs');
    expect(await t.reconcileAll(['s'])).toMatchObject([{ action: 'remove', changed: true, reason: { code: 'auth-unresolved' } }]);
    assertNoSecret(t.outcomes);
    assertNoSecret(t.reconciler.exclusions());
  });

  it('a stop during conversion (Secret read aborted) leaves the served backend in place', async () => {
    const t = setup();
    t.put(
      object('MCPExternalAuthConfig', 'hi', {
        type: 'headerInjection',
        headerInjection: { headerName: 'X-API-Key', valueSecretRef: { name: 'hs', key: 'v' } },
      }),
    );
    t.direct.setSecret({
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 'hs', namespace: NS },
      data: secretData({ v: SECRET_VALUE }),
    });
    await t.reconcileAll(t.put(server('s', GROUP, { externalAuthConfigRef: { name: 'hi' } })));
    expect(t.registry.count()).toBe(1);

    const controller = new AbortController();
    const getSecret = t.direct.getSecret.bind(t.direct);
    t.direct.getSecret = (ns, name, signal) => {
      controller.abort(new Error('watcher stopping'));
      return getSecret(ns, name, signal);
    };
    await expect(t.reconciler.reconcile({ name: 's' }, controller.signal)).rejects.toThrow('watcher stopping');
    expect(t.registry.count()).toBe(1);
    expect(t.registry.version()).toBe(1);
  });
});
