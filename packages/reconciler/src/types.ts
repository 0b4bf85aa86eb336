import type { Clock } from '@vmcp/core';
import type { CacheReader, Discoverer, ExclusionReason, WatchPlan } from '@vmcp/discoverer';
import type { DynamicRegistry } from '@vmcp/registry';

/** A reconcile request: one backend name (no kind; all source kinds with that name are considered). */
export interface Request {
  name: string;
}

/** What reconcile decided. `requeueAfterMs` asks for a timed re-check; a thrown error asks for a retry with backoff. */
export interface Result {
  /** Milliseconds; absent when no re-check is needed. */
  requeueAfterMs?: number;
  /** What happened to the registry entry for this name. */
  action: 'upsert' | 'remove';
  /** Whether the registry content changed. */
  changed: boolean;
  /** Set when the name is not served (removed or absent). */
  reason?: ExclusionReason;
}

/** Objects of more than one source kind, in our group, share one backend name. The first by precedence wins. */
export interface NameConflict {
  name: string;
  /** Kinds in precedence order; `kinds[0]` is served. */
  kinds: string[];
}

/** Settings of a backend reconciler. */
export interface BackendReconcilerOptions<TType extends string = string> {
  /** The one namespace watched and served. */
  namespace: string;
  /** `name` or `namespace/name`; the namespace part must equal `namespace`. */
  groupRef: string;
  registry: DynamicRegistry;
  discoverer: Discoverer<TType>;
  reader: CacheReader;
  /** The discoverer's watch plan (source kinds and their precedence). Default: `kubernetesWatchPlan({ group })`. */
  plan?: WatchPlan<TType>;
  /** Called for every decision (logging, metrics). Must not throw; errors are swallowed. */
  onResult?: (request: Request, outcome: Result | { error: Error }) => void;
  /** Called when a same-name conflict appears or changes. Must not throw; errors are swallowed. */
  onConflict?: (conflict: NameConflict) => void;
  /** Called when a reported conflict is gone (one of the objects left the group or was deleted). */
  onConflictResolved?: (name: string) => void;
  /** Time of `exclusions()`' `since` (its `epochMs()`). Default `systemClock`; tests pass a `FakeClock`. */
  clock?: Clock;
}

/** What one reconcile of a name decided in each served group it touched. */
export interface GroupsResult {
  /**
   * Group → its decision, for every group that has an object of this name or served it before (when exactly one
   * group is served, always that group). A name in no served group that none served leaves this empty.
   */
  readonly results: ReadonlyMap<string, Result>;
}

/** Settings of a {@link GroupsReconciler}: many groups of one namespace, one set of caches. */
export interface GroupsReconcilerOptions<TType extends string = string> {
  /** The one namespace watched. */
  namespace: string;
  /** Groups served from the start, each with its registry (more with `addGroup`). */
  groups?: Iterable<readonly [string, DynamicRegistry]>;
  discoverer: Discoverer<TType>;
  reader: CacheReader;
  /** The discoverer's watch plan (source kinds and their precedence). */
  plan: WatchPlan<TType>;
  /** Called for every decision (logging, metrics). Must not throw; errors are swallowed. */
  onResult?: (request: Request, outcome: GroupsResult | { error: Error }) => void;
  /** Called when a same-name conflict inside `group` appears or changes. Must not throw; errors are swallowed. */
  onConflict?: (group: string, conflict: NameConflict) => void;
  /** Called when a reported conflict inside `group` is gone. */
  onConflictResolved?: (group: string, name: string) => void;
  /** Time of exclusions' `since` (its `epochMs()`). Default `systemClock`. */
  clock?: Clock;
  /**
   * Serve exactly this one group of `groups`, as `BackendReconciler` and a one-group watcher do: every reconcile
   * decides it (its registry may also be written by others), out-of-group messages name it, and no group can be
   * added. Without it, a reconcile decides only the groups that have objects of the name or served it.
   */
  oneGroup?: string;
}
