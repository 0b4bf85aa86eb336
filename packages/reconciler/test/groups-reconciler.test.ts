import { describe, expect, it } from 'vitest';
import { FakeClock } from '@vmcp/core/testing';
import { GroupsReconciler, type GroupsResult, type NameConflict } from '../src/index.ts';
import { backendOf, fakeDiscoverer, fakePlan, fakeReader, fakeRegistry, obj, type FakeKind, type FakeRegistry } from './fakes.ts';

function setup(groups: readonly string[] = ['a', 'b']) {
  const reader = fakeReader();
  const discoverer = fakeDiscoverer(true);
  const registries = new Map<string, FakeRegistry>(groups.map((g) => [g, fakeRegistry()]));
  const conflicts: { group: string; conflict: NameConflict }[] = [];
  const resolved: { group: string; name: string }[] = [];
  const outcomes: (GroupsResult | { error: Error })[] = [];
  const clock = new FakeClock();
  const reconciler = new GroupsReconciler<FakeKind>({
    namespace: 'ns',
    groups: registries,
    discoverer,
    reader,
    plan: fakePlan,
    clock,
    onResult: (_request, outcome) => outcomes.push(outcome),
    onConflict: (group, conflict) => conflicts.push({ group, conflict }),
    onConflictResolved: (group, name) => resolved.push({ group, name }),
  });
  const ids = (group: string) =>
    registries
      .get(group)!
      .list()
      .map((b) => b.id)
      .sort();
  return { reader, discoverer, registries, reconciler, conflicts, resolved, outcomes, clock, ids };
}

describe('GroupsReconciler: routing', () => {
  it('serves each object in the registry of its group; an object in no served group lands nowhere', async () => {
    const t = setup();
    t.reader.set('Server', obj('s1', 'a'));
    t.reader.set('Server', obj('s2', 'b'));
    t.reader.set('Server', obj('s3', 'z'));
    for (const name of ['s1', 's2', 's3']) await t.reconciler.reconcile({ name });
    expect(t.ids('a')).toEqual(['s1']);
    expect(t.ids('b')).toEqual(['s2']);
    expect(t.reconciler.servedIn('s1')).toEqual(['a']);
    expect(t.reconciler.servedIn('s3')).toEqual([]);
    // The name in no served group was never converted.
    expect(t.discoverer.calls.map((c) => c.name).sort()).toEqual(['s1', 's2']);
  });

  it('touches only the registries of the groups a name is in (no per-group work per reconcile)', async () => {
    const groups = Array.from({ length: 50 }, (_, i) => `g${i}`);
    const t = setup(groups);
    t.reader.set('Server', obj('s', 'g7'));
    await t.reconciler.reconcile({ name: 's' });
    t.reader.set('Server', obj('s', 'g9'));
    await t.reconciler.reconcile({ name: 's' });
    const touched = groups.filter((g) => t.registries.get(g)!.calls.length > 0);
    expect(touched).toEqual(['g7', 'g9']);
    expect(t.ids('g9')).toEqual(['s']);
    expect(t.ids('g7')).toEqual([]);
  });
});

