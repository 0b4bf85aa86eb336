/**
 * BackendReconciler: one backend name in, one registry decision out.
 *
 * Upstream fetched MCPServer, then MCPRemoteProxy, then MCPServerEntry and stopped at the first that existed, so an
 * object of an earlier kind in *another* group hid a same-named object of a later kind in ours (docs/upstream-differences.md,
 * "Kind precedence"). Here every source kind is read (in-memory cache reads, so this is cheap), the objects outside our group are
 * set aside, and precedence only chooses among objects that are in our group; more than one is a reported conflict.
 */
import { callSafely, compareBy, errorMessage, systemClock, toError } from '@vmcp/core';
import type { ExclusionReason, WatchPlan, WorkloadResolution } from '@vmcp/discoverer';
import { watchPlanOrDefault } from './default-plan.ts';
import type { Backend } from '@vmcp/registry';
import { parseGroupRef, validateNamespace } from './group-ref.ts';
import { type CounterKey, type Exclusion, Observations, type ReconcileCounters } from './observations.ts';
import { namesToResync } from './resync.ts';
import type { BackendReconcilerOptions, NameConflict, Request, Result } from './types.ts';

/** An object of one source kind that carries the requested name. */
interface Candidate<TType extends string> {
  kind: TType;
  group: string;
}

/**
 * Decides, for one backend name, whether and what the registry serves, and keeps the registry in line with that
 * decision. Stateless with respect to the registry (it re-reads the cache on every call), so any number of repeated
 * or reordered requests converge; it only remembers exclusions, conflicts and counters for observability.
 *
 * Requests for one name must not run concurrently (the watcher's work queue guarantees it); different names may.
 */
export class BackendReconciler<TType extends string = string> {
  /** The watched namespace. */
  readonly namespace: string;
  /** The group reference as configured (`name` or `namespace/name`). */
  readonly groupRef: string;
  /** The bare MCPGroup name objects must reference to be served. */
  readonly group: string;
  readonly registry: BackendReconcilerOptions<TType>['registry'];
  readonly discoverer: BackendReconcilerOptions<TType>['discoverer'];
  readonly reader: BackendReconcilerOptions<TType>['reader'];
  readonly plan: WatchPlan<TType>;

  readonly #observations: Observations;
  readonly #onResult: BackendReconcilerOptions<TType>['onResult'];
  readonly #onConflict: BackendReconcilerOptions<TType>['onConflict'];
  readonly #onConflictResolved: BackendReconcilerOptions<TType>['onConflictResolved'];

  /**
   * @throws Error naming the missing or invalid option: `namespace cannot be empty`, `groupRef cannot be empty`, an
   *   invalid or foreign-namespace groupRef (see `parseGroupRef`), `registry is required`, `discoverer is required`,
   *   `reader is required`, `plan is required` (a null plan; omitted means the Kubernetes plan), `plan has no source kinds`, `plan lists source kind "X" twice`.
   */
  constructor(options: BackendReconcilerOptions<TType>) {
    // Options may come from untyped configuration: check at run time what the types already promise.
    const o = (options ?? {}) as Partial<BackendReconcilerOptions<TType>>;
    validateNamespace(o.namespace as string);
    const ref = parseGroupRef(o.groupRef as string, o.namespace as string);
    if (!hasMethods(o.registry, 'get', 'upsert', 'remove', 'list')) throw new Error('registry is required');
    if (!hasMethods(o.discoverer, 'getWorkloadAsBackend')) throw new Error('discoverer is required');
    if (!hasMethods(o.reader, 'get', 'list')) throw new Error('reader is required');
    // The documented constructor takes no plan: the Kubernetes discoverer's plan is the default.
    const plan = watchPlanOrDefault(o.plan, ref.name);
    const sources: unknown = plan?.sources;
    if (plan === null || !Array.isArray(sources)) throw new Error('plan is required');
    if (plan.sources.length === 0) throw new Error('plan has no source kinds');
    const seen = new Set<string>();
    for (const source of plan.sources) {
      if (seen.has(source.kind)) throw new Error(`plan lists source kind "${source.kind}" twice`);
      seen.add(source.kind);
    }
    this.namespace = ref.namespace;
    this.groupRef = o.groupRef as string;
    this.group = ref.name;
    this.registry = o.registry;
    this.discoverer = o.discoverer;
    this.reader = o.reader;
    this.plan = plan;
    this.#observations = new Observations(o.clock ?? systemClock);
    this.#onResult = o.onResult;
    this.#onConflict = o.onConflict;
    this.#onConflictResolved = o.onConflictResolved;
  }

  /**
   * Brings the registry entry for `request.name` in line with the cache.
   *
   * @returns the decision; `changed` is false when the registry already matched (its version did not move).
   * @throws when the backend could not be converted (after removing it, so nothing stale is served) or the cache
   *   could not be read; the caller retries with backoff. When `signal` is aborted, throws its reason and leaves the
   *   registry untouched.
   */
  async reconcile(request: Request, signal?: AbortSignal): Promise<Result> {
    try {
      const name = request?.name;
      if (typeof name !== 'string' || name === '') throw new Error('reconcile request has an empty name');
      signal?.throwIfAborted();
      const result = await this.#decide(name, signal);
      this.#observations.count(counterFor(result));
      this.#notify(request, result);
      return result;
    } catch (caught) {
      const error = toError(caught);
      this.#observations.count('error');
      this.#notify(request, { error });
      throw error;
    }
  }

