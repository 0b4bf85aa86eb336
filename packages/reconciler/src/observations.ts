/**
 * What the reconciler currently knows about names it does not serve, and how often each outcome happened. Kept apart
 * from the decision logic so the decision stays a plain function of (cache, discoverer) and this stays bookkeeping.
 *
 * Exclusions are stored once per name, whatever the number of served groups: a name whose objects are in no served
 * group holds one shared `out-of-group` record that every group projects (as one group's watcher always did), and
 * only a name with objects in served groups holds per-group records (shadowed, not servable, conversion error). An
 * object in another served group is not an exclusion of this group: it is served there.
 */
import type { Clock } from '@vmcp/core';
import type { ExclusionReason } from '@vmcp/discoverer';
import type { NameConflict } from './types.ts';

/** Why an existing name is not (fully) served, since when. */
export interface Exclusion {
  /** The kind that is not served (the in-group winner, or the first shadowed kind of a conflict). */
  kind?: string;
  reason: ExclusionReason;
  /** When this name entered this state (same kind and reason code); unchanged while repeated reconciles agree. */
  since: Date;
}

/**
 * Reconcile outcomes, mutually exclusive (each reconcile counts once):
 * - `upserted`: a backend was added or its content changed;
 * - `unchanged`: the registry already held this decision (same backend served, or a name that exists nowhere and
 *   is not in the registry);
 * - `removed`: a served backend was removed (any reason);
 * - `excluded`: an object exists but is not served, and was not served before either;
 * - `error`: reconcile threw (the caller retries with backoff).
 *
 * When one reconcile decides several groups, it counts once, by the first of upserted, removed, excluded, unchanged
 * that one of its groups saw.
 */
export interface ReconcileCounters {
  upserted: number;
  unchanged: number;
  removed: number;
  excluded: number;
  error: number;
}

/** One outcome, for the counters. */
export type CounterKey = keyof ReconcileCounters;

/** A name's exclusions: one record every served group shares, or one per group that has objects of this name. */
type NameExclusions = Readonly<Exclusion> | ReadonlyMap<string, Readonly<Exclusion>>;

/** What one reconcile decided about one name's exclusions. */
export type ExclusionDecision =
  | { shared: { reason: ExclusionReason; kind: string | undefined } }
  | { perGroup: ReadonlyMap<string, { reason: ExclusionReason; kind: string | undefined }> };

/** How a conflict of one (group, name) changed. */
export type ConflictChange = 'new' | 'changed' | 'resolved' | undefined;

/** @internal Mutable bookkeeping behind the reconciler's read-only views. */
export class Observations {
  readonly #exclusions = new Map<string, NameExclusions>();
  /** Name → group → conflict; conflicts are rare, so this stays small. */
  readonly #conflicts = new Map<string, Map<string, NameConflict>>();
  readonly #counters: ReconcileCounters = { upserted: 0, unchanged: 0, removed: 0, excluded: 0, error: 0 };
  readonly #clock: Clock;

  /** @param clock `since` of a new exclusion is its `epochMs()`. */
  constructor(clock: Clock) {
    this.#clock = clock;
  }

  count(key: CounterKey): void {
    this.#counters[key] += 1;
  }

