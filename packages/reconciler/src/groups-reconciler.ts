/**
 * GroupsReconciler: one backend name in, the decision of every served group out.
 *
 * Many groups of one namespace share one set of caches, so one reconcile of a name reads every source kind's object
 * of that name once, chooses each served group's in-group winner by kind precedence (objects outside that group are
 * set aside, as upstream should have), converts each distinct winner once, and only then writes the registries, back
 * to back with no await in between: a workload that moved from group A to group B leaves A's registry and enters B's
 * in the same synchronous run, so no reader ever sees it in both or in neither once the reconcile is done.
 */
import { callSafely, compareBy, errorMessage, systemClock, toError } from '@vmcp/core';
import type { Backend, DynamicRegistry } from '@vmcp/registry';
import type { ExclusionReason, WatchPlan, WorkloadResolution } from '@vmcp/discoverer';
import { isValidObjectName, validateNamespace } from './group-ref.ts';
import { type Exclusion, type ExclusionDecision, Observations, type ReconcileCounters } from './observations.ts';
import { hasMethods, validatePlan } from './option-checks.ts';
import { counterFor, excludedReason, nameConflict } from './outcomes.ts';
import { namesToResync } from './resync.ts';
import { ServedGroups } from './served-groups.ts';
import type { GroupsReconcilerOptions, GroupsResult, NameConflict, Request, Result } from './types.ts';

/** An object of one source kind that carries the requested name. */
interface Candidate<TType extends string> {
  kind: TType;
  group: string;
}

/** A winner that is not served, and why (with the error to throw when converting it failed). */
type NotServed<TType extends string> = { kind: TType; backend: null; reason: ExclusionReason; error?: Error };

/** What converting one group's winner gave. */
type Outcome<TType extends string> = { kind: TType; backend: Backend } | NotServed<TType>;

/**
 * Decides, for one backend name, whether and what each served group's registry serves, and keeps every registry in
 * line with that decision. Re-reads the cache on every call, so repeated or reordered requests converge; it
 * remembers where each name is served, exclusions (once per name), conflicts and counters.
 *
 * Requests for one name must not run concurrently (the watcher's work queue guarantees it); different names may.
 */
export class GroupsReconciler<TType extends string = string> {
  readonly namespace: string;
  readonly discoverer: GroupsReconcilerOptions<TType>['discoverer'];
  readonly reader: GroupsReconcilerOptions<TType>['reader'];
  readonly plan: WatchPlan<TType>;

  readonly #served = new ServedGroups();
  readonly #observations: Observations;
  readonly #options: GroupsReconcilerOptions<TType>;
  /** The one group of a `BackendReconciler`: decided on every reconcile, and named in out-of-group messages. */
  readonly #oneGroup: string | undefined;