describe('GroupsReconciler: moves', () => {
  it('a move from A to B leaves A and enters B in one reconcile, the conversion done before either write', async () => {
    const t = setup();
    t.reader.set('Server', obj('m', 'a'));
    await t.reconciler.reconcile({ name: 'm' });
    expect(t.ids('a')).toEqual(['m']);

    const seenAtConversion: string[][] = [];
    t.discoverer.script = (w) => {
      seenAtConversion.push([...t.ids('a'), '|', ...t.ids('b')]);
      return backendOf(w.name, w.type);
    };
    t.reader.set('Server', obj('m', 'b'));
    const { results } = await t.reconciler.reconcile({ name: 'm' });
    // While converting, the registries still showed the old decision: nothing was written before the await ended.
    expect(seenAtConversion).toEqual([['m', '|']]);
    expect(results.get('a')).toMatchObject({ action: 'remove', changed: true, reason: { code: 'out-of-group' } });
    expect(results.get('b')).toEqual({ action: 'upsert', changed: true });
    expect(t.ids('a')).toEqual([]);
    expect(t.ids('b')).toEqual(['m']);
    expect(t.reconciler.servedIn('m')).toEqual(['b']);
    // B's object is not an exclusion of A.
    expect(t.reconciler.exclusions('a').has('m')).toBe(false);
  });

  it('a move out of every served group removes the name and reports it out-of-group to each group', async () => {
    const t = setup();
    t.reader.set('Server', obj('m', 'a'));
    await t.reconciler.reconcile({ name: 'm' });
    t.reader.set('Server', obj('m', 'elsewhere'));
    await t.reconciler.reconcile({ name: 'm' });
    expect(t.ids('a')).toEqual([]);
    for (const g of ['a', 'b']) {
      expect(t.reconciler.exclusions(g).get('m')?.reason).toEqual({
        code: 'out-of-group',
        message: 'Server "m" is in group "elsewhere" (in no group this watcher serves)',
      });
    }
  });
});

describe('GroupsReconciler: one name in two groups', () => {
  it('serves a Server in A and a Proxy of the same name in B, each converted once', async () => {
    const t = setup();
    t.reader.set('Server', obj('x', 'a'));
    t.reader.set('Proxy', obj('x', 'b'));
    const { results } = await t.reconciler.reconcile({ name: 'x' });
    expect([...results.keys()].sort()).toEqual(['a', 'b']);
    expect(t.registries.get('a')!.get('x')?.metadata).toEqual({ kind: 'Server' });
    expect(t.registries.get('b')!.get('x')?.metadata).toEqual({ kind: 'Proxy' });
    expect(t.discoverer.calls).toEqual([
      { name: 'x', type: 'Server' },
      { name: 'x', type: 'Proxy' },
    ]);
    expect(t.reconciler.servedIn('x').slice().sort()).toEqual(['a', 'b']);
    expect(t.reconciler.conflicts('a')).toEqual([]);
  });

  it("the Server moving into B leaves A and shadows B's Proxy there: a conflict of B only", async () => {
    const t = setup();
    t.reader.set('Server', obj('x', 'a'));
    t.reader.set('Proxy', obj('x', 'b'));
    await t.reconciler.reconcile({ name: 'x' });
    t.reader.set('Server', obj('x', 'b'));
    await t.reconciler.reconcile({ name: 'x' });
    expect(t.ids('a')).toEqual([]);
    expect(t.registries.get('b')!.get('x')?.metadata).toEqual({ kind: 'Server' });
    expect(t.conflicts).toEqual([{ group: 'b', conflict: { name: 'x', kinds: ['Server', 'Proxy'] } }]);
    expect(t.reconciler.exclusions('b').get('x')).toMatchObject({ kind: 'Proxy', reason: { code: 'name-conflict' } });
    expect(t.reconciler.exclusions('a').has('x')).toBe(false);
    // The Server goes back to A: B's conflict is resolved.
    t.reader.set('Server', obj('x', 'a'));
    await t.reconciler.reconcile({ name: 'x' });
    expect(t.resolved).toEqual([{ group: 'b', name: 'x' }]);
    expect(t.reconciler.conflicts('b')).toEqual([]);
    expect(t.registries.get('b')!.get('x')?.metadata).toEqual({ kind: 'Proxy' });
  });

  it('a conversion failure in one group still writes the other group, then throws', async () => {
    const t = setup();
    t.reader.set('Server', obj('x', 'a'));
    t.reader.set('Proxy', obj('x', 'b'));
    t.discoverer.script = (w) => (w.type === 'Server' ? new Error('boom') : backendOf(w.name, w.type));
    await expect(t.reconciler.reconcile({ name: 'x' })).rejects.toThrow('cannot convert Server "x" in namespace "ns" to a backend: boom');
    expect(t.ids('b')).toEqual(['x']);
    expect(t.ids('a')).toEqual([]);
    expect(t.reconciler.exclusions('a').get('x')?.reason.code).toBe('conversion-error');
    expect(t.reconciler.counters().error).toBe(1);
  });
});

