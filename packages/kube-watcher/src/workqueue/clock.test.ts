import { describe, expect, it } from 'vitest';
import { FakeClock, realClock } from './clock.ts';

describe('FakeClock', () => {
  it('runs due timers in due order (creation order for ties) with now() at each due time', () => {
    const clock = new FakeClock(1000);
    const seen: string[] = [];
    clock.setTimeout(() => seen.push(`b@${clock.now()}`), 20);
    clock.setTimeout(() => seen.push(`a@${clock.now()}`), 10);
    clock.setTimeout(() => seen.push(`a2@${clock.now()}`), 10);
    clock.setTimeout(() => seen.push(`late@${clock.now()}`), 50);
    clock.advance(30);
    expect(seen).toEqual(['a@1010', 'a2@1010', 'b@1020']);
    expect(clock.now()).toBe(1030);
    expect(clock.pendingTimers()).toBe(1);
  });

  it('runs timers scheduled by a timer inside the same advance window, and honours clearTimeout', () => {
    const clock = new FakeClock();
    const seen: number[] = [];
    const cancelled = clock.setTimeout(() => seen.push(-1), 5);
    clock.setTimeout(() => {
      seen.push(clock.now());
      clock.setTimeout(() => seen.push(clock.now()), 10);
    }, 10);
    clock.clearTimeout(cancelled);
    clock.advance(25);
    expect(seen).toEqual([10, 20]);
  });

  it('setTime moves forward running timers, backward without running any', () => {
    const clock = new FakeClock();
    let fired = 0;
    clock.setTimeout(() => fired++, 100);
    clock.setTime(50);
    expect(fired).toBe(0);
    clock.setTime(100);
    expect(fired).toBe(1);
    clock.setTime(10);
    expect(clock.now()).toBe(10);
    expect(() => clock.advance(-1)).toThrow(RangeError);
  });

  it('advanceAsync lets promise continuations schedule follow-up timers within the window', async () => {
    const clock = new FakeClock();
    const seen: number[] = [];
    const sleep = (ms: number) => new Promise<void>((resolve) => clock.setTimeout(resolve, ms));
    const loop = (async () => {
      for (let i = 0; i < 3; i++) {
        await sleep(10);
        seen.push(clock.now());
      }
    })();
    await clock.advanceAsync(30);
    await loop;
    expect(seen).toEqual([10, 20, 30]);
  });
});

describe('realClock', () => {
  it('fires a short timer and can cancel one', async () => {
    const start = realClock.now();
    let cancelledFired = false;
    const h = realClock.setTimeout(() => (cancelledFired = true), 1);
    realClock.clearTimeout(h);
    // Node's timers run on the event loop's cached millisecond time, so a timer may fire up to ~1 ms before the
    // monotonic clock says its delay has passed: wait well past the bound that is asserted.
    await new Promise<void>((resolve) => realClock.setTimeout(resolve, 5));
    expect(realClock.now()).toBeGreaterThanOrEqual(start + 1);
    expect(cancelledFired).toBe(false);
  });
});
