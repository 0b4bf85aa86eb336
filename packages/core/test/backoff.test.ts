import { describe, expect, it } from 'vitest';
import { Backoff, DEFAULT_BACKOFF, sleep } from '../src/index.ts';
import { FakeClock } from '../src/testing/index.ts';

describe('Backoff', () => {
  it('grows by the factor, jitter only lengthens, and the cap holds jitter included', () => {
    const low = new Backoff({ initialMs: 100, maxMs: 1000, factor: 2, jitter: 1 }, new FakeClock(0, { random: () => 0 }));
    expect([low.next(), low.next(), low.next(), low.next(), low.next()]).toEqual([100, 200, 400, 800, 1000]);
    const high = new Backoff({ initialMs: 100, maxMs: 1000, factor: 2, jitter: 1 }, new FakeClock(0, { random: () => 0.99 }));
    expect([high.next(), high.next(), high.next()]).toEqual([199, 398, 796]);
    expect(high.next()).toBe(1000);
    expect(high.failures).toBe(4);
  });

  it('uses client-go’s reflector defaults', () => {
    const backoff = new Backoff({}, new FakeClock(0, { random: () => 0 }));
    expect(backoff.next()).toBe(DEFAULT_BACKOFF.initialMs);
    expect(DEFAULT_BACKOFF).toEqual({ initialMs: 800, maxMs: 30_000, factor: 2, jitter: 1, resetAfterMs: 120_000 });
  });

  it('starts again after a healthy period, and after reset()', () => {
    const clock = new FakeClock(0, { random: () => 0 });
    const backoff = new Backoff({ initialMs: 10, resetAfterMs: 1000 }, clock);
    backoff.next();
    backoff.next();
    expect(backoff.next()).toBe(40);
    clock.advance(1001);
    expect(backoff.next()).toBe(10);
    backoff.reset();
    expect(backoff.failures).toBe(0);
    expect(backoff.next()).toBe(10);
  });

  it('ignores options given as undefined, and names a bad option', () => {
    const backoff = new Backoff({ initialMs: undefined as unknown as number }, new FakeClock(0, { random: () => 0 }));
    expect(backoff.next()).toBe(800);
    expect(() => new Backoff({ maxMs: -1 })).toThrow(/BackoffOptions\.maxMs/);
    expect(() => new Backoff({ factor: 0.5 })).toThrow(/BackoffOptions\.factor/);
    expect(() => new Backoff({ jitter: Number.NaN })).toThrow(/BackoffOptions\.jitter/);
  });
});

describe('sleep', () => {
  it('resolves when the clock reaches the delay, not before', async () => {
    const clock = new FakeClock();
    let done = false;
    const slept = sleep(50, { clock }).then(() => (done = true));
    await clock.advanceAsync(49);
    expect(done).toBe(false);
    await clock.advanceAsync(1);
    await slept;
    expect(done).toBe(true);
  });

  it('rejects with the signal’s reason on abort, and clears its timer', async () => {
    const clock = new FakeClock();
    const controller = new AbortController();
    const slept = sleep(50, { clock, signal: controller.signal });
    expect(clock.pendingTimers()).toBe(1);
    controller.abort(new Error('stopping'));
    await expect(slept).rejects.toThrow('stopping');
    expect(clock.pendingTimers()).toBe(0);
  });

  it('rejects at once with an AbortError when the signal is already aborted', async () => {
    await expect(sleep(10, { signal: AbortSignal.abort() })).rejects.toMatchObject({ name: 'AbortError' });
  });

  it('waits on the real clock by default', async () => {
    const start = performance.now();
    await sleep(20);
    expect(performance.now() - start).toBeGreaterThanOrEqual(19);
  });
});
