import { describe, expect, it } from 'vitest';
import { evaluateReadiness, type ReadinessProgress, type ReadinessSource } from '../src/index.ts';

function source(ready: boolean, progress: ReadinessProgress | (() => never)): ReadinessSource {
  return {
    hasSynced: () => ready,
    waitForCacheSync: () => Promise.resolve(ready),
    fatalError: () => undefined,
    readinessProgress: typeof progress === 'function' ? progress : () => progress,
  };
}

describe('?verbose with readinessProgress', () => {
  it('lists cache-sync and initial-reconcile with counts while the initial reconcile runs', async () => {
    const w = source(false, { cacheSync: { synced: 6, total: 6 }, initialReconcile: { started: true, done: 412, total: 1000 } });
    const answer = await evaluateReadiness({ watcher: w, timeoutMs: 0 }, { verbose: true });
    expect(answer.statusCode).toBe(503);
    expect(answer.body.reason).toBe('cache_sync_pending');
    expect(answer.body.checks).toEqual([
      { name: 'watcher', ok: true, line: '[+]watcher ok' },
      { name: 'cache-sync', ok: true, line: '[+]cache-sync ok (6/6 kinds)', done: 6, total: 6 },
      {
        name: 'initial-reconcile',
        ok: false,
        line: '[-]initial-reconcile failed: reason initial_reconcile_pending (412/1000 backends)',
        done: 412,
        total: 1000,
      },
    ]);
  });

  it('before the caches are synced both checks fail, the second one waiting for the first', async () => {
    const w = source(false, { cacheSync: { synced: 2, total: 6 }, initialReconcile: { started: false, done: 0, total: 0 } });
    const { body } = await evaluateReadiness({ watcher: w, timeoutMs: 0 }, { verbose: true });
    expect(body.checks!.map((c) => c.line)).toEqual([
      '[+]watcher ok',
      '[-]cache-sync failed: reason cache_sync_pending (2/6 kinds)',
      '[-]initial-reconcile failed: reason cache_sync_pending (0/0 backends)',
    ]);
  });

  it('ready: both ok with their counts; without ?verbose no checks', async () => {
    const w = source(true, { cacheSync: { synced: 6, total: 6 }, initialReconcile: { started: true, done: 1000, total: 1000 } });
    const verbose = await evaluateReadiness({ watcher: w }, { verbose: true });
    expect(verbose.statusCode).toBe(200);
    expect(verbose.body.checks!.map((c) => c.line)).toEqual([
      '[+]watcher ok',
      '[+]cache-sync ok (6/6 kinds)',
      '[+]initial-reconcile ok (1000/1000 backends)',
    ]);
    expect((await evaluateReadiness({ watcher: w }, { verbose: false })).body).toEqual({ status: 'ready', mode: 'dynamic' });
  });

  it('a throwing readinessProgress still gets the verdict, with the plain check', async () => {
    const w = source(true, () => {
      throw new Error('bug');
    });
    const { statusCode, body } = await evaluateReadiness({ watcher: w }, { verbose: true });
    expect(statusCode).toBe(200);
    expect(body.checks!.map((c) => c.line)).toEqual(['[+]watcher ok', '[+]cache-sync ok']);
  });
});
