/**
 * One BackendWatcher serving many groups of a namespace, against a real kube-apiserver + etcd (@vmcp/envtest): moves
 * between groups under churn, MCPGroups appearing and going under `groups: 'all'`, `maxGroups`, and two groups of one
 * watcher against two one-group watchers of the same namespace (the oracle).
 */
import { afterEach, expect, it } from 'vitest';
import { PatchStrategy, setHeaderOptions } from '@kubernetes/client-node';
import { crdDirectory } from '@vmcp/api';
import { describeIntegration, useEnvtest } from '@vmcp/envtest/vitest';
import { createDynamicRegistry, type DynamicRegistry } from '@vmcp/registry';
import { eventually } from '@vmcp/vitest-config/poll';
import { BackendWatcher, type BackendWatcherOptions, type Logger, type ServedGroup } from '../src/index.ts';
import { Kube, proxySpec, serverSpec } from './helpers/kube.ts';

const ready = (name: string) => ({ url: `http://${name}:8080`, phase: 'Ready' });

describeIntegration('BackendWatcher serving many groups on a real API server', () => {
  const env = useEnvtest({ crds: [crdDirectory] });
  let running: { watcher: BackendWatcher; done: Promise<void> }[] = [];
  const warnings: string[] = [];
  const logger: Logger = { debug: () => {}, info: () => {}, warn: (m) => warnings.push(m), error: (m) => warnings.push(m) };

  afterEach(async () => {
    await Promise.all(running.map(async (r) => (await r.watcher.stop(), await r.done)));
    running = [];
    warnings.length = 0;
  });

  function start(ns: string, options: Partial<BackendWatcherOptions>): BackendWatcher {
    const watcher = new BackendWatcher({
      kubeConfig: env.kubeConfig,
      namespace: ns,
      logger,
      reflector: { backoff: { initialMs: 100, maxMs: 1000 } },
      ...options,
    });
    running.push({ watcher, done: watcher.start() });
    return watcher;
  }

  const ids = (registry: DynamicRegistry): string[] =>
    registry
      .list()
      .map((b) => b.id)
      .sort();

  const sorted = (registry: DynamicRegistry) => registry.list().toSorted((x, y) => (x.id < y.id ? -1 : 1));

  it('moves between groups under churn: never served by both registries, and each registry ends equal to the objects', async () => {
    const ns = await env.newNamespace('groups');
    const kube = new Kube(env.kubeConfig, ns);
    const names = Array.from({ length: 30 }, (_, i) => `w${i}`);
    for (const [i, name] of names.entries()) await kube.create('mcpservers', 'MCPServer', name, serverSpec(i % 2 ? 'b' : 'a'), ready(name));

    const watcher = start(ns, { groups: ['a', 'b'] });
    expect(await watcher.waitForCacheSync()).toBe(true);
    const a = watcher.servedGroup('a')!.registry;
    const b = watcher.servedGroup('b')!.registry;
    expect(ids(a)).toEqual(names.filter((_, i) => i % 2 === 0).sort());

    // Every change of either registry: the id it touched must not be in the other one at that moment.
    const inBoth: string[] = [];
    const entered = { a: 0, b: 0 };
    const watch = (self: DynamicRegistry, other: DynamicRegistry, key: 'a' | 'b') =>
      self.subscribe((event) => {
        const id = event.type === 'remove' ? event.id : event.backend.id;
        if (self.get(id) !== undefined && other.get(id) !== undefined) inBoth.push(`${key}:${id}`);
        if (event.type === 'upsert' && event.previous === undefined) entered[key] += 1;
      });
    const stops = [watch(a, b, 'a'), watch(b, a, 'b')];

    // Churn: rounds of concurrent flips of random workloads, some flipped twice in a row.
    const groupOf = new Map(names.map((n, i) => [n, i % 2 ? 'b' : 'a']));
    let seed = 7;
    const random = () => (seed = (seed * 48271) % 2147483647) / 2147483647;
    for (let round = 0; round < 8; round++) {
      const picked = names.filter(() => random() < 0.4);
      await Promise.all(
        picked.map(async (name) => {
          const to = groupOf.get(name) === 'a' ? 'b' : 'a';
          groupOf.set(name, to);
          await kube.patchSpec('mcpservers', name, { groupRef: { name: to } });
        }),
      );
    }
    const expected = (group: string) => names.filter((n) => groupOf.get(n) === group).sort();
    await eventually(
      () => JSON.stringify(ids(a)) === JSON.stringify(expected('a')) && JSON.stringify(ids(b)) === JSON.stringify(expected('b')),
      20_000,
      'each registry equal to the groups of the objects',
    );
    for (const stop of stops) stop();
    // What the API server holds agrees with our bookkeeping of the flips.
    const objects = (await kube.list('mcpservers')) as unknown as { metadata: { name: string }; spec: { groupRef: { name: string } } }[];
    for (const o of objects) expect(o.spec.groupRef.name, o.metadata.name).toBe(groupOf.get(o.metadata.name));
    expect(inBoth).toEqual([]);
    // Positive control: moves did happen in both directions while we watched.
    expect(entered.a).toBeGreaterThan(0);
    expect(entered.b).toBeGreaterThan(0);
    expect(watcher.status().kinds.find((k) => k.kind === 'MCPServer')?.objects).toBe(names.length);
  });

  it("groups: 'all' — an MCPGroup created later gets its registry, filled; deleted, the registry is emptied and gone", async () => {
    const ns = await env.newNamespace('groups');
    const kube = new Kube(env.kubeConfig, ns);
    await kube.create('mcpgroups', 'MCPGroup', 'stay', {});
    await kube.create('mcpservers', 'MCPServer', 's1', serverSpec('stay'), ready('s1'));
    for (const name of ['x1', 'x2', 'x3']) await kube.create('mcpservers', 'MCPServer', name, serverSpec('late'), ready(name));
    await kube.create('mcpremoteproxies', 'MCPRemoteProxy', 'x4', proxySpec('late'), ready('x4'));

    const changes: string[][] = [];
    const watcher = start(ns, { groups: 'all' });
    watcher.onGroupsChange((groups) => changes.push(groups.map((g) => g.group)));
    expect(await watcher.waitForCacheSync()).toBe(true);
    expect(watcher.groups().map((g) => g.group)).toEqual(['stay']);
    expect(ids(watcher.servedGroup('stay')!.registry)).toEqual(['s1']);
    // Not served yet: its objects are in no served group.
    expect(watcher.status().exclusions['x1']?.code).toBe('out-of-group');
    expect(watcher.status().servedGroups).toEqual(['stay']);

    await kube.create('mcpgroups', 'MCPGroup', 'late', {});
    const late = await eventually(() => watcher.servedGroup('late'), 10_000, 'group late served');
    await eventually(() => late.hasSynced(), 10_000, 'group late synced');
    expect(ids(late.registry)).toEqual(['x1', 'x2', 'x3', 'x4']);
    expect(late.status()).toMatchObject({ group: 'late', synced: true, registry: { backends: 4 } });
    expect(watcher.status().exclusions['x1']).toBeUndefined();
    expect(changes.at(-1)).toEqual(['late', 'stay']);

    const removed: string[] = [];
    late.registry.subscribe((event) => event.type === 'remove' && removed.push(event.id));
    const version = late.registry.version();
    await kube.delete('mcpgroups', 'late');
    await eventually(() => watcher.servedGroup('late') === undefined, 10_000, 'group late dropped');
    expect(late.registry.count()).toBe(0);
    expect(removed.sort()).toEqual(['x1', 'x2', 'x3', 'x4']);
    expect(late.registry.version()).toBe(version + 4);
    expect(changes.at(-1)).toEqual(['stay']);
    await eventually(() => watcher.status().exclusions['x1']?.code === 'out-of-group', 10_000, 'x1 out-of-group again');
    // Positive control: the other group is still served, and still follows its objects.
    await kube.create('mcpservers', 'MCPServer', 's2', serverSpec('stay'), ready('s2'));
    await eventually(() => watcher.servedGroup('stay')!.registry.get('s2'), 10_000, 's2 served in stay');
    expect(watcher.hasSynced()).toBe(true);
  });

  it("groups: 'all' serves at most maxGroups; the rest are reported and logged once, and served when a place frees", async () => {
    const ns = await env.newNamespace('groups');
    const kube = new Kube(env.kubeConfig, ns);
    for (const g of ['g1', 'g2', 'g3']) {
      await kube.create('mcpgroups', 'MCPGroup', g, {});
      await kube.create('mcpservers', 'MCPServer', `s-${g}`, serverSpec(g), ready(`s-${g}`));
    }
    const watcher = start(ns, { groups: 'all', maxGroups: 2 });
    expect(await watcher.waitForCacheSync()).toBe(true);
    expect(watcher.groups()).toHaveLength(2);
    const over = watcher.status().groupsOverLimit ?? [];
    expect(over).toHaveLength(1);
    expect(warnings.filter((w) => w.includes(`MCPGroup "${over[0]}" is not served`))).toHaveLength(1);
    // A relabel of the waiting MCPGroup does not log again.
    await kube.co.patchNamespacedCustomObject(
      {
        group: 'toolhive.stacklok.dev',
        version: 'v1beta1',
        namespace: ns,
        plural: 'mcpgroups',
        name: over[0]!,
        body: { metadata: { labels: { x: 'y' } } },
      },
      setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
    );
    const served = watcher.groups().map((g: ServedGroup) => g.group);
    await kube.delete('mcpgroups', served[0]!);
    const promoted = await eventually(() => watcher.servedGroup(over[0]!), 10_000, 'the waiting group served');
    await eventually(() => promoted.registry.get(`s-${over[0]!}`), 10_000, 'its server served');
    expect(watcher.status().groupsOverLimit).toEqual([]);
    expect(warnings.filter((w) => w.includes('is not served'))).toHaveLength(1);
  });

  it('two groups served by one watcher equal two one-group watchers of the same namespace (the oracle)', async () => {
    const ns = await env.newNamespace('groups');
    const kube = new Kube(env.kubeConfig, ns);
    await kube.create('mcpservers', 'MCPServer', 'a1', serverSpec('a'), ready('a1'));
    await kube.create('mcpservers', 'MCPServer', 'b1', serverSpec('b'), ready('b1'));
    await kube.create('mcpservers', 'MCPServer', 'no-url', serverSpec('a'));
    await kube.create('mcpservers', 'MCPServer', 'other', serverSpec('c'), ready('other'));
    // One name, two kinds, two groups: each group serves its own.
    await kube.create('mcpservers', 'MCPServer', 'twin', serverSpec('a'), ready('twin'));
    await kube.create('mcpremoteproxies', 'MCPRemoteProxy', 'twin', proxySpec('b'), ready('twin-proxy'));
    // A conflict inside b.
    await kube.create('mcpservers', 'MCPServer', 'clash', serverSpec('b'), ready('clash'));
    await kube.create('mcpremoteproxies', 'MCPRemoteProxy', 'clash', proxySpec('b'), ready('clash-proxy'));

    const many = start(ns, { groups: ['a', 'b'] });
    const one = { a: createDynamicRegistry(), b: createDynamicRegistry() };
    const single = { a: start(ns, { groupRef: 'a', registry: one.a }), b: start(ns, { groupRef: 'b', registry: one.b }) };
    for (const w of [many, single.a, single.b]) expect(await w.waitForCacheSync()).toBe(true);

    const same = (): boolean =>
      (['a', 'b'] as const).every(
        (g) =>
          JSON.stringify(sorted(many.servedGroup(g)!.registry)) === JSON.stringify(sorted(one[g])) &&
          JSON.stringify(many.servedGroup(g)!.status().conflicts) === JSON.stringify(single[g].status().conflicts),
      );
    expect(same()).toBe(true);
    expect(ids(one.a)).toEqual(['a1', 'twin']);
    expect(ids(one.b)).toEqual(['b1', 'clash', 'twin']);
    expect(many.servedGroup('b')!.registry.get('twin')?.baseUrl).toContain('twin-proxy');
    // Exclusions agree, except that a name the other served group has objects of (served or excluded there for a
    // reason of its own) is no exclusion of this one.
    for (const g of ['a', 'b'] as const) {
      const mine = many.servedGroup(g)!.status().exclusions;
      const theirs = single[g].status().exclusions;
      const o = g === 'a' ? 'b' : 'a';
      const inOther = (n: string) =>
        one[o].get(n) !== undefined || (single[o].status().exclusions[n]?.code ?? 'out-of-group') !== 'out-of-group';
      const expectedNames = Object.keys(theirs).filter((n) => !(theirs[n]!.code === 'out-of-group' && inOther(n)));
      expect(expectedNames.length, 'the rule removes some names, not all').toBeLessThan(Object.keys(theirs).length);
      expect(Object.keys(mine).sort(), g).toEqual(expectedNames.sort());
      for (const n of Object.keys(mine)) expect(mine[n]!.code, `${g}/${n}`).toBe(theirs[n]!.code);
    }

    // Changes: a move, a deletion, a URL appearing; the three registries follow alike.
    await kube.patchSpec('mcpservers', 'a1', { groupRef: { name: 'b' } });
    await kube.delete('mcpremoteproxies', 'clash');
    await kube.setStatus('mcpservers', 'no-url', ready('no-url'));
    await eventually(() => one.b.get('a1') && one.a.get('no-url') && !one.a.get('a1'), 10_000, 'one-group watchers follow');
    await eventually(same, 10_000, 'the many-groups watcher equal to the one-group watchers');
    expect(ids(many.servedGroup('a')!.registry)).toEqual(['no-url', 'twin']);
  });
});
