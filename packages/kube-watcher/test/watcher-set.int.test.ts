/**
 * WatcherSet against a real kube-apiserver + etcd (@vmcp/envtest): many namespaces × many groups equal one-group
 * watchers of each pair (the oracle, in the same test), in the namespace-list mode and in cluster mode; partial
 * access (a ServiceAccount with a Role in 2 of 3 namespaces); cluster mode following namespaces that appear later;
 * and the number of API-server watches of cluster mode counted on the wire.
 */
import { afterEach, expect, it } from 'vitest';
import type { KubeConfig } from '@kubernetes/client-node';
import { MCPGroupResource, RoleBindingResource, RoleResource, ServiceAccountResource, crdDirectory } from '@vmcp/api';
import { describeIntegration, useEnvtest } from '@vmcp/envtest/vitest';
import { createDynamicRegistry, type Backend } from '@vmcp/registry';
import { eventually } from '@vmcp/vitest-config/poll';
import { BackendWatcher, KubeHttpClient, WatcherSet, type ExchangeOptions, type WatcherSetOptions } from '../src/index.ts';
import { createObject, deleteObject } from '../src/testing/index.ts';
import { Kube, entrySpec, proxySpec, serverSpec } from './helpers/kube.ts';
import { serviceAccountKubeConfig } from './helpers/token-kubeconfig.ts';

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
    const watcher = new BackendWatcher({
      kubeConfig: env.kubeConfig,
      namespace,
      groupRef: group,
      registry: createDynamicRegistry(),
      ...fast,
    });
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
        await kube.create('mcpservers', 'MCPServer', `${g}-srv-${j}`, serverSpec(g), {
          url: `http://${ns}-${g}-${j}:8080`,
          phase: 'Ready',
        });
      }
      await kube.create('mcpservers', 'MCPServer', `${g}-no-url`, serverSpec(g)); // excluded: no status.url
      await kube.create('mcpremoteproxies', 'MCPRemoteProxy', `${g}-proxy`, proxySpec(g), {
        url: `http://${ns}-p${i}:8080`,
        phase: 'Ready',
      });
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
    // Every watch of a namespace list is a namespace's own: one per kind per namespace.
    // The four groups of a namespace share its caches: no watch is repeated.
    const kinds = set.status().namespaces[0]!.watcher.kinds.length;
    expect(client.watchPaths.length).toBe(namespaces.length * kinds);
    expect(new Set(client.watchPaths).size).toBe(namespaces.length * kinds);
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
    const watchesAtReady = client.watchPaths.length;
    // Only namespaces with an MCPGroup of a served group are served: exactly ours.
    await eventually(() => set.status().namespaces.length === 5 && set.groups().every((g) => g.hasSynced()), 30_000, 'all served');
    expect(set.status().namespaces.map((n) => n.namespace)).toEqual([...namespaces].sort());
    await expectEqualsOracles(set, [...namespaces].sort(), groups);
    // The API server saw one watch per kind across the cluster, whatever the number of namespaces.
    const kinds = set.status().namespaces[0]!.watcher.kinds.length;
    const paths = new Set(client.watchPaths);
    expect(paths.size).toBe(kinds + 1);
    expect(watchesAtReady).toBe(kinds + 1);
    expect([...paths].some((p) => p.includes('/namespaces/'))).toBe(false);
    expect([...paths].some((p) => p.endsWith('/mcpgroups'))).toBe(true);
    expect(
      set
        .status()
        .clusterWatches?.map((w) => w.resource)
        .sort(),
    ).toHaveLength(kinds + 1);
  }, 180_000);

  /** What a namespace-scoped install grants in each namespace: read the ToolHive kinds, Secrets and ConfigMaps. */
  async function grantRead(ns: string, serviceAccount: { namespace: string; name: string }): Promise<void> {
    const admin = new KubeHttpClient(env.kubeConfig);
    await createObject(admin, RoleResource, ns, {
      metadata: { name: 'vmcp-read' },
      rules: [
        {
          apiGroups: ['toolhive.stacklok.dev'],
          resources: ['mcpservers', 'mcpremoteproxies', 'mcpserverentries', 'mcpexternalauthconfigs', 'mcpgroups'],
          verbs: ['get', 'list', 'watch'],
        },
        { apiGroups: [''], resources: ['secrets', 'configmaps'], verbs: ['get', 'list', 'watch'] },
      ],
    });
    await createObject(admin, RoleBindingResource, ns, {
      metadata: { name: 'vmcp-read' },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'vmcp-read' },
      subjects: [{ kind: 'ServiceAccount', ...serviceAccount }],
    });
  }

  it('partial access: a Role in 2 of 3 namespaces serves those 2, reports the third forbidden by name, and is ready; granting it serves it', async () => {
    const [a, b, c] = [await env.newNamespace('pa'), await env.newNamespace('pb'), await env.newNamespace('pc')] as [
      string,
      string,
      string,
    ];
    for (const ns of [a, b, c]) {
      await new Kube(env.kubeConfig, ns).create('mcpservers', 'MCPServer', `srv-${ns}`, serverSpec('eng'), {
        url: `http://${ns}:8080`,
        phase: 'Ready',
      });
    }
    const serviceAccount = { namespace: a, name: 'vmcp' };
    await createObject(new KubeHttpClient(env.kubeConfig), ServiceAccountResource, a, { metadata: { name: 'vmcp' } });
    await grantRead(a, serviceAccount);
    await grantRead(b, serviceAccount);
    const kubeConfig = await serviceAccountKubeConfig(env.kubeConfig, a, 'vmcp');

    const synced: string[] = [];
    const metrics = (ns: string) => ({ cacheSynced: () => synced.push(ns) });
    const set = startSet({ kubeConfig, namespaces: [a, b, c], groups: ['eng'], metrics });
    expect(await set.waitForCacheSync(undefined, 30_000)).toBe(true);
    expect(set.hasSynced()).toBe(true);
    const byNs = (ns: string) => set.status().namespaces.find((n) => n.namespace === ns)!;
    expect([byNs(a).access, byNs(b).access]).toEqual(['ok', 'ok']);
    const forbidden = await eventually(() => (byNs(c).access === 'forbidden' ? byNs(c) : undefined), 10_000, 'c reported');
    expect(forbidden.message).toMatch(new RegExp(`^watch [a-z]+(\\.toolhive\\.stacklok\\.dev)? in namespace "${c}": 403 Forbidden`));
    for (const ns of [a, b]) {
      expect(set.group(ns, 'eng')?.hasSynced()).toBe(true);
      expect(set.group(ns, 'eng')?.registry.get(`srv-${ns}`)?.baseUrl).toBe(`http://${ns}:8080`);
    }
    expect(set.group(c, 'eng')?.hasSynced()).toBe(false);
    expect(set.group(c, 'eng')?.registry.count()).toBe(0);
    expect(set.status().groups.find((g) => g.namespace === c)?.synced).toBe(false);
    expect(synced.sort()).toEqual([a, b].sort()); // each namespace's metrics are its own

    // Positive control: the same Role in the third namespace serves it, without a restart.
    await grantRead(c, serviceAccount);
    await eventually(() => set.group(c, 'eng')?.hasSynced(), 30_000, 'c synced after the grant');
    expect(byNs(c).access).toBe('ok');
    expect(set.group(c, 'eng')?.registry.get(`srv-${c}`)?.baseUrl).toBe(`http://${c}:8080`);
  }, 120_000);

  it('cluster mode: a namespace whose MCPGroup appears later is served from the objects already cached, with no new watch', async () => {
    const group = `late-${Math.random().toString(36).slice(2, 7)}`;
    const first = await env.newNamespace('cfirst');
    await populate(first, [group]);
    const client = new CountingClient(env.kubeConfig);
    const set = startSet({ namespaces: 'all', groups: [group], client });
    expect(await set.waitForCacheSync(undefined, 60_000)).toBe(true);
    expect(set.groups().map((g) => g.namespace)).toEqual([first]);
    const watchesAtReady = new Set(client.watchPaths).size;
    const pushed: string[][] = [];
    const off = set.onGroupsChange((groups) => pushed.push(groups.map((g) => `${g.namespace}/${g.group}`)));
    let statusPushes = 0;
    const offStatus = set.onStatusChange(() => statusPushes++);

    // The workloads exist (and are cached cluster-wide) before their namespace has the MCPGroup.
    const later = await env.newNamespace('clater');
    const kube = new Kube(env.kubeConfig, later);
    await kube.create('mcpservers', 'MCPServer', 'early', serverSpec(group), { url: 'http://early:8080', phase: 'Ready' });
    await eventually(() => (set.status().clusterWatches?.find((w) => w.kind === 'MCPServer')?.namespaces ?? 0) >= 2, 10_000, 'cached');
    expect(set.group(later, group)).toBeUndefined();
    await kube.create('mcpgroups', 'MCPGroup', group, {});
    await eventually(() => set.group(later, group)?.hasSynced(), 30_000, 'later namespace served');
    expect(set.group(later, group)!.registry.get('early')?.baseUrl).toBe('http://early:8080');
    await kube.create('mcpservers', 'MCPServer', 'after', serverSpec(group), { url: 'http://after:8080', phase: 'Ready' });
    await eventually(() => set.group(later, group)!.registry.get('after'), 10_000, 'live events reach it');
    expect(new Set(client.watchPaths).size).toBe(watchesAtReady);
    expect(pushed[0]).toEqual([`${first}/${group}`, `${later}/${group}`].sort());
    expect(statusPushes).toBeGreaterThan(0);
    off();
    offStatus();

    // Its MCPGroup deleted: no longer served; created again: served again, from the cache it kept.
    await deleteObject(new KubeHttpClient(env.kubeConfig), MCPGroupResource, later, group);
    await eventually(() => set.group(later, group) === undefined, 10_000, 'unserved');
    await kube.create('mcpgroups', 'MCPGroup', group, {});
    await eventually(() => set.group(later, group)?.hasSynced(), 30_000, 'served again');
    expect(byId(set.group(later, group)!.registry.list()).map((b) => b.id)).toEqual(['after', 'early']);
    expect(set.group(first, group)!.registry.count()).toBe(4);
  }, 120_000);

  it("cluster mode with groups: 'all': every namespace with an MCPGroup is served, each group in its registry, on one MCPGroup watch", async () => {
    const ns = await env.newNamespace('call');
    const suffix = Math.random().toString(36).slice(2, 7);
    const groups = [`a-${suffix}`, `b-${suffix}`];
    await populate(ns, groups);
    const client = new CountingClient(env.kubeConfig);
    const set = startSet({ namespaces: 'all', groups: 'all', client });
    expect(await set.waitForCacheSync(undefined, 60_000)).toBe(true);
    await eventually(() => groups.every((g) => set.group(ns, g)?.hasSynced()), 30_000, 'both groups served');
    for (const g of groups) {
      expect(byId(set.group(ns, g)!.registry.list()).map((b) => b.id)).toEqual([`${g}-entry`, `${g}-proxy`, `${g}-srv-0`, `${g}-srv-1`]);
    }
    // A third MCPGroup in the namespace: a third registry, from the same caches.
    const third = `c-${suffix}`;
    const kube = new Kube(env.kubeConfig, ns);
    await kube.create('mcpservers', 'MCPServer', 'third-srv', serverSpec(third), { url: 'http://third:8080', phase: 'Ready' });
    await kube.create('mcpgroups', 'MCPGroup', third, {});
    await eventually(() => set.group(ns, third)?.registry.get('third-srv'), 30_000, 'third group served');
    // The watchers' own MCPGroup kind is fed by the set's one MCPGroup watch: watches = the watchers' kinds.
    const kinds = set
      .status()
      .namespaces.find((n) => n.namespace === ns)!
      .watcher.kinds.map((k) => k.kind);
    expect(kinds).toContain('MCPGroup');
    expect(new Set(client.watchPaths).size).toBe(kinds.length);
    expect(client.watchPaths.some((p) => p.includes('/namespaces/'))).toBe(false);
  }, 120_000);
});
