import { describe, expect, it } from 'vitest';
import { FakeClock } from '@vmcp/core/testing';
import { UNFINISHED_WORK_UPDATE_PERIOD_MS, type WorkQueueMetricsProvider } from './metrics.ts';
import { createRateLimitingQueue } from './rate-limiting-queue.ts';
import { itemExponentialFailureRateLimiter } from './rate-limiters.ts';

describe('RateLimitingQueue', () => {
  it('addRateLimited waits the limiter delay, growing per failure until forget', () => {
    const clock = new FakeClock();
    const q = createRateLimitingQueue<string>({ clock, rateLimiter: itemExponentialFailureRateLimiter(5, 1000) });
    q.addRateLimited('a');
    expect(q.numRequeues('a')).toBe(1);
    clock.advance(4);
    expect(q.len()).toBe(0);
    clock.advance(1);
    expect(q.len()).toBe(1);

    q.addRateLimited('b');
    q.addRateLimited('b'); // second failure: 10 ms, but the earlier 5 ms ready time is kept
    clock.advance(5);
    expect(q.len()).toBe(2);
    expect(q.numRequeues('b')).toBe(2);

    q.forget('b');
    expect(q.numRequeues('b')).toBe(0);
    expect(q.len()).toBe(2); // forget does not remove it from the queue
  });

  it('uses the default controller limiter on the queue clock when none is given', () => {
    const clock = new FakeClock();
    const q = createRateLimitingQueue<string>({ clock });
    q.addRateLimited('a');
    expect(clock.nextTimerAt()).toBe(5);
  });

  it('does not count failures once shut down', () => {
    const q = createRateLimitingQueue<string>({ clock: new FakeClock() });
    q.shutDown();
    q.addRateLimited('a');
    expect(q.numRequeues('a')).toBe(0);
  });
});

describe('queue metrics', () => {
  function recordingProvider(): { provider: WorkQueueMetricsProvider; log: string[]; gauges: Map<string, number> } {
    const log: string[] = [];
    const gauges = new Map<string, number>();
    const counter = (metric: string) => (name: string) => ({ inc: () => log.push(`${name}:${metric}+`) });
    const histogram = (metric: string) => (name: string) => ({
      observe: (v: number) => log.push(`${name}:${metric}=${v}`),
    });
    const settable = (metric: string) => (name: string) => ({ set: (v: number) => gauges.set(`${name}:${metric}`, v) });
    return {
      log,
      gauges,
      provider: {
        newDepthMetric: (name) => ({
          inc: () => log.push(`${name}:depth+`),
          dec: () => log.push(`${name}:depth-`),
        }),
        newAddsMetric: counter('adds'),
        newLatencyMetric: histogram('latency'),
        newWorkDurationMetric: histogram('work'),
        newUnfinishedWorkSecondsMetric: settable('unfinished'),
        newLongestRunningProcessorSecondsMetric: settable('longest'),
        newRetriesMetric: counter('retries'),
      },
    };
  }

  it('reports depth, adds, latency, work duration, retries and unfinished work', async () => {
    const clock = new FakeClock();
    const { provider, log, gauges } = recordingProvider();
    const q = createRateLimitingQueue<string>({
      name: 'backends',
      clock,
      metrics: provider,
      rateLimiter: itemExponentialFailureRateLimiter(5, 1000),
    });
    q.add('a');
    q.add('a'); // deduplicated: not an add
    expect(log).toEqual(['backends:adds+', 'backends:depth+']);
    clock.advance(2000);
    const r = await q.get();
    expect(r).toEqual({ item: 'a', shutdown: false });
    expect(log.slice(2)).toEqual(['backends:depth-', 'backends:latency=2']);

    clock.advance(UNFINISHED_WORK_UPDATE_PERIOD_MS * 3); // a has been processing for 1.5 s
    expect(gauges.get('backends:unfinished')).toBe(1.5);
    expect(gauges.get('backends:longest')).toBe(1.5);

    q.done('a');
    expect(log.slice(4)).toEqual(['backends:work=1.5']);
    q.addRateLimited('a');
    expect(log.slice(5)).toEqual(['backends:retries+']);
    clock.advance(5);
    expect(log.slice(6)).toEqual(['backends:adds+', 'backends:depth+']);
    clock.advance(UNFINISHED_WORK_UPDATE_PERIOD_MS);
    expect(gauges.get('backends:unfinished')).toBe(0);

    q.shutDown();
    expect(clock.pendingTimers()).toBe(0); // the periodic refresh stops with the queue
  });
});
