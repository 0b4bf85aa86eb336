/**
 * Work queue metrics, modelled on client-go's `workqueue.MetricsProvider` so the service can bind them to
 * prom-client with the controller-runtime names in {@link WORKQUEUE_METRIC_NAMES}. No Prometheus dependency here.
 */
import type { Clock, TimerHandle } from '@vmcp/core';

/** A gauge that moves by one. */
export interface GaugeMetric {
  inc(): void;
  dec(): void;
}
/** A gauge that is set to a value. */
export interface SettableGaugeMetric {
  set(value: number): void;
}
/** A monotonically increasing counter. */
export interface CounterMetric {
  inc(): void;
}
/** A distribution of observations (seconds, for every queue histogram). */
export interface HistogramMetric {
  observe(value: number): void;
}

/**
 * Creates the metrics of one named queue. Each method is called once per queue, at construction; `name` is the
 * queue name (controller-runtime uses the controller name for both its `name` and `controller` labels).
 */
export interface WorkQueueMetricsProvider {
  /** `workqueue_depth`: items waiting to be handed out, including ones parked while they are being processed. */
  newDepthMetric(name: string): GaugeMetric;
  /** `workqueue_adds_total`: adds that were not deduplicated away. */
  newAddsMetric(name: string): CounterMetric;
  /** `workqueue_queue_duration_seconds`: time from add to `get`. */
  newLatencyMetric(name: string): HistogramMetric;
  /** `workqueue_work_duration_seconds`: time from `get` to `done`. */
  newWorkDurationMetric(name: string): HistogramMetric;
  /** `workqueue_unfinished_work_seconds`: sum of the ages of the items currently being processed. */
  newUnfinishedWorkSecondsMetric(name: string): SettableGaugeMetric;
  /** `workqueue_longest_running_processor_seconds`: age of the oldest item currently being processed. */
  newLongestRunningProcessorSecondsMetric(name: string): SettableGaugeMetric;
  /** `workqueue_retries_total`: calls to `addAfter` / `addRateLimited`. */
  newRetriesMetric(name: string): CounterMetric;
}

/** The Prometheus metric names controller-runtime registers for the provider's metrics. */
export const WORKQUEUE_METRIC_NAMES = {
  depth: 'workqueue_depth',
  adds: 'workqueue_adds_total',
  latency: 'workqueue_queue_duration_seconds',
  workDuration: 'workqueue_work_duration_seconds',
  unfinishedWorkSeconds: 'workqueue_unfinished_work_seconds',
  longestRunningProcessorSeconds: 'workqueue_longest_running_processor_seconds',
  retries: 'workqueue_retries_total',
} as const;

/** How often the unfinished-work gauges are refreshed while a queue with metrics is running (client-go: 500 ms). */
export const UNFINISHED_WORK_UPDATE_PERIOD_MS = 500;

/**
 * The queue-side bookkeeping behind the provider's metrics: remembers when each item was added and when its
 * processing started. Internal to the queues; exported for the queue implementations only.
 */
export class QueueMetrics<K> {
  readonly #clock: Clock;
  readonly #depth: GaugeMetric;
  readonly #adds: CounterMetric;
  readonly #latency: HistogramMetric;
  readonly #workDuration: HistogramMetric;
  readonly #unfinished: SettableGaugeMetric;
  readonly #longest: SettableGaugeMetric;
  readonly #retries: CounterMetric;
  readonly #addTimes = new Map<K, number>();
  readonly #processingStartTimes = new Map<K, number>();
  #timer: TimerHandle | undefined;
  #stopped = false;

  constructor(name: string, provider: WorkQueueMetricsProvider, clock: Clock) {
    this.#clock = clock;
    this.#depth = provider.newDepthMetric(name);
    this.#adds = provider.newAddsMetric(name);
    this.#latency = provider.newLatencyMetric(name);
    this.#workDuration = provider.newWorkDurationMetric(name);
    this.#unfinished = provider.newUnfinishedWorkSecondsMetric(name);
    this.#longest = provider.newLongestRunningProcessorSecondsMetric(name);
    this.#retries = provider.newRetriesMetric(name);
    this.#schedule();
  }

  add(key: K): void {
    this.#adds.inc();
    this.#depth.inc();
    // An item re-added while processing keeps its first add time: latency is measured from the first add.
    if (!this.#addTimes.has(key)) this.#addTimes.set(key, this.#clock.now());
  }

  get(key: K): void {
    this.#depth.dec();
    const now = this.#clock.now();
    this.#processingStartTimes.set(key, now);
    const added = this.#addTimes.get(key);
    if (added !== undefined) {
      this.#latency.observe((now - added) / 1000);
      this.#addTimes.delete(key);
    }
  }

  done(key: K): void {
    const started = this.#processingStartTimes.get(key);
    if (started !== undefined) {
      this.#workDuration.observe((this.#clock.now() - started) / 1000);
      this.#processingStartTimes.delete(key);
    }
  }

  retry(): void {
    this.#retries.inc();
  }

  /** Recomputes the unfinished-work gauges now (also done every {@link UNFINISHED_WORK_UPDATE_PERIOD_MS}). */
  updateUnfinishedWork(): void {
    const now = this.#clock.now();
    let total = 0;
    let oldest = 0;
    for (const started of this.#processingStartTimes.values()) {
      const age = (now - started) / 1000;
      total += age;
      if (age > oldest) oldest = age;
    }
    this.#unfinished.set(total);
    this.#longest.set(oldest);
  }

  /** Stops the periodic refresh (on queue shutdown) so a stopped queue leaves no timer behind. */
  stop(): void {
    this.#stopped = true;
    if (this.#timer !== undefined) this.#clock.clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  #schedule(): void {
    if (this.#stopped) return;
    this.#timer = this.#clock.setTimeout(() => {
      this.updateUnfinishedWork();
      this.#schedule();
    }, UNFINISHED_WORK_UPDATE_PERIOD_MS);
  }
}
