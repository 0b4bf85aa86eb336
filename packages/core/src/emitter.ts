import { callSafely } from './call-safely.ts';

/** A listener of event `K`. */
export type Listener<Events extends object, K extends keyof Events> = (payload: Events[K]) => void;

/**
 * A small typed event emitter over `Events`, a map of event name → the payload its listeners receive. Listeners run in the order they subscribed; one that throws is reported to `onError`
 * and never stops the others or the emitter. A listener added or removed during an emit takes effect from the next.
 */
export class Emitter<Events extends object> {
  readonly #listeners = new Map<keyof Events, Set<Listener<Events, keyof Events>>>();
  readonly #onError: ((error: unknown, event: keyof Events) => void) | undefined;

  /** @param onError told of every listener that throws. */
  constructor(onError?: (error: unknown, event: keyof Events) => void) {
    this.#onError = onError;
  }

  /** Subscribes to `event`; returns a function that unsubscribes (calling it twice is harmless). */
  on<K extends keyof Events>(event: K, listener: Listener<Events, K>): () => void {
    let set = this.#listeners.get(event);
    if (set === undefined) {
      set = new Set();
      this.#listeners.set(event, set);
    }
    const entry = listener as Listener<Events, keyof Events>;
    set.add(entry);
    return () => {
      set.delete(entry);
    };
  }

  /** Calls every listener of `event` with `payload`. */
  emit<K extends keyof Events>(event: K, payload: Events[K]): void {
    const set = this.#listeners.get(event);
    if (set === undefined || set.size === 0) return;
    for (const listener of [...set]) {
      callSafely(
        () => listener(payload),
        (error) => this.#onError?.(error, event),
      );
    }
  }

  /** The number of listeners of `event`. */
  listenerCount(event: keyof Events): number {
    return this.#listeners.get(event)?.size ?? 0;
  }

  /** Removes every listener. */
  clear(): void {
    this.#listeners.clear();
  }
}
