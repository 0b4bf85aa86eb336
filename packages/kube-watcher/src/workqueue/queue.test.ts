import { describe, expect, it } from 'vitest';
import { flushAsync } from '@vmcp/core/testing';
import { createWorkQueue, type GetResult, type WorkQueue } from './queue.ts';

/** Takes the next item, failing the test if the queue reports shutdown. */
async function take<T>(q: WorkQueue<T>): Promise<T> {
  const r = await q.get();
  if (r.shutdown) throw new Error('unexpected shutdown');
  return r.item;
}

/** Tracks whether a promise has settled, without awaiting it. */
function track<V>(p: Promise<V>): { settled: () => boolean; value: () => V | undefined } {
  let settled = false;
  let value: V | undefined;
  void p.then((v) => {
    settled = true;
    value = v;
  });
  return { settled: () => settled, value: () => value };
}

describe('WorkQueue', () => {
  it('dedups: an item added twice before get is handed out once', async () => {
    const q = createWorkQueue<string>();
    q.add('x');
    q.add('x');
    expect(q.len()).toBe(1);
    expect(await take(q)).toBe('x');
    expect(q.len()).toBe(0);
    const next = track(q.get());
    await flushAsync();
    expect(next.settled()).toBe(false);
    q.shutDown();
    await flushAsync();
    expect(next.value()).toEqual({ shutdown: true });
  });

  it('is stingy: an item being processed is not handed out again until done, then exactly once more', async () => {
    const q = createWorkQueue<string>();
    q.add('x');
    expect(await take(q)).toBe('x');
    q.add('x');
    q.add('x');
    expect(q.len()).toBe(0);
    const second = track(q.get());
    await flushAsync();
    expect(second.settled()).toBe(false);
    q.done('x');
    await flushAsync();
    expect(second.value()).toEqual({ item: 'x', shutdown: false });
    q.done('x');
    expect(q.len()).toBe(0);
    const third = track(q.get());
    await flushAsync();
    expect(third.settled()).toBe(false);
  });

  it('is FIFO, and an item re-added while parked keeps its place behind earlier items', async () => {
    const q = createWorkQueue<string>();
    for (const k of ['a', 'b', 'c']) q.add(k);
    q.add('a'); // dedup keeps the first position
    expect(await take(q)).toBe('a');
    q.add('d');
    q.add('a'); // parked: a is processing
    q.done('a'); // queued again, behind d
    const order = [await take(q), await take(q), await take(q), await take(q)];
    expect(order).toEqual(['b', 'c', 'd', 'a']);
  });

  it('serves many concurrent get waiters in call order, one item each', async () => {
    const q = createWorkQueue<string>();
    const waiters = [0, 1, 2, 3, 4].map(() => track(q.get()));
    await flushAsync();
    expect(waiters.some((w) => w.settled())).toBe(false);
    q.add('a');
    q.add('b');
    q.add('c');
    await flushAsync();
    expect(waiters.map((w) => w.value())).toEqual([
      { item: 'a', shutdown: false },
      { item: 'b', shutdown: false },
      { item: 'c', shutdown: false },
      undefined,
      undefined,
    ]);
    q.shutDown();
    await flushAsync();
    expect(waiters[3]!.value()).toEqual({ shutdown: true });
    expect(waiters[4]!.value()).toEqual({ shutdown: true });
  });

  it('after shutDown: hands out what is queued, then reports shutdown, and ignores adds', async () => {
    const q = createWorkQueue<string>();
    q.add('a');
    q.shutDown();
    expect(q.shuttingDown()).toBe(true);
    q.add('b');
    expect(q.len()).toBe(1);
    expect(await take(q)).toBe('a');
    expect(await q.get()).toEqual({ shutdown: true });
    // Adding an item that is being processed after shutdown does not resurrect it either.
    q.add('a');
    q.done('a');
    expect(q.len()).toBe(0);
    expect(await q.get()).toEqual({ shutdown: true });
  });

  it('shutDownWithDrain waits until every handed-out item is done', async () => {
    const q = createWorkQueue<string>();
    q.add('a');
    q.add('b');
    await take(q);
    await take(q);
    const drained = track(q.shutDownWithDrain());
    await flushAsync();
    expect(drained.settled()).toBe(false);
    q.done('a');
    await flushAsync();
    expect(drained.settled()).toBe(false);
    q.done('b');
    await flushAsync();
    expect(drained.settled()).toBe(true);
  });

  it('shutDownWithDrain resolves at once when nothing is processing, and shutDown releases a pending drain', async () => {
    const idle = createWorkQueue<string>();
    await idle.shutDownWithDrain();

    const q = createWorkQueue<string>();
    q.add('a');
    await take(q);
    const drained = track(q.shutDownWithDrain());
    await flushAsync();
    expect(drained.settled()).toBe(false);
    q.shutDown();
    await flushAsync();
    expect(drained.settled()).toBe(true);
  });

  it('ignores done for an item that was never handed out', async () => {
    const q = createWorkQueue<string>();
    q.add('a');
    q.done('a');
    expect(q.len()).toBe(1);
    expect(await take(q)).toBe('a');
    q.shutDown();
    expect(await q.get()).toEqual({ shutdown: true });
  });

  it('with keyOf: items with the same key are one piece of work, the newest value wins', async () => {
    interface Req {
      name: string;
      v: number;
    }
    const q = createWorkQueue<Req>({ keyOf: (r) => r.name });
    q.add({ name: 'a', v: 1 });
    q.add({ name: 'a', v: 2 });
    q.add({ name: 'b', v: 1 });
    expect(q.len()).toBe(2);
    const first: GetResult<Req> = await q.get();
    expect(first).toEqual({ item: { name: 'a', v: 2 }, shutdown: false });
    q.add({ name: 'a', v: 3 }); // parked while a is processing
    q.done({ name: 'a', v: 0 }); // done is by key too
    expect(await take(q)).toEqual({ name: 'b', v: 1 });
    expect(await take(q)).toEqual({ name: 'a', v: 3 });
  });
});
