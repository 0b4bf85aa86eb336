import { describe, expect, it } from 'vitest';
import { GROUP_INDEX, kubernetesWatchPlan, type WatchedKind, type WatchPlan } from '../src/index.ts';
import { createMemoryCacheReader } from '../src/testing/index.ts';
import { authConfig, entry, server } from './fixtures.ts';

const kindOf = (plan: WatchPlan, kind: string): WatchedKind => plan.kinds.find((k) => k.kind === kind)!;

describe('kubernetesWatchPlan for many groups (servedGroup)', () => {
  it('maps a dependency to the backends of every group served at the time of the event', () => {
    const served = new Set(['a', 'b']);
    const plan = kubernetesWatchPlan({ servedGroup: (g) => served.has(g) });
    const cache = createMemoryCacheReader(plan);
    cache.set('MCPExternalAuthConfig', authConfig('auth', { type: 'headerInjection' }));
    for (const [name, group] of [
      ['in-a', 'a'],
      ['in-b', 'b'],
      ['in-c', 'c'],
    ] as const) {
      cache.set('MCPServer', server(name, { groupRef: { name: group }, externalAuthConfigRef: { name: 'auth' } }));
    }
    const event = (): string[] =>
      [...kindOf(plan, 'MCPExternalAuthConfig').mapToBackends(cache.get('MCPExternalAuthConfig', 'auth')!, cache)].sort();
    expect(event()).toEqual(['in-a', 'in-b']);
    served.add('c'); // a group that starts being served is mapped from the next event on
    expect(event()).toEqual(['in-a', 'in-b', 'in-c']);
  });

  it('maps a CA ConfigMap to the entries of every served group', () => {
    const plan = kubernetesWatchPlan({ servedGroup: (g) => g !== 'z' });
    const cache = createMemoryCacheReader(plan);
    const ca = { caBundleRef: { configMapRef: { name: 'ca', key: 'ca.crt' } } };
    cache.set('MCPServerEntry', entry('e1', { groupRef: { name: 'a' }, ...ca }));
    cache.set('MCPServerEntry', entry('e2', { groupRef: { name: 'b' }, ...ca }));
    cache.set('MCPServerEntry', entry('e3', { groupRef: { name: 'z' }, ...ca }));
    const configMap = cache.set('ConfigMap', { metadata: { name: 'ca', namespace: 'team-ns' } });
    expect([...kindOf(plan, 'ConfigMap').mapToBackends(configMap, cache)].sort()).toEqual(['e1', 'e2']);
  });

  it('with indexByGroup, indexes the source kinds by group, so the names of one group are an index lookup', () => {
    const plan = kubernetesWatchPlan({ group: 'a', indexByGroup: true });
    const cache = createMemoryCacheReader(plan);
    cache.set('MCPServer', server('s1', { groupRef: { name: 'a' } }));
    cache.set('MCPServer', server('s2', { groupRef: 'b' }));
    cache.set('MCPServer', server('s3', {}));
    expect(cache.byIndex('MCPServer', GROUP_INDEX, 'a').map((o) => o.metadata.name)).toEqual(['s1']);
    expect(cache.byIndex('MCPServer', GROUP_INDEX, 'b').map((o) => o.metadata.name)).toEqual(['s2']);
    expect(cache.byIndex('MCPServer', GROUP_INDEX, '')).toEqual([]);
  });

  it('files no object under a group index unless asked: the index costs heap on every source object', () => {
    for (const plan of [kubernetesWatchPlan({ group: 'a' }), kubernetesWatchPlan({ servedGroup: () => true })]) {
      for (const kind of plan.kinds) expect(Object.keys(kind.indexers ?? {})).not.toContain(GROUP_INDEX);
    }
    const indexed = kubernetesWatchPlan({ servedGroup: () => true, indexByGroup: true });
    expect(indexed.kinds.filter((k) => Object.keys(k.indexers ?? {}).includes(GROUP_INDEX)).map((k) => k.kind)).toEqual([
      'MCPServer',
      'MCPRemoteProxy',
      'MCPServerEntry',
    ]);
  });

  it('takes a group or servedGroup, not both', () => {
    expect(() => kubernetesWatchPlan({ group: 'a', servedGroup: () => true })).toThrow('give group (one) or servedGroup (many), not both');
    expect(() => kubernetesWatchPlan({})).toThrow('group cannot be empty');
  });
});
