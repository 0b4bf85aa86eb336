/**
 * The checks `new BackendWatcher(...)` makes before anything else, in upstream `NewBackendWatcher`'s order and words,
 * then the group reference's form. Nothing here touches the network.
 */
import { parseGroupRef, type GroupRef } from '@vmcp/reconciler';
import type { BackendWatcherOptions } from './types.ts';

/** Throws the first problem of `options` (a JavaScript caller may pass anything); returns the parsed group. */
export function validateWatcherOptions(options: BackendWatcherOptions): GroupRef {
  const given = (options ?? {}) as Partial<BackendWatcherOptions>;
  if (!given.kubeConfig || typeof given.kubeConfig.getCurrentCluster !== 'function') throw new Error('kube config cannot be nil');
  if (typeof given.namespace !== 'string' || given.namespace === '') throw new Error('namespace cannot be empty');
  if (typeof given.groupRef !== 'string' || given.groupRef === '') throw new Error('groupRef cannot be empty');
  if (!given.registry) throw new Error('registry cannot be nil');
  if (given.discoverer && !given.plan) throw new Error('a custom discoverer needs its watch plan (options.plan)');
  return parseGroupRef(given.groupRef, given.namespace);
}
