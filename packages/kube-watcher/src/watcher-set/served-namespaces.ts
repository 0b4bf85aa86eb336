/**
 * Cluster mode's choice of namespaces: it sees every MCPGroup of the cluster (a tap on the one cluster-wide MCPGroup
 * watch) and serves a namespace while it holds an MCPGroup of a served group — any MCPGroup under `groups: 'all'`.
 * Only names are kept (namespace → its MCPGroup names), never the objects.
 */
import type { KubeObject } from '@vmcp/api';
import type { ReflectorStore } from '../reflector/types.ts';

/** A `ReflectorStore` tap that tracks which namespaces are served. */
export class ServedNamespaces implements ReflectorStore {
  readonly #groups: readonly string[] | 'all';
  /** namespace → names of its MCPGroups (of served groups only). */
  readonly #byNamespace = new Map<string, Set<string>>();
  readonly #onChange: () => void;
  #relisted: Map<string, Set<string>> | undefined;
  #synced = false;

  /** @param onChange the set of served namespaces may have changed (called after the first list and then per event). */
  constructor(groups: readonly string[] | 'all', onChange: () => void) {
    this.#groups = groups;
    this.#onChange = onChange;
  }

  /** The first list of MCPGroups completed. */
  hasSynced(): boolean {
    return this.#synced;
  }

  /** The namespaces served now, sorted. */
  namespaces(): string[] {
    return [...this.#byNamespace.keys()].sort();
  }

  startRelist(): void {
    this.#relisted = new Map();
  }

  relistItem(object: KubeObject): void {
    const where = this.#servedGroupOf(object);
    if (where === undefined || this.#relisted === undefined) return;
    let names = this.#relisted.get(where.namespace);
    if (names === undefined) this.#relisted.set(where.namespace, (names = new Set()));
    names.add(where.name);
  }

  endRelist(): void {
    const relisted = this.#relisted ?? new Map<string, Set<string>>();
    this.#relisted = undefined;
    this.#byNamespace.clear();
    for (const [namespace, names] of relisted) this.#byNamespace.set(namespace, names);
    this.#synced = true;
    this.#onChange();
  }

  abortRelist(): void {
    this.#relisted = undefined;
  }

  apply(type: 'ADDED' | 'MODIFIED' | 'DELETED', object: KubeObject): void {
    const where = this.#servedGroupOf(object);
    if (where === undefined) return;
    const names = this.#byNamespace.get(where.namespace);
    if (type === 'DELETED') {
      if (names === undefined || !names.delete(where.name)) return;
      if (names.size === 0) this.#byNamespace.delete(where.namespace);
    } else {
      if (names?.has(where.name) === true) return;
      if (names === undefined) this.#byNamespace.set(where.namespace, new Set([where.name]));
      else names.add(where.name);
    }
    if (this.#synced) this.#onChange();
  }

  #servedGroupOf(object: KubeObject): { namespace: string; name: string } | undefined {
    const { namespace, name } = object.metadata ?? {};
    if (typeof namespace !== 'string' || typeof name !== 'string') return undefined;
    if (this.#groups !== 'all' && !this.#groups.includes(name)) return undefined;
    return { namespace, name };
  }
}
