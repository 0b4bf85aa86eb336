import { describe, expect, it } from 'vitest';
import { Fifo } from '../src/index.ts';

describe('Fifo', () => {
  it('keeps order across compaction; peek and iteration see the live values only', () => {
    const q = new Fifo<number>();
    expect(q.peek()).toBeUndefined();
    for (let i = 0; i < 3000; i++) q.push(i);
    for (let i = 0; i < 2500; i++) expect(q.shift()).toBe(i); // compacts at least once on the way
    expect(q.length).toBe(500);
    expect(q.peek()).toBe(2500);
    expect([...q]).toEqual(Array.from({ length: 500 }, (_, i) => 2500 + i));
    q.clear();
    expect([...q]).toEqual([]);
    expect(q.shift()).toBeUndefined();
  });
});
