import { initialEntries, ListCache } from './store.ts';
import type { Backend, BackendRegistry } from './types.ts';

/**
 * A registry fixed at construction: deep-frozen copies of `backends`, a later duplicate id replacing an earlier one.
 * Same read semantics as the dynamic registry (`get`/`list` return the frozen stored objects, `list` a new array).
 * Throws `backend ID cannot be empty` for an empty id, a `TypeError` for data that is not plain JSON.
 */
export function createImmutableRegistry(backends: Iterable<Backend>): BackendRegistry {
  const entries = initialEntries(backends);
  const listCache = new ListCache();
  return Object.freeze({
    get: (id: string) => entries.get(id),
    list: () => listCache.list(entries),
    count: () => entries.size,
  });
}
