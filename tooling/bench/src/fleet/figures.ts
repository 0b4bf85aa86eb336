/** The figures of the fleet phase, from what it measured: the feed replica is "ours", the embedding one the baseline. */
import { figure, type Figure } from '../report/results.ts';
import { summarize } from '../stats.ts';

/** What one mode measured. */
export interface ModeMeasurements {
  /** Open API-server watches with N replicas running (the feed mode's include its one watcher), by N. */
  watches: Record<number, number>;
  /** Median RSS and heap of one replica at the largest N, after a full GC. */
  rss: number | null;
  heap: number | null;
  /** Write acknowledgement → delivery at a replica, ms, over every replica and write, at the largest N. */
  latencies: number[];
  /** (replica, write) pairs never delivered. */
  missing: number;
}

/** Everything the phase measured. */
export interface FleetMeasurements {
  /** Open watches before any replica or watcher ran. */
  idleWatches: number;
  embedding: ModeMeasurements;
  feed: ModeMeasurements;
  /** The feed's watcher service, from /proc (no forced GC). */
  serviceRss: number | null;
  toolhiveRss: number | null;
  replicas: number[];
}

const p99 = (xs: number[]): number | null => (xs.length === 0 ? null : summarize(xs).p99);
const p50 = (xs: number[]): number | null => (xs.length === 0 ? null : summarize(xs).p50);

/** The rows of the fleet table. */
export function fleetFigures(m: FleetMeasurements): Figure[] {
  const figures: Figure[] = [];
  for (const n of m.replicas) {
    const watches = (mode: ModeMeasurements): number | null => (mode.watches[n] === undefined ? null : mode.watches[n] - m.idleWatches);
    figures.push(figure(`API-server watches, N = ${n}`, 'count', watches(m.feed), watches(m.embedding), 'feed: independent of N'));
  }
  figures.push(
    figure('RSS of one replica', 'bytes', m.feed.rss, m.embedding.rss, 'feed / embedding ≤ 0.50×', {
      toolhive: m.toolhiveRss,
      goal: { vs: 'bare', atMost: 0.5 },
    }),
    figure("RSS of one replica, vs ToolHive's Go watcher", 'bytes', m.feed.rss, m.embedding.rss, 'feed / ToolHive ≤ 0.60×', {
      toolhive: m.toolhiveRss,
      goal: { vs: 'toolhive', atMost: 0.6 },
    }),
    figure('heap of one replica', 'bytes', m.feed.heap, m.embedding.heap),
    figure("RSS of the feed's one watcher service (no forced GC)", 'bytes', m.serviceRss, null),
  );
  const maxN = m.replicas.at(-1) ?? 1;
  const feedP99 = p99(m.feed.latencies);
  const embedP99 = p99(m.embedding.latencies);
  const met = feedP99 === null || embedP99 === null ? 'n/a' : feedP99 <= embedP99 + 50 ? 'met' : 'NOT met';
  figures.push(
    figure(`change → backend at a replica, p50, N = ${maxN}`, 'ms', p50(m.feed.latencies), p50(m.embedding.latencies)),
    figure(`change → backend at a replica, p99, N = ${maxN}`, 'ms', feedP99, embedP99, `feed ≤ embedding + 50 ms (${met})`),
    figure(`changes never delivered (replica × write), N = ${maxN}`, 'count', m.feed.missing, m.embedding.missing, '0'),
  );
  return figures;
}
