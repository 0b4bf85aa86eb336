/**
 * The start/stop lifecycle a backend watcher and a watcher set share: `new` → `starting` → `running` → `stopping` →
 * `stopped` (or `failed`). `start()` resolves after a graceful stop and rejects with the first fatal error; `stop()`
 * is idempotent and drains the owner's work before it stops the watches (controller-runtime's order: reconcilers
 * first, then the caches they read); the first fatal error stops everything.
 */
import { toError, type LogFields, type Logger } from '@vmcp/core';

export type LifecycleState = 'new' | 'starting' | 'running' | 'stopping' | 'stopped' | 'failed';

/** What a lifecycle needs from its owner. */
export interface LifecycleParts {
  /** Names the owner in its log lines (`backend watcher`, `watcher set`). */
  readonly name: string;
  /** The message a second `start()` rejects with. */
  readonly alreadyStarted: string;
  readonly logger: Logger;
  /** The fields of the `stopped` log line, if any. */
  readonly where?: LogFields;
  /** The state changed (worth a status push). */
  onStateChange(): void;
  /** Stopping begins: whoever waits for readiness must learn it will not come. */
  onStopping(): void;
  /** Drains the owner's work; the watches are stopped after it, even when it throws. */
  drain(): Promise<void>;
}

/** One per watcher or watcher set. */
export class Lifecycle {
  readonly #parts: LifecycleParts;
  /** Aborted once the work has drained: stops discovery and every watch. */
  readonly #stopWatching = new AbortController();
  readonly #done = Promise.withResolvers<void>();
  #state: LifecycleState = 'new';
  #fatalError: Error | undefined;
  #stopping: Promise<void> | undefined;

  constructor(parts: LifecycleParts) {
    this.#parts = parts;
  }

  get state(): LifecycleState {
    return this.#state;
  }

  get fatalError(): Error | undefined {
    return this.#fatalError;
  }

  /** The signal of the watches: aborted once a stop has drained the work. */
  get watchSignal(): AbortSignal {
    return this.#stopWatching.signal;
  }

  /** Stopping, stopped or failed: readiness cannot come any more. */
  get ended(): boolean {
    return this.#state === 'stopping' || this.#state === 'stopped' || this.#state === 'failed';
  }

  /**
   * Enters `starting`, stops when `signal` aborts, calls `run` (which must not throw: it reports through
   * {@link fail}), then waits for the stop. Rejects with the fatal error, if any.
   */
  async start(signal: AbortSignal | undefined, run: () => void): Promise<void> {
    if (this.#state !== 'new') throw new Error(this.#parts.alreadyStarted);
    this.setState('starting');
    if (signal) {
      if (signal.aborted) void this.stop();
      else signal.addEventListener('abort', () => void this.stop(), { once: true });
    }
    run();
    await this.#done.promise;
    if (this.#fatalError) throw this.#fatalError;
  }

  /** Idempotent; never started: stopped at once. */
  stop(): Promise<void> {
    if (this.#state === 'new') {
      this.setState('stopped');
      this.#done.resolve();
      return Promise.resolve();
    }
    this.#stopping ??= this.#stop();
    return this.#stopping;
  }

  /** Keeps the first fatal error, enters `failed` and stops. */
  fail(err: unknown): void {
    if (this.#fatalError) return;
    this.#fatalError = toError(err);
    this.#parts.logger.error(`${this.#parts.name} failed: ${this.#fatalError.message}`);
    this.setState('failed');
    void this.stop();
  }

  setState(state: LifecycleState): void {
    if (this.#state === state) return;
    this.#state = state;
    this.#parts.onStateChange();
  }

  async #stop(): Promise<void> {
    const failed = this.#state === 'failed';
    if (!failed) this.setState('stopping');
    this.#parts.onStopping();
    try {
      await this.#parts.drain();
    } finally {
      this.#stopWatching.abort();
      if (!failed) this.setState('stopped');
      const { logger, name, where } = this.#parts;
      if (where) logger.info(`${name} stopped`, where);
      else logger.info(`${name} stopped`);
      this.#done.resolve();
    }
  }
}
