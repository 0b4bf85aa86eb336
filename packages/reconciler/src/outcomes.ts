/** The reasons and counter of a reconcile's outcome, shared by every group it decides. */
import type { ExclusionReason } from '@vmcp/discoverer';
import type { CounterKey } from './observations.ts';
import type { Result } from './types.ts';

/** Outcome order of the one counter a reconcile of several groups adds (see `ReconcileCounters`). */
const COUNTER_ORDER: readonly CounterKey[] = ['upserted', 'removed', 'excluded', 'unchanged'];

/** Why a shadowed kind of a same-name conflict is not served. */
export function nameConflict(name: string, kind: string, shadowed: readonly string[]): ExclusionReason {
  return {
    code: 'name-conflict',
    message: `${shadowed.join(', ')} "${name}" not served: ${kind} "${name}" in the same group takes precedence ` + `(rename one of them)`,
  };
}

/** Why a workload the discoverer gave no backend (and no reason) for is not served. */
export function excludedReason(kind: string, name: string): ExclusionReason {
  return { code: 'excluded', message: `${kind} "${name}" is not served: the discoverer returned no backend` };
}

/** The one counter a reconcile adds: the first of upserted, removed, excluded, unchanged that a group saw. */
export function counterFor(results: ReadonlyMap<string, Result>, excluded: boolean): CounterKey {
  const seen = new Set<CounterKey>();
  for (const result of results.values()) {
    if (result.action === 'upsert') seen.add(result.changed ? 'upserted' : 'unchanged');
    else if (result.changed) seen.add('removed');
    else seen.add(result.reason?.code === 'not-found' ? 'unchanged' : 'excluded');
  }
  if (results.size === 0) seen.add(excluded ? 'excluded' : 'unchanged');
  return COUNTER_ORDER.find((key) => seen.has(key)) ?? 'unchanged';
}
