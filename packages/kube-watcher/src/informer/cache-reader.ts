import type { KubeObject } from '@vmcp/api';
import type { CacheReader } from '@vmcp/discoverer';
import type { Informer } from './informer.ts';

/**
 * The discoverer's `CacheReader` over a set of informers, keyed by the watch plan's `kind` strings. Reading a kind
 * that is not watched throws (a plan/discoverer mismatch is a bug to surface, not an empty answer).
 */
export class InformerCacheReader implements CacheReader {
  readonly #informers: ReadonlyMap<string, Informer>;

  constructor(informers: ReadonlyMap<string, Informer>) {
    this.#informers = informers;
  }

  #informer(kind: string): Informer {
    const inf = this.#informers.get(kind);
    if (!inf) throw new Error(`kind ${JSON.stringify(kind)} is not watched (watched: ${[...this.#informers.keys()].join(', ')})`);
    return inf;
  }

  get<T extends KubeObject = KubeObject>(kind: string, name: string): T | undefined {
    return this.#informer(kind).get(name) as T | undefined;
  }

  list<T extends KubeObject = KubeObject>(kind: string): readonly T[] {
    return this.#informer(kind).list() as T[];
  }

  byIndex<T extends KubeObject = KubeObject>(kind: string, index: string, value: string): readonly T[] {
    return this.#informer(kind).byIndex(index, value) as T[];
  }
}
