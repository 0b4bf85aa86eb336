/**
 * Property: whatever the cache holds and whatever order names are reconciled in, one pass over `namesToResync()`
 * leaves the registry holding exactly the model's answer (per name, the first in-group kind by precedence, if its
 * conversion succeeds), a second pass changes nothing, and `exclusions()` / `conflicts()` describe exactly the rest.
 */
import fc from 'fast-check';
import { createDynamicRegistry } from '@vmcp/registry';
import { describe, expect, it } from 'vitest';
import { BackendReconciler } from '../src/index.ts';
import { backendOf, fakeDiscoverer, fakePlan, fakeReader, obj, type FakeKind } from './fakes.ts';

const KINDS: FakeKind[] = ['Server', 'Proxy', 'Entry'];
const NAMES = ['a', 'b', 'c', 'd'];
const GROUPS = ['g', 'other', undefined];

const objectArb = fc.record({
  kind: fc.constantFrom(...KINDS),
  name: fc.constantFrom(...NAMES),
  group: fc.constantFrom(...GROUPS),
  servable: fc.boolean(),
  url: fc.constantFrom('u1', 'u2'),
});

describe('convergence', () => {
  it('one resync pass reaches the model; a second pass is a no-op', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(objectArb, { maxLength: 12 }),
        fc.array(fc.constantFrom(...NAMES, 'seed-only'), { maxLength: 3 }),
        async (objects, seeds) => {
          const reader = fakeReader();
          const byKey = new Map<string, (typeof objects)[number]>();
          for (const o of objects) {
            byKey.set(`${o.kind}/${o.name}`, o);
            reader.set(o.kind, obj(o.name, o.group, { servable: o.servable, url: o.url }));
          }
          const registry = createDynamicRegistry(seeds.map((n) => backendOf(n, 'Seed')));
          const discoverer = fakeDiscoverer(true, (w) => {
            const o = byKey.get(`${w.type}/${w.name}`)!;
            return o.servable ? backendOf(w.name, w.type, { baseUrl: `http://${o.url}` }) : null;
          });
          const r = new BackendReconciler({ namespace: 'ns', groupRef: 'g', registry, discoverer, reader, plan: fakePlan });

          for (const name of r.namesToResync().reverse()) await r.reconcile({ name });

          for (const name of [...NAMES, 'seed-only']) {
            const present = KINDS.map((kind) => byKey.get(`${kind}/${name}`)).filter((o) => o !== undefined);
            const inGroup = present.filter((o) => o.group === 'g');
            const winner = inGroup[0];
            const served = winner?.servable === true ? backendOf(name, winner.kind, { baseUrl: `http://${winner.url}` }) : undefined;
            expect(registry.get(name)).toEqual(served);
            expect(r.conflicts().find((c) => c.name === name)?.kinds).toEqual(inGroup.length > 1 ? inGroup.map((o) => o.kind) : undefined);
            const exclusion = r.exclusions().get(name);
            if (present.length === 0) expect(exclusion).toBeUndefined();
            else if (winner === undefined) expect(exclusion?.reason.code).toBe('out-of-group');
            else if (!winner.servable) expect(exclusion).toMatchObject({ kind: winner.kind, reason: { code: 'no-url' } });
            else if (inGroup.length > 1) expect(exclusion).toMatchObject({ kind: inGroup[1]!.kind, reason: { code: 'name-conflict' } });
            else expect(exclusion).toBeUndefined();
          }

          const version = registry.version();
          for (const name of r.namesToResync()) expect((await r.reconcile({ name })).changed).toBe(false);
          expect(registry.version()).toBe(version);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('a name that left the group and was then deleted (no event maps to it) is dropped from exclusions by the next resync', async () => {
    const reader = fakeReader();
    const registry = createDynamicRegistry();
    const r = new BackendReconciler({ namespace: 'ns', groupRef: 'g', registry, discoverer: fakeDiscoverer(true), reader, plan: fakePlan });
    reader.set('Server', obj('s', 'other'));
    await r.reconcile({ name: 's' });
    expect(r.exclusions().has('s')).toBe(true);
    reader.delete('Server', 's');
    expect(r.namesToResync()).toEqual(['s']);
    for (const name of r.namesToResync()) await r.reconcile({ name });
    expect(r.exclusions().size).toBe(0);
  });
});
