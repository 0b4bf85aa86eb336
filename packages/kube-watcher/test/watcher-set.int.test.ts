/**
 * WatcherSet against a real kube-apiserver + etcd (@vmcp/envtest): many namespaces × many groups equal one-group
 * watchers of each pair (the oracle, in the same test), in the namespace-list mode and in cluster mode; partial
 * access (a ServiceAccount with a Role in 2 of 3 namespaces); cluster mode following namespaces that appear later;
 * and the number of API-server watches of cluster mode counted on the wire.
 */
import { afterEach, expect, it } from 'vitest';
import type { KubeConfig } from '@kubernetes/client-node';
import { crdDirectory } from '@vmcp/api';
import { describeIntegration, useEnvtest } from '@vmcp/envtest/vitest';
import { createDynamicRegistry, type Backend } from '@vmcp/registry';
import { eventually } from '@vmcp/vitest-config/poll';
import { BackendWatcher, KubeHttpClient, WatcherSet, type ExchangeOptions, type WatcherSetOptions } from '../src/index.ts';
import { Kube, entrySpec, proxySpec, serverSpec } from './helpers/kube.ts';

/** Counts the watch requests it sends, by path: the API-server watches of whatever uses it. */
class CountingClient extends KubeHttpClient {
  readonly watchPaths: string[] = [];
  override exchange(opts: ExchangeOptions): Promise<void> {
    if (opts.query?.['watch'] === '1') this.watchPaths.push(opts.path);
    return super.exchange(opts);
  }
}

const byId = (backends: readonly Backend[]): Backend[] => [...backends].sort((a, b) => a.id.localeCompare(b.id));

