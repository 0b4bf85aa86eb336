import { describe, expect, it, vi } from 'vitest';
import { createDynamicRegistry, type Backend, type RegistryEvent } from '../src/index.ts';
import { fullBackend, minimalBackend } from './fixtures.ts';

describe('createDynamicRegistry: construction', () => {
  it.each([
    ['no argument', undefined, 0],
    ['an empty list', [], 0],
    ['one backend', [minimalBackend('a')], 1],
    ['three backends', [minimalBackend('a'), minimalBackend('b'), minimalBackend('c')], 3],
  ])('%s → count %i, version 0', (_label, initial, count) => {
    const registry = createDynamicRegistry(initial);
    expect(registry.count()).toBe(count);
    expect(registry.list()).toHaveLength(count);
    expect(registry.version()).toBe(0);
  });

  it('keeps the last of duplicate ids in the initial contents', () => {
    const registry = createDynamicRegistry([
      minimalBackend('a', { baseUrl: 'http://first' }),
      minimalBackend('a', { baseUrl: 'http://last' }),
    ]);
    expect(registry.count()).toBe(1);
    expect(registry.get('a')?.baseUrl).toBe('http://last');
    expect(registry.version()).toBe(0);
  });

  it('accepts any iterable, such as a generator', () => {
    function* backends() {
      yield minimalBackend('a');
      yield minimalBackend('b');
    }
    expect(createDynamicRegistry(backends()).count()).toBe(2);
  });

  it('rejects an empty id in the initial contents', () => {
    expect(() => createDynamicRegistry([minimalBackend('')])).toThrow('backend ID cannot be empty');
  });
});

describe('createDynamicRegistry: reads', () => {
  it('get is an exact, case-sensitive lookup; unknown and empty ids give undefined', () => {
    const registry = createDynamicRegistry([minimalBackend('GitHub')]);
    expect(registry.get('GitHub')?.id).toBe('GitHub');
    expect(registry.get('github')).toBeUndefined();
    expect(registry.get('')).toBeUndefined();
    expect(registry.get('__proto__')).toBeUndefined();
  });

  it('get and list hand out the same stored object without copying', () => {
    const registry = createDynamicRegistry([fullBackend('a')]);
    expect(registry.get('a')).toBe(registry.get('a'));
    expect(registry.list()[0]).toBe(registry.get('a'));
  });

  it('list returns a new array each call, which the caller may change freely', () => {
    const registry = createDynamicRegistry([minimalBackend('a'), minimalBackend('b')]);
    const first = registry.list();
    expect(registry.list()).not.toBe(first);
    first.pop();
    first.push(minimalBackend('intruder'));
    expect(
      registry
        .list()
        .map((b) => b.id)
        .sort(),
    ).toEqual(['a', 'b']);
    expect(registry.count()).toBe(2);
  });

  it('an empty registry lists an empty array, not undefined', () => {
    expect(createDynamicRegistry().list()).toEqual([]);
  });

  it('count always equals list().length', () => {
    const registry = createDynamicRegistry([minimalBackend('a')]);
    registry.upsert(minimalBackend('b'));
    registry.remove('a');
    registry.upsert(minimalBackend('c'));
    expect(registry.count()).toBe(registry.list().length);
    expect(registry.count()).toBe(2);
  });

  it('keeps nested fields intact', () => {
    const input = fullBackend('a');
    const registry = createDynamicRegistry([input]);
    expect(registry.get('a')).toEqual(input);
  });
});

