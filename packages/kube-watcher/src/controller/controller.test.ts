/* eslint-disable @typescript-eslint/require-await -- the fake reconcilers are async functions like real ones, minus the I/O */
import { describe, expect, it } from 'vitest';
import { FakeClock, flushAsync } from '@vmcp/core/testing';
import { itemExponentialFailureRateLimiter } from '../workqueue/rate-limiters.ts';
import { Controller, type ControllerOptions, DEFAULT_GRACE_PERIOD_MS, type ReconcileFn } from './controller.ts';
import type { ControllerMetrics } from './metrics.ts';
import { isTerminalError, ReconcilePanicError, TerminalError, terminalError } from './terminal-error.ts';

interface Harness {
  clock: FakeClock;
  controller: Controller;
  errors: { name: string; error: Error }[];
  running: Promise<void>;
}

/** A started controller on a fake clock with a 5 ms..1000 s exponential limiter (no bucket, for exact times). */
function startController(reconcile: ReconcileFn, extra: Partial<ControllerOptions> = {}): Harness {
  const clock = new FakeClock();
  const errors: { name: string; error: Error }[] = [];
  const controller = new Controller({
    name: 'backends',
    clock,
    rateLimiter: itemExponentialFailureRateLimiter(5, 1_000_000),
    onError: (request, error) => errors.push({ name: request.name, error }),
    reconcile,
    ...extra,
  });
  const running = controller.start();
  return { clock, controller, errors, running };
}

/** Reconciles that block until the test releases them, recording overlap per name. */
function blockingReconciler() {
  const pending: { name: string; release: () => void; signal: AbortSignal }[] = [];
  const running = new Map<string, number>();
  const started: string[] = [];
  let maxConcurrent = 0;
  let overlaps = 0;
  const reconcile: ReconcileFn = async ({ name }, signal) => {
    const n = (running.get(name) ?? 0) + 1;
    if (n > 1) overlaps++;
    running.set(name, n);
    started.push(name);
    const total = [...running.values()].reduce((a, b) => a + b, 0);
    maxConcurrent = Math.max(maxConcurrent, total);
    const { promise, resolve } = Promise.withResolvers<void>();
    pending.push({ name, release: resolve, signal });
    try {
      await promise;
    } finally {
      running.set(name, (running.get(name) ?? 1) - 1);
    }
    return {};
  };
  return {
    reconcile,
    pending,
    started,
    overlaps: () => overlaps,
    maxConcurrent: () => maxConcurrent,
    /** Releases the oldest blocked reconcile of `name` and lets the controller react. */
    async release(name: string): Promise<void> {
      const i = pending.findIndex((p) => p.name === name);
      if (i < 0) throw new Error(`no blocked reconcile of ${name}`);
      const [p] = pending.splice(i, 1);
      p!.release();
      await flushAsync();
    },
  };
}

