/**
 * The reconcile loop (controller-runtime `pkg/internal/controller`): N workers take backend names from a
 * rate-limited work queue and call `reconcile` for each; the outcome decides whether and when the name comes back.
 * The queue guarantees that one name is never reconciled by two workers at once.
 */
import { callSafely, systemClock, type Clock, type TimerHandle } from '@vmcp/core';
import type { WorkQueueMetricsProvider } from '../workqueue/metrics.ts';
import { createRateLimitingQueue, type RateLimitingQueue, type RateLimitingQueueOptions } from '../workqueue/rate-limiting-queue.ts';
import { defaultControllerRateLimiter, type RateLimiter } from '../workqueue/rate-limiters.ts';
import type { ControllerMetrics, ReconcileResultLabel } from './metrics.ts';
import { isTerminalError, ReconcilePanicError } from './terminal-error.ts';

/** What to reconcile: a backend name (the namespace is the watcher's). */
export interface ReconcileRequest {
  readonly name: string;
}

/** What a successful reconcile asks for next. An empty result (or `undefined`) means "done". */
export interface ReconcileResult {
  /** Run again after this many milliseconds (the failure backoff is reset first). Ignored if <= 0. */
  readonly requeueAfterMs?: number;
  /** Deprecated in controller-runtime, kept for parity: run again after the rate limiter's delay. */
  readonly requeue?: boolean;
}

/**
 * Reconciles one request. Reject (with an `Error`) to retry with backoff, with a {@link TerminalError} to stop
 * retrying. `signal` is aborted only when the controller stops and the grace period runs out.
 */
export type ReconcileFn = (request: ReconcileRequest, signal: AbortSignal) => Promise<ReconcileResult | void>;

/** Options of {@link Controller}. */
export interface ControllerOptions {
  /** Controller name: metrics label, queue name, and the prefix of error messages. */
  name: string;
  reconcile: ReconcileFn;
  /** Number of workers. Default 1 (controller-runtime's default). */
  maxConcurrentReconciles?: number;
  /** How long {@link Controller.stop} waits for running reconciles before aborting them. Default 30 000 ms. */
  gracePeriodMs?: number;
  /** Default {@link systemClock}. */
  clock?: Clock;
  /** Retry pacing. Default {@link defaultControllerRateLimiter}. Ignored when `queue` is given. */
  rateLimiter?: RateLimiter<string>;
  /** Work queue metrics. Ignored when `queue` is given. */
  queueMetrics?: WorkQueueMetricsProvider;
  /** Bring your own queue (it must use the same clock for delays to be coherent in tests). */
  queue?: RateLimitingQueue<string>;
  metrics?: ControllerMetrics;
  /**
   * Called for every failed reconcile (retried, terminal or panic), e.g. to log it. Not called for failures of
   * reconciles that were aborted at stop. A hook that throws is ignored.
   */
  onError?: (request: ReconcileRequest, error: Error) => void;
  /**
   * Called once per finished reconcile, whatever its outcome, after the queue has been told what comes next (so a
   * failed name is already scheduled for its retry, and `onError` has reported the failure). Not called for
   * reconciles abandoned at stop. The watcher's initial-reconcile barrier counts these. A hook that throws is ignored.
   */
  onReconciled?: (request: ReconcileRequest, result: ReconcileResultLabel) => void;
}

/** What {@link Controller.stop} reports. */
export interface ControllerStopResult {
  /** True when every running reconcile finished within the grace period. */
  readonly graceful: boolean;
  /** Names whose reconcile was still running when the grace period expired (their signal was aborted). */
  readonly abandoned: readonly string[];
}

/** Default {@link ControllerOptions.gracePeriodMs}: controller-runtime's GracefulShutdownTimeout. */
export const DEFAULT_GRACE_PERIOD_MS = 30_000;

type Outcome =
  { readonly kind: 'ok'; readonly result: ReconcileResult } | { readonly kind: 'error'; readonly error: Error; readonly panic: boolean };

