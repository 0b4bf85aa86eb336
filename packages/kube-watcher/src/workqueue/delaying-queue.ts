/**
 * A work queue that can add an item after a delay (client-go `delaying_queue.go`).
 *
 * Waiting items live in a min-heap keyed by the time they become ready. One clock timer is armed for the earliest
 * one; when it fires, every ready item is `add`ed (and so deduplicated by the underlying queue).
 */
import type { TimerHandle } from '@vmcp/core';
import { BasicWorkQueue, type GetResult, type WorkQueue, type WorkQueueOptions } from './queue.ts';

/** A {@link WorkQueue} with delayed adds. */
export interface DelayingQueue<T> extends WorkQueue<T> {
  /**
   * Adds `item` once `ms` milliseconds have passed; `ms <= 0` (or NaN) is a plain `add`. If the item is already
   * waiting, the earlier ready time wins: a second call with a longer delay never postpones it. Ignored after
   * shutdown; waiting items are dropped at shutdown. Counts a retry in the queue metrics.
   */
  addAfter(item: T, ms: number): void;
  /** Number of items waiting for their delay to pass (informational). */
  waitingLen(): number;
}

interface WaitEntry<T> {
  item: T;
  readyAt: number;
  /** Insertion order, so items ready at the same instant are added in the order they were scheduled. */
  seq: number;
  index: number;
}

/**
 * Implementation of {@link DelayingQueue}; build one with {@link createDelayingQueue}.
 * @internal
 */
export class BasicDelayingQueue<T> implements DelayingQueue<T> {
  protected readonly base: BasicWorkQueue<T>;
  readonly #heap: WaitEntry<T>[] = [];
  readonly #waiting = new Map<unknown, WaitEntry<T>>();
  #seq = 0;
  #timer: TimerHandle | undefined;
  #timerAt = Infinity;

  constructor(options: WorkQueueOptions<T> = {}) {
    this.base = new BasicWorkQueue(options);
  }

  add(item: T): void {
    this.base.add(item);
  }
  get(): Promise<GetResult<T>> {
    return this.base.get();
  }
  done(item: T): void {
    this.base.done(item);
  }
  len(): number {
    return this.base.len();
  }
  shuttingDown(): boolean {
    return this.base.shuttingDown();
  }
  shutDown(): void {
    this.#stopWaiting();
    this.base.shutDown();
  }
  shutDownWithDrain(): Promise<void> {
    this.#stopWaiting();
    return this.base.shutDownWithDrain();
  }
  waitingLen(): number {
    return this.#heap.length;
  }

  addAfter(item: T, ms: number): void {
    if (this.base.shuttingDown()) return;
    this.base.metrics?.retry();
    if (!(ms > 0)) {
      this.base.add(item);
      return;
    }
    const clock = this.base.clock;
    const readyAt = clock.now() + ms;
    const key = this.base.keyOf(item);
    const existing = this.#waiting.get(key);
    if (existing !== undefined) {
      if (readyAt < existing.readyAt) {
        existing.readyAt = readyAt;
        existing.item = item;
        this.#siftUp(existing.index);
      }
    } else {
      const entry: WaitEntry<T> = { item, readyAt, seq: this.#seq++, index: this.#heap.length };
      this.#heap.push(entry);
      this.#waiting.set(key, entry);
      this.#siftUp(entry.index);
    }
    this.#arm();
  }

  /** Adds every item whose time has come, then re-arms the timer for the next one. */
  #fire(): void {
    this.#timer = undefined;
    this.#timerAt = Infinity;
    const now = this.base.clock.now();
    for (let head = this.#heap[0]; head !== undefined && head.readyAt <= now; head = this.#heap[0]) {
      this.#pop();
      this.#waiting.delete(this.base.keyOf(head.item));
      this.base.add(head.item);
    }
    this.#arm();
  }

  /** Makes sure a timer is armed no later than the earliest ready time. */
  #arm(): void {
    const head = this.#heap[0];
    if (head === undefined || head.readyAt >= this.#timerAt) return;
    const clock = this.base.clock;
    if (this.#timer !== undefined) clock.clearTimeout(this.#timer);
    this.#timerAt = head.readyAt;
    // Timers may fire a little early relative to `now()`; `#fire` then finds nothing ready and re-arms.
    this.#timer = clock.setTimeout(() => this.#fire(), Math.max(1, head.readyAt - clock.now()));
  }

  #stopWaiting(): void {
    if (this.#timer !== undefined) this.base.clock.clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#timerAt = Infinity;
    this.#heap.length = 0;
    this.#waiting.clear();
  }

  // --- binary min-heap on (readyAt, seq) ---

  #less(a: WaitEntry<T>, b: WaitEntry<T>): boolean {
    return a.readyAt < b.readyAt || (a.readyAt === b.readyAt && a.seq < b.seq);
  }

  #swap(i: number, j: number): void {
    const a = this.#heap[i] as WaitEntry<T>;
    const b = this.#heap[j] as WaitEntry<T>;
    this.#heap[i] = b;
    this.#heap[j] = a;
    a.index = j;
    b.index = i;
  }

  #siftUp(i: number): void {
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.#less(this.#heap[i] as WaitEntry<T>, this.#heap[parent] as WaitEntry<T>)) return;
      this.#swap(i, parent);
      i = parent;
    }
  }

  #siftDown(i: number): void {
    const n = this.#heap.length;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let smallest = i;
      if (l < n && this.#less(this.#heap[l] as WaitEntry<T>, this.#heap[smallest] as WaitEntry<T>)) smallest = l;
      if (r < n && this.#less(this.#heap[r] as WaitEntry<T>, this.#heap[smallest] as WaitEntry<T>)) smallest = r;
      if (smallest === i) return;
      this.#swap(i, smallest);
      i = smallest;
    }
  }

  #pop(): void {
    const last = this.#heap.pop();
    if (last === undefined || this.#heap.length === 0) return;
    this.#heap[0] = last;
    last.index = 0;
    this.#siftDown(0);
  }
}

/** Creates a {@link DelayingQueue}. */
export function createDelayingQueue<T>(options: WorkQueueOptions<T> = {}): DelayingQueue<T> {
  return new BasicDelayingQueue(options);
}
