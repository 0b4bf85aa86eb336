import { describe, expect, it, vi } from 'vitest';
import { FakeClock } from '@vmcp/core/testing';
import { BackendReconciler, type Result } from '../src/index.ts';
import { backendOf, fakeDiscoverer, fakePlan, fakeReader, fakeRegistry, obj, type FakeKind } from './fakes.ts';

function setup(opts: { withReasons?: boolean; group?: string } = {}) {
  const registry = fakeRegistry();
  const reader = fakeReader();
  const discoverer = fakeDiscoverer(opts.withReasons ?? true);
  const results: { name: string; outcome: Result | { error: Error } }[] = [];
  const conflicts: unknown[] = [];
  const resolved: string[] = [];
  const clock = new FakeClock();
  const reconciler = new BackendReconciler<FakeKind>({
    namespace: 'ns',
    groupRef: opts.group ?? 'g',
    registry,
    discoverer,
    reader,
    plan: fakePlan,
    onResult: (request, outcome) => results.push({ name: request.name, outcome }),
    onConflict: (c) => conflicts.push(c),
    onConflictResolved: (name) => resolved.push(name),
    clock,
  });
  const upserts = () => registry.calls.filter((c) => c.op === 'upsert').map((c) => c.id);
  const removes = () => registry.calls.filter((c) => c.op === 'remove').map((c) => c.id);
  return { registry, reader, discoverer, reconciler, results, conflicts, resolved, upserts, removes, clock };
}

// Upstream HEAD's reconciler unit-test scenarios, adapted: the version counts effective changes only. Each runs against a
// discoverer with `resolveWorkload` and one with only `getWorkloadAsBackend`.
describe.each([true, false])("upstream's workload scenarios (resolveWorkload: %s)", (withReasons) => {
  it('1. MCPServer in group, discoverer returns a backend → one upsert (id = name), version 1', async () => {
    const t = setup({ withReasons });
    t.reader.set('Server', obj('s1', 'g'));
    const result = await t.reconciler.reconcile({ name: 's1' });
    expect(result).toEqual({ action: 'upsert', changed: true });
    expect(t.upserts()).toEqual(['s1']);
    expect(t.removes()).toEqual([]);
    expect(t.registry.version()).toBe(1);
    expect(t.registry.get('s1')?.id).toBe('s1');
    expect(t.discoverer.calls).toEqual([{ name: 's1', type: 'Server' }]);
  });

  it('2. MCPServer in another group → removed by name, not converted, no error', async () => {
    const t = setup({ withReasons });
    t.reader.set('Server', obj('s1', 'other'));
    const result = await t.reconciler.reconcile({ name: 's1' });
    expect(result).toMatchObject({ action: 'remove', changed: false, reason: { code: 'out-of-group' } });
    expect(result.reason?.message).toBe('Server "s1" is in group "other" (this watcher serves group "g")');
    expect(t.removes()).toEqual(['s1']);
    expect(t.upserts()).toEqual([]);
    expect(t.discoverer.calls).toEqual([]);
    expect(t.registry.version()).toBe(0); // adapted: removing a never-added id is not a change
  });

  it('3. object absent → removed by name, no error', async () => {
    const t = setup({ withReasons });
    const result = await t.reconciler.reconcile({ name: 'gone' });
    expect(result).toMatchObject({ action: 'remove', changed: false, reason: { code: 'not-found' } });
    expect(result.reason?.message).toBe('no Server, Proxy, Entry named "gone" in namespace "ns"');
    expect(t.removes()).toEqual(['gone']);
  });

  it('4. discoverer returns null → removed, not thrown (no retry)', async () => {
    const t = setup({ withReasons });
    t.registry.upsert(backendOf('s1', 'Server'));
    t.reader.set('Server', obj('s1', 'g'));
    t.discoverer.script = () => null;
    const result = await t.reconciler.reconcile({ name: 's1' });
    expect(result).toMatchObject({ action: 'remove', changed: true });
    expect(result.reason?.code).toBe(withReasons ? 'no-url' : 'excluded');
    expect(t.registry.get('s1')).toBeUndefined();
    expect(t.reconciler.exclusions().get('s1')).toMatchObject({ kind: 'Server', reason: result.reason });
  });

  it('5. MCPRemoteProxy in group → upserted under its name', async () => {
    const t = setup({ withReasons });
    t.reader.set('Proxy', obj('p1', 'g'));
    await t.reconciler.reconcile({ name: 'p1' });
    expect(t.upserts()).toEqual(['p1']);
    expect(t.registry.get('p1')?.metadata['kind']).toBe('Proxy');
  });

  it('6. conversion error → removed, then thrown with the message (retry with backoff)', async () => {
    const t = setup({ withReasons });
    t.registry.upsert(backendOf('s1', 'Server'));
    t.reader.set('Server', obj('s1', 'g'));
    t.discoverer.script = () => new Error('conversion failed');
    const error = await t.reconciler.reconcile({ name: 's1' }).then(
      () => undefined,
      (e: unknown) => e as Error,
    );
    expect(error?.message).toBe('cannot convert Server "s1" in namespace "ns" to a backend: conversion failed');
    expect((error?.cause as Error).message).toBe('conversion failed');
    expect(t.removes()).toEqual(['s1']);
    expect(t.upserts()).toEqual(['s1']); // the seed only
    expect(t.registry.get('s1')).toBeUndefined();
    expect(t.reconciler.exclusions().get('s1')).toMatchObject({
      kind: 'Server',
      reason: { code: 'conversion-error', message: 'Server "s1": conversion failed' },
    });
    expect(t.reconciler.counters().error).toBe(1);
  });

  it('7. keeps namespace, group, registry, discoverer, reader and plan', () => {
    const t = setup({ withReasons, group: 'ns/g' });
    expect(t.reconciler).toMatchObject({
      namespace: 'ns',
      groupRef: 'ns/g',
      group: 'g',
      registry: t.registry,
      discoverer: t.discoverer,
      reader: t.reader,
      plan: fakePlan,
    });
  });

  it('8. MCPServerEntry in group → upserted, type "entry" preserved', async () => {
    const t = setup({ withReasons });
    t.reader.set('Entry', obj('e1', 'g'));
    t.discoverer.script = (w) => backendOf(w.name, w.type, { type: 'entry' });
    await t.reconciler.reconcile({ name: 'e1' });
    expect(t.registry.get('e1')?.type).toBe('entry');
  });

  it('9. MCPServerEntry in another group → removed', async () => {
    const t = setup({ withReasons });
    t.registry.upsert(backendOf('e1', 'Entry'));
    t.reader.set('Entry', obj('e1', 'other'));
    expect(await t.reconciler.reconcile({ name: 'e1' })).toMatchObject({ action: 'remove', changed: true });
    expect(t.registry.count()).toBe(0);
  });

  it('10. MCPServerEntry absent → removed', async () => {
    const t = setup({ withReasons });
    t.registry.upsert(backendOf('e1', 'Entry'));
    expect(await t.reconciler.reconcile({ name: 'e1' })).toMatchObject({
      action: 'remove',
      changed: true,
      reason: { code: 'not-found' },
    });
    expect(t.reconciler.exclusions().has('e1')).toBe(false);
  });
});

