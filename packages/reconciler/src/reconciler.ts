/**
 * BackendReconciler: one backend name in, one registry decision out, for one group.
 *
 * Upstream fetched MCPServer, then MCPRemoteProxy, then MCPServerEntry and stopped at the first that existed, so an
 * object of an earlier kind in *another* group hid a same-named object of a later kind in ours (docs/upstream-differences.md,
 * "Kind precedence"). Here every source kind is read (in-memory cache reads, so this is cheap), the objects outside our group are
 * set aside, and precedence only chooses among objects that are in our group; more than one is a reported conflict.
 * The decision itself is the many-groups reconciler's, serving exactly this one group.
 */
import type { WatchPlan } from '@vmcp/discoverer';
import { watchPlanOrDefault } from './default-plan.ts';
import { parseGroupRef, validateNamespace } from './group-ref.ts';
import { GroupsReconciler } from './groups-reconciler.ts';
import { hasMethods } from './option-checks.ts';
import type { Exclusion, ReconcileCounters } from './observations.ts';
import type { BackendReconcilerOptions, NameConflict, Request, Result } from './types.ts';

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

  readonly #engine: GroupsReconciler<TType>;

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
    const group = ref.name;
    this.namespace = ref.namespace;
    this.groupRef = o.groupRef as string;
    this.group = group;
    this.registry = o.registry;
    this.discoverer = o.discoverer;
    this.reader = o.reader;
    this.#engine = new GroupsReconciler<TType>({
      namespace: ref.namespace,
      groups: [[group, o.registry]],
      discoverer: o.discoverer,
      reader: o.reader,
      plan,
      ...(o.clock ? { clock: o.clock } : {}),
      onResult: (request, outcome) => o.onResult?.(request, 'error' in outcome ? outcome : this.#resultOf(outcome.results)),
      onConflict: (_group, conflict) => o.onConflict?.(conflict),
      onConflictResolved: (_group, name) => o.onConflictResolved?.(name),
      oneGroup: group,
    });
    this.plan = this.#engine.plan;
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
    const { results } = await this.#engine.reconcile(request, signal);
    return this.#resultOf(results);
  }

  /**
   * Names that are not served although something with that name exists (out of group, excluded by the discoverer,
   * conversion error, shadowed by a same-name conflict). Names that exist nowhere are not listed. A snapshot.
   */
  exclusions(): ReadonlyMap<string, Readonly<Exclusion>> {
    return this.#engine.exclusions(this.group);
  }

  /** The exclusion of one name (an O(1) read). */
  exclusionOf(name: string): Readonly<Exclusion> | undefined {
    return this.#engine.exclusionOf(name, this.group);
  }

  /** Current same-name conflicts inside the group, sorted by name. A resolved conflict is no longer listed. */
  conflicts(): NameConflict[] {
    return this.#engine.conflicts(this.group);
  }

  /** Reconcile outcomes since construction (see `ReconcileCounters`). A copy. */
  counters(): ReconcileCounters {
    return this.#engine.counters();
  }

  /**
   * Every name a periodic safety-net re-check should reconcile: all source objects, all registry ids, and every name
   * this reconciler currently reports as excluded.
   */
  namesToResync(): string[] {
    return this.#engine.namesToResync();
  }

  #resultOf(results: ReadonlyMap<string, Result>): Result {
    // With one served group, every reconcile decides it.
    return results.get(this.group)!;
  }
}