describeIntegration('WatcherSet on a real API server', () => {
  const env = useEnvtest({ crds: [crdDirectory] });
  const stops: (() => Promise<void>)[] = [];
  afterEach(async () => {
    await Promise.all(stops.splice(0).map((stop) => stop()));
  });

  const fast = { reflector: { backoff: { initialMs: 100, maxMs: 500 } } } as const;

  function startSet(options: Omit<WatcherSetOptions, 'kubeConfig'> & { kubeConfig?: KubeConfig }): WatcherSet {
    const set = new WatcherSet({ kubeConfig: env.kubeConfig, ...fast, ...options });
    const done = set.start();
    stops.push(async () => {
      await set.stop();
      await done;
    });
    return set;
  }

  function startOracle(namespace: string, group: string): BackendWatcher {
    const watcher = new BackendWatcher({ kubeConfig: env.kubeConfig, namespace, groupRef: group, registry: createDynamicRegistry(), ...fast });
    const done = watcher.start();
    stops.push(async () => {
      await watcher.stop();
      await done;
    });
    return watcher;
  }

  /** Objects of every served shape, and some that are not served, in each group of `ns`; one MCPGroup per group. */
  async function populate(ns: string, groups: readonly string[]): Promise<void> {
    const kube = new Kube(env.kubeConfig, ns);
    for (const [i, g] of groups.entries()) {
      await kube.create('mcpgroups', 'MCPGroup', g, {});
      for (let j = 0; j < 2; j++) {
        await kube.create('mcpservers', 'MCPServer', `${g}-srv-${j}`, serverSpec(g), { url: `http://${ns}-${g}-${j}:8080`, phase: 'Ready' });
      }
      await kube.create('mcpservers', 'MCPServer', `${g}-no-url`, serverSpec(g)); // excluded: no status.url
      await kube.create('mcpremoteproxies', 'MCPRemoteProxy', `${g}-proxy`, proxySpec(g), { url: `http://${ns}-p${i}:8080`, phase: 'Ready' });
      await kube.create('mcpserverentries', 'MCPServerEntry', `${g}-entry`, entrySpec(g), { phase: 'Valid' });
    }
    await kube.create('mcpservers', 'MCPServer', 'elsewhere', serverSpec('not-served'), { url: 'http://elsewhere:8080', phase: 'Ready' });
  }

  /** Every (namespace, group) registry of `set` equals what a one-group watcher of that pair serves, and is not empty. */
  async function expectEqualsOracles(set: WatcherSet, namespaces: readonly string[], groups: readonly string[]): Promise<void> {
    const oracles = namespaces.flatMap((ns) => groups.map((g) => ({ ns, g, watcher: startOracle(ns, g) })));
    for (const { watcher } of oracles) expect(await watcher.waitForCacheSync(undefined, 60_000)).toBe(true);
    expect(
      set
        .groups()
        .filter((sg) => namespaces.includes(sg.namespace))
        .map((sg) => `${sg.namespace}/${sg.group}`),
    ).toEqual(namespaces.flatMap((ns) => groups.map((g) => `${ns}/${g}`)));
    for (const { ns, g, watcher } of oracles) {
      const served = set.group(ns, g);
      expect(served?.hasSynced(), `${ns}/${g} synced`).toBe(true);
      const expected = byId(watcher.registry.list());
      expect(expected.map((b) => b.id)).toEqual([`${g}-entry`, `${g}-proxy`, `${g}-srv-0`, `${g}-srv-1`]);
      expect(byId(served!.registry.list()), `${ns}/${g}`).toEqual(expected);
    }
  }

  it('scale: 5 namespaces × 4 groups from a namespace list equal 20 one-group watchers', async () => {
    const groups = ['g0', 'g1', 'g2', 'g3'];
    const namespaces: string[] = [];
    for (let i = 0; i < 5; i++) namespaces.push(await env.newNamespace('set'));
    for (const ns of namespaces) await populate(ns, groups);
    const client = new CountingClient(env.kubeConfig);
    const set = startSet({ namespaces, groups, client });
    expect(await set.waitForCacheSync(undefined, 60_000)).toBe(true);
    expect(set.status().namespaces.map((n) => [n.namespace, n.access])).toEqual([...namespaces].sort().map((ns) => [ns, 'ok']));
    // Every watch of a namespace list is a namespace's own.
    expect(client.watchPaths.every((p) => namespaces.some((ns) => p.includes(`/namespaces/${ns}/`)))).toBe(true);
    await expectEqualsOracles(set, [...namespaces].sort(), groups);
  }, 180_000);

  it('scale, cluster mode: one watch per kind (+ MCPGroups) serves 5 namespaces × 4 groups equal to 20 one-group watchers', async () => {
    const suffix = Math.random().toString(36).slice(2, 7);
    const groups = [0, 1, 2, 3].map((i) => `c${suffix}-${i}`);
    const namespaces: string[] = [];
    for (let i = 0; i < 5; i++) namespaces.push(await env.newNamespace('cset'));
    for (const ns of namespaces) await populate(ns, groups);
    const client = new CountingClient(env.kubeConfig);
    const set = startSet({ namespaces: 'all', groups, client });
    expect(await set.waitForCacheSync(undefined, 60_000)).toBe(true);
    // Only namespaces with an MCPGroup of a served group are served: exactly ours.
    await eventually(() => set.status().namespaces.length === 5 && set.groups().every((g) => g.hasSynced()), 30_000, 'all served');
    expect(set.status().namespaces.map((n) => n.namespace)).toEqual([...namespaces].sort());
    await expectEqualsOracles(set, [...namespaces].sort(), groups);
    // The API server saw one watch per kind across the cluster, whatever the number of namespaces.
    const kinds = set.status().namespaces[0]!.watcher.kinds.length;
    const paths = new Set(client.watchPaths);
    expect(paths.size).toBe(kinds + 1);
    expect([...paths].some((p) => p.includes('/namespaces/'))).toBe(false);
    expect([...paths].some((p) => p.endsWith('/mcpgroups'))).toBe(true);
    expect(set.status().clusterWatches?.map((w) => w.resource).sort()).toHaveLength(kinds + 1);
  }, 180_000);
});
