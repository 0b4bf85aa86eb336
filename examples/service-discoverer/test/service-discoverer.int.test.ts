/**
 * The Service discoverer inside the unchanged BackendWatcher, against a real kube-apiserver: the watcher, informers,
 * work queue and reconciler are reused as they are; only the plan and the discoverer differ.
 */
import { afterEach, expect, it } from 'vitest';
import { CoreV1Api, type V1Service } from '@kubernetes/client-node';
import { describeIntegration, useEnvtest } from '@vmcp/envtest/vitest';
import { BackendWatcher } from '@vmcp/kube-watcher';
import { createDynamicRegistry, type DynamicRegistry } from '@vmcp/registry';
import { eventually } from '@vmcp/vitest-config/poll';
import { createServiceDiscoverer, serviceWatchPlan } from '../src/index.ts';

function service(name: string, annotations: Record<string, string>, port = 8080): V1Service {
  return { metadata: { name, annotations }, spec: { ports: [{ name: 'mcp', port }], selector: { app: name } } };
}

describeIntegration('Service discoverer on a real API server', () => {
  const env = useEnvtest();
  const stops: (() => Promise<void>)[] = [];
  afterEach(async () => {
    await Promise.all(stops.splice(0).map((s) => s()));
  });

  it('serves annotated Services of the group, follows changes and deletes', async () => {
    const namespace = await env.newNamespace('svc');
    const core = env.kubeConfig.makeApiClient(CoreV1Api);
    await core.createNamespacedService({ namespace, body: service('alpha', { 'vmcp.dev/group': 'tools' }) });
    await core.createNamespacedService({ namespace, body: service('beta', { 'vmcp.dev/group': 'other' }) });
    await core.createNamespacedService({
      namespace,
      body: service('gamma', { 'vmcp.dev/group': 'tools', 'vmcp.dev/url': 'https://gamma.example.com/sse', 'vmcp.dev/transport': 'sse' }),
    });

    const registry: DynamicRegistry = createDynamicRegistry();
    const plan = serviceWatchPlan({ group: 'tools' });
    // A discoverer factory: the discoverer reads through the watcher's own informer caches.
    const watcher = new BackendWatcher({
      kubeConfig: env.kubeConfig,
      namespace,
      groupRef: 'tools',
      registry,
      plan,
      discoverer: ({ reader }) => createServiceDiscoverer({ namespace, reader }),
    });
    const done = watcher.start();
    stops.push(async () => {
      await watcher.stop();
      await done;
    });

    expect(await watcher.waitForCacheSync()).toBe(true);
    await eventually(() => registry.count() === 2, 20_000, 'alpha and gamma');
    expect(registry.get('alpha')).toMatchObject({
      baseUrl: `http://alpha.${namespace}.svc.cluster.local:8080/mcp`,
      transportType: 'streamable-http',
    });
    expect(registry.get('gamma')).toMatchObject({ baseUrl: 'https://gamma.example.com/sse', transportType: 'sse' });
    expect(registry.get('beta')).toBeUndefined();

    // beta joins the group, alpha leaves it, gamma is deleted.
    await core.patchNamespacedService({
      namespace,
      name: 'beta',
      body: [{ op: 'replace', path: '/metadata/annotations/vmcp.dev~1group', value: 'tools' }],
    });
    await core.patchNamespacedService({
      namespace,
      name: 'alpha',
      body: [{ op: 'replace', path: '/metadata/annotations/vmcp.dev~1group', value: 'other' }],
    });
    await core.deleteNamespacedService({ namespace, name: 'gamma' });
    await eventually(() => registry.count() === 1 && registry.get('beta') !== undefined, 20_000, 'only beta');
    expect(registry.list().map((b) => b.id)).toEqual(['beta']);
  }, 60_000);
});
