import { describe, expect, it } from 'vitest';
import { runPool } from '../src/kube/pool.ts';
import { parseArgs } from '../src/options.ts';
import { correlate } from '../src/phases/churn.ts';
import { phaseMarkdown } from '../src/report/markdown.ts';
import { figure } from '../src/report/results.ts';
import { percentile, summarize } from '../src/stats.ts';

describe('stats', () => {
  it('uses nearest-rank percentiles', () => {
    const xs = Array.from({ length: 100 }, (_, i) => i + 1);
    expect(percentile(xs, 0.5)).toBe(50);
    expect(percentile(xs, 0.99)).toBe(99);
    expect(percentile(xs, 1)).toBe(100);
    expect(summarize([3, 1, 2])).toMatchObject({ count: 3, p50: 2, max: 3, mean: 2 });
  });
  it('refuses empty samples instead of inventing a number', () => {
    expect(() => summarize([])).toThrow(RangeError);
  });
});

describe('runPool', () => {
  it('runs every index with bounded concurrency', async () => {
    let inFlight = 0;
    let peak = 0;
    const seen: number[] = [];
    await runPool(20, 3, async (i) => {
      inFlight++;
      peak = Math.max(peak, inFlight);
      await new Promise((r) => setTimeout(r, 1));
      seen.push(i);
      inFlight--;
    });
    expect(seen.sort((a, b) => a - b)).toEqual(Array.from({ length: 20 }, (_, i) => i));
    expect(peak).toBe(3);
  });
  it('rejects with the first failure', async () => {
    await expect(runPool(5, 2, (i) => (i === 2 ? Promise.reject(new Error('boom')) : Promise.resolve()))).rejects.toThrow('boom');
  });
});

describe('churn correlation', () => {
  it('pairs acknowledgements with deliveries and counts the undelivered', () => {
    const acks = new Map([
      [1, 10],
      [2, 20],
      [3, 30],
    ]);
    const seen = new Map([
      [1, 15],
      [3, 29],
    ]);
    expect(correlate(acks, seen)).toEqual({ latencies: [5, -1], missing: 1 });
  });
});

describe('options', () => {
  it('quick mode uses small sizes and writes nothing by default', () => {
    const p = parseArgs(['--quick']);
    expect(p.mode).toBe('quick');
    expect(p.coldStart.map((c) => c.objects)).toEqual([200]);
    expect(p.churn.ratePerSecond).toBe(50);
    expect(p.out).toBeUndefined();
    expect(p.writeDocs).toBe(false);
  });
  it('full mode measures 1,000 and 10,000 objects at 200/s for 30 s', () => {
    const p = parseArgs([], new Date('2026-01-02T03:04:05Z'));
    expect(p.coldStart.map((c) => c.objects)).toEqual([1000, 10000]);
    expect(p.churn).toMatchObject({ ratePerSecond: 200, durationMs: 30_000 });
    expect(p.out).toBe('results/2026-01-02T03-04-05.json');
    expect(p.writeDocs).toBe(true);
  });
  it('rejects unknown arguments', () => {
    expect(() => parseArgs(['--fast'])).toThrow(/unknown argument --fast/);
  });
});

describe('markdown', () => {
  it('prints ours, baseline and ratio, and a failure', () => {
    const md = phaseMarkdown({ phase: 'P', params: { n: 1 }, figures: [figure('lat', 'ms', 12, 8, '≤ 1.25×')], error: 'broke' });
    expect(md).toContain('**FAILED:** broke');
    expect(md).toContain('| lat | 12.00 ms | 8.00 ms | 1.50× | ≤ 1.25× |');
  });
});