  counters(): ReconcileCounters {
    return { ...this.#counters };
  }

  /** The exclusion of `name` as `group` sees it. */
  exclusionOf(name: string, group: string): Readonly<Exclusion> | undefined {
    return project(this.#exclusions.get(name), group);
  }

  /** The shared record of a name whose objects are in no served group. */
  sharedOf(name: string): Readonly<Exclusion> | undefined {
    const stored = this.#exclusions.get(name);
    return stored instanceof Map ? undefined : (stored as Readonly<Exclusion> | undefined);
  }

  /** How many (group, name) conflicts there are. O(names with a conflict). */
  conflictCount(): number {
    let count = 0;
    for (const byGroup of this.#conflicts.values()) count += byGroup.size;
    return count;
  }

  /** Every exclusion `group` sees, by name. O(excluded names). */
  exclusionsOf(group: string): Map<string, Readonly<Exclusion>> {
    const out = new Map<string, Readonly<Exclusion>>();
    for (const [name, stored] of this.#exclusions) {
      const exclusion = project(stored, group);
      if (exclusion !== undefined) out.set(name, exclusion);
    }
    return out;
  }

  /** Names whose objects are in no served group, with their shared record. */
  sharedExclusions(): Map<string, Readonly<Exclusion>> {
    const out = new Map<string, Readonly<Exclusion>>();
    for (const [name, stored] of this.#exclusions) if (!(stored instanceof Map)) out.set(name, stored as Readonly<Exclusion>);
    return out;
  }

  /** Every name with any exclusion (for the periodic resync). */
  excludedNames(): IterableIterator<string> {
    return this.#exclusions.keys();
  }

  /** Replaces what is known about `name`; `undefined` clears it. Keeps `since` while kind and reason code stay. */
  setExclusions(name: string, decision: ExclusionDecision | undefined): void {
    const previous = this.#exclusions.get(name);
    if (decision === undefined) {
      this.#exclusions.delete(name);
    } else if ('shared' in decision) {
      const { reason, kind } = decision.shared;
      this.#exclusions.set(name, this.#entry(previous instanceof Map ? undefined : (previous as Exclusion | undefined), reason, kind));
    } else if (decision.perGroup.size === 0) {
      this.#exclusions.delete(name);
    } else {
      const byGroup = new Map<string, Readonly<Exclusion>>();
      for (const [group, { reason, kind }] of decision.perGroup) {
        byGroup.set(group, this.#entry(project(previous, group), reason, kind));
      }
      this.#exclusions.set(name, byGroup);
    }
  }

  /** Drops `group`'s records (the group is no longer served). */
  forgetGroup(group: string): void {
    for (const [name, stored] of this.#exclusions) {
      if (!(stored instanceof Map) || !stored.has(group)) continue;
      const rest = new Map(stored);
      rest.delete(group);
      if (rest.size === 0) this.#exclusions.delete(name);
      else this.#exclusions.set(name, rest);
    }
    for (const [name, byGroup] of this.#conflicts) {
      byGroup.delete(group);
      if (byGroup.size === 0) this.#conflicts.delete(name);
    }
  }

  /** Conflicts of `group`, by name. */
  conflictsOf(group: string): NameConflict[] {
    const out: NameConflict[] = [];
    for (const byGroup of this.#conflicts.values()) {
      const conflict = byGroup.get(group);
      if (conflict !== undefined) out.push(conflict);
    }
    return out;
  }

  /** Groups with a conflict on `name`. */
  conflictGroups(name: string): readonly string[] {
    const byGroup = this.#conflicts.get(name);
    return byGroup === undefined ? [] : [...byGroup.keys()];
  }

  /** Stores the conflict of (`group`, `name`), or clears it when `kinds` has fewer than two entries. */
  setConflict(group: string, name: string, kinds: readonly string[]): ConflictChange {
    const byGroup = this.#conflicts.get(name);
    const previous = byGroup?.get(group);
    if (kinds.length < 2) {
      if (previous === undefined) return undefined;
      byGroup!.delete(group);
      if (byGroup!.size === 0) this.#conflicts.delete(name);
      return 'resolved';
    }
    if (previous !== undefined && sameList(previous.kinds, kinds)) return undefined;
    const conflict: NameConflict = Object.freeze({ name, kinds: Object.freeze([...kinds]) as string[] });
    if (byGroup === undefined) this.#conflicts.set(name, new Map([[group, conflict]]));
    else byGroup.set(group, conflict);
    return previous === undefined ? 'new' : 'changed';
  }

  #entry(previous: Readonly<Exclusion> | undefined, reason: ExclusionReason, kind: string | undefined): Readonly<Exclusion> {
    const since =
      previous !== undefined && previous.kind === kind && previous.reason.code === reason.code
        ? previous.since
        : new Date(this.#clock.epochMs());
    const entry: Exclusion = kind === undefined ? { reason, since } : { kind, reason, since };
    return Object.freeze(entry);
  }
}

function project(stored: NameExclusions | undefined, group: string): Readonly<Exclusion> | undefined {
  if (stored === undefined) return undefined;
  return stored instanceof Map ? (stored as ReadonlyMap<string, Readonly<Exclusion>>).get(group) : (stored as Readonly<Exclusion>);
}

function sameList(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((value, i) => value === b[i]);
}
