/**
 * The basic work queue, with client-go `workqueue.Typed` semantics:
 *
 * - **Fair**: items are handed out in the order they were added.
 * - **Stingy**: an item added several times before it is handed out is handed out once; an item is never handed
 *   out again while it is being processed (between `get` and `done`).
 * - **Never lost**: an item added while it is being processed is parked and queued again by `done`.
 * - Multiple producers and consumers; shutdown with or without draining.
 *
 * Internally: a FIFO of keys, a `dirty` map (needs processing) and a `processing` set (handed out, not done).
 */
import { Fifo, systemClock, type Clock } from '@vmcp/core';
import { QueueMetrics, type WorkQueueMetricsProvider } from './metrics.ts';

/** What {@link WorkQueue.get} resolves to. */
export type GetResult<T> = { readonly item: T; readonly shutdown: false } | { readonly shutdown: true };

/** A client-go style work queue. See the module comment for the guarantees. */
export interface WorkQueue<T> {
  /** Marks `item` as needing processing. Ignored after shutdown; deduplicated while the item is waiting. */
  add(item: T): void;
  /**
   * Waits for the next item and marks it as being processed; the caller must call {@link done} with it.
   * Resolves `{ shutdown: true }` once the queue is shut down and has nothing left to hand out.
   * Concurrent callers are served in the order they called.
   */
  get(): Promise<GetResult<T>>;
  /** Marks `item` as processed. If it was added again meanwhile, it is queued again. Unknown items are ignored. */
  done(item: T): void;
  /** Number of items waiting to be handed out (informational). */
  len(): number;
  /** Stops accepting adds; `get` keeps handing out what is queued, then resolves `{ shutdown: true }`. */
  shutDown(): void;
  /**
   * Like {@link shutDown}, and resolves once no item is being processed (every handed-out item is `done`).
   * A later {@link shutDown} call releases it at once (client-go behaviour).
   */
  shutDownWithDrain(): Promise<void>;
  /** Whether {@link shutDown} or {@link shutDownWithDrain} was called. */
  shuttingDown(): boolean;
}

/** Options shared by every queue constructor. */
export interface WorkQueueOptions<T> {
  /** Queue name, passed to the metrics provider. Default `""`. */
  name?: string;
  /** Time source for metrics and delays. Default {@link systemClock}. */
  clock?: Clock;
  /** Metrics sink; when absent no metrics bookkeeping (and no periodic timer) happens. */
  metrics?: WorkQueueMetricsProvider;
  /**
   * Identity of an item for dedup and exclusivity. Default: the item itself (SameValueZero), which is what string
   * keys need. With a key function, two items with the same key are the same work; the most recently added one
   * is the one handed out.
   */
  keyOf?: (item: T) => unknown;
}

interface Waiter<T> {
  resolve(result: GetResult<T>): void;
}

const SHUTDOWN: GetResult<never> = Object.freeze({ shutdown: true });

/**
 * Implementation of {@link WorkQueue}. Not exported from the package: build queues with {@link createWorkQueue}.
 * @internal
 */
export class BasicWorkQueue<T> implements WorkQueue<T> {
  readonly clock: Clock;
  readonly keyOf: (item: T) => unknown;
  /** Metrics bookkeeping, shared with the delaying queue for its retry counter. */
  readonly metrics: QueueMetrics<unknown> | undefined;

  readonly #queue = new Fifo<unknown>();
  readonly #dirty = new Map<unknown, T>();
  readonly #processing = new Set<unknown>();
  readonly #waiters = new Fifo<Waiter<T>>();
  #drainWaiters: (() => void)[] = [];
  #shuttingDown = false;
  #draining = false;

  constructor(options: WorkQueueOptions<T> = {}) {
    this.clock = options.clock ?? systemClock;
    this.keyOf = options.keyOf ?? identity;
    this.metrics = options.metrics === undefined ? undefined : new QueueMetrics(options.name ?? '', options.metrics, this.clock);
  }

  add(item: T): void {
    if (this.#shuttingDown) return;
    const key = this.keyOf(item);
    if (this.#dirty.has(key)) {
      this.#dirty.set(key, item);
      return;
    }
    this.metrics?.add(key);
    this.#dirty.set(key, item);
    // Parked: `done` queues it again, which is what keeps one key from being processed twice at once.
    if (this.#processing.has(key)) return;
    this.#queue.push(key);
    this.#dispatch();
  }

  get(): Promise<GetResult<T>> {
    if (this.#queue.length > 0) return Promise.resolve(this.#take());
    if (this.#shuttingDown) return Promise.resolve(SHUTDOWN);
    return new Promise((resolve) => this.#waiters.push({ resolve }));
  }

  done(item: T): void {
    const key = this.keyOf(item);
    // Deliberately stricter than client-go, where `Done` of an item never handed out could queue it twice.
    if (!this.#processing.has(key)) return;
    this.metrics?.done(key);
    this.#processing.delete(key);
    if (this.#dirty.has(key)) {
      this.#queue.push(key);
      this.#dispatch();
    } else if (this.#processing.size === 0) {
      this.#releaseDrainWaiters();
    }
  }

  len(): number {
    return this.#queue.length;
  }

  shutDown(): void {
    this.#draining = false;
    this.#beginShutdown();
    this.#releaseDrainWaiters();
  }

  shutDownWithDrain(): Promise<void> {
    this.#draining = true;
    this.#beginShutdown();
    if (this.#processing.size === 0 || !this.#draining) return Promise.resolve();
    return new Promise((resolve) => this.#drainWaiters.push(resolve));
  }

  shuttingDown(): boolean {
    return this.#shuttingDown;
  }

  /** Number of items handed out and not yet done. */
  processingCount(): number {
    return this.#processing.size;
  }

  #beginShutdown(): void {
    if (!this.#shuttingDown) {
      this.#shuttingDown = true;
      this.metrics?.stop();
    }
    // Waiters exist only while the queue is empty (an add hands its item straight to one), so all of them can
    // be told to stop.
    if (this.#queue.length === 0) {
      for (let w = this.#waiters.shift(); w !== undefined; w = this.#waiters.shift()) w.resolve(SHUTDOWN);
    }
  }

  #releaseDrainWaiters(): void {
    const waiters = this.#drainWaiters;
    this.#drainWaiters = [];
    for (const resolve of waiters) resolve();
  }

  /** Hands queued items to waiting `get` callers, oldest caller first. */
  #dispatch(): void {
    while (this.#queue.length > 0 && this.#waiters.length > 0) {
      const waiter = this.#waiters.shift();
      waiter?.resolve(this.#take());
    }
  }

  /** Pops the head of the FIFO and moves it from dirty to processing. Call only when the FIFO is not empty. */
  #take(): GetResult<T> {
    const key = this.#queue.shift();
    const item = this.#dirty.get(key) as T;
    this.#dirty.delete(key);
    this.#processing.add(key);
    this.metrics?.get(key);
    return { item, shutdown: false };
  }
}

function identity(item: unknown): unknown {
  return item;
}

/** Creates a {@link WorkQueue}. */
export function createWorkQueue<T>(options: WorkQueueOptions<T> = {}): WorkQueue<T> {
  return new BasicWorkQueue(options);
}
