import { describe, expect, it } from 'vitest';
import { FakeClock } from '@vmcp/core/testing';
import {
  bucketRateLimiter,
  defaultControllerRateLimiter,
  itemExponentialFailureRateLimiter,
  itemFastSlowRateLimiter,
  maxOfRateLimiter,
  type RateLimiter,
} from './rate-limiters.ts';

describe('itemExponentialFailureRateLimiter', () => {
  it('grows 5, 10, 20, … per item, caps at max, and forget resets', () => {
    const l = itemExponentialFailureRateLimiter<string>(5, 100);
    expect([1, 2, 3, 4, 5, 6, 7].map(() => l.when('a'))).toEqual([5, 10, 20, 40, 80, 100, 100]);
    expect(l.numRequeues('a')).toBe(7);
    expect(l.when('b')).toBe(5); // items are independent
    l.forget('a');
    expect(l.numRequeues('a')).toBe(0);
    expect(l.when('a')).toBe(5);
  });

  it('stays at max for a very large failure count', () => {
    const l = itemExponentialFailureRateLimiter<string>(5, 1_000_000);
    let last = 0;
    for (let i = 0; i < 2000; i++) last = l.when('a');
    expect(last).toBe(1_000_000);
  });

  it('rejects nonsensical parameters', () => {
    expect(() => itemExponentialFailureRateLimiter(0, 10)).toThrow(/baseMs/);
    expect(() => itemExponentialFailureRateLimiter(5, Number.NaN)).toThrow(/maxMs/);
  });
});

describe('itemFastSlowRateLimiter', () => {
  it('is fast for maxFastAttempts, then slow, until forgotten', () => {
    const l = itemFastSlowRateLimiter<string>(5, 1000, 3);
    expect([1, 2, 3, 4, 5].map(() => l.when('a'))).toEqual([5, 5, 5, 1000, 1000]);
    expect(l.numRequeues('a')).toBe(5);
    l.forget('a');
    expect(l.when('a')).toBe(5);
  });
});

describe('bucketRateLimiter', () => {
  it('allows the burst at once, then spaces tokens 100 ms apart at 10 qps', () => {
    const clock = new FakeClock();
    const l = bucketRateLimiter<string>(10, 100, clock);
    for (let i = 0; i < 100; i++) expect(l.when(`item-${i}`)).toBe(0);
    expect(l.when('x')).toBeCloseTo(100);
    expect(l.when('y')).toBeCloseTo(200);
    expect(l.when('z')).toBeCloseTo(300);
    // 350 ms refill 3.5 tokens against a debt of 3; taking one leaves a debt of 0.5 token, i.e. 50 ms.
    clock.advance(350);
    expect(l.when('w')).toBeCloseTo(50);
    // A long quiet period refills to the burst, never beyond.
    clock.advance(60_000);
    for (let i = 0; i < 100; i++) expect(l.when(`again-${i}`)).toBe(0);
    expect(l.when('over')).toBeCloseTo(100);
  });

  it('has no per-item state', () => {
    const l = bucketRateLimiter<string>(10, 1, new FakeClock());
    l.when('a');
    expect(l.numRequeues('a')).toBe(0);
    l.forget('a');
    expect(l.when('a')).toBeCloseTo(100); // forgetting gives no token back
  });

  it('rejects nonsensical parameters', () => {
    expect(() => bucketRateLimiter(0, 10)).toThrow(/qps/);
    expect(() => bucketRateLimiter(10, 0)).toThrow(/burst/);
  });
});

describe('maxOfRateLimiter', () => {
  function recording(delay: number): RateLimiter<string> & { calls: string[] } {
    const calls: string[] = [];
    let n = 0;
    return {
      calls,
      when(item) {
        calls.push(`when:${item}`);
        n++;
        return delay;
      },
      forget(item) {
        calls.push(`forget:${item}`);
        n = 0;
      },
      numRequeues() {
        return n * delay;
      },
    };
  }

  it('returns the largest delay and consults every limiter', () => {
    const a = recording(5);
    const b = recording(50);
    const c = recording(20);
    const l = maxOfRateLimiter(a, b, c);
    expect(l.when('x')).toBe(50);
    for (const r of [a, b, c]) expect(r.calls).toEqual(['when:x']);
    expect(l.numRequeues('x')).toBe(50);
    l.forget('x');
    for (const r of [a, b, c]) expect(r.calls).toEqual(['when:x', 'forget:x']);
  });

  it('requires at least one limiter', () => {
    expect(() => maxOfRateLimiter()).toThrow(/at least one/);
  });
});

describe('defaultControllerRateLimiter', () => {
  it('is exponential per item from 5 ms, and the shared bucket takes over past a burst of 100', () => {
    const clock = new FakeClock();
    const l = defaultControllerRateLimiter<string>(clock);
    expect([l.when('a'), l.when('a'), l.when('a')]).toEqual([5, 10, 20]);
    l.forget('a');
    expect(l.when('a')).toBe(5);
    // 4 tokens used so far; 96 fresh items still get the per-item 5 ms, the 101st token waits for the bucket.
    for (let i = 0; i < 96; i++) expect(l.when(`item-${i}`)).toBe(5);
    expect(l.when('one-too-many')).toBeCloseTo(100);
  });

  it('caps the per-item backoff at 1000 s', () => {
    const clock = new FakeClock();
    const l = defaultControllerRateLimiter<string>(clock);
    let last = 0;
    for (let i = 0; i < 40; i++) {
      last = l.when('a');
      clock.advance(1_000_000); // keep the bucket full so only the per-item limiter speaks
    }
    expect(last).toBe(1_000_000);
  });
});
