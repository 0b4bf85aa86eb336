/**
 * docs/benchmarks-scaling.svg: start time and RSS against the object count of the cold-start phases, ToolHive's Go
 * watcher against ours (the service as the image runs it, and the library peer), from one run's medians.
 */
import type { PeerMedians } from '../phases/peers.ts';
import { lineChartSvg, type ChartSeries } from './chart.ts';

/** The medians of one size, as main.ts collects them. */
export interface SizeMedians {
  objects: number;
  medians: PeerMedians;
}

/** The file name under docs/ (docs/benchmarks.md embeds it). */
export const SCALING_CHART_FILE = 'benchmarks-scaling.svg';

const COLORS = { toolhive: '#d62728', service: '#1f77b4', library: '#2ca02c' } as const;

function series(label: string, color: string, sizes: readonly SizeMedians[], pick: (m: PeerMedians) => number | undefined, dashed = false): ChartSeries {
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
          series('ToolHive Go watcher (spawn → registry complete; RSS after GC)', COLORS.toolhive, sizes, (m) => s(m.toolhive?.processToComplete)),
          series('ours: the service, image flags (spawn → /readyz 200; RSS without forced GC)', COLORS.service, sizes, (m) => s(m.service?.processToReady)),
          series('ours: the library peer (spawn → registry complete; RSS after GC)', COLORS.library, sizes, (m) => s(m.ours?.processToComplete), true),
        ],
      },
      {
        title: 'RSS after the initial sync (MiB)',
        yLabel: 'MiB',
        series: [
          series('ToolHive Go watcher (spawn → registry complete; RSS after GC)', COLORS.toolhive, sizes, (m) => mib(m.toolhive?.rss)),
          series('ours: the service, image flags (spawn → /readyz 200; RSS without forced GC)', COLORS.service, sizes, (m) => mib(m.service?.rss)),
          series('ours: the library peer (spawn → registry complete; RSS after GC)', COLORS.library, sizes, (m) => mib(m.ours?.rss), true),
        ],
      },
    ],
    sizes.map((x) => x.objects),
  );
}
