/**
 * The groups a reconciler serves, each with its registry, and where each backend name is served now (name → groups).
 * That index is what lets one reconcile find the registries a moved workload must leave without looking at every
 * group: a reconcile costs O(groups of this name), never O(served groups).
 */
import type { DynamicRegistry } from '@vmcp/registry';

/** @internal The served groups and the name → groups index. Not safe for two reconciles of one name at once. */
export class ServedGroups {
  readonly #registries = new Map<string, DynamicRegistry>();
  /** Name → the group (or groups) whose registry holds it. One string in the common one-group case. */
  readonly #servedIn = new Map<string, string | Set<string>>();

  get size(): number {
    return this.#registries.size;
  }

  has(group: string): boolean {
    return this.#registries.has(group);
  }

  registry(group: string): DynamicRegistry | undefined {
    return this.#registries.get(group);
  }

  /** Served groups, in the order they were added. */
  groups(): IterableIterator<string> {
    return this.#registries.keys();
  }

  /** Starts serving `group` into `registry`; what the registry already holds counts as served there (a seed). */
  add(group: string, registry: DynamicRegistry): void {
    if (this.#registries.has(group)) throw new Error(`group "${group}" is already served`);
    this.#registries.set(group, registry);
    for (const backend of registry.list()) this.markServed(backend.id, group);
  }

  /**
   * Stops serving `group`: empties its registry (one removal per backend, so its subscribers see each go and its
   * version moves) and forgets where those names were served. Returns the removed names.
   */
  remove(group: string): string[] {
    const registry = this.#registries.get(group);
    if (registry === undefined) return [];
    this.#registries.delete(group);
    const names = registry.list().map((backend) => backend.id);
    for (const name of names) {
      registry.remove(name);
      this.markRemoved(name, group);
    }
    return names;
  }

  /** Groups whose registry holds `name`. */
  servedIn(name: string): readonly string[] {
    const where = this.#servedIn.get(name);
    if (where === undefined) return [];
    return typeof where === 'string' ? [where] : [...where];
  }

  markServed(name: string, group: string): void {
    const where = this.#servedIn.get(name);
    if (where === undefined) this.#servedIn.set(name, group);
    else if (typeof where === 'string') {
      if (where !== group) this.#servedIn.set(name, new Set([where, group]));
    } else where.add(group);
  }

  markRemoved(name: string, group: string): void {
    const where = this.#servedIn.get(name);
    if (where === undefined) return;
    if (typeof where === 'string') {
      if (where === group) this.#servedIn.delete(name);
      return;
    }
    where.delete(group);
    if (where.size === 1) this.#servedIn.set(name, [...where][0]!);
  }
}