  /**
   * @throws Error `namespace cannot be empty` (or invalid), `discoverer is required`, `reader is required`,
   *   `plan is required`, `plan has no source kinds`, `plan lists source kind "X" twice`, or an invalid group name.
   */
  constructor(options: GroupsReconcilerOptions<TType>) {
    const o = (options ?? {}) as Partial<GroupsReconcilerOptions<TType>>;
    validateNamespace(o.namespace as string);
    if (!hasMethods(o.discoverer, 'getWorkloadAsBackend')) throw new Error('discoverer is required');
    if (!hasMethods(o.reader, 'get', 'list')) throw new Error('reader is required');
    validatePlan(o.plan);
    this.namespace = o.namespace as string;
    this.discoverer = o.discoverer;
    this.reader = o.reader;
    this.plan = o.plan as WatchPlan<TType>;
    this.#options = options;
    this.#observations = new Observations(o.clock ?? systemClock);
    for (const [group, registry] of o.groups ?? []) this.addGroup(group, registry);
    if (o.oneGroup !== undefined && (!this.#served.has(o.oneGroup) || this.#served.size !== 1)) {
      throw new Error(`oneGroup "${String(o.oneGroup)}" must be the one group of groups`);
    }
    this.#oneGroup = o.oneGroup;
  }

  /**
   * Serves `group` into `registry` from now on. What the registry holds counts as served there, so a stale entry is
   * removed by the next reconcile of its name. Reconcile the names that reference the group to fill it.
   * @throws Error on an invalid group name, a missing registry, a group already served, or any new group of a
   *   one-group reconciler.
   */
  addGroup(group: string, registry: DynamicRegistry): void {
    if (this.#oneGroup !== undefined) throw new Error(`this reconciler serves only group "${this.#oneGroup}"`);
    if (typeof group !== 'string' || !isValidObjectName(group)) throw new Error(`group "${String(group)}" is not a valid MCPGroup name`);
    if (!hasMethods(registry, 'get', 'upsert', 'remove', 'list')) throw new Error(`group "${group}": registry is required`);
    this.#served.add(group, registry);
  }

  /**
   * Stops serving `group`: removes every backend from its registry (each removal moves its version) and forgets the
   * group's exclusions and conflicts. Names whose objects reference the group must be reconciled again so they show
   * as out-of-group. Returns the names removed.
   */
  removeGroup(group: string): string[] {
    const removed = this.#served.remove(group);
    this.#observations.forgetGroup(group);
    return removed;
  }

  /** Served groups, in the order they were added. */
  groups(): string[] {
    return [...this.#served.groups()];
  }

  /** The registry of a served group. */
  registryOf(group: string): DynamicRegistry | undefined {
    return this.#served.registry(group);
  }

  /** Groups whose registry serves `name` now. */
  servedIn(name: string): readonly string[] {
    return this.#served.servedIn(name);
  }

  /**
   * Brings every served registry's entry for `request.name` in line with the cache.
   *
   * @returns each decided group's result: every group that has an object of this name or served it, and always the
   *   `oneGroup` of a one-group reconciler.
   * @throws when a winner could not be converted (after every registry write, the failed one removed, so nothing stale
   *   is served) or the cache could not be read; the caller retries with backoff. When `signal` is aborted, throws
   *   its reason and leaves every registry untouched.
   */
  async reconcile(request: Request, signal?: AbortSignal): Promise<GroupsResult> {
    try {
      const name = request?.name;
      if (typeof name !== 'string' || name === '') throw new Error('reconcile request has an empty name');
      signal?.throwIfAborted();
      const { results, error, excluded } = await this.#decide(name, signal);
      if (error !== undefined) throw error;
      this.#observations.count(counterFor(results, excluded));
      const outcome: GroupsResult = { results };
      callSafely(() => this.#options.onResult?.(request, outcome));
      return outcome;
    } catch (caught) {
      const error = toError(caught);
      this.#observations.count('error');
      callSafely(() => this.#options.onResult?.(request, { error }));
      throw error;
    }
  }

  /** The exclusion of `name` as `group` sees it (an O(1) read for per-decision status updates). */
  exclusionOf(name: string, group: string): Readonly<Exclusion> | undefined {
    return this.#observations.exclusionOf(name, group);
  }

  /**
   * Names `group` does not serve although something with that name exists: in no served group (`out-of-group`,
   * one record shared by every group), or in this group but excluded, shadowed or failing. A name served by another
   * served group is not listed. A snapshot.
   */
  exclusions(group: string): Map<string, Readonly<Exclusion>> {
    return this.#observations.exclusionsOf(group);
  }

  /** The out-of-group record of `name` when its objects are in no served group (an O(1) read). */
  outOfGroupOf(name: string): Readonly<Exclusion> | undefined {
    return this.#observations.sharedOf(name);
  }

  /** How many same-name conflicts there are, over every served group. */
  conflictCount(): number {
    return this.#observations.conflictCount();
  }

  /** Names whose objects are in no served group. A snapshot. */
  outOfGroup(): Map<string, Readonly<Exclusion>> {
    return this.#observations.sharedExclusions();
  }

  /** Current same-name conflicts inside `group`, sorted by name. */
  conflicts(group: string): NameConflict[] {
    return this.#observations
      .conflictsOf(group)
      .map((c) => ({ name: c.name, kinds: [...c.kinds] }))
      .sort(compareBy((conflict) => conflict.name));
  }

  /** Reconcile outcomes since construction, one per reconcile whatever the number of groups. A copy. */
  counters(): ReconcileCounters {
    return this.#observations.counters();
  }

  /** Every name a periodic re-check should reconcile: all source objects, every served registry's ids, exclusions. */
  namesToResync(): string[] {
    const names = namesToResync(this.reader, this.plan, { list: () => [] }, this.#observations.excludedNames());
    const all = new Set(names);
    for (const group of this.#served.groups()) for (const backend of this.#served.registry(group)!.list()) all.add(backend.id);
    return [...all];
  }

  async #decide(name: string, signal: AbortSignal | undefined): Promise<Decided> {
    const candidates = this.#lookup(name);
    const byGroup = new Map<string, Candidate<TType>[]>();
    for (const candidate of candidates) {
      if (!this.#served.has(candidate.group)) continue;
      const list = byGroup.get(candidate.group);
      if (list === undefined) byGroup.set(candidate.group, [candidate]);
      else list.push(candidate);
    }
    this.#trackConflicts(name, byGroup);

    // Every distinct winner is converted once; all conversions finish before the first registry write.
    const outcomes = new Map<string, Outcome<TType>>();
    await Promise.all(
      [...byGroup].map(async ([group, inGroup]) => outcomes.set(group, await this.#convert(name, inGroup[0]!.kind, signal))),
    );
    signal?.throwIfAborted();
    return this.#write(name, candidates, byGroup, outcomes);
  }

  /** The registry writes of one decision, back to back (no await), then the exclusions that follow from them. */
  #write(
    name: string,
    candidates: readonly Candidate<TType>[],
    byGroup: ReadonlyMap<string, readonly Candidate<TType>[]>,
    outcomes: ReadonlyMap<string, Outcome<TType>>,
  ): Decided {
    const results = new Map<string, Result>();
    const perGroup = new Map<string, { reason: ExclusionReason; kind: string | undefined }>();
    let error: Error | undefined;
    // Groups that lose the name: it left them (moved, deleted); a one-group reconciler always decides its group, whose
    // registry may hold entries written by others after it was added.
    const leaving = new Set(this.#served.servedIn(name));
    if (this.#oneGroup !== undefined) leaving.add(this.#oneGroup);
    for (const group of byGroup.keys()) leaving.delete(group);
    for (const group of leaving) {
      if (!this.#served.has(group)) continue; // removed while converting
      const reason = candidates.length === 0 ? this.#notFound(name) : this.#outOfGroup(name, candidates, group);
      results.set(group, this.#removeFrom(group, name, reason));
    }
    for (const [group, converted] of outcomes) {
      if (!this.#served.has(group)) continue;
      const { kind } = converted;
      const written = converted.backend === null ? converted : this.#upsertInto(group, name, converted.backend, kind);
      if ('changed' in written) {
        results.set(group, { action: 'upsert', changed: written.changed });
        const shadowed = byGroup
          .get(group)!
          .slice(1)
          .map((c) => c.kind);
        if (shadowed.length > 0) perGroup.set(group, { reason: nameConflict(name, kind, shadowed), kind: shadowed[0] });
        continue;
      }
      results.set(group, this.#removeFrom(group, name, written.reason));
      perGroup.set(group, { reason: written.reason, kind });
      error ??= written.error;
    }
    const excluded = byGroup.size === 0 && candidates.length > 0;
    const decision: ExclusionDecision | undefined = excluded
      ? { shared: { reason: this.#outOfGroup(name, candidates, undefined), kind: candidates[0]!.kind } }
      : { perGroup };
    this.#observations.setExclusions(name, decision);
    return error === undefined ? { results, excluded } : { results, excluded, error };
  }

  /**
   * Upserts a converted backend into `group`'s registry. A registry that refuses it (e.g. data that is not plain)
   * makes it a conversion failure, as if the discoverer had thrown: removed, reported, retried.
   */
  #upsertInto(group: string, name: string, backend: Backend, kind: TType): { changed: boolean } | NotServed<TType> {
    try {
      const changed = this.#served.registry(group)!.upsert(backend);
      this.#served.markServed(name, group);
      return { changed };
    } catch (caught) {
      return this.#conversionFailure(name, kind, caught);
    }
  }

  #conversionFailure(name: string, kind: TType, caught: unknown): NotServed<TType> {
    const message = errorMessage(caught);
    const reason: ExclusionReason = { code: 'conversion-error', message: `${kind} "${name}": ${message}` };
    const error = new Error(`cannot convert ${kind} "${name}" in namespace "${this.namespace}" to a backend: ${message}`, {
      cause: caught,
    });
    return { kind, backend: null, reason, error };
  }

  /** Converts `kind`'s object `name`; a conversion failure becomes an outcome carrying the error to throw. */
  async #convert(name: string, kind: TType, signal: AbortSignal | undefined): Promise<Outcome<TType>> {
    try {
      const resolution = await this.#resolve(kind, name, signal);
      if (resolution.backend === null) return { kind, backend: null, reason: resolution.reason };
      // The registry is keyed by resource name and removals use the request name: a backend under any other id
      // would be an entry no later reconcile could ever remove.
      if (resolution.backend.id !== name) {
        throw new Error(`the discoverer returned a backend with id "${resolution.backend.id}"; the id must be the resource name`);
      }
      return { kind, backend: resolution.backend };
    } catch (caught) {
      // Stopping is not a conversion failure: keep serving what we had.
      if (signal?.aborted === true) throw caught;
      return this.#conversionFailure(name, kind, caught);
    }
  }

  /** Every source kind's object with this name, in precedence order. */
  #lookup(name: string): Candidate<TType>[] {
    const found: Candidate<TType>[] = [];
    for (const source of this.plan.sources) {
      const object = this.reader.get(source.kind, name);
      if (object === undefined) continue;
      let group: string;
      try {
        group = source.groupOf(object);
      } catch (caught) {
        const message = errorMessage(caught);
        throw new Error(`cannot read the group of ${source.kind} "${name}": ${message}`, { cause: caught });
      }
      found.push({ kind: source.kind, group });
    }
    return found;
  }

  async #resolve(kind: TType, name: string, signal: AbortSignal | undefined): Promise<WorkloadResolution> {
    const workload = { name, type: kind };
    if (this.discoverer.resolveWorkload !== undefined) {
      const resolution = await this.discoverer.resolveWorkload(workload, signal);
      if (resolution.backend !== null) return resolution;
      return { backend: null, reason: resolution.reason ?? excludedReason(kind, name) };
    }
    const backend = await this.discoverer.getWorkloadAsBackend(workload, signal);
    return backend === null ? { backend: null, reason: excludedReason(kind, name) } : { backend };
  }

  #removeFrom(group: string, name: string, reason: ExclusionReason): Result {
    const changed = this.#served.registry(group)!.remove(name);
    this.#served.markRemoved(name, group);
    return { action: 'remove', changed, reason };
  }

  /** Conflicts of the groups that have objects of this name, and the end of those of groups that no longer do. */
  #trackConflicts(name: string, byGroup: ReadonlyMap<string, readonly Candidate<TType>[]>): void {
    const groups = new Set([...byGroup.keys(), ...this.#observations.conflictGroups(name)]);
    for (const group of groups) {
      const kinds = (byGroup.get(group) ?? []).map((c) => c.kind);
      const change = this.#observations.setConflict(group, name, kinds);
      if (change === 'resolved') callSafely(() => this.#options.onConflictResolved?.(group, name));
      else if (change !== undefined) callSafely(() => this.#options.onConflict?.(group, { name, kinds: [...kinds] }));
    }
  }

  #notFound(name: string): ExclusionReason {
    const kinds = this.plan.sources.map((s) => s.kind).join(', ');
    return { code: 'not-found', message: `no ${kinds} named "${name}" in namespace "${this.namespace}"` };
  }

  /** Why `group` does not serve `name` (`group` undefined: the shared reason of a name in no served group). */
  #outOfGroup(name: string, candidates: readonly Candidate<TType>[], group: string | undefined): ExclusionReason {
    const where = candidates
      .map((c) => (c.group === '' ? `${c.kind} "${name}" has no groupRef` : `${c.kind} "${name}" is in group "${c.group}"`))
      .join('; ');
    const only = this.#oneGroup;
    const served =
      only !== undefined
        ? `this watcher serves group "${only}"`
        : group === undefined
          ? 'in no group this watcher serves'
          : `not in group "${group}"`;
    return { code: 'out-of-group', message: `${where} (${served})` };
  }
}

/** What one decision wrote. */
interface Decided {
  results: Map<string, Result>;
  /** The name exists but is in no served group. */
  excluded: boolean;
  /** A winner that could not be converted, thrown once every write is done. */
  error?: Error;
}