describe('cross-kind name collisions', () => {
  it('an MCPServer in another group does not hide an MCPRemoteProxy in ours (the upstream bug)', async () => {
    const t = setup();
    t.reader.set('Server', obj('x', 'other'));
    t.reader.set('Proxy', obj('x', 'g'));
    expect(await t.reconciler.reconcile({ name: 'x' })).toEqual({ action: 'upsert', changed: true });
    expect(t.discoverer.calls).toEqual([{ name: 'x', type: 'Proxy' }]);
    expect(t.registry.get('x')?.metadata['kind']).toBe('Proxy');
    expect(t.reconciler.conflicts()).toEqual([]);
    expect(t.reconciler.exclusions().size).toBe(0);
  });

  it('an object without any group does not hide one in ours', async () => {
    const t = setup();
    t.reader.set('Server', obj('x'));
    t.reader.set('Entry', obj('x', 'g'));
    await t.reconciler.reconcile({ name: 'x' });
    expect(t.registry.get('x')?.metadata['kind']).toBe('Entry');
  });

  it('objects of several kinds, none in our group → out-of-group, every one described', async () => {
    const t = setup();
    t.reader.set('Server', obj('x', 'a'));
    t.reader.set('Entry', obj('x'));
    const result = await t.reconciler.reconcile({ name: 'x' });
    expect(result.reason).toEqual({
      code: 'out-of-group',
      message: 'Server "x" is in group "a"; Entry "x" has no groupRef (this watcher serves group "g")',
    });
    expect(t.reconciler.exclusions().get('x')).toMatchObject({ kind: 'Server', reason: { code: 'out-of-group' } });
  });

  it('two in-group kinds → precedence wins, the conflict is reported once, and disappears when one leaves', async () => {
    const t = setup();
    t.reader.set('Proxy', obj('x', 'g'));
    t.reader.set('Entry', obj('x', 'g'));
    await t.reconciler.reconcile({ name: 'x' });
    await t.reconciler.reconcile({ name: 'x' });
    expect(t.registry.get('x')?.metadata['kind']).toBe('Proxy');
    expect(t.conflicts).toEqual([{ name: 'x', kinds: ['Proxy', 'Entry'] }]); // reported once, not per reconcile
    expect(t.reconciler.conflicts()).toEqual([{ name: 'x', kinds: ['Proxy', 'Entry'] }]);
    const exclusion = t.reconciler.exclusions().get('x');
    expect(exclusion).toMatchObject({ kind: 'Entry', reason: { code: 'name-conflict' } });
    expect(exclusion?.reason.message).toBe('Entry "x" not served: Proxy "x" in the same group takes precedence (rename one of them)');

    // A third kind joins: the conflict changes and is reported again.
    t.reader.set('Server', obj('x', 'g'));
    await t.reconciler.reconcile({ name: 'x' });
    expect(t.registry.get('x')?.metadata['kind']).toBe('Server');
    expect(t.conflicts.at(-1)).toEqual({ name: 'x', kinds: ['Server', 'Proxy', 'Entry'] });
    expect(t.reconciler.exclusions().get('x')?.reason.message).toMatch(/^Proxy, Entry "x" not served/);

    // Two leave the group: resolved.
    t.reader.set('Server', obj('x', 'other'));
    t.reader.delete('Proxy', 'x');
    await t.reconciler.reconcile({ name: 'x' });
    expect(t.registry.get('x')?.metadata['kind']).toBe('Entry');
    expect(t.reconciler.conflicts()).toEqual([]);
    expect(t.resolved).toEqual(['x']);
    expect(t.reconciler.exclusions().has('x')).toBe(false);
  });

  it("a conflict whose winner is not servable stays reported, with the winner's reason as the exclusion", async () => {
    const t = setup();
    t.reader.set('Server', obj('x', 'g'));
    t.reader.set('Proxy', obj('x', 'g'));
    t.discoverer.script = (w) => (w.type === 'Server' ? null : backendOf(w.name, w.type));
    const result = await t.reconciler.reconcile({ name: 'x' });
    // Precedence decides; the shadowed proxy is not served in the winner's place (no silent fallback).
    expect(result).toMatchObject({ action: 'remove', reason: { code: 'no-url' } });
    expect(t.reconciler.conflicts()).toEqual([{ name: 'x', kinds: ['Server', 'Proxy'] }]);
    expect(t.reconciler.exclusions().get('x')).toMatchObject({ kind: 'Server', reason: { code: 'no-url' } });
  });

  it('a conflict resolved by deletion of every object is gone too', async () => {
    const t = setup();
    t.reader.set('Server', obj('x', 'g'));
    t.reader.set('Proxy', obj('x', 'g'));
    await t.reconciler.reconcile({ name: 'x' });
    t.reader.delete('Server', 'x');
    t.reader.delete('Proxy', 'x');
    await t.reconciler.reconcile({ name: 'x' });
    expect(t.reconciler.conflicts()).toEqual([]);
    expect(t.resolved).toEqual(['x']);
    expect(t.registry.count()).toBe(0);
  });
});