type State = 'new' | 'running' | 'stopped';

/**
 * Runs `reconcile` over a rate-limited queue of names with controller-runtime's outcome rules:
 *
 * | outcome | queue | `reconcile_total` result |
 * |---|---|---|
 * | rejects with an `Error` | `addRateLimited`, no `forget` (backoff keeps growing) | `error` (+ errors_total) |
 * | rejects with a {@link TerminalError} | nothing | `error` (+ errors_total, terminal_errors_total) |
 * | synchronous throw, or rejects with a non-`Error` | as an error, wrapped in {@link ReconcilePanicError} | `error` (+ panics_total) |
 * | `requeueAfterMs > 0` | `forget`, then `addAfter` | `requeue_after` |
 * | `requeue: true` | `addRateLimited` | `requeue` |
 * | anything else | `forget` | `success` |
 *
 * Names can be enqueued before `start`; they are processed once workers run.
 */
export class Controller {
  /** The controller name. */
  readonly name: string;
  /** The work queue, for event handlers that need more than {@link enqueue}. */
  readonly queue: RateLimitingQueue<string>;

  readonly #reconcile: ReconcileFn;
  readonly #workers: number;
  readonly #graceMs: number;
  readonly #clock: Clock;
  readonly #metrics: ControllerMetrics;
  readonly #onError: ((request: ReconcileRequest, error: Error) => void) | undefined;
  readonly #onReconciled: ((request: ReconcileRequest, result: ReconcileResultLabel) => void) | undefined;
  readonly #inFlight = new Map<string, AbortController>();
  readonly #stopped = Promise.withResolvers<void>();
  #workerLoops: Promise<void>[] = [];
  #state: State = 'new';
  #stopResult: Promise<ControllerStopResult> | undefined;
  #detachSignal: (() => void) | undefined;