describe('GroupsReconciler: a registry that refuses a backend', () => {
  it('is a conversion failure of that group only: removed there, reported, thrown after the other writes', async () => {
    const t = setup();
    t.reader.set('Server', obj('x', 'a'));
    t.reader.set('Proxy', obj('x', 'b'));
    const refusing = t.registries.get('a')!;
    refusing.upsert = () => {
      throw new Error('backend x: metadata is not plain data');
    };
    await expect(t.reconciler.reconcile({ name: 'x' })).rejects.toThrow(
      'cannot convert Server "x" in namespace "ns" to a backend: backend x: metadata is not plain data',
    );
    expect(t.ids('b')).toEqual(['x']);
    expect(t.reconciler.servedIn('x')).toEqual(['b']);
    expect(t.reconciler.exclusionOf('x', 'a')).toMatchObject({ kind: 'Server', reason: { code: 'conversion-error' } });
  });
});

describe('GroupsReconciler: exclusions', () => {
  it('stores a name in no served group once, and every group projects that one record', async () => {
    const t = setup(['a', 'b', 'c']);
    t.reader.set('Server', obj('z', 'other'));
    await t.reconciler.reconcile({ name: 'z' });
    const seen = ['a', 'b', 'c'].map((g) => t.reconciler.exclusions(g).get('z'));
    expect(seen[0]).toBeDefined();
    expect(seen[1]).toBe(seen[0]);
    expect(seen[2]).toBe(seen[0]);
    expect(t.reconciler.outOfGroup().get('z')).toBe(seen[0]);
    expect(t.reconciler.counters()).toMatchObject({ excluded: 1 });
  });

  it('keeps `since` while the reason stays, per group', async () => {
    const t = setup();
    t.reader.set('Server', obj('n', 'a'));
    t.discoverer.script = () => null;
    await t.reconciler.reconcile({ name: 'n' });
    const first = t.reconciler.exclusionOf('n', 'a')?.since;
    t.clock.advance(1000);
    await t.reconciler.reconcile({ name: 'n' });
    expect(t.reconciler.exclusionOf('n', 'a')?.since).toEqual(first);
    expect(t.reconciler.exclusionOf('n', 'b')).toBeUndefined();
  });

  it('an object that vanished leaves no exclusion', async () => {
    const t = setup();
    t.reader.set('Server', obj('v', 'other'));
    await t.reconciler.reconcile({ name: 'v' });
    expect(t.reconciler.outOfGroup().has('v')).toBe(true);
    t.reader.delete('Server', 'v');
    await t.reconciler.reconcile({ name: 'v' });
    expect(t.reconciler.outOfGroup().has('v')).toBe(false);
    expect(t.reconciler.exclusions('a').size).toBe(0);
  });
});