describe('moving between groups', () => {
  it('into the group → served; out of it → removed and listed as out-of-group; back → served again', async () => {
    const t = setup();
    t.reader.set('Server', obj('s', 'other'));
    expect(await t.reconciler.reconcile({ name: 's' })).toMatchObject({ action: 'remove', changed: false });
    expect(t.reconciler.exclusions().get('s')?.reason.code).toBe('out-of-group');

    t.reader.set('Server', obj('s', 'g'));
    expect(await t.reconciler.reconcile({ name: 's' })).toEqual({ action: 'upsert', changed: true });
    expect(t.reconciler.exclusions().has('s')).toBe(false);
    expect(t.registry.version()).toBe(1);

    t.reader.set('Server', obj('s', 'other'));
    expect(await t.reconciler.reconcile({ name: 's' })).toMatchObject({ action: 'remove', changed: true });
    expect(t.registry.get('s')).toBeUndefined();
    expect(t.registry.version()).toBe(2);

    t.reader.set('Server', obj('s', 'g'));
    await t.reconciler.reconcile({ name: 's' });
    expect(t.registry.version()).toBe(3);
  });
});

describe('no-op reconciles', () => {
  it('repeated identical reconciles do not bump the registry version', async () => {
    const t = setup();
    t.reader.set('Server', obj('s', 'g'));
    t.reader.set('Server', obj('o', 'other'));
    for (let i = 0; i < 5; i++) {
      await t.reconciler.reconcile({ name: 's' });
      await t.reconciler.reconcile({ name: 'o' });
      await t.reconciler.reconcile({ name: 'absent' });
    }
    expect(t.registry.version()).toBe(1);
    expect(t.reconciler.counters()).toEqual({ upserted: 1, unchanged: 9, removed: 0, excluded: 5, error: 0 });
  });

  it('a changed backend (e.g. new URL) is an effective change', async () => {
    const t = setup();
    t.reader.set('Server', obj('s', 'g'));
    await t.reconciler.reconcile({ name: 's' });
    t.discoverer.script = (w) => backendOf(w.name, w.type, { baseUrl: 'http://new/mcp' });
    expect(await t.reconciler.reconcile({ name: 's' })).toEqual({ action: 'upsert', changed: true });
    expect(t.registry.version()).toBe(2);
  });

  it('exclusion "since" is kept while the reason repeats and reset when it changes', async () => {
    const t = setup();
    t.reader.set('Server', obj('s', 'other'));
    await t.reconciler.reconcile({ name: 's' });
    const first = t.reconciler.exclusions().get('s')?.since;
    expect(first).toEqual(new Date(t.clock.epochMs())); // the time comes from the reconciler's clock
    t.clock.advance(1000);
    await t.reconciler.reconcile({ name: 's' });
    expect(t.reconciler.exclusions().get('s')?.since).toEqual(first);
    t.reader.set('Server', obj('s', 'g'));
    t.discoverer.script = () => null;
    await t.reconciler.reconcile({ name: 's' });
    expect(t.reconciler.exclusions().get('s')?.reason.code).toBe('no-url');
    expect(t.reconciler.exclusions().get('s')?.since.getTime()).toBe(first!.getTime() + 1000);
  });
});