  /**
   * Names that are not served although something with that name exists (out of group, excluded by the discoverer,
   * conversion error, shadowed by a same-name conflict). Names that exist nowhere are not listed. A snapshot.
   */
  exclusions(): ReadonlyMap<string, Readonly<Exclusion>> {
    return new Map(this.#observations.exclusions);
  }

  /** Current same-name conflicts inside the group, sorted by name. A resolved conflict is no longer listed. */
  conflicts(): NameConflict[] {
    return [...this.#observations.conflicts.values()]
      .map((c) => ({ name: c.name, kinds: [...c.kinds] }))
      .sort(compareBy((conflict) => conflict.name));
  }

  /** Reconcile outcomes since construction (see `ReconcileCounters`). A copy. */
  counters(): ReconcileCounters {
    return this.#observations.counters();
  }

  /**
   * Every name a periodic safety-net re-check should reconcile: all source objects, all registry ids, and every name
   * this reconciler currently reports as excluded.
   */
  namesToResync(): string[] {
    return namesToResync(this.reader, this.plan, this.registry, this.#observations.exclusions.keys());
  }

  async #decide(name: string, signal: AbortSignal | undefined): Promise<Result> {
    const candidates = this.#lookup(name);
    const inGroup = candidates.filter((c) => c.group === this.group);
    this.#trackConflict(
      name,
      inGroup.map((c) => c.kind),
    );

    const winner = inGroup[0];
    if (winner === undefined) {
      const reason = candidates.length === 0 ? this.#notFound(name) : this.#outOfGroup(name, candidates);
      return this.#remove(name, reason, candidates[0]?.kind);
    }

    let resolution: WorkloadResolution;
    try {
      resolution = await this.#resolve(winner.kind, name, signal);
      signal?.throwIfAborted();
      if (resolution.backend !== null) return this.#upsert(name, winner.kind, resolution.backend, inGroup);
    } catch (caught) {
      // Stopping is not a conversion failure: keep serving what we had.
      if (signal?.aborted === true) throw caught;
      const message = errorMessage(caught);
      const reason: ExclusionReason = { code: 'conversion-error', message: `${winner.kind} "${name}": ${message}` };
      // Remove first so a backend we can no longer convert is not served stale while the caller backs off.
      this.#remove(name, reason, winner.kind);
      throw new Error(`cannot convert ${winner.kind} "${name}" in namespace "${this.namespace}" to a backend: ${message}`, {
        cause: caught,
      });
    }
    return this.#remove(name, resolution.reason, winner.kind);
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
      return { backend: null, reason: resolution.reason ?? this.#excluded(kind, name) };
    }
    const backend = await this.discoverer.getWorkloadAsBackend(workload, signal);
    return backend === null ? { backend: null, reason: this.#excluded(kind, name) } : { backend };
  }

  #upsert(name: string, kind: TType, backend: Backend, inGroup: readonly Candidate<TType>[]): Result {
    // The registry is keyed by resource name and removals use the request name: a backend under any other id would
    // be an entry no later reconcile could ever remove.
    if (backend.id !== name) {
      throw new Error(`the discoverer returned a backend with id "${backend.id}"; the id must be the resource name`);
    }
    const changed = this.registry.upsert(backend);
    const shadowed = inGroup.slice(1).map((c) => c.kind);
    const [firstShadowed] = shadowed;
    if (firstShadowed === undefined) {
      this.#observations.include(name);
    } else {
      this.#observations.exclude(
        name,
        {
          code: 'name-conflict',
          message:
            `${shadowed.join(', ')} "${name}" not served: ${kind} "${name}" in the same group takes precedence ` + `(rename one of them)`,
        },
        firstShadowed,
      );
    }
    return { action: 'upsert', changed };
  }

  #remove(name: string, reason: ExclusionReason, kind: string | undefined): Result {
    const changed = this.registry.remove(name);
    if (reason.code === 'not-found') this.#observations.include(name);
    else this.#observations.exclude(name, reason, kind);
    return { action: 'remove', changed, reason };
  }

  #trackConflict(name: string, kinds: readonly string[]): void {
    const change = this.#observations.setConflict(name, kinds);
    if (change === 'resolved') {
      callSafely(() => this.#onConflictResolved?.(name));
    } else if (change !== undefined) {
      callSafely(() => this.#onConflict?.({ name, kinds: [...kinds] }));
    }
  }

  /** Hooks are for logging and metrics; a failing hook must not change a registry decision. */
  #notify(request: Request, outcome: Result | { error: Error }): void {
    callSafely(() => this.#onResult?.(request, outcome));
  }

  #notFound(name: string): ExclusionReason {
    const kinds = this.plan.sources.map((s) => s.kind).join(', ');
    return { code: 'not-found', message: `no ${kinds} named "${name}" in namespace "${this.namespace}"` };
  }

  #outOfGroup(name: string, candidates: readonly Candidate<TType>[]): ExclusionReason {
    const where = candidates
      .map((c) => (c.group === '' ? `${c.kind} "${name}" has no groupRef` : `${c.kind} "${name}" is in group "${c.group}"`))
      .join('; ');
    return { code: 'out-of-group', message: `${where} (this watcher serves group "${this.group}")` };
  }

  #excluded(kind: string, name: string): ExclusionReason {
    return { code: 'excluded', message: `${kind} "${name}" is not served: the discoverer returned no backend` };
  }
}

function counterFor(result: Result): CounterKey {
  if (result.action === 'upsert') return result.changed ? 'upserted' : 'unchanged';
  if (result.changed) return 'removed';
  return result.reason?.code === 'not-found' ? 'unchanged' : 'excluded';
}

function hasMethods<T extends object>(value: T | null | undefined, ...methods: string[]): value is T {
  if (value === null || typeof value !== 'object') return false;
  return methods.every((m) => typeof (value as Record<string, unknown>)[m] === 'function');
}

