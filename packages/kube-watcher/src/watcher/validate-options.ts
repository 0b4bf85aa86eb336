/**
 * The checks `new BackendWatcher(...)` makes before anything else, in upstream `NewBackendWatcher`'s order and words,
 * then the group reference's form; or, for a many-groups watcher, the group list and its limit. Nothing here touches
 * the network.
 */
import { parseGroupRef, type GroupRef } from '@vmcp/reconciler';
import type { DynamicRegistry } from '@vmcp/registry';
import type { BackendWatcherOptions } from './types.ts';

/** Default of `maxGroups`. */
export const DEFAULT_MAX_GROUPS = 100;

/** What the options ask the watcher to serve. */
export type GroupMode =
  | { readonly kind: 'one'; readonly ref: GroupRef; readonly registry: DynamicRegistry }
  | {
      readonly kind: 'many';
      /** The bare names of a list; `'all'` follows the namespace's MCPGroups. */
      readonly groups: readonly string[] | 'all';
      readonly maxGroups: number;
      readonly registryFor: ((group: string) => DynamicRegistry) | undefined;
    };

/** Throws the first problem of `options` (a JavaScript caller may pass anything); returns what to serve. */
export function validateWatcherOptions(options: BackendWatcherOptions): GroupMode {
  const given = (options ?? {}) as Partial<BackendWatcherOptions>;
  if (!given.kubeConfig || typeof given.kubeConfig.getCurrentCluster !== 'function') throw new Error('kube config cannot be nil');
  if (typeof given.namespace !== 'string' || given.namespace === '') throw new Error('namespace cannot be empty');
  const many = given.groups !== undefined || given.registryFor !== undefined || given.maxGroups !== undefined;
  if (many && (given.groupRef !== undefined || given.registry !== undefined)) {
    throw new Error('give either groupRef and registry (one group) or groups (many groups), not both');
  }
  if (many) return manyGroups(given, given.namespace);
  if (typeof given.groupRef !== 'string' || given.groupRef === '') throw new Error('groupRef cannot be empty');
  if (!given.registry) throw new Error('registry cannot be nil');
  if (given.discoverer && !given.plan) throw new Error('a custom discoverer needs its watch plan (options.plan)');
  return { kind: 'one', ref: parseGroupRef(given.groupRef, given.namespace), registry: given.registry };
}

function manyGroups(given: Partial<BackendWatcherOptions>, namespace: string): GroupMode {
  const { groups, registryFor, maxGroups = DEFAULT_MAX_GROUPS } = given;
  if (!Number.isInteger(maxGroups) || maxGroups < 1) throw new Error(`maxGroups must be a positive integer (got ${String(maxGroups)})`);
  if (registryFor !== undefined && typeof registryFor !== 'function') throw new Error('registryFor must be a function');
  if (given.discoverer && !given.plan) throw new Error('a custom discoverer needs its watch plan (options.plan)');
  if (groups === 'all') return { kind: 'many', groups, maxGroups, registryFor };
  if (!Array.isArray(groups) || groups.length === 0) throw new Error(`groups must be 'all' or a non-empty list of MCPGroup names`);
  const names: string[] = [];
  for (const value of groups as unknown[]) {
    const { name } = parseGroupRef(value as string, namespace);
    if (names.includes(name)) throw new Error(`groups lists group "${name}" twice`);
    names.push(name);
  }
  if (names.length > maxGroups) throw new Error(`groups lists ${names.length} groups, more than maxGroups (${maxGroups})`);
  return { kind: 'many', groups: names, maxGroups, registryFor };
}