describe('errors and hooks', () => {
  it('a retried conversion error recovers once the discoverer succeeds', async () => {
    const t = setup();
    t.reader.set('Server', obj('s', 'g'));
    t.discoverer.script = () => new Error('API server unavailable');
    await expect(t.reconciler.reconcile({ name: 's' })).rejects.toThrow('API server unavailable');
    await expect(t.reconciler.reconcile({ name: 's' })).rejects.toThrow('API server unavailable');
    expect(t.registry.version()).toBe(0); // failing retries do not churn the version
    t.discoverer.script = (w) => backendOf(w.name, w.type);
    expect(await t.reconciler.reconcile({ name: 's' })).toEqual({ action: 'upsert', changed: true });
    expect(t.reconciler.exclusions().size).toBe(0);
    expect(t.reconciler.counters()).toMatchObject({ error: 2, upserted: 1 });
  });

  it('a backend whose id is not the resource name is refused (it could never be removed)', async () => {
    const t = setup();
    t.reader.set('Server', obj('s', 'g'));
    t.discoverer.script = (w) => backendOf('other-id', w.type);
    await expect(t.reconciler.reconcile({ name: 's' })).rejects.toThrow(
      'cannot convert Server "s" in namespace "ns" to a backend: the discoverer returned a backend with id "other-id"; the id must be the resource name',
    );
    expect(t.registry.count()).toBe(0);
  });

  it('an aborted reconcile throws the abort reason and leaves the registry alone', async () => {
    const t = setup();
    t.registry.upsert(backendOf('s', 'Server'));
    t.reader.set('Server', obj('s', 'g'));
    const controller = new AbortController();
    t.discoverer.script = () => {
      controller.abort(new Error('stopping'));
      return new Error('request aborted');
    };
    await expect(t.reconciler.reconcile({ name: 's' }, controller.signal)).rejects.toThrow('request aborted');
    expect(t.registry.get('s')).toBeDefined();
    await expect(t.reconciler.reconcile({ name: 's' }, controller.signal)).rejects.toThrow('stopping');
    expect(t.removes()).toEqual([]);
  });

  it('an abort while the discoverer succeeds does not apply the result', async () => {
    const t = setup();
    t.reader.set('Server', obj('s', 'g'));
    const controller = new AbortController();
    t.discoverer.script = (w) => {
      controller.abort(new Error('stopping'));
      return backendOf(w.name, w.type);
    };
    await expect(t.reconciler.reconcile({ name: 's' }, controller.signal)).rejects.toThrow('stopping');
    expect(t.upserts()).toEqual([]);
  });

  it('onResult sees every outcome, and a throwing hook changes nothing', async () => {
    const t = setup();
    t.reader.set('Server', obj('s', 'g'));
    await t.reconciler.reconcile({ name: 's' });
    t.discoverer.script = () => new Error('boom');
    await expect(t.reconciler.reconcile({ name: 's' })).rejects.toThrow('boom');
    expect(t.results.map((r) => ('error' in r.outcome ? r.outcome.error.message : r.outcome.action))).toEqual([
      'upsert',
      'cannot convert Server "s" in namespace "ns" to a backend: boom',
    ]);

    const registry = fakeRegistry();
    const throwing = new BackendReconciler({
      namespace: 'ns',
      groupRef: 'g',
      registry,
      discoverer: fakeDiscoverer(true),
      reader: t.reader,
      plan: fakePlan,
      onResult: () => {
        throw new Error('hook failed');
      },
      onConflict: () => {
        throw new Error('hook failed');
      },
    });
    t.reader.set('Proxy', obj('s', 'g'));
    await expect(throwing.reconcile({ name: 's' })).resolves.toEqual({ action: 'upsert', changed: true });
    expect(registry.count()).toBe(1);
  });

  it('an empty request name is an error', async () => {
    const t = setup();
    await expect(t.reconciler.reconcile({ name: '' })).rejects.toThrow('reconcile request has an empty name');
    expect(t.registry.calls).toEqual([]);
  });

  it('a failing cache read is thrown (retry) without touching the registry', async () => {
    const t = setup();
    t.registry.upsert(backendOf('s', 'Server'));
    vi.spyOn(t.reader, 'get').mockImplementation(() => {
      throw new Error('informer for Proxy not started');
    });
    await expect(t.reconciler.reconcile({ name: 's' })).rejects.toThrow('informer for Proxy not started');
    expect(t.registry.get('s')).toBeDefined();
  });

  it('a throwing groupOf is reported naming the object', async () => {
    const t = setup();
    t.reader.set('Server', obj('s', 'g'));
    const plan = {
      kinds: [],
      sources: [
        {
          kind: 'Server' as const,
          groupOf: () => {
            throw new Error('spec is not an object');
          },
        },
      ],
    };
    const r = new BackendReconciler({ ...t.reconciler, plan, groupRef: 'g' });
    await expect(r.reconcile({ name: 's' })).rejects.toThrow('cannot read the group of Server "s": spec is not an object');
  });
});

