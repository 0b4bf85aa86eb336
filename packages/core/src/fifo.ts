/**
 * A first-in-first-out queue with O(1) amortised push and shift. `Array.prototype.shift` is O(n), which turns
 * draining a burst of 10,000 keys (a watcher's cold start) or trimming a long event buffer into O(n²).
 */
export class Fifo<V> {
  #items: (V | undefined)[] = [];
  #head = 0;

  /** The number of values queued. */
  get length(): number {
    return this.#items.length - this.#head;
  }

  /** Adds `value` at the end. */
  push(value: V): void {
    this.#items.push(value);
  }

  /** Removes and returns the oldest value; `undefined` when empty. */
  shift(): V | undefined {
    if (this.#head >= this.#items.length) return undefined;
    const value = this.#items[this.#head];
    this.#items[this.#head] = undefined; // let the value be collected
    this.#head++;
    // Compact once the consumed prefix dominates, keeping memory proportional to the live length.
    if (this.#head >= 1024 && this.#head * 2 >= this.#items.length) {
      this.#items = this.#items.slice(this.#head);
      this.#head = 0;
    }
    return value;
  }

  /** The oldest value, without removing it. */
  peek(): V | undefined {
    return this.#head < this.#items.length ? this.#items[this.#head] : undefined;
  }

  /** The values from oldest to newest. Do not push or shift while iterating. */
  *[Symbol.iterator](): IterableIterator<V> {
    for (let i = this.#head; i < this.#items.length; i++) yield this.#items[i] as V;
  }

  /** Removes every value. */
  clear(): void {
    this.#items = [];
    this.#head = 0;
  }
}