  constructor(options: ControllerOptions) {
    if (options.name === '') throw new Error('controller: name must not be empty');
    const workers = options.maxConcurrentReconciles ?? 1;
    if (!Number.isInteger(workers) || workers < 1) {
      throw new RangeError(`controller ${options.name}: maxConcurrentReconciles must be an integer >= 1, got ${workers}`);
    }
    const grace = options.gracePeriodMs ?? DEFAULT_GRACE_PERIOD_MS;
    if (!(grace >= 0)) {
      throw new RangeError(`controller ${options.name}: gracePeriodMs must be >= 0, got ${grace}`);
    }
    this.name = options.name;
    this.#reconcile = options.reconcile;
    this.#workers = workers;
    this.#graceMs = grace;
    this.#clock = options.clock ?? systemClock;
    this.#metrics = options.metrics ?? {};
    this.#onError = options.onError;
    this.#onReconciled = options.onReconciled;
    this.queue = options.queue ?? createRateLimitingQueue<string>(this.#queueOptions(options));
  }

  /** Queues a reconcile of `name` (deduplicated with any pending one). Ignored once stopping. */
  enqueue(name: string): void {
    this.queue.add(name);
  }

  /** Queues a reconcile of `name` after `ms` milliseconds (an earlier pending time wins). */
  enqueueAfter(name: string, ms: number): void {
    this.queue.addAfter(name, ms);
  }

  /** Names being reconciled right now. */
  inFlight(): string[] {
    return [...this.#inFlight.keys()];
  }

  /**
   * Starts the workers. Resolves once the controller has stopped (after {@link stop} or `signal` abort) and its
   * stop procedure has finished. Rejects if called a second time or after `stop`.
   */
  async start(signal?: AbortSignal): Promise<void> {
    if (this.#state === 'running') throw new Error(`controller ${this.name}: already started`);
    if (this.#state === 'stopped') throw new Error(`controller ${this.name}: already stopped`);
    this.#state = 'running';
    this.#emit((m) => m.maxConcurrentReconciles?.(this.name, this.#workers));
    this.#emit((m) => m.activeWorkers?.(this.name, 0));
    for (let i = 0; i < this.#workers; i++) this.#workerLoops.push(this.#workerLoop());
    if (signal !== undefined) {
      // The returned promise carries the outcome; nothing to handle at the listener.
      const onAbort = (): void => void this.stop();
      if (signal.aborted) onAbort();
      else {
        signal.addEventListener('abort', onAbort, { once: true });
        this.#detachSignal = () => signal.removeEventListener('abort', onAbort);
      }
    }
    await this.#stopped.promise;
  }

  /**
   * Stops taking new work and waits for running reconciles, up to the grace period; then aborts their signals and
   * resolves without waiting further (a reconcile that ignores its signal keeps running detached, and its
   * outcome is dropped because the queue is shut down). Idempotent: later calls return the same result.
   * Names still queued are dropped.
   */
  stop(): Promise<ControllerStopResult> {
    this.#stopResult ??= this.#stop();
    return this.#stopResult;
  }

  async #stop(): Promise<ControllerStopResult> {
    const wasRunning = this.#state === 'running';
    this.#state = 'stopped';
    this.#detachSignal?.();
    this.queue.shutDown();
    let result: ControllerStopResult = { graceful: true, abandoned: [] };
    if (wasRunning) {
      let timer: TimerHandle | undefined;
      const expired = new Promise<'expired'>((resolve) => {
        timer = this.#clock.setTimeout(() => resolve('expired'), this.#graceMs);
      });
      const finished = Promise.all(this.#workerLoops).then(() => 'finished' as const);
      const first = await Promise.race([finished, expired]);
      if (timer !== undefined) this.#clock.clearTimeout(timer);
      if (first === 'expired') {
        const abandoned = this.inFlight();
        const reason = new Error(
          `controller ${this.name}: stopped, grace period of ${this.#graceMs} ms expired before the reconcile finished`,
        );
        for (const ac of this.#inFlight.values()) ac.abort(reason);
        result = { graceful: false, abandoned };
      }
    }
    this.#stopped.resolve();
    return result;
  }

  #queueOptions(options: ControllerOptions): RateLimitingQueueOptions<string> {
    const q: RateLimitingQueueOptions<string> = {
      name: options.name,
      clock: this.#clock,
      rateLimiter: options.rateLimiter ?? defaultControllerRateLimiter<string>(this.#clock),
    };
    if (options.queueMetrics !== undefined) q.metrics = options.queueMetrics;
    return q;
  }

  /** One worker: never rejects, exits when the queue shuts down or the controller stops. */
  async #workerLoop(): Promise<void> {
    for (;;) {
      const next = await this.queue.get();
      if (next.shutdown) return;
      if (this.#state !== 'running') {
        // Stopping: leave the rest of the queue alone.
        this.queue.done(next.item);
        return;
      }
      try {
        await this.#processItem(next.item);
      } catch (err) {
        // Only a throwing custom queue or rate limiter gets here; the worker must survive it.
        const error = new Error(`controller ${this.name}: failed to handle the outcome for "${next.item}"`, {
          cause: err,
        });
        const onError = this.#onError;
        if (onError !== undefined) this.#guard(() => onError({ name: next.item }, error));
      }
    }
  }

  async #processItem(name: string): Promise<void> {
    const request: ReconcileRequest = { name };
    const abort = new AbortController();
    this.#inFlight.set(name, abort);
    this.#emit((m) => m.activeWorkers?.(this.name, this.#inFlight.size));
    const started = this.#clock.now();
    try {
      const outcome = await this.#invoke(request, abort.signal);
      this.#emit((m) => m.reconcileTimeSeconds?.(this.name, (this.#clock.now() - started) / 1000));
      const label = this.#handle(request, outcome, abort.signal);
      const onReconciled = this.#onReconciled;
      if (label !== undefined && onReconciled !== undefined) this.#guard(() => onReconciled(request, label));
    } finally {
      // Always release the key, or it could never be processed again.
      this.#inFlight.delete(name);
      this.#emit((m) => m.activeWorkers?.(this.name, this.#inFlight.size));
      this.queue.done(name);
    }
  }

  /** Calls `reconcile`, turning every way it can fail into an {@link Outcome}. */
  async #invoke(request: ReconcileRequest, signal: AbortSignal): Promise<Outcome> {
    let pending: Promise<ReconcileResult | void>;
    try {
      pending = this.#reconcile(request, signal);
    } catch (thrown) {
      return { kind: 'error', error: new ReconcilePanicError(thrown), panic: true };
    }
    let result: unknown;
    try {
      result = await pending;
    } catch (thrown) {
      return thrown instanceof Error
        ? { kind: 'error', error: thrown, panic: false }
        : { kind: 'error', error: new ReconcilePanicError(thrown), panic: true };
    }
    if (result === undefined || result === null) return { kind: 'ok', result: {} };
    if (typeof result !== 'object') {
      return { kind: 'error', error: new ReconcilePanicError(`reconcile returned ${typeof result}`), panic: true };
    }
    const after = (result as ReconcileResult).requeueAfterMs;
    if (after !== undefined && (typeof after !== 'number' || Number.isNaN(after) || after === Infinity)) {
      // A bug in the reconciler; retrying with backoff surfaces it without hot-looping or losing the request.
      const error = new Error(`controller ${this.name}: reconcile of "${request.name}" returned requeueAfterMs=${String(after)}`);
      return { kind: 'error', error, panic: false };
    }
    return { kind: 'ok', result };
  }

  /**
   * controller-runtime's reconcileHandler table (see the class comment). Returns the outcome's label, or undefined
   * for a reconcile abandoned at stop (its outcome is not a decision about the name).
   */
  #handle(request: ReconcileRequest, outcome: Outcome, signal: AbortSignal): ReconcileResultLabel | undefined {
    const { name } = request;
    if (outcome.kind === 'error') {
      const terminal = isTerminalError(outcome.error);
      if (outcome.panic) this.#emit((m) => m.reconcilePanicsTotal?.(this.name));
      if (terminal) this.#emit((m) => m.terminalReconcileErrorsTotal?.(this.name));
      this.#emit((m) => m.reconcileErrorsTotal?.(this.name));
      this.#emit((m) => m.reconcileTotal?.(this.name, 'error'));
      // Reported before the requeue so the reconcile error is logged even if a custom rate limiter throws.
      if (!signal.aborted && this.#onError !== undefined) {
        const onError = this.#onError;
        this.#guard(() => onError(request, outcome.error));
      }
      // Terminal: no requeue, and no forget either (controller-runtime leaves the failure count as is).
      if (!terminal) this.queue.addRateLimited(name);
      return signal.aborted ? undefined : 'error';
    }
    const { requeueAfterMs, requeue } = outcome.result;
    if (requeueAfterMs !== undefined && requeueAfterMs > 0) {
      this.queue.forget(name);
      this.queue.addAfter(name, requeueAfterMs);
      this.#emit((m) => m.reconcileTotal?.(this.name, 'requeue_after'));
      return 'requeue_after';
    } else if (requeue === true) {
      this.queue.addRateLimited(name);
      this.#emit((m) => m.reconcileTotal?.(this.name, 'requeue'));
      return 'requeue';
    }
    this.queue.forget(name);
    this.#emit((m) => m.reconcileTotal?.(this.name, 'success'));
    return 'success';
  }

  #emit(hook: (metrics: ControllerMetrics) => void): void {
    this.#guard(() => hook(this.#metrics));
  }

  /** Runs a user hook; a throwing hook must not break the worker loop (metrics and logging hooks are best effort). */
  #guard(fn: () => void): void {
    callSafely(fn);
  }
}
