import { describe, expect, it } from 'vitest';
import { callSafely, compareBy, Emitter, errorMessage, toError } from '../src/index.ts';

describe('errorMessage', () => {
  it('takes an Error’s message and the string form of anything else', () => {
    expect(errorMessage(new TypeError('bad type'))).toBe('bad type');
    expect(errorMessage('plain')).toBe('plain');
    expect(errorMessage(42)).toBe('42');
    expect(errorMessage(undefined)).toBe('undefined');
  });
});

describe('toError', () => {
  it('keeps an Error as it is and wraps anything else, keeping it as the cause', () => {
    const original = new RangeError('out of range');
    expect(toError(original)).toBe(original);
    const wrapped = toError({ code: 7 });
    expect(wrapped).toBeInstanceOf(Error);
    expect(wrapped.message).toBe('[object Object]');
    expect(wrapped.cause).toEqual({ code: 7 });
    expect(toError('refused').message).toBe('refused');
  });
});

describe('compareBy', () => {
  it('orders by the key in code-unit order, stable for equal keys', () => {
    const items = [
      { id: 'b', n: 1 },
      { id: 'B', n: 2 },
      { id: 'a', n: 3 },
      { id: 'b', n: 4 },
    ];
    expect([...items].sort(compareBy((i) => i.id)).map((i) => i.n)).toEqual([2, 3, 1, 4]);
    expect([...items].sort(compareBy((i) => -i.n)).map((i) => i.n)).toEqual([4, 3, 2, 1]);
  });
});

describe('callSafely', () => {
  it('returns the hook’s result, or undefined and a report when it throws', () => {
    const reported: unknown[] = [];
    expect(
      callSafely(
        () => 7,
        (e) => reported.push(e),
      ),
    ).toBe(7);
    const boom = new Error('boom');
    expect(
      callSafely(
        () => {
          throw boom;
        },
        (e) => reported.push(e),
      ),
    ).toBeUndefined();
    expect(reported).toEqual([boom]);
  });

  it('survives a reporter that throws too', () => {
    expect(
      callSafely(
        () => {
          throw new Error('hook');
        },
        () => {
          throw new Error('reporter');
        },
      ),
    ).toBeUndefined();
  });
});

describe('Emitter', () => {
  interface Events {
    changed: { id: string };
    closed: undefined;
  }

  it('calls listeners in order; a throwing one is reported and does not stop the rest', () => {
    const errors: [unknown, string][] = [];
    const emitter = new Emitter<Events>((error, event) => errors.push([error, event]));
    const seen: string[] = [];
    emitter.on('changed', (p) => seen.push(`first ${p.id}`));
    emitter.on('changed', () => {
      throw new Error('listener broke');
    });
    emitter.on('changed', (p) => seen.push(`third ${p.id}`));
    emitter.emit('changed', { id: 'github' });
    expect(seen).toEqual(['first github', 'third github']);
    expect(errors).toHaveLength(1);
    expect(errors[0]?.[1]).toBe('changed');
  });

  it('unsubscribes, and a listener removed during an emit still gets that emit', () => {
    const emitter = new Emitter<Events>();
    const seen: string[] = [];
    let offB: () => void = () => undefined;
    const offA = emitter.on('closed', () => {
      seen.push('a');
      offB();
    });
    offB = emitter.on('closed', () => seen.push('b'));
    emitter.emit('closed', undefined);
    expect(seen).toEqual(['a', 'b']);
    emitter.emit('closed', undefined);
    expect(seen).toEqual(['a', 'b', 'a']);
    offA();
    offA();
    expect(emitter.listenerCount('closed')).toBe(0);
    emitter.emit('closed', undefined);
    expect(seen).toEqual(['a', 'b', 'a']);
  });
});
