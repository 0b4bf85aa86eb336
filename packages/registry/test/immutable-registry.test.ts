import { describe, expect, it } from 'vitest';
import { createImmutableRegistry, type Backend, type BackendHealthStatus } from '../src/index.ts';
import { fullBackend, minimalBackend } from './fixtures.ts';

describe('createImmutableRegistry', () => {
  it.each([
    ['empty', [] as Backend[], 0],
    ['single', [minimalBackend('a')], 1],
    ['multiple', [minimalBackend('a'), fullBackend('b'), minimalBackend('c')], 3],
  ])('%s → count %i, count equals list().length', (_label, input, count) => {
    const registry = createImmutableRegistry(input);
    expect(registry.count()).toBe(count);
    expect(registry.list()).toHaveLength(count);
  });

  it('holds every health status and transport', () => {
    const statuses: BackendHealthStatus[] = ['healthy', 'degraded', 'unhealthy', 'unknown', 'unauthenticated'];
    const registry = createImmutableRegistry(
      statuses.map((healthStatus, i) => minimalBackend(`b${i}`, { healthStatus, transportType: i % 2 ? 'sse' : 'streamable-http' })),
    );
    expect(
      registry
        .list()
        .map((b) => b.healthStatus)
        .sort(),
    ).toEqual([...statuses].sort());
  });

  it('duplicate ids: the last one wins', () => {
    const registry = createImmutableRegistry([minimalBackend('a', { name: 'first' }), minimalBackend('a', { name: 'last' })]);
    expect(registry.count()).toBe(1);
    expect(registry.get('a')?.name).toBe('last');
  });

  it('get: existing, missing, empty id, case-sensitive', () => {
    const registry = createImmutableRegistry([fullBackend('Alpha')]);
    expect(registry.get('Alpha')).toEqual(fullBackend('Alpha'));
    expect(registry.get('alpha')).toBeUndefined();
    expect(registry.get('missing')).toBeUndefined();
    expect(registry.get('')).toBeUndefined();
  });

  it('is deep-frozen and independent of the input, and the registry object cannot be patched', () => {
    const input = [fullBackend('a')];
    const registry = createImmutableRegistry(input);
    input[0]!.metadata['tool_type'] = 'changed';
    input.push(minimalBackend('b'));
    expect(registry.count()).toBe(1);
    expect(registry.get('a')?.metadata['tool_type']).toBe('mcp');
    expect(() => {
      registry.get('a')!.metadata['x'] = 'y';
    }).toThrow(TypeError);
    const list = registry.list();
    list.length = 0;
    expect(registry.list()).toHaveLength(1);
    expect(Object.isFrozen(registry)).toBe(true);
    expect(Object.isFrozen(input[0])).toBe(false);
  });

  it('rejects an empty id', () => {
    expect(() => createImmutableRegistry([minimalBackend('')])).toThrow('backend ID cannot be empty');
  });
});
