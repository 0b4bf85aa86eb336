import { describe, expect, it } from 'vitest';
import { groupRefName, remoteUrlOf } from '../src/index.ts';

describe('groupRefName', () => {
  it.each([
    ['v1beta1 object form', { groupRef: { name: 'engineering' } }, 'engineering'],
    ['v1alpha1 (v0.7.0) string form', { groupRef: 'engineering' }, 'engineering'],
    ['object with extra fields', { groupRef: { name: 'eng', namespace: 'ignored' } }, 'eng'],
    ['missing groupRef', { image: 'x' }, ''],
    ['empty spec', {}, ''],
    ['groupRef null', { groupRef: null }, ''],
    ['groupRef a number', { groupRef: 42 }, ''],
    ['groupRef a boolean', { groupRef: true }, ''],
    ['groupRef an array', { groupRef: ['engineering'] }, ''],
    ['object without name', { groupRef: {} }, ''],
    ['name a number', { groupRef: { name: 7 } }, ''],
    ['name null', { groupRef: { name: null } }, ''],
    ['empty string form', { groupRef: '' }, ''],
    ['spec undefined', undefined, ''],
    ['spec null', null, ''],
    ['spec a string', 'groupRef', ''],
    ['spec a number', 3, ''],
  ])('%s → %j', (_label, spec, expected) => {
    expect(groupRefName(spec)).toBe(expected);
  });

  it('does not trim or case-fold (names are exact)', () => {
    expect(groupRefName({ groupRef: ' Eng ' })).toBe(' Eng ');
  });
});

describe('remoteUrlOf', () => {
  it.each([
    ['v1beta1 remoteUrl', { remoteUrl: 'https://a' }, 'https://a'],
    ['v0.7.0 remoteURL', { remoteURL: 'https://b' }, 'https://b'],
    ['both: remoteUrl wins', { remoteUrl: 'https://new', remoteURL: 'https://old' }, 'https://new'],
    ['remoteUrl not a string falls back to remoteURL', { remoteUrl: 5, remoteURL: 'https://old' }, 'https://old'],
    ['empty remoteUrl is still a string and wins', { remoteUrl: '', remoteURL: 'https://old' }, ''],
    ['neither', { transport: 'sse' }, ''],
    ['remoteUrl an object', { remoteUrl: { href: 'https://a' } }, ''],
    ['remoteURL null', { remoteURL: null }, ''],
    ['spec null', null, ''],
    ['spec undefined', undefined, ''],
    ['spec a string', 'https://a', ''],
    ['spec an array', ['https://a'], ''],
  ])('%s → %j', (_label, spec, expected) => {
    expect(remoteUrlOf(spec)).toBe(expected);
  });
});