describe('constructor validation', () => {
  const base = () => ({
    namespace: 'ns',
    groupRef: 'g',
    registry: fakeRegistry(),
    discoverer: fakeDiscoverer(false),
    reader: fakeReader(),
    plan: fakePlan,
  });
  it.each([
    [{ namespace: '' }, 'namespace cannot be empty'],
    [{ groupRef: '' }, 'groupRef cannot be empty'],
    [{ groupRef: 'other/g' }, 'groupRef "other/g" names namespace "other" but the watcher watches namespace "ns"'],
    [{ registry: undefined }, 'registry is required'],
    [{ discoverer: undefined }, 'discoverer is required'],
    [{ discoverer: {} }, 'discoverer is required'],
    [{ reader: undefined }, 'reader is required'],
    [{ plan: null }, 'plan is required'],
    [{ plan: { kinds: [] } }, 'plan is required'],
    [{ plan: { kinds: [], sources: [] } }, 'plan has no source kinds'],
    [{ plan: { kinds: [], sources: [fakePlan.sources[0], fakePlan.sources[0]] } }, 'plan lists source kind "Server" twice'],
  ])('%j → %s', (override, message) => {
    expect(() => new BackendReconciler({ ...base(), ...override } as never)).toThrow(message);
  });

  it('defaults to the Kubernetes watch plan when none is given (the documented constructor, docs/architecture.md)', () => {
    const { plan: _plan, ...withoutPlan } = base();
    const reconciler = new BackendReconciler(withoutPlan);
    expect(reconciler.plan.sources.map((s) => s.kind)).toEqual(['MCPServer', 'MCPRemoteProxy', 'MCPServerEntry']);
  });
});
