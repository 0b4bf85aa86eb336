import { describe, expect, it } from 'vitest';
import { countLabel, escapeXml, lineChartSvg, linearScale, logScale, niceCeil } from '../src/report/chart.ts';
import { figure } from '../src/report/results.ts';
import { scalingChartSvg, sizesFromResults } from '../src/report/scaling.ts';

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
  const sample = (ms: number, rss: number) => ({ processToComplete: ms, watcherToComplete: ms, processToSynced: ms, rss, heap: rss / 2 });
  it('plots ToolHive, the service and the library in both panels, leaving out what did not run', () => {
    const svg = scalingChartSvg(
      [
        {
          objects: 1000,
          medians: {
            toolhive: sample(500, 57 * 1048576),
            ours: sample(400, 85 * 1048576),
            service: { processToReady: 600, rss: 90 * 1048576 },
          },
        },
        { objects: 10_000, medians: { toolhive: sample(2000, 150 * 1048576), ours: sample(1300, 110 * 1048576) } },
      ],
      'test run',
    );
    const lines = polylines(svg);
    expect(lines.filter((l) => l.label.startsWith('ToolHive')).map((l) => l.points.length)).toEqual([2, 2]);
    expect(lines.filter((l) => l.label.startsWith('ours: the service')).map((l) => l.points.length)).toEqual([1, 1]);
    expect(lines.filter((l) => l.label.startsWith('ours: the library')).map((l) => l.points.length)).toEqual([2, 2]);
    // The RSS panel's axis is in MiB: 150 MiB → a nice top of 200.
    expect(svg).toContain('>200</text>');
  });
});

describe('sizesFromResults', () => {
  it('reads each cold-start size back from the tables, the service when its rows are there', () => {
    const f = (name: string, ours: number | null, toolhive: number | null) => figure(name, 'ms', ours, null, undefined, { toolhive });
    const results = {
      startedAt: 'x',
      finishedAt: 'y',
      mode: 'full' as const,
      machine: { cpuModel: '', cores: 2, memoryBytes: 0, node: '', platform: '', kubeApiServer: '', etcd: '' },
      phases: [
        {
          phase: 'Cold start and memory, 10000 MCPServers, one process per system',
          params: { objects: 10_000, repetitions: 3 },
          figures: [f('process start → registry complete, median', 1300, 2200), f('RSS after sync (after GC), median', 90e6, 95e6)],
        },
        {
          phase: 'Cold start and memory, 1000 MCPServers, one process per system',
          params: { objects: 1000, repetitions: 3 },
          figures: [
            f('process start → registry complete, median', 400, 500),
            f('RSS after sync (after GC), median', 80e6, 54e6),
            f('service: spawn → /readyz 200 (ToolHive: → registry complete), median', 600, 500),
            f('service: RSS 2 s after ready, no forced GC (ToolHive: after GC), median', 90e6, 54e6),
          ],
        },
        { phase: 'Churn', params: { objects: 1000 }, figures: [] },
      ],
    };
    const sizes = sizesFromResults(results);
    expect(sizes.map((s) => s.objects)).toEqual([1000, 10_000]);
    expect(sizes[0]?.medians.service).toEqual({ processToReady: 600, rss: 90e6 });
    expect(sizes[1]?.medians.service).toBeUndefined();
    expect([sizes[1]?.medians.ours?.processToComplete, sizes[1]?.medians.toolhive?.rss]).toEqual([1300, 95e6]);
  });
});
