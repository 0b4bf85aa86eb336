import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { countLabel, escapeXml, lineChartSvg, linearScale, logScale, niceCeil } from '../src/report/chart.ts';
import { SERVICE_RSS_AFTER_GC_ROW, SERVICE_RSS_ROW } from '../src/phases/peers.ts';
import { benchmarksDoc } from '../src/report/docs.ts';
import { figure, type BenchResults, type Figure } from '../src/report/results.ts';
import { SERIES, scalingChartSvg, sizesFromResults } from '../src/report/scaling.ts';

const polylines = (svg: string): { label: string; points: [number, number][] }[] =>
  [...svg.matchAll(/<polyline class="series" data-label="([^"]*)"[^>]* points="([^"]*)"/g)].map((m) => ({
    label: m[1] ?? '',
    points: (m[2] ?? '').split(' ').map((p) => p.split(',').map(Number) as [number, number]),
  }));

describe('chart scales', () => {
  it('rounds the y axis up to 1, 2, 2.5 or 5 times a power of ten', () => {
    expect([niceCeil(0), niceCeil(0.7), niceCeil(1), niceCeil(1.2), niceCeil(2.2), niceCeil(3), niceCeil(19.5), niceCeil(1093)]).toEqual([
      1, 1, 1, 2, 2.5, 5, 20, 2000,
    ]);
  });
  it('maps counts logarithmically, so 1k, 10k and 100k are evenly spaced', () => {
    const sx = logScale(1000, 100_000, 0, 200);
    expect([sx(1000), sx(10_000), sx(100_000)].map((v) => Math.round(v * 1e6) / 1e6)).toEqual([0, 100, 200]);
    expect(() => logScale(0, 10, 0, 1)).toThrow(RangeError);
    expect(linearScale(0, 10, 300, 100)(5)).toBe(200);
  });
  it('labels counts', () => {
    expect([countLabel(200), countLabel(1000), countLabel(100_000), countLabel(2_000_000)]).toEqual(['200', '1k', '100k', '2M']);
  });
});

describe('lineChartSvg', () => {
  it('draws every series with points, at increasing x, higher values higher up', () => {
    const svg = lineChartSvg(
      't',
      [
        {
          title: 'p',
          yLabel: 's',
          series: [
            {
              label: 'a',
              color: '#f00',
              points: [
                { x: 10_000, y: 2 },
                { x: 1000, y: 1 },
                { x: 100_000, y: 20 },
              ],
            },
            { label: 'b', color: '#00f', points: [{ x: 1000, y: 0.5 }] },
            { label: 'empty', color: '#0f0', points: [] },
          ],
        },
      ],
      [1000, 10_000, 100_000],
    );
    const lines = polylines(svg);
    expect(lines.map((l) => l.label)).toEqual(['a', 'b']);
    const a = lines[0]?.points ?? [];
    expect(a).toHaveLength(3);
    expect(a[0]?.[0]).toBeLessThan(a[1]?.[0] ?? 0);
    expect(a[1]?.[0]).toBeLessThan(a[2]?.[0] ?? 0);
    // SVG y grows downwards: the largest value is the highest point, at the axis top (nice max 20).
    expect(a[2]?.[1]).toBeLessThan(a[0]?.[1] ?? 0);
    expect(svg).toContain('>20</text>');
    expect(svg).not.toContain('empty');
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
  });
  it('escapes every text it is given', () => {
    expect(escapeXml(`<a href="x">&'`)).toBe('&lt;a href=&quot;x&quot;&gt;&amp;&#39;');
    const svg = lineChartSvg(
      'A & <B>',
      [{ title: '"t"', yLabel: "y'", series: [{ label: '<script>', color: 'red"/', points: [{ x: 1, y: 1 }] }] }],
      [1],
    );
    expect(svg).not.toContain('<script>');
    expect(svg).toContain('&lt;script&gt;');
    expect(svg).toContain('<title>A &amp; &lt;B&gt;</title>');
    expect(svg).toContain('stroke="red&quot;/"');
  });
  it('refuses counts that a log axis cannot place', () => {
    expect(() => lineChartSvg('t', [], [])).toThrow(RangeError);
    expect(() => lineChartSvg('t', [], [0, 10])).toThrow(RangeError);
  });
});

describe('scalingChartSvg', () => {
  const sample = (ms: number, rss: number, rssSettled?: number) => ({
    processToComplete: ms,
    watcherToComplete: ms,
    processToSynced: ms,
    rss,
    heap: rss / 2,
    ...(rssSettled === undefined ? {} : { rssSettled }),
  });
  const MiB = 1048576;
  it('plots ToolHive, the service and the library in both panels, leaving out what did not run', () => {
    const svg = scalingChartSvg(
      [
        {
          objects: 1000,
          medians: {
            toolhive: sample(500, 57 * MiB, 70 * MiB),
            ours: sample(400, 85 * MiB),
            service: { processToReady: 600, rss: 90 * MiB },
          },
        },
        { objects: 10_000, medians: { toolhive: sample(2000, 150 * MiB, 180 * MiB), ours: sample(1300, 110 * MiB) } },
      ],
      'test run',
    );
    const count = (label: string): number | undefined => polylines(svg).find((l) => l.label === label)?.points.length;
    expect(Object.values(SERIES).map(count)).toEqual([2, 1, 2, 2, 1, 2, 2]);
    // The RSS panel's axis is in MiB: 180 MiB → a nice top of 200.
    expect(svg).toContain('>200</text>');
  });
  it("draws ToolHive's no-forced-GC RSS solid and its after-GC RSS dashed, each from its own reading", () => {
    const svg = scalingChartSvg(
      [
        { objects: 1000, medians: { toolhive: sample(500, 50 * MiB, 100 * MiB) } },
        { objects: 10_000, medians: { toolhive: sample(500, 50 * MiB, 100 * MiB) } },
      ],
      't',
    );
    const line = (label: string): string => svg.split('\n').find((l) => l.includes(`data-label="${label}"`)) ?? '';
    expect(line(SERIES.toolhiveRss)).not.toContain('stroke-dasharray');
    expect(line(SERIES.toolhiveRssAfterGc)).toContain('stroke-dasharray');
    // SVG y grows downwards: the larger no-GC reading (100 MiB against 50) is the higher line.
    const y = (label: string): number => polylines(svg).find((l) => l.label === label)?.points[0]?.[1] ?? Number.NaN;
    expect(y(SERIES.toolhiveRss)).toBeLessThan(y(SERIES.toolhiveRssAfterGc));
  });
});

