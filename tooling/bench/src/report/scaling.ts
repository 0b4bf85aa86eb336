/**
 * docs/benchmarks-scaling.svg: start time and RSS against the object count of the cold-start phases, ToolHive's Go
 * watcher against ours (the service as the image runs it, and the library peer), from one run's medians.
 */
import type { PeerMedians, PeerSample } from '../phases/peers.ts';
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
          series('ToolHive Go watcher (spawn → registry complete; RSS after GC)', COLORS.toolhive, sizes, (m) =>
            s(m.toolhive?.processToComplete),
          ),
          series('ours: the service, image flags (spawn → /readyz 200; RSS without forced GC)', COLORS.service, sizes, (m) =>
            s(m.service?.processToReady),
          ),
          series(
            'ours: the library peer (spawn → registry complete; RSS after GC)',
            COLORS.library,
            sizes,
            (m) => s(m.ours?.processToComplete),
            true,
          ),
        ],
      },
      {
        title: 'RSS after the initial sync (MiB)',
        yLabel: 'MiB',
        series: [
          series('ToolHive Go watcher (spawn → registry complete; RSS after GC)', COLORS.toolhive, sizes, (m) => mib(m.toolhive?.rss)),
          series('ours: the service, image flags (spawn → /readyz 200; RSS without forced GC)', COLORS.service, sizes, (m) =>
            mib(m.service?.rss),
          ),
          series('ours: the library peer (spawn → registry complete; RSS after GC)', COLORS.library, sizes, (m) => mib(m.ours?.rss), true),
        ],
      },
    ],
    sizes.map((x) => x.objects),
  );
}

const COLD_START = 'Cold start and memory';

/**
 * The medians of each cold-start size, read back from a run's results (its tables), so the chart can be drawn from
 * a results file as well as from a run. A peer appears when its start and RSS figures are both there.
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
    const svcRss = find('service: RSS');
    const peer = (ms: number | null | undefined, bytes: number | null | undefined): PeerSample | undefined =>
      typeof ms === 'number' && typeof bytes === 'number'
        ? { processToComplete: ms, watcherToComplete: Number.NaN, processToSynced: Number.NaN, rss: bytes, heap: Number.NaN }
        : undefined;
    const medians: PeerMedians = {};
    const ours = peer(start?.ours, rss?.ours);
    const toolhive = peer(start?.toolhive, rss?.toolhive);
    if (ours) medians.ours = ours;
    if (toolhive) medians.toolhive = toolhive;
    if (typeof svcReady?.ours === 'number' && typeof svcRss?.ours === 'number')
      medians.service = { processToReady: svcReady.ours, rss: svcRss.ours };
    out.push({ objects, medians });
  }
  return out.sort((a, b) => a.objects - b.objects);
}
