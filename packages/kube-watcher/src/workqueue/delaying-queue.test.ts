import { describe, expect, it } from 'vitest';
import { FakeClock } from '@vmcp/core/testing';
import { createDelayingQueue } from './delaying-queue.ts';

describe('DelayingQueue', () => {
  it('addAfter with 0 or a negative delay is a plain add', () => {
    const clock = new FakeClock();
    const q = createDelayingQueue<string>({ clock });
    q.addAfter('a', 0);
    q.addAfter('b', -5);
    q.addAfter('c', Number.NaN);
    expect(q.len()).toBe(3);
    expect(q.waitingLen()).toBe(0);
    expect(clock.pendingTimers()).toBe(0);
  });

  it('a delayed item is not visible before its time and is visible once the time has passed', () => {
    const clock = new FakeClock();
    const q = createDelayingQueue<string>({ clock });
    q.addAfter('a', 100);
    expect(q.len()).toBe(0);
    clock.advance(99);
    expect(q.len()).toBe(0);
    clock.advance(1);
    expect(q.len()).toBe(1);
    expect(q.waitingLen()).toBe(0);
  });

  it('re-adding with a longer delay never postpones; a shorter one brings it forward', () => {
    const clock = new FakeClock();
    const q = createDelayingQueue<string>({ clock });
    q.addAfter('a', 100);
    q.addAfter('a', 500);
    expect(q.waitingLen()).toBe(1);
    clock.advance(100);
    expect(q.len()).toBe(1);

    q.addAfter('b', 500);
    q.addAfter('b', 50);
    clock.advance(50);
    expect(q.len()).toBe(2);
    expect(q.waitingLen()).toBe(0);
  });

  it('releases items in ready-time order, ties in scheduling order, each through the deduplicating add', async () => {
    const clock = new FakeClock();
    const q = createDelayingQueue<string>({ clock });
    q.addAfter('late', 300);
    q.addAfter('t1', 200);
    q.addAfter('t2', 200);
    q.addAfter('early', 100);
    q.add('early'); // already queued when its delay passes: deduplicated
    clock.advance(1000);
    const got: string[] = [];
    while (q.len() > 0) {
      const r = await q.get();
      if (!r.shutdown) got.push(r.item);
    }
    expect(got).toEqual(['early', 't1', 't2', 'late']);
  });

  it('arms one timer for the earliest item and re-arms after firing', () => {
    const clock = new FakeClock();
    const q = createDelayingQueue<string>({ clock });
    q.addAfter('a', 100);
    q.addAfter('b', 300);
    expect(clock.pendingTimers()).toBe(1);
    expect(clock.nextTimerAt()).toBe(100);
    q.addAfter('c', 50);
    expect(clock.nextTimerAt()).toBe(50);
    expect(clock.pendingTimers()).toBe(1);
    clock.advance(50);
    expect(q.len()).toBe(1);
    expect(clock.nextTimerAt()).toBe(100);
  });

  it('shutdown drops waiting items, clears its timer and ignores further addAfter', () => {
    const clock = new FakeClock();
    const q = createDelayingQueue<string>({ clock });
    q.addAfter('a', 100);
    q.shutDown();
    expect(clock.pendingTimers()).toBe(0);
    q.addAfter('b', 10);
    q.addAfter('c', 0);
    clock.advance(1000);
    expect(q.len()).toBe(0);
    expect(q.waitingLen()).toBe(0);
  });
});
