/**
 * The registries of a set's groups summed into one, for today's registry metrics (`vmcp_registry_backends`,
 * `vmcp_backends_by_health`, `vmcp_registry_events_total`…), which keep their names and mean "every group served".
 * Each group's registry is attached when the group appears and detached when it goes.
 */
import type { Backend, DynamicRegistry, RegistryEvent } from '@vmcp/registry';
import type { RegistryMetricsSource } from './registry.ts';

/** The sum of the attached registries. */
export class AggregateRegistry implements RegistryMetricsSource {
  readonly #registries = new Map<DynamicRegistry, () => void>();
  readonly #listeners = new Set<(event: RegistryEvent) => void>();

  /** Counts `registry` in; returns the function that counts it out. */
  attach(registry: DynamicRegistry): () => void {
    if (!this.#registries.has(registry)) {
      this.#registries.set(
        registry,
        registry.subscribe((event) => {
          for (const listener of this.#listeners) listener(event);
        }),
      );
    }
    return () => {
      this.#registries.get(registry)?.();
      this.#registries.delete(registry);
    };
  }

  count(): number {
    let sum = 0;
    for (const registry of this.#registries.keys()) sum += registry.count();
    return sum;
  }

  /** The sum of the versions: it grows with every change of any group. */
  version(): number {
    let sum = 0;
    for (const registry of this.#registries.keys()) sum += registry.version();
    return sum;
  }

  list(): Backend[] {
    return [...this.#registries.keys()].flatMap((registry) => registry.list());
  }

  subscribe(listener: (event: RegistryEvent) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }
}
