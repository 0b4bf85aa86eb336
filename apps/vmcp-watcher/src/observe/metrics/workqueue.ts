/** Work-queue metrics under controller-runtime's names, bound to kube-watcher's `WorkQueueMetricsProvider`. */
import { WORKQUEUE_METRIC_NAMES as NAMES, type WorkQueueMetricsProvider } from '@vmcp/kube-watcher';
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

// controller-runtime: prometheus.ExponentialBuckets(10e-9, 10, 12) for queue latency and work duration.
const QUEUE_BUCKETS = Array.from({ length: 12 }, (_, i) => 1e-8 * 10 ** i);
// controller-runtime labels both `controller` and `name` with the queue's name.
const labelNames = ['controller', 'name'] as const;
const labels = (name: string): { controller: string; name: string } => ({ controller: name, name });

/** Registers the work-queue metrics and returns the provider the watcher's queue reports to. */
export function workqueueMetrics(registers: Registry[]): WorkQueueMetricsProvider {
  const gauge = (name: string, help: string): Gauge<'controller' | 'name'> => new Gauge({ name, help, labelNames, registers });
  const counter = (name: string, help: string): Counter<'controller' | 'name'> => new Counter({ name, help, labelNames, registers });
  const histogram = (name: string, help: string): Histogram<'controller' | 'name'> =>
    new Histogram({ name, help, labelNames, buckets: QUEUE_BUCKETS, registers });

  const depth = gauge(NAMES.depth, 'Current depth of workqueue');
  const adds = counter(NAMES.adds, 'Total number of adds handled by workqueue');
  const latency = histogram(NAMES.latency, 'How long in seconds an item stays in workqueue before being requested');
  const work = histogram(NAMES.workDuration, 'How long in seconds processing an item from workqueue takes.');
  const unfinished = gauge(
    NAMES.unfinishedWorkSeconds,
    "How many seconds of work has been done that is in progress and hasn't been observed by work_duration.",
  );
  const longest = gauge(
    NAMES.longestRunningProcessorSeconds,
    'How many seconds has the longest running processor for workqueue been running.',
  );
  const retries = counter(NAMES.retries, 'Total number of retries handled by workqueue');
  return {
    newDepthMetric: (name) => ({ inc: () => depth.inc(labels(name)), dec: () => depth.dec(labels(name)) }),
    newAddsMetric: (name) => ({ inc: () => adds.inc(labels(name)) }),
    newLatencyMetric: (name) => ({ observe: (v) => latency.observe(labels(name), v) }),
    newWorkDurationMetric: (name) => ({ observe: (v) => work.observe(labels(name), v) }),
    newUnfinishedWorkSecondsMetric: (name) => ({ set: (v) => unfinished.set(labels(name), v) }),
    newLongestRunningProcessorSecondsMetric: (name) => ({ set: (v) => longest.set(labels(name), v) }),
    newRetriesMetric: (name) => ({ inc: () => retries.inc(labels(name)) }),
  };
}
