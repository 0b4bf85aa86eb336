import type { Logger } from '@vmcp/discoverer';

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

/**
 * Where the pool reports what it does: any part of the packages' one {@link Logger} (pass `console`, or bind
 * pino/winston); the pool logs at debug, info and warn. Messages never contain secret values.
 */
export type PoolLogger = Partial<Logger>;
