import type { KubeObject } from '@vmcp/api';
import { isJsonObject } from '../read/fields.ts';
import type { CacheReader, WatchPlan, WatchedKind } from '../types.ts';

/**
 * A `CacheReader` over plain in-memory maps, for tests and for users who build their own pipeline. It behaves like
 * the watcher's informer caches for one namespace: objects are stored after the plan's `transform`, and the plan's
 * indexes are maintained on every `set` and `delete`.
 */
export interface MemoryCacheReader extends CacheReader {
  /**
   * Stores (or replaces) an object of `kind` under `metadata.name`, after the kind's transform. Returns the stored
   * object.
   * @throws Error when `kind` is not in the plan or the object has no string `metadata.name`.
   */
  set<T extends KubeObject>(kind: string, object: T): KubeObject;
  /** Removes an object; true if it was there. @throws Error when `kind` is not in the plan. */
  delete(kind: string, name: string): boolean;
  /** Removes every object of every kind. */
  clear(): void;
}

interface KindStore {
  readonly spec: WatchedKind;
  readonly objects: Map<string, KubeObject>;
  /** index name → index value → object names. */
  readonly indexes: Map<string, Map<string, Set<string>>>;
}

/**
 * Creates an in-memory cache for a watch plan (see {@link MemoryCacheReader}).
 *
 * @example
 * const plan = kubernetesWatchPlan({ group: 'team-a' });
 * const cache = createMemoryCacheReader(plan);
 * cache.set('MCPServer', { metadata: { name: 'fetch' }, spec: { groupRef: { name: 'team-a' } } });
 */
export function createMemoryCacheReader(plan: WatchPlan): MemoryCacheReader {
  const stores = new Map<string, KindStore>();
  for (const spec of plan.kinds) {
    if (stores.has(spec.kind)) throw new Error(`watch plan lists kind ${spec.kind} twice`);
    const indexes = new Map<string, Map<string, Set<string>>>();
    for (const index of Object.keys(spec.indexers ?? {})) indexes.set(index, new Map());
    stores.set(spec.kind, { spec, objects: new Map(), indexes });
  }

  const storeOf = (kind: string): KindStore => {
    const store = stores.get(kind);
    if (store === undefined) throw new Error(`kind ${kind} is not in the watch plan`);
    return store;
  };

  const unindex = (store: KindStore, name: string, object: KubeObject): void => {
    for (const [index, fn] of Object.entries(store.spec.indexers ?? {})) {
      const values = store.indexes.get(index);
      if (values === undefined) continue;
      for (const value of fn(object)) {
        const names = values.get(value);
        names?.delete(name);
        if (names?.size === 0) values.delete(value);
      }
    }
  };

  const index = (store: KindStore, name: string, object: KubeObject): void => {
    for (const [indexName, fn] of Object.entries(store.spec.indexers ?? {})) {
      const values = store.indexes.get(indexName);
      if (values === undefined) continue;
      for (const value of fn(object)) {
        let names = values.get(value);
        if (names === undefined) values.set(value, (names = new Set()));
        names.add(name);
      }
    }
  };

  return {
    get<T extends KubeObject = KubeObject>(kind: string, name: string): T | undefined {
      return storeOf(kind).objects.get(name) as T | undefined;
    },
    list<T extends KubeObject = KubeObject>(kind: string): readonly T[] {
      return [...storeOf(kind).objects.values()] as T[];
    },
    byIndex<T extends KubeObject = KubeObject>(kind: string, indexName: string, value: string): readonly T[] {
      const store = storeOf(kind);
      const values = store.indexes.get(indexName);
      if (values === undefined) throw new Error(`kind ${kind} has no index ${indexName} in the watch plan`);
      const out: T[] = [];
      for (const name of values.get(value) ?? []) {
        const object = store.objects.get(name);
        if (object !== undefined) out.push(object as T);
      }
      return out;
    },
    set<T extends KubeObject>(kind: string, object: T): KubeObject {
      const store = storeOf(kind);
      const metadata: unknown = (object as { metadata?: unknown }).metadata;
      const name = isJsonObject(metadata) ? metadata['name'] : undefined;
      if (typeof name !== 'string' || name === '') {
        throw new Error(`cannot store a ${kind} without a string metadata.name`);
      }
      const stored = store.spec.transform !== undefined ? store.spec.transform(object) : object;
      const previous = store.objects.get(name);
      if (previous !== undefined) unindex(store, name, previous);
      store.objects.set(name, stored);
      index(store, name, stored);
      return stored;
    },
    delete(kind: string, name: string): boolean {
      const store = storeOf(kind);
      const previous = store.objects.get(name);
      if (previous === undefined) return false;
      unindex(store, name, previous);
      store.objects.delete(name);
      return true;
    },
    clear(): void {
      for (const store of stores.values()) {
        store.objects.clear();
        for (const values of store.indexes.values()) values.clear();
      }
    },
  };
}
