/**
 * The initial-reconcile barrier: once every required cache has synced, the watcher enqueues its initial pass (every
 * backend name the caches and the registry know). The barrier is passed when each name of that pass has completed
 * one reconcile — served, excluded with its reason, or failed and queued for retry with the error reported. A broken
 * object therefore cannot hold readiness forever, and readiness never turns true while a servable backend is still
 * only a queue entry.
 */
import type { Clock } from '@vmcp/core';

/** Progress of the initial pass. */
export interface InitialReconcileProgress {
  /** The pass has begun (every required cache synced). */
  readonly started: boolean;
  /** Every name of the pass completed one reconcile. */
  readonly passed: boolean;
  /** Names in the pass. */
  readonly total: number;
  /** Names that completed one reconcile. */
  readonly done: number;
  /** Names still waiting for their first reconcile. */
  readonly pending: number;
  /** Milliseconds from the begin of the pass to the barrier (set once passed). */
  readonly durationMs?: number;
}

/** Tracks the initial pass. One instance per watcher; `begin` is called once. */
export class InitialReconcileBarrier {
  readonly #clock: Clock;
  readonly #onPassed: (durationMs: number) => void;
  #pending: Set<string> | undefined;
  #total = 0;
  #startedAt = 0;
  #durationMs: number | undefined;

  /** @param onPassed called once, synchronously, when the last name of the pass completes (or at once if empty). */
  constructor(clock: Clock, onPassed: (durationMs: number) => void) {
    this.#clock = clock;
    this.#onPassed = onPassed;
  }

  /** Starts the pass over `names` (duplicates count once). Throws if called twice. */
  begin(names: Iterable<string>): void {
    if (this.#pending !== undefined) throw new Error('initial reconcile: the pass has already begun');
    this.#pending = new Set(names);
    this.#total = this.#pending.size;
    this.#startedAt = this.#clock.now();
    this.#passIfDone();
  }

  /** Records that `name` completed a reconcile (any outcome). Names outside the pass, and repeats, are ignored. */
  completed(name: string): void {
    if (this.#pending?.delete(name) === true) this.#passIfDone();
  }

  get passed(): boolean {
    return this.#durationMs !== undefined;
  }

  progress(): InitialReconcileProgress {
    const pending = this.#pending?.size ?? 0;
    return {
      started: this.#pending !== undefined,
      passed: this.passed,
      total: this.#total,
      done: this.#total - pending,
      pending,
      ...(this.#durationMs !== undefined ? { durationMs: this.#durationMs } : {}),
    };
  }

  /** Up to `limit` names still pending, sorted: for status and logs (which name holds readiness). */
  pendingNames(limit: number): string[] {
    if (this.#pending === undefined) return [];
    const out: string[] = [];
    for (const n of this.#pending) {
      out.push(n);
      if (out.length >= limit) break;
    }
    return out.sort();
  }

  #passIfDone(): void {
    if (this.#pending === undefined || this.#pending.size > 0 || this.#durationMs !== undefined) return;
    this.#durationMs = this.#clock.now() - this.#startedAt;
    this.#onPassed(this.#durationMs);
  }
}
