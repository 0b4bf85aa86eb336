import { describe, expect, it } from 'vitest';
import { BackendReconciler, namesToResync } from '../src/index.ts';
import { backendOf, fakeDiscoverer, fakePlan, fakeReader, fakeRegistry, obj } from './fakes.ts';

describe('namesToResync', () => {
  it('is the union of every source object name and every registry id, without duplicates', () => {
    const reader = fakeReader();
    reader.set('Server', obj('a', 'g'));
    reader.set('Proxy', obj('a', 'other'));
    reader.set('Entry', obj('b', 'g'));
    reader.set('NotASource', obj('ignored', 'g'));
    const registry = fakeRegistry([backendOf('stale-seed', 'Server'), backendOf('b', 'Entry')]);
    expect(namesToResync(reader, fakePlan, registry, ['extra', 'a'])).toEqual(['a', 'b', 'stale-seed', 'extra']);
  });

  it('a stale seed entry is removed when its name is re-checked', async () => {
    const reader = fakeReader();
    const registry = fakeRegistry([backendOf('stale-seed', 'Server')]);
    const r = new BackendReconciler({
      namespace: 'ns',
      groupRef: 'g',
      registry,
      discoverer: fakeDiscoverer(true),
      reader,
      plan: fakePlan,
    });
    for (const name of r.namesToResync()) await r.reconcile({ name });
    expect(registry.count()).toBe(0);
  });
});
