import { describe, expect, it } from 'vitest';
import { frozenCopy, plainDataEqual, PlainDataError } from '../src/plain-data.ts';

describe('plainDataEqual', () => {
  it.each([
    ['same primitives', 1, 1, true],
    ['different primitives', 1, 2, false],
    ['string vs number', '1', 1, false],
    ['null vs object', null, {}, false],
    ['null vs null', null, null, true],
    ['empty object vs empty array', {}, [], false],
    ['arrays equal', [1, 'a', [true]], [1, 'a', [true]], true],
    ['arrays differ in order', [1, 2], [2, 1], false],
    ['arrays differ in length', [1], [1, 1], false],
    ['objects, any key order', { a: 1, b: { c: [1] } }, { b: { c: [1] }, a: 1 }, true],
    ['nested difference', { a: { b: { c: 1 } } }, { a: { b: { c: 2 } } }, false],
    ['extra key', { a: 1 }, { a: 1, b: 2 }, false],
    ['undefined property equals absent', { a: 1, b: undefined }, { a: 1 }, true],
    ['absent equals undefined property', { a: 1 }, { a: 1, b: undefined }, true],
    ['undefined vs null property', { a: undefined }, { a: null }, false],
    ['same key count, different keys', { a: 1, b: undefined }, { c: 1 }, false],
    ['null-prototype object', Object.assign(Object.create(null) as object, { a: 1 }), { a: 1 }, true],
    ['Date vs plain object', new Date(0), {}, false],
    ['NaN', Number.NaN, Number.NaN, false],
    ['own "__proto__" vs a different key', JSON.parse('{"__proto__": {}}'), { y: 1 }, false],
    ['own "__proto__" on both', JSON.parse('{"__proto__": {"a": 1}}'), JSON.parse('{"__proto__": {"a": 1}}'), true],
    ['key only on the prototype of b', { toString: 'x' }, {}, false],
  ])('%s → %s', (_label, a, b, expected) => {
    expect(plainDataEqual(a, b)).toBe(expected);
    expect(plainDataEqual(b, a)).toBe(expected);
  });
});

describe('frozenCopy', () => {
  it('returns a deep, deeply frozen copy and leaves the input alone', () => {
    const input = { a: [{ b: 'c' }], d: { e: null }, f: 1, g: true, h: undefined };
    const copy = frozenCopy(input, 'thing', 'thing');
    expect(copy).toEqual({ a: [{ b: 'c' }], d: { e: null }, f: 1, g: true });
    expect(copy).not.toHaveProperty('h');
    expect(copy.a).not.toBe(input.a);
    expect(copy.a[0]).not.toBe(input.a[0]);
    for (const node of [copy, copy.a, copy.a[0], copy.d]) expect(Object.isFrozen(node)).toBe(true);
    expect(Object.isFrozen(input) || Object.isFrozen(input.a) || Object.isFrozen(input.d)).toBe(false);
  });

  it('keeps an own "__proto__" key as data, never as a prototype', () => {
    const input = JSON.parse('{"__proto__": {"polluted": "yes"}, "a": 1}') as Record<string, unknown>;
    const copy = frozenCopy(input, 'thing', 'thing');
    expect(Object.getPrototypeOf(copy)).toBe(Object.prototype);
    expect((copy as { polluted?: string }).polluted).toBeUndefined();
    expect(Object.prototype.hasOwnProperty.call(copy, '__proto__')).toBe(true);
    expect(plainDataEqual(copy, input)).toBe(true);
  });

  it.each([
    ['a symbol', { s: Symbol('x') }, /thing "t": cannot store root\.s: a symbol is not JSON data/],
    ['a bigint', { n: 1n }, /root\.n: a bigint/],
    ['Infinity', { n: Infinity }, /root\.n: the number Infinity/],
    ['a Map', { m: new Map() }, /root\.m: a Map instance/],
    ['a sparse array', { a: new Array(2) }, /root\.a\[0\]: sparse arrays/],
    ['undefined in an array', { a: [undefined] }, /root\.a\[0\]: a undefined is not JSON data/],
  ])('rejects %s, naming the owner and the path', (_label, input, message) => {
    expect(() => frozenCopy(input, 'thing "t"', 'root')).toThrow(PlainDataError);
    expect(() => frozenCopy(input, 'thing "t"', 'root')).toThrow(message);
  });
});
