/**
 * A bounded cache of access decisions with a lifetime per entry, least recently used out first. The authorizer
 * keeps two: allows (long-lived, few: one per gateway identity) and denials (short-lived, possibly many). Kept apart,
 * a flood of bad tokens can only push out other denials, never the allow of a real gateway.
 */
import type { Clock } from '@vmcp/core';

interface Entry<V> {
  value: V;
  expiresAt: number;
}

/** A TTL + LRU map. Keys are digests, never tokens. */
export class DecisionCache<V> {
  readonly #entries = new Map<string, Entry<V>>();
  readonly #maxEntries: number;
  readonly #ttlMs: number;
  readonly #clock: Clock;

  constructor(maxEntries: number, ttlMs: number, clock: Clock) {
    if (!(maxEntries >= 1)) throw new RangeError(`a decision cache needs room for at least 1 entry, got ${maxEntries}`);
    this.#maxEntries = maxEntries;
    this.#ttlMs = ttlMs;
    this.#clock = clock;
  }

  /** The live value for `key` (and marks it recently used), or undefined. */
  get(key: string): V | undefined {
    const entry = this.#entries.get(key);
    if (entry === undefined) return undefined;
    this.#entries.delete(key);
    if (entry.expiresAt <= this.#clock.now()) return undefined;
    this.#entries.set(key, entry);
    return entry.value;
  }

  /** Stores `value`; the least recently used entry goes when full. */
  set(key: string, value: V): void {
    this.#entries.delete(key);
    if (this.#entries.size >= this.#maxEntries) {
      const oldest = this.#entries.keys().next();
      if (oldest.done !== true) this.#entries.delete(oldest.value);
    }
    this.#entries.set(key, { value, expiresAt: this.#clock.now() + this.#ttlMs });
  }

  get size(): number {
    return this.#entries.size;
  }
}
