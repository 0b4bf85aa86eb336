import type { BackendHealthStatus } from '@vmcp/registry';

/** Where the pool's connection to a backend stands. */
export type ConnectionState = 'connecting' | 'connected' | 'retrying' | 'unavailable' | 'closed';

/**
 * What the pool itself observed: `healthy` (connected, probes answer), `unhealthy` (connect or probes failed; being
 * retried), `unavailable` (cannot be connected as configured, e.g. an auth strategy without an implementation; not
 * retried until the backend changes), `unknown` (not connected yet).
 */
export type ObservedHealth = 'unknown' | 'healthy' | 'unhealthy' | 'unavailable';

/** The health of one backend as the pool reports it. */
export interface BackendHealth {
  id: string;
  /** {@link combineHealth} of `registryHealth` and `observed`: what a gateway should act on. */
  health: BackendHealthStatus;
  /** The registry's health (from the resource's phase). The pool never writes it back. */
  registryHealth: BackendHealthStatus;
  observed: ObservedHealth;
  state: ConnectionState;
  /** Why the backend is not healthy, without secret values. */
  reason?: string;
  /** Round trip of the last successful probe (`ping`), in ms. */
  probeLatencyMs?: number;
}

/**
 * The registry's phase health overlaid with what the pool observed. A backend the registry calls `unhealthy` or
 * `unauthenticated` stays so; otherwise the observation decides: connected and answering → `healthy` (`degraded`
 * if the registry says so), not connected yet → `unknown`, failing or unavailable → `unhealthy`.
 */
export function combineHealth(registry: BackendHealthStatus, observed: ObservedHealth): BackendHealthStatus {
  if (registry === 'unhealthy' || registry === 'unauthenticated') return registry;
  switch (observed) {
    case 'healthy':
      return registry === 'degraded' ? 'degraded' : 'healthy';
    case 'unknown':
      return 'unknown';
    default:
      return 'unhealthy';
  }
}

/** Whether a backend in this combined health is offered in the catalogue and routed to. */
export function isServing(health: BackendHealthStatus): boolean {
  return health === 'healthy' || health === 'degraded';
}
