import type { KubeObject } from '@vmcp/api';
import { callSafely } from '@vmcp/core';
import type { ReflectorStore } from '../reflector/types.ts';

/**
 * A `ReflectorStore` for a cluster-wide reflector: hands each object to the store of its `metadata.namespace`, so
 * one list and one watch per kind keep a cache per namespace. A namespace's store is created the first time an
 * object of it arrives or it is asked for, and then kept: a namespace that is served later finds every object
 * already listed. A store created after the first (re)list completed starts synced (empty is then the truth); one
 * created during a (re)list joins it. Each store finds its own vanished objects at the end of a relist, from the
 * names delivered to it.
 */
export class NamespaceDemux<S extends ReflectorStore = ReflectorStore> implements ReflectorStore {
  readonly #newStore: (namespace: string) => S;
  readonly #stores = new Map<string, S>();
  /** Sees every object of every namespace (e.g. to learn which namespaces exist); never holds anything here. */
  readonly #tap: ReflectorStore | undefined;
  #relisting = false;
  /** The resourceVersion of the last completed (re)list; undefined before the first. */
  #listedAt: string | undefined;
  #lastNamespace: string | undefined;

  /** Whether an empty store may be dropped (nobody reads it): namespace churn must not grow the demux forever. */
  readonly #droppable: (namespace: string, store: S) => boolean;

  /**
   * @param droppable asked after a deletion or a relist about each store it may have emptied: true drops the store
   *   (a later object or ask creates a fresh one). Default never.
   */
  constructor(newStore: (namespace: string) => S, tap?: ReflectorStore, droppable: (namespace: string, store: S) => boolean = () => false) {
    this.#newStore = newStore;
    this.#tap = tap;
    this.#droppable = droppable;
  }

  /** Drops the store of `namespace` if the `droppable` test says so. */
  dropIfUnused(namespace: string): void {
    const store = this.#stores.get(namespace);
    if (store !== undefined && this.#droppable(namespace, store)) this.#stores.delete(namespace);
  }

  /** The store of `namespace`, created (and brought to the demux's sync state) if it does not exist yet. */
  store(namespace: string): S {
    let store = this.#stores.get(namespace);
    if (store !== undefined) return store;
    store = this.#newStore(namespace);
    this.#stores.set(namespace, store);
    if (this.#relisting) store.startRelist();
    else if (this.#listedAt !== undefined) {
      store.startRelist();
      store.endRelist(this.#listedAt);
    }
    return store;
  }

  /** The namespaces that have a store. */
  namespaces(): string[] {
    return [...this.#stores.keys()];
  }

  /** The namespace of the last object delivered (to attribute the event that carried it to its namespace). */
  get lastNamespace(): string | undefined {
    return this.#lastNamespace;
  }

  /** True once the first (re)list completed. */
  hasSynced(): boolean {
    return this.#listedAt !== undefined;
  }

  startRelist(): void {
    this.#relisting = true;
    for (const store of this.#stores.values()) store.startRelist();
    this.#tapCall((t) => t.startRelist());
  }

  relistItem(object: KubeObject): void {
    this.#lastNamespace = namespaceOf(object);
    this.store(this.#lastNamespace).relistItem(object);
    this.#tapCall((t) => t.relistItem(object));
  }

  endRelist(resourceVersion: string): void {
    this.#relisting = false;
    this.#listedAt = resourceVersion;
    for (const store of this.#stores.values()) store.endRelist(resourceVersion);
    for (const namespace of [...this.#stores.keys()]) this.dropIfUnused(namespace);
    this.#tapCall((t) => t.endRelist(resourceVersion));
  }

  abortRelist(): void {
    this.#relisting = false;
    for (const store of this.#stores.values()) store.abortRelist();
    this.#tapCall((t) => t.abortRelist());
  }

  apply(type: 'ADDED' | 'MODIFIED' | 'DELETED', object: KubeObject): void {
    const namespace = namespaceOf(object);
    this.#lastNamespace = namespace;
    // A deletion in a namespace never seen has nothing to remove: do not create a store for it.
    if (type !== 'DELETED') this.store(namespace).apply(type, object);
    else if (this.#stores.has(namespace)) {
      this.store(namespace).apply(type, object);
      this.dropIfUnused(namespace);
    }
    this.#tapCall((t) => t.apply(type, object));
  }

  #tapCall(fn: (tap: ReflectorStore) => void): void {
    const tap = this.#tap;
    // The tap is an observer: its failure must not keep objects from their namespace's store.
    if (tap !== undefined) callSafely(() => fn(tap));
  }
}

function namespaceOf(object: KubeObject): string {
  return object.metadata?.namespace ?? '';
}