describe('Controller outcomes', () => {
  it('success forgets the failure history', async () => {
    let calls = 0;
    const h = startController(async () => {
      calls++;
      if (calls <= 2) throw new Error(`attempt ${calls} failed`);
      return {};
    });
    h.controller.enqueue('a');
    await flushAsync();
    expect(h.controller.queue.numRequeues('a')).toBe(1);
    await h.clock.advanceAsync(5);
    expect(h.controller.queue.numRequeues('a')).toBe(2);
    await h.clock.advanceAsync(10);
    expect(calls).toBe(3);
    expect(h.controller.queue.numRequeues('a')).toBe(0);
    expect(h.controller.queue.waitingLen()).toBe(0);
    await h.controller.stop();
    await h.running;
  });

  it('an error requeues with growing backoff (5, 10, 20, 40 ms) and reports it', async () => {
    const at: number[] = [];
    const h = startController(async ({ name }) => {
      at.push(h.clock.now());
      throw new Error(`cannot reconcile ${name}`);
    });
    h.controller.enqueue('a');
    await h.clock.advanceAsync(75);
    expect(at).toEqual([0, 5, 15, 35, 75]);
    expect(h.errors).toHaveLength(5);
    expect(h.errors[0]).toEqual({ name: 'a', error: new Error('cannot reconcile a') });
    expect(h.controller.queue.numRequeues('a')).toBe(5);
    await h.controller.stop();
  });

  it('a terminal error (also as a cause) is reported but not requeued', async () => {
    let calls = 0;
    const h = startController(async () => {
      calls++;
      if (calls === 1) throw new TerminalError('spec is invalid');
      throw new Error('wrapped', { cause: terminalError(new Error('still invalid')) });
    });
    h.controller.enqueue('a');
    await h.clock.advanceAsync(60_000);
    expect(calls).toBe(1);
    expect(h.controller.queue.waitingLen()).toBe(0);
    expect(h.errors.map((e) => isTerminalError(e.error))).toEqual([true]);
    // Something else enqueues it (an event): it runs again.
    h.controller.enqueue('a');
    await h.clock.advanceAsync(60_000);
    expect(calls).toBe(2);
    expect(h.errors.map((e) => isTerminalError(e.error))).toEqual([true, true]);
    await h.controller.stop();
  });

  it('requeueAfterMs forgets the backoff and runs again after exactly that delay', async () => {
    const at: number[] = [];
    const h = startController(async () => {
      at.push(h.clock.now());
      if (at.length === 1) throw new Error('transient');
      return at.length === 2 ? { requeueAfterMs: 1000 } : {};
    });
    h.controller.enqueue('a');
    await h.clock.advanceAsync(5); // failure, retried at 5 ms, which asks for a requeue in 1 s
    expect(at).toEqual([0, 5]);
    expect(h.controller.queue.numRequeues('a')).toBe(0);
    await h.clock.advanceAsync(999);
    expect(at).toEqual([0, 5]);
    await h.clock.advanceAsync(1);
    expect(at).toEqual([0, 5, 1005]);
    await h.clock.advanceAsync(10_000);
    expect(at).toHaveLength(3);
    await h.controller.stop();
  });

  it('requeue: true retries through the rate limiter without forgetting', async () => {
    const at: number[] = [];
    const h = startController(async () => {
      at.push(h.clock.now());
      return at.length < 3 ? { requeue: true } : {};
    });
    h.controller.enqueue('a');
    await h.clock.advanceAsync(100);
    expect(at).toEqual([0, 5, 15]);
    expect(h.controller.queue.numRequeues('a')).toBe(0);
    await h.controller.stop();
  });

  it('a synchronous throw or a non-Error rejection is a panic: retried with backoff and counted', async () => {
    let calls = 0;
    let panics = 0;
    const reconcile: ReconcileFn = () => {
      calls++;
      // These deliberately misbehave the way a buggy reconciler would.
      // eslint-disable-next-line @typescript-eslint/only-throw-error
      if (calls === 1) throw 'boom';
      // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors
      if (calls === 2) return Promise.reject({ code: 42 });
      return Promise.resolve({});
    };
    const h = startController(reconcile, { metrics: { reconcilePanicsTotal: () => panics++ } });
    h.controller.enqueue('a');
    await h.clock.advanceAsync(15);
    expect(calls).toBe(3);
    expect(panics).toBe(2);
    expect(h.errors.map((e) => e.error)).toEqual([new ReconcilePanicError('boom'), new ReconcilePanicError({ code: 42 })]);
    expect(h.errors[0]!.error.message).toBe('panic: boom [recovered]');
    expect(h.errors[1]!.error.message).toBe('panic: {"code":42} [recovered]');
    expect(h.controller.queue.numRequeues('a')).toBe(0);
    await h.controller.stop();
  });

  it('an invalid requeueAfterMs is treated as an error, not a hot loop or a lost request', async () => {
    let calls = 0;
    const h = startController(async () => {
      calls++;
      return calls === 1 ? { requeueAfterMs: Number.NaN } : {};
    });
    h.controller.enqueue('a');
    await h.clock.advanceAsync(5);
    expect(calls).toBe(2);
    expect(h.errors[0]!.error.message).toMatch(/requeueAfterMs=NaN/);
    await h.controller.stop();
  });
});

