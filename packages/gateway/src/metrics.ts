import { callSafely, errorMessage, type Logger } from '@vmcp/core';

/** A connection lifecycle event of one backend. */
export interface ConnectionEvent {
  backendId: string;
  /** `connected` after initialize and the first tool list; `failed` for a connect that did not; `disconnected` on close. */
  event: 'connected' | 'failed' | 'disconnected';
  /** For `connected` and `failed`: how long the attempt took. */
  durationMs?: number;
}

/** One health probe (`ping`). */
export interface ProbeEvent {
  backendId: string;
  ok: boolean;
  latencyMs: number;
}

/** One routed tool call. `ok` is false when the call threw or the result has `isError`. */
export interface CallEvent {
  backendId: string;
  /** The exposed name. */
  tool: string;
  ok: boolean;
  durationMs: number;
}

/**
 * Hooks for metrics (Prometheus counters and histograms, OpenTelemetry…). Called synchronously; a hook that throws
 * is reported to the logger and otherwise ignored.
 */
export interface PoolMetrics {
  connection?(event: ConnectionEvent): void;
  probe?(event: ProbeEvent): void;
  call?(event: CallEvent): void;
}

/** Reports one event to its hook, if the user gave one. */
export type MetricSink = <K extends keyof PoolMetrics>(hook: K, event: Parameters<NonNullable<PoolMetrics[K]>>[0]) => void;

/** The sink over the user's hooks: a hook that throws is logged and changes nothing. */
export function metricSink(metrics: PoolMetrics | undefined, logger: Logger): MetricSink {
  return (hook, event) => {
    const fn = metrics?.[hook] as ((e: typeof event) => void) | undefined;
    if (fn === undefined) return;
    callSafely(
      () => fn.call(metrics, event),
      (error) => logger.warn(`metrics hook ${hook} failed: ${errorMessage(error)}`),
    );
  };
}
