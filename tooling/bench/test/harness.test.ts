import { describe, expect, it } from 'vitest';
import { runPool } from '../src/kube/pool.ts';
import { parseArgs } from '../src/options.ts';
import { peerCommand, serviceNodeFlags } from '../src/peers/commands.ts';
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
  it('full mode measures 1,000, 10,000 and 100,000 objects, churn at 200/s for 30 s', () => {
    const p = parseArgs([], new Date('2026-01-02T03:04:05Z'));
    expect(p.coldStart.map((c) => c.objects)).toEqual([1000, 10000, 100000]);
    expect(p.churn).toMatchObject({ ratePerSecond: 200, durationMs: 30_000 });
    expect(p.out).toBe('results/2026-01-02T03-04-05.json');
    expect(p.writeDocs).toBe(true);
  });
  it('rejects unknown arguments', () => {
    expect(() => parseArgs(['--fast'])).toThrow(/unknown argument --fast/);
  });
  it('--node-flags replaces the service flags; "" means Node defaults; absent leaves them to the Dockerfile', () => {
    expect(parseArgs(['--node-flags', '--max-semi-space-size=4  --no-opt']).nodeFlags).toEqual(['--max-semi-space-size=4', '--no-opt']);
    expect(parseArgs(['--node-flags', '']).nodeFlags).toEqual([]);
    expect(parseArgs([]).nodeFlags).toBeUndefined();
    expect(() => parseArgs(['--node-flags'])).toThrow(/--node-flags needs a value/);
  });
});

describe("Node peers run with the service image's Node flags", () => {
  it('reads the flags between node and the script of the ENTRYPOINT', () => {
    expect(serviceNodeFlags('FROM x\nENTRYPOINT ["node", "--a=1", "--b", "dist/cli.js"]\nCMD ["--listen", ":8080"]\n')).toEqual([
      '--a=1',
      '--b',
    ]);
    expect(serviceNodeFlags('ENTRYPOINT ["node", "dist/cli.js"]\n')).toEqual([]);
    expect(() => serviceNodeFlags('ENTRYPOINT node dist/cli.js\n')).toThrow();
    expect(() => serviceNodeFlags('ENTRYPOINT ["/bin/sh", "dist/cli.js"]\n')).toThrow(/no exec-form ENTRYPOINT/);
    expect(() => serviceNodeFlags('FROM x\n')).toThrow(/found none/);
  });
  it("the repository's Dockerfile is read (today: no flags), and both Node peers are started with its flags", () => {
    expect(serviceNodeFlags()).toEqual([]);
    const flags = serviceNodeFlags('FROM x\nENTRYPOINT ["node", "--a=1", "--b", "dist/cli.js"]\n');
    expect(flags).toEqual(['--a=1', '--b']);
    for (const kind of ['ours', 'bare'] as const) {
      const args = peerCommand(kind, { unbundled: true, nodeFlags: flags }).args;
      expect(args.slice(1, 1 + flags.length)).toEqual(flags);
      expect(peerCommand(kind, { unbundled: true }).args).toHaveLength(2);
    }
  });
});

describe('markdown', () => {
  it('prints ours, baseline and ratio, and a failure', () => {
    const md = phaseMarkdown({ phase: 'P', params: { n: 1 }, figures: [figure('lat', 'ms', 12, 8, '≤ 1.25×')], error: 'broke' });
    expect(md).toContain('**FAILED:** broke');
    expect(md).toContain('| lat | 12.00 ms | 8.00 ms | 1.50× | ≤ 1.25× |');
  });
});
