import { describe, expect, it } from 'vitest';
import { createMemoryCacheReader } from '@vmcp/discoverer/testing';
import { BackendReconciler } from '@vmcp/reconciler';
import { createDynamicRegistry } from '@vmcp/registry';
import { SERVICE, createServiceDiscoverer, serviceWatchPlan, transformService } from '../src/index.ts';

function svc(name: string, annotations: Record<string, string>, ports: { name?: string; port: number }[] = [{ name: 'mcp', port: 8080 }]) {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name, namespace: 'ns', resourceVersion: '1', annotations: { 'unrelated/x': 'y', ...annotations }, managedFields: [{}] },
    spec: { ports, selector: { app: name }, clusterIP: '10.0.0.1' },
  };
}

function setup() {
  const plan = serviceWatchPlan({ group: 'g' });
  const reader = createMemoryCacheReader(plan);
  const registry = createDynamicRegistry();
  const discoverer = createServiceDiscoverer({ namespace: 'ns', reader });
  // The reconciler from @vmcp/reconciler, unchanged: only the plan and the discoverer differ.
  const reconciler = new BackendReconciler({ namespace: 'ns', groupRef: 'g', registry, discoverer, reader, plan });
  return { plan, reader, registry, discoverer, reconciler };
}

describe('Service discoverer', () => {
  it('trims Services to what it reads', () => {
    const t = transformService(svc('a', { 'vmcp.dev/group': 'g' }));
    expect(t).toEqual({
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'a', namespace: 'ns', resourceVersion: '1', annotations: { 'vmcp.dev/group': 'g' } },
      spec: { ports: [{ name: 'mcp', port: 8080 }] },
    });
  });

  it('maps events to the Service name only when it is in the group', () => {
    const { plan, reader } = setup();
    const kind = plan.kinds[0]!;
    expect(kind.mapToBackends(svc('a', { 'vmcp.dev/group': 'g' }) as never, reader)).toEqual(['a']);
    expect(kind.mapToBackends(svc('b', { 'vmcp.dev/group': 'other' }) as never, reader)).toEqual([]);
    expect(kind.mapToBackends(svc('c', {}) as never, reader)).toEqual([]);
  });

  it('through the unchanged reconciler: URL from annotation or cluster DNS, transport, group moves, deletes', async () => {
    const { reader, registry, reconciler, discoverer } = setup();
    reader.set(
      SERVICE,
      svc('dns', { 'vmcp.dev/group': 'g' }, [
        { name: 'http', port: 80 },
        { name: 'mcp', port: 9000 },
      ]),
    );
    reader.set(
      SERVICE,
      svc('annotated', { 'vmcp.dev/group': 'g', 'vmcp.dev/url': 'https://mcp.example.com/x', 'vmcp.dev/transport': 'sse' }),
    );
    reader.set(
      SERVICE,
      svc('named-port', { 'vmcp.dev/group': 'g', 'vmcp.dev/port': 'http', 'vmcp.dev/path': 'rpc' }, [{ name: 'http', port: 81 }]),
    );
    reader.set(SERVICE, svc('other', { 'vmcp.dev/group': 'other' }));
    reader.set(SERVICE, svc('noport', { 'vmcp.dev/group': 'g' }, []));
    reader.set(SERVICE, svc('badtransport', { 'vmcp.dev/group': 'g', 'vmcp.dev/transport': 'stdio' }));
    for (const n of ['dns', 'annotated', 'named-port', 'other', 'noport', 'badtransport']) await reconciler.reconcile({ name: n });
    const served = registry.list().map((b) => [b.id, b.baseUrl, b.transportType]);
    expect(served.sort((x, y) => x[0]!.localeCompare(y[0]!))).toEqual([
      ['annotated', 'https://mcp.example.com/x', 'sse'],
      ['dns', 'http://dns.ns.svc.cluster.local:9000/mcp', 'streamable-http'],
      ['named-port', 'http://named-port.ns.svc.cluster.local:81/rpc', 'streamable-http'],
    ]);
    expect((await discoverer.listWorkloadsInGroup('g')).map((w) => w.name).sort()).toEqual([
      'annotated',
      'badtransport',
      'dns',
      'named-port',
      'noport',
    ]);
    expect(reconciler.exclusions().get('noport')?.reason.code).toBe('no-url');
    expect(reconciler.exclusions().get('badtransport')?.reason.code).toBe('malformed');

    reader.set(SERVICE, svc('dns', { 'vmcp.dev/group': 'other' }));
    await reconciler.reconcile({ name: 'dns' });
    expect(registry.get('dns')).toBeUndefined();
    reader.delete(SERVICE, 'annotated');
    await reconciler.reconcile({ name: 'annotated' });
    expect(registry.get('annotated')).toBeUndefined();
    expect(registry.list().map((b) => b.id)).toEqual(['named-port']);
  });
});