describe('createDynamicRegistry: upsert', () => {
  it('adds a new backend: count 1, version 1, returns true', () => {
    const registry = createDynamicRegistry();
    expect(registry.upsert(minimalBackend('a'))).toBe(true);
    expect(registry.count()).toBe(1);
    expect(registry.version()).toBe(1);
  });

  it('replaces an existing backend with different content: version 1', () => {
    const registry = createDynamicRegistry([minimalBackend('a')]);
    expect(registry.upsert(minimalBackend('a', { healthStatus: 'healthy' }))).toBe(true);
    expect(registry.get('a')?.healthStatus).toBe('healthy');
    expect(registry.count()).toBe(1);
    expect(registry.version()).toBe(1);
  });

  it('three identical upserts → version 1, count 1 (upstream: 3; we count effective changes)', () => {
    const registry = createDynamicRegistry();
    expect([1, 2, 3].map(() => registry.upsert(fullBackend('a')))).toEqual([true, false, false]);
    expect(registry.version()).toBe(1);
    expect(registry.count()).toBe(1);
  });

  it('an upsert equal to the initial contents changes nothing', () => {
    const registry = createDynamicRegistry([fullBackend('a')]);
    const stored = registry.get('a');
    expect(registry.upsert(fullBackend('a'))).toBe(false);
    expect(registry.version()).toBe(0);
    expect(registry.get('a')).toBe(stored);
  });

  it('compares deeply: a change in a nested field counts, key order and undefined properties do not', () => {
    const registry = createDynamicRegistry([fullBackend('a')]);
    const reordered = Object.fromEntries(Object.entries(fullBackend('a')).reverse()) as unknown as Backend;
    expect(registry.upsert(reordered)).toBe(false);
    expect(registry.upsert({ ...fullBackend('a'), authConfigRef: undefined } as unknown as Backend)).toBe(true);
    expect(registry.get('a')).not.toHaveProperty('authConfigRef');
    expect(registry.upsert({ ...fullBackend('a'), authConfigRef: undefined } as unknown as Backend)).toBe(false);
    const nested = fullBackend('a', { authConfigRef: undefined } as unknown as Partial<Backend>);
    nested.authConfig!.tokenExchange!.scopes = ['read'];
    expect(registry.upsert(nested)).toBe(true);
    expect(registry.version()).toBe(2);
  });

  it('throws "backend ID cannot be empty" for an empty id and leaves registry and version alone', () => {
    const registry = createDynamicRegistry([minimalBackend('a')]);
    const listener = vi.fn();
    registry.subscribe(listener);
    expect(() => registry.upsert(minimalBackend(''))).toThrow(new Error('backend ID cannot be empty'));
    expect(registry.version()).toBe(0);
    expect(registry.count()).toBe(1);
    expect(listener).not.toHaveBeenCalled();
  });

  it.each([
    ['a non-string id', { ...minimalBackend('x'), id: 42 }, /backend ID must be a string, got number/],
    ['null', null, /a backend must be an object, got null/],
    [
      'a function in metadata',
      minimalBackend('fn', { metadata: { f: (() => 1) as unknown as string } }),
      /backend "fn": cannot store backend\.metadata\.f: a function/,
    ],
    ['a Date', { ...minimalBackend('d'), when: new Date(0) }, /backend "d": cannot store backend\.when: a Date instance/],
    ['NaN', { ...minimalBackend('n'), weight: Number.NaN }, /backend "n": cannot store backend\.weight: the number NaN/],
  ])('rejects %s with a clear error and no change', (_label, input, message) => {
    const registry = createDynamicRegistry();
    expect(() => registry.upsert(input as unknown as Backend)).toThrow(message);
    expect(registry.version()).toBe(0);
    expect(registry.count()).toBe(0);
  });

  it('rejects a cyclic backend instead of overflowing the stack', () => {
    const cyclic = minimalBackend('loop') as Backend & { self?: unknown };
    cyclic.self = cyclic;
    expect(() => createDynamicRegistry().upsert(cyclic)).toThrow(/backend "loop": cannot store .*nesting deeper than 64 levels/);
  });
});

describe('createDynamicRegistry: remove', () => {
  it('removes an existing backend: version 1, returns true', () => {
    const registry = createDynamicRegistry([minimalBackend('a')]);
    expect(registry.remove('a')).toBe(true);
    expect(registry.get('a')).toBeUndefined();
    expect(registry.count()).toBe(0);
    expect(registry.version()).toBe(1);
  });

  it('a missing id → false, no error, version unchanged (upstream bumps it)', () => {
    const registry = createDynamicRegistry([minimalBackend('a')]);
    expect(registry.remove('nope')).toBe(false);
    expect(registry.remove('')).toBe(false);
    expect(registry.version()).toBe(0);
    expect(registry.count()).toBe(1);
  });

  it('two removes of different backends → version 2; removing one of three leaves the other two', () => {
    const registry = createDynamicRegistry([minimalBackend('a'), minimalBackend('b'), minimalBackend('c')]);
    expect(registry.remove('b')).toBe(true);
    expect(
      registry
        .list()
        .map((b) => b.id)
        .sort(),
    ).toEqual(['a', 'c']);
    expect(registry.remove('a')).toBe(true);
    expect(registry.remove('a')).toBe(false);
    expect(registry.version()).toBe(2);
  });

  it('a backend can be added again after removal', () => {
    const registry = createDynamicRegistry([minimalBackend('a')]);
    registry.remove('a');
    expect(registry.upsert(minimalBackend('a'))).toBe(true);
    expect(registry.version()).toBe(2);
  });
});