describe('Controller concurrency', () => {
  it('runs different names on N workers at once but never the same name twice', async () => {
    const r = blockingReconciler();
    const h = startController(r.reconcile, { maxConcurrentReconciles: 3 });
    for (const n of ['a', 'b', 'c', 'd']) h.controller.enqueue(n);
    await flushAsync();
    expect(h.controller.inFlight().sort()).toEqual(['a', 'b', 'c']);
    // a and b change while being reconciled: they must run again, but only after their current run.
    h.controller.enqueue('a');
    h.controller.enqueue('b');
    await flushAsync();
    expect(r.started).toEqual(['a', 'b', 'c']);
    await r.release('a'); // frees a worker: d was queued first
    expect(h.controller.inFlight().sort()).toEqual(['b', 'c', 'd']);
    await r.release('b'); // a's second run
    expect(h.controller.inFlight().sort()).toEqual(['a', 'c', 'd']);
    await r.release('c'); // b's second run
    for (const n of ['a', 'b', 'd']) await r.release(n);
    expect(r.started).toEqual(['a', 'b', 'c', 'd', 'a', 'b']);
    expect(r.overlaps()).toBe(0);
    expect(r.maxConcurrent()).toBe(3);
    expect(h.controller.inFlight()).toEqual([]);
    await h.controller.stop();
  });

  it('with one worker (the default) names are reconciled one after another, in order', async () => {
    const r = blockingReconciler();
    const h = startController(r.reconcile);
    for (const n of ['a', 'b', 'c']) h.controller.enqueue(n);
    await flushAsync();
    expect(h.controller.inFlight()).toEqual(['a']);
    await r.release('a');
    expect(h.controller.inFlight()).toEqual(['b']);
    await r.release('b');
    await r.release('c');
    expect(r.started).toEqual(['a', 'b', 'c']);
    expect(r.maxConcurrent()).toBe(1);
    await h.controller.stop();
  });

  it('enqueueAfter delays a reconcile; a worker survives a rate limiter that throws', async () => {
    const at: number[] = [];
    let limiterCalls = 0;
    const h = startController(
      async () => {
        at.push(h.clock.now());
        if (at.length === 1) throw new Error('fails once');
        return {};
      },
      {
        rateLimiter: {
          when: () => {
            limiterCalls++;
            throw new Error('limiter bug');
          },
          forget: () => {},
          numRequeues: () => 0,
        },
      },
    );
    h.controller.enqueueAfter('a', 250);
    await h.clock.advanceAsync(249);
    expect(at).toEqual([]);
    await h.clock.advanceAsync(1);
    expect(at).toEqual([250]);
    expect(limiterCalls).toBe(1);
    expect(h.errors.map((e) => e.error.message)).toEqual(['fails once', 'controller backends: failed to handle the outcome for "a"']);
    expect((h.errors[1]!.error.cause as Error).message).toBe('limiter bug');
    expect(h.controller.inFlight()).toEqual([]);
    h.controller.enqueue('a'); // the key was released and the worker is still alive
    await flushAsync();
    expect(at).toEqual([250, 250]);
    await h.controller.stop();
  });

  it('processes names enqueued before start once it starts', async () => {
    const clock = new FakeClock();
    const seen: string[] = [];
    const controller = new Controller({
      name: 'backends',
      clock,
      reconcile: async ({ name }) => {
        seen.push(name);
        return {};
      },
    });
    controller.enqueue('early');
    await flushAsync();
    expect(seen).toEqual([]);
    const running = controller.start();
    await flushAsync();
    expect(seen).toEqual(['early']);
    await controller.stop();
    await running;
  });
});

describe('Controller stop', () => {
  it('stops taking new items and waits for in-flight reconciles to finish', async () => {
    const r = blockingReconciler();
    const h = startController(r.reconcile, { gracePeriodMs: 1000 });
    let startSettled = false;
    void h.running.then(() => (startSettled = true));
    h.controller.enqueue('a');
    h.controller.enqueue('b');
    await flushAsync();
    let stopResult: unknown;
    void h.controller.stop().then((res) => (stopResult = res));
    await h.clock.advanceAsync(999);
    expect(stopResult).toBeUndefined();
    expect(startSettled).toBe(false);
    expect(r.pending[0]!.signal.aborted).toBe(false);
    await r.release('a');
    expect(stopResult).toEqual({ graceful: true, abandoned: [] });
    expect(startSettled).toBe(true);
    // b was queued but never started; nothing is accepted any more.
    h.controller.enqueue('c');
    await h.clock.advanceAsync(10_000);
    expect(r.started).toEqual(['a']);
    expect(h.clock.pendingTimers()).toBe(0);
  });

  it('aborts in-flight reconciles when the grace period (default 30 s) expires', async () => {
    const clock = new FakeClock();
    const signals: AbortSignal[] = [];
    const errors: Error[] = [];
    let errorsTotal = 0;
    const controller = new Controller({
      name: 'backends',
      clock,
      onError: (_req, error) => errors.push(error),
      metrics: { reconcileErrorsTotal: () => errorsTotal++ },
      reconcile: (_req, signal) => {
        signals.push(signal);
        // Ignores the controller until aborted, then fails with the abort reason.
        return new Promise((_resolve, reject) => {
          signal.addEventListener('abort', () => reject(signal.reason as Error), { once: true });
        });
      },
    });
    const running = controller.start();
    controller.enqueue('a');
    await flushAsync();
    const stopping = controller.stop();
    await clock.advanceAsync(DEFAULT_GRACE_PERIOD_MS - 1);
    expect(signals[0]!.aborted).toBe(false);
    await clock.advanceAsync(1);
    expect(signals[0]!.aborted).toBe(true);
    expect(String(signals[0]!.reason)).toMatch(/grace period of 30000 ms expired/);
    expect(await stopping).toEqual({ graceful: false, abandoned: ['a'] });
    await running;
    await flushAsync();
    // The aborted reconcile's failure is counted but not reported as an error to log, and not retried.
    expect(errorsTotal).toBe(1);
    expect(errors).toEqual([]);
    expect(controller.queue.waitingLen()).toBe(0);
    expect(await controller.stop()).toEqual({ graceful: false, abandoned: ['a'] }); // idempotent
  });

  it('stops when the start signal aborts, and refuses a second start', async () => {
    const clock = new FakeClock();
    const controller = new Controller({ name: 'backends', clock, reconcile: () => Promise.resolve({}) });
    const ac = new AbortController();
    const running = controller.start(ac.signal);
    await expect(controller.start()).rejects.toThrow('controller backends: already started');
    ac.abort();
    await running;
    expect(controller.queue.shuttingDown()).toBe(true);
    await expect(controller.start()).rejects.toThrow('controller backends: already stopped');
  });

  it('validates its options', () => {
    const reconcile: ReconcileFn = () => Promise.resolve({});
    expect(() => new Controller({ name: '', reconcile })).toThrow(/name/);
    expect(() => new Controller({ name: 'c', reconcile, maxConcurrentReconciles: 0 })).toThrow(/maxConcurrentReconciles/);
    expect(() => new Controller({ name: 'c', reconcile, gracePeriodMs: -1 })).toThrow(/gracePeriodMs/);
  });
});

