import { callSafely } from '@vmcp/core';
import { plainDataEqual } from './plain-data.ts';
import { initialEntries, ListCache, storableCopy } from './store.ts';
import type { Backend, DynamicRegistry, RegistryEvent, RegistryListener } from './types.ts';

/** Options of {@link createDynamicRegistry}. */
export interface DynamicRegistryOptions {
  /**
   * Called when a listener throws. The event is passed so the handler can say which change failed, but it may hold
   * secret values (`backend.authConfig`): never log or serialise it as a whole. Default: `console.error` of the
   * error alone. If this handler throws too, that error is written with `console.error` and otherwise ignored.
   */
  onListenerError?: (error: unknown, event: RegistryEvent) => void;
}

interface Subscription {
  readonly listener: RegistryListener;
  active: boolean;
}

function defaultListenerErrorHandler(error: unknown): void {
  // Deliberately not the event: it can carry resolved credentials.
  console.error('@vmcp/registry: a registry listener threw; other listeners still ran', error);
}

/**
 * A registry whose contents change over time, with a version counter and change events.
 *
 * Semantics (see the package README for the reasoning):
 * - Stored backends are deep-frozen deep copies; the caller's object is neither frozen nor retained. `get` and
 *   `list` return the stored objects themselves (no copy); `list` returns a new array each call.
 * - `initial` may repeat an id: the last one wins. The version starts at 0 whatever the initial contents.
 * - `upsert` throws `backend ID cannot be empty` for `''` (and a `TypeError` for data that is not plain JSON);
 *   it returns false, with no version bump and no event, when the stored backend is deeply equal to the new one.
 * - `remove` returns false, with no version bump, when the id is absent.
 * - Each effective change increments the version by exactly 1 and notifies listeners synchronously.
 *
 * Re-entrancy: a listener may call `upsert`/`remove`. The state and version change at once (the nested call's
 * return value and any `get` see it), but its event is queued and delivered after the current event has reached
 * every listener. Every listener therefore sees events in strictly increasing version order, and the outermost
 * `upsert`/`remove` returns only once the queue is empty. A listener added during delivery starts with the next
 * event; a listener removed during delivery is not called again, even for the event in flight.
 *
 * Not safe for concurrent use across worker threads (JavaScript objects are not shared between them anyway).
 */
export function createDynamicRegistry(initial?: Iterable<Backend>, options: DynamicRegistryOptions = {}): DynamicRegistry {
  const entries = initialEntries(initial);
  const listCache = new ListCache();
  const reportListenerError = options.onListenerError ?? defaultListenerErrorHandler;
  let currentVersion = 0;
  // Copy-on-write: subscribe/unsubscribe replace the array, so a delivery in progress keeps a stable list.
  let subscriptions: readonly Subscription[] = [];
  const pending: RegistryEvent[] = [];
  let delivering = false;

  function deliver(event: RegistryEvent): void {
    for (const subscription of subscriptions) {
      if (!subscription.active) continue;
      callSafely(
        () => subscription.listener(event),
        (error) => callSafely(
          () => reportListenerError(error, event),
          (reporterError) => console.error('@vmcp/registry: onListenerError threw', reporterError),
        ),
      );
    }
  }

  function publish(event: RegistryEvent): void {
    pending.push(event);
    if (delivering) return; // the outer publish() drains the queue in order
    delivering = true;
    try {
      for (let next = pending.shift(); next !== undefined; next = pending.shift()) deliver(next);
    } finally {
      delivering = false;
    }
  }

  function commit(event: RegistryEvent): void {
    listCache.invalidate();
    if (subscriptions.length > 0 || delivering) publish(Object.freeze(event));
  }

  return Object.freeze<DynamicRegistry>({
    get(id) {
      return entries.get(id);
    },
    list() {
      return listCache.list(entries);
    },
    count() {
      return entries.size;
    },
    version() {
      return currentVersion;
    },
    upsert(backend) {
      if (backend !== null && typeof backend === 'object' && backend.id !== '' && typeof backend.id === 'string') {
        const stored = entries.get(backend.id);
        if (stored !== undefined && plainDataEqual(stored, backend)) return false;
      }
      const copy = storableCopy(backend); // validates: throws before anything changes
      const previous = entries.get(copy.id);
      entries.set(copy.id, copy);
      currentVersion++;
      commit(
        previous === undefined
          ? { type: 'upsert', version: currentVersion, backend: copy }
          : { type: 'upsert', version: currentVersion, backend: copy, previous },
      );
      return true;
    },
    remove(id) {
      const previous = entries.get(id);
      if (previous === undefined) return false;
      entries.delete(id);
      currentVersion++;
      commit({ type: 'remove', version: currentVersion, id, previous });
      return true;
    },
    subscribe(listener) {
      if (typeof listener !== 'function') throw new TypeError('registry: subscribe() needs a listener function');
      const subscription: Subscription = { listener, active: true };
      subscriptions = [...subscriptions, subscription];
      return () => {
        if (!subscription.active) return;
        subscription.active = false;
        subscriptions = subscriptions.filter((s) => s !== subscription);
      };
    },
  });
}
