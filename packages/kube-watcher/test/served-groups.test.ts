/**
 * The many-groups parts of the watcher without a server: the option rules, and the served-group set (MCPGroups
 * followed level-based, `maxGroups`, a late group's own barrier, the group index) over a memory cache.
 */
import { describe, expect, it } from 'vitest';
import { KubeConfig } from '@kubernetes/client-node';
import type { KubeObject } from '@vmcp/api';
import { FakeClock } from '@vmcp/core/testing';
import { kubernetesWatchPlan, type Discoverer } from '@vmcp/discoverer';
import { createMemoryCacheReader } from '@vmcp/discoverer/testing';
import { GroupsReconciler } from '@vmcp/reconciler';
import { createDynamicRegistry } from '@vmcp/registry';
import { BackendWatcher, type ServedGroup } from '../src/index.ts';
import { InitialReconcileBarrier } from '../src/watcher/initial-reconcile.ts';
import { ServedGroupSet } from '../src/watcher/served-group-set.ts';

describe('BackendWatcher many-groups options', () => {
  const kubeConfig = new KubeConfig();
  kubeConfig.loadFromOptions({
    clusters: [{ name: 'c', server: 'https://127.0.0.1:1', skipTLSVerify: true }],
    users: [{ name: 'u', token: 't' }],
    contexts: [{ name: 'x', cluster: 'c', user: 'u' }],
    currentContext: 'x',
  });
  const base = { kubeConfig, namespace: 'ns' };

  it('takes either one group or many, never both or neither', () => {
    const registry = createDynamicRegistry();
    expect(() => new BackendWatcher({ ...base, groupRef: 'g', registry, groups: ['a'] })).toThrow(
      'give either groupRef and registry (one group) or groups (many groups), not both',
    );
    expect(() => new BackendWatcher({ ...base, registry, maxGroups: 3 })).toThrow('not both');
    expect(() => new BackendWatcher({ ...base })).toThrow('groupRef cannot be empty');
  });

  it('checks the group list and the limit', () => {
    expect(() => new BackendWatcher({ ...base, groups: [] })).toThrow("groups must be 'all' or a non-empty list of MCPGroup names");
    expect(() => new BackendWatcher({ ...base, groups: ['a', 'ns/a'] })).toThrow('groups lists group "a" twice');
    expect(() => new BackendWatcher({ ...base, groups: ['other/a'] })).toThrow('names namespace "other"');
    expect(() => new BackendWatcher({ ...base, groups: ['a', 'b', 'c'], maxGroups: 2 })).toThrow(
      'groups lists 3 groups, more than maxGroups (2)',
    );
    expect(() => new BackendWatcher({ ...base, groups: 'all', maxGroups: 0 })).toThrow('maxGroups must be a positive integer (got 0)');
  });

  it('gives each listed group a registry (registryFor, else a fresh one) before start; one registry means one group', () => {
    const made: string[] = [];
    const w = new BackendWatcher({
      ...base,
      groups: ['b', 'a'],
      registryFor: (g) => (made.push(g), createDynamicRegistry()),
    });
    expect(made).toEqual(['b', 'a']);
    expect(w.groups().map((g) => g.group)).toEqual(['a', 'b']);
    expect(w.servedGroup('a')?.hasSynced()).toBe(false);
    expect(w.groupRef).toBe('b,a');
    expect(w.group).toBe('');
    expect(() => w.registry).toThrow('this watcher serves many groups: use servedGroup(name).registry or groups()');
    expect(w.status()).toMatchObject({ servedGroups: ['a', 'b'], groupsOverLimit: [], group: '' });
    expect(w.servedGroup('a')!.status()).toMatchObject({ group: 'a', groupRef: 'a', synced: false, registry: { backends: 0 } });

    const registry = createDynamicRegistry();
    const one = new BackendWatcher({ ...base, groupRef: 'g', registry });
    expect(one.groups().map((g) => [g.group, g.registry === registry])).toEqual([['g', true]]);
    expect(one.servedGroup('g')!.status()).toEqual(one.status());
    expect(one.status().servedGroups).toBeUndefined();
  });
});