describe('createDynamicRegistry: version', () => {
  it('is strictly monotonic across mixed effective operations, +1 each', () => {
    const registry = createDynamicRegistry();
    const seen = [registry.version()];
    registry.upsert(minimalBackend('a'));
    seen.push(registry.version());
    registry.upsert(minimalBackend('b'));
    seen.push(registry.version());
    registry.remove('a');
    seen.push(registry.version());
    registry.upsert(minimalBackend('b', { healthStatus: 'unhealthy' }));
    seen.push(registry.version());
    expect(seen).toEqual([0, 1, 2, 3, 4]);
  });

  it('50 distinct upserts → count 50, version 50', () => {
    const registry = createDynamicRegistry();
    for (let i = 0; i < 50; i++) registry.upsert(minimalBackend(`b${i}`));
    expect(registry.count()).toBe(50);
    expect(registry.version()).toBe(50);
  });
});

describe('createDynamicRegistry: immutability', () => {
  it("never freezes or retains the caller's object", () => {
    const input = fullBackend('a');
    const registry = createDynamicRegistry();
    registry.upsert(input);
    expect(Object.isFrozen(input)).toBe(false);
    expect(Object.isFrozen(input.metadata)).toBe(false);
    input.baseUrl = 'http://changed';
    input.metadata['extra'] = 'x';
    input.authConfig!.tokenExchange!.scopes!.push('admin');
    input.headerForward!.addPlaintextHeaders!['X-Tenant'] = 'other';
    expect(registry.get('a')).toEqual(fullBackend('a'));
  });

  it("the initial iterable's objects are not retained either", () => {
    const input = [fullBackend('a')];
    const registry = createDynamicRegistry(input);
    input[0]!.metadata['tool_type'] = 'changed';
    input.push(minimalBackend('b'));
    expect(registry.get('a')?.metadata['tool_type']).toBe('mcp');
    expect(registry.count()).toBe(1);
  });

  it('stored objects are deeply frozen: writes throw in strict mode and change nothing', () => {
    const registry = createDynamicRegistry([fullBackend('a')]);
    const stored = registry.get('a')!;
    expect(() => {
      stored.baseUrl = 'http://evil';
    }).toThrow(TypeError);
    expect(() => {
      stored.metadata['x'] = 'y';
    }).toThrow(TypeError);
    expect(() => {
      stored.authConfig!.tokenExchange!.clientSecret = 'stolen';
    }).toThrow(TypeError);
    expect(() => stored.authConfig!.tokenExchange!.scopes!.push('admin')).toThrow(TypeError);
    expect(() => {
      stored.headerForward!.addHeadersFromSecret!['X'] = 'y';
    }).toThrow(TypeError);
    expect(() => {
      delete (stored as Partial<Backend>).caBundleData;
    }).toThrow(TypeError);
    expect(registry.get('a')).toEqual(fullBackend('a'));
  });

  it('the registry object itself cannot be patched', () => {
    const registry = createDynamicRegistry();
    expect(() => {
      (registry as { version: () => number }).version = () => 99;
    }).toThrow(TypeError);
  });
});