describe('sizesFromResults', () => {
  const f = (name: string, ours: number | null, toolhive: number | null) => figure(name, 'ms', ours, null, undefined, { toolhive });
  const results = (phases: BenchResults['phases']): BenchResults => ({
    startedAt: 'x',
    finishedAt: 'y',
    mode: 'full',
    machine: { cpuModel: '', cores: 2, memoryBytes: 0, node: '', platform: '', kubeApiServer: '', etcd: '' },
    phases,
  });
  const coldStart = (objects: number, figures: Figure[]) => ({
    phase: `Cold start and memory, ${objects} MCPServers, one process per system`,
    params: { objects, repetitions: 3 },
    figures,
  });
  it('reads each cold-start size back from the tables, the service when its rows are there', () => {
    const sizes = sizesFromResults(
      results([
        coldStart(10_000, [f('process start → registry complete, median', 1300, 2200), f('RSS after sync (after GC), median', 90e6, 95e6)]),
        coldStart(1000, [
          f('process start → registry complete, median', 400, 500),
          f('RSS after sync (after GC), median', 80e6, 54e6),
          f('service: spawn → /readyz 200 (ToolHive: → registry complete), median', 600, 500),
          f(SERVICE_RSS_ROW, 90e6, 66e6),
          f(SERVICE_RSS_AFTER_GC_ROW, 90e6, 54e6),
        ]),
        { phase: 'Churn', params: { objects: 1000 }, figures: [] },
      ]),
    );
    expect(sizes.map((s) => s.objects)).toEqual([1000, 10_000]);
    expect(sizes[0]?.medians.service).toEqual({ processToReady: 600, rss: 90e6 });
    expect([sizes[0]?.medians.toolhive?.rss, sizes[0]?.medians.toolhive?.rssSettled]).toEqual([54e6, 66e6]);
    expect(sizes[1]?.medians.service).toBeUndefined();
    expect([sizes[1]?.medians.ours?.processToComplete, sizes[1]?.medians.toolhive?.rss]).toEqual([1300, 95e6]);
    expect(sizes[1]?.medians.toolhive).not.toHaveProperty('rssSettled');
  });
  it('reads a file from before the no-forced-GC row: the service from its after-GC row, no such ToolHive figure', () => {
    const sizes = sizesFromResults(
      results([
        coldStart(1000, [
          f('process start → registry complete, median', 400, 500),
          f('RSS after sync (after GC), median', 80e6, 54e6),
          f('service: spawn → /readyz 200 (ToolHive: → registry complete), median', 600, 500),
          f(SERVICE_RSS_AFTER_GC_ROW, 91e6, 54e6),
        ]),
      ]),
    );
    expect(sizes[0]?.medians.service).toEqual({ processToReady: 600, rss: 91e6 });
    expect(sizes[0]?.medians.toolhive?.rss).toBe(54e6);
    expect(sizes[0]?.medians.toolhive).not.toHaveProperty('rssSettled');
  });
});

describe('bench:rerender of a committed results file from before the no-forced-GC reading', () => {
  // The last full run before it: its service rows set the service against ToolHive after GC only.
  const old = JSON.parse(readFileSync(path.join(import.meta.dirname, '../results/2026-12-07T06-04-33.json'), 'utf8')) as BenchResults;
  it('draws the chart without the line it lacks, and every line it has', () => {
    const sizes = sizesFromResults(old);
    expect(sizes.map((s) => s.objects)).toEqual([1000, 10_000, 100_000]);
    expect(sizes.every((s) => s.medians.service !== undefined && s.medians.toolhive?.rssSettled === undefined)).toBe(true);
    const labels = polylines(scalingChartSvg(sizes, 'old')).map((l) => l.label);
    expect(labels).not.toContain(SERIES.toolhiveRss);
    expect(labels).toEqual(Object.values(SERIES).filter((l) => l !== SERIES.toolhiveRss));
  });
  it("renders the file's own rows and verdicts, not the new row", () => {
    const doc = benchmarksDoc(old);
    expect(doc).toContain(`| ${SERVICE_RSS_AFTER_GC_ROW} | 242.2 MiB | 541.2 MiB | — | 0.45× | — | ours / ToolHive ≤ 0.30× | **no** |`);
    expect(doc).not.toContain(`| ${SERVICE_RSS_ROW} |`);
  });
});