describe('Controller metrics', () => {
  it('calls the hooks with controller-runtime semantics', async () => {
    const calls: string[] = [];
    const metrics: Required<ControllerMetrics> = {
      reconcileTotal: (c, result) => calls.push(`${c} total ${result}`),
      reconcileErrorsTotal: (c) => calls.push(`${c} errors`),
      terminalReconcileErrorsTotal: (c) => calls.push(`${c} terminal`),
      reconcilePanicsTotal: (c) => calls.push(`${c} panic`),
      reconcileTimeSeconds: (c, s) => calls.push(`${c} time ${s}`),
      activeWorkers: (c, n) => calls.push(`${c} active ${n}`),
      maxConcurrentReconciles: (c, n) => calls.push(`${c} max ${n}`),
    };
    const script: Record<string, () => Promise<{ requeueAfterMs?: number }>> = {
      ok: async () => {
        await new Promise<void>((resolve) => h.clock.setTimeout(resolve, 2000));
        return {};
      },
      fail: () => Promise.reject(new Error('nope')),
      terminal: () => Promise.reject(new TerminalError('never')),
      later: () => Promise.resolve({ requeueAfterMs: 60_000 }),
    };
    const h = startController(({ name }) => script[name]!(), { metrics, maxConcurrentReconciles: 2 });
    expect(calls.splice(0)).toEqual(['backends max 2', 'backends active 0']);

    h.controller.enqueue('ok');
    await h.clock.advanceAsync(2000);
    expect(calls.splice(0)).toEqual(['backends active 1', 'backends time 2', 'backends total success', 'backends active 0']);

    h.controller.enqueue('fail');
    await flushAsync();
    expect(calls.splice(0)).toEqual([
      'backends active 1',
      'backends time 0',
      'backends errors',
      'backends total error',
      'backends active 0',
    ]);

    await h.controller.stop(); // drop the pending retry of "fail"
    const h2 = startController(({ name }) => script[name]!(), { metrics });
    calls.length = 0;
    h2.controller.enqueue('terminal');
    h2.controller.enqueue('later');
    await flushAsync();
    expect(calls.filter((c) => !c.includes('active') && !c.includes('time'))).toEqual([
      'backends terminal',
      'backends errors',
      'backends total error',
      'backends total requeue_after',
    ]);
    await h2.controller.stop();
  });

  it('a throwing metrics or error hook does not break the worker', async () => {
    let calls = 0;
    const h = startController(
      async () => {
        calls++;
        if (calls === 1) throw new Error('first fails');
        return {};
      },
      {
        metrics: {
          reconcileTotal: () => {
            throw new Error('metrics down');
          },
        },
        onError: () => {
          throw new Error('logger down');
        },
      },
    );
    h.controller.enqueue('a');
    await h.clock.advanceAsync(5);
    expect(calls).toBe(2);
    expect(h.controller.inFlight()).toEqual([]);
    await h.controller.stop();
  });
});

describe('Controller onReconciled', () => {
  it('reports every finished reconcile with its outcome, after onError and the requeue were decided', async () => {
    const seen: string[] = [];
    const h = startController(
      async ({ name }) => {
        if (name === 'fail') throw new Error('nope');
        if (name === 'later') return { requeueAfterMs: 100 };
        return {};
      },
      {
        onError: (req) => seen.push(`onError ${req.name}`),
        onReconciled: (req, result) => seen.push(`${req.name} ${result} queued=${h.controller.queue.numRequeues(req.name)}`),
      },
    );
    h.controller.enqueue('ok');
    h.controller.enqueue('fail');
    h.controller.enqueue('later');
    await flushAsync();
    await flushAsync();
    expect(seen).toEqual(['ok success queued=0', 'onError fail', 'fail error queued=1', 'later requeue_after queued=0']);
    await h.controller.stop();
  });
});