/** A served-group set over a memory cache and a real GroupsReconciler, as the watcher wires them. */
function setup(maxGroups: number) {
  const clock = new FakeClock();
  const warnings: string[] = [];
  const queued: string[] = [];
  const changes: string[][] = [];
  let pushes = 0;
  let groupSynced = 0;
  const namespaceBarrier = new InitialReconcileBarrier(clock, () => {});
  const late: { reconciler?: GroupsReconciler<string> } = {};
  const set = new ServedGroupSet({
    namespace: 'ns',
    clock,
    logger: { debug: () => {}, info: () => {}, warn: (m) => warnings.push(m), error: () => {} },
    maxGroups,
    registryFor: undefined,
    namespaceBarrier: () => namespaceBarrier,
    reconciler: () => late.reconciler!,
    enqueue: (names) => queued.push(...names),
    statusOf: () => {
      throw new Error('not used');
    },
    onChange: () => (pushes += 1),
    onGroupSynced: () => (groupSynced += 1),
  });
  const base = kubernetesWatchPlan({ servedGroup: (g) => set.group(g) !== undefined, indexByGroup: true });
  const plan = { kinds: [...base.kinds, set.watchedKind()], sources: base.sources };
  const cache = createMemoryCacheReader(plan);
  const scans: string[] = [];
  const reader = { ...cache, list: <T extends KubeObject>(kind: string) => (scans.push(kind), cache.list<T>(kind)) };
  set.attach(plan, reader);
  const discoverer: Discoverer<string> = {
    listWorkloadsInGroup: () => Promise.resolve([]),
    getWorkloadAsBackend: ({ name }) =>
      Promise.resolve({
        id: name,
        name,
        baseUrl: `http://${name}`,
        transportType: 'streamable-http',
        healthStatus: 'healthy',
        metadata: {},
      }),
  };
  const reconciler = new GroupsReconciler({ namespace: 'ns', discoverer, reader, plan });
  late.reconciler = reconciler;
  set.onGroupsChange((groups: readonly ServedGroup[]) => changes.push(groups.map((g) => g.group)));
  const mcpGroup = (name: string) => {
    cache.set('MCPGroup', { metadata: { name, namespace: 'ns' } });
    set.follow(name);
  };
  const dropGroup = (name: string) => {
    cache.delete('MCPGroup', name);
    set.follow(name);
  };
  const server = (name: string, group: string) =>
    cache.set('MCPServer', { metadata: { name, namespace: 'ns' }, spec: { groupRef: { name: group } } } as KubeObject);
  /** Runs every queued reconcile, as the workers would. */
  const drain = async () => {
    while (queued.length > 0) {
      const name = queued.shift()!;
      await reconciler.reconcile({ name });
      set.reconciled(name);
    }
  };
  return {
    set,
    cache,
    reconciler,
    warnings,
    queued,
    changes,
    scans,
    mcpGroup,
    dropGroup,
    server,
    drain,
    namespaceBarrier,
    pushes: () => pushes,
    groupSynced: () => groupSynced,
  };
}

describe('ServedGroupSet', () => {
  it('serves at most maxGroups, reports and logs the rest once, and serves a waiting group when a place frees', () => {
    const t = setup(2);
    for (const g of ['g1', 'g2', 'g3']) t.mcpGroup(g);
    expect(t.set.groups().map((g) => g.group)).toEqual(['g1', 'g2']);
    expect(t.set.overLimit()).toEqual(['g3']);
    t.set.follow('g3'); // an update of the waiting MCPGroup
    expect(t.warnings).toEqual(['MCPGroup "g3" is not served: 2 groups (maxGroups) are served already']);
    t.dropGroup('g1');
    expect(t.set.groups().map((g) => g.group)).toEqual(['g2', 'g3']);
    expect(t.set.overLimit()).toEqual([]);
    expect(t.changes).toEqual([['g1'], ['g1', 'g2'], ['g2'], ['g2', 'g3']]);
    // A waiting MCPGroup that goes leaves the report.
    t.mcpGroup('g4');
    expect(t.set.overLimit()).toEqual(['g4']);
    t.dropGroup('g4');
    expect(t.set.overLimit()).toEqual([]);
  });

  it('a group that appears after the initial pass syncs on its own barrier, over the names that reference it', async () => {
    const t = setup(10);
    t.server('s1', 'late');
    t.server('s2', 'late');
    t.server('s3', 'other');
    t.namespaceBarrier.begin([]);
    t.set.passBegun();
    t.mcpGroup('late');
    const late = t.set.group('late')!;
    expect(late.hasSynced()).toBe(false);
    // The watcher's own readiness includes it: every served group synced.
    expect(t.set.allSynced()).toBe(false);
    expect([...t.queued].sort()).toEqual(['s1', 's2']);
    // The names came from the group index, not from a scan of the source kinds.
    expect(t.scans).toEqual([]);
    await t.drain();
    expect(late.hasSynced()).toBe(true);
    expect(t.set.allSynced()).toBe(true);
    expect(t.groupSynced()).toBe(1);
    expect(
      late.registry
        .list()
        .map((b) => b.id)
        .sort(),
    ).toEqual(['s1', 's2']);
  });

  it('a group served before the initial pass is synced with the namespace', () => {
    const t = setup(10);
    t.mcpGroup('early');
    const early = t.set.group('early')!;
    expect(early.hasSynced()).toBe(false);
    t.namespaceBarrier.begin([]);
    expect(early.hasSynced()).toBe(true);
  });

  it('a group whose MCPGroup goes is emptied, and its names are queued to show as out-of-group', async () => {
    const t = setup(10);
    t.server('s1', 'g');
    t.mcpGroup('g');
    await t.drain();
    const { registry } = t.set.group('g')!;
    expect(registry.count()).toBe(1);
    t.dropGroup('g');
    expect(registry.count()).toBe(0);
    expect(t.set.group('g')).toBeUndefined();
    expect(t.queued).toEqual(['s1']);
    await t.drain();
    expect(t.reconciler.outOfGroup().get('s1')?.reason.code).toBe('out-of-group');
  });
});
