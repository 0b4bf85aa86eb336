import { describe, expect, it } from 'vitest';
import { backgroundClock, systemClock } from '../src/index.ts';
import { FakeClock, flushAsync } from '../src/testing/index.ts';

describe('systemClock', () => {
  it('runs a timer after its delay, and a cleared timer never', async () => {
    const fired: string[] = [];
    const start = systemClock.now();
    systemClock.setTimeout(() => fired.push('kept'), 20);
    const cleared = systemClock.setTimeout(() => fired.push('cleared'), 5);
    systemClock.clearTimeout(cleared);
    await new Promise((resolve) => setTimeout(resolve, 60));
    expect(fired).toEqual(['kept']);
    expect(systemClock.now() - start).toBeGreaterThanOrEqual(19);
  });

  it('gives wall time for display', () => {
    expect(Math.abs(systemClock.epochMs() - Date.now())).toBeLessThan(1000);
  });

  it('gives random numbers in [0, 1)', () => {
    for (let i = 0; i < 100; i++) {
      const r = systemClock.random();
      expect(r).toBeGreaterThanOrEqual(0);
      expect(r).toBeLessThan(1);
    }
  });

  it('backgroundClock runs timers too (they are only unref’d)', async () => {
    let fired = false;
    backgroundClock.setTimeout(() => (fired = true), 5);
    await new Promise((resolve) => setTimeout(resolve, 40));
    expect(fired).toBe(true);
  });
});

describe('FakeClock', () => {
  it('runs due timers in due order, creation order for ties, only when time moves', () => {
    const clock = new FakeClock(100);
    const order: string[] = [];
    clock.setTimeout(() => order.push('b@20'), 20);
    clock.setTimeout(() => order.push('a@10'), 10);
    clock.setTimeout(() => order.push('c@20'), 20);
    expect(order).toEqual([]);
    expect(clock.nextTimerAt()).toBe(110);
    clock.advance(15);
    expect(order).toEqual(['a@10']);
    clock.advance(5);
    expect(order).toEqual(['a@10', 'b@20', 'c@20']);
    expect(clock.now()).toBe(120);
    expect(clock.pendingTimers()).toBe(0);
  });

  it('runs timers scheduled by a timer inside the same window, at their due time', () => {
    const clock = new FakeClock();
    const seen: number[] = [];
    clock.setTimeout(() => {
      seen.push(clock.now());
      clock.setTimeout(() => seen.push(clock.now()), 5);
    }, 10);
    clock.advance(20);
    expect(seen).toEqual([10, 15]);
  });

  it('advanceAsync lets awaiting code schedule its follow-up timer', async () => {
    const clock = new FakeClock();
    const seen: number[] = [];
    const loop = async (): Promise<void> => {
      for (let i = 0; i < 3; i++) {
        await new Promise<void>((resolve) => clock.setTimeout(resolve, 10));
        seen.push(clock.now());
      }
    };
    const done = loop();
    await clock.advanceAsync(30);
    await done;
    expect(seen).toEqual([10, 20, 30]);
    await flushAsync();
  });

  it('random is repeatable and settable', () => {
    expect(new FakeClock().random()).toBe(0.5);
    const values = [0.1, 0.9];
    const clock = new FakeClock(0, { random: () => values.shift() ?? 0 });
    expect([clock.random(), clock.random(), clock.random()]).toEqual([0.1, 0.9, 0]);
  });

  it('moves wall time with now()', () => {
    const clock = new FakeClock(0, { epochAtZeroMs: Date.UTC(2026, 11, 7) });
    clock.advance(1500);
    expect(new Date(clock.epochMs()).toISOString()).toBe('2026-12-07T00:00:01.500Z');
  });

  it('refuses negative and NaN moves', () => {
    const clock = new FakeClock();
    expect(() => clock.advance(-1)).toThrow(/non-negative/);
    expect(() => clock.setTime(Number.NaN)).toThrow(/NaN/);
  });
});
