import { describe, expect, it } from 'vitest';
import { isValidNamespaceName, isValidObjectName, parseGroupRef } from '../src/index.ts';

describe('parseGroupRef', () => {
  it.each([
    ['g', 'ns', 'g'],
    ['ns/g', 'ns', 'g'],
    ['my-group.v2', 'team-a', 'my-group.v2'],
    ['team-a/my-group', 'team-a', 'my-group'],
    ['a'.repeat(253), 'ns', 'a'.repeat(253)],
  ])('%j in namespace %j → group %j', (ref, ns, name) => {
    expect(parseGroupRef(ref, ns)).toEqual({ namespace: ns, name });
  });

  it.each([
    ['', 'ns', 'groupRef cannot be empty'],
    ['g', '', 'namespace cannot be empty'],
    ['other/g', 'ns', 'groupRef "other/g" names namespace "other" but the watcher watches namespace "ns"'],
    ['a/b/c', 'ns', 'groupRef "a/b/c" must be "name" or "namespace/name" (found 2 \'/\')'],
    ['/g', 'ns', 'groupRef "/g" has an empty namespace part'],
    ['ns/', 'ns', 'groupRef "ns/" has an empty name part'],
    ['My-Group', 'ns', 'groupRef "My-Group": group name "My-Group" is not a valid Kubernetes name'],
    ['ns/-g', 'ns', 'groupRef "ns/-g": group name "-g" is not a valid Kubernetes name'],
    [' g', 'ns', 'group name " g" is not a valid Kubernetes name'],
    ['g_1', 'ns', 'group name "g_1" is not a valid Kubernetes name'],
    ['a'.repeat(254), 'ns', 'is not a valid Kubernetes name'],
    ['g', 'Bad.NS', 'namespace "Bad.NS" is not a valid Kubernetes namespace name'],
  ])('%j in namespace %j → error %j', (ref, ns, message) => {
    expect(() => parseGroupRef(ref, ns)).toThrow(message);
  });
});

describe('name validation', () => {
  it.each([
    ['a', true, true],
    ['a.b', true, false],
    ['a-b-1', true, true],
    ['a.', false, false],
    ['.a', false, false],
    ['A', false, false],
    ['a'.repeat(63), true, true],
    ['a'.repeat(64), true, false],
    ['', false, false],
  ])('%j: object name %j, namespace name %j', (name, object, namespace) => {
    expect(isValidObjectName(name)).toBe(object);
    expect(isValidNamespaceName(name)).toBe(namespace);
  });
});
