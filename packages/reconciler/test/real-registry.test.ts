/**
 * The reconciler with the real `@vmcp/registry`, the real Kubernetes watch plan and the memory cache reader of
 * `@vmcp/discoverer`, and a small discoverer that serves any source object with a `status.url` (the Kubernetes
 * discoverer's own conversion is exercised in kubernetes-discoverer.test.ts).
 */
import type { KubeObject } from '@vmcp/api';
import { kubernetesWatchPlan, type Discoverer, type WorkloadType } from '@vmcp/discoverer';
import { createMemoryCacheReader } from '@vmcp/discoverer/testing';
import { BackendReconciler, namesToResync } from '@vmcp/reconciler';
import { createDynamicRegistry, type Backend, type RegistryEvent } from '@vmcp/registry';
import { describe, expect, it } from 'vitest';

type Group = { name: string } | string | undefined;

function source(kind: WorkloadType, name: string, groupRef: Group, url?: string): [WorkloadType, KubeObject] {
  return [
    kind,
    {
      apiVersion: 'toolhive.stacklok.dev/v1beta1',
      kind,
      metadata: { name, namespace: 'ns', resourceVersion: '1' },
      spec: groupRef === undefined ? {} : { groupRef },
      ...(url === undefined ? {} : { status: { url, phase: 'Running' } }),
    } as KubeObject,
  ];
}

function setup(seed: Backend[] = []) {
  const plan = kubernetesWatchPlan({ group: 'g' });
  const reader = createMemoryCacheReader(plan);
  const registry = createDynamicRegistry(seed);
  const events: RegistryEvent[] = [];
  registry.subscribe((e) => events.push(e));
  const discoverer: Discoverer = {
    listWorkloadsInGroup: () => Promise.resolve([]),
    getWorkloadAsBackend: ({ name, type }) => {
      const url = (reader.get(type, name) as { status?: { url?: string } } | undefined)?.status?.url;
      return Promise.resolve(
        url === undefined
          ? null
          : { id: name, name, baseUrl: url, transportType: 'streamable-http', healthStatus: 'healthy', metadata: { kind: type } },
      );
    },
  };
  const reconciler = new BackendReconciler({ namespace: 'ns', groupRef: 'ns/g', registry, discoverer, reader, plan });
  const put = (...[kind, object]: [WorkloadType, KubeObject]) => reader.set(kind, object);
  return { plan, reader, registry, events, reconciler, put };
}

describe('with the real registry and the Kubernetes watch plan', () => {
  it('an MCPServer in another group does not hide the MCPRemoteProxy of the same name in ours', async () => {
    const t = setup();
    t.put(...source('MCPServer', 'x', { name: 'other' }, 'http://server/mcp'));
    t.put(...source('MCPRemoteProxy', 'x', { name: 'g' }, 'http://proxy/mcp'));
    await t.reconciler.reconcile({ name: 'x' });
    expect(t.registry.get('x')).toMatchObject({ baseUrl: 'http://proxy/mcp', metadata: { kind: 'MCPRemoteProxy' } });
    expect(t.reconciler.conflicts()).toEqual([]);
  });

  it('MCPServer and MCPServerEntry both in our group: the server wins, the conflict is listed until the entry leaves', async () => {
    const t = setup();
    t.put(...source('MCPServer', 'x', { name: 'g' }, 'http://server/mcp'));
    t.put(...source('MCPServerEntry', 'x', 'g', 'http://entry/mcp')); // v1alpha1 string groupRef
    await t.reconciler.reconcile({ name: 'x' });
    expect(t.registry.get('x')?.baseUrl).toBe('http://server/mcp');
    expect(t.reconciler.conflicts()).toEqual([{ name: 'x', kinds: ['MCPServer', 'MCPServerEntry'] }]);
    expect(t.reconciler.exclusions().get('x')).toMatchObject({ kind: 'MCPServerEntry', reason: { code: 'name-conflict' } });

    t.put(...source('MCPServerEntry', 'x', { name: 'elsewhere' }, 'http://entry/mcp'));
    await t.reconciler.reconcile({ name: 'x' });
    expect(t.reconciler.conflicts()).toEqual([]);
    expect(t.reconciler.exclusions().size).toBe(0);
    expect(t.registry.version()).toBe(1); // the served backend never changed
  });

  it('moving into and out of the group upserts and removes, one version each', async () => {
    const t = setup();
    t.put(...source('MCPServer', 's', { name: 'other' }, 'http://s/mcp'));
    await t.reconciler.reconcile({ name: 's' });
    t.put(...source('MCPServer', 's', { name: 'g' }, 'http://s/mcp'));
    await t.reconciler.reconcile({ name: 's' });
    t.put(...source('MCPServer', 's', undefined, 'http://s/mcp'));
    const result = await t.reconciler.reconcile({ name: 's' });
    expect(result.reason?.message).toBe('MCPServer "s" has no groupRef (this watcher serves group "g")');
    expect(t.events.map((e) => [e.type, e.version])).toEqual([
      ['upsert', 1],
      ['remove', 2],
    ]);
  });

  it('repeated identical events (status writes, resyncs) do not bump the version or emit events', async () => {
    const t = setup();
    t.put(...source('MCPServer', 's', { name: 'g' }, 'http://s/mcp'));
    t.put(...source('MCPServer', 'o', { name: 'other' }, 'http://o/mcp'));
    for (let i = 0; i < 10; i++) {
      for (const name of namesToResync(t.reader, t.plan, t.registry, ['deleted-long-ago'])) {
        await t.reconciler.reconcile({ name });
      }
    }
    expect(t.registry.version()).toBe(1);
    expect(t.events).toHaveLength(1);
  });

  it('a stale seed entry is removed by the safety-net re-check', async () => {
    const stale: Backend = {
      id: 'seeded',
      name: 'seeded',
      baseUrl: 'http://old/mcp',
      transportType: 'sse',
      healthStatus: 'healthy',
      metadata: {},
    };
    const t = setup([stale]);
    expect(t.reconciler.namesToResync()).toEqual(['seeded']);
    for (const name of t.reconciler.namesToResync()) await t.reconciler.reconcile({ name });
    expect(t.registry.count()).toBe(0);
    expect(t.registry.version()).toBe(1);
  });

  it('an object without a URL is excluded (not an error), then served once its status has one', async () => {
    const t = setup();
    t.put(...source('MCPServer', 's', { name: 'g' }));
    expect(await t.reconciler.reconcile({ name: 's' })).toMatchObject({ action: 'remove', changed: false, reason: { code: 'excluded' } });
    expect(t.reconciler.counters()).toMatchObject({ excluded: 1 });
    t.put(...source('MCPServer', 's', { name: 'g' }, 'http://s/mcp'));
    expect(await t.reconciler.reconcile({ name: 's' })).toEqual({ action: 'upsert', changed: true });
    expect(t.reconciler.exclusions().size).toBe(0);
  });
});