describe('GroupsReconciler: served groups change', () => {
  it('removeGroup empties the registry one removal at a time and forgets the group', async () => {
    const t = setup();
    t.reader.set('Server', obj('s1', 'a'));
    t.reader.set('Proxy', obj('s2', 'a'));
    t.discoverer.script = (w) => (w.name === 's2' ? null : backendOf(w.name, w.type));
    for (const name of ['s1', 's2']) await t.reconciler.reconcile({ name });
    const registry = t.registries.get('a')!;
    const before = registry.version();
    expect(t.reconciler.removeGroup('a')).toEqual(['s1']);
    expect(registry.count()).toBe(0);
    expect(registry.version()).toBe(before + 1);
    expect(t.reconciler.groups()).toEqual(['b']);
    expect(t.reconciler.servedIn('s1')).toEqual([]);
    expect(t.reconciler.exclusions('a').size).toBe(0);
    // Reconciled again, the names of the gone group are out-of-group for the remaining ones.
    await t.reconciler.reconcile({ name: 's1' });
    expect(t.reconciler.exclusions('b').get('s1')?.reason.code).toBe('out-of-group');
  });

  it('addGroup counts a seeded registry as served, so a stale seed is removed by the next reconcile', async () => {
    const t = setup();
    const seeded = fakeRegistry([backendOf('old', 'Server')]);
    t.reconciler.addGroup('c', seeded);
    expect(t.reconciler.servedIn('old')).toEqual(['c']);
    expect(t.reconciler.namesToResync()).toContain('old');
    const { results } = await t.reconciler.reconcile({ name: 'old' });
    expect(results.get('c')).toMatchObject({ action: 'remove', changed: true, reason: { code: 'not-found' } });
    expect(seeded.count()).toBe(0);
  });

  it('rejects a group served twice and an invalid group name', () => {
    const t = setup();
    expect(() => t.reconciler.addGroup('a', fakeRegistry())).toThrow('group "a" is already served');
    expect(() => t.reconciler.addGroup('Not_A_Name', fakeRegistry())).toThrow('group "Not_A_Name" is not a valid MCPGroup name');
  });

  it('a group removed while a conversion is in flight is not written', async () => {
    const t = setup();
    t.reader.set('Server', obj('s', 'a'));
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const discoverer = t.discoverer;
    const original = discoverer.resolveWorkload!.bind(discoverer);
    discoverer.resolveWorkload = async (w, signal) => {
      await gate;
      return original(w, signal);
    };
    const pending = t.reconciler.reconcile({ name: 's' });
    await Promise.resolve();
    t.reconciler.removeGroup('a');
    release();
    await pending;
    expect(t.registries.get('a')!.calls.filter((c) => c.op === 'upsert')).toEqual([]);
    expect(t.reconciler.servedIn('s')).toEqual([]);
  });
});

describe('GroupsReconciler: oneGroup (how BackendReconciler and a one-group watcher use it)', () => {
  it('decides its group on every reconcile, names it in out-of-group messages, and takes no other group', async () => {
    const registry = fakeRegistry();
    const reader = fakeReader();
    const reconciler = new GroupsReconciler<FakeKind>({
      namespace: 'ns',
      groups: [['g', registry]],
      oneGroup: 'g',
      discoverer: fakeDiscoverer(true),
      reader,
      plan: fakePlan,
    });
    // Written by someone else after construction: still removed, because the one group is always decided.
    registry.upsert(backendOf('stray', 'Server'));
    const { results } = await reconciler.reconcile({ name: 'stray' });
    expect(results.get('g')).toMatchObject({ action: 'remove', changed: true, reason: { code: 'not-found' } });
    reader.set('Server', obj('x', 'other'));
    await reconciler.reconcile({ name: 'x' });
    expect(reconciler.exclusionOf('x', 'g')?.reason.message).toBe('Server "x" is in group "other" (this watcher serves group "g")');
    expect(() => reconciler.addGroup('h', fakeRegistry())).toThrow('this reconciler serves only group "g"');
  });

  it("without it, a registry entry written after the group was added is not the reconciler's to remove", async () => {
    const t = setup(['a']);
    t.registries.get('a')!.upsert(backendOf('stray', 'Server'));
    const { results } = await t.reconciler.reconcile({ name: 'stray' });
    expect(results.size).toBe(0);
    expect(t.ids('a')).toEqual(['stray']);
  });

  it('must name the one group of groups', () => {
    const base = { namespace: 'ns', discoverer: fakeDiscoverer(true), reader: fakeReader(), plan: fakePlan };
    expect(() => new GroupsReconciler({ ...base, groups: [['a', fakeRegistry()]], oneGroup: 'b' })).toThrow(
      'oneGroup "b" must be the one group of groups',
    );
    expect(
      () =>
        new GroupsReconciler({
          ...base,
          groups: [
            ['a', fakeRegistry()],
            ['b', fakeRegistry()],
          ],
          oneGroup: 'a',
        }),
    ).toThrow('oneGroup "a" must be the one group of groups');
  });
});
