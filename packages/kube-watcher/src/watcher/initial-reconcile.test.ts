import { describe, expect, it } from 'vitest';
import { FakeClock } from '@vmcp/core/testing';
import { InitialReconcileBarrier } from './initial-reconcile.ts';

describe('InitialReconcileBarrier', () => {
  it('passes once every name of the pass completed, once, with the duration on the clock', () => {
    const clock = new FakeClock(1000);
    const passed: number[] = [];
    const b = new InitialReconcileBarrier(clock, (ms) => passed.push(ms));
    expect(b.progress()).toEqual({ started: false, passed: false, total: 0, done: 0, pending: 0 });
    b.completed('a'); // before the pass: ignored
    b.begin(['a', 'b', 'c', 'a']);
    expect(b.progress()).toEqual({ started: true, passed: false, total: 3, done: 0, pending: 3 });
    clock.advance(5);
    b.completed('b');
    b.completed('b');
    b.completed('zzz'); // not in the pass
    expect(b.progress()).toMatchObject({ done: 1, pending: 2 });
    expect(b.pendingNames(1)).toEqual(['a']);
    expect(b.pendingNames(10)).toEqual(['a', 'c']);
    clock.advance(7);
    b.completed('c');
    expect(b.passed).toBe(false);
    b.completed('a');
    expect(b.passed).toBe(true);
    expect(passed).toEqual([12]);
    expect(b.progress()).toEqual({ started: true, passed: true, total: 3, done: 3, pending: 0, durationMs: 12 });
    b.completed('a');
    expect(passed).toEqual([12]);
  });

  it('an empty pass passes at once, and a second begin throws', () => {
    const passed: number[] = [];
    const b = new InitialReconcileBarrier(new FakeClock(), (ms) => passed.push(ms));
    b.begin([]);
    expect(passed).toEqual([0]);
    expect(() => b.begin(['x'])).toThrow('initial reconcile: the pass has already begun');
  });
});