describe('createDynamicRegistry: events', () => {
  it('notifies synchronously with type, version, backend and previous', () => {
    const registry = createDynamicRegistry([minimalBackend('a')]);
    const events: RegistryEvent[] = [];
    registry.subscribe((e) => events.push(e));
    const original = registry.get('a');
    registry.upsert(minimalBackend('a', { healthStatus: 'healthy' }));
    expect(events).toHaveLength(1); // delivered before upsert returned
    const updated = registry.get('a');
    registry.upsert(minimalBackend('b'));
    registry.remove('a');
    expect(events).toEqual([
      { type: 'upsert', version: 1, backend: updated, previous: original },
      { type: 'upsert', version: 2, backend: registry.get('b') },
      { type: 'remove', version: 3, id: 'a', previous: updated },
    ]);
    expect(events[1]).not.toHaveProperty('previous');
    expect(original?.healthStatus).toBe('unknown');
    expect(updated?.healthStatus).toBe('healthy');
  });

  it('the event carries the stored frozen object, and the event itself is frozen', () => {
    const registry = createDynamicRegistry();
    let event: RegistryEvent | undefined;
    registry.subscribe((e) => (event = e));
    registry.upsert(fullBackend('a'));
    expect(event?.type === 'upsert' && event.backend).toBe(registry.get('a'));
    expect(Object.isFrozen(event)).toBe(true);
  });

  it('no event for an unchanged upsert or a missing remove', () => {
    const registry = createDynamicRegistry([minimalBackend('a')]);
    const listener = vi.fn();
    registry.subscribe(listener);
    registry.upsert(minimalBackend('a'));
    registry.remove('missing');
    expect(listener).not.toHaveBeenCalled();
  });

  it('unsubscribe stops notifications and is idempotent', () => {
    const registry = createDynamicRegistry();
    const first = vi.fn();
    const second = vi.fn();
    const unsubscribeFirst = registry.subscribe(first);
    registry.subscribe(second);
    unsubscribeFirst();
    unsubscribeFirst();
    registry.upsert(minimalBackend('a'));
    expect(first).not.toHaveBeenCalled();
    expect(second).toHaveBeenCalledTimes(1);
  });

  it('the same function subscribed twice is called twice and unsubscribed one subscription at a time', () => {
    const registry = createDynamicRegistry();
    const listener = vi.fn();
    const unsubscribe = registry.subscribe(listener);
    registry.subscribe(listener);
    registry.upsert(minimalBackend('a'));
    expect(listener).toHaveBeenCalledTimes(2);
    unsubscribe();
    registry.upsert(minimalBackend('b'));
    expect(listener).toHaveBeenCalledTimes(3);
  });

  it('rejects a listener that is not a function', () => {
    expect(() => createDynamicRegistry().subscribe(undefined as unknown as () => void)).toThrow(/subscribe\(\) needs a listener function/);
  });
});

describe('createDynamicRegistry: a throwing listener', () => {
  it('does not stop the mutation nor the other listeners, and is reported to onListenerError', () => {
    const reported: [unknown, RegistryEvent][] = [];
    const registry = createDynamicRegistry([], { onListenerError: (error, event) => reported.push([error, event]) });
    const boom = new Error('listener failed');
    const after = vi.fn();
    registry.subscribe(() => {
      throw boom;
    });
    registry.subscribe(after);
    expect(registry.upsert(minimalBackend('a'))).toBe(true);
    expect(registry.get('a')).toBeDefined();
    expect(registry.version()).toBe(1);
    expect(after).toHaveBeenCalledTimes(1);
    expect(reported).toHaveLength(1);
    expect(reported[0]![0]).toBe(boom);
    expect(reported[0]![1]).toMatchObject({ type: 'upsert', version: 1 });
  });

  it('by default writes only the error to console.error, never the event (it may hold secrets)', () => {
    const spy = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    try {
      const registry = createDynamicRegistry();
      registry.subscribe(() => {
        throw new Error('listener failed');
      });
      registry.upsert(fullBackend('a'));
      expect(spy).toHaveBeenCalledTimes(1);
      const logged = spy.mock.calls[0]!;
      expect(logged.some((arg) => arg instanceof Error && arg.message === 'listener failed')).toBe(true);
      const text = logged.map((arg) => (arg instanceof Error ? `${arg.message} ${arg.stack}` : JSON.stringify(arg))).join(' ');
      expect(text).not.toContain('vmcp-planted-secret-client');
      expect(text).not.toContain('"upsert"');
    } finally {
      spy.mockRestore();
    }
  });

  it('survives an onListenerError that throws too', () => {
    const spy = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    try {
      const registry = createDynamicRegistry([], {
        onListenerError: () => {
          throw new Error('reporter failed');
        },
      });
      const after = vi.fn();
      registry.subscribe(() => {
        throw new Error('listener failed');
      });
      registry.subscribe(after);
      expect(registry.upsert(minimalBackend('a'))).toBe(true);
      expect(after).toHaveBeenCalledTimes(1);
      expect(spy).toHaveBeenCalledTimes(1);
    } finally {
      spy.mockRestore();
    }
  });
});

