import { frozenCopy } from './plain-data.ts';
import type { Backend } from './types.ts';

/** The message upstream uses, kept verbatim so callers matching on it keep working. */
export const EMPTY_ID_MESSAGE = 'backend ID cannot be empty';

/**
 * Checks the parts of a backend the registry itself relies on and returns a deep-frozen copy.
 * Throws `backend ID cannot be empty` for `''`, a `TypeError` naming the problem for anything else malformed.
 */
export function storableCopy(backend: Backend): Backend {
  if (backend === null || typeof backend !== 'object') {
    throw new TypeError(`registry: a backend must be an object, got ${backend === null ? 'null' : typeof backend}`);
  }
  const id: unknown = backend.id;
  if (typeof id !== 'string') throw new TypeError(`registry: backend ID must be a string, got ${typeof id}`);
  if (id === '') throw new Error(EMPTY_ID_MESSAGE);
  return frozenCopy(backend, `backend ${JSON.stringify(id)}`, 'backend');
}

/**
 * Builds the initial id → frozen backend map; a later duplicate id replaces an earlier one (upstream: last wins).
 */
export function initialEntries(backends: Iterable<Backend> | undefined): Map<string, Backend> {
  const map = new Map<string, Backend>();
  if (backends === undefined || backends === null) return map;
  for (const backend of backends) {
    const copy = storableCopy(backend);
    map.set(copy.id, copy);
  }
  return map;
}

/**
 * A `list()` that costs one array copy instead of a walk over the map: the snapshot of the values is rebuilt lazily
 * after a change and each caller gets a fresh `slice()` of it.
 */
export class ListCache {
  #snapshot: Backend[] | undefined;

  invalidate(): void {
    this.#snapshot = undefined;
  }

  list(entries: Map<string, Backend>): Backend[] {
    this.#snapshot ??= Array.from(entries.values());
    return this.#snapshot.slice();
  }
}
