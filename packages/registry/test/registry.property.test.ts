import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compareBy } from '@vmcp/core';
import { createDynamicRegistry, type Backend, type RegistryEvent } from '../src/index.ts';

// A small id alphabet and few distinct values, so that collisions, identical re-upserts and removes of present and
// absent ids all happen often.
const idArb = fc.constantFrom('a', 'b', 'c', 'd');

const backendArb = (id: fc.Arbitrary<string>): fc.Arbitrary<Backend> =>
  fc
    .record(
      {
        id,
        baseUrl: fc.constantFrom('http://one/mcp', 'http://two/mcp'),
        transportType: fc.constantFrom('sse', 'streamable-http'),
        healthStatus: fc.constantFrom('healthy' as const, 'unknown' as const),
        metadata: fc.dictionary(fc.constantFrom('tool_type', 'namespace'), fc.constantFrom('mcp', 'x')),
        authConfig: fc.constantFrom(
          { type: 'unauthenticated' },
          { type: 'header_injection', headerInjection: { headerName: 'X-Key', headerValue: 'vmcp-planted-secret-prop' } },
        ),
        scopes: fc.array(fc.constantFrom('r', 'w'), { maxLength: 2 }),
      },
      { requiredKeys: ['id', 'baseUrl', 'transportType', 'healthStatus', 'metadata'] },
    )
    .map(({ scopes, ...rest }) => {
      const backend: Backend = { name: rest.id, ...rest };
      if (scopes !== undefined && backend.authConfig?.type === 'header_injection') {
        backend.authConfig = { type: 'token_exchange', tokenExchange: { tokenUrl: 'https://idp', scopes } };
      }
      return backend;
    });

type Op = { kind: 'upsert'; backend: Backend } | { kind: 'remove'; id: string };

const opArb: fc.Arbitrary<Op> = fc.oneof(
  { weight: 3, arbitrary: backendArb(idArb).map((backend) => ({ kind: 'upsert' as const, backend })) },
  { weight: 1, arbitrary: idArb.map((id) => ({ kind: 'remove' as const, id })) },
);

const byId = (backends: Iterable<Backend>): Map<string, Backend> => new Map(Array.from(backends, (b) => [b.id, b]));
const sortById = (backends: Backend[]): Backend[] => [...backends].sort(compareBy((backend) => backend.id));

/** JSON is a faithful model of equality for these values (no undefined properties are generated). */
const canonical = (value: unknown): string =>
  JSON.stringify(value, (_key, v: unknown) =>
    v !== null && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v).sort(compareBy(([key]) => key)))
      : v,
  );

describe('DynamicRegistry properties', () => {
  it('matches a Map model; version counts effective changes; return values say whether something changed', () => {
    fc.assert(
      fc.property(fc.array(backendArb(idArb), { maxLength: 4 }), fc.array(opArb, { maxLength: 60 }), (initial, ops) => {
        const registry = createDynamicRegistry(initial);
        const model = new Map(initial.map((b) => [b.id, canonical(b)]));
        let effective = 0;
        for (const op of ops) {
          if (op.kind === 'upsert') {
            const changed = model.get(op.backend.id) !== canonical(op.backend);
            expect(registry.upsert(op.backend)).toBe(changed);
            model.set(op.backend.id, canonical(op.backend));
            if (changed) effective++;
          } else {
            const present = model.delete(op.id);
            expect(registry.remove(op.id)).toBe(present);
            if (present) effective++;
          }
          expect(registry.version()).toBe(effective);
        }
        expect(new Map(registry.list().map((b) => [b.id, canonical(b)]))).toEqual(model);
        expect(registry.count()).toBe(model.size);
        for (const [id, value] of model) expect(canonical(registry.get(id))).toBe(value);
      }),
      { numRuns: 300 },
    );
  });

  it('replaying the emitted events onto the initial contents yields the registry state; versions are 1..n', () => {
    fc.assert(
      fc.property(fc.array(backendArb(idArb), { maxLength: 4 }), fc.array(opArb, { maxLength: 60 }), (initial, ops) => {
        const registry = createDynamicRegistry(initial);
        const events: RegistryEvent[] = [];
        registry.subscribe((e) => events.push(e));
        const replica = byId(registry.list());
        for (const op of ops) {
          if (op.kind === 'upsert') registry.upsert(op.backend);
          else registry.remove(op.id);
        }
        for (const event of events) {
          // `previous` is exactly what the replica held before this event.
          expect(replica.get(event.type === 'upsert' ? event.backend.id : event.id)).toBe(event.previous);
          if (event.type === 'upsert') replica.set(event.backend.id, event.backend);
          else replica.delete(event.id);
        }
        expect(events.map((e) => e.version)).toEqual(events.map((_e, i) => i + 1));
        expect(events).toHaveLength(registry.version());
        expect(sortById([...replica.values()])).toEqual(sortById(registry.list()));
      }),
      { numRuns: 300 },
    );
  });

  it('replaying onto an EMPTY map yields the state when the registry starts empty', () => {
    fc.assert(
      fc.property(fc.array(opArb, { maxLength: 60 }), (ops) => {
        const registry = createDynamicRegistry();
        const replica = new Map<string, Backend>();
        registry.subscribe((e) => (e.type === 'upsert' ? replica.set(e.backend.id, e.backend) : replica.delete(e.id)));
        for (const op of ops) {
          if (op.kind === 'upsert') registry.upsert(op.backend);
          else registry.remove(op.id);
        }
        expect(replica).toEqual(byId(registry.list()));
      }),
      { numRuns: 200 },
    );
  });

  it('no caller can change stored state: not through inputs, outputs, list arrays or events', () => {
    fc.assert(
      fc.property(fc.array(opArb, { minLength: 1, maxLength: 40 }), (ops) => {
        const registry = createDynamicRegistry();
        const events: RegistryEvent[] = [];
        registry.subscribe((e) => events.push(e));
        for (const op of ops) {
          if (op.kind === 'upsert') registry.upsert(op.backend);
          else registry.remove(op.id);
        }
        const before = canonical(sortById(registry.list()));
        // Vandalise every input…
        for (const op of ops) {
          if (op.kind !== 'upsert') continue;
          op.backend.baseUrl = 'http://vandal';
          op.backend.metadata['vandal'] = 'yes';
          if (op.backend.authConfig?.tokenExchange?.scopes) op.backend.authConfig.tokenExchange.scopes.push('vandal');
        }
        // …every list array…
        const listed = registry.list();
        listed.splice(0, listed.length);
        // …and try every stored object reachable through get, list and events.
        const reachable: Backend[] = [...registry.list(), ...events.flatMap((e) => (e.type === 'upsert' ? [e.backend] : [e.previous]))];
        for (const stored of reachable) {
          expect(() => {
            stored.baseUrl = 'http://vandal';
          }).toThrow(TypeError);
          expect(() => {
            stored.metadata['vandal'] = 'yes';
          }).toThrow(TypeError);
          const scopes = stored.authConfig?.tokenExchange?.scopes;
          if (scopes) expect(() => scopes.push('vandal')).toThrow(TypeError);
        }
        expect(canonical(sortById(registry.list()))).toBe(before);
      }),
      { numRuns: 150 },
    );
  });
});