describe('createDynamicRegistry: listeners that change the registry', () => {
  it('a nested change is applied at once but delivered after the current event reached every listener', () => {
    const registry = createDynamicRegistry();
    const log: string[] = [];
    registry.subscribe((e) => {
      log.push(`first saw v${e.version}`);
      if (e.type === 'upsert' && e.backend.id === 'a') {
        expect(registry.upsert(minimalBackend('b'))).toBe(true);
        // State and version already reflect the nested change.
        expect(registry.get('b')).toBeDefined();
        expect(registry.version()).toBe(2);
        log.push('first: nested upsert returned');
      }
    });
    registry.subscribe((e) => log.push(`second saw v${e.version}`));
    registry.upsert(minimalBackend('a'));
    expect(log).toEqual(['first saw v1', 'first: nested upsert returned', 'second saw v1', 'first saw v2', 'second saw v2']);
    expect(registry.version()).toBe(2);
  });

  it('every listener sees versions in strictly increasing order, even with chains of nested changes', () => {
    const registry = createDynamicRegistry();
    const seen: number[][] = [[], [], []];
    registry.subscribe((e) => {
      seen[0]!.push(e.version);
      if (e.type === 'upsert' && e.backend.id.length < 4) registry.upsert(minimalBackend(`${e.backend.id}x`));
    });
    registry.subscribe((e) => {
      seen[1]!.push(e.version);
      if (e.type === 'upsert' && e.backend.id === 'ax') registry.remove('a');
    });
    registry.subscribe((e) => seen[2]!.push(e.version));
    registry.upsert(minimalBackend('a'));
    const expected = [1, 2, 3, 4, 5];
    expect(seen).toEqual([expected, expected, expected]);
    expect(
      registry
        .list()
        .map((b) => b.id)
        .sort(),
    ).toEqual(['ax', 'axx', 'axxx']);
  });

  it('replaying delivered events reproduces the state even when listeners change the registry', () => {
    const registry = createDynamicRegistry();
    const replica = new Map<string, Backend>();
    registry.subscribe((e) => {
      if (e.type === 'upsert' && e.backend.healthStatus === 'unknown') {
        registry.upsert({ ...e.backend, healthStatus: 'healthy' });
      }
    });
    registry.subscribe((e) => (e.type === 'upsert' ? replica.set(e.backend.id, e.backend) : replica.delete(e.id)));
    registry.upsert(minimalBackend('a'));
    registry.upsert(minimalBackend('b'));
    registry.remove('a');
    expect(new Map(registry.list().map((b) => [b.id, b]))).toEqual(replica);
    expect(replica.get('b')?.healthStatus).toBe('healthy');
  });

  it('a listener subscribed during delivery starts with the next event', () => {
    const registry = createDynamicRegistry();
    const late = vi.fn();
    const unsubscribe = registry.subscribe(() => {
      registry.subscribe(late);
      unsubscribe();
    });
    registry.upsert(minimalBackend('a'));
    expect(late).not.toHaveBeenCalled();
    registry.upsert(minimalBackend('b'));
    expect(late).toHaveBeenCalledTimes(1);
  });

  it('a listener unsubscribed by an earlier listener is not called for the event in flight', () => {
    const registry = createDynamicRegistry();
    const victim = vi.fn();
    let unsubscribeVictim = (): void => undefined;
    registry.subscribe(() => unsubscribeVictim());
    unsubscribeVictim = registry.subscribe(victim);
    registry.upsert(minimalBackend('a'));
    expect(victim).not.toHaveBeenCalled();
  });

  it('a nested change that throws (empty id) propagates to the listener only, not to the outer caller', () => {
    const reported: unknown[] = [];
    const registry = createDynamicRegistry([], { onListenerError: (error) => reported.push(error) });
    registry.subscribe(() => registry.upsert(minimalBackend('')));
    expect(registry.upsert(minimalBackend('a'))).toBe(true);
    expect(reported).toEqual([new Error('backend ID cannot be empty')]);
    expect(registry.version()).toBe(1);
  });
});
