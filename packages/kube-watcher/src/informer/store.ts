import type { KubeObject } from '@vmcp/api';

/** Index name → values of an object for that index. */
export type Indexers<T> = Readonly<Record<string, (object: T) => readonly string[]>>;

/**
 * Objects of one kind in one namespace, keyed by name, with secondary indexes (client-go's Indexer, minus the
 * namespace part of the key: every store here is namespace-scoped).
 */
export class IndexedStore<T extends KubeObject> {
  readonly #items = new Map<string, T>();
  readonly #indexers: Indexers<T>;
  /** index → value → names */
  readonly #indexes = new Map<string, Map<string, Set<string>>>();
  /**
   * name → index → values it was filed under (to unfile on update/delete without re-running the indexer). Only names
   * filed under at least one value have an entry: most objects index to nothing (no auth config, no CA bundle), and
   * an empty Map per object cost ~200 bytes of heap each at 10,000 objects.
   */
  readonly #filed = new Map<string, Map<string, readonly string[]>>();
  readonly #onIndexerError: (index: string, name: string, err: unknown) => void;

  constructor(indexers: Indexers<T> = {}, onIndexerError: (index: string, name: string, err: unknown) => void = () => {}) {
    this.#indexers = indexers;
    this.#onIndexerError = onIndexerError;
    for (const name of Object.keys(indexers)) this.#indexes.set(name, new Map());
  }

  get size(): number {
    return this.#items.size;
  }

  get(name: string): T | undefined {
    return this.#items.get(name);
  }

  list(): T[] {
    return [...this.#items.values()];
  }

  names(): IterableIterator<string> {
    return this.#items.keys();
  }

  hasIndex(index: string): boolean {
    return this.#indexes.has(index);
  }

  /** Objects whose `index` contains `value`. Throws for an index that was not declared. */
  byIndex(index: string, value: string): T[] {
    const idx = this.#indexes.get(index);
    if (!idx) throw new Error(`no index ${JSON.stringify(index)} (declared: ${[...this.#indexes.keys()].join(', ') || 'none'})`);
    const out: T[] = [];
    for (const name of idx.get(value) ?? []) {
      const obj = this.#items.get(name);
      if (obj) out.push(obj);
    }
    return out;
  }

  /** Inserts or replaces; returns the previous object. */
  set(name: string, obj: T): T | undefined {
    const old = this.#items.get(name);
    this.#unfile(name);
    this.#items.set(name, obj);
    this.#file(name, obj);
    return old;
  }

  /** Removes; returns what was stored. */
  delete(name: string): T | undefined {
    const old = this.#items.get(name);
    if (old === undefined) return undefined;
    this.#unfile(name);
    this.#items.delete(name);
    return old;
  }

  #file(name: string, obj: T): void {
    if (this.#indexes.size === 0) return;
    let filed: Map<string, readonly string[]> | undefined;
    for (const [index, fn] of Object.entries(this.#indexers)) {
      let values: readonly string[];
      try {
        values = fn(obj);
      } catch (err) {
        // A malformed object must not poison the store: it is simply not found through this index.
        this.#onIndexerError(index, name, err);
        continue;
      }
      const idx = this.#indexes.get(index);
      if (!idx) continue;
      if (values.length === 0) continue;
      const unique = values.length === 1 ? values : [...new Set(values)];
      for (const v of unique) {
        let set = idx.get(v);
        if (!set) idx.set(v, (set = new Set()));
        set.add(name);
      }
      (filed ??= new Map()).set(index, unique);
    }
    if (filed) this.#filed.set(name, filed);
  }

  #unfile(name: string): void {
    const filed = this.#filed.get(name);
    if (!filed) return;
    for (const [index, values] of filed) {
      const idx = this.#indexes.get(index);
      if (!idx) continue;
      for (const v of values) {
        const set = idx.get(v);
        set?.delete(name);
        if (set?.size === 0) idx.delete(v);
      }
    }
    this.#filed.delete(name);
  }
}
