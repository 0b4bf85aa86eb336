/**
 * docs/benchmarks-scaling.svg: start time and RSS against the object count of the cold-start phases, ToolHive's Go
 * watcher against ours (the service as the image runs it, and the library peer), from one run's medians. In the RSS
 * panel each line holds one kind of reading (solid: no forced GC, as a pod shows it; dashed: after a forced GC), so
 * lines of one style compare like with like.
 */
import { SERVICE_RSS_AFTER_GC_ROW, SERVICE_RSS_ROW, type PeerMedians, type PeerSample } from '../phases/peers.ts';
import { lineChartSvg, type ChartSeries } from './chart.ts';
import type { BenchResults, Figure } from './results.ts';

/** The medians of one size, as main.ts collects them. */
export interface SizeMedians {
  objects: number;
  medians: PeerMedians;
}

/** The file name under docs/ (docs/benchmarks.md embeds it). */
export const SCALING_CHART_FILE = 'benchmarks-scaling.svg';

const COLORS = { toolhive: '#d62728', service: '#1f77b4', library: '#2ca02c' } as const;

/** The legend's names, one per panel and reading: a series absent from a run (or an older file) leaves no entry. */
export const SERIES = {
  toolhiveStart: 'ToolHive Go watcher: spawn → registry complete',
  serviceStart: 'ours, the service (image flags): spawn → /readyz 200',
  libraryStart: 'ours, the library peer: spawn → registry complete',
  toolhiveRss: 'ToolHive Go watcher: RSS 2 s after registry complete, no forced GC',
  serviceRss: 'ours, the service: RSS 2 s after /readyz 200, no forced GC',
  toolhiveRssAfterGc: 'ToolHive Go watcher: RSS after a forced GC',
  libraryRssAfterGc: 'ours, the library peer: RSS after a forced GC',
} as const;

function series(
  label: string,
  color: string,
  sizes: readonly SizeMedians[],
  pick: (m: PeerMedians) => number | undefined,
  dashed = false,
): ChartSeries {
  const points = sizes.flatMap((s) => {
    const y = pick(s.medians);
    return y === undefined ? [] : [{ x: s.objects, y }];
  });
  return { label, color, points, ...(dashed ? { dashed } : {}) };
}

/** The chart of a run; sizes without a value of a series leave that point out. @throws RangeError with no sizes. */
export function scalingChartSvg(sizes: readonly SizeMedians[], runLabel: string): string {
  const s = (ms: number | undefined): number | undefined => (ms === undefined ? undefined : ms / 1000);
  const mib = (b: number | undefined): number | undefined => (b === undefined ? undefined : b / 1048576);
  return lineChartSvg(
    `vmcp-watcher vs ToolHive: start and memory against MCPServers (${runLabel})`,
    [
      {
        title: 'Process start → ready / complete (s)',
        yLabel: 'seconds',
        series: [
          series(SERIES.toolhiveStart, COLORS.toolhive, sizes, (m) => s(m.toolhive?.processToComplete)),
          series(SERIES.serviceStart, COLORS.service, sizes, (m) => s(m.service?.processToReady)),
          series(SERIES.libraryStart, COLORS.library, sizes, (m) => s(m.ours?.processToComplete), true),
        ],
      },
      {
        title: 'RSS after the initial sync (MiB)',
        yLabel: 'MiB',
        series: [
          series(SERIES.toolhiveRss, COLORS.toolhive, sizes, (m) => mib(m.toolhive?.rssSettled)),
          series(SERIES.serviceRss, COLORS.service, sizes, (m) => mib(m.service?.rss)),
          series(SERIES.toolhiveRssAfterGc, COLORS.toolhive, sizes, (m) => mib(m.toolhive?.rss), true),
          series(SERIES.libraryRssAfterGc, COLORS.library, sizes, (m) => mib(m.ours?.rss), true),
        ],
      },
    ],
    sizes.map((x) => x.objects),
  );
}

const COLD_START = 'Cold start and memory';

/**
 * The medians of each cold-start size, read back from a run's results (its tables), so the chart can be drawn from
 * a results file as well as from a run. A peer appears when its start and RSS figures are both there; ToolHive's
 * no-forced-GC RSS only from files that have {@link SERVICE_RSS_ROW} (older ones: that line is left out).
 */
export function sizesFromResults(results: BenchResults): SizeMedians[] {
  const out: SizeMedians[] = [];
  for (const phase of results.phases) {
    const objects = Number(phase.params['objects']);
    if (!phase.phase.startsWith(COLD_START) || !(objects > 0)) continue;
    const find = (prefix: string): Figure | undefined => phase.figures.find((f) => f.name.startsWith(prefix));
    const start = find('process start → registry complete');
    const rss = find('RSS after sync');
    const svcReady = find('service: spawn');
    const svcRss = find(SERVICE_RSS_ROW) ?? find(SERVICE_RSS_AFTER_GC_ROW);
    const peer = (ms: number | null | undefined, bytes: number | null | undefined): PeerSample | undefined =>
      typeof ms === 'number' && typeof bytes === 'number'
        ? { processToComplete: ms, watcherToComplete: Number.NaN, processToSynced: Number.NaN, rss: bytes, heap: Number.NaN }
        : undefined;
    const medians: PeerMedians = {};
    const ours = peer(start?.ours, rss?.ours);
    const toolhive = peer(start?.toolhive, rss?.toolhive);
    const toolhiveSettled = find(SERVICE_RSS_ROW)?.toolhive;
    if (toolhive && typeof toolhiveSettled === 'number') toolhive.rssSettled = toolhiveSettled;
    if (ours) medians.ours = ours;
    if (toolhive) medians.toolhive = toolhive;
    if (typeof svcReady?.ours === 'number' && typeof svcRss?.ours === 'number')
      medians.service = { processToReady: svcReady.ours, rss: svcRss.ours };
    out.push({ objects, medians });
  }
  return out.sort((a, b) => a.objects - b.objects);
}
