/**
 * Work queues with client-go semantics (dedup, a key never processed concurrently, re-add while processing runs
 * again after `done`), delayed and rate-limited adds, rate limiters (on `@vmcp/core`'s clock),
 * and metrics hooks with controller-runtime names.
 *
 * @module
 */
export { type GetResult, type WorkQueue, type WorkQueueOptions, createWorkQueue } from './queue.ts';
export { type DelayingQueue, createDelayingQueue } from './delaying-queue.ts';
export { type RateLimitingQueue, type RateLimitingQueueOptions, createRateLimitingQueue } from './rate-limiting-queue.ts';
export {
  type RateLimiter,
  itemExponentialFailureRateLimiter,
  itemFastSlowRateLimiter,
  bucketRateLimiter,
  maxOfRateLimiter,
  defaultControllerRateLimiter,
  defaultItemBasedRateLimiter,
} from './rate-limiters.ts';
export {
  type GaugeMetric,
  type SettableGaugeMetric,
  type CounterMetric,
  type HistogramMetric,
  type WorkQueueMetricsProvider,
  WORKQUEUE_METRIC_NAMES,
} from './metrics.ts';
