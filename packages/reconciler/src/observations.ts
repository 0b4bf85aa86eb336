/**
 * What the reconciler currently knows about names it does not serve, and how often each outcome happened. Kept apart
 * from the decision logic so the decision stays a plain function of (cache, discoverer) and this stays bookkeeping.
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

/** @internal Mutable bookkeeping behind the reconciler's read-only views. */
export class Observations {
  readonly #exclusions = new Map<string, Exclusion>();
  readonly #conflicts = new Map<string, NameConflict>();
  readonly #counters: ReconcileCounters = { upserted: 0, unchanged: 0, removed: 0, excluded: 0, error: 0 };
  readonly #clock: Clock;

  /** @param clock `since` of a new exclusion is its `epochMs()`. */
  constructor(clock: Clock) {
    this.#clock = clock;
  }

  get exclusions(): ReadonlyMap<string, Readonly<Exclusion>> {
    return this.#exclusions;
  }

  get conflicts(): ReadonlyMap<string, Readonly<NameConflict>> {
    return this.#conflicts;
  }

  count(key: CounterKey): void {
    this.#counters[key] += 1;
  }

  counters(): ReconcileCounters {
    return { ...this.#counters };
  }

  /** Records that `name` exists but is not served. Keeps `since` while kind and reason code stay the same. */
  exclude(name: string, reason: ExclusionReason, kind: string | undefined): void {
    const previous = this.#exclusions.get(name);
    const since = previous !== undefined && previous.kind === kind && previous.reason.code === reason.code ? previous.since : new Date(this.#clock.epochMs());
    const entry: Exclusion = kind === undefined ? { reason, since } : { kind, reason, since };
    this.#exclusions.set(name, Object.freeze(entry));
  }

  include(name: string): void {
    this.#exclusions.delete(name);
  }

  /**
   * Stores the conflict for `name` (or clears it when `kinds` has fewer than two entries).
   * @returns `'new'` or `'changed'` when listeners should hear about it, `'resolved'` when a conflict went away,
   *   `undefined` when nothing changed.
   */
  setConflict(name: string, kinds: readonly string[]): 'new' | 'changed' | 'resolved' | undefined {
    const previous = this.#conflicts.get(name);
    if (kinds.length < 2) {
      if (previous === undefined) return undefined;
      this.#conflicts.delete(name);
      return 'resolved';
    }
    if (previous !== undefined && sameList(previous.kinds, kinds)) return undefined;
    this.#conflicts.set(name, Object.freeze({ name, kinds: Object.freeze([...kinds]) as string[] }));
    return previous === undefined ? 'new' : 'changed';
  }
}

function sameList(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((value, i) => value === b[i]);
}
